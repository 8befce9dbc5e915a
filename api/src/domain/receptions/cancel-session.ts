import type { StaffReceptionSession } from '@xinfang/shared'
import { and, eq, inArray } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { bookings, receptionSessions, receptionSlots, waitlistEntries } from '../../db/schema'
import { AppError } from '../app-error'
import { appendAudit } from '../audit/audit-log'
import { sendBookingNotice } from './booking-notices'
import { slotsOfSessions } from './session-view'
import { loadStaffScope } from './staff-scope'
import { findSessionInScope, toStaffSession } from './staff-session-view'

/**
 * Cancels a session (取消接访): every booking that holds a seat is cancelled with the reason and its citizen told,
 * every waiting-list entry ends and its citizen is told, and the seats return to zero — all in one transaction,
 * so a booking racing the cancellation either lands before it (and is cancelled with the rest) or finds the
 * session cancelled and is refused.
 */
export async function cancelSession(
  database: Database,
  staffId: string,
  sessionId: string,
  reason: string,
  now: number,
): Promise<StaffReceptionSession> {
  return database.write(async (tx) => {
    const scope = await loadStaffScope(tx, staffId)
    const found = await findSessionInScope(tx, scope, sessionId)
    if (found.session.status === 'cancelled') throw new AppError('INVALID_TRANSITION', { detail: '该接访已取消' })
    if (found.session.endsAt <= now) throw new AppError('INVALID_TRANSITION', { detail: '该接访已结束，不能取消' })
    await tx
      .update(receptionSessions)
      .set({ status: 'cancelled', updatedAt: now })
      .where(eq(receptionSessions.id, sessionId))

    const cancelled = await tx
      .update(bookings)
      .set({ status: 'cancelled', statusReason: reason, updatedAt: now })
      .where(and(eq(bookings.sessionId, sessionId), inArray(bookings.status, ['pending', 'confirmed', 'checked_in'])))
      .returning({ id: bookings.id, citizenId: bookings.citizenId })
    await tx.update(receptionSlots).set({ booked: 0 }).where(eq(receptionSlots.sessionId, sessionId))
    const ended = await tx
      .update(waitlistEntries)
      .set({ status: 'left', updatedAt: now })
      .where(and(eq(waitlistEntries.sessionId, sessionId), eq(waitlistEntries.status, 'waiting')))
      .returning({ id: waitlistEntries.id, citizenId: waitlistEntries.citizenId })

    const session = { ...found.session, status: 'cancelled' as const, updatedAt: now }
    const owners = { ...found, session }
    for (const booking of cancelled) {
      await sendBookingNotice(
        tx,
        'session_cancelled',
        owners,
        { citizenId: booking.citizenId, subjectId: booking.id, status: 'cancelled', reason },
        now,
      )
    }
    for (const entry of ended) {
      await sendBookingNotice(
        tx,
        'waitlist_session_cancelled',
        owners,
        { citizenId: entry.citizenId, subjectId: entry.id, status: 'left', reason },
        now,
      )
    }
    await appendAudit(
      tx,
      {
        actorKind: 'staff',
        actorId: staffId,
        action: 'reception_session.cancel',
        subjectKind: 'reception_session',
        subjectId: sessionId,
        details: { reason, bookingsCancelled: cancelled.length, waitlistEnded: ended.length },
      },
      now,
    )
    return toStaffSession(owners, await slotsOfSessions(tx, [sessionId]), new Map())
  })
}
