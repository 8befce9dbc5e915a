/**
 * Leader reception booking (领导接访预约) in the H5 build against the real API, in Debian's Chromium: browse the
 * schedule, open a session whose booking is open, pick a slot, fill the form (registering the real name on the way,
 * as a first-time citizen must), book, find the QR code and check-in code in 我的预约, cancel, and see the seats back.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import {
  BookingSchema,
  formatCheckInCode,
  isBookingOpen,
  ReceptionSessionDetailSchema,
  ReceptionSessionListSchema,
} from '@xinfang/shared'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { REPO_ROOT, type RunningApi, startApi } from '../support/api-server'
import { launchBrowser, PHONE_VIEWPORT, SCREENSHOT_DIR } from '../support/browser'
import { expectElderFriendly } from '../support/h5-pages'

const VALID_ID_NUMBER = '11010519491231002X'
const MATTER = '公司拖欠三个月工资，多次协商未果，请求协调解决。'

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

/**
 * Taro's H5 router keeps the pages below the current one in the document, hidden: a page opened twice (the session
 * page, before booking and after cancelling) is there twice. Only the one on screen counts.
 */
function shown(page: Page, selector: string): Locator {
  return page.locator(selector).filter({ visible: true })
}

async function openTab(page: Page, label: '接访预约' | '我的') {
  await page.locator('.weui-tabbar__label').getByText(label, { exact: true }).click()
}

/** Taro's H5 inputs are `<taro-input-core id=…><input></taro-input-core>`: type into the inner element. */
async function fill(page: Page, id: string, value: string) {
  await shown(page, `#${id} input`).fill(value)
}

/**
 * The whole of the page on screen. Taro's H5 pages slide in (300 ms) and scroll inside their own box, so a plain
 * full-page screenshot catches half a slide and one screen of content: wait until the page has settled
 * (`taro_page_stationed`), then make the window as tall as the page for the picture.
 */
async function screenshot(page: Page, name: string) {
  await page.waitForFunction(
    () => document.querySelectorAll('.taro_router > .taro_page.taro_page_show:not(.taro_page_stationed)').length === 0,
  )
  const height = await page.evaluate(() => {
    let tallest = 0
    for (const element of document.querySelectorAll('.taro_page')) {
      if (element.getClientRects().length > 0) tallest = Math.max(tallest, element.scrollHeight)
    }
    const tabBar = document.querySelector('.weui-tabbar')
    return tallest + (tabBar && tabBar.getClientRects().length > 0 ? tabBar.getBoundingClientRect().height : 0)
  })
  await page.setViewportSize({
    width: PHONE_VIEWPORT.viewport.width,
    height: Math.max(PHONE_VIEWPORT.viewport.height, Math.ceil(height)),
  })
  await page.screenshot({ path: join(SCREENSHOT_DIR, name), animations: 'disabled' })
  await page.setViewportSize(PHONE_VIEWPORT.viewport)
}

/**
 * Reads the QR code the page drew, from a screenshot, with jsQR (a real decoder, in the browser): proof that the
 * grid of Views is a QR code a scanner at the reception desk can read, not only that something was drawn.
 */
async function decodeQrScreenshot(png: Buffer): Promise<string | null> {
  const jsQrSource = readFileSync(createRequire(import.meta.url).resolve('jsqr/dist/jsQR.js'), 'utf8')
  const scratch = await browser.newPage()
  try {
    await scratch.addScriptTag({ content: jsQrSource })
    return await scratch.evaluate(
      async (dataUrl) => {
        const image = new Image()
        image.src = dataUrl
        await image.decode()
        const canvas = document.createElement('canvas')
        canvas.width = image.width
        canvas.height = image.height
        const context = canvas.getContext('2d')
        if (!context) return null
        context.drawImage(image, 0, 0)
        const pixels = context.getImageData(0, 0, canvas.width, canvas.height)
        const decode = Reflect.get(window, 'jsQR') as (
          data: Uint8ClampedArray,
          width: number,
          height: number,
        ) => { data: string } | null
        return decode(pixels.data, pixels.width, pixels.height)?.data ?? null
      },
      `data:image/png;base64,${png.toString('base64')}`,
    )
  } finally {
    await scratch.close()
  }
}

async function remainingSeats(sessionId: string, slotId: string): Promise<number | undefined> {
  const session = ReceptionSessionDetailSchema.parse(
    await (await fetch(`${api.baseUrl}/api/v1/receptions/${sessionId}`)).json(),
  )
  return session.slots.find((slot) => slot.id === slotId)?.remaining
}

test('in the H5 app a first-time citizen books two seats (registering the real name on the way), finds the QR code in 我的预约, cancels, and the seats come back', async () => {
  const sessions = ReceptionSessionListSchema.parse(await (await fetch(`${api.baseUrl}/api/v1/receptions`)).json())
  const now = Date.now()
  const open = sessions.items.find(
    (session) => isBookingOpen(session, now) && session.slots.some((slot) => slot.remaining >= 2),
  )
  if (!open) throw new Error('the demo data has no session open for booking with two seats left')
  const slot = open.slots.find((candidate) => candidate.remaining >= 2)
  if (!slot) throw new Error('unreachable')

  const page = await browser.newPage(PHONE_VIEWPORT)
  const apiCalls: string[] = []
  page.on('response', (response) => {
    const url = new URL(response.url())
    if (url.pathname.startsWith('/api/')) {
      apiCalls.push(`${response.status()} ${response.request().method()} ${url.pathname}`)
    }
  })
  await page.goto(`${api.baseUrl}/`)

  // 接访预约: every session under its day, with leader, place or video, topics, seats and booking state.
  await openTab(page, '接访预约')
  const list = shown(page, '#receptions-list')
  await list.waitFor({ timeout: 20_000 })
  const listText = (await list.textContent()) ?? ''
  for (const session of sessions.items) expect(listText).toContain(session.leader.name)
  expect(listText).toMatch(/\d+月\d+日 周./)
  expect(listText).toMatch(/现场接访|视频接访/)
  expect(listText).toMatch(/剩余 \d+ 个名额/)
  expect(listText).toContain('可预约')
  expect(await shown(page, '.reception-card').count()).toBe(sessions.items.length)
  await expectElderFriendly(page, '#receptions-list')
  await screenshot(page, 'reception-list.png')

  // The session: its slots with seats left; 预约 on the chosen one.
  await shown(page, `#reception-${open.id}`).click()
  await shown(page, '#slot-picker').waitFor({ timeout: 20_000 })
  expect(await shown(page, `#slot-seats-${slot.id}`).textContent()).toBe(`剩余 ${slot.remaining} 个名额`)
  await expectElderFriendly(page, '#session-detail')
  await screenshot(page, 'reception-session.png')
  await shown(page, `#book-${slot.id}`).click()

  // The form. This citizen has no real-name profile yet: the API refuses, and the page sends them to 我的.
  await shown(page, '#booking-form').waitFor({ timeout: 20_000 })
  await shown(page, '#booking-matter textarea').fill(MATTER)
  await shown(page, '#attendees-plus').click()
  expect(await shown(page, '#attendees-value').textContent()).toBe('2 人')
  expect(await shown(page, '#matter-count').textContent()).toContain(`已写 ${MATTER.length} / 500 字`)
  await expectElderFriendly(page, '#booking-form', 10)
  await shown(page, '#booking-submit').click()
  await shown(page, '#booking-failure').waitFor()
  expect(await shown(page, '#booking-failure').textContent()).toContain('预约接访需要先登记实名信息')
  await screenshot(page, 'reception-profile-required.png')

  await shown(page, '#go-profile').click()
  await shown(page, '#privacy-agree').click()
  await fill(page, 'real-name', '张三')
  await fill(page, 'id-number', VALID_ID_NUMBER)
  await fill(page, 'phone', '13812345678')
  await fill(page, 'address', '江城市东湖区解放路12号')
  await shown(page, '#profile-submit').click()
  await shown(page, '#profile-summary').waitFor({ timeout: 20_000 })

  // Back to the same slot: everything typed is still there, and this time the booking goes through.
  await openTab(page, '接访预约')
  await shown(page, `#reception-${open.id}`).click()
  await shown(page, `#book-${slot.id}`).click()
  await shown(page, '#draft-restored').waitFor({ timeout: 20_000 })
  expect(await shown(page, '#booking-matter textarea').inputValue()).toBe(MATTER)
  expect(await shown(page, '#attendees-value').textContent()).toBe('2 人')
  const booked = page.waitForResponse(
    (response) => response.url().endsWith(`/api/v1/receptions/${open.id}/bookings`) && response.status() === 201,
  )
  await shown(page, '#booking-submit').click()
  const booking = BookingSchema.parse(await (await booked).json())

  const headline = shown(page, '#result-headline')
  await headline.waitFor({ timeout: 20_000 })
  expect(await headline.textContent()).toMatch(/预约成功|预约已提交，等待审核/)
  expect(await remainingSeats(open.id, slot.id)).toBe(slot.remaining - 2)
  await screenshot(page, 'reception-result.png')

  // 我的预约 → the booking: the QR code and the check-in code in large characters.
  await shown(page, '#result-my-bookings').click()
  await shown(page, '#bookings-list').waitFor({ timeout: 20_000 })
  await shown(page, `#booking-${booking.id}`).click()
  const codeText = shown(page, '#check-in-code')
  await codeText.waitFor({ timeout: 20_000 })
  const code = booking.checkInCode
  if (code === null) throw new Error('a booking holding seats has a check-in code')
  expect(await codeText.textContent()).toBe(formatCheckInCode(code))
  const codeSize = await codeText.evaluate((element) => Number.parseFloat(getComputedStyle(element).fontSize))
  expect(codeSize).toBeGreaterThanOrEqual(32)
  expect(await decodeQrScreenshot(await shown(page, '#check-in-qr').screenshot())).toBe(code)
  await expectElderFriendly(page, '#booking-detail')
  await screenshot(page, 'reception-qr.png')

  // 取消预约: asked first, then cancelled; the code is gone and the seats are back on the session page.
  await shown(page, '#cancel-booking').click()
  await shown(page, '#cancel-confirm-panel').waitFor()
  expect(apiCalls.filter((call) => call.endsWith('/cancel'))).toEqual([])
  await shown(page, '#cancel-confirm').click()
  await shown(page, '#cancel-done').waitFor({ timeout: 20_000 })
  expect(await shown(page, '#booking-status').textContent()).toBe('已取消')
  expect(await shown(page, '#check-in-code').count()).toBe(0)
  await screenshot(page, 'reception-cancelled.png')

  await shown(page, '#open-session').click()
  await shown(page, '#slot-picker').waitFor({ timeout: 20_000 })
  expect(await shown(page, `#slot-seats-${slot.id}`).textContent()).toBe(`剩余 ${slot.remaining} 个名额`)
  expect(await remainingSeats(open.id, slot.id)).toBe(slot.remaining)
  await screenshot(page, 'reception-seat-back.png')

  expect(apiCalls).toContain(`403 POST /api/v1/receptions/${open.id}/bookings`)
  expect(apiCalls).toContain(`201 POST /api/v1/receptions/${open.id}/bookings`)
  expect(apiCalls).toContain(`200 POST /api/v1/bookings/${booking.id}/cancel`)
  expect(apiCalls.filter((call) => !/^(200|201) /.test(call))).toEqual([
    `403 POST /api/v1/receptions/${open.id}/bookings`,
  ])
  await page.close()
})
