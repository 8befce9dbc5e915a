import {
  BookingSchema,
  CheckInResultSchema,
  formatCheckInCode,
  ProblemSchema,
  ReceptionLeaderListSchema,
  ReceptionSessionListSchema,
  ReminderSweepResultSchema,
  StaffBookingListSchema,
  StaffBookingSchema,
  StaffReceptionSessionListSchema,
  StaffReceptionSessionSchema,
  shanghaiTime,
  WaitlistEntrySchema,
} from '@xinfang/shared'
import { eq, inArray } from 'drizzle-orm'
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
import { auditLog, bookings, messages, receptionSlots, waitlistEntries } from '../db/schema'
import { verifyAuditChain } from '../domain/audit/audit-log'
import { checkInCodeIndexFor } from '../domain/receptions/check-in-code'

let context: TestContext
let adminToken: string
let leaderId: string

beforeEach(async () => {
  context = createTestContext()
  adminToken = (await staffLogin(context, 'demo-admin')).accessToken
  leaderId = await leaderIdOf(context, adminToken, '陈卫东')
})
afterEach(() => context.close())

const matter = '拆迁补偿款一直没有发放，想当面向领导反映。'

async function session(overrides: Partial<SessionInput> & { capacity?: number } = {}) {
  return scheduleSession(context, adminToken, sessionInput(leaderId, overrides))
}

async function seatsOf(sessionId: string) {
  const rows = await context.database.db.select().from(receptionSlots).where(eq(receptionSlots.sessionId, sessionId))
  return rows.map((row) => row.booked)
}

test('an admin of the petition bureau schedules and publishes a session for any unit’s leader', async () => {
  const leaders = ReceptionLeaderListSchema.parse(
    await (await call(context, '/api/v1/staff/leaders', { token: adminToken })).json(),
  )
  expect(leaders.items.map((leader) => leader.name)).toEqual(
    expect.arrayContaining(['李明华', '陈卫东', '赵秀英', '孙丽', '刘国强']),
  )
  const zhao = leaders.items.find((leader) => leader.name === '赵秀英')!
  const created = await scheduleSession(
    context,
    adminToken,
    sessionInput(zhao.id, { mode: 'video', place: undefined, requiresConfirmation: true, capacity: 6 }),
  )
  expect(created).toMatchObject({
    status: 'published',
    mode: 'video',
    place: null,
    unit: { id: zhao.unit.id },
    requiresConfirmation: true,
    bookingOpensAt: '2026-11-19T09:00:00.000+08:00',
    bookingClosesAt: '2026-11-25T09:00:00.000+08:00',
    slots: [
      { capacity: 6, remaining: 6, waiting: 0 },
      { capacity: 6, remaining: 6, waiting: 0 },
    ],
  })
  const published = ReceptionSessionListSchema.parse(await (await call(context, '/api/v1/receptions?limit=50')).json())
  expect(published.items.map((item) => item.id)).toContain(created.id)
  const [entry] = await context.database.db.select().from(auditLog).where(eq(auditLog.subjectId, created.id))
  expect(entry).toMatchObject({ action: 'reception_session.create', actorKind: 'staff' })
  expect(JSON.parse(entry?.details ?? '{}')).toMatchObject({ status: 'published', slots: 2, seats: 12 })
})

test('a leader schedules only the leaders of their own unit', async () => {
  const leaderToken = (await staffLogin(context, 'demo-leader')).accessToken
  const own = ReceptionLeaderListSchema.parse(
    await (await call(context, '/api/v1/staff/leaders', { token: leaderToken })).json(),
  )
  expect(own.items.map((leader) => leader.name)).toEqual(['李明华'])
  const li = own.items[0]!
  expect(
    (await call(context, '/api/v1/staff/receptions', { body: sessionInput(li.id), token: leaderToken })).status,
  ).toBe(201)
  const foreign = await call(context, '/api/v1/staff/receptions', { body: sessionInput(leaderId), token: leaderToken })
  expect(foreign.status).toBe(403)
  expect(await problemCode(foreign)).toBe('FORBIDDEN')
})

test('an impossible session is refused field by field', async () => {
  const base = sessionInput(leaderId)
  const cases: [Record<string, unknown>, string][] = [
    [{ ...base, place: undefined }, 'body.place'],
    [{ ...base, mode: 'video' }, 'body.place'],
    [{ ...base, endsAt: base.startsAt }, 'body.endsAt'],
    [{ ...base, bookingOpensDaysBefore: 1, bookingClosesHoursBefore: 24 }, 'body.bookingClosesHoursBefore'],
    [{ ...base, slots: [{ ...base.slots[0]!, endsAt: '2026-11-26T12:00:00+08:00' }] }, 'body.slots.0'],
    [{ ...base, slots: [base.slots[0]!, base.slots[0]!] }, 'body.slots.1'],
    [{ ...base, slots: [{ ...base.slots[0]!, capacity: 0 }] }, 'body.slots.0.capacity'],
    [{ ...base, topics: [] }, 'body.topics'],
    [{ ...base, startsAt: '2026-11-20T09:00:00+08:00', slots: [] }, 'body.slots'],
  ]
  for (const [body, path] of cases) {
    const response = await call(context, '/api/v1/staff/receptions', { body, token: adminToken })
    expect(response.status, path).toBe(400)
    const problem = ProblemSchema.parse(await response.json())
    expect(
      problem.errors?.map((error) => error.path),
      path,
    ).toContain(path)
  }
  const past = await call(context, '/api/v1/staff/receptions', {
    body: sessionInput(leaderId, {
      startsAt: '2026-11-20T09:00:00+08:00',
      endsAt: '2026-11-20T10:00:00+08:00',
      slots: [{ startsAt: '2026-11-20T09:00:00+08:00', endsAt: '2026-11-20T10:00:00+08:00', capacity: 2 }],
    }),
    token: adminToken,
  })
  expect(ProblemSchema.parse(await past.json()).errors).toEqual([
    { path: 'body.startsAt', message: '接访时间须晚于现在' },
  ])
})

test('a draft is invisible to citizens and takes no bookings until it is published', async () => {
  const draft = await session({ publish: false })
  expect(draft.status).toBe('draft')
  const citizen = await citizenWithProfile(context, 'too-early')
  const refused = await book(context, citizen.accessToken, draft.id, {
    slotId: draft.slots[0]!.id,
    matter,
    attendees: 1,
  })
  expect(refused.status).toBe(404)
  const staffView = StaffReceptionSessionListSchema.parse(
    await (await call(context, '/api/v1/staff/receptions?status=draft', { token: adminToken })).json(),
  )
  expect(staffView.items.map((item) => item.id)).toEqual([draft.id])

  const published = await call(context, `/api/v1/staff/receptions/${draft.id}/publish`, {
    method: 'POST',
    token: adminToken,
  })
  expect(StaffReceptionSessionSchema.parse(await published.json()).status).toBe('published')
  await booked(context, citizen.accessToken, draft.id, { slotId: draft.slots[0]!.id, matter, attendees: 1 })
  const twice = await call(context, `/api/v1/staff/receptions/${draft.id}/publish`, {
    method: 'POST',
    token: adminToken,
  })
  expect(await problemCode(twice)).toBe('INVALID_TRANSITION')
})

test('cancelling a session cancels every booking and waiting entry, frees the seats and tells every citizen why', async () => {
  const { id, slots } = await session({ capacity: 2, requiresConfirmation: true })
  const citizens = await Promise.all(['甲', '乙', '丙'].map((name) => citizenWithProfile(context, `cancel-${name}`)))
  await booked(context, citizens[0]!.accessToken, id, { slotId: slots[0]!.id, matter, attendees: 2 })
  await booked(context, citizens[1]!.accessToken, id, { slotId: slots[1]!.id, matter, attendees: 1 })
  const waiting = await call(context, `/api/v1/receptions/${id}/waitlist`, {
    body: { slotId: slots[0]!.id, matter, attendees: 1 },
    token: citizens[2]!.accessToken,
  })
  expect(waiting.status).toBe(201)

  const response = await call(context, `/api/v1/staff/receptions/${id}/cancel`, {
    body: { reason: '领导临时出差，改期另行通知' },
    token: adminToken,
  })
  expect(response.status).toBe(200)
  expect(StaffReceptionSessionSchema.parse(await response.json())).toMatchObject({
    status: 'cancelled',
    slots: [{ remaining: 2 }, { remaining: 2 }],
  })
  expect(await seatsOf(id)).toEqual([0, 0])
  const rows = await context.database.db.select().from(bookings).where(eq(bookings.sessionId, id))
  expect(rows.map((row) => [row.status, row.statusReason])).toEqual([
    ['cancelled', '领导临时出差，改期另行通知'],
    ['cancelled', '领导临时出差，改期另行通知'],
  ])
  const [entry] = await context.database.db.select().from(waitlistEntries).where(eq(waitlistEntries.sessionId, id))
  expect(entry?.status).toBe('left')
  const notices = await context.database.db
    .select()
    .from(messages)
    .where(
      inArray(
        messages.citizenId,
        citizens.map((c) => c.user.id),
      ),
    )
  const cancellations = notices.filter((m) => m.title === '接访已取消')
  expect(cancellations).toHaveLength(3)
  expect(cancellations.every((m) => m.body.includes('领导临时出差'))).toBe(true)

  const refused = await book(context, citizens[2]!.accessToken, id, { slotId: slots[0]!.id, matter, attendees: 1 })
  expect(ProblemSchema.parse(await refused.json())).toMatchObject({ code: 'BOOKING_CLOSED', detail: '本场接访已取消' })
  const again = await call(context, `/api/v1/staff/receptions/${id}/cancel`, {
    body: { reason: '重复' },
    token: adminToken,
  })
  expect(await problemCode(again)).toBe('INVALID_TRANSITION')
})

test('staff confirm a pending booking and the citizen is told; confirming twice is 409', async () => {
  const { id, slots } = await session({ requiresConfirmation: true })
  const citizen = await citizenWithProfile(context, 'screened')
  const booking = await booked(context, citizen.accessToken, id, { slotId: slots[0]!.id, matter, attendees: 2 })
  const confirm = () =>
    call(context, `/api/v1/staff/bookings/${booking.id}/confirm`, { method: 'POST', token: adminToken })
  const first = await confirm()
  expect(first.status).toBe(200)
  expect(StaffBookingSchema.parse(await first.json())).toMatchObject({ status: 'confirmed', matter })
  const second = await confirm()
  expect(second.status).toBe(409)
  expect(await problemCode(second)).toBe('INVALID_TRANSITION')
  const titles = (await context.database.db.select().from(messages).where(eq(messages.citizenId, citizen.user.id))).map(
    (m) => m.title,
  )
  expect(titles).toEqual(['接访预约已提交，待确认', '接访预约已确认'])
  expect(await seatsOf(id)).toEqual([2, 0])
})

test('staff reject a pending booking with a reason, which frees the seats for the first in line', async () => {
  const { id, slots } = await session({ capacity: 2, requiresConfirmation: true })
  const slotId = slots[0]!.id
  const applicant = await citizenWithProfile(context, 'applicant')
  const booking = await booked(context, applicant.accessToken, id, { slotId, matter, attendees: 2 })
  const waiter = await citizenWithProfile(context, 'waiter')
  const entry = WaitlistEntrySchema.parse(
    await (
      await call(context, `/api/v1/receptions/${id}/waitlist`, {
        body: { slotId, matter, attendees: 1 },
        token: waiter.accessToken,
      })
    ).json(),
  )
  const noReason = await call(context, `/api/v1/staff/bookings/${booking.id}/reject`, { body: {}, token: adminToken })
  expect(noReason.status).toBe(400)
  const rejected = await call(context, `/api/v1/staff/bookings/${booking.id}/reject`, {
    body: { reason: '所反映事项已在法定途径处理中' },
    token: adminToken,
  })
  expect(StaffBookingSchema.parse(await rejected.json())).toMatchObject({
    status: 'rejected',
    statusReason: '所反映事项已在法定途径处理中',
  })
  const own = BookingSchema.parse(
    await (await call(context, `/api/v1/bookings/${booking.id}`, { token: applicant.accessToken })).json(),
  )
  expect(own).toMatchObject({ status: 'rejected', statusReason: '所反映事项已在法定途径处理中', checkInCode: null })
  // The waiting citizen now holds a pending booking (the session screens bookings) for one seat.
  const [promoted] = await context.database.db.select().from(waitlistEntries).where(eq(waitlistEntries.id, entry.id))
  expect(promoted?.status).toBe('promoted')
  const [promotedBooking] = await context.database.db
    .select()
    .from(bookings)
    .where(eq(bookings.id, promoted?.bookingId ?? ''))
  expect(promotedBooking).toMatchObject({ status: 'pending', citizenId: waiter.user.id, attendees: 1 })
  expect(await seatsOf(id)).toEqual([1, 0])
})

test('the bookings list shows staff the matter and the person masked, and staff of another unit see nothing', async () => {
  const { id, slots } = await session()
  const citizen = await citizenWithProfile(context, 'visible')
  const booking = await booked(context, citizen.accessToken, id, { slotId: slots[0]!.id, matter, attendees: 1 })
  const list = StaffBookingListSchema.parse(
    await (await call(context, `/api/v1/staff/receptions/${id}/bookings`, { token: adminToken })).json(),
  )
  expect(list.items).toEqual([
    expect.objectContaining({
      id: booking.id,
      matter,
      citizen: { realName: '张*', idNumber: '110105********002X', phone: '138****5678' },
    }),
  ])
  const handler = (await staffLogin(context, 'demo-handler')).accessToken
  const foreign = await call(context, `/api/v1/staff/receptions/${id}/bookings`, { token: handler })
  expect(foreign.status).toBe(404)
  const confirm = await call(context, `/api/v1/staff/bookings/${booking.id}/confirm`, {
    method: 'POST',
    token: handler,
  })
  expect(confirm.status).toBe(404)
  const scan = await call(context, '/api/v1/staff/check-in', { body: { code: booking.checkInCode }, token: handler })
  expect(scan.status).toBe(404)
})

test('check-in on the session day takes the code in any case, with or without the dash; a second scan says so', async () => {
  const { id, slots } = await session()
  const citizen = await citizenWithProfile(context, 'arriving')
  const booking = await booked(context, citizen.accessToken, id, { slotId: slots[0]!.id, matter, attendees: 1 })
  const code = booking.checkInCode ?? ''

  const early = await call(context, '/api/v1/staff/check-in', { body: { code }, token: adminToken })
  expect(early.status).toBe(409)
  expect(ProblemSchema.parse(await early.json())).toMatchObject({ code: 'INVALID_TRANSITION' })

  context.setNow(shanghaiTime('2026-11-26', '08:40'))
  const staff = (await staffLogin(context, 'demo-intake')).accessToken
  const typed = formatCheckInCode(code).toLowerCase()
  const first = await call(context, '/api/v1/staff/check-in', { body: { code: ` ${typed} ` }, token: staff })
  expect(first.status).toBe(200)
  const result = CheckInResultSchema.parse(await first.json())
  expect(result).toMatchObject({
    wasAlreadyCheckedIn: false,
    booking: { id: booking.id, status: 'checked_in', checkedInAt: '2026-11-26T08:40:00.000+08:00' },
    session: { id },
  })
  const second = CheckInResultSchema.parse(
    await (await call(context, '/api/v1/staff/check-in', { body: { code }, token: staff })).json(),
  )
  expect(second).toMatchObject({ wasAlreadyCheckedIn: true, booking: { checkedInAt: '2026-11-26T08:40:00.000+08:00' } })
  const own = BookingSchema.parse(
    await (
      await call(context, `/api/v1/bookings/${booking.id}`, {
        token: (await demoLogin(context, 'arriving')).accessToken,
      })
    ).json(),
  )
  expect(own.status).toBe('checked_in')
  const audit = await context.database.db.select().from(auditLog).where(eq(auditLog.action, 'booking.check_in'))
  expect(audit).toEqual([expect.objectContaining({ subjectId: booking.id })])
})

test('checking in the day after the session is 409; an unknown code or one not signed by the service is 404', async () => {
  const { id, slots } = await session()
  const citizen = await citizenWithProfile(context, 'late')
  const booking = await booked(context, citizen.accessToken, id, { slotId: slots[0]!.id, matter, attendees: 1 })
  context.setNow(shanghaiTime('2026-11-27', '09:00'))
  const staff = (await staffLogin(context, 'demo-admin')).accessToken
  const late = await call(context, '/api/v1/staff/check-in', { body: { code: booking.checkInCode }, token: staff })
  expect(late.status).toBe(409)
  expect(ProblemSchema.parse(await late.json()).detail).toContain('2026-11-26')

  const unknown = await call(context, '/api/v1/staff/check-in', { body: { code: '2222222222' }, token: staff })
  expect(unknown.status).toBe(404)
  // A code planted in the database without the signing key does not verify.
  const planted = await checkInCodeIndexFor(context.keyring, 'ABCDEFGHJK')
  await context.database.write((tx) =>
    tx.update(bookings).set({ checkInCodeIndex: planted }).where(eq(bookings.id, booking.id)),
  )
  const forged = await call(context, '/api/v1/staff/check-in', { body: { code: 'ABCDEFGHJK' }, token: staff })
  expect(forged.status).toBe(404)
  const malformed = await call(context, '/api/v1/staff/check-in', { body: { code: 'O0I1' }, token: staff })
  expect(malformed.status).toBe(400)
})

test('a no-show can be recorded only after the session began, only for a confirmed booking, and is audited', async () => {
  const { id, slots } = await session()
  const citizen = await citizenWithProfile(context, 'absent')
  const booking = await booked(context, citizen.accessToken, id, { slotId: slots[0]!.id, matter, attendees: 2 })
  const noShow = (token: string) =>
    call(context, `/api/v1/staff/bookings/${booking.id}/no-show`, { method: 'POST', token })
  const early = await noShow(adminToken)
  expect(early.status).toBe(409)
  context.setNow(shanghaiTime('2026-11-26', '11:30'))
  const staff = (await staffLogin(context, 'demo-admin')).accessToken
  const recorded = await noShow(staff)
  expect(StaffBookingSchema.parse(await recorded.json()).status).toBe('no_show')
  expect((await noShow(staff)).status).toBe(409)
  expect(await seatsOf(id)).toEqual([0, 0])
  const report = await verifyAuditChain(context.database.db, context.keyring.auditKey)
  expect(report.isIntact).toBe(true)
  const actions = (await context.database.db.select().from(auditLog).where(eq(auditLog.subjectId, booking.id))).map(
    (entry) => entry.action,
  )
  expect(actions).toEqual(['booking.no_show'])
})

test('races between cancels, staff decisions, new bookings and promotions never leave more seats taken than exist', async () => {
  const capacity = 4
  const { id, slots } = await session({ capacity, requiresConfirmation: true })
  const slotId = slots[0]!.id
  const holders = await Promise.all(Array.from({ length: 4 }, (_, i) => citizenWithProfile(context, `holder-${i}`)))
  const held = []
  for (const holder of holders) {
    held.push(await booked(context, holder.accessToken, id, { slotId, matter, attendees: 1 }))
  }
  const waiters = await Promise.all(Array.from({ length: 6 }, (_, i) => citizenWithProfile(context, `waiter-${i}`)))
  for (const [i, waiter] of waiters.entries()) {
    const response = await call(context, `/api/v1/receptions/${id}/waitlist`, {
      body: { slotId, matter, attendees: (i % 2) + 1 },
      token: waiter.accessToken,
    })
    expect(response.status).toBe(201)
  }
  const newcomers = await Promise.all(Array.from({ length: 6 }, (_, i) => citizenWithProfile(context, `new-${i}`)))

  // Everything at once: holders cancel (twice each), staff confirm and reject the same bookings, newcomers book.
  const operations: Promise<Response>[] = []
  for (const [i, booking] of held.entries()) {
    const token = holders[i]!.accessToken
    operations.push(call(context, `/api/v1/bookings/${booking.id}/cancel`, { method: 'POST', token }))
    operations.push(call(context, `/api/v1/bookings/${booking.id}/cancel`, { method: 'POST', token }))
    operations.push(
      call(context, `/api/v1/staff/bookings/${booking.id}/confirm`, { method: 'POST', token: adminToken }),
    )
    operations.push(
      call(context, `/api/v1/staff/bookings/${booking.id}/reject`, {
        body: { reason: '审核未通过' },
        token: adminToken,
      }),
    )
  }
  for (const newcomer of newcomers) {
    operations.push(book(context, newcomer.accessToken, id, { slotId, matter, attendees: 1 }))
  }
  const responses = await Promise.all(operations)
  expect(responses.filter((r) => r.status >= 500)).toEqual([])

  // Promoted bookings are pending too: staff confirm or reject them while more cancels come in.
  const pending = await context.database.db.select().from(bookings).where(eq(bookings.slotId, slotId))
  await Promise.all(
    pending
      .filter((row) => row.status === 'pending')
      .flatMap((row, i) => [
        i % 2 === 0
          ? call(context, `/api/v1/staff/bookings/${row.id}/confirm`, { method: 'POST', token: adminToken })
          : call(context, `/api/v1/staff/bookings/${row.id}/reject`, {
              body: { reason: '名额调整' },
              token: adminToken,
            }),
      ]),
  )

  const rows = await context.database.db.select().from(bookings).where(eq(bookings.slotId, slotId))
  const active = rows.filter((row) => ['pending', 'confirmed', 'checked_in'].includes(row.status))
  const seatsHeld = active.reduce((sum, row) => sum + row.attendees, 0)
  const [slot] = await context.database.db.select().from(receptionSlots).where(eq(receptionSlots.id, slotId))
  expect(slot?.booked).toBe(seatsHeld)
  expect(seatsHeld).toBeLessThanOrEqual(capacity)
  // Every promoted entry has exactly one booking, and no citizen holds two.
  const entries = await context.database.db.select().from(waitlistEntries).where(eq(waitlistEntries.slotId, slotId))
  const promotedBookingIds = entries.filter((e) => e.status === 'promoted').map((e) => e.bookingId)
  expect(new Set(promotedBookingIds).size).toBe(promotedBookingIds.length)
  expect(new Set(active.map((row) => row.citizenId)).size).toBe(active.length)
})

test('a scheduler can run the reminder sweep over HTTP, and a second run reminds nobody again', async () => {
  const { id, slots } = await session()
  const citizen = await citizenWithProfile(context, 'to-remind')
  await booked(context, citizen.accessToken, id, { slotId: slots[0]!.id, matter, attendees: 1 })
  context.setNow(shanghaiTime('2026-11-25', '17:00'))
  const supervisor = (await staffLogin(context, 'demo-supervisor')).accessToken
  const sweep = () => call(context, '/api/v1/staff/sweeps/booking-reminders', { method: 'POST', token: supervisor })
  expect(ReminderSweepResultSchema.parse(await (await sweep()).json())).toEqual({ reminded: 1 })
  expect(ReminderSweepResultSchema.parse(await (await sweep()).json())).toEqual({ reminded: 0 })
  const handler = (await staffLogin(context, 'demo-handler')).accessToken
  const refused = await call(context, '/api/v1/staff/sweeps/booking-reminders', { method: 'POST', token: handler })
  expect(refused.status).toBe(403)
})
