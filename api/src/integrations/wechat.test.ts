import type { ErrorCode } from '@xinfang/shared'
import { expect, onTestFinished, test } from 'vitest'
import { type FakeWeChat, startFakeWeChat } from '../../test/fake-wechat-server'
import { manualDeadlines } from '../../test/manual-deadlines'
import { AppError } from '../domain/app-error'
import { createJsonLogger } from '../lib/log'
import { createWeChatClient, type WeChatClientOptions } from './wechat'

const APP_ID = 'wx0123456789abcdef'
const SECRET = 'secret-9f8e7d6c5b4a39281706f5e4d3c2b1a0'
const TOKEN_PATH = '/cgi-bin/token'
const PHONE_PATH = '/wxa/business/getuserphonenumber'
const SEND_PATH = '/cgi-bin/message/subscribe/send'
const TEMPLATE_ID = 'tmpl-petition-status'

/**
 * A fake WeChat and a client pointed at it. The client's calls time out when the test calls `timeouts.expire()`
 * (once the fake holds a request it will not answer), never because a busy machine answered slowly.
 */
async function setup(overrides: Partial<WeChatClientOptions> = {}) {
  const wechat = await startFakeWeChat({ appId: APP_ID, secret: SECRET })
  onTestFinished(() => wechat.close())
  const logLines: string[] = []
  const timeouts = manualDeadlines()
  const client = createWeChatClient({
    baseUrl: wechat.baseUrl,
    appId: APP_ID,
    secret: SECRET,
    logger: createJsonLogger('debug', (line) => logLines.push(line)),
    timeoutSignal: timeouts.timeoutSignal,
    ...overrides,
  })
  /** Runs `call` while `path` hangs, and lets the client's timeout end it once the fake has the request. */
  async function timingOut<T>(path: string, call: () => Promise<T>): Promise<T> {
    wechat.failNext(path as Parameters<FakeWeChat['failNext']>[0], { neverAnswer: true })
    const before = countRequests(wechat, path)
    const pending = call()
    await wechat.waitForRequest(() => countRequests(wechat, path) > before)
    timeouts.expire()
    return pending
  }
  return { wechat, client, logLines, timeouts, timingOut }
}

async function expectAppError(promise: Promise<unknown>, code: ErrorCode): Promise<AppError> {
  const error = await promise.then(
    () => new Error('expected the call to fail'),
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(AppError)
  expect(error).toMatchObject({ code })
  return error instanceof AppError ? error : Promise.reject(error)
}

function countRequests(wechat: FakeWeChat, path: string): number {
  return wechat.requests.filter((request) => request.path === path).length
}

test('a login code is exchanged for the openid and unionid WeChat knows it by', async () => {
  const { wechat, client } = await setup()
  const code = wechat.issueLoginCode('o-citizen-1', { unionid: 'u-citizen-1' })

  await expect(client.code2Session(code)).resolves.toEqual({ openid: 'o-citizen-1', unionid: 'u-citizen-1' })
  expect(wechat.requests[0]).toMatchObject({
    method: 'GET',
    path: '/sns/jscode2session',
    query: { appid: APP_ID, secret: SECRET, js_code: code, grant_type: 'authorization_code' },
  })
})

test('a login without a unionid gives an openid alone', async () => {
  const { wechat, client } = await setup()
  const session = await client.code2Session(wechat.issueLoginCode('o-citizen-2'))
  expect(session).toEqual({ openid: 'o-citizen-2' })
  expect('unionid' in session).toBe(false)
})

test('the session_key WeChat returns appears nowhere in the login result or the logs', async () => {
  const { wechat, client, logLines } = await setup()
  const sessionKey = 'tiihtNczf5v6AKRyjwEUhQ=='
  const session = await client.code2Session(wechat.issueLoginCode('o-citizen-3', { sessionKey }))

  expect(Object.keys(session)).toEqual(['openid'])
  expect(JSON.stringify(session)).not.toContain(sessionKey)
  expect(JSON.stringify(session)).not.toMatch(/session_?key/i)
  expect(logLines.join('\n')).not.toContain(sessionKey)
})

test('an unknown login code is refused with WECHAT_CODE_INVALID', async () => {
  const { client } = await setup()
  const error = await expectAppError(client.code2Session('0a1b2c3d4e5f'), 'WECHAT_CODE_INVALID')
  expect(error.status).toBe(401)
})

test('a login code used a second time is refused with WECHAT_CODE_INVALID', async () => {
  const { wechat, client } = await setup()
  const code = wechat.issueLoginCode('o-citizen-4')
  await client.code2Session(code)
  await expectAppError(client.code2Session(code), 'WECHAT_CODE_INVALID')
})

test('a login code older than five minutes is refused with WECHAT_CODE_INVALID', async () => {
  const { wechat, client } = await setup()
  const code = wechat.issueLoginCode('o-citizen-5')
  wechat.advanceTime(5 * 60_000 + 1)
  await expectAppError(client.code2Session(code), 'WECHAT_CODE_INVALID')
})

test("WeChat's rate limit 45011 becomes WECHAT_RATE_LIMITED (429) with a retry-after header", async () => {
  const { wechat, client } = await setup()
  wechat.failNext('/sns/jscode2session', { errcode: 45011 })
  const error = await expectAppError(client.code2Session(wechat.issueLoginCode('o-1')), 'WECHAT_RATE_LIMITED')
  expect(error.status).toBe(429)
  expect(Number(error.headers['retry-after'])).toBeGreaterThan(0)
})

test('a high-risk user blocked by WeChat (40226) gets WECHAT_FORBIDDEN (403)', async () => {
  const { wechat, client } = await setup()
  wechat.failNext('/sns/jscode2session', { errcode: 40226 })
  const error = await expectAppError(client.code2Session(wechat.issueLoginCode('o-1')), 'WECHAT_FORBIDDEN')
  expect(error.status).toBe(403)
})

test('WeChat being busy (-1) becomes WECHAT_UNAVAILABLE (503)', async () => {
  const { wechat, client } = await setup()
  wechat.failNext('/sns/jscode2session', { errcode: -1 })
  const error = await expectAppError(client.code2Session(wechat.issueLoginCode('o-1')), 'WECHAT_UNAVAILABLE')
  expect(error.status).toBe(503)
})

test('an answer slower than the timeout becomes WECHAT_UNAVAILABLE without waiting for it', async () => {
  // The real timer this time: the answer never comes, so only the timeout can end the call.
  const { wechat, client, logLines } = await setup({ timeoutMs: 200, timeoutSignal: undefined })
  wechat.failNext('/sns/jscode2session', { neverAnswer: true })
  await expectAppError(client.code2Session(wechat.issueLoginCode('o-1')), 'WECHAT_UNAVAILABLE')
  const failures = logLines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'wechat call failed')
  expect(failures).toEqual([expect.objectContaining({ endpoint: 'jscode2session', reason: 'timeout', timeoutMs: 200 })])
})

test('a call waits three seconds by default before WeChat counts as unavailable', async () => {
  const { wechat, client, timeouts, timingOut } = await setup({ timeoutMs: undefined })
  await expectAppError(
    timingOut('/sns/jscode2session', () => client.code2Session(wechat.issueLoginCode('o-1'))),
    'WECHAT_UNAVAILABLE',
  )
  expect(timeouts.asked).toEqual([3_000])
})

test('an HTTP 500 from WeChat becomes WECHAT_UNAVAILABLE', async () => {
  const { wechat, client } = await setup()
  wechat.failNext('/sns/jscode2session', { httpStatus: 500 })
  await expectAppError(client.code2Session(wechat.issueLoginCode('o-1')), 'WECHAT_UNAVAILABLE')
})

test('a connection WeChat drops without answering becomes WECHAT_UNAVAILABLE', async () => {
  const { wechat, client } = await setup()
  wechat.failNext('/sns/jscode2session', { dropConnection: true })
  await expectAppError(client.code2Session(wechat.issueLoginCode('o-1')), 'WECHAT_UNAVAILABLE')
})

test('an answer that is not JSON becomes WECHAT_UNAVAILABLE', async () => {
  const { wechat, client } = await setup()
  wechat.failNext('/sns/jscode2session', { invalidJson: true })
  await expectAppError(client.code2Session(wechat.issueLoginCode('o-1')), 'WECHAT_UNAVAILABLE')
})

test('a WeChat nobody listens for becomes WECHAT_UNAVAILABLE', async () => {
  const { wechat, client } = await setup()
  await wechat.close()
  await expectAppError(client.code2Session('0a1b2c3d'), 'WECHAT_UNAVAILABLE')
})

test('a wrong app secret becomes WECHAT_UNAVAILABLE with the errcode logged and no secret or code in the logs', async () => {
  const { wechat, client, logLines } = await setup({ secret: 'not-the-secret' })
  const code = wechat.issueLoginCode('o-1')
  const error = await expectAppError(client.code2Session(code), 'WECHAT_UNAVAILABLE')

  const logs = logLines.join('\n')
  expect(logs).toContain('40125')
  expect(logs).not.toContain('not-the-secret')
  expect(logs).not.toContain(code)
  expect(JSON.stringify({ message: error.message, detail: error.detail })).not.toContain(code)
})

test('an errcode the client does not know becomes WECHAT_UNAVAILABLE and is logged as an error', async () => {
  const { wechat, client, logLines } = await setup()
  wechat.failNext('/sns/jscode2session', { errcode: 40999 })
  await expectAppError(client.code2Session(wechat.issueLoginCode('o-1')), 'WECHAT_UNAVAILABLE')
  const errors = logLines.map((line) => JSON.parse(line)).filter((entry) => entry.level === 'error')
  expect(errors).toEqual([expect.objectContaining({ errcode: 40999, endpoint: 'jscode2session' })])
})

test('a phone-number code is exchanged for the number without country code and the country code', async () => {
  const { wechat, client } = await setup()
  const code = wechat.issuePhoneCode('13800138000')

  await expect(client.getPhoneNumber(code)).resolves.toEqual({ phoneNumber: '13800138000', countryCode: '86' })
  const call = wechat.requests.find((request) => request.path === PHONE_PATH)
  expect(call).toMatchObject({ method: 'POST', body: { code } })
  expect(call?.query.access_token).toEqual(expect.any(String))
})

test('a foreign phone number comes back without its country code in the number', async () => {
  const { wechat, client } = await setup()
  const code = wechat.issuePhoneCode('4155552671', { countryCode: '1' })
  await expect(client.getPhoneNumber(code)).resolves.toEqual({ phoneNumber: '4155552671', countryCode: '1' })
})

test('an unknown or reused phone-number code is refused with WECHAT_CODE_INVALID', async () => {
  const { wechat, client } = await setup()
  await expectAppError(client.getPhoneNumber('ffffffff'), 'WECHAT_CODE_INVALID')
  const code = wechat.issuePhoneCode('13800138000')
  await client.getPhoneNumber(code)
  await expectAppError(client.getPhoneNumber(code), 'WECHAT_CODE_INVALID')
})

test('ten concurrent phone-number calls fetch the access token once', async () => {
  const { wechat, client } = await setup()
  // The token answer is held until all ten callers are waiting on the same request.
  const tokenAnswer = wechat.holdNext(TOKEN_PATH)
  const numbers = Array.from({ length: 10 }, (_, i) => `1380013800${i}`)

  const calls = numbers.map((n) => client.getPhoneNumber(wechat.issuePhoneCode(n)))
  await tokenAnswer.received
  tokenAnswer.release()
  const results = await Promise.all(calls)

  expect(results.map((result) => result.phoneNumber)).toEqual(numbers)
  expect(countRequests(wechat, TOKEN_PATH)).toBe(1)
})

test('the access token is reused by later calls until five minutes before it expires', async () => {
  let clientNow = Date.parse('2026-11-23T00:00:00Z')
  const { wechat, client } = await setup({ now: () => clientNow })
  await client.getPhoneNumber(wechat.issuePhoneCode('13800138000'))
  clientNow += 7200_000 - 5 * 60_000 - 1
  await client.getPhoneNumber(wechat.issuePhoneCode('13800138001'))
  expect(countRequests(wechat, TOKEN_PATH)).toBe(1)

  clientNow += 1
  await client.getPhoneNumber(wechat.issuePhoneCode('13800138002'))
  expect(countRequests(wechat, TOKEN_PATH)).toBe(2)
})

test('an access token WeChat says has expired (42001) is renewed once and the call retried', async () => {
  const { wechat, client } = await setup()
  await client.getPhoneNumber(wechat.issuePhoneCode('13800138000'))
  wechat.expireAccessTokens()

  await expect(client.getPhoneNumber(wechat.issuePhoneCode('13800138001'))).resolves.toMatchObject({
    phoneNumber: '13800138001',
  })
  expect(countRequests(wechat, TOKEN_PATH)).toBe(2)
  expect(countRequests(wechat, PHONE_PATH)).toBe(3)
})

test('an access token WeChat no longer recognises (40001) is renewed once and the call retried', async () => {
  const { wechat, client } = await setup()
  await client.getPhoneNumber(wechat.issuePhoneCode('13800138000'))
  wechat.revokeAccessTokens()

  await expect(client.getPhoneNumber(wechat.issuePhoneCode('13800138001'))).resolves.toMatchObject({
    phoneNumber: '13800138001',
  })
  expect(countRequests(wechat, TOKEN_PATH)).toBe(2)
})

test('concurrent calls that all meet an expired access token renew it once', async () => {
  const { wechat, client } = await setup()
  await client.getPhoneNumber(wechat.issuePhoneCode('13800138000'))
  wechat.expireAccessTokens()
  // The renewal is held until every call has met the expired token: each of them then wants a new one.
  const renewal = wechat.holdNext(TOKEN_PATH)

  const numbers = Array.from({ length: 8 }, (_, i) => `1390013900${i}`)
  const calls = numbers.map((n) => client.getPhoneNumber(wechat.issuePhoneCode(n)))
  await renewal.received
  await wechat.waitForRequest(() => countRequests(wechat, PHONE_PATH) === 1 + numbers.length)
  renewal.release()
  await Promise.all(calls)

  expect(countRequests(wechat, TOKEN_PATH)).toBe(2)
})

test('a token refused again after renewal is not retried a second time', async () => {
  const { wechat, client } = await setup()
  wechat.failNext(PHONE_PATH, { errcode: 40001 })
  wechat.failNext(PHONE_PATH, { errcode: 40001 })

  await expectAppError(client.getPhoneNumber(wechat.issuePhoneCode('13800138000')), 'WECHAT_UNAVAILABLE')
  expect(countRequests(wechat, PHONE_PATH)).toBe(2)
  expect(countRequests(wechat, TOKEN_PATH)).toBe(2)
})

test('a refused access token request makes the phone number WECHAT_UNAVAILABLE, never WECHAT_CODE_INVALID', async () => {
  const { wechat, client } = await setup({ secret: 'not-the-secret' })
  await expectAppError(client.getPhoneNumber(wechat.issuePhoneCode('13800138000')), 'WECHAT_UNAVAILABLE')
  expect(countRequests(wechat, PHONE_PATH)).toBe(0)
})

test('a failed access token request is not cached: the next call asks again', async () => {
  const { wechat, client } = await setup()
  wechat.failNext(TOKEN_PATH, { httpStatus: 502 })
  await expectAppError(client.getPhoneNumber(wechat.issuePhoneCode('13800138000')), 'WECHAT_UNAVAILABLE')

  await expect(client.getPhoneNumber(wechat.issuePhoneCode('13800138001'))).resolves.toMatchObject({
    phoneNumber: '13800138001',
  })
  expect(countRequests(wechat, TOKEN_PATH)).toBe(2)
})

test('phone-number failures map as login failures do', async () => {
  const { wechat, client, timingOut } = await setup()
  wechat.failNext(PHONE_PATH, { errcode: 45011 })
  wechat.failNext(PHONE_PATH, { errcode: -1 })

  await expectAppError(client.getPhoneNumber(wechat.issuePhoneCode('13800138000')), 'WECHAT_RATE_LIMITED')
  await expectAppError(client.getPhoneNumber(wechat.issuePhoneCode('13800138000')), 'WECHAT_UNAVAILABLE')
  await expectAppError(
    timingOut(PHONE_PATH, () => client.getPhoneNumber(wechat.issuePhoneCode('13800138000'))),
    'WECHAT_UNAVAILABLE',
  )
  wechat.failNext(PHONE_PATH, { dropConnection: true })
  await expectAppError(client.getPhoneNumber(wechat.issuePhoneCode('13800138000')), 'WECHAT_UNAVAILABLE')
})

test('a subscribe message the user allowed is sent in WeChat format and uses up the credit', async () => {
  const { wechat, client } = await setup()
  wechat.grantSubscription('o-citizen-1', TEMPLATE_ID)
  const data = { thing1: { value: '您的信访事项已受理' }, time2: { value: '2026-11-23 08:00' } }

  const result = await client.sendSubscribeMessage({
    openid: 'o-citizen-1',
    templateId: TEMPLATE_ID,
    page: 'pages/petition/detail?id=p1',
    data,
    miniprogramState: 'trial',
  })

  expect(result).toEqual({ ok: true })
  expect(wechat.requests.find((request) => request.path === SEND_PATH)?.body).toEqual({
    touser: 'o-citizen-1',
    template_id: TEMPLATE_ID,
    page: 'pages/petition/detail?id=p1',
    data,
    miniprogram_state: 'trial',
  })
  expect(wechat.sentMessages).toHaveLength(1)
  expect(wechat.remainingSubscriptions('o-citizen-1', TEMPLATE_ID)).toBe(0)
})

test('a subscribe message without a page or state sends neither field', async () => {
  const { wechat, client } = await setup()
  wechat.grantSubscription('o-1', TEMPLATE_ID)
  await client.sendSubscribeMessage({ openid: 'o-1', templateId: TEMPLATE_ID, data: { thing1: { value: 'x' } } })
  expect(wechat.requests.find((request) => request.path === SEND_PATH)?.body).toEqual({
    touser: 'o-1',
    template_id: TEMPLATE_ID,
    data: { thing1: { value: 'x' } },
  })
})

test('a user with no subscription credit left is a refusal (43101) that is not retried', async () => {
  const { wechat, client } = await setup()
  wechat.grantSubscription('o-1', TEMPLATE_ID)
  const message = { openid: 'o-1', templateId: TEMPLATE_ID, data: { thing1: { value: 'x' } } }
  await client.sendSubscribeMessage(message)

  await expect(client.sendSubscribeMessage(message)).resolves.toEqual({ ok: false, errcode: 43101, retryable: false })
  expect(wechat.sentMessages).toHaveLength(1)
})

test('WeChat being busy (-1) on a subscribe message is a retryable failure', async () => {
  const { wechat, client } = await setup()
  wechat.grantSubscription('o-1', TEMPLATE_ID)
  wechat.failNext(SEND_PATH, { errcode: -1 })
  const message = { openid: 'o-1', templateId: TEMPLATE_ID, data: { thing1: { value: 'x' } } }
  await expect(client.sendSubscribeMessage(message)).resolves.toEqual({ ok: false, errcode: -1, retryable: true })
  await expect(client.sendSubscribeMessage(message)).resolves.toEqual({ ok: true })
})

test('a subscribe message that gets no answer (HTTP 500, timeout, dropped) is retryable with no errcode', async () => {
  const { wechat, client, timingOut } = await setup()
  wechat.grantSubscription('o-1', TEMPLATE_ID, 3)
  const message = { openid: 'o-1', templateId: TEMPLATE_ID, data: { thing1: { value: 'x' } } }
  const noAnswer = { ok: false, errcode: null, retryable: true }

  wechat.failNext(SEND_PATH, { httpStatus: 500 })
  await expect(client.sendSubscribeMessage(message)).resolves.toEqual(noAnswer)
  await expect(timingOut(SEND_PATH, () => client.sendSubscribeMessage(message))).resolves.toEqual(noAnswer)
  wechat.failNext(SEND_PATH, { dropConnection: true })
  await expect(client.sendSubscribeMessage(message)).resolves.toEqual(noAnswer)
})

test('a subscribe message meeting an expired access token renews it and is sent exactly once', async () => {
  const { wechat, client } = await setup()
  wechat.grantSubscription('o-1', TEMPLATE_ID, 2)
  const message = { openid: 'o-1', templateId: TEMPLATE_ID, data: { thing1: { value: 'x' } } }
  await client.sendSubscribeMessage(message)
  wechat.expireAccessTokens()

  await expect(client.sendSubscribeMessage(message)).resolves.toEqual({ ok: true })
  expect(wechat.sentMessages).toHaveLength(2)
  expect(countRequests(wechat, TOKEN_PATH)).toBe(2)
})

test('a subscribe message is retryable when no access token can be had', async () => {
  const { wechat, client } = await setup()
  wechat.failNext(TOKEN_PATH, { errcode: -1 })
  const message = { openid: 'o-1', templateId: TEMPLATE_ID, data: { thing1: { value: 'x' } } }
  await expect(client.sendSubscribeMessage(message)).resolves.toEqual({ ok: false, errcode: -1, retryable: true })
  expect(countRequests(wechat, SEND_PATH)).toBe(0)
})

test('a subscribe message with an invalid template is a refusal that is not retried', async () => {
  const { client } = await setup()
  const message = { openid: 'o-1', templateId: '', data: { thing1: { value: 'x' } } }
  await expect(client.sendSubscribeMessage(message)).resolves.toEqual({ ok: false, errcode: 40037, retryable: false })
})

test('the access token never appears in the logs', async () => {
  const { wechat, client, logLines } = await setup()
  await client.getPhoneNumber(wechat.issuePhoneCode('13800138000'))
  wechat.expireAccessTokens()
  wechat.failNext(PHONE_PATH, { httpStatus: 500 })
  await expectAppError(client.getPhoneNumber(wechat.issuePhoneCode('13800138001')), 'WECHAT_UNAVAILABLE')

  const tokens = wechat.requests.flatMap((request) => request.query.access_token ?? [])
  expect(tokens.length).toBeGreaterThan(0)
  const logs = logLines.join('\n')
  for (const token of tokens) expect(logs).not.toContain(token)
  expect(logs).not.toContain(SECRET)
})
