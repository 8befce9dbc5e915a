import { shanghaiTime, toShanghaiIso } from '@xinfang/shared'
import { expect, test } from 'vitest'
import { receptionSessionAt } from '../../test/fixtures'
import {
  bookingUnavailableReason,
  formatSlotSeats,
  formatSlotTime,
  groupSessionsByDate,
  slotOfferOf,
} from './reception-schedule'

const NOW = shanghaiTime('2026-11-22', '20:00')

function sessionOn(date: string, time: string, id: string) {
  const startsAt = shanghaiTime(date, time)
  return receptionSessionAt(NOW, {
    id,
    startsAt: toShanghaiIso(startsAt),
    endsAt: toShanghaiIso(startsAt + 2.5 * 3_600_000),
  })
}

test('sessions are grouped under their Shanghai day, days in order and sessions by start time', () => {
  const days = groupSessionsByDate(
    [
      sessionOn('2026-11-25', '14:30', 'c'),
      sessionOn('2026-11-23', '14:30', 'b'),
      sessionOn('2026-11-23', '09:00', 'a'),
    ],
    NOW,
  )

  expect(days.map((day) => [day.date, day.label, day.sessions.map((session) => session.id)])).toEqual([
    ['2026-11-23', '11月23日 周一', ['a', 'b']],
    ['2026-11-25', '11月25日 周三', ['c']],
  ])
})

test('today, tomorrow and the day after are named as such; later days are not', () => {
  const days = groupSessionsByDate(
    ['2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25'].map((date) => sessionOn(date, '21:00', date)),
    NOW,
  )

  expect(days.map((day) => day.relative)).toEqual(['今天', '明天', '后天', undefined])
})

test('a session starting just after midnight Shanghai time belongs to that Shanghai day, whatever the phone says', () => {
  // 00:30 in Shanghai is 16:30 UTC the day before.
  const [day] = groupSessionsByDate([sessionOn('2026-11-24', '00:30', 'night')], NOW)

  expect(day?.date).toBe('2026-11-24')
})

test('a slot reads as its Shanghai clock times and its seats', () => {
  expect(formatSlotTime({ startsAt: '2026-11-24T01:00:00Z', endsAt: '2026-11-24T01:30:00Z' })).toBe('09:00–09:30')
  expect(formatSlotSeats({ remaining: 3 })).toBe('剩余 3 个名额')
  expect(formatSlotSeats({ remaining: 0 })).toBe('已约满')
})

test('a slot offers booking while the window is open and seats are left, the waiting list when full, else nothing', () => {
  const open = receptionSessionAt(NOW)
  const notYet = receptionSessionAt(NOW, { bookingOpensAt: toShanghaiIso(NOW + 3_600_000) })
  const cancelled = { ...open, status: 'cancelled' }

  expect(slotOfferOf(open, { remaining: 1 }, NOW)).toBe('bookable')
  expect(slotOfferOf(open, { remaining: 0 }, NOW)).toBe('full')
  expect(slotOfferOf(notYet, { remaining: 5 }, NOW)).toBe('unavailable')
  expect(slotOfferOf(cancelled, { remaining: 5 }, NOW)).toBe('unavailable')
})

test('a session that cannot be booked says why and what to do instead', () => {
  const open = receptionSessionAt(NOW)

  expect(bookingUnavailableReason(open, NOW)).toBeUndefined()
  expect(bookingUnavailableReason({ ...open, bookingOpensAt: '2026-11-23T09:00:00+08:00' }, NOW)).toBe(
    '本场接访将于 11月23日 09:00 开放预约，请届时再来。',
  )
  expect(bookingUnavailableReason({ ...open, bookingClosesAt: '2026-11-22T09:00:00+08:00' }, NOW)).toBe(
    '本场接访已截止预约，请选择其他场次。',
  )
  expect(bookingUnavailableReason({ ...open, status: 'cancelled' }, NOW)).toBe('本场接访已取消，请选择其他场次。')
})
