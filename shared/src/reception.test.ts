import { expect, test } from 'vitest'
import {
  BookingCreateSchema,
  bookingSuspendedUntil,
  CheckInCodeSchema,
  formatCheckInCode,
  isBookingCancellable,
  isBookingOpen,
  ReceptionListQuerySchema,
  remainingSeats,
} from './reception'

const window = { bookingOpensAt: '2026-11-20T09:00:00.000+08:00', bookingClosesAt: '2026-11-26T09:00:00.000+08:00' }

test('booking is open from the opening instant up to, but not at, the closing instant', () => {
  expect(isBookingOpen(window, Date.parse(window.bookingOpensAt) - 1)).toBe(false)
  expect(isBookingOpen(window, Date.parse(window.bookingOpensAt))).toBe(true)
  expect(isBookingOpen(window, Date.parse(window.bookingClosesAt) - 1)).toBe(true)
  expect(isBookingOpen(window, Date.parse(window.bookingClosesAt))).toBe(false)
})

test('remaining seats add up over the slots', () => {
  const slot = (remaining: number) => ({ id: 's', startsAt: '', endsAt: '', capacity: 4, remaining })
  expect(remainingSeats({ slots: [slot(1), slot(0), slot(3)] })).toBe(4)
  expect(remainingSeats({ slots: [] })).toBe(0)
})

test('the reception list query defaults its page size and refuses pages over 50', () => {
  expect(ReceptionListQuerySchema.parse({}).limit).toBe(20)
  expect(ReceptionListQuerySchema.parse({ limit: '50' }).limit).toBe(50)
  expect(ReceptionListQuerySchema.safeParse({ limit: '51' }).success).toBe(false)
  expect(ReceptionListQuerySchema.safeParse({ from: '2026-02-30' }).success).toBe(false)
})

const DAY = 24 * 60 * 60 * 1000
const t0 = Date.parse('2026-01-01T09:00:00+08:00')

test('three no-shows within 90 days suspend booking for 30 days from the third', () => {
  const noShows = [t0, t0 + 40 * DAY, t0 + 80 * DAY]
  expect(bookingSuspendedUntil(noShows, t0 + 80 * DAY + 1)).toBe(t0 + 110 * DAY)
  expect(bookingSuspendedUntil(noShows, t0 + 110 * DAY)).toBeNull()
  expect(bookingSuspendedUntil(noShows.slice(0, 2), t0 + 81 * DAY)).toBeNull()
})

test('three no-shows spread over more than 90 days suspend nothing, and the latest qualifying run counts', () => {
  expect(bookingSuspendedUntil([t0, t0 + 50 * DAY, t0 + 91 * DAY], t0 + 92 * DAY)).toBeNull()
  const fourth = t0 + 120 * DAY
  expect(bookingSuspendedUntil([fourth, t0, t0 + 50 * DAY, t0 + 91 * DAY], fourth + DAY)).toBe(fourth + 30 * DAY)
})

test('a typed check-in code is accepted in either case, with spaces or the printed dash, and look-alikes are refused', () => {
  expect(CheckInCodeSchema.parse(' abcde-fghjk ')).toBe('ABCDEFGHJK')
  expect(formatCheckInCode('ABCDEFGHJK')).toBe('ABCDE-FGHJK')
  expect(CheckInCodeSchema.safeParse('ABCDE-FGHJ0').success).toBe(false)
  expect(CheckInCodeSchema.safeParse('ABCDE-FGHJI').success).toBe(false)
  expect(CheckInCodeSchema.safeParse('ABCDEFGHJ').success).toBe(false)
})

test('a booking asks for 1 to 5 attendees in whole numbers and a matter of at most 500 characters', () => {
  const valid = { slotId: 'slot-1', matter: '请求解决拖欠工资', attendees: 5 }
  expect(BookingCreateSchema.parse({ ...valid, matter: '  请求解决  ' }).matter).toBe('请求解决')
  expect(BookingCreateSchema.safeParse(valid).success).toBe(true)
  for (const attendees of [0, 6, 2.5, '2']) {
    expect(BookingCreateSchema.safeParse({ ...valid, attendees }).success).toBe(false)
  }
  expect(BookingCreateSchema.safeParse({ ...valid, matter: '字'.repeat(501) }).success).toBe(false)
  expect(BookingCreateSchema.safeParse({ ...valid, extra: true }).success).toBe(false)
})

test('a booking can be cancelled while it holds a seat and the cut-off has not passed', () => {
  const cutOff = '2026-11-25T09:00:00.000+08:00'
  const before = Date.parse(cutOff) - 1
  expect(isBookingCancellable({ status: 'confirmed', cancellableUntil: cutOff }, before)).toBe(true)
  expect(isBookingCancellable({ status: 'pending', cancellableUntil: cutOff }, before)).toBe(true)
  expect(isBookingCancellable({ status: 'confirmed', cancellableUntil: cutOff }, Date.parse(cutOff))).toBe(false)
  expect(isBookingCancellable({ status: 'checked_in', cancellableUntil: cutOff }, before)).toBe(false)
})
