import { MaskedProfileSchema, MeSchema, ProblemSchema } from '@xinfang/shared'
import { eq } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest'
import { citizenWithProfile, demoLogin, json, staffLogin, VALID_PROFILE } from '../../test/auth-helpers'
import { type FakeWeChat, startFakeWeChat } from '../../test/fake-wechat-server'
import { createTestContext, type TestContext } from '../../test/test-app'
import { citizenProfiles } from '../db/schema'
import { loadPlainProfile } from '../domain/identity/citizen-profile'
import { FieldCryptoError } from '../domain/privacy/field-crypto'

let wechat: FakeWeChat
let context: TestContext

beforeAll(async () => {
  wechat = await startFakeWeChat({ appId: 'wx-me', secret: 'me-secret' })
})
afterAll(() => wechat.close())
beforeEach(() => {
  context = createTestContext({
    WECHAT_APPID: 'wx-me',
    WECHAT_SECRET: 'me-secret',
    WECHAT_API_BASE_URL: wechat.baseUrl,
  })
})
afterEach(() => context.close())

test('a new citizen has no profile until they give one, and then sees it masked', async () => {
  const auth = await demoLogin(context, 'new-citizen')
  expect(auth.user.hasProfile).toBe(false)
  const before = MeSchema.parse(await (await json(context, '/api/v1/me', { token: auth.accessToken })).json())
  expect(before).toMatchObject({ role: 'citizen', profile: null })

  const saved = await json(context, '/api/v1/me/profile', {
    method: 'PUT',
    body: VALID_PROFILE,
    token: auth.accessToken,
  })
  expect(saved.status).toBe(200)
  expect(saved.headers.get('cache-control')).toBe('no-store')
  expect(MaskedProfileSchema.parse(await saved.json())).toEqual({
    realName: '张*',
    idNumber: '110105********002X',
    phone: '138****5678',
    address: expect.stringMatching(/^江城市东湖区.*\*+$/),
  })
  const after = MeSchema.parse(await (await json(context, '/api/v1/me', { token: auth.accessToken })).json())
  expect(after).toMatchObject({ profile: { realName: '张*', phone: '138****5678' } })
  const relogin = await demoLogin(context, 'new-citizen')
  expect(relogin.user.hasProfile).toBe(true)
})

test('an ID number failing the GB 11643 checksum is 400 ID_NUMBER_INVALID with the field named', async () => {
  const auth = await demoLogin(context, 'typo')
  const response = await json(context, '/api/v1/me/profile', {
    method: 'PUT',
    body: { ...VALID_PROFILE, idNumber: '110105194912310021' },
    token: auth.accessToken,
  })
  expect(response.status).toBe(400)
  const problem = ProblemSchema.parse(await response.json())
  expect(problem.code).toBe('ID_NUMBER_INVALID')
  expect(problem.errors).toEqual([{ path: 'body.idNumber', message: expect.stringMatching(/身份证/) }])
})

test('several wrong fields are listed together in Chinese so the form can show them all at once', async () => {
  const auth = await demoLogin(context, 'sloppy')
  const response = await json(context, '/api/v1/me/profile', {
    method: 'PUT',
    body: { realName: '', idNumber: '123', address: '短', privacyVersion: 'old' },
    token: auth.accessToken,
  })
  const problem = ProblemSchema.parse(await response.json())
  expect(problem.code).toBe('VALIDATION_FAILED')
  const paths = problem.errors?.map((error) => error.path) ?? []
  expect(paths).toEqual(
    expect.arrayContaining(['body.realName', 'body.idNumber', 'body.address', 'body.privacyVersion', 'body.phone']),
  )
  expect(problem.errors?.every((error) => /[\u4e00-\u9fff]/.test(error.message))).toBe(true)
})

test('a phone number can come from a WeChat getPhoneNumber code exchanged on the server', async () => {
  const auth = await demoLogin(context, 'wechat-phone')
  const { phone: _typed, ...rest } = VALID_PROFILE
  const phoneCode = wechat.issuePhoneCode('13987654321')
  const response = await json(context, '/api/v1/me/profile', {
    method: 'PUT',
    body: { ...rest, phoneCode },
    token: auth.accessToken,
  })
  expect(response.status).toBe(200)
  expect(MaskedProfileSchema.parse(await response.json()).phone).toBe('139****4321')
})

test('an invalid getPhoneNumber code is a 400 field error on phoneCode and nothing is saved', async () => {
  const auth = await demoLogin(context, 'bad-phone-code')
  const { phone: _typed, ...rest } = VALID_PROFILE
  const response = await json(context, '/api/v1/me/profile', {
    method: 'PUT',
    body: { ...rest, phoneCode: 'forged' },
    token: auth.accessToken,
  })
  expect(response.status).toBe(400)
  const problem = ProblemSchema.parse(await response.json())
  expect(problem.code).toBe('VALIDATION_FAILED')
  expect(problem.errors?.map((e) => e.path)).toEqual(['body.phoneCode'])
  expect(MeSchema.parse(await (await json(context, '/api/v1/me', { token: auth.accessToken })).json())).toMatchObject({
    profile: null,
  })
})

test('a number WeChat returns that is not a mainland mobile is refused on phoneCode like a typed one, and nothing is saved', async () => {
  const { phone: _typed, ...rest } = VALID_PROFILE
  for (const returned of ['+86 139 8765 4321', '9876543', '<script>alert(1)</script>', '1398765432１']) {
    const auth = await demoLogin(context, `odd-wechat-phone-${returned.length}`)
    const response = await json(context, '/api/v1/me/profile', {
      method: 'PUT',
      body: { ...rest, phoneCode: wechat.issuePhoneCode(returned) },
      token: auth.accessToken,
    })
    expect(response.status, returned).toBe(400)
    const problem = ProblemSchema.parse(await response.json())
    expect(problem.code).toBe('VALIDATION_FAILED')
    expect(problem.errors).toEqual([{ path: 'body.phoneCode', message: expect.stringContaining('请直接填写手机号码') }])
    expect(JSON.stringify(problem)).not.toContain(returned)
    expect(MeSchema.parse(await (await json(context, '/api/v1/me', { token: auth.accessToken })).json())).toMatchObject(
      { profile: null },
    )
  }
})

test('the stored profile holds no plaintext, and a ciphertext moved to another citizen’s row does not decrypt', async () => {
  const alice = await citizenWithProfile(context, 'alice')
  const bob = await citizenWithProfile(context, 'bob', { ...VALID_PROFILE, realName: '李四' })
  const rows = await context.database.db.select().from(citizenProfiles)
  const dump = JSON.stringify(rows)
  for (const plain of [
    VALID_PROFILE.realName,
    '李四',
    VALID_PROFILE.idNumber,
    VALID_PROFILE.phone,
    VALID_PROFILE.address,
  ]) {
    expect(dump).not.toContain(plain)
  }
  const aliceRow = rows.find((row) => row.citizenId === alice.user.id)
  // Swap Alice's encrypted name into Bob's row: the row-bound associated data must make it unreadable.
  await context.database.write((tx) =>
    tx
      .update(citizenProfiles)
      .set({ realNameEnc: aliceRow?.realNameEnc ?? '' })
      .where(eq(citizenProfiles.citizenId, bob.user.id)),
  )
  await expect(loadPlainProfile(context.database.db, context.keyring, bob.user.id)).rejects.toThrow(FieldCryptoError)
  await expect(loadPlainProfile(context.database.db, context.keyring, alice.user.id)).resolves.toMatchObject({
    realName: '张三',
  })
})

test('every profile change is in the audit log, which verifies as intact and breaks when an entry is altered', async () => {
  await citizenWithProfile(context, 'audited')
  await citizenWithProfile(context, 'audited-2')
  const admin = await staffLogin(context, 'demo-admin')
  const intact = await (await json(context, '/api/v1/staff/audit/verify', { token: admin.accessToken })).json()
  expect(intact).toEqual({ isIntact: true, entries: 2, anchoredSeq: 2 })

  await expect(context.database.client.execute("UPDATE audit_log SET action = 'x' WHERE seq = 1")).rejects.toThrow(
    /append-only/,
  )
  await expect(context.database.client.execute('DELETE FROM audit_log WHERE seq = 1')).rejects.toThrow(/append-only/)
  // Someone with file access drops the guard and rewrites history: the chain shows where.
  await context.database.client.executeMultiple(`
    DROP TRIGGER audit_log_no_update;
    UPDATE audit_log SET details = '{"fields":[]}' WHERE seq = 1;
  `)
  const broken = await (await json(context, '/api/v1/staff/audit/verify', { token: admin.accessToken })).json()
  expect(broken).toEqual({ isIntact: false, entries: 0, brokenAtSeq: 1, problem: 'rewritten' })
})
