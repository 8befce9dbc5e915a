import { BOOKING_STATUS_LABELS, type CheckInResult, shanghaiDateOf } from '@xinfang/shared'
import { and, eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { bookings } from '../../db/schema'
import type { Logger } from '../../lib/log'
import { AppError } from '../app-error'
import { appendAudit } from '../audit/audit-log'
import type { Keyring } from '../privacy/keyring'
import { checkInCodeIndexFor, isCheckInCodeValid } from './check-in-code'
import { toSessionSummary } from './session-view'
import { findBookingInScope, toStaffBooking } from './staff-booking-view'
import { loadStaffScope } from './staff-scope'

/**
 * Checks a citizen in (现场签到) by the code staff scanned or typed. The code must belong to a booking of a session
 * the staff member runs, verify against the booking id, and be used on the session's own day. Scanning a code
 * twice answers with the first check-in rather than an error: the person at the door is the same person.
 */
export async function checkIn(
  deps: { database: Database; keyring: Keyring; logger: Logger },
  staffId: string,
  code: string,
  now: number,
): Promise<CheckInResult> {
  const notFound = () => new AppError('NOT_FOUND', { detail: '签到码无效，请核对后重试' })
  const [match] = await deps.database.db
    .select({ id: bookings.id })
    .from(bookings)
    .where(eq(bookings.checkInCodeIndex, await checkInCodeIndexFor(deps.keyring, code)))
    .limit(1)
  if (!match) throw notFound()
  if (!(await isCheckInCodeValid(deps.keyring, match.id, code))) {
    deps.logger.warn('check-in code does not verify against its booking', { bookingId: match.id })
    throw notFound()
  }

  const result = await deps.database.write(async (tx) => {
    const scope = await loadStaffScope(tx, staffId)
    const found = await findBookingInScope(tx, scope, match.id)
    const { booking, session } = found
    if (booking.status === 'checked_in') return { found, scope, wasAlreadyCheckedIn: true }
    if (booking.status === 'pending') throw new AppError('INVALID_TRANSITION', { detail: '该预约尚未确认，不能签到' })
    if (booking.status !== 'confirmed') {
      throw new AppError('INVALID_TRANSITION', { detail: `该预约${BOOKING_STATUS_LABELS[booking.status]}，不能签到` })
    }
    if (shanghaiDateOf(now) !== shanghaiDateOf(session.startsAt) || now >= session.endsAt) {
      throw new AppError('INVALID_TRANSITION', {
        detail: `签到仅限接访当天（${shanghaiDateOf(session.startsAt)}）接访结束前`,
      })
    }
    const moved = await tx
      .update(bookings)
      .set({ status: 'checked_in', checkedInAt: now, updatedAt: now })
      .where(and(eq(bookings.id, booking.id), eq(bookings.status, 'confirmed')))
      .returning()
    const updated = moved[0]
    if (!updated) throw new Error(`booking ${booking.id} changed under the write lock`)
    await appendAudit(
      tx,
      {
        actorKind: 'staff',
        actorId: staffId,
        action: 'booking.check_in',
        subjectKind: 'booking',
        subjectId: booking.id,
      },
      now,
    )
    return { found: { ...found, booking: updated }, scope, wasAlreadyCheckedIn: false }
  })
  const { found, scope } = result
  return {
    booking: await toStaffBooking(deps.database.db, deps.keyring, scope, found.booking, found.slot),
    session: toSessionSummary(found),
    wasAlreadyCheckedIn: result.wasAlreadyCheckedIn,
  }
}
