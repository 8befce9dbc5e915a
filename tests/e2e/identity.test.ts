import { join } from 'node:path'
import { ERROR_CODES, ID_NUMBER_PROBLEM_MESSAGES, PRIVACY_NOTICE_VERSION } from '@xinfang/shared'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { REPO_ROOT, type RunningApi, startApi } from '../support/api-server'
import { launchBrowser, PHONE_VIEWPORT, SCREENSHOT_DIR } from '../support/browser'
import { expectElderFriendly } from '../support/h5-pages'

const VALID_ID_NUMBER = '11010519491231002X'
/** The same number with its check character wrong. */
const ID_NUMBER_WITH_WRONG_CHECK = '110105194912310021'

let api: RunningApi
let browser: Browser
let closeBrowser: () => Promise<void>

beforeAll(async () => {
  api = await startApi({ webRoot: join(REPO_ROOT, 'miniapp', 'dist', 'h5') })
  ;({ browser, close: closeBrowser } = await launchBrowser())
})

afterAll(async () => {
  await closeBrowser?.()
  await api?.stop()
})

/** The 我的 tab of Taro's H5 tab bar (not 我的信访, which also starts with 我的). */
async function openMeTab(page: Page) {
  await page.locator('.weui-tabbar__label').getByText('我的', { exact: true }).click()
}

/** Taro's H5 inputs are `<taro-input-core id=…><input></taro-input-core>`: type into the inner element. */
async function fill(page: Page, id: string, value: string) {
  await page.locator(`#${id} input`).fill(value)
}

test('in the H5 app a citizen accepts the privacy guide, corrects a wrong ID number, sees the profile masked, and still does after a reload', async () => {
  const page = await browser.newPage(PHONE_VIEWPORT)
  const apiCalls: string[] = []
  page.on('response', (response) => {
    const url = new URL(response.url())
    if (url.pathname.startsWith('/api/'))
      apiCalls.push(`${response.status()} ${response.request().method()} ${url.pathname}`)
  })
  await page.goto(`${api.baseUrl}/`)
  await page.locator('#reception-list').waitFor({ timeout: 20_000 })

  await openMeTab(page)
  const guide = page.locator('#privacy-guide')
  await guide.waitFor({ timeout: 20_000 })
  expect((await guide.textContent()) ?? '').toContain(`版本 ${PRIVACY_NOTICE_VERSION}`)
  expect(await page.locator('#profile-form').count()).toBe(0)
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'identity-privacy-guide.png'), fullPage: true })

  await page.locator('#privacy-agree').click()
  await page.locator('#profile-form').waitFor()
  await fill(page, 'real-name', '张三')
  await fill(page, 'id-number', ID_NUMBER_WITH_WRONG_CHECK)
  await fill(page, 'phone', '13812345678')
  await fill(page, 'address', '江城市东湖区解放路12号')
  await page.locator('#profile-submit').click()

  const idError = page.locator('#id-number-error')
  await idError.waitFor()
  expect((await idError.textContent()) ?? '').toBe(ID_NUMBER_PROBLEM_MESSAGES.check_character)
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'identity-form.png'), fullPage: true })
  await expectElderFriendly(page, '#profile-form', 10)
  expect(apiCalls.filter((call) => call.includes('/api/v1/me/profile'))).toEqual([])

  await fill(page, 'id-number', VALID_ID_NUMBER)
  await idError.waitFor({ state: 'detached' })
  await page.locator('#profile-submit').click()

  const summary = page.locator('#profile-summary')
  await summary.waitFor({ timeout: 20_000 })
  const masked = (await summary.textContent()) ?? ''
  expect(masked).toContain('张*')
  expect(masked).toContain('138****5678')
  expect(masked).toContain('110105********002X')
  expect((await page.locator('body').textContent()) ?? '').not.toContain(VALID_ID_NUMBER)
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'identity-profile.png'), fullPage: true })

  await page.reload()
  await page.locator('#profile-summary').waitFor({ timeout: 20_000 })
  expect((await page.locator('#profile-summary').textContent()) ?? '').toContain('张*')

  // One demo sign-in for the whole visit: the session survived the reload in storage.
  expect(apiCalls.filter((call) => call.endsWith('/api/v1/auth/demo'))).toEqual(['200 POST /api/v1/auth/demo'])
  expect(apiCalls).toContain('200 PUT /api/v1/me/profile')
  expect(apiCalls.filter((call) => !call.startsWith('200 '))).toEqual([])
  await page.close()
})

test('the H5 app says it is only a demonstration, and to use WeChat, when the API has no demo login', async () => {
  const page = await browser.newPage(PHONE_VIEWPORT)
  // A production API does not register the demo route at all: its answer is a plain 404 problem.
  await page.route('**/api/v1/auth/demo', (route) =>
    route.fulfill({
      status: 404,
      contentType: 'application/problem+json',
      body: JSON.stringify({
        type: 'urn:xinfang:problem:not-found',
        title: ERROR_CODES.NOT_FOUND.title,
        status: 404,
        code: 'NOT_FOUND',
      }),
    }),
  )
  await page.goto(`${api.baseUrl}/`)
  await openMeTab(page)

  const notice = page.locator('#demo-only')
  await notice.waitFor({ timeout: 20_000 })
  const text = (await notice.textContent()) ?? ''
  expect(text).toContain('网页版仅用于演示')
  expect(text).toContain('请在微信中')
  await expectElderFriendly(page, '#demo-only', 1)
  expect(await page.locator('#privacy-guide').count()).toBe(0)
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'identity-demo-only.png'), fullPage: true })
  await page.close()
})
