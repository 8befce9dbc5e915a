import { expect, test } from 'vitest'
import { isBookingOpen, ReceptionListQuerySchema, remainingSeats } from './reception'

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
