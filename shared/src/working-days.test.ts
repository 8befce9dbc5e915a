import { expect, test } from 'vitest'
import { deadlineAfter, NATIONAL_PROFILE, ZHEJIANG_PROFILE } from './deadlines'
import { shanghaiTime, toShanghaiIso } from './time'
import { createWorkingDayRule } from './working-days'

/** The State Council's 2026 notice for National Day and Mid-Autumn: 1–7 October off, 20 Sept and 10 Oct worked. */
const CALENDAR_2026_AUTUMN = {
  holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
  workdays: ['2026-09-20', '2026-10-10'],
}
const isWorkingDay = createWorkingDayRule(CALENDAR_2026_AUTUMN)

test('holidays are off, make-up weekend days are worked, other weekends are off', () => {
  expect(isWorkingDay('2026-10-01')).toBe(false)
  expect(isWorkingDay('2026-10-10')).toBe(true) // Saturday, worked in exchange
  expect(isWorkingDay('2026-09-20')).toBe(true) // Sunday, worked in exchange
  expect(isWorkingDay('2026-10-11')).toBe(false) // ordinary Sunday
  expect(isWorkingDay('2026-10-09')).toBe(true)
})

test('five working days from 29 September skip the Golden Week and count the make-up Saturday', () => {
  // 30 Sep (1), 1–7 Oct off, 8 Oct (2), 9 Oct (3), Sat 10 Oct make-up (4), Sun 11 off, Mon 12 Oct (5).
  const decideBy = deadlineAfter(shanghaiTime('2026-09-29', '10:00'), ZHEJIANG_PROFILE.decide, isWorkingDay)
  expect(toShanghaiIso(decideBy)).toBe('2026-10-12T23:59:59.999+08:00')
})

test('calendar-day limits ignore holidays: 15 days from 29 September end on 14 October', () => {
  const decideBy = deadlineAfter(shanghaiTime('2026-09-29', '10:00'), NATIONAL_PROFILE.decide, isWorkingDay)
  expect(toShanghaiIso(decideBy)).toBe('2026-10-14T23:59:59.999+08:00')
})

test('a submission late on the last evening of a day still counts from that day', () => {
  expect(toShanghaiIso(deadlineAfter(shanghaiTime('2026-11-23', '23:59'), NATIONAL_PROFILE.decide))).toBe(
    '2026-12-08T23:59:59.999+08:00',
  )
  expect(toShanghaiIso(deadlineAfter(shanghaiTime('2026-11-24', '00:00'), NATIONAL_PROFILE.decide))).toBe(
    '2026-12-09T23:59:59.999+08:00',
  )
})

test('a working-day rule without a calendar is refused rather than guessed', () => {
  expect(() => deadlineAfter(0, ZHEJIANG_PROFILE.decide)).toThrow(/calendar/)
})
