import type { StaffBooking } from '@xinfang/shared'
import { and, eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { bookings } from '../../db/schema'
import { AppError } from '../app-error'
import { appendAudit } from '../audit/audit-log'
import type { Keyring } from '../privacy/keyring'
import { sendBookingNotice } from './booking-notices'
import { releaseSeats } from './seats'
import { findBookingInScope, toStaffBooking } from './staff-booking-view'
import { loadStaffScope } from './staff-scope'

/**
 * Records that a confirmed citizen did not come (爽约), once the session has begun. Repeated no-shows suspend
 * booking (booking-suspension.ts). The seats are released so that the slot's count keeps equalling the seats of
 * its active bookings; booking has long closed, so nobody else can take them.
 */
export async function markNoShow(
  deps: { database: Database; keyring: Keyring },
  staffId: string,
  bookingId: string,
  now: number,
): Promise<StaffBooking> {
  const { booking, slot, scope } = await deps.database.write(async (tx) => {
    const scope = await loadStaffScope(tx, staffId)
    const found = await findBookingInScope(tx, scope, bookingId)
    if (now < found.session.startsAt) {
      throw new AppError('INVALID_TRANSITION', { detail: '接访开始后才能登记未到场' })
    }
    const moved = await tx
      .update(bookings)
      .set({ status: 'no_show', updatedAt: now })
      .where(and(eq(bookings.id, bookingId), eq(bookings.status, 'confirmed')))
      .returning()
    const updated = moved[0]
    if (!updated) throw new AppError('INVALID_TRANSITION', { detail: '只有已确认且未签到的预约可以登记未到场' })
    await releaseSeats(tx, updated.slotId, updated.attendees)
    await sendBookingNotice(
      tx,
      'no_show',
      found,
      { citizenId: updated.citizenId, subjectId: bookingId, status: 'no_show' },
      now,
    )
    await appendAudit(
      tx,
      { actorKind: 'staff', actorId: staffId, action: 'booking.no_show', subjectKind: 'booking', subjectId: bookingId },
      now,
    )
    return { booking: updated, slot: found.slot, scope }
  })
  return toStaffBooking(deps.database.db, deps.keyring, scope, booking, slot)
}
