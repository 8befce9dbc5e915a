/**
 * Leader reception booking (领导接访预约) in the real weapp build (miniapp/dist/weapp) in miniprogram-simulate (see
 * support/weapp-harness.ts): the 接访预约 tab, a session's slots, the booking form, 我的预约 with the check-in code
 * and its QR code, and 取消预约 giving the seat back — against the real API, signed in with wx.login through a fake
 * WeChat server.
 */
import {
  AuthResultSchema,
  BookingSchema,
  formatCheckInCode,
  isBookingOpen,
  PRIVACY_NOTICE_VERSION,
  type ReceptionSession,
  ReceptionSessionDetailSchema,
  ReceptionSessionListSchema,
  WaitlistEntrySchema,
} from '@xinfang/shared'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { type FakeWeChat, startFakeWeChat } from '../../api/test/fake-wechat-server'
import { type RunningApi, startApi } from '../support/api-server'
import { assertWeappBuild } from '../support/weapp-build'
import { callbackApi, launchWeapp, type RecordedRequest, type WeappPage } from '../support/weapp-harness'

const APP_ID = 'wx-xinfang-test'
const VALID_ID_NUMBER = '11010519491231002X'

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

/**
 * A citizen who registered the real-name profile earlier (booking needs it): WeChat sign-in, then the profile.
 * Resolves with the citizen's access token.
 */
async function registerCitizen(openid: string): Promise<string> {
  const signIn = await fetch(`${api.baseUrl}/api/v1/auth/wechat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: wechat.issueLoginCode(openid) }),
  })
  const { accessToken } = AuthResultSchema.parse(await signIn.json())
  const profile = await fetch(`${api.baseUrl}/api/v1/me/profile`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({
      realName: '王秀兰',
      idNumber: VALID_ID_NUMBER,
      phone: '13600002222',
      address: '江城市东湖区解放路12号',
      privacyVersion: PRIVACY_NOTICE_VERSION,
    }),
  })
  expect(profile.status).toBe(200)
  return accessToken
}

/** Other citizens book every seat left in the slot (at most 5 people per booking, one booking each). */
async function fillSlot(sessionId: string, slotId: string, remaining: number): Promise<void> {
  for (let left = remaining, n = 0; left > 0; n++) {
    const attendees = Math.min(5, left)
    const token = await registerCitizen(`openid-filler-${sessionId}-${n}`)
    const response = await fetch(`${api.baseUrl}/api/v1/receptions/${sessionId}/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': `fill-${n}` },
      body: JSON.stringify({ slotId, matter: '物业纠纷', attendees }),
    })
    expect(response.status).toBe(201)
    left -= attendees
  }
}

async function openSessions(): Promise<ReceptionSession[]> {
  const response = await fetch(`${api.baseUrl}/api/v1/receptions`)
  const now = Date.now()
  return ReceptionSessionListSchema.parse(await response.json()).items.filter((session) => isBookingOpen(session, now))
}

function requestsTo(requests: readonly RecordedRequest[], method: string, path: string): RecordedRequest[] {
  return requests.filter((entry) => entry.method === method && entry.path === path)
}

async function remainingSeats(sessionId: string, slotId: string): Promise<number | undefined> {
  const response = await fetch(`${api.baseUrl}/api/v1/receptions/${sessionId}`)
  const session = ReceptionSessionDetailSchema.parse(await response.json())
  return session.slots.find((slot) => slot.id === slotId)?.remaining
}

/** The page a navigation opened, once it has rendered `selector`. */
async function pageShowing(page: WeappPage, path: string, selector: string): Promise<WeappPage> {
  const opened = await page.app.waitFor(
    () => page.app.currentPage.path === path && page.app.currentPage,
    `${path} to open (now on ${page.app.currentPage.path})`,
  )
  await opened.waitForSelector(selector)
  return opened
}

test('a citizen browses 接访预约, books two seats in a slot, finds the check-in code in 我的预约, cancels, and the seats come back', async () => {
  await registerCitizen('openid-reception-journey')
  const app = await launchWeapp({ apiBaseUrl: api.baseUrl, wx: { login: weChatLoginAs('openid-reception-journey') } })

  // 接访预约: the sessions by day, each with its leader, and one open for booking with two seats in a slot.
  const tab = await app.switchTab('pages/receptions/index')
  await tab.waitForSelector('#receptions-list')
  const [listed] = requestsTo(app.requests, 'GET', '/api/v1/receptions')
  const sessions = ReceptionSessionListSchema.parse(listed?.responseBody).items
  for (const session of sessions) expect(tab.text()).toContain(session.leader.name)
  expect(tab.text()).toMatch(/(今天|明天|后天 · )?\d+月\d+日 周./)
  const now = Date.now()
  const open = sessions.find(
    (session: ReceptionSession) => isBookingOpen(session, now) && session.slots.some((slot) => slot.remaining >= 2),
  )
  if (!open) throw new Error('the demo data has no session open for booking with two seats left')
  const slot = open.slots.find((candidate) => candidate.remaining >= 2)
  if (!slot) throw new Error('unreachable')

  await tab.tap(`#reception-${open.id}`)
  const sessionPage = await pageShowing(tab, 'packages/reception/pages/session/index', '#slot-picker')
  expect(sessionPage.text()).toContain(open.leader.name)
  expect(sessionPage.get(`#slot-seats-${slot.id}`).dom?.textContent).toBe(`剩余 ${slot.remaining} 个名额`)

  // The form: the matter, two people, sent once with an Idempotency-Key.
  await sessionPage.tap(`#book-${slot.id}`)
  const form = await pageShowing(sessionPage, 'packages/reception/pages/book/index', '#booking-form')
  expect(form.text()).toContain('《信访工作条例》第二十条')
  await form.input('#booking-matter', '公司拖欠三个月工资，多次协商未果，请求协调解决。')
  await form.tap('#attendees-plus')
  expect(form.get('#attendees-value').dom?.textContent).toBe('2 人')
  expect(app.storage.get('xinfang.bookingDraft')).toMatchObject({ values: { attendees: 2 } })
  await form.tap('#booking-submit')

  const result = await pageShowing(form, 'packages/reception/pages/result/index', '#booking-result')
  expect(result.get('#result-headline').dom?.textContent).toMatch(/预约成功|预约已提交，等待审核/)
  const [booked] = requestsTo(app.requests, 'POST', `/api/v1/receptions/${open.id}/bookings`)
  expect(booked?.statusCode).toBe(201)
  expect(booked?.requestHeader['idempotency-key']).toMatch(/^booking-/)
  expect(JSON.parse(booked?.body ?? '{}')).toMatchObject({ slotId: slot.id, attendees: 2 })
  const booking = BookingSchema.parse(booked?.responseBody)
  expect(app.storage.has('xinfang.bookingDraft')).toBe(false)
  expect(await remainingSeats(open.id, slot.id)).toBe(slot.remaining - 2)

  // 我的预约 → the booking → its QR code and the check-in code in large characters.
  await result.tap('#result-my-bookings')
  const list = await pageShowing(result, 'packages/reception/pages/bookings/index', '#bookings-list')
  expect(list.text()).toContain(open.leader.name)
  await list.tap(`#booking-${booking.id}`)
  const detail = await pageShowing(list, 'packages/reception/pages/booking/index', '#check-in-code')
  const code = booking.checkInCode
  if (code === null) throw new Error('a booking holding seats has a check-in code')
  expect(detail.get('#check-in-code').dom?.textContent).toBe(formatCheckInCode(code))
  expect(detail.find('#check-in-qr')).toBeDefined()
  expect(detail.text()).toContain('取消预约')

  // 取消预约 asks first, then frees the seats.
  await detail.tap('#cancel-booking')
  await detail.waitForSelector('#cancel-confirm-panel')
  expect(requestsTo(app.requests, 'POST', `/api/v1/bookings/${booking.id}/cancel`)).toHaveLength(0)
  await detail.tap('#cancel-confirm')
  await detail.waitForSelector('#cancel-done')
  expect(detail.get('#booking-status').dom?.textContent).toBe('已取消')
  expect(detail.find('#check-in-code')).toBeUndefined()
  expect(requestsTo(app.requests, 'POST', `/api/v1/bookings/${booking.id}/cancel`).map((r) => r.statusCode)).toEqual([
    200,
  ])

  await detail.tap('#open-session')
  const again = await pageShowing(detail, 'packages/reception/pages/session/index', '#slot-picker')
  expect(again.get(`#slot-seats-${slot.id}`).dom?.textContent).toBe(`剩余 ${slot.remaining} 个名额`)
  expect(await remainingSeats(open.id, slot.id)).toBe(slot.remaining)
})

test('a citizen finds a slot full, joins its waiting list from the same form, sees the place in line in 我的预约, and leaves it after confirming', async () => {
  await registerCitizen('openid-waiting')
  // The last open session, so the journey above keeps its own.
  const session = (await openSessions()).at(-1)
  const slot = session?.slots.find((candidate) => candidate.remaining > 0)
  if (!session || !slot) throw new Error('the demo data has no open session with seats')
  await fillSlot(session.id, slot.id, slot.remaining)

  const app = await launchWeapp({ apiBaseUrl: api.baseUrl, wx: { login: weChatLoginAs('openid-waiting') } })
  const sessionPage = await app.reLaunch(`packages/reception/pages/session/index?id=${session.id}`)
  await sessionPage.waitForSelector('#slot-picker')
  expect(sessionPage.get(`#slot-seats-${slot.id}`).dom?.textContent).toBe('已约满')
  expect(sessionPage.find(`#book-${slot.id}`)).toBeUndefined()

  await sessionPage.tap(`#waitlist-${slot.id}`)
  const form = await pageShowing(sessionPage, 'packages/reception/pages/book/index', '#waitlist-notice')
  await form.input('#booking-matter', '小区电梯停用半年，物业不修。')
  expect(form.get('#booking-submit').dom?.textContent).toBe('加入候补')
  await form.tap('#booking-submit')

  const result = await pageShowing(form, 'packages/reception/pages/result/index', '#waitlist-result')
  expect(result.get('#result-position').dom?.textContent).toContain('候补第 1 位')
  const [joined] = requestsTo(app.requests, 'POST', `/api/v1/receptions/${session.id}/waitlist`)
  expect(joined?.statusCode).toBe(201)
  expect(joined?.requestHeader['idempotency-key']).toMatch(/^booking-/)
  const entry = WaitlistEntrySchema.parse(joined?.responseBody)

  await result.tap('#result-my-bookings')
  const list = await pageShowing(result, 'packages/reception/pages/bookings/index', `#waitlist-${entry.id}`)
  expect(list.get(`#waitlist-status-${entry.id}`).dom?.textContent).toBe('候补第 1 位')
  await list.tap(`#leave-${entry.id}`)
  await list.waitForSelector(`#leave-panel-${entry.id}`)
  expect(requestsTo(app.requests, 'POST', `/api/v1/waitlist/${entry.id}/leave`)).toHaveLength(0)
  await list.tap(`#leave-confirm-${entry.id}`)
  await list.waitForText('已退出候补')
  expect(list.find(`#leave-${entry.id}`)).toBeUndefined()
  expect(requestsTo(app.requests, 'POST', `/api/v1/waitlist/${entry.id}/leave`).map((r) => r.statusCode)).toEqual([200])
})
