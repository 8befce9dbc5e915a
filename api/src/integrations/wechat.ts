import { z } from 'zod'
import { AppError } from '../domain/app-error'
import type { Logger } from '../lib/log'

/**
 * WeChat's server API (微信服务端接口) for the mini-program: login (`code2Session`), the `getPhoneNumber` button
 * code, and subscribe messages (订阅消息).
 *
 * WeChat answers most errors with HTTP 200 and `{ errcode, errmsg }`, so every answer is read for an `errcode`
 * before it is trusted: https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/
 */

/** Who a `wx.login` code belongs to. `session_key` is deliberately absent: see `code2Session`. */
export interface WeChatSession {
  openid: string
  /** Present only when the mini-program is bound to a WeChat Open Platform account. */
  unionid?: string
}

export interface WeChatPhoneNumber {
  /** The number without country code (WeChat's `purePhoneNumber`), e.g. `13800138000`. */
  phoneNumber: string
  /** Without `+`, e.g. `86`. */
  countryCode: string
}

/** One value per template keyword, e.g. `{ thing1: { value: '您的信访事项已受理' } }`. */
export type SubscribeMessageData = Record<string, { value: string }>

export interface SubscribeMessage {
  openid: string
  templateId: string
  /** The mini-program page the notification opens, with its query string. */
  page?: string
  data: SubscribeMessageData
  /** Which build the notification opens; WeChat defaults to `formal`. */
  miniprogramState?: 'developer' | 'trial' | 'formal'
}

/**
 * A send either went out or was refused; refusals are data, not exceptions, because the notification outbox
 * decides whether to try again. `errcode` is WeChat's code, or `null` when WeChat gave no usable answer
 * (network failure, timeout, HTTP error, unreadable body).
 */
export type SubscribeSendResult = { ok: true } | { ok: false; errcode: number | null; retryable: boolean }

/** What the rest of the API needs from WeChat; tests and other runtimes may supply their own implementation. */
export interface WeChatClient {
  /** Exchanges a `wx.login` code for the user's identity. Throws `AppError` (WECHAT_*) when it cannot. */
  code2Session(code: string): Promise<WeChatSession>
  /** Exchanges a `getPhoneNumber` button code for the user's phone number. Throws `AppError` (WECHAT_*). */
  getPhoneNumber(phoneCode: string): Promise<WeChatPhoneNumber>
  /** Sends one subscribe message; never throws for a WeChat refusal or outage. */
  sendSubscribeMessage(message: SubscribeMessage): Promise<SubscribeSendResult>
}

export interface WeChatClientOptions {
  /** `https://api.weixin.qq.com` in production (WECHAT_API_BASE_URL); a local fake in tests. */
  baseUrl: string
  appId: string
  secret: string
  /** How long one call to WeChat may take before the user is told WeChat is unavailable. */
  timeoutMs?: number
  /**
   * The signal that ends a call after `timeoutMs`: `AbortSignal.timeout` by default. Tests pass one they abort
   * themselves, so that a call times out when they say and never because the machine was busy.
   */
  timeoutSignal?: (timeoutMs: number) => AbortSignal
  logger: Logger
  /** The current instant in epoch ms; decides when the cached access token is renewed. */
  now?: () => number
}

/** WeChat error codes this client gives a meaning to. */
export const WECHAT_ERRCODE = {
  SYSTEM_BUSY: -1,
  ACCESS_TOKEN_INVALID: 40001,
  INVALID_OPENID: 40003,
  INVALID_APPID: 40013,
  CODE_INVALID: 40029,
  INVALID_TEMPLATE_ID: 40037,
  INVALID_APPSECRET: 40125,
  CODE_USED: 40163,
  HIGH_RISK_USER: 40226,
  INVALID_PAGE: 41030,
  ACCESS_TOKEN_EXPIRED: 42001,
  USER_REFUSED_SUBSCRIPTION: 43101,
  API_QUOTA_REACHED: 45009,
  RATE_LIMITED: 45011,
  DATA_FORMAT_ERROR: 47001,
  TEMPLATE_ARGUMENT_INVALID: 47003,
} as const

export const DEFAULT_WECHAT_TIMEOUT_MS = 3_000

/** The access token is renewed this long before WeChat says it expires, so a call never carries a dying one. */
const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000

/**
 * 45011 is WeChat's per-minute frequency limit; it does not say when the window ends, so the client is told to
 * wait out a whole window.
 */
const RATE_LIMIT_RETRY_AFTER_SECONDS = '60'

const ACCESS_TOKEN_ERRCODES: ReadonlySet<number> = new Set([
  WECHAT_ERRCODE.ACCESS_TOKEN_INVALID,
  WECHAT_ERRCODE.ACCESS_TOKEN_EXPIRED,
])

/** Refusals that say something about this message or this user; sending it again cannot succeed. */
const PERMANENT_SEND_ERRCODES: ReadonlySet<number> = new Set([
  WECHAT_ERRCODE.USER_REFUSED_SUBSCRIPTION,
  WECHAT_ERRCODE.INVALID_OPENID,
  WECHAT_ERRCODE.INVALID_TEMPLATE_ID,
  WECHAT_ERRCODE.INVALID_PAGE,
  WECHAT_ERRCODE.DATA_FORMAT_ERROR,
  WECHAT_ERRCODE.TEMPLATE_ARGUMENT_INVALID,
])

/** Refusals that pass with time: busy, quotas, and a token that could not be renewed just now. */
const TRANSIENT_SEND_ERRCODES: ReadonlySet<number> = new Set([
  WECHAT_ERRCODE.SYSTEM_BUSY,
  WECHAT_ERRCODE.API_QUOTA_REACHED,
  WECHAT_ERRCODE.RATE_LIMITED,
  WECHAT_ERRCODE.ACCESS_TOKEN_INVALID,
  WECHAT_ERRCODE.ACCESS_TOKEN_EXPIRED,
])

// Loose objects: WeChat adds fields over time, and an extra field must not break a login.
const ErrorEnvelopeSchema = z.looseObject({ errcode: z.number().int(), errmsg: z.string().optional() })

const Code2SessionSchema = z.looseObject({
  openid: z.string().min(1),
  unionid: z.string().min(1).optional(),
})

const AccessTokenSchema = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
})

const PhoneNumberSchema = z.looseObject({
  phone_info: z.looseObject({
    purePhoneNumber: z.string().min(1),
    countryCode: z.string().min(1),
  }),
})

type Endpoint = 'jscode2session' | 'token' | 'getuserphonenumber' | 'subscribe.send'

type Unreachable = 'timeout' | 'network' | 'http_status' | 'invalid_json'

/** What came back from one call, before any endpoint gives it a meaning. */
type WireOutcome =
  | { kind: 'answer'; body: unknown }
  | { kind: 'refused'; errcode: number; errmsg: string }
  | { kind: 'unreachable'; reason: Unreachable; httpStatus?: number }

interface CachedToken {
  token: string
  /** When the token stops being used (WeChat's expiry minus the margin), epoch ms. */
  renewAt: number
}

export function createWeChatClient(options: WeChatClientOptions): WeChatClient {
  const { appId, secret, logger } = options
  const baseUrl = options.baseUrl.replace(/\/+$/, '')
  const timeoutMs = options.timeoutMs ?? DEFAULT_WECHAT_TIMEOUT_MS
  const timeoutSignal = options.timeoutSignal ?? ((ms: number) => AbortSignal.timeout(ms))
  const now = options.now ?? Date.now

  /**
   * Never log the URL: its query carries the app secret, the user's code or the access token. Only the endpoint
   * name, WeChat's errcode/errmsg and the failure kind are logged.
   */
  async function call(endpoint: Endpoint, url: URL, json?: unknown): Promise<WireOutcome> {
    let response: Response
    let text: string
    try {
      response = await fetch(url, {
        method: json === undefined ? 'GET' : 'POST',
        headers: json === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
        body: json === undefined ? undefined : JSON.stringify(json),
        // Covers the body too: a server that sends headers and then stalls is still cut off.
        signal: timeoutSignal(timeoutMs),
      })
      text = await response.text()
    } catch (error) {
      const reason: Unreachable = isTimeout(error) ? 'timeout' : 'network'
      logger.warn('wechat call failed', { endpoint, reason, timeoutMs, error: describeError(error) })
      return { kind: 'unreachable', reason }
    }
    if (!response.ok) {
      logger.warn('wechat call failed', { endpoint, reason: 'http_status', httpStatus: response.status })
      return { kind: 'unreachable', reason: 'http_status', httpStatus: response.status }
    }
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      logger.warn('wechat call failed', { endpoint, reason: 'invalid_json', httpStatus: response.status })
      return { kind: 'unreachable', reason: 'invalid_json' }
    }
    const envelope = ErrorEnvelopeSchema.safeParse(body)
    if (envelope.success && envelope.data.errcode !== 0) {
      const { errcode } = envelope.data
      const errmsg = (envelope.data.errmsg ?? '').slice(0, 200)
      logger.info('wechat refused a call', { endpoint, errcode, errmsg })
      return { kind: 'refused', errcode, errmsg }
    }
    return { kind: 'answer', body }
  }

  function malformed(endpoint: Endpoint, error: z.ZodError): AppError {
    logger.warn('wechat answer did not match its schema', {
      endpoint,
      // Paths only: the values may be the very secrets this module keeps out of logs.
      paths: error.issues.map((issue) => issue.path.join('.')),
    })
    return new AppError('WECHAT_UNAVAILABLE', { detail: 'WeChat returned an unexpected answer' })
  }

  /** The one mapping from a failed call to the API's error codes, shared by login and phone number. */
  function toAppError(endpoint: Endpoint, outcome: Exclude<WireOutcome, { kind: 'answer' }>): AppError {
    if (outcome.kind === 'unreachable') {
      return new AppError('WECHAT_UNAVAILABLE', { detail: `WeChat did not answer (${outcome.reason})` })
    }
    switch (outcome.errcode) {
      case WECHAT_ERRCODE.CODE_INVALID:
      case WECHAT_ERRCODE.CODE_USED:
        return new AppError('WECHAT_CODE_INVALID')
      case WECHAT_ERRCODE.RATE_LIMITED:
        return new AppError('WECHAT_RATE_LIMITED', { headers: { 'retry-after': RATE_LIMIT_RETRY_AFTER_SECONDS } })
      case WECHAT_ERRCODE.HIGH_RISK_USER:
        return new AppError('WECHAT_FORBIDDEN')
      case WECHAT_ERRCODE.SYSTEM_BUSY:
        return new AppError('WECHAT_UNAVAILABLE', { detail: 'WeChat is busy' })
      default:
        // Credentials, quotas, IP allow-list…: nothing the user can fix, so an outage to them and an alert to us.
        logger.error('wechat refused a call with an unexpected errcode', { endpoint, errcode: outcome.errcode })
        return new AppError('WECHAT_UNAVAILABLE', { detail: `WeChat refused the call (errcode ${outcome.errcode})` })
    }
  }

  // --- access token (接口调用凭证), shared by every call that needs one -------------------------------------------

  let cachedToken: CachedToken | null = null
  /** The token request in flight, so that concurrent callers wait for one fetch instead of each starting one. */
  let tokenInFlight: Promise<string> | null = null

  async function fetchAccessToken(): Promise<string> {
    const url = new URL(`${baseUrl}/cgi-bin/token`)
    url.search = new URLSearchParams({ grant_type: 'client_credential', appid: appId, secret }).toString()
    const outcome = await call('token', url)
    if (outcome.kind === 'refused') {
      // Wrong appid/secret, IP not on the allow-list, daily quota spent: every WeChat feature is down until
      // someone acts, so this is an error, not a warning.
      logger.error('wechat refused the access token request', { endpoint: 'token', errcode: outcome.errcode })
    }
    if (outcome.kind !== 'answer') throw new AccessTokenUnavailable(outcome)
    const parsed = AccessTokenSchema.safeParse(outcome.body)
    if (!parsed.success) {
      throw new AccessTokenUnavailable(
        { kind: 'unreachable', reason: 'invalid_json' },
        malformed('token', parsed.error),
      )
    }
    const lifetimeMs = parsed.data.expires_in * 1000
    // A token shorter-lived than the margin (never seen in practice) is used for half its life instead.
    const usableMs = lifetimeMs > TOKEN_REFRESH_MARGIN_MS ? lifetimeMs - TOKEN_REFRESH_MARGIN_MS : lifetimeMs / 2
    cachedToken = { token: parsed.data.access_token, renewAt: now() + usableMs }
    return parsed.data.access_token
  }

  function getAccessToken(): Promise<string> {
    if (cachedToken && now() < cachedToken.renewAt) return Promise.resolve(cachedToken.token)
    if (!tokenInFlight) {
      tokenInFlight = fetchAccessToken().finally(() => {
        tokenInFlight = null
      })
    }
    return tokenInFlight
  }

  /**
   * Drops the token WeChat just refused, unless another caller already replaced it: N concurrent calls that all
   * meet the same stale token must cause one renewal, not N (each renewal invalidates the previous token).
   */
  function dropAccessToken(refused: string): void {
    if (cachedToken?.token === refused) cachedToken = null
  }

  /** Runs a call that carries the access token, renewing the token and trying once more if WeChat refuses it. */
  async function withAccessToken(endpoint: Endpoint, send: (token: string) => Promise<WireOutcome>) {
    const token = await getAccessToken()
    const outcome = await send(token)
    if (outcome.kind !== 'refused' || !ACCESS_TOKEN_ERRCODES.has(outcome.errcode)) return outcome
    logger.info('wechat access token refused, renewing it', { endpoint, errcode: outcome.errcode })
    dropAccessToken(token)
    return send(await getAccessToken())
  }

  function urlWithToken(path: string, token: string): URL {
    const url = new URL(`${baseUrl}${path}`)
    url.searchParams.set('access_token', token)
    return url
  }

  return {
    async code2Session(code) {
      const url = new URL(`${baseUrl}/sns/jscode2session`)
      url.search = new URLSearchParams({
        appid: appId,
        secret,
        js_code: code,
        grant_type: 'authorization_code',
      }).toString()
      const outcome = await call('jscode2session', url)
      if (outcome.kind !== 'answer') throw toAppError('jscode2session', outcome)
      const parsed = Code2SessionSchema.safeParse(outcome.body)
      if (!parsed.success) throw malformed('jscode2session', parsed.error)
      // `session_key` is deliberately dropped here. It decrypts the user's encrypted data and signs their
      // requests; it must never reach the client (DOMAIN.md) or a log, and this service has no use for it
      // (phone numbers come from the newer code exchange). Not returning it means no caller can leak it.
      const session: WeChatSession = { openid: parsed.data.openid }
      if (parsed.data.unionid !== undefined) session.unionid = parsed.data.unionid
      return session
    },

    async getPhoneNumber(phoneCode) {
      let outcome: WireOutcome
      try {
        outcome = await withAccessToken('getuserphonenumber', (token) =>
          call('getuserphonenumber', urlWithToken('/wxa/business/getuserphonenumber', token), { code: phoneCode }),
        )
      } catch (error) {
        if (!(error instanceof AccessTokenUnavailable)) throw error
        // A refused token request is our configuration's fault, never the user's code: no CODE_INVALID here.
        throw new AppError('WECHAT_UNAVAILABLE', { detail: 'WeChat access token unavailable', cause: error })
      }
      if (outcome.kind !== 'answer') throw toAppError('getuserphonenumber', outcome)
      const parsed = PhoneNumberSchema.safeParse(outcome.body)
      if (!parsed.success) throw malformed('getuserphonenumber', parsed.error)
      return { phoneNumber: parsed.data.phone_info.purePhoneNumber, countryCode: parsed.data.phone_info.countryCode }
    },

    async sendSubscribeMessage(message) {
      const payload: Record<string, unknown> = {
        touser: message.openid,
        template_id: message.templateId,
        data: message.data,
      }
      if (message.page !== undefined) payload.page = message.page
      if (message.miniprogramState !== undefined) payload.miniprogram_state = message.miniprogramState
      let outcome: WireOutcome
      try {
        outcome = await withAccessToken('subscribe.send', (token) =>
          call('subscribe.send', urlWithToken('/cgi-bin/message/subscribe/send', token), payload),
        )
      } catch (error) {
        if (!(error instanceof AccessTokenUnavailable)) throw error
        // Nothing is wrong with the message itself, so it is worth sending again once the token can be had.
        const { outcome: failed } = error
        return { ok: false, errcode: failed.kind === 'refused' ? failed.errcode : null, retryable: true }
      }
      if (outcome.kind === 'answer') return { ok: true }
      if (outcome.kind === 'unreachable') return { ok: false, errcode: null, retryable: true }
      if (TRANSIENT_SEND_ERRCODES.has(outcome.errcode)) return { ok: false, errcode: outcome.errcode, retryable: true }
      if (!PERMANENT_SEND_ERRCODES.has(outcome.errcode)) {
        // Unknown refusals are not retried: repeating a request WeChat rejected for a reason we do not know is
        // more likely to annoy (or get the app throttled) than to succeed.
        logger.error('wechat refused a subscribe message with an unexpected errcode', {
          endpoint: 'subscribe.send',
          errcode: outcome.errcode,
        })
      }
      return { ok: false, errcode: outcome.errcode, retryable: false }
    },
  }
}

/** The token request failed; carried out of `withAccessToken` so each operation can map it its own way. */
class AccessTokenUnavailable extends Error {
  override name = 'AccessTokenUnavailable'
  constructor(
    readonly outcome: Exclude<WireOutcome, { kind: 'answer' }>,
    cause?: unknown,
  ) {
    super(
      outcome.kind === 'refused'
        ? `WeChat refused the access token request (errcode ${outcome.errcode})`
        : `WeChat did not answer the access token request (${outcome.reason})`,
      { cause },
    )
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
}

/** Name and system code only: an error message may quote the request URL, and the URL carries secrets. */
function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { name: typeof error }
  const cause = error.cause
  const causeCode = cause instanceof Error && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined
  return { name: error.name, causeCode }
}
