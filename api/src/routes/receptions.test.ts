import {
  BookingListSchema,
  BookingSchema,
  formatCheckInCode,
  ProblemSchema,
  ReceptionSessionDetailSchema,
  ReceptionSessionListSchema,
  shanghaiTime,
  WaitlistEntryListSchema,
  WaitlistEntrySchema,
} from '@xinfang/shared'
import { and, eq } from 'drizzle-orm'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { citizenWithProfile, demoLogin, staffLogin } from '../../test/auth-helpers'
import {
  book,
  booked,
  call,
  leaderIdOf,
  problemCode,
  type SessionInput,
  scheduleSession,
  sessionInput,
} from '../../test/reception-helpers'
import { createTestContext, type TestContext } from '../../test/test-app'
import { bookings, messages, notificationOutbox, receptionSlots, waitlistEntries } from '../db/schema'
import { sendBookingReminders } from '../domain/receptions/send-booking-reminders'

let context: TestContext
let adminToken: string
let leaderId: string

beforeEach(async () => {
  context = createTestContext()
  adminToken = (await staffLogin(context, 'demo-admin')).accessToken
  leaderId = await leaderIdOf(context, adminToken, '陈卫东')
})
afterEach(() => context.close())

async function session(overrides: Partial<SessionInput> & { capacity?: number } = {}) {
  return scheduleSession(context, adminToken, sessionInput(leaderId, overrides))
}

async function bookedSeats(slotId: string) {
  const [slot] = await context.database.db.select().from(receptionSlots).where(eq(receptionSlots.id, slotId))
  return slot?.booked
}

async function messagesOf(citizenId: string) {
  return context.database.db.select().from(messages).where(eq(messages.citizenId, citizenId))
}

const matter = '小区电梯停运三个月，物业一直不修，老人上下楼困难。'

test('a citizen books a seat, gets a confirmed booking with a check-in code, and the slot shows the seats taken', async () => {
  const { id: sessionId, slots } = await session()
  const slot = slots[0]!
  const citizen = await citizenWithProfile(context, 'booker')
  const response = await book(context, citizen.accessToken, sessionId, { slotId: slot.id, matter, attendees: 2 })
  expect(response.status).toBe(201)
  expect(response.headers.get('cache-control')).toBe('no-store')
  const booking = BookingSchema.parse(await response.json())
  expect(booking).toMatchObject({
    status: 'confirmed',
    attendees: 2,
    matter,
    slot: { id: slot.id },
    session: { id: sessionId, status: 'published', leader: { name: '陈卫东' } },
    cancellableUntil: '2026-11-25T09:00:00.000+08:00',
  })
  expect(booking.checkInCode).toMatch(/^[2-9A-HJ-NP-Z]{10}$/)

  const list = ReceptionSessionListSchema.parse(await (await call(context, '/api/v1/receptions?limit=50')).json())
  const listed = list.items.find((item) => item.id === sessionId)
  expect(listed?.slots.map((s) => s.remaining)).toEqual([2, 4])
  const mine = BookingListSchema.parse(
    await (await call(context, '/api/v1/bookings', { token: citizen.accessToken })).json(),
  )
  expect(mine.items.map((item) => item.id)).toEqual([booking.id])
  const notices = await messagesOf(citizen.user.id)
  expect(notices).toEqual([
    expect.objectContaining({ subjectKind: 'booking', subjectId: booking.id, title: '接访预约成功' }),
  ])
})

test('one session can be read on its own; a draft cannot, and a cancelled one says so', async () => {
  const published = await session()
  const response = await call(context, `/api/v1/receptions/${published.id}`)
  expect(response.status).toBe(200)
  expect(ReceptionSessionDetailSchema.parse(await response.json())).toMatchObject({
    id: published.id,
    status: 'published',
    slots: [{ remaining: 4 }, { remaining: 4 }],
  })
  const draft = await session({ publish: false })
  expect((await call(context, `/api/v1/receptions/${draft.id}`)).status).toBe(404)
  await call(context, `/api/v1/staff/receptions/${published.id}/cancel`, {
    body: { reason: '领导临时公务' },
    token: adminToken,
  })
  const cancelled = ReceptionSessionDetailSchema.parse(
    await (await call(context, `/api/v1/receptions/${published.id}`)).json(),
  )
  expect(cancelled.status).toBe('cancelled')
})

test('a session that screens bookings answers pending, still with a check-in code', async () => {
  const { id, slots } = await session({ requiresConfirmation: true })
  const citizen = await citizenWithProfile(context, 'screened')
  const booking = await booked(context, citizen.accessToken, id, { slotId: slots[0]!.id, matter, attendees: 1 })
  expect(booking.status).toBe('pending')
  expect(booking.checkInCode).not.toBeNull()
  expect((await messagesOf(citizen.user.id)).map((m) => m.title)).toEqual(['接访预约已提交，待确认'])
})

test('booking needs an Idempotency-Key; the same key replays the booking and another body with it is 422', async () => {
  const { id, slots } = await session()
  const citizen = await citizenWithProfile(context, 'retrier')
  const body = { slotId: slots[0]!.id, matter, attendees: 1 }
  const missing = await book(context, citizen.accessToken, id, body, null)
  expect(missing.status).toBe(400)
  expect(await problemCode(missing)).toBe('IDEMPOTENCY_KEY_REQUIRED')

  const first = await book(context, citizen.accessToken, id, body, 'key-1')
  const replay = await book(context, citizen.accessToken, id, body, 'key-1')
  expect(first.status).toBe(201)
  expect(replay.status).toBe(201)
  expect(replay.headers.get('idempotent-replayed')).toBe('true')
  expect(await replay.json()).toEqual(await first.json())
  expect(await bookedSeats(slots[0]!.id)).toBe(1)

  const reused = await book(context, citizen.accessToken, id, { ...body, attendees: 2 }, 'key-1')
  expect(reused.status).toBe(422)
  expect(await problemCode(reused)).toBe('IDEMPOTENCY_KEY_REUSED')
})

test('a second booking for the same session is refused with BOOKING_EXISTS, even for another slot', async () => {
  const { id, slots } = await session()
  const citizen = await citizenWithProfile(context, 'twice')
  await booked(context, citizen.accessToken, id, { slotId: slots[0]!.id, matter, attendees: 1 })
  const again = await book(context, citizen.accessToken, id, { slotId: slots[1]!.id, matter, attendees: 1 })
  expect(again.status).toBe(409)
  expect(await problemCode(again)).toBe('BOOKING_EXISTS')
  expect(await bookedSeats(slots[1]!.id)).toBe(0)
})

test('a party larger than the seats left is refused with SLOT_FULL, saying how many are left', async () => {
  const { id, slots } = await session({ capacity: 5 })
  const first = await citizenWithProfile(context, 'first')
  await booked(context, first.accessToken, id, { slotId: slots[0]!.id, matter, attendees: 3 })
  const second = await citizenWithProfile(context, 'second')
  const response = await book(context, second.accessToken, id, { slotId: slots[0]!.id, matter, attendees: 3 })
  expect(response.status).toBe(409)
  const problem = ProblemSchema.parse(await response.json())
  expect(problem.code).toBe('SLOT_FULL')
  expect(problem.detail).toContain('只剩2个名额')
  expect(await bookedSeats(slots[0]!.id)).toBe(3)
  await booked(context, second.accessToken, id, { slotId: slots[0]!.id, matter, attendees: 2 })
  expect(await bookedSeats(slots[0]!.id)).toBe(5)
})

test('booking before the window opens or after it closes is 409 BOOKING_CLOSED', async () => {
  const { id, slots } = await session()
  const citizen = await citizenWithProfile(context, 'early-late')
  const body = { slotId: slots[0]!.id, matter, attendees: 1 }
  context.setNow(shanghaiTime('2026-11-19', '08:59'))
  const early = await book(context, (await demoLogin(context, 'early-late')).accessToken, id, body)
  expect(early.status).toBe(409)
  expect(ProblemSchema.parse(await early.json())).toMatchObject({
    code: 'BOOKING_CLOSED',
    detail: '本场接访尚未开放预约',
  })
  context.setNow(shanghaiTime('2026-11-25', '09:00'))
  const late = await book(context, (await demoLogin(context, 'early-late')).accessToken, id, body)
  expect(ProblemSchema.parse(await late.json())).toMatchObject({ code: 'BOOKING_CLOSED', detail: '本场接访已截止预约' })
  expect(citizen.user.id).toBeTruthy()
})

test('a citizen without a real-name profile is sent to give one first (403 PROFILE_REQUIRED)', async () => {
  const { id, slots } = await session()
  const anonymous = await demoLogin(context, 'anonymous')
  const response = await book(context, anonymous.accessToken, id, { slotId: slots[0]!.id, matter, attendees: 1 })
  expect(response.status).toBe(403)
  expect(await problemCode(response)).toBe('PROFILE_REQUIRED')
})

test('attendees outside 1–5, an empty matter, a slot of another session and unknown fields are 400', async () => {
  const first = await session()
  const other = await session()
  const citizen = await citizenWithProfile(context, 'sloppy')
  const slotId = first.slots[0]!.id
  for (const body of [
    { slotId, matter, attendees: 0 },
    { slotId, matter, attendees: 6 },
    { slotId, matter, attendees: 1.5 },
    { slotId, matter: '  ', attendees: 1 },
    { slotId, matter: '字'.repeat(501), attendees: 1 },
    { slotId, matter, attendees: 1, seats: 3 },
    { slotId: other.slots[0]!.id, matter, attendees: 1 },
  ]) {
    const response = await book(context, citizen.accessToken, first.id, body)
    expect(response.status, JSON.stringify(body)).toBe(400)
    expect(await problemCode(response)).toBe('VALIDATION_FAILED')
  }
  expect(await bookedSeats(slotId)).toBe(0)
})

test('the matter is stored encrypted, and another citizen can neither read nor cancel the booking (404)', async () => {
  const { id, slots } = await session()
  const owner = await citizenWithProfile(context, 'owner')
  const booking = await booked(context, owner.accessToken, id, { slotId: slots[0]!.id, matter, attendees: 1 })
  const [row] = await context.database.db.select().from(bookings).where(eq(bookings.id, booking.id))
  expect(row?.matterEnc).toMatch(/^v1\./)
  expect(row?.matterEnc).not.toContain('电梯')

  const stranger = await citizenWithProfile(context, 'stranger')
  const read = await call(context, `/api/v1/bookings/${booking.id}`, { token: stranger.accessToken })
  expect(read.status).toBe(404)
  const cancel = await call(context, `/api/v1/bookings/${booking.id}/cancel`, {
    method: 'POST',
    token: stranger.accessToken,
  })
  expect(cancel.status).toBe(404)
  const own = BookingSchema.parse(
    await (await call(context, `/api/v1/bookings/${booking.id}`, { token: owner.accessToken })).json(),
  )
  expect(own.matter).toBe(matter)
})

test('a booking may link one of the citizen’s own petitions, never someone else’s', async () => {
  const { id, slots } = await session()
  const author = await citizenWithProfile(context, 'author')
  const categories = (await (await call(context, '/api/v1/categories')).json()) as { items: { id: string }[] }
  const petitionResponse = await call(context, '/api/v1/petitions', {
    token: author.accessToken,
    headers: { 'idempotency-key': crypto.randomUUID() },
    body: {
      kind: 'complaint',
      categoryId: categories.items[0]?.id,
      title: '公司拖欠三个月工资',
      content: '本人在江城市某建筑公司工作，2026年8月至10月的工资共计一万八千元至今未发，请求协调解决。',
    },
  })
  expect(petitionResponse.status, JSON.stringify(context.logs.filter((l) => l.level === 'error'))).toBe(201)
  const petitionId = ((await petitionResponse.json()) as { id: string }).id

  const other = await citizenWithProfile(context, 'borrower')
  const borrowed = await book(context, other.accessToken, id, {
    slotId: slots[0]!.id,
    matter,
    attendees: 1,
    petitionId,
  })
  expect(borrowed.status).toBe(404)
  const linked = await booked(context, author.accessToken, id, {
    slotId: slots[0]!.id,
    matter,
    attendees: 1,
    petitionId,
  })
  expect(linked.petitionId).toBe(petitionId)
})

test('cancelling before the cut-off frees the seats once, however often it is repeated', async () => {
  const { id, slots } = await session()
  const citizen = await citizenWithProfile(context, 'canceller')
  const booking = await booked(context, citizen.accessToken, id, { slotId: slots[0]!.id, matter, attendees: 3 })
  expect(await bookedSeats(slots[0]!.id)).toBe(3)
  const cancels = await Promise.all(
    Array.from({ length: 5 }, () =>
      call(context, `/api/v1/bookings/${booking.id}/cancel`, { method: 'POST', token: citizen.accessToken }),
    ),
  )
  expect(cancels.map((r) => r.status)).toEqual([200, 200, 200, 200, 200])
  const cancelled = BookingSchema.parse(await cancels[0]!.json())
  expect(cancelled).toMatchObject({ status: 'cancelled', checkInCode: null })
  expect(await bookedSeats(slots[0]!.id)).toBe(0)
  // The seat is free again, and the citizen may book anew.
  await booked(context, citizen.accessToken, id, { slotId: slots[0]!.id, matter, attendees: 1 })
  expect(await bookedSeats(slots[0]!.id)).toBe(1)
})

test('cancelling after the cut-off is 409 CANCEL_CLOSED and keeps the seat', async () => {
  const { id, slots } = await session()
  const citizen = await citizenWithProfile(context, 'late-canceller')
  const booking = await booked(context, citizen.accessToken, id, { slotId: slots[0]!.id, matter, attendees: 1 })
  context.setNow(shanghaiTime('2026-11-25', '09:00'))
  const token = (await demoLogin(context, 'late-canceller')).accessToken
  const response = await call(context, `/api/v1/bookings/${booking.id}/cancel`, { method: 'POST', token })
  expect(response.status).toBe(409)
  expect(await problemCode(response)).toBe('CANCEL_CLOSED')
  expect(await bookedSeats(slots[0]!.id)).toBe(1)
})

test('only a slot without room for the party has a waiting list, and a citizen waits once per session', async () => {
  const { id, slots } = await session({ capacity: 2 })
  const slotId = slots[0]!.id
  const holder = await citizenWithProfile(context, 'holder')
  const waiter = await citizenWithProfile(context, 'waiter')
  const early = await call(context, `/api/v1/receptions/${id}/waitlist`, {
    body: { slotId, matter, attendees: 1 },
    token: waiter.accessToken,
  })
  expect(early.status).toBe(409)
  expect(await problemCode(early)).toBe('INVALID_TRANSITION')

  await booked(context, holder.accessToken, id, { slotId, matter, attendees: 2 })
  const joined = await call(context, `/api/v1/receptions/${id}/waitlist`, {
    body: { slotId, matter, attendees: 1 },
    token: waiter.accessToken,
  })
  expect(joined.status).toBe(201)
  expect(WaitlistEntrySchema.parse(await joined.json())).toMatchObject({ status: 'waiting', position: 1 })
  const again = await call(context, `/api/v1/receptions/${id}/waitlist`, {
    body: { slotId: slots[0]!.id, matter, attendees: 1 },
    token: waiter.accessToken,
  })
  expect(again.status).toBe(409)
  expect(await problemCode(again)).toBe('BOOKING_EXISTS')
  const holderWaits = await call(context, `/api/v1/receptions/${id}/waitlist`, {
    body: { slotId, matter, attendees: 1 },
    token: holder.accessToken,
  })
  expect(await problemCode(holderWaits)).toBe('BOOKING_EXISTS')
})

test('a cancellation books the first in line whose party fits, tells them, and promotes nobody twice', async () => {
  const { id, slots } = await session({ capacity: 3 })
  const slotId = slots[0]!.id
  const holder = await citizenWithProfile(context, 'holder')
  const holding = await booked(context, holder.accessToken, id, { slotId, matter, attendees: 3 })
  const big = await citizenWithProfile(context, 'big-party')
  const small = await citizenWithProfile(context, 'small-party')
  const later = await citizenWithProfile(context, 'later')
  for (const [citizen, attendees] of [
    [big, 4],
    [small, 2],
    [later, 1],
  ] as const) {
    const response = await call(context, `/api/v1/receptions/${id}/waitlist`, {
      body: { slotId, matter: `${citizen.user.id} 的事项`, attendees },
      token: citizen.accessToken,
    })
    expect(response.status).toBe(201)
  }

  await call(context, `/api/v1/bookings/${holding.id}/cancel`, { method: 'POST', token: holder.accessToken })
  // Three seats free: the party of 4 does not fit and keeps its place; 2 and then 1 are booked.
  const entries = await context.database.db.select().from(waitlistEntries).where(eq(waitlistEntries.slotId, slotId))
  const byCitizen = new Map(entries.map((entry) => [entry.citizenId, entry]))
  expect(byCitizen.get(big.user.id)?.status).toBe('waiting')
  expect(byCitizen.get(small.user.id)?.status).toBe('promoted')
  expect(byCitizen.get(later.user.id)?.status).toBe('promoted')
  expect(await bookedSeats(slotId)).toBe(3)

  const smallBookings = BookingListSchema.parse(
    await (await call(context, '/api/v1/bookings', { token: small.accessToken })).json(),
  )
  expect(smallBookings.items).toEqual([
    expect.objectContaining({ status: 'confirmed', attendees: 2, matter: `${small.user.id} 的事项` }),
  ])
  expect((await messagesOf(small.user.id)).map((m) => m.title)).toEqual(['候补成功，预约已确认'])
  const waitlist = WaitlistEntryListSchema.parse(
    await (await call(context, '/api/v1/waitlist', { token: big.accessToken })).json(),
  )
  expect(waitlist.items).toEqual([expect.objectContaining({ status: 'waiting', position: 1 })])

  // Cancelling the promoted booking offers its seats again, but never to an entry already promoted.
  const promoted = smallBookings.items[0]!
  await call(context, `/api/v1/bookings/${promoted.id}/cancel`, { method: 'POST', token: small.accessToken })
  const activeOfSmall = await context.database.db
    .select()
    .from(bookings)
    .where(and(eq(bookings.citizenId, small.user.id), eq(bookings.status, 'confirmed')))
  expect(activeOfSmall).toEqual([])
  expect(await bookedSeats(slotId)).toBe(1)
})

test('leaving the waiting list takes the citizen out of line', async () => {
  const { id, slots } = await session({ capacity: 1 })
  const slotId = slots[0]!.id
  const holder = await citizenWithProfile(context, 'holder')
  const holding = await booked(context, holder.accessToken, id, { slotId, matter, attendees: 1 })
  const waiter = await citizenWithProfile(context, 'waiter')
  const entry = WaitlistEntrySchema.parse(
    await (
      await call(context, `/api/v1/receptions/${id}/waitlist`, {
        body: { slotId, matter, attendees: 1 },
        token: waiter.accessToken,
      })
    ).json(),
  )
  const left = await call(context, `/api/v1/waitlist/${entry.id}/leave`, { method: 'POST', token: waiter.accessToken })
  expect(WaitlistEntrySchema.parse(await left.json())).toMatchObject({ status: 'left', position: null })
  await call(context, `/api/v1/bookings/${holding.id}/cancel`, { method: 'POST', token: holder.accessToken })
  expect(await bookedSeats(slotId)).toBe(0)
})

test('fifty concurrent bookings by one citizen with fifty keys make exactly one booking', async () => {
  const { id, slots } = await session({ capacity: 10 })
  const citizen = await citizenWithProfile(context, 'double-tapper')
  const responses = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      book(context, citizen.accessToken, id, { slotId: slots[i % 2]!.id, matter, attendees: 1 }),
    ),
  )
  const statuses = responses.map((r) => r.status)
  expect(statuses.filter((s) => s === 201)).toHaveLength(1)
  expect(statuses.filter((s) => s === 409)).toHaveLength(49)
  const codes = new Set(await Promise.all(responses.filter((r) => r.status === 409).map(problemCode)))
  expect(codes).toEqual(new Set(['BOOKING_EXISTS']))
  const rows = await context.database.db.select().from(bookings).where(eq(bookings.citizenId, citizen.user.id))
  expect(rows).toHaveLength(1)
  expect(((await bookedSeats(slots[0]!.id)) ?? 0) + ((await bookedSeats(slots[1]!.id)) ?? 0)).toBe(1)
})

test('concurrent bookings by many citizens fill a slot exactly and refuse the rest with SLOT_FULL', async () => {
  const { id, slots } = await session({ capacity: 7 })
  const slotId = slots[0]!.id
  const citizens = await Promise.all(Array.from({ length: 30 }, (_, i) => citizenWithProfile(context, `rush-${i}`)))
  const responses = await Promise.all(
    citizens.map((citizen) => book(context, citizen.accessToken, id, { slotId, matter, attendees: 1 })),
  )
  const statuses = responses.map((r) => r.status)
  expect(statuses.filter((s) => s === 201)).toHaveLength(7)
  expect(statuses.filter((s) => s === 409)).toHaveLength(23)
  expect(await bookedSeats(slotId)).toBe(7)
  const active = await context.database.db
    .select()
    .from(bookings)
    .where(and(eq(bookings.slotId, slotId), eq(bookings.status, 'confirmed')))
  expect(active).toHaveLength(7)
})

test('three no-shows within 90 days suspend booking with 403 BOOKING_SUSPENDED and the reason', async () => {
  const citizen = await citizenWithProfile(context, 'absent')
  // Three sessions a week apart; the citizen books each and never comes.
  const starts = ['2026-11-26', '2026-12-03', '2026-12-10']
  for (const date of starts) {
    const startsAt = shanghaiTime(date, '09:00')
    context.setNow(startsAt - 2 * 24 * 60 * 60 * 1000)
    const token = (await staffLogin(context, 'demo-admin')).accessToken
    const { id, slots } = await scheduleSession(
      context,
      token,
      sessionInput(leaderId, {
        startsAt: new Date(startsAt).toISOString(),
        endsAt: new Date(startsAt + 2 * 60 * 60 * 1000).toISOString(),
        slots: [
          {
            startsAt: new Date(startsAt).toISOString(),
            endsAt: new Date(startsAt + 60 * 60 * 1000).toISOString(),
            capacity: 4,
          },
        ],
      }),
    )
    const citizenToken = (await demoLogin(context, 'absent')).accessToken
    const booking = await booked(context, citizenToken, id, { slotId: slots[0]!.id, matter, attendees: 1 })
    context.setNow(startsAt + 3 * 60 * 60 * 1000)
    const later = (await staffLogin(context, 'demo-admin')).accessToken
    const noShow = await call(context, `/api/v1/staff/bookings/${booking.id}/no-show`, { method: 'POST', token: later })
    expect(noShow.status).toBe(200)
  }
  const next = await scheduleSession(
    context,
    (await staffLogin(context, 'demo-admin')).accessToken,
    sessionInput(leaderId, {
      startsAt: '2026-12-17T09:00:00+08:00',
      endsAt: '2026-12-17T10:00:00+08:00',
      slots: [{ startsAt: '2026-12-17T09:00:00+08:00', endsAt: '2026-12-17T10:00:00+08:00', capacity: 4 }],
    }),
  )
  const token = (await demoLogin(context, 'absent')).accessToken
  const refused = await book(context, token, next.id, { slotId: next.slots[0]!.id, matter, attendees: 1 })
  expect(refused.status).toBe(403)
  const problem = ProblemSchema.parse(await refused.json())
  expect(problem.code).toBe('BOOKING_SUSPENDED')
  // Suspended for 30 days from the third no-show (10 December, 09:00).
  expect(problem.detail).toContain('90天内有3次预约未到场')
  expect(problem.detail).toContain('2027年1月9日 09:00')
  expect(citizen.user.id).toBeTruthy()
})

test('the day-before reminder is queued once per confirmed booking, however often the sweep runs', async () => {
  const { id, slots } = await session()
  const confirmed = await citizenWithProfile(context, 'reminded')
  const booking = await booked(context, confirmed.accessToken, id, { slotId: slots[0]!.id, matter, attendees: 1 })
  const gone = await citizenWithProfile(context, 'cancelled-before')
  const cancelled = await booked(context, gone.accessToken, id, { slotId: slots[1]!.id, matter, attendees: 1 })
  await call(context, `/api/v1/bookings/${cancelled.id}/cancel`, { method: 'POST', token: gone.accessToken })

  // Two days before: too early.
  expect(await sendBookingReminders(context, shanghaiTime('2026-11-24', '18:00'))).toBe(0)
  // The day before, two sweeps racing and a third later: one reminder.
  const dayBefore = shanghaiTime('2026-11-25', '18:00')
  const counts = await Promise.all([sendBookingReminders(context, dayBefore), sendBookingReminders(context, dayBefore)])
  expect(counts.sort()).toEqual([0, 1])
  expect(await sendBookingReminders(context, dayBefore + 60_000)).toBe(0)

  const reminders = (await messagesOf(confirmed.user.id)).filter((m) => m.title === '接访提醒')
  expect(reminders).toEqual([expect.objectContaining({ subjectId: booking.id })])
  expect(reminders[0]?.body).toContain('2026年11月26日 09:00')
  const outbox = await context.database.db
    .select()
    .from(notificationOutbox)
    .where(eq(notificationOutbox.messageId, reminders[0]?.id ?? ''))
  expect(outbox).toEqual([expect.objectContaining({ template: 'booking_update', status: 'pending' })])
  expect((await messagesOf(gone.user.id)).some((m) => m.title === '接访提醒')).toBe(false)
})

test('the check-in code is printed in two groups of five and shown only while the booking holds a seat', async () => {
  const { id, slots } = await session()
  const citizen = await citizenWithProfile(context, 'coder')
  const booking = await booked(context, citizen.accessToken, id, { slotId: slots[0]!.id, matter, attendees: 1 })
  expect(formatCheckInCode(booking.checkInCode ?? '')).toMatch(/^[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}$/)
  const cancelled = BookingSchema.parse(
    await (
      await call(context, `/api/v1/bookings/${booking.id}/cancel`, { method: 'POST', token: citizen.accessToken })
    ).json(),
  )
  expect(cancelled.checkInCode).toBeNull()
})
