import { AuthResultSchema, ProblemSchema } from '@xinfang/shared'
import { eq } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest'
import { demoLogin, json, staffLogin } from '../../test/auth-helpers'
import { type FakeWeChat, startFakeWeChat } from '../../test/fake-wechat-server'
import { FIXED_NOW } from '../../test/fixed-clock'
import { createTestContext, type TestContext } from '../../test/test-app'
import { staffAccounts, units } from '../db/schema'
import { STAFF_STANDING_TTL_MS } from '../domain/auth/staff-standing'

const APP_ID = 'wx-test-appid'
const SECRET = 'wx-test-secret'
let wechat: FakeWeChat
let context: TestContext

beforeAll(async () => {
  wechat = await startFakeWeChat({ appId: APP_ID, secret: SECRET })
})
afterAll(() => wechat.close())

beforeEach(() => {
  context = createTestContext({ WECHAT_APPID: APP_ID, WECHAT_SECRET: SECRET, WECHAT_API_BASE_URL: wechat.baseUrl })
})
afterEach(() => context.close())

async function problemCode(response: Response) {
  return ProblemSchema.parse(await response.json()).code
}

test('a wx.login code signs the citizen in, and the same openid later finds the same account', async () => {
  const first = await json(context, '/api/v1/auth/wechat', { body: { code: wechat.issueLoginCode('openid-abc') } })
  expect(first.status).toBe(200)
  expect(first.headers.get('cache-control')).toBe('no-store')
  const auth = AuthResultSchema.parse(await first.json())
  expect(auth.user).toMatchObject({ role: 'citizen', hasProfile: false })
  const again = AuthResultSchema.parse(
    await (await json(context, '/api/v1/auth/wechat', { body: { code: wechat.issueLoginCode('openid-abc') } })).json(),
  )
  expect(again.user.id).toBe(auth.user.id)
})

test('the WeChat session key never reaches the client', async () => {
  const code = wechat.issueLoginCode('openid-sk', { sessionKey: 'SESSION-KEY-NEVER-LEAVES' })
  const response = await json(context, '/api/v1/auth/wechat', { body: { code } })
  expect(await response.text()).not.toContain('SESSION-KEY-NEVER-LEAVES')
  expect(JSON.stringify(context.logs)).not.toContain('SESSION-KEY-NEVER-LEAVES')
})

test('an unknown or already used code is 401 WECHAT_CODE_INVALID', async () => {
  const unknown = await json(context, '/api/v1/auth/wechat', { body: { code: 'never-issued' } })
  expect(unknown.status).toBe(401)
  expect(await problemCode(unknown)).toBe('WECHAT_CODE_INVALID')
  const code = wechat.issueLoginCode('openid-once')
  expect((await json(context, '/api/v1/auth/wechat', { body: { code } })).status).toBe(200)
  const reused = await json(context, '/api/v1/auth/wechat', { body: { code } })
  expect(reused.status).toBe(401)
  expect(await problemCode(reused)).toBe('WECHAT_CODE_INVALID')
})

test.each([
  ['WeChat rate limit 45011', 429, 'WECHAT_RATE_LIMITED', { errcode: 45011 }],
  ['a blocked high-risk user 40226', 403, 'WECHAT_FORBIDDEN', { errcode: 40226 }],
  ['WeChat busy -1', 503, 'WECHAT_UNAVAILABLE', { errcode: -1 }],
  ['an HTTP 502 from WeChat', 503, 'WECHAT_UNAVAILABLE', { httpStatus: 502 }],
  ['a dropped connection', 503, 'WECHAT_UNAVAILABLE', { dropConnection: true as const }],
  ['no answer within the timeout', 503, 'WECHAT_UNAVAILABLE', { neverAnswer: true as const }],
])('%s is answered %i %s', async (_name, status, code, fault) => {
  wechat.failNext('/sns/jscode2session', fault)
  const loginCode = wechat.issueLoginCode('openid-x')
  const answer = json(context, '/api/v1/auth/wechat', { body: { code: loginCode } })
  if ('neverAnswer' in fault) {
    await wechat.waitForRequest((request) => request.query.js_code === loginCode)
    context.wechatTimeouts.expire()
  }
  const response = await answer
  expect(response.status).toBe(status)
  expect(await problemCode(response)).toBe(code)
})

test('demo login signs in the same demo citizen for the same name', async () => {
  const a = await demoLogin(context, '演示用户甲')
  const b = await demoLogin(context, '演示用户甲')
  const c = await demoLogin(context)
  expect(b.user.id).toBe(a.user.id)
  expect(c.user.id).not.toBe(a.user.id)
})

test('demo login and the demo staff accounts do not exist in production mode', async () => {
  const production = createTestContext({
    XINFANG_MODE: 'production',
    WECHAT_APPID: APP_ID,
    WECHAT_SECRET: SECRET,
    XINFANG_DATA_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
    XINFANG_INDEX_KEY: Buffer.alloc(32, 2).toString('base64'),
    XINFANG_TOKEN_SECRET: Buffer.alloc(32, 3).toString('base64'),
  })
  try {
    expect((await json(production, '/api/v1/auth/demo', { body: {} })).status).toBe(404)
    // The template database holds demo accounts; production refuses them even with the right password.
    const staff = await json(production, '/api/v1/auth/staff', {
      body: { username: 'demo-admin', password: 'xinfang-demo' },
    })
    expect(staff.status).toBe(401)
  } finally {
    production.close()
  }
})

test('a refresh token gives a new pair once; presenting it again revokes the whole family', async () => {
  const login = await demoLogin(context, 'refresher')
  const refreshed = await json(context, '/api/v1/auth/refresh', { body: { refreshToken: login.refreshToken } })
  expect(refreshed.status).toBe(200)
  const pair = AuthResultSchema.parse(await refreshed.json())
  expect(pair.refreshToken).not.toBe(login.refreshToken)
  expect(pair.user.id).toBe(login.user.id)

  const replay = await json(context, '/api/v1/auth/refresh', { body: { refreshToken: login.refreshToken } })
  expect(replay.status).toBe(401)
  // The thief replayed the old token: the legitimate holder's newer token is dead too.
  const afterReuse = await json(context, '/api/v1/auth/refresh', { body: { refreshToken: pair.refreshToken } })
  expect(afterReuse.status).toBe(401)
})

test('logout revokes the family so its refresh token no longer works', async () => {
  const login = await demoLogin(context, 'leaver')
  expect((await json(context, '/api/v1/auth/logout', { body: { refreshToken: login.refreshToken } })).status).toBe(204)
  expect((await json(context, '/api/v1/auth/refresh', { body: { refreshToken: login.refreshToken } })).status).toBe(401)
})

test('a refresh token cannot be used as an access token, nor an access token as a refresh token', async () => {
  const login = await demoLogin(context, 'mixer')
  expect((await json(context, '/api/v1/me', { token: login.refreshToken })).status).toBe(401)
  expect((await json(context, '/api/v1/auth/refresh', { body: { refreshToken: login.accessToken } })).status).toBe(401)
})

test('staff sign in with their password and see their role and unit', async () => {
  const auth = await staffLogin(context, 'demo-handler')
  expect(auth.user.role).toBe('handler')
  const me = await (await json(context, '/api/v1/me', { token: auth.accessToken })).json()
  expect(me).toMatchObject({ role: 'handler', unit: { name: '江城市人力资源和社会保障局' } })
})

test('five wrong passwords lock the account, even against the right password, until the lock expires', async () => {
  for (let i = 0; i < 5; i++) {
    const wrong = await json(context, '/api/v1/auth/staff', {
      body: { username: 'demo-intake', password: `guess-${i}` },
    })
    expect(wrong.status).toBe(401)
  }
  const locked = await json(context, '/api/v1/auth/staff', {
    body: { username: 'demo-intake', password: 'xinfang-demo' },
  })
  expect(locked.status).toBe(429)
  expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0)
  context.setNow(FIXED_NOW + 16 * 60 * 1000)
  expect(
    (await json(context, '/api/v1/auth/staff', { body: { username: 'demo-intake', password: 'xinfang-demo' } })).status,
  ).toBe(200)
})

test('an unknown username gets the same answer as a wrong password', async () => {
  const unknown = await json(context, '/api/v1/auth/staff', { body: { username: 'nobody', password: 'x' } })
  const wrong = await json(context, '/api/v1/auth/staff', { body: { username: 'demo-admin', password: 'x' } })
  expect(unknown.status).toBe(401)
  expect(ProblemSchema.parse(await unknown.json()).detail).toBe(ProblemSchema.parse(await wrong.json()).detail)
})

test('a deactivated staff member loses access within 60 seconds, token or not', async () => {
  const auth = await staffLogin(context, 'demo-supervisor')
  expect((await json(context, '/api/v1/staff/audit/verify', { token: auth.accessToken })).status).toBe(200)
  await context.database.write((tx) =>
    tx.update(staffAccounts).set({ isActive: false }).where(eq(staffAccounts.username, 'demo-supervisor')),
  )
  context.setNow(FIXED_NOW + STAFF_STANDING_TTL_MS + 1)
  expect(STAFF_STANDING_TTL_MS).toBeLessThanOrEqual(60_000)
  expect((await json(context, '/api/v1/staff/audit/verify', { token: auth.accessToken })).status).toBe(401)
  expect((await json(context, '/api/v1/auth/refresh', { body: { refreshToken: auth.refreshToken } })).status).toBe(401)
})

test('a staff member moved to another unit loses the old unit’s access within 60 seconds', async () => {
  const auth = await staffLogin(context, 'demo-admin')
  const [other] = await context.database.db.select().from(units).where(eq(units.code, 'dh-gov'))
  await context.database.write((tx) =>
    tx
      .update(staffAccounts)
      .set({ unitId: other?.id ?? '' })
      .where(eq(staffAccounts.username, 'demo-admin')),
  )
  context.setNow(FIXED_NOW + STAFF_STANDING_TTL_MS + 1)
  expect((await json(context, '/api/v1/me', { token: auth.accessToken })).status).toBe(401)
})

test('a citizen token on a staff route is 403, no token is 401', async () => {
  const citizen = await demoLogin(context, 'curious')
  const forbidden = await json(context, '/api/v1/staff/audit/verify', { token: citizen.accessToken })
  expect(forbidden.status).toBe(403)
  expect(await problemCode(forbidden)).toBe('FORBIDDEN')
  expect((await json(context, '/api/v1/staff/audit/verify')).status).toBe(401)
})

test('a staff role outside the route’s roles is 403', async () => {
  const handler = await staffLogin(context, 'demo-handler')
  expect((await json(context, '/api/v1/staff/audit/verify', { token: handler.accessToken })).status).toBe(403)
})

test.each([
  ['no scheme', 'abc'],
  ['an empty bearer', 'Bearer '],
  ['a basic credential', 'Basic dXNlcjpwYXNz'],
  ['a bearer with spaces', 'Bearer a b c'],
  ['a huge bearer', `Bearer ${'a'.repeat(10_000)}`],
  ['a non-JWT bearer', 'Bearer not-a-jwt'],
  ['a JWT of garbage', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'],
])('an Authorization header with %s is 401 problem+json, never 500', async (_name, header) => {
  const response = await context.app.request('/api/v1/me', { headers: { authorization: header } })
  expect(response.status).toBe(401)
  expect(await problemCode(response)).toBe('UNAUTHENTICATED')
})

test('malformed JSON, a wrong content type and unknown fields are 400/415 problems', async () => {
  const malformed = await context.app.request('/api/v1/auth/demo', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"name": ',
  })
  expect(malformed.status).toBe(400)
  expect(await problemCode(malformed)).toBe('MALFORMED_JSON')
  const text = await context.app.request('/api/v1/auth/demo', {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: '{}',
  })
  expect(text.status).toBe(415)
  const unknown = await json(context, '/api/v1/auth/staff', { body: { username: 'a', password: 'b', isAdmin: true } })
  expect(unknown.status).toBe(400)
  expect(ProblemSchema.parse(await unknown.json()).errors?.[0]?.path).toBe('body')
})
