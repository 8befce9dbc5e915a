import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AuthResultSchema, PetitionCreatedSchema } from '@xinfang/shared'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { tinyPng } from '../../api/test/fixtures/files'
import { REPO_ROOT, type RunningApi, startApi } from '../support/api-server'
import { launchBrowser, PHONE_VIEWPORT, SCREENSHOT_DIR } from '../support/browser'
import { expectElderFriendly } from '../support/h5-pages'

const VALID_ID_NUMBER = '11010519491231002X'
const TITLE = '小区门口路灯坏了三个月'
const CONTENT = '解放路12号小区门口的三盏路灯从八月起一直不亮，晚上老人出门很不安全，希望尽快修好。'
const ADDRESS = '江城市东湖区解放路12号'

let api: RunningApi
let browser: Browser
let closeBrowser: () => Promise<void>
let tempDir: string
let photoPath: string

beforeAll(async () => {
  api = await startApi({ webRoot: join(REPO_ROOT, 'miniapp', 'dist', 'h5') })
  ;({ browser, close: closeBrowser } = await launchBrowser())
  tempDir = mkdtempSync(join(tmpdir(), 'xinfang-e2e-petition-'))
  photoPath = join(tempDir, 'street-lamp.png')
  writeFileSync(photoPath, tinyPng())
})

afterAll(async () => {
  await closeBrowser?.()
  await api?.stop()
  if (tempDir) rmSync(tempDir, { recursive: true, force: true })
})

/** A tab of Taro's H5 tab bar, by its exact label (我的 and 我的信访 share a prefix). */
async function openTab(page: Page, label: string) {
  await page.locator('.weui-tabbar__label').getByText(label, { exact: true }).click()
}

/** Taro's H5 inputs are `<taro-input-core id=…><input></taro-input-core>`, textareas likewise. */
function field(page: Page, id: string) {
  return page.locator(`#${id} input, #${id} textarea`)
}

async function registerProfile(page: Page) {
  await openTab(page, '我的')
  await page.locator('#privacy-agree').click()
  await page.locator('#profile-form').waitFor()
  await field(page, 'real-name').fill('王秀兰')
  await field(page, 'id-number').fill(VALID_ID_NUMBER)
  await field(page, 'phone').fill('13700002222')
  await field(page, 'address').fill(ADDRESS)
  await page.locator('#profile-submit').click()
  await page.locator('#profile-summary').waitFor({ timeout: 20_000 })
}

/**
 * A screenshot of the whole current page. Taro's H5 router slides pages in, so running transitions are awaited
 * first; and a page scrolls inside its own container rather than the document, so the viewport is stretched to
 * that container's height for the picture.
 */
async function screenshot(page: Page, name: string) {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation.effect?.getComputedTiming().iterations !== Number.POSITIVE_INFINITY)
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  )
  const height = await page.evaluate(() =>
    Math.max(
      window.innerHeight,
      ...Array.from(document.querySelectorAll('.taro_page'), (element) =>
        element instanceof HTMLElement && element.offsetParent !== null ? element.scrollHeight : 0,
      ),
    ),
  )
  const viewport = page.viewportSize()
  if (viewport) await page.setViewportSize({ width: viewport.width, height })
  await page.screenshot({ path: join(SCREENSHOT_DIR, name), fullPage: true })
  if (viewport) await page.setViewportSize(viewport)
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

test('in the H5 app a citizen submits a petition step by step, keeps the draft over a reload, follows it to its acceptance in the timeline and the message centre, and anyone can track it by number and code', async () => {
  const page = await browser.newPage(PHONE_VIEWPORT)
  const apiCalls: string[] = []
  page.on('response', (response) => {
    const url = new URL(response.url())
    if (url.pathname.startsWith('/api/'))
      apiCalls.push(`${response.status()} ${response.request().method()} ${url.pathname}`)
  })
  await page.goto(`${api.baseUrl}/`)
  await page.locator('#reception-list').waitFor({ timeout: 20_000 })
  await registerProfile(page)

  await openTab(page, '我的信访')
  await page.locator('#petitions-empty').waitFor({ timeout: 20_000 })
  await page.locator('#new-petition').click()

  // 第 1 步 and 第 2 步: one question per screen, answered by tapping a whole card.
  await page.locator('#kind-complaint').click()
  await page.locator('#step-next').click()
  await page.locator('#category-community').click()
  await page.locator('#step-next').click()

  // 第 3 步: typed text, saved on the device with every keystroke.
  await field(page, 'petition-title').fill(TITLE)
  await field(page, 'petition-content').fill(CONTENT)
  await field(page, 'petition-address').fill(ADDRESS)
  await expect.poll(() => page.locator('#content-count').textContent()).toContain(`已写 ${CONTENT.length} 字`)
  await screenshot(page, 'petition-form.png')
  await expectElderFriendly(page, '#petition-form')

  // The page is reloaded mid-way (a crash, a closed tab): the draft comes back where it was.
  await page.reload()
  await page.locator('#draft-restored').waitFor({ timeout: 20_000 })
  expect(await page.locator('#step-progress').textContent()).toContain('第 3 步')
  expect(await field(page, 'petition-title').inputValue()).toBe(TITLE)
  expect(await field(page, 'petition-content').inputValue()).toBe(CONTENT)
  expect(await field(page, 'petition-address').inputValue()).toBe(ADDRESS)

  // 第 4 步: a photo from the phone, uploaded at once.
  await page.locator('#step-next').click()
  const chooser = page.waitForEvent('filechooser')
  await page.locator('#attachment-add').click()
  await (await chooser).setFiles(photoPath)
  await page.getByText('已上传').waitFor({ timeout: 20_000 })
  expect(await page.locator('#attachment-list').textContent()).toContain('street-lamp.png')

  // 第 5 步: a last look, then the submission.
  await page.locator('#step-next').click()
  const review = (await page.locator('#petition-review').textContent()) ?? ''
  expect(review).toContain('投诉请求')
  expect(review).toContain(TITLE)
  expect(review).toContain('1 个：street-lamp.png')
  await screenshot(page, 'petition-review.png')
  await expectElderFriendly(page, '#petition-form')
  const submitted = page.waitForResponse(
    (response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/api/v1/petitions',
  )
  await page.locator('#petition-submit').click()
  const submission = await submitted
  expect(submission.status()).toBe(201)
  expect(submission.request().headers()['idempotency-key']).toMatch(/^petition-/)
  const created = PetitionCreatedSchema.parse(await submission.json())

  await page.locator('#petition-success').waitFor({ timeout: 20_000 })
  expect(await page.locator('#tracking-no').textContent()).toBe(created.trackingNo)
  expect(await page.locator('#query-code').textContent()).toBe(created.queryCode)
  expect(await page.locator('#query-code-note').textContent()).toContain('请妥善保存查询码')
  // No WeChat reminders in a browser; the message centre is named instead.
  expect(await page.locator('#subscribe-progress').count()).toBe(0)
  expect(await page.locator('#subscribe-prompt').textContent()).toContain('消息中心')
  await screenshot(page, 'petition-success.png')
  await expectElderFriendly(page, '#petition-success')
  await page.locator('#copy-query-code').click()
  await expect.poll(() => page.evaluate(() => localStorage.getItem('taro_clipboard'))).toContain(created.queryCode)

  await page.locator('#view-detail').click()
  await page.locator('#timeline').waitFor({ timeout: 20_000 })
  expect(await page.locator('#detail-status').textContent()).toBe('已提交，待受理')
  expect(await page.locator('#timeline').textContent()).toContain('第二十二条')
  expect(await page.locator('#next-deadline').textContent()).toContain('信访部门应在')
  expect(await page.locator('#detail-attachments').textContent()).toContain('材料 1 个')
  await screenshot(page, 'petition-detail.png')
  await expectElderFriendly(page, '#petition-detail')

  // The petition bureau accepts it; the citizen sees the step, in plain words with its legal basis.
  await acceptAsStaff(created.id)
  await page.locator('#detail-refresh').click()
  await expect.poll(() => page.locator('#detail-status').textContent(), { timeout: 20_000 }).toBe('已受理')
  const timeline = (await page.locator('#timeline').textContent()) ?? ''
  expect(timeline).toContain('受理（《信访工作条例》第二十二条）')
  expect(timeline).toContain('第三十四条')
  expect(await page.locator('#next-deadline').textContent()).toContain('承办单位应在')
  await screenshot(page, 'petition-detail-accepted.png')

  // …and in the message centre, unread until opened.
  await page.goBack()
  await page.locator('#open-messages').waitFor({ timeout: 20_000 })
  await expect.poll(() => page.locator('#open-messages').textContent(), { timeout: 20_000 }).toContain('条未读')
  await page.locator('#open-messages').click()
  await page.locator('#message-list').waitFor({ timeout: 20_000 })
  const messages = (await page.locator('#message-list').textContent()) ?? ''
  expect(messages).toContain('信访事项受理')
  expect(messages).toContain('第二十二条')
  expect(messages).toContain('信访事项已提交')
  expect(await page.locator('.messages__item--unread').count()).toBe(2)
  await screenshot(page, 'petition-messages.png')
  await expectElderFriendly(page, '#message-list')
  await page.locator('.messages__item--unread').first().click()
  await page.locator('#timeline').waitFor({ timeout: 20_000 })

  expect(apiCalls).toContain('201 POST /api/v1/attachments')
  expect(apiCalls.filter((call) => call.endsWith('POST /api/v1/petitions'))).toEqual(['201 POST /api/v1/petitions'])
  expect(apiCalls.filter((call) => !/^20\d /.test(call))).toEqual([])
  await page.close()

  // 查询进度 in a fresh browser, never signed in as this citizen: number and code are enough.
  const stranger = await browser.newContext(PHONE_VIEWPORT)
  const trackPage = await stranger.newPage()
  const trackRequests: { authorization: string | undefined; url: string }[] = []
  trackPage.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/v1/track') {
      trackRequests.push({ authorization: request.headers().authorization, url: request.url() })
    }
  })
  await trackPage.goto(`${api.baseUrl}/#/packages/petition/pages/track/index`)
  await field(trackPage, 'track-no').fill(created.trackingNo)
  await field(trackPage, 'track-code').fill(created.queryCode)
  await trackPage.locator('#track-submit').click()
  await trackPage.locator('#track-result').waitFor({ timeout: 20_000 })
  expect(await trackPage.locator('#track-status').textContent()).toBe('已受理')
  const tracked = (await trackPage.locator('#track-result').textContent()) ?? ''
  expect(tracked).toContain('第二十二条')
  // Progress only: not the title or the text the citizen wrote.
  expect(tracked).not.toContain(TITLE)
  expect(tracked).not.toContain(CONTENT)
  expect(trackRequests).toHaveLength(1)
  expect(trackRequests[0]?.authorization).toBeUndefined()
  await screenshot(trackPage, 'petition-track.png')
  await stranger.close()
})

test('查询进度 in the H5 app explains a wrong query code in plain words', async () => {
  const page = await browser.newPage(PHONE_VIEWPORT)
  await page.goto(`${api.baseUrl}/#/packages/petition/pages/track/index`)
  await field(page, 'track-no').fill('XF-2026-000999')
  await field(page, 'track-code').fill('ABC')
  await page.locator('#track-submit').click()
  expect(await page.locator('#track-code-error').textContent()).toBe('查询码为 8 位字母或数字')

  await field(page, 'track-code').fill('ABCD2345')
  await page.locator('#track-submit').click()
  await page.locator('#track-failure').waitFor({ timeout: 20_000 })
  expect(await page.locator('#track-failure').textContent()).toContain('受理编号或查询码不正确')
  await page.close()
})
