import type { Booking } from '@xinfang/shared'
import { shanghaiTime, toShanghaiIso } from '@xinfang/shared'
import { expect, test } from 'vitest'
import { cancellationNote, describeWaitlistEntry, splitBookings } from './booking-status'

const NOW = shanghaiTime('2026-11-22', '10:00')
const HOUR = 3_600_000

function bookingAt(id: string, startsAt: number, status: Booking['status']): Booking {
  return {
    id,
    status,
    session: {
      id: 'rs_1',
      leader: { name: '王建国', title: '副市长' },
      unit: { id: 'unit_gov', name: '市人民政府' },
      startsAt: toShanghaiIso(startsAt),
      endsAt: toShanghaiIso(startsAt + 2 * HOUR),
      mode: 'in_person',
      place: '市民中心',
      status: 'published',
    },
    slot: { id: 'slot_1', startsAt: toShanghaiIso(startsAt), endsAt: toShanghaiIso(startsAt + HOUR / 2) },
    attendees: 1,
    matter: '拖欠工资',
    petitionId: null,
    checkInCode: status === 'cancelled' ? null : 'ABCDEFGHJK',
    statusReason: null,
    cancellableUntil: toShanghaiIso(startsAt - 24 * HOUR),
    checkedInAt: null,
    createdAt: toShanghaiIso(NOW - HOUR),
  }
}

test('bookings still ahead come first, soonest first; cancelled and past ones go to the rest', () => {
  const later = bookingAt('later', NOW + 72 * HOUR, 'confirmed')
  const sooner = bookingAt('sooner', NOW + 30 * HOUR, 'pending')
  const cancelled = bookingAt('cancelled', NOW + 48 * HOUR, 'cancelled')
  const past = bookingAt('past', NOW - 72 * HOUR, 'confirmed')

  const { upcoming, past: rest } = splitBookings([later, cancelled, sooner, past], NOW)

  expect(upcoming.map((booking) => booking.id)).toEqual(['sooner', 'later'])
  expect(rest.map((booking) => booking.id)).toEqual(['cancelled', 'past'])
})

test('before the cut-off the page says until when a booking can be cancelled; after it, whom to tell', () => {
  expect(cancellationNote(bookingAt('a', NOW + 72 * HOUR, 'confirmed'), NOW)).toBe(
    '如不能到场，请在 11月24日 10:00 前取消，把名额让给其他群众。',
  )
  expect(cancellationNote(bookingAt('b', NOW + 12 * HOUR, 'confirmed'), NOW)).toBe(
    '已过取消截止时间（11月21日 22:00）。如不能到场，请联系接访单位说明。',
  )
  expect(cancellationNote(bookingAt('c', NOW + 72 * HOUR, 'cancelled'), NOW)).toBeUndefined()
})

test('a place on a waiting list says where it stands, and only a waiting one can be left', () => {
  expect(describeWaitlistEntry({ status: 'waiting', position: 2 })).toMatchObject({
    label: '候补第 2 位',
    canLeave: true,
  })
  expect(describeWaitlistEntry({ status: 'promoted', position: null })).toMatchObject({
    label: '已转为预约',
    canLeave: false,
  })
  expect(describeWaitlistEntry({ status: 'left', position: null })).toMatchObject({ canLeave: false })
})
