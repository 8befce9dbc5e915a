import { expect, onTestFinished, test } from 'vitest'
import { type FakeWeChat, startFakeWeChat } from './fake-wechat-server'

const APP_ID = 'wx0123456789abcdef'
const SECRET = 'secret-0f1e2d3c4b5a69788796a5b4c3d2e1f0'

/** A fake on a pinned clock, so only `advanceTime` moves time and expiry boundaries can be tested exactly. */
async function start(options: { enforceSubscriptionCredits?: boolean } = {}): Promise<FakeWeChat> {
  const pinnedNow = Date.parse('2026-11-23T00:00:00Z')
  const wechat = await startFakeWeChat({ appId: APP_ID, secret: SECRET, now: () => pinnedNow, ...options })
  onTestFinished(() => wechat.close())
  return wechat
}

/** Raw calls, without the client, so these tests pin the wire format itself. */
async function get(wechat: FakeWeChat, path: string, query: Record<string, string>) {
  const response = await fetch(`${wechat.baseUrl}${path}?${new URLSearchParams(query)}`)
  return { status: response.status, contentType: response.headers.get('content-type'), body: await response.json() }
}

async function post(wechat: FakeWeChat, path: string, query: Record<string, string>, body: unknown) {
  const response = await fetch(`${wechat.baseUrl}${path}?${new URLSearchParams(query)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { status: response.status, body: await response.json() }
}

function login(wechat: FakeWeChat, code: string, credentials = { appid: APP_ID, secret: SECRET }) {
  return get(wechat, '/sns/jscode2session', { ...credentials, js_code: code, grant_type: 'authorization_code' })
}

async function accessToken(wechat: FakeWeChat): Promise<string> {
  const { body } = await get(wechat, '/cgi-bin/token', {
    grant_type: 'client_credential',
    appid: APP_ID,
    secret: SECRET,
  })
  return body.access_token
}

test('jscode2session answers openid and session_key as JSON labelled text/plain, as WeChat does', async () => {
  const wechat = await start()
  const answer = await login(wechat, wechat.issueLoginCode('o-1', { unionid: 'u-1', sessionKey: 'k==' }))
  expect(answer).toEqual({
    status: 200,
    contentType: 'text/plain',
    body: { openid: 'o-1', unionid: 'u-1', session_key: 'k==' },
  })
})

test('a login code answers 40163 on its second use and 40029 once five minutes have passed', async () => {
  const wechat = await start()
  const used = wechat.issueLoginCode('o-1')
  await login(wechat, used)
  expect((await login(wechat, used)).body).toMatchObject({ errcode: 40163 })

  const stale = wechat.issueLoginCode('o-1')
  wechat.advanceTime(4 * 60_000)
  const fresh = wechat.issueLoginCode('o-1')
  wechat.advanceTime(60_000)
  expect((await login(wechat, stale)).body).toMatchObject({ errcode: 40029 })
  expect((await login(wechat, fresh)).body).toMatchObject({ openid: 'o-1' })
})

test('errors are HTTP 200 with an errcode and an errmsg carrying a request id', async () => {
  const wechat = await start()
  const answer = await login(wechat, 'never-issued')
  expect(answer.status).toBe(200)
  expect(answer.body).toEqual({ errcode: 40029, errmsg: expect.stringMatching(/^invalid code rid: [0-9a-f]+$/) })
})

test('a wrong appid answers 40013 and a wrong secret 40125, for login and for access tokens', async () => {
  const wechat = await start()
  const code = wechat.issueLoginCode('o-1')
  expect((await login(wechat, code, { appid: 'wx-other', secret: SECRET })).body).toMatchObject({ errcode: 40013 })
  expect((await login(wechat, code, { appid: APP_ID, secret: 'wrong' })).body).toMatchObject({ errcode: 40125 })
  const token = (query: Record<string, string>) =>
    get(wechat, '/cgi-bin/token', { grant_type: 'client_credential', ...query })
  expect((await token({ appid: 'wx-other', secret: SECRET })).body).toMatchObject({ errcode: 40013 })
  expect((await token({ appid: APP_ID, secret: 'wrong' })).body).toMatchObject({ errcode: 40125 })
  // A refused login does not use the code up.
  expect((await login(wechat, code)).body).toMatchObject({ openid: 'o-1' })
})

test('access tokens are random, last 7200 seconds, and answer 41001, 40001 or 42001 when missing, unknown or expired', async () => {
  const wechat = await start()
  const first = await accessToken(wechat)
  const second = await accessToken(wechat)
  expect(first).not.toBe(second)
  const send = (query: Record<string, string>) => post(wechat, '/wxa/business/getuserphonenumber', query, { code: 'x' })

  expect((await send({})).body).toMatchObject({ errcode: 41001 })
  expect((await send({ access_token: 'made-up' })).body).toMatchObject({ errcode: 40001 })
  expect((await send({ access_token: second })).body).toMatchObject({ errcode: 40029 })
  wechat.advanceTime(7200_000)
  expect((await send({ access_token: second })).body).toMatchObject({ errcode: 42001 })
})

test('a newly issued access token leaves the previous one five minutes to live', async () => {
  const wechat = await start()
  const old = await accessToken(wechat)
  await accessToken(wechat)
  const send = () => post(wechat, '/wxa/business/getuserphonenumber', { access_token: old }, { code: 'x' })
  wechat.advanceTime(5 * 60_000 - 1)
  expect((await send()).body).toMatchObject({ errcode: 40029 })
  wechat.advanceTime(1)
  expect((await send()).body).toMatchObject({ errcode: 42001 })
})

test('expiring and revoking access tokens on demand makes the next call answer 42001 and 40001', async () => {
  const wechat = await start()
  const token = await accessToken(wechat)
  const send = () => post(wechat, '/wxa/business/getuserphonenumber', { access_token: token }, { code: 'x' })
  wechat.expireAccessTokens()
  expect((await send()).body).toMatchObject({ errcode: 42001 })
  wechat.revokeAccessTokens()
  expect((await send()).body).toMatchObject({ errcode: 40001 })
})

test('a phone-number code answers phone_info once and 40029 afterwards', async () => {
  const wechat = await start()
  const token = await accessToken(wechat)
  const code = wechat.issuePhoneCode('13800138000')
  const path = '/wxa/business/getuserphonenumber'
  expect((await post(wechat, path, { access_token: token }, { code })).body).toMatchObject({
    errcode: 0,
    phone_info: {
      phoneNumber: '13800138000',
      purePhoneNumber: '13800138000',
      countryCode: '86',
      watermark: { appid: APP_ID },
    },
  })
  expect((await post(wechat, path, { access_token: token }, { code })).body).toMatchObject({ errcode: 40029 })
  expect((await post(wechat, path, { access_token: token }, '{not json')).body).toMatchObject({ errcode: 47001 })
})

test('a subscribe message needs one credit per message and answers 43101 without one', async () => {
  const wechat = await start()
  const token = await accessToken(wechat)
  const path = '/cgi-bin/message/subscribe/send'
  const message = { touser: 'o-1', template_id: 't-1', data: { thing1: { value: '已受理' } } }
  expect((await post(wechat, path, { access_token: token }, message)).body).toMatchObject({ errcode: 43101 })

  wechat.grantSubscription('o-1', 't-1', 2)
  expect((await post(wechat, path, { access_token: token }, message)).body).toMatchObject({ errcode: 0 })
  expect(wechat.remainingSubscriptions('o-1', 't-1')).toBe(1)
  expect(wechat.remainingSubscriptions('o-2', 't-1')).toBe(0)
  expect(wechat.sentMessages).toEqual([
    expect.objectContaining({ touser: 'o-1', templateId: 't-1', data: message.data, page: undefined }),
  ])
})

test('subscription credits can be switched off for tests that do not care about them', async () => {
  const wechat = await start({ enforceSubscriptionCredits: false })
  const token = await accessToken(wechat)
  const message = { touser: 'o-1', template_id: 't-1', data: { thing1: { value: 'x' } } }
  const answer = await post(wechat, '/cgi-bin/message/subscribe/send', { access_token: token }, message)
  expect(answer.body).toMatchObject({ errcode: 0, msgid: expect.any(Number) })
})

test('queued faults are used once each, in order, on their own endpoint only', async () => {
  const wechat = await start()
  wechat.failNext('/sns/jscode2session', { errcode: 45011 })
  wechat.failNext('/sns/jscode2session', { httpStatus: 503 })
  const code = wechat.issueLoginCode('o-1')

  await accessToken(wechat)
  expect((await login(wechat, code)).body).toMatchObject({ errcode: 45011 })
  const gatewayError = await fetch(`${wechat.baseUrl}/sns/jscode2session`)
  expect(gatewayError.status).toBe(503)
  expect((await login(wechat, code)).body).toMatchObject({ openid: 'o-1' })
})

test('a dropped connection and an unparseable body are what the client sees', async () => {
  const wechat = await start()
  wechat.failNext('/cgi-bin/token', { dropConnection: true })
  wechat.failNext('/cgi-bin/token', { invalidJson: true })
  await expect(fetch(`${wechat.baseUrl}/cgi-bin/token`)).rejects.toThrow()
  const response = await fetch(`${wechat.baseUrl}/cgi-bin/token`)
  expect(response.status).toBe(200)
  await expect(response.json()).rejects.toThrow(SyntaxError)
})

test('a delay holds the answer back until the fake clock has passed it, and the call still takes effect', async () => {
  const wechat = await start()
  const token = await accessToken(wechat)
  wechat.setDelay('/wxa/business/getuserphonenumber', 60_000)
  const code = wechat.issuePhoneCode('13800138000')
  const answer = post(wechat, '/wxa/business/getuserphonenumber', { access_token: token }, { code })
  const received = await wechat.waitForRequest((request) => request.path === '/wxa/business/getuserphonenumber')

  wechat.advanceTime(60_000)
  // The answer is written when it goes out: its watermark shows the clock after the delay, not on arrival.
  const { body } = await answer
  expect(body).toMatchObject({ errcode: 0, phone_info: { purePhoneNumber: '13800138000' } })
  expect(body.phone_info.watermark.timestamp * 1000).toBe(received.at + 60_000)

  wechat.setDelay('/wxa/business/getuserphonenumber', 0)
  const again = await post(wechat, '/wxa/business/getuserphonenumber', { access_token: token }, { code })
  expect(again.body).toMatchObject({ errcode: 40029 })
})

test('a held answer goes out when released, after the request was recorded', async () => {
  const wechat = await start()
  const held = wechat.holdNext('/sns/jscode2session')
  const code = wechat.issueLoginCode('o-1')
  const answer = login(wechat, code)
  expect(await held.received).toMatchObject({ path: '/sns/jscode2session', query: { js_code: code } })
  // Only the held call waits: the next one is answered meanwhile.
  expect((await login(wechat, wechat.issueLoginCode('o-2'))).body).toMatchObject({ openid: 'o-2' })

  held.release()
  expect((await answer).body).toMatchObject({ openid: 'o-1' })
})

test('every request is recorded with its path, query and parsed body', async () => {
  const wechat = await start()
  await post(wechat, '/cgi-bin/message/subscribe/send', { access_token: 'nope' }, { touser: 'o-1' })
  expect(wechat.requests).toEqual([
    {
      method: 'POST',
      path: '/cgi-bin/message/subscribe/send',
      query: { access_token: 'nope' },
      body: { touser: 'o-1' },
      at: expect.any(Number),
    },
  ])
})

test('closing the fake does not wait for the answers it is holding back', async () => {
  const wechat = await startFakeWeChat({ appId: APP_ID, secret: SECRET })
  wechat.setDelay('/cgi-bin/token', 3_600_000)
  wechat.failNext('/sns/jscode2session', { neverAnswer: true })
  const delayed = fetch(`${wechat.baseUrl}/cgi-bin/token`).catch((error: unknown) => error)
  const hanging = fetch(`${wechat.baseUrl}/sns/jscode2session`).catch((error: unknown) => error)
  await wechat.waitForRequest((request) => request.path === '/cgi-bin/token')
  await wechat.waitForRequest((request) => request.path === '/sns/jscode2session')

  // An hour's delay and a hang: close resolving at all shows it waited for neither.
  await wechat.close()
  expect(await delayed).toBeInstanceOf(Error)
  expect(await hanging).toBeInstanceOf(Error)
})
