import type { StaffBooking } from '@xinfang/shared'
import { and, eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { bookings } from '../../db/schema'
import { AppError } from '../app-error'
import { appendAudit } from '../audit/audit-log'
import type { Keyring } from '../privacy/keyring'
import { sendBookingNotice } from './booking-notices'
import { promoteFromWaitlist } from './promote-from-waitlist'
import { releaseSeats } from './seats'
import { findBookingInScope, toStaffBooking } from './staff-booking-view'
import { loadStaffScope } from './staff-scope'

export type BookingDecision = { type: 'confirm' } | { type: 'reject'; reason: string }

/**
 * Staff screening of a pending booking where the session asks for it (审核): confirm it, or reject it with a
 * reason. Only a booking still pending moves — the UPDATE is conditional on it — so a decision racing the
 * citizen's cancel or another decision either wins or gets 409 INVALID_TRANSITION. A rejection frees the seats
 * and offers them to the waiting list in the same transaction.
 */
export async function decideBooking(
  deps: { database: Database; keyring: Keyring },
  staffId: string,
  bookingId: string,
  decision: BookingDecision,
  now: number,
): Promise<StaffBooking> {
  const { booking, slot, scope } = await deps.database.write(async (tx) => {
    const scope = await loadStaffScope(tx, staffId)
    const found = await findBookingInScope(tx, scope, bookingId)
    if (found.session.endsAt <= now) throw new AppError('INVALID_TRANSITION', { detail: '该场接访已结束' })
    const status = decision.type === 'confirm' ? 'confirmed' : 'rejected'
    const statusReason = decision.type === 'reject' ? decision.reason : null
    const moved = await tx
      .update(bookings)
      .set({ status, statusReason, updatedAt: now })
      .where(and(eq(bookings.id, bookingId), eq(bookings.status, 'pending')))
      .returning()
    const updated = moved[0]
    if (!updated) throw new AppError('INVALID_TRANSITION', { detail: '只有待确认的预约可以审核' })
    if (decision.type === 'reject') {
      await releaseSeats(tx, updated.slotId, updated.attendees)
      await promoteFromWaitlist(tx, deps.keyring, updated.slotId, now)
    }
    await sendBookingNotice(
      tx,
      decision.type === 'confirm' ? 'confirmed' : 'rejected',
      found,
      { citizenId: updated.citizenId, subjectId: updated.id, status, reason: statusReason },
      now,
    )
    await appendAudit(
      tx,
      {
        actorKind: 'staff',
        actorId: staffId,
        action: `booking.${decision.type}`,
        subjectKind: 'booking',
        subjectId: bookingId,
        details: statusReason === null ? {} : { reason: statusReason },
      },
      now,
    )
    return { booking: updated, slot: found.slot, scope }
  })
  return toStaffBooking(deps.database.db, deps.keyring, scope, booking, slot)
}
