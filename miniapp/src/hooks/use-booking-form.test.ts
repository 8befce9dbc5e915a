import { act, renderHook } from '@testing-library/react'
import { type Booking, ERROR_CODES, type WaitlistEntry } from '@xinfang/shared'
import { expect, test } from 'vitest'
import { startFakeReceptionApi } from '../../test/fake-reception-api'
import { receptionSessionAt } from '../../test/fixtures'
import { routeRequestsTo } from '../../test/route-requests'
import { taroStorage } from '../services/storage'
import { BOOKING_DRAFT_STORAGE_KEY } from '../utils/booking-draft'
import { type BookingFormOptions, useBookingForm } from './use-booking-form'

const BOOKINGS_PATH = '/api/v1/receptions/rs_test_1/bookings'

/** The form for slot_1 of the fixture session, talking to `api` through the app's real client. */
function renderForm(overrides: Partial<BookingFormOptions> = {}) {
  const booked: Booking[] = []
  const joined: WaitlistEntry[] = []
  const rendered = renderHook(() =>
    useBookingForm({
      userId: 'citizen_1',
      sessionId: 'rs_test_1',
      slotId: 'slot_1',
      mode: 'book',
      onBooked: (booking) => booked.push(booking),
      onJoinedWaitlist: (entry) => joined.push(entry),
      sleep: async () => {},
      ...overrides,
    }),
  )
  return { ...rendered, booked, joined }
}

function storedDraft(): unknown {
  return taroStorage.get(BOOKING_DRAFT_STORAGE_KEY)
}

test('a booking is sent with the matter, the attendees and an Idempotency-Key, and the draft is gone once it is made', async () => {
  const api = await startFakeReceptionApi()
  routeRequestsTo(api.baseUrl)
  const { result, booked } = renderForm()

  act(() => result.current.changeMatter('  公司拖欠三个月工资  '))
  act(() => result.current.stepAttendees(+1))
  expect(storedDraft()).toMatchObject({ values: { matter: '  公司拖欠三个月工资  ', attendees: 2 } })
  await act(() => result.current.submit())

  const [sent] = api.requestsTo('POST', BOOKINGS_PATH)
  expect(JSON.parse(sent?.body ?? '')).toEqual({ slotId: 'slot_1', matter: '公司拖欠三个月工资', attendees: 2 })
  expect(sent?.headers['idempotency-key']).toMatch(/^booking-/)
  expect(sent?.headers.authorization).toBe(`Bearer ${api.accessToken}`)
  expect(booked.map((booking) => booking.status)).toEqual(['confirmed'])
  expect(storedDraft()).toBe('')
})

test('what was typed is put back when the form for the same session opens again, with the same key', async () => {
  const first = renderForm()
  act(() => first.result.current.changeMatter('小区电梯停用半年'))
  act(() => first.result.current.stepAttendees(+1))
  const key = (storedDraft() as { idempotencyKey: string }).idempotencyKey
  first.unmount()

  const again = renderForm({ slotId: 'slot_2' })

  expect(again.result.current.origin).toBe('restored')
  expect(again.result.current.values).toEqual({ matter: '小区电梯停用半年', attendees: 2, petitionId: '' })
  act(() => again.result.current.changeMatter('小区电梯停用半年，物业不修'))
  expect(storedDraft()).toMatchObject({ slotId: 'slot_2', idempotencyKey: key })
})

test('a draft typed for another session is carried over to the next one with a new key', () => {
  const first = renderForm()
  act(() => first.result.current.changeMatter('征地补偿款未发放'))
  const key = (storedDraft() as { idempotencyKey: string }).idempotencyKey
  first.unmount()

  const other = renderForm({ sessionId: 'rs_other' })

  expect(other.result.current.origin).toBe('carried_over')
  expect(other.result.current.values.matter).toBe('征地补偿款未发放')
  act(() => other.result.current.stepAttendees(+1))
  expect(storedDraft()).toMatchObject({ sessionId: 'rs_other' })
  expect(storedDraft()).not.toMatchObject({ idempotencyKey: key })
})

test('a draft of another account on the same phone is never shown', () => {
  const first = renderForm({ userId: 'citizen_9' })
  act(() => first.result.current.changeMatter('别人的事项'))
  first.unmount()

  const mine = renderForm()

  expect(mine.result.current.origin).toBe('fresh')
  expect(mine.result.current.values.matter).toBe('')
  expect(storedDraft()).toBe('')
})

test('a booking whose answer was lost is sent again with the same key and the API replays the one booking', async () => {
  const api = await startFakeReceptionApi()
  routeRequestsTo(api.baseUrl)
  // The API books, then the answer is lost on the way back: the client's own retry carries the same key.
  api.loseNextBookingAnswers(1)
  const { result, booked } = renderForm()
  act(() => result.current.changeMatter('拖欠工资'))

  await act(() => result.current.submit())

  const attempts = api.requestsTo('POST', BOOKINGS_PATH)
  expect(attempts).toHaveLength(2)
  expect(new Set(attempts.map((attempt) => attempt.headers['idempotency-key'])).size).toBe(1)
  expect(api.bookings.size).toBe(1)
  expect(booked).toHaveLength(1)
})

test('when every answer is lost the person is told nothing is lost, and the next tap replays the booking', async () => {
  const api = await startFakeReceptionApi()
  routeRequestsTo(api.baseUrl)
  api.loseNextBookingAnswers(3)
  const { result, booked } = renderForm()
  act(() => result.current.changeMatter('拖欠工资'))

  await act(() => result.current.submit())

  expect(result.current.failure?.kind).toBe('unanswered')
  expect(result.current.failure?.message).toContain('您填写的内容已保存在本机')
  expect(storedDraft()).toMatchObject({ values: { matter: '拖欠工资' } })

  await act(() => result.current.submit())

  expect(api.bookings.size).toBe(1)
  expect(booked).toHaveLength(1)
  expect(result.current.failure).toBeUndefined()
})

test('a full slot offers the waiting list, and joining it sends the same matter to the waiting list', async () => {
  const session = receptionSessionAt(Date.now())
  const api = await startFakeReceptionApi({ sessions: [session] })
  routeRequestsTo(api.baseUrl)
  const { result, joined } = renderForm()
  act(() => result.current.changeMatter('社保断缴'))
  for (let i = 0; i < 2; i++) act(() => result.current.stepAttendees(+1))

  await act(() => result.current.submit())

  // Three people, and the slot has two seats left.
  expect(result.current.failure?.kind).toBe('slot_full')
  expect(result.current.failure?.message).toContain('加入候补')

  act(() => result.current.switchMode('waitlist'))
  await act(() => result.current.submit())

  expect(result.current.mode).toBe('waitlist')
  const [sent] = api.requestsTo('POST', '/api/v1/receptions/rs_test_1/waitlist')
  expect(JSON.parse(sent?.body ?? '')).toEqual({ slotId: 'slot_1', matter: '社保断缴', attendees: 3 })
  expect(joined.map((entry) => entry.status)).toEqual(['waiting'])
  expect(storedDraft()).toBe('')
})

test('without a real-name profile the person is sent to register it, and the draft stays for afterwards', async () => {
  const api = await startFakeReceptionApi({ hasProfile: false })
  routeRequestsTo(api.baseUrl)
  const { result, booked } = renderForm()
  act(() => result.current.changeMatter('房屋漏水'))

  await act(() => result.current.submit())

  expect(result.current.failure?.kind).toBe('profile_required')
  expect(result.current.failure?.message).toContain('我的')
  expect(storedDraft()).toMatchObject({ values: { matter: '房屋漏水' } })

  api.setProfile(true)
  await act(() => result.current.submit())
  expect(booked).toHaveLength(1)
})

test('an empty matter is refused on the phone with the shared message, and nothing is sent', async () => {
  const api = await startFakeReceptionApi()
  routeRequestsTo(api.baseUrl)
  const { result } = renderForm()
  act(() => result.current.changeMatter('   '))

  await act(() => result.current.submit())

  expect(result.current.errors.matter).toBe('请简要说明要反映的事项')
  expect(api.requestsTo('POST', BOOKINGS_PATH)).toHaveLength(0)

  act(() => result.current.changeMatter('噪音扰民'))
  expect(result.current.errors.matter).toBeUndefined()
})

test('the attendees stay between 1 and 5 (信访工作条例 Art. 20)', () => {
  const { result } = renderForm()

  act(() => result.current.stepAttendees(-1))
  expect(result.current.values.attendees).toBe(1)
  for (let i = 0; i < 7; i++) act(() => result.current.stepAttendees(+1))
  expect(result.current.values.attendees).toBe(5)
})

test('a second tap while the first booking is on its way sends nothing more', async () => {
  const api = await startFakeReceptionApi()
  routeRequestsTo(api.baseUrl)
  const { result, booked } = renderForm()
  act(() => result.current.changeMatter('拖欠工资'))

  await act(() => Promise.all([result.current.submit(), result.current.submit()]))

  expect(api.requestsTo('POST', BOOKINGS_PATH)).toHaveLength(1)
  expect(booked).toHaveLength(1)
})

test('an existing booking of the session is reported as such, with 我的预约 as the way to it', async () => {
  const api = await startFakeReceptionApi()
  routeRequestsTo(api.baseUrl)
  const first = renderForm()
  act(() => first.result.current.changeMatter('拖欠工资'))
  await act(() => first.result.current.submit())
  first.unmount()

  const second = renderForm({ slotId: 'slot_2' })
  act(() => second.result.current.changeMatter('另一件事'))
  await act(() => second.result.current.submit())

  expect(second.result.current.failure?.kind).toBe('already_booked')
  expect(second.result.current.failure?.message).toContain('我的预约')
})

test('a key already spent on another body means the booking may have been made, and a new key is taken', async () => {
  const api = await startFakeReceptionApi()
  routeRequestsTo(api.baseUrl)
  api.refuseNext(1, 'IDEMPOTENCY_KEY_REUSED')
  const { result } = renderForm()
  act(() => result.current.changeMatter('拖欠工资'))
  const key = (storedDraft() as { idempotencyKey: string }).idempotencyKey

  await act(() => result.current.submit())

  expect(result.current.failure?.kind).toBe('possibly_booked')
  expect(result.current.failure?.title).toBe('您的预约可能已经成功')
  expect(storedDraft()).not.toMatchObject({ idempotencyKey: key })
})

test('a suspension for repeated no-shows shows the reason and the date it ends', async () => {
  const api = await startFakeReceptionApi()
  routeRequestsTo(api.baseUrl)
  const detail = '您在90天内有3次预约未到场，预约功能暂停至12月20日 09:00。如有特殊情况，请联系接访单位。'
  api.refuseNext(1, 'BOOKING_SUSPENDED', detail)
  const { result } = renderForm()
  act(() => result.current.changeMatter('拖欠工资'))

  await act(() => result.current.submit())

  expect(result.current.failure).toMatchObject({
    kind: 'suspended',
    title: ERROR_CODES.BOOKING_SUSPENDED.title,
    message: detail,
  })
})
