import { expect, test } from 'vitest'
import { addCalendarDays, chineseDateOf, shanghaiDateOf, shanghaiTime, shanghaiWeekday, toShanghaiIso } from './time'

test('an instant is written in ISO 8601 with the +08:00 offset of Shanghai', () => {
  expect(toShanghaiIso(Date.UTC(2026, 10, 22, 16, 30))).toBe('2026-11-23T00:30:00.000+08:00')
})

test('the Shanghai date of an instant changes at Shanghai midnight, not UTC midnight', () => {
  expect(shanghaiDateOf(Date.UTC(2026, 10, 22, 15, 59, 59))).toBe('2026-11-22')
  expect(shanghaiDateOf(Date.UTC(2026, 10, 22, 16, 0, 0))).toBe('2026-11-23')
})

test('a Shanghai wall-clock time round-trips through its instant', () => {
  const instant = shanghaiTime('2026-11-24', '09:30')
  expect(toShanghaiIso(instant)).toBe('2026-11-24T09:30:00.000+08:00')
  expect(shanghaiDateOf(instant)).toBe('2026-11-24')
})

test('calendar days are added across month and year ends', () => {
  expect(addCalendarDays('2026-11-30', 1)).toBe('2026-12-01')
  expect(addCalendarDays('2026-12-31', 1)).toBe('2027-01-01')
  expect(addCalendarDays('2026-03-01', -1)).toBe('2026-02-28')
})

test('weekdays are those of the Shanghai calendar', () => {
  expect(shanghaiWeekday('2026-11-22')).toBe(0)
  expect(shanghaiWeekday('2026-11-23')).toBe(1)
  expect(shanghaiWeekday('2026-11-28')).toBe(6)
})

test('a malformed date is refused rather than turned into NaN', () => {
  expect(() => shanghaiTime('2026-13-45')).toThrow(RangeError)
})

test('dates in running text are written the Chinese way, without leading zeros', () => {
  expect(chineseDateOf(shanghaiTime('2026-11-08', '23:59'))).toBe('2026年11月8日')
  expect(chineseDateOf(shanghaiTime('2027-01-21'))).toBe('2027年1月21日')
})
