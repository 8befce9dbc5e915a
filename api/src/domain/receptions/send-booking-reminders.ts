import { addCalendarDays, shanghaiDateOf, shanghaiTime } from '@xinfang/shared'
import { and, asc, eq, gt, isNull, lt } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { bookings, leaders, receptionSessions, units } from '../../db/schema'
import { sendBookingNotice } from './booking-notices'

/** Bookings reminded per transaction: keeps each write short when a busy day has many. */
const BATCH = 100

/**
 * The day-before reminder (接访提醒) for confirmed bookings of sessions that start tomorrow (Asia/Shanghai), or
 * later today for a sweep that missed yesterday. Meant for a periodic sweep: each booking is stamped
 * `reminded_at` by a conditional UPDATE in the transaction that queues its notice, so running it again — or in
 * two processes at once — never reminds anyone twice. Returns how many reminders were queued.
 */
export async function sendBookingReminders(deps: { database: Database }, now: number): Promise<number> {
  const horizon = shanghaiTime(addCalendarDays(shanghaiDateOf(now), 2))
  let sent = 0
  for (;;) {
    const queued = await deps.database.write(async (tx) => {
      const due = await tx
        .select({ booking: bookings, session: receptionSessions, leader: leaders, unit: units })
        .from(bookings)
        .innerJoin(receptionSessions, eq(receptionSessions.id, bookings.sessionId))
        .innerJoin(leaders, eq(leaders.id, receptionSessions.leaderId))
        .innerJoin(units, eq(units.id, receptionSessions.unitId))
        .where(
          and(
            eq(receptionSessions.status, 'published'),
            gt(receptionSessions.startsAt, now),
            lt(receptionSessions.startsAt, horizon),
            eq(bookings.status, 'confirmed'),
            isNull(bookings.remindedAt),
          ),
        )
        .orderBy(asc(receptionSessions.startsAt), asc(bookings.id))
        .limit(BATCH)
      let count = 0
      for (const row of due) {
        const stamped = await tx
          .update(bookings)
          .set({ remindedAt: now })
          .where(and(eq(bookings.id, row.booking.id), isNull(bookings.remindedAt)))
          .returning({ id: bookings.id })
        if (stamped.length === 0) continue
        await sendBookingNotice(
          tx,
          'reminder',
          row,
          { citizenId: row.booking.citizenId, subjectId: row.booking.id, status: 'confirmed' },
          now,
        )
        count++
      }
      return { count, isLastBatch: due.length < BATCH }
    })
    sent += queued.count
    if (queued.isLastBatch) return sent
  }
}
