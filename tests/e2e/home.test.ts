import { join } from 'node:path'
import { ReceptionSessionListSchema } from '@xinfang/shared'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { REPO_ROOT, type RunningApi, startApi } from '../support/api-server'
import { launchBrowser, PHONE_VIEWPORT, SCREENSHOT_DIR } from '../support/browser'
import { expectElderFriendly } from '../support/h5-pages'

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

test('the H5 home page lists the seeded reception sessions in Chinese', async () => {
  const sessions = ReceptionSessionListSchema.parse(await (await fetch(`${api.baseUrl}/api/v1/receptions`)).json())
  expect(sessions.items.length).toBeGreaterThan(0)

  const page = await browser.newPage(PHONE_VIEWPORT)
  const failedRequests: string[] = []
  page.on('response', (response) => {
    if (response.status() >= 400) failedRequests.push(`${response.status()} ${response.url()}`)
  })
  await page.goto(`${api.baseUrl}/`)
  const firstLeader = sessions.items[0]?.leader.name ?? ''
  await page.getByText(firstLeader).first().waitFor({ timeout: 20_000 })

  const cards = page.locator('.reception-card')
  expect(await cards.count()).toBe(sessions.items.length)
  const text = (await page.locator('#reception-list').textContent()) ?? ''
  for (const session of sessions.items) {
    expect(text).toContain(session.leader.name)
  }
  expect(text).toMatch(/现场接访|视频接访/)
  expect(text).toMatch(/剩余|已约满/)
  expect(failedRequests).toEqual([])
  await expectElderFriendly(page, '#petition-entry', 3)
  await expectElderFriendly(page, '#reception-list')
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'home.png'), fullPage: true })
  await page.close()
})

test('the H5 home page says so, with a way to retry, when the API is unreachable', async () => {
  const page = await browser.newPage(PHONE_VIEWPORT)
  await page.route('**/api/v1/receptions**', (route) => route.abort('connectionrefused'))
  await page.goto(`${api.baseUrl}/`)
  const retry = page.locator('#reload')
  await retry.waitFor({ timeout: 30_000 })
  expect((await page.locator('body').textContent()) ?? '').toMatch(/网络|稍后|重新加载/)
  await expectElderFriendly(page, '#reception-error', 1)
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'home-error.png'), fullPage: true })

  await page.unroute('**/api/v1/receptions**')
  await retry.click()
  await page.locator('.reception-card').first().waitFor({ timeout: 20_000 })
  await page.close()
})
