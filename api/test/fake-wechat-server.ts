import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { z } from 'zod'

/**
 * A real HTTP server that speaks WeChat's server-API wire format for the endpoints Xinfang calls, so API tests and
 * cross-package tests exercise the real client over a real socket (STYLE.md rule 13). Point
 * `WECHAT_API_BASE_URL` at `baseUrl`.
 *
 * It keeps WeChat's quirks on purpose: errors come back as HTTP 200 with `{ errcode, errmsg }`, jscode2session
 * answers JSON labelled `text/plain`, login codes are single-use and live 5 minutes, and issuing an access token
 * leaves the previous one valid for 5 more minutes only.
 */

export type FakeWeChatEndpoint =
  | '/sns/jscode2session'
  | '/cgi-bin/token'
  | '/wxa/business/getuserphonenumber'
  | '/cgi-bin/message/subscribe/send'

/** Something to go wrong on the next call to one endpoint. */
export type FakeWeChatFault =
  /** WeChat's usual way of failing: HTTP 200 with this errcode. */
  | { errcode: number; errmsg?: string }
  /** A gateway failure: this HTTP status and an HTML body. */
  | { httpStatus: number }
  /**
   * Answer normally, but only after this long on the fake's clock (the call still takes effect, as a slow WeChat's
   * would): real time by default, `advanceTime` alone when the fake was given its own `now`.
   */
  | { delayMs: number }
  /** Keep the request open and never answer it (until the fake closes): a WeChat that hangs. */
  | { neverAnswer: true }
  /** Close the socket without answering. */
  | { dropConnection: true }
  /** HTTP 200 with a body that is not JSON. */
  | { invalidJson: true }

export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string>
  /** The parsed JSON body, the raw text if it was not JSON, `undefined` if there was none. */
  body: unknown
  /** On the fake's clock, epoch ms. */
  at: number
}

export interface SentSubscribeMessage {
  touser: string
  templateId: string
  page: string | undefined
  data: Record<string, { value: string }>
  miniprogramState: string | undefined
  at: number
}

/** An answer held back by `holdNext`: the request is recorded when it arrives, the answer goes out on `release`. */
export interface HeldAnswer {
  /** Resolves with the request once it has arrived and been recorded. */
  readonly received: Promise<RecordedRequest>
  /** Lets the answer go out, as if WeChat had been slow until now. */
  release(): void
}

export interface FakeWeChatOptions {
  appId: string
  secret: string
  /**
   * The fake's clock (epoch ms); `advanceTime` moves it further. Defaults to the real clock. With a clock of its
   * own the fake's delays pass only through `advanceTime`, so a test decides when a slow answer arrives.
   */
  now?: () => number
  /**
   * Whether a subscribe message needs a credit granted with `grantSubscription`, as on WeChat where one tap in
   * `requestSubscribeMessage` allows one message. Default true; false lets any message through.
   */
  enforceSubscriptionCredits?: boolean
}

export interface LoginCodeOptions {
  /** Returned as `unionid` when given, as for an app bound to an Open Platform account. */
  unionid?: string
  /** The `session_key` WeChat returns with the openid; random unless given, so tests can look for leaks. */
  sessionKey?: string
}

export interface FakeWeChat {
  baseUrl: string
  /** A `wx.login` code for this openid: single use, valid 5 minutes. */
  issueLoginCode(openid: string, options?: LoginCodeOptions): string
  /** A `getPhoneNumber` button code for this number (without country code): single use, valid 5 minutes. */
  issuePhoneCode(phoneNumber: string, options?: { countryCode?: string }): string
  /** The user tapped "allow" for this template `times` times: that many messages may be sent. */
  grantSubscription(openid: string, templateId: string, times?: number): void
  remainingSubscriptions(openid: string, templateId: string): number
  /** Queues a fault for the next call to `endpoint`; several calls queue several faults, used in order. */
  failNext(endpoint: FakeWeChatEndpoint, fault: FakeWeChatFault): void
  /**
   * Holds the next answer of `endpoint` back until `release()` is called (queued with `failNext`'s faults); closing
   * the fake drops it.
   */
  holdNext(endpoint: FakeWeChatEndpoint): HeldAnswer
  /** Resolves with the first request (already received or still to come) that `matches`. */
  waitForRequest(matches: (request: RecordedRequest) => boolean): Promise<RecordedRequest>
  /** Delays every answer of `endpoint` by `ms` until set back to 0. */
  setDelay(endpoint: FakeWeChatEndpoint, ms: number): void
  /** Every access token issued so far expires now: the next call carrying one gets errcode 42001. */
  expireAccessTokens(): void
  /** Every access token issued so far is forgotten: the next call carrying one gets errcode 40001. */
  revokeAccessTokens(): void
  /** Moves the fake's clock forward, e.g. past a code's 5 minutes. */
  advanceTime(ms: number): void
  /** Every request received, in order, faulted ones included. */
  readonly requests: readonly RecordedRequest[]
  /** Every subscribe message WeChat accepted, in order. */
  readonly sentMessages: readonly SentSubscribeMessage[]
  close(): Promise<void>
}

const CODE_TTL_MS = 5 * 60_000
const ACCESS_TOKEN_TTL_SECONDS = 7200
/** After a new token is issued, WeChat keeps the old one working this long so running calls can finish. */
const OLD_TOKEN_GRACE_MS = 5 * 60_000
const MAX_BODY_BYTES = 1024 * 1024

const ENDPOINTS: readonly FakeWeChatEndpoint[] = [
  '/sns/jscode2session',
  '/cgi-bin/token',
  '/wxa/business/getuserphonenumber',
  '/cgi-bin/message/subscribe/send',
]

/** WeChat's own errmsg texts, so logs in tests look like logs in production. */
const ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40013: 'invalid appid',
  40029: 'invalid code',
  40037: 'invalid template_id',
  40125: 'invalid appsecret',
  40163: 'code been used',
  40226: 'high risk user',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41008: 'missing code',
  42001: 'access_token expired',
  43101: 'user refuse to accept the msg',
  45011: 'api minute-quota reach limit  mustslower  retry next minute',
  47001: 'data format error',
  47003: 'argument invalid!',
}

const PhoneNumberRequestSchema = z.object({ code: z.string().min(1) })

const SubscribeSendRequestSchema = z.object({
  touser: z.string(),
  template_id: z.string(),
  page: z.string().optional(),
  data: z.record(z.string(), z.object({ value: z.string() })),
  miniprogram_state: z.enum(['developer', 'trial', 'formal']).optional(),
  lang: z.string().optional(),
})

interface IssuedCode<T> {
  value: T
  expiresAt: number
  used: boolean
}

type Answer = { status: number; contentType: string; body: string }

/** `holdNext`'s fault as queued: when the request arrives, and when the answer may go. */
type HoldFault = { hold: { arrived: (request: RecordedRequest) => void; released: Promise<void> } }

export async function startFakeWeChat(options: FakeWeChatOptions): Promise<FakeWeChat> {
  const { appId, secret } = options
  const realNow = options.now ?? Date.now
  const enforceCredits = options.enforceSubscriptionCredits ?? true
  let clockOffsetMs = 0
  const now = () => realNow() + clockOffsetMs

  const loginCodes = new Map<string, IssuedCode<{ openid: string; unionid?: string; sessionKey: string }>>()
  const phoneCodes = new Map<string, IssuedCode<{ purePhoneNumber: string; countryCode: string }>>()
  const accessTokens = new Map<string, { expiresAt: number }>()
  const credits = new Map<string, number>()
  const faults = new Map<FakeWeChatEndpoint, Array<FakeWeChatFault | HoldFault>>()
  const delays = new Map<FakeWeChatEndpoint, number>()
  const requests: RecordedRequest[] = []
  const sentMessages: SentSubscribeMessage[] = []
  const requestWaiters = new Set<{
    matches: (request: RecordedRequest) => boolean
    resolve: (request: RecordedRequest) => void
  }>()
  /** Answers held back (delays, holds, hangs), each with the way to let it go; `close` lets them all go. */
  const pendingWaits = new Set<{ timer?: NodeJS.Timeout; dueAt?: number; resolve: () => void }>()
  let nextMsgId = 1
  let isClosed = false

  const creditKey = (openid: string, templateId: string) => `${openid}\u0000${templateId}`

  /** Resolves once `ms` have passed on the fake's clock: a real timer, or `advanceTime` for a clock of its own. */
  function wait(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve()
    return new Promise((resolve) => {
      const pending: { timer?: NodeJS.Timeout; dueAt?: number; resolve: () => void } = {
        resolve: () => {
          clearTimeout(pending.timer)
          pendingWaits.delete(pending)
          resolve()
        },
      }
      if (options.now === undefined) pending.timer = setTimeout(pending.resolve, ms)
      else pending.dueAt = now() + ms
      pendingWaits.add(pending)
    })
  }

  /** Resolves when `released` does, or when the fake closes. */
  function holdUntil(released: Promise<void> | 'closed'): Promise<void> {
    return new Promise((resolve) => {
      const pending = {
        resolve: () => {
          pendingWaits.delete(pending)
          resolve()
        },
      }
      pendingWaits.add(pending)
      if (released !== 'closed') void released.then(pending.resolve)
    })
  }

  function record(request: RecordedRequest): void {
    requests.push(request)
    for (const waiter of requestWaiters) {
      if (!waiter.matches(request)) continue
      requestWaiters.delete(waiter)
      waiter.resolve(request)
    }
  }

  function json(body: unknown, contentType = 'application/json; encoding=utf-8'): Answer {
    return { status: 200, contentType, body: JSON.stringify(body) }
  }

  function refusal(errcode: number, errmsg = ERRMSG[errcode] ?? 'error'): Answer {
    // Real errmsgs end with a request id (rid) to quote to WeChat support.
    return json({ errcode, errmsg: `${errmsg} rid: ${randomBytes(12).toString('hex')}` })
  }

  /** appid and secret as jscode2session and cgi-bin/token check them; null when they are right. */
  function checkCredentials(query: Record<string, string>): Answer | null {
    if (!query.appid) return refusal(41002)
    if (query.appid !== appId) return refusal(40013)
    if (!query.secret) return refusal(41004)
    if (query.secret !== secret) return refusal(40125)
    return null
  }

  function checkAccessToken(query: Record<string, string>): Answer | null {
    const token = query.access_token
    if (!token) return refusal(41001)
    const issued = accessTokens.get(token)
    if (!issued) return refusal(40001)
    if (now() >= issued.expiresAt) return refusal(42001)
    return null
  }

  /** Takes a code if it is live, marking it used; the errcode to answer otherwise. */
  function redeem<T>(codes: Map<string, IssuedCode<T>>, code: string, usedErrcode: number): T | number {
    const issued = codes.get(code)
    if (!issued || now() >= issued.expiresAt) return 40029
    if (issued.used) return usedErrcode
    issued.used = true
    return issued.value
  }

  function handleJsCode2Session(query: Record<string, string>): Answer {
    const credentialError = checkCredentials(query)
    if (credentialError) return credentialError
    if (query.grant_type !== 'authorization_code') return refusal(40002)
    if (!query.js_code) return refusal(41008)
    const login = redeem(loginCodes, query.js_code, 40163)
    if (typeof login === 'number') return refusal(login)
    const body: Record<string, string> = { session_key: login.sessionKey, openid: login.openid }
    if (login.unionid !== undefined) body.unionid = login.unionid
    // Yes, text/plain: jscode2session labels its JSON that way, so a client must not trust the content type.
    return json(body, 'text/plain')
  }

  function handleToken(query: Record<string, string>): Answer {
    if (query.grant_type !== 'client_credential') return refusal(40002)
    const credentialError = checkCredentials(query)
    if (credentialError) return credentialError
    const at = now()
    for (const issued of accessTokens.values()) {
      issued.expiresAt = Math.min(issued.expiresAt, at + OLD_TOKEN_GRACE_MS)
    }
    const token = randomBytes(48).toString('base64url')
    accessTokens.set(token, { expiresAt: at + ACCESS_TOKEN_TTL_SECONDS * 1000 })
    return json({ access_token: token, expires_in: ACCESS_TOKEN_TTL_SECONDS })
  }

  function handleGetPhoneNumber(query: Record<string, string>, body: unknown): Answer {
    const tokenError = checkAccessToken(query)
    if (tokenError) return tokenError
    const parsed = PhoneNumberRequestSchema.safeParse(body)
    if (!parsed.success) return refusal(47001)
    // WeChat documents only 40029 for this endpoint: unknown, expired and used codes all get it.
    const phone = redeem(phoneCodes, parsed.data.code, 40029)
    if (typeof phone === 'number') return refusal(phone)
    const phoneNumber =
      phone.countryCode === '86' ? phone.purePhoneNumber : `+${phone.countryCode} ${phone.purePhoneNumber}`
    return json({
      errcode: 0,
      errmsg: 'ok',
      phone_info: {
        phoneNumber,
        purePhoneNumber: phone.purePhoneNumber,
        countryCode: phone.countryCode,
        watermark: { timestamp: Math.floor(now() / 1000), appid: appId },
      },
    })
  }

  function handleSubscribeSend(query: Record<string, string>, body: unknown): Answer {
    const tokenError = checkAccessToken(query)
    if (tokenError) return tokenError
    if (typeof body !== 'object' || body === null) return refusal(47001)
    const parsed = SubscribeSendRequestSchema.safeParse(body)
    if (!parsed.success) return refusal(47003)
    const message = parsed.data
    if (!message.touser) return refusal(40003)
    if (!message.template_id) return refusal(40037)
    if (enforceCredits) {
      const key = creditKey(message.touser, message.template_id)
      const remaining = credits.get(key) ?? 0
      if (remaining <= 0) return refusal(43101)
      credits.set(key, remaining - 1)
    }
    sentMessages.push({
      touser: message.touser,
      templateId: message.template_id,
      page: message.page,
      data: message.data,
      miniprogramState: message.miniprogram_state,
      at: now(),
    })
    return json({ errcode: 0, errmsg: 'ok', msgid: nextMsgId++ })
  }

  function route(method: string, path: FakeWeChatEndpoint, query: Record<string, string>, body: unknown): Answer {
    switch (path) {
      case '/sns/jscode2session':
        return method === 'GET' ? handleJsCode2Session(query) : refusal(43002, 'require GET method')
      case '/cgi-bin/token':
        return method === 'GET' ? handleToken(query) : refusal(43002, 'require GET method')
      case '/wxa/business/getuserphonenumber':
        return method === 'POST' ? handleGetPhoneNumber(query, body) : refusal(43001, 'require POST method')
      case '/cgi-bin/message/subscribe/send':
        return method === 'POST' ? handleSubscribeSend(query, body) : refusal(43001, 'require POST method')
    }
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of req) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk))
      size += buffer.length
      if (size > MAX_BODY_BYTES) throw new Error('request body too large')
      chunks.push(buffer)
    }
    return Buffer.concat(chunks).toString('utf8')
  }

  function send(res: ServerResponse, answer: Answer): void {
    // The client may have given up (timeout) while the fake was being slow.
    if (res.destroyed || res.writableEnded) return
    res.writeHead(answer.status, {
      'content-type': answer.contentType,
      'content-length': Buffer.byteLength(answer.body),
    })
    res.end(answer.body)
  }

  function isEndpoint(path: string): path is FakeWeChatEndpoint {
    return ENDPOINTS.some((endpoint) => endpoint === path)
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const method = req.method ?? 'GET'
    const query = Object.fromEntries(url.searchParams)
    const text = await readBody(req)
    let body: unknown
    if (text.length > 0) {
      try {
        body = JSON.parse(text)
      } catch {
        body = text
      }
    }
    const request: RecordedRequest = { method, path: url.pathname, query, body, at: now() }
    record(request)

    const path = url.pathname
    if (!isEndpoint(path)) {
      send(res, { status: 404, contentType: 'text/plain', body: 'not found' })
      return
    }
    const fault = faults.get(path)?.shift()
    if (fault && 'hold' in fault) {
      fault.hold.arrived(request)
      await holdUntil(fault.hold.released)
    }
    if (fault && 'neverAnswer' in fault) await holdUntil('closed')
    await wait((delays.get(path) ?? 0) + (fault && 'delayMs' in fault ? fault.delayMs : 0))
    if (res.destroyed || isClosed) return

    if (fault && 'dropConnection' in fault) {
      req.socket.destroy()
      return
    }
    if (fault && 'httpStatus' in fault) {
      send(res, {
        status: fault.httpStatus,
        contentType: 'text/html',
        body: `<html><body><h1>${fault.httpStatus}</h1></body></html>`,
      })
      return
    }
    if (fault && 'invalidJson' in fault) {
      send(res, { status: 200, contentType: 'application/json', body: '{"errcode":0,"errmsg":' })
      return
    }
    if (fault && 'errcode' in fault) {
      send(res, refusal(fault.errcode, fault.errmsg))
      return
    }
    // JSON bodies that did not parse are passed on as text, which every POST endpoint refuses as 47001.
    send(res, route(method, path, query, body))
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      send(res, { status: 500, contentType: 'text/plain', body: String(error) })
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the fake WeChat server has no TCP address')
  const { port } = address

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    issueLoginCode(openid, codeOptions = {}) {
      const code = randomBytes(16).toString('hex')
      const value: { openid: string; unionid?: string; sessionKey: string } = {
        openid,
        sessionKey: codeOptions.sessionKey ?? randomBytes(16).toString('base64'),
      }
      if (codeOptions.unionid !== undefined) value.unionid = codeOptions.unionid
      loginCodes.set(code, { value, expiresAt: now() + CODE_TTL_MS, used: false })
      return code
    },
    issuePhoneCode(phoneNumber, phoneOptions = {}) {
      const code = randomBytes(32).toString('hex')
      phoneCodes.set(code, {
        value: { purePhoneNumber: phoneNumber, countryCode: phoneOptions.countryCode ?? '86' },
        expiresAt: now() + CODE_TTL_MS,
        used: false,
      })
      return code
    },
    grantSubscription(openid, templateId, times = 1) {
      const key = creditKey(openid, templateId)
      credits.set(key, (credits.get(key) ?? 0) + times)
    },
    remainingSubscriptions(openid, templateId) {
      return credits.get(creditKey(openid, templateId)) ?? 0
    },
    failNext(endpoint, fault) {
      const queue = faults.get(endpoint) ?? []
      queue.push(fault)
      faults.set(endpoint, queue)
    },
    holdNext(endpoint) {
      let arrived: (request: RecordedRequest) => void = () => {}
      const received = new Promise<RecordedRequest>((resolve) => {
        arrived = resolve
      })
      let release: () => void = () => {}
      const released = new Promise<void>((resolve) => {
        release = resolve
      })
      const queue = faults.get(endpoint) ?? []
      queue.push({ hold: { arrived, released } })
      faults.set(endpoint, queue)
      return { received, release }
    },
    waitForRequest(matches) {
      const known = requests.find(matches)
      if (known) return Promise.resolve(known)
      return new Promise((resolve) => {
        requestWaiters.add({ matches, resolve })
      })
    },
    setDelay(endpoint, ms) {
      delays.set(endpoint, ms)
    },
    expireAccessTokens() {
      const at = now()
      for (const issued of accessTokens.values()) issued.expiresAt = Math.min(issued.expiresAt, at)
    },
    revokeAccessTokens() {
      accessTokens.clear()
    },
    advanceTime(ms) {
      clockOffsetMs += ms
      const at = now()
      for (const pending of [...pendingWaits]) {
        if (pending.dueAt !== undefined && pending.dueAt <= at) pending.resolve()
      }
    },
    requests,
    sentMessages,
    async close() {
      isClosed = true
      for (const pending of [...pendingWaits]) pending.resolve()
      pendingWaits.clear()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
