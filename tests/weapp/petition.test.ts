/**
 * Petition submission and tracking in the real weapp build (miniapp/dist/weapp) in miniprogram-simulate (see
 * support/weapp-harness.ts): the steps of 我要信访 with a draft that survives the app being killed, a photo uploaded
 * with wx.uploadFile, the submission with its Idempotency-Key, the receipt, WeChat reminders, the detail page's
 * timeline after a staff action, and 查询进度 without signing in.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  AuthResultSchema,
  CategoryListSchema,
  PetitionCreatedSchema,
  PetitionListSchema,
  PRIVACY_NOTICE_VERSION,
  SubscriptionsSchema,
} from '@xinfang/shared'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { type FakeWeChat, startFakeWeChat } from '../../api/test/fake-wechat-server'
import { tinyPng } from '../../api/test/fixtures/files'
import { type RunningApi, startApi } from '../support/api-server'
import { assertWeappBuild, isRecord } from '../support/weapp-build'
import { callbackApi, launchWeapp, type RecordedRequest, type WeappApp, type WeappPage } from '../support/weapp-harness'

const APP_ID = 'wx-xinfang-petition-test'
const PROGRESS_TEMPLATE_ID = 'tmpl-petition-progress-1'
const SESSION_KEY = 'xinfang.session'
const DRAFT_KEY = 'xinfang.petitionDraft'
const SUBMIT_PAGE = 'packages/petition/pages/submit/index'
const TITLE = '小区门口路灯坏了三个月'
const CONTENT = '解放路12号小区门口的三盏路灯从八月起一直不亮，晚上老人出门很不安全，希望尽快修好。'

let api: RunningApi
let wechat: FakeWeChat
let tempDir: string
let photoPath: string

beforeAll(async () => {
  assertWeappBuild()
  wechat = await startFakeWeChat({ appId: APP_ID, secret: 'test-secret' })
  api = await startApi({
    env: {
      WECHAT_APPID: APP_ID,
      WECHAT_SECRET: 'test-secret',
      WECHAT_API_BASE_URL: wechat.baseUrl,
      WECHAT_TEMPLATE_IDS: `petition_progress=${PROGRESS_TEMPLATE_ID}`,
    },
  })
  // What wx.chooseImage hands back is a temp path to a real file; the upload shim reads it from disk.
  tempDir = mkdtempSync(join(tmpdir(), 'xinfang-weapp-petition-'))
  photoPath = join(tempDir, 'street-lamp.png')
  writeFileSync(photoPath, tinyPng())
})

afterAll(async () => {
  await api?.stop()
  await wechat?.close()
  if (tempDir) rmSync(tempDir, { recursive: true, force: true })
})

/** A citizen who signed in on this phone earlier, with or without the real-name profile: their stored session. */
async function returningCitizen(openid: string, options: { hasProfile: boolean }) {
  const signIn = await fetch(`${api.baseUrl}/api/v1/auth/wechat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: wechat.issueLoginCode(openid) }),
  })
  const tokens = AuthResultSchema.parse(await signIn.json())
  if (options.hasProfile) {
    const put = await fetch(`${api.baseUrl}/api/v1/me/profile`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.accessToken}` },
      body: JSON.stringify({
        realName: '王秀兰',
        idNumber: '11010519491231002X',
        phone: '13700002222',
        address: '江城市东湖区解放路12号',
        privacyVersion: PRIVACY_NOTICE_VERSION,
      }),
    })
    expect(put.status).toBe(200)
  }
  return {
    [SESSION_KEY]: {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      user: { id: tokens.user.id, role: 'citizen' },
    },
  }
}

function wxFor(openid: string, extra: Record<string, unknown> = {}) {
  return {
    login: callbackApi('login', async () => ({ code: wechat.issueLoginCode(openid) })),
    chooseImage: callbackApi('chooseImage', async () => ({
      tempFilePaths: [photoPath],
      tempFiles: [{ path: photoPath, size: tinyPng().length }],
    })),
    ...extra,
  }
}

/** The Idempotency-Key a stored draft carries. */
function keyOf(draft: unknown): string {
  if (isRecord(draft) && typeof draft.idempotencyKey === 'string') return draft.idempotencyKey
  throw new Error(`no stored draft with a key: ${JSON.stringify(draft)}`)
}

function requestsTo(requests: readonly RecordedRequest[], method: string, path: string): RecordedRequest[] {
  return requests.filter((entry) => entry.method === method && entry.path === path)
}

async function waitForPage(app: WeappApp, path: string): Promise<WeappPage> {
  return app.waitFor(() => (app.currentPage.path === path ? app.currentPage : undefined), `the page ${path}`)
}

/** 第 1–3 步: a complaint about community services, with a title, the story and where it happened. */
async function fillFirstSteps(page: WeappPage) {
  await page.waitForSelector('#kind-complaint')
  await page.tap('#kind-complaint')
  await page.tap('#step-next')
  await page.waitForSelector('#category-community')
  await page.tap('#category-community')
  await page.tap('#step-next')
  await page.waitForSelector('#petition-title')
  await page.input('#petition-title', TITLE)
  await page.input('#petition-content', CONTENT)
  await page.input('#petition-address', '江城市东湖区解放路12号')
}

async function acceptAsStaff(petitionId: string) {
  const signIn = await fetch(`${api.baseUrl}/api/v1/auth/staff`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'demo-intake', password: 'xinfang-demo' }),
  })
  const { accessToken } = AuthResultSchema.parse(await signIn.json())
  const action = await fetch(`${api.baseUrl}/api/v1/staff/petitions/${petitionId}/actions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ type: 'accept', version: 1 }),
  })
  expect(action.status).toBe(200)
}

test('a citizen fills the steps, finds the draft again after the app is killed, uploads a photo, submits, and follows the petition to its acceptance', async () => {
  const storage = await returningCitizen('openid-petition-journey', { hasProfile: true })
  const first = await launchWeapp({ apiBaseUrl: api.baseUrl, storage, wx: wxFor('openid-petition-journey') })
  const list = await first.switchTab('pages/petitions/index')
  await list.waitForSelector('#petitions-empty')
  await list.tap('#new-petition')
  const form = await waitForPage(first, SUBMIT_PAGE)
  await fillFirstSteps(form)

  const draft = first.storage.get(DRAFT_KEY)
  expect(draft).toMatchObject({ step: 'content', values: { kind: 'complaint', title: TITLE, content: CONTENT } })
  const idempotencyKey = keyOf(draft)
  expect(idempotencyKey).toMatch(/^petition-/)

  // WeChat kills the mini-program in the background; the next launch finds the draft on the device.
  first.close()
  const copied: string[] = []
  const asked: string[] = []
  const app = await launchWeapp({
    apiBaseUrl: api.baseUrl,
    storage: Object.fromEntries(first.storage),
    wx: wxFor('openid-petition-journey', {
      setClipboardData: callbackApi('setClipboardData', async ({ data }: { data: string }) => {
        copied.push(data)
        return {}
      }),
      requestSubscribeMessage: callbackApi('requestSubscribeMessage', async ({ tmplIds }: { tmplIds: string[] }) => {
        asked.push(...tmplIds)
        return Object.fromEntries(tmplIds.map((id) => [id, 'accept']))
      }),
    }),
  })
  const restored = await app.reLaunch(SUBMIT_PAGE)
  await restored.waitForSelector('#draft-restored')
  expect(restored.text()).toContain('第 3 步（共 5 步）')
  expect(restored.text()).toContain(`已写 ${CONTENT.length} 字`)

  await restored.tap('#step-next')
  await restored.waitForSelector('#attachment-add')
  await restored.tap('#attachment-add')
  await restored.waitForText('已上传')
  const [upload] = requestsTo(app.requests, 'POST', '/api/v1/attachments')
  expect(upload?.statusCode).toBe(201)
  expect(upload?.requestHeader.authorization).toMatch(/^Bearer /)

  await restored.tap('#step-next')
  await restored.waitForSelector('#petition-review')
  const review = restored.text()
  expect(review).toContain('投诉请求')
  expect(review).toContain('基层治理与社区服务')
  expect(review).toContain(TITLE)
  expect(review).toContain(CONTENT)
  expect(review).toContain('1 个：street-lamp.png')

  await restored.tap('#petition-submit')
  const success = await waitForPage(app, 'packages/petition/pages/success/index')
  await success.waitForSelector('#tracking-no')
  const [submission] = requestsTo(app.requests, 'POST', '/api/v1/petitions')
  expect(submission?.statusCode).toBe(201)
  // The key made with the draft before the app was killed is the one the submission carried.
  expect(submission?.requestHeader['idempotency-key']).toBe(idempotencyKey)
  const created = PetitionCreatedSchema.parse(submission?.responseBody)
  expect(JSON.parse(submission?.body ?? '{}')).toMatchObject({ title: TITLE, kind: 'complaint' })
  expect(success.text()).toContain(created.trackingNo)
  expect(success.text()).toContain(created.queryCode)
  expect(success.text()).toContain('请妥善保存查询码')
  expect(app.storage.has(DRAFT_KEY)).toBe(false)

  await success.tap('#copy-query-code')
  await success.tap('#copy-tracking-no')
  expect(copied).toEqual([created.queryCode, created.trackingNo])

  // WeChat reminders: one tap, WeChat's prompt, the accepted template reported to the API.
  await success.tap('#subscribe-progress')
  await success.waitForSelector('#subscribe-result')
  expect(asked).toEqual([PROGRESS_TEMPLATE_ID])
  expect(requestsTo(app.requests, 'POST', '/api/v1/subscriptions').map((entry) => entry.statusCode)).toEqual([200])
  const subscriptions = await fetch(`${api.baseUrl}/api/v1/subscriptions`, {
    headers: { authorization: submission?.requestHeader.authorization ?? '' },
  })
  expect(SubscriptionsSchema.parse(await subscriptions.json()).credits).toEqual([
    { templateId: PROGRESS_TEMPLATE_ID, credits: 1 },
  ])

  await success.tap('#view-detail')
  const detail = await waitForPage(app, 'packages/petition/pages/detail/index')
  await detail.waitForSelector('#timeline')
  expect(detail.text()).toContain('已提交，待受理')
  expect(detail.text()).toContain('第二十二条')
  expect(detail.text()).toContain('信访部门应在')
  expect(detail.text()).toContain('材料 1 个')

  await acceptAsStaff(created.id)
  await detail.tap('#detail-refresh')
  await detail.waitForText('已受理')
  expect(detail.text()).toContain('受理（《信访工作条例》第二十二条）')
  expect(detail.text()).toContain('第三十四条')

  // The same step waits in the message centre, unread until opened.
  const messages = await app.navigateTo('/packages/petition/pages/messages/index')
  await messages.waitForSelector('#message-list')
  expect(messages.text()).toContain('有 2 条未读消息')
  expect(messages.text()).toContain('信访事项受理')
  expect(messages.text()).toContain('您的信访事项已由江城市信访局受理（《信访工作条例》第二十二条）')
  expect(requestsTo(app.requests, 'POST', '/api/v1/petitions')).toHaveLength(1)
})

test('a submission that gets no answer is sent again with the same Idempotency-Key, and only one petition is filed', async () => {
  const storage = await returningCitizen('openid-petition-retry', { hasProfile: true })
  const app = await launchWeapp({ apiBaseUrl: api.baseUrl, storage, wx: wxFor('openid-petition-retry') })
  const form = await app.reLaunch(SUBMIT_PAGE)
  await fillFirstSteps(form)
  await form.tap('#step-next')
  await form.waitForSelector('#attachment-add')
  await form.tap('#step-next')
  await form.waitForSelector('#petition-review')

  // The network goes away at the moment of submission.
  const reachable = app.apiBaseUrl
  app.apiBaseUrl = 'http://127.0.0.1:9'
  await form.tap('#petition-submit')
  await form.waitForSelector('#petition-form-error')
  expect(form.text()).toContain('您填写的内容已保存在本机')
  const keptDraft = app.storage.get(DRAFT_KEY)
  expect(keptDraft).toMatchObject({ unansweredBodies: [{ title: TITLE }] })

  app.apiBaseUrl = reachable
  await form.tap('#petition-submit')
  await waitForPage(app, 'packages/petition/pages/success/index')

  const attempts = requestsTo(app.requests, 'POST', '/api/v1/petitions')
  // The one HTTP client retried the unanswered call itself before giving up, always with the draft's key.
  expect(attempts.length).toBeGreaterThan(1)
  expect(new Set(attempts.map((entry) => entry.requestHeader['idempotency-key']))).toEqual(new Set([keyOf(keptDraft)]))
  expect(attempts.filter((entry) => entry.statusCode === 201)).toHaveLength(1)
  const list = await fetch(`${api.baseUrl}/api/v1/petitions`, {
    headers: { authorization: attempts[0]?.requestHeader.authorization ?? '' },
  })
  expect(PetitionListSchema.parse(await list.json()).items).toHaveLength(1)
})

test('without a real-name profile the submission is refused with a way to 我的 to register, and the draft is kept', async () => {
  const storage = await returningCitizen('openid-petition-no-profile', { hasProfile: false })
  const app = await launchWeapp({ apiBaseUrl: api.baseUrl, storage, wx: wxFor('openid-petition-no-profile') })
  const form = await app.reLaunch(SUBMIT_PAGE)
  await form.waitForSelector('#profile-notice')
  await fillFirstSteps(form)
  await form.tap('#step-next')
  await form.tap('#step-next')
  await form.waitForSelector('#petition-review')
  await form.tap('#petition-submit')

  await form.waitForSelector('#profile-required')
  expect(form.text()).toContain('第十九条')
  expect(requestsTo(app.requests, 'POST', '/api/v1/petitions').map((entry) => entry.statusCode)).toEqual([403])
  expect(app.storage.get(DRAFT_KEY)).toMatchObject({ values: { title: TITLE }, unansweredBodies: [] })

  await form.tap('#profile-required-go')
  await waitForPage(app, 'pages/me/index')
})

test('查询进度 finds a petition by tracking number and query code without sending a token, and says so when they do not match', async () => {
  const storage = await returningCitizen('openid-petition-track', { hasProfile: true })
  const session = storage[SESSION_KEY]
  const submitted = await fetch(`${api.baseUrl}/api/v1/petitions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${session.accessToken}`,
      'idempotency-key': 'weapp-track-test-1',
    },
    body: JSON.stringify({
      kind: 'inquiry',
      categoryId: await categoryIdOf('labor'),
      title: '养老保险转移怎么办',
      content: '我从外省回到江城市，想把养老保险关系转过来，请问需要带哪些材料？',
    }),
  })
  const created = PetitionCreatedSchema.parse(await submitted.json())

  const app = await launchWeapp({ apiBaseUrl: api.baseUrl, wx: wxFor('openid-someone-else') })
  const page = await app.reLaunch('packages/petition/pages/track/index')
  await page.input('#track-no', created.trackingNo)
  await page.input('#track-code', 'WRONG234')
  await page.tap('#track-submit')
  await page.waitForSelector('#track-failure')
  expect(page.text()).toContain('受理编号或查询码不正确')

  await page.input('#track-code', created.queryCode.toLowerCase())
  await page.tap('#track-submit')
  await page.waitForSelector('#track-result')
  expect(page.text()).toContain('已提交，待受理')
  expect(page.text()).toContain('咨询')
  expect(page.text()).toContain('第二十二条')
  expect(page.text()).not.toContain('养老保险转移怎么办')
  const lookups = requestsTo(app.requests, 'GET', '/api/v1/track')
  expect(lookups.map((entry) => entry.statusCode)).toEqual([404, 200])
  expect(lookups.every((entry) => entry.requestHeader.authorization === undefined)).toBe(true)
})

async function categoryIdOf(code: string): Promise<string> {
  const response = await fetch(`${api.baseUrl}/api/v1/categories`)
  const category = CategoryListSchema.parse(await response.json()).items.find((item) => item.code === code)
  if (!category) throw new Error(`no category ${code}`)
  return category.id
}
