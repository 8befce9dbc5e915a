import { AuthResultSchema, ProblemSchema, StaffNoticeListSchema } from '@xinfang/shared'
import { eq } from 'drizzle-orm'
import { decodeJwt, SignJWT } from 'jose'
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest'
import { createStaff, demoLogin, json, staffLogin } from '../../test/auth-helpers'
import { type FakeWeChat, startFakeWeChat } from '../../test/fake-wechat-server'
import { FIXED_NOW } from '../../test/fixed-clock'
import { createTestContext, type TestContext } from '../../test/test-app'
import { refreshTokens, staffAccounts, units } from '../db/schema'
import { REVOKED_FAMILIES_TTL_MS } from '../domain/auth/revoked-families'
import { SIGN_IN_ATTACK_NOTICE_KIND } from '../domain/auth/sign-in-staff'
import { STAFF_STANDING_TTL_MS } from '../domain/auth/staff-standing'
import {
  ACCESS_TOKEN_TTL_SECONDS,
  ACCESS_TOKEN_TYPE,
  AUDIENCES,
  TOKEN_ALGORITHM,
  TOKEN_ISSUER,
} from '../domain/auth/tokens'
import { sha256Base64Url } from '../lib/digest'
import { ABUSE_LIMITS } from '../lib/rate-limit'

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
    XINFANG_AUDIT_KEY: Buffer.alloc(32, 4).toString('base64'),
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

const signIn = (username: string, password: string, from: string) =>
  json(context, '/api/v1/auth/staff', { body: { username, password }, from })

/** Status, Retry-After and body of an answer, without the request id that differs on every answer. */
async function answerOf(response: Response) {
  const { requestId: _requestId, ...problem } = ProblemSchema.parse(await response.json())
  return { status: response.status, retryAfter: response.headers.get('retry-after'), problem }
}

test('an unknown username and a real one are answered alike, attempt after attempt', async () => {
  // A caller who has already tried many invented names, then probes a real and an unknown one in turn.
  for (let i = 0; i < 20; i++) expect((await signIn(`invented-${i}`, 'x', '198.51.100.1')).status).toBe(401)
  const known: unknown[] = []
  const unknown: unknown[] = []
  for (let i = 0; i < 6; i++) {
    known.push(await answerOf(await signIn('demo-intake', `guess-${i}`, '198.51.100.1')))
    unknown.push(await answerOf(await signIn('no-such-clerk', `guess-${i}`, '198.51.100.1')))
  }
  expect(unknown).toEqual(known)
  expect(known[0]).toMatchObject({ status: 401 })
  expect(known.at(-1)).toMatchObject({ status: 429 })
  // Some thirty password checks at the production cost (PBKDF2, 600,000 rounds) while other files run beside it:
  // a hang guard, not a speed bound.
}, 120_000)

test('a guesser is held back while the owner still signs in from another address', async () => {
  await createStaff(context, 'guarded-clerk', 'intake', 'city-xfj')
  for (let i = 0; i < 5; i++) expect((await signIn('guarded-clerk', `guess-${i}`, '198.51.100.1')).status).toBe(401)
  const held = await signIn('guarded-clerk', 'test-password', '198.51.100.1')
  expect(held.status).toBe(429)
  expect(await problemCode(held)).toBe('RATE_LIMITED')
  const owner = await signIn('guarded-clerk', 'test-password', '203.0.113.9')
  expect(owner.status).toBe(200)
})

test('each failure after the free ones makes the wait the guesser is told longer', async () => {
  await createStaff(context, 'patient-clerk', 'intake', 'city-xfj')
  for (let i = 0; i < 5; i++) await signIn('patient-clerk', `guess-${i}`, '198.51.100.1')
  const waits: number[] = []
  let now = FIXED_NOW
  for (let round = 0; round < 3; round++) {
    const refused = await signIn('patient-clerk', 'another-guess', '198.51.100.1')
    expect(refused.status).toBe(429)
    const wait = Number(refused.headers.get('retry-after'))
    waits.push(wait)
    now += wait * 1000
    context.setNow(now)
    expect((await signIn('patient-clerk', `late-guess-${round}`, '198.51.100.1')).status).toBe(401)
  }
  expect(waits[0]).toBeGreaterThan(0)
  expect(waits[1]).toBeGreaterThan(waits[0] ?? 0)
  expect(waits[2]).toBeGreaterThan(waits[1] ?? 0)
})

test('the right password after a wait signs in and starts the count afresh', async () => {
  await createStaff(context, 'forgetful-clerk', 'intake', 'city-xfj')
  for (let i = 0; i < 5; i++) await signIn('forgetful-clerk', `guess-${i}`, '198.51.100.1')
  context.setNow(FIXED_NOW + ABUSE_LIMITS.staffSignInByAccountAndAddress.baseMs)
  expect((await signIn('forgetful-clerk', 'test-password', '198.51.100.1')).status).toBe(200)
  for (let i = 0; i < 4; i++) expect((await signIn('forgetful-clerk', `again-${i}`, '198.51.100.1')).status).toBe(401)
})

test('supervisors are told once that an account is being guessed at from many addresses', async () => {
  await createStaff(context, 'targeted-clerk', 'intake', 'city-xfj')
  const supervisor = await staffLogin(context, 'demo-supervisor')
  for (let i = 0; i < 3 * ABUSE_LIMITS.staffSignInFailuresByAccount.bound; i++) {
    expect((await signIn('targeted-clerk', `guess-${i}`, `198.51.100.${i}`)).status).toBe(401)
  }
  const notices = StaffNoticeListSchema.parse(
    await (await json(context, '/api/v1/staff/notices', { token: supervisor.accessToken })).json(),
  )
  const alerts = notices.items.filter((notice) => notice.kind === SIGN_IN_ATTACK_NOTICE_KIND)
  expect(alerts).toHaveLength(1)
  expect(alerts[0]?.text).toContain('targeted-clerk')
  expect(alerts[0]?.petitionId).toBeNull()
  // The account was never locked.
  expect((await signIn('targeted-clerk', 'test-password', '203.0.113.9')).status).toBe(200)
})

test('one address cannot keep the server hashing by cycling through usernames', async () => {
  const { bound } = ABUSE_LIMITS.staffSignInFailuresByAddress
  const { free } = ABUSE_LIMITS.staffSignInByAccountAndAddress
  const usernames = Array.from({ length: Math.ceil(bound / free) }, (_, i) => `cycled-clerk-${i}`)
  for (const username of usernames) await createStaff(context, username, 'intake', 'city-xfj')
  for (let i = 0; i < bound; i++) {
    const username = usernames[Math.floor(i / free)] ?? ''
    expect((await signIn(username, `guess-${i}`, '198.51.100.1')).status).toBe(401)
  }
  const refused = await signIn('cycled-clerk-0', 'test-password', '198.51.100.1')
  expect(refused.status).toBe(429)
  expect((await signIn('cycled-clerk-0', 'test-password', '198.51.100.2')).status).toBe(200)
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

test('after logout the access token of that login is refused at once', async () => {
  const login = await demoLogin(context, 'leaving-now')
  expect((await json(context, '/api/v1/me', { token: login.accessToken })).status).toBe(200)
  expect((await json(context, '/api/v1/auth/logout', { body: { refreshToken: login.refreshToken } })).status).toBe(204)
  const after = await json(context, '/api/v1/me', { token: login.accessToken })
  expect(after.status).toBe(401)
  expect(await problemCode(after)).toBe('UNAUTHENTICATED')
})

test('a family revoked by another instance stops its access tokens here within 30 seconds', async () => {
  const login = await demoLogin(context, 'revoked-elsewhere')
  // Verified once, so the token is remembered: the revocation must reach remembered tokens too.
  expect((await json(context, '/api/v1/me', { token: login.accessToken })).status).toBe(200)
  // Another instance logs the family out: only the shared database changes.
  await context.database.write((tx) =>
    tx
      .update(refreshTokens)
      .set({ status: 'revoked', revokedAt: FIXED_NOW })
      .where(eq(refreshTokens.tokenHash, sha256Base64Url(login.refreshToken))),
  )
  expect(REVOKED_FAMILIES_TTL_MS).toBeLessThanOrEqual(30_000)
  context.setNow(FIXED_NOW + REVOKED_FAMILIES_TTL_MS)
  expect((await json(context, '/api/v1/me', { token: login.accessToken })).status).toBe(401)
})

test('reusing a spent refresh token revokes the access tokens of its family too', async () => {
  const login = await demoLogin(context, 'robbed')
  const rotated = AuthResultSchema.parse(
    await (await json(context, '/api/v1/auth/refresh', { body: { refreshToken: login.refreshToken } })).json(),
  )
  expect((await json(context, '/api/v1/auth/refresh', { body: { refreshToken: login.refreshToken } })).status).toBe(401)
  expect((await json(context, '/api/v1/me', { token: rotated.accessToken })).status).toBe(401)
})

test('the Bearer scheme is matched without regard to case', async () => {
  const login = await demoLogin(context, 'lowercase')
  for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
    const response = await context.app.request('/api/v1/me', {
      headers: { authorization: `${scheme} ${login.accessToken}` },
    })
    expect(response.status).toBe(200)
  }
})

/** A token for the citizen of `login`, signed with the app's own key but with chosen `iat` and `exp` (seconds). */
async function forgedTimes(login: { accessToken: string }, iat: number, exp: number) {
  const claims = decodeJwt(login.accessToken)
  return new SignJWT({ fam: claims.fam })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, typ: ACCESS_TOKEN_TYPE })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(AUDIENCES.citizen)
    .setSubject(String(claims.sub))
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti(crypto.randomUUID())
    .sign(context.keyring.tokenSecret)
}

test('a validly signed token issued in the future is refused', async () => {
  const login = await demoLogin(context, 'time-traveller')
  const now = Math.floor(FIXED_NOW / 1000)
  const future = await forgedTimes(login, now + 3600, now + 3600 + ACCESS_TOKEN_TTL_SECONDS.citizen)
  expect((await json(context, '/api/v1/me', { token: future })).status).toBe(401)
  const slightlyAhead = await forgedTimes(login, now + 2, now + 2 + ACCESS_TOKEN_TTL_SECONDS.citizen)
  expect((await json(context, '/api/v1/me', { token: slightlyAhead })).status).toBe(200)
})

test('a validly signed token that would outlive its audience’s lifetime is refused', async () => {
  const login = await demoLogin(context, 'long-lived')
  const now = Math.floor(FIXED_NOW / 1000)
  const yearLong = await forgedTimes(login, now, now + 365 * 24 * 3600)
  expect((await json(context, '/api/v1/me', { token: yearLong })).status).toBe(401)
  const oneSecondTooLong = await forgedTimes(login, now, now + ACCESS_TOKEN_TTL_SECONDS.citizen + 1)
  expect((await json(context, '/api/v1/me', { token: oneSecondTooLong })).status).toBe(401)
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
