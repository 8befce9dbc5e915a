/**
 * Identity in the real weapp build (miniapp/dist/weapp) in miniprogram-simulate (see support/weapp-harness.ts):
 * wx.login at launch exchanged by the real API with a fake WeChat server, the privacy guide, the real-name form and
 * the masked profile, with tokens refreshed when the API no longer accepts them.
 */
import {
  AuthResultSchema,
  ID_NUMBER_PROBLEM_MESSAGES,
  MaskedProfileSchema,
  PRIVACY_NOTICE_VERSION,
} from '@xinfang/shared'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { type FakeWeChat, startFakeWeChat } from '../../api/test/fake-wechat-server'
import { type RunningApi, startApi } from '../support/api-server'
import { assertWeappBuild } from '../support/weapp-build'
import { callbackApi, launchWeapp, type RecordedRequest, type WeappPage } from '../support/weapp-harness'

const APP_ID = 'wx-xinfang-test'
const VALID_ID_NUMBER = '11010519491231002X'
/** The same number with its check character wrong. */
const ID_NUMBER_WITH_WRONG_CHECK = '110105194912310021'
const SESSION_KEY = 'xinfang.session'
const CONSENT_KEY = 'xinfang.privacyConsent'

let api: RunningApi
let wechat: FakeWeChat

beforeAll(async () => {
  assertWeappBuild()
  wechat = await startFakeWeChat({ appId: APP_ID, secret: 'test-secret' })
  api = await startApi({
    env: { WECHAT_APPID: APP_ID, WECHAT_SECRET: 'test-secret', WECHAT_API_BASE_URL: wechat.baseUrl },
  })
})

afterAll(async () => {
  await api?.stop()
  await wechat?.close()
})

/** wx.login as WeChat does it: every call a fresh single-use code, here one the fake WeChat knows for `openid`. */
function weChatLoginAs(openid: string) {
  return callbackApi('login', async () => ({ code: wechat.issueLoginCode(openid) }))
}

function requestsTo(requests: readonly RecordedRequest[], method: string, path: string): RecordedRequest[] {
  return requests.filter((entry) => entry.method === method && entry.path === path)
}

async function fillProfile(page: WeappPage, idNumber: string, phone?: string) {
  await page.input('#real-name', '张三')
  await page.input('#id-number', idNumber)
  if (phone !== undefined) await page.input('#phone', phone)
  await page.input('#address', '江城市东湖区解放路12号')
}

test('a citizen signs in with wx.login at launch, accepts the privacy guide, corrects a wrong ID number and sees the profile masked', async () => {
  const app = await launchWeapp({ apiBaseUrl: api.baseUrl, wx: { login: weChatLoginAs('openid-journey') } })
  const signIn = await app.waitFor(
    () => requestsTo(app.requests, 'POST', '/api/v1/auth/wechat').find((entry) => entry.statusCode !== undefined),
    'the sign-in at launch',
  )
  expect(signIn.statusCode).toBe(200)
  expect(app.storage.get(SESSION_KEY)).toMatchObject({ user: { role: 'citizen' } })

  const page = await app.switchTab('pages/me/index')
  await page.waitForSelector('#privacy-guide')
  expect(page.text()).toContain('隐私保护指引')
  expect(page.text()).toContain(`版本 ${PRIVACY_NOTICE_VERSION}`)
  expect(page.find('#profile-form')).toBeUndefined()
  // The page used the session made at launch: one wx.login, one sign-in.
  expect(requestsTo(app.requests, 'POST', '/api/v1/auth/wechat')).toHaveLength(1)

  await page.tap('#privacy-agree')
  await page.waitForSelector('#profile-form')
  expect(app.storage.get(CONSENT_KEY)).toMatchObject({ version: PRIVACY_NOTICE_VERSION })

  await fillProfile(page, ID_NUMBER_WITH_WRONG_CHECK, '13812345678')
  await page.tap('#profile-submit')
  await page.waitForText(ID_NUMBER_PROBLEM_MESSAGES.check_character)
  expect(requestsTo(app.requests, 'PUT', '/api/v1/me/profile')).toHaveLength(0)
  // Nothing typed is lost while the person corrects it.
  expect(app.storage.get('xinfang.profileDraft')).toMatchObject({ values: { realName: '张三' } })

  await page.input('#id-number', VALID_ID_NUMBER)
  expect(page.text()).not.toContain(ID_NUMBER_PROBLEM_MESSAGES.check_character)
  await page.tap('#profile-submit')
  await page.waitForSelector('#profile-summary')

  const text = page.text()
  expect(text).toContain('张*')
  expect(text).toContain('110105********002X')
  expect(text).toContain('138****5678')
  expect(text).not.toContain(VALID_ID_NUMBER)
  const [saved] = requestsTo(app.requests, 'PUT', '/api/v1/me/profile')
  expect(saved?.statusCode).toBe(200)
  expect(saved?.requestHeader.authorization).toMatch(/^Bearer /)
  expect(MaskedProfileSchema.parse(saved?.responseBody)).toMatchObject({ realName: '张*', phone: '138****5678' })
  expect(app.storage.has('xinfang.profileDraft')).toBe(false)
})

test('with WeChat’s privacy APIs, a blocked phone-number request is answered from the notice and the number WeChat gives is used', async () => {
  let raisePrivacyRequest: ((resolve: (option: unknown) => void) => void) | undefined
  const answers: unknown[] = []
  const app = await launchWeapp({
    apiBaseUrl: api.baseUrl,
    // The app's own consent is stored, but WeChat still wants its authorization: the notice must show anyway.
    storage: { [CONSENT_KEY]: { version: PRIVACY_NOTICE_VERSION, acceptedAt: Date.now() } },
    wx: {
      login: weChatLoginAs('openid-wechat-phone'),
      getPrivacySetting: callbackApi('getPrivacySetting', async () => ({
        needAuthorization: true,
        privacyContractName: '《信访服务小程序隐私保护指引》',
      })),
      onNeedPrivacyAuthorization: (listener: (resolve: (option: unknown) => void) => void) => {
        raisePrivacyRequest = listener
      },
    },
  })
  const page = await app.switchTab('pages/me/index')
  await page.waitForSelector('#privacy-guide')
  expect(raisePrivacyRequest).toBeTypeOf('function')

  await page.tap('#privacy-agree')
  await page.waitForSelector('#profile-form')
  await fillProfile(page, VALID_ID_NUMBER)

  // Tapping 使用微信手机号 before WeChat has its authorization: WeChat holds the call and asks the app.
  raisePrivacyRequest?.((option) => answers.push(option))
  await page.waitForSelector('#privacy-overlay')
  expect(answers).toEqual([{ event: 'exposureAuthorization' }])
  await page.tap('#privacy-agree')
  expect(page.find('#privacy-overlay')).toBeUndefined()
  expect(answers).toEqual([{ event: 'exposureAuthorization' }, { event: 'agree', buttonId: 'privacy-agree' }])
  expect(page.find('#profile-form')).toBeDefined()

  // WeChat then delivers the phone-number button's event with a code only the server can exchange.
  const phoneCode = wechat.issuePhoneCode('13912345678')
  await page.trigger('#phone-wechat', 'getphonenumber', { errMsg: 'getPhoneNumber:ok', code: phoneCode })
  await page.waitForSelector('#phone-wechat-done')
  await page.tap('#profile-submit')
  await page.waitForSelector('#profile-summary')

  expect(page.text()).toContain('139****5678')
  const [saved] = requestsTo(app.requests, 'PUT', '/api/v1/me/profile')
  expect(JSON.parse(saved?.body ?? '{}')).toEqual({
    realName: '张三',
    idNumber: VALID_ID_NUMBER,
    phoneCode,
    address: '江城市东湖区解放路12号',
    privacyVersion: PRIVACY_NOTICE_VERSION,
  })
})

test('a returning citizen whose access token is no longer accepted is refreshed without noticing, and the old refresh token dies', async () => {
  // A citizen who registered earlier, on this phone.
  const signIn = await fetch(`${api.baseUrl}/api/v1/auth/wechat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: wechat.issueLoginCode('openid-returning') }),
  })
  const tokens = AuthResultSchema.parse(await signIn.json())
  const put = await fetch(`${api.baseUrl}/api/v1/me/profile`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.accessToken}` },
    body: JSON.stringify({
      realName: '李秀英',
      idNumber: VALID_ID_NUMBER,
      phone: '13700001111',
      address: '江城市西湖区人民路8号',
      privacyVersion: PRIVACY_NOTICE_VERSION,
    }),
  })
  expect(put.status).toBe(200)

  const app = await launchWeapp({
    apiBaseUrl: api.baseUrl,
    storage: {
      [SESSION_KEY]: {
        accessToken: 'an-access-token-the-api-no-longer-accepts',
        refreshToken: tokens.refreshToken,
        user: { id: tokens.user.id, role: 'citizen' },
      },
    },
    wx: { login: weChatLoginAs('openid-returning') },
  })
  const page = await app.switchTab('pages/me/index')
  await page.waitForSelector('#profile-summary')

  expect(page.text()).toContain('李**')
  expect(page.text()).toContain('137****1111')
  const meCalls = requestsTo(app.requests, 'GET', '/api/v1/me')
  expect(meCalls.map((entry) => entry.statusCode)).toEqual([401, 200])
  expect(requestsTo(app.requests, 'POST', '/api/v1/auth/refresh').map((entry) => entry.statusCode)).toEqual([200])
  expect(requestsTo(app.requests, 'POST', '/api/v1/auth/wechat')).toHaveLength(0)
  const stored = app.storage.get(SESSION_KEY)
  expect(stored).toMatchObject({ user: { id: tokens.user.id } })
  expect(stored).not.toMatchObject({ refreshToken: tokens.refreshToken })

  const reuse = await fetch(`${api.baseUrl}/api/v1/auth/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken: tokens.refreshToken }),
  })
  expect(reuse.status).toBe(401)
})
