import { shanghaiTime } from '@xinfang/shared'
import { expect, test } from 'vitest'
import { receptionSessionAt } from '../../test/fixtures'
import {
  bookingStateOf,
  formatBookingWindow,
  formatRemainingSeats,
  formatSessionTime,
  formatShanghaiDate,
  formatTopics,
} from './format'

const NOW = shanghaiTime('2026-11-20', '10:00')

test('a session time reads as date, weekday and a range in Asia/Shanghai', () => {
  expect(formatSessionTime('2026-11-24T09:00:00+08:00', '2026-11-24T11:30:00+08:00', NOW)).toBe(
    '11月24日 周二 09:00–11:30',
  )
})

test('an instant written in UTC is shown at its Shanghai wall-clock time', () => {
  // 01:00 UTC is 09:00 in Shanghai, whatever time zone the phone is set to.
  expect(formatSessionTime('2026-11-24T01:00:00Z', '2026-11-24T03:30:00Z', NOW)).toBe('11月24日 周二 09:00–11:30')
})

test('a late-evening instant in UTC falls on the next Shanghai day', () => {
  expect(formatShanghaiDate('2026-11-21T16:30:00Z', NOW)).toBe('11月22日 周日')
})

test('a session running past midnight names the end date as well', () => {
  expect(formatSessionTime('2026-11-24T22:00:00+08:00', '2026-11-25T01:00:00+08:00', NOW)).toBe(
    '11月24日 周二 22:00–11月25日 周三 01:00',
  )
})

test('a date in another year carries its year', () => {
  expect(formatShanghaiDate('2027-01-05T09:00:00+08:00', NOW)).toBe('2027年1月5日 周二')
})

test('remaining seats add up over every slot', () => {
  expect(formatRemainingSeats(receptionSessionAt(NOW))).toBe('剩余 3 个名额')
})

test('a session with no seat left in any slot reads 已约满', () => {
  const session = receptionSessionAt(NOW)
  const full = { ...session, slots: session.slots.map((slot) => ({ ...slot, remaining: 0 })) }
  expect(formatRemainingSeats(full)).toBe('已约满')
})

test('booking is open from the opening instant until just before the closing instant', () => {
  const window = { bookingOpensAt: '2026-11-20T10:00:00+08:00', bookingClosesAt: '2026-11-23T17:00:00+08:00' }
  expect(bookingStateOf(window, shanghaiTime('2026-11-20', '09:59'))).toBe('not_open_yet')
  expect(bookingStateOf(window, shanghaiTime('2026-11-20', '10:00'))).toBe('open')
  expect(bookingStateOf(window, shanghaiTime('2026-11-23', '16:59'))).toBe('open')
  expect(bookingStateOf(window, shanghaiTime('2026-11-23', '17:00'))).toBe('closed')
})

test('the booking window sentence says when booking opens or closes', () => {
  const window = { bookingOpensAt: '2026-11-21T09:00:00+08:00', bookingClosesAt: '2026-11-23T17:00:00+08:00' }
  expect(formatBookingWindow(window, shanghaiTime('2026-11-20', '10:00'))).toBe('11月21日 09:00 开放预约')
  expect(formatBookingWindow(window, shanghaiTime('2026-11-22', '10:00'))).toBe('11月23日 17:00 截止预约')
  expect(formatBookingWindow(window, shanghaiTime('2026-11-24', '10:00'))).toBe('预约时间已过')
})

test('topics are joined with the Chinese enumeration comma', () => {
  expect(formatTopics(['劳动保障', '社会救助', '城市建设'])).toBe('劳动保障、社会救助、城市建设')
})
