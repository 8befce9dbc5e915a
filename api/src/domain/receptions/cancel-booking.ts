import type { Booking } from '@xinfang/shared'
import { and, eq, inArray } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { bookings } from '../../db/schema'
import { AppError } from '../app-error'
import type { Keyring } from '../privacy/keyring'
import { findOwnBooking, toBooking } from './booking-view'
import { promoteFromWaitlist } from './promote-from-waitlist'
import { releaseSeats } from './seats'

/**
 * The citizen cancels their booking before the cut-off (the session's booking close). The status moves by a
 * conditional UPDATE, and the seats come back only when that UPDATE matched, so however many cancels race —
 * retries, double taps, two processes — the seats are freed once. The freed seats go to the waiting list in
 * the same transaction. Cancelling an already cancelled booking answers with it again.
 */
export async function cancelBooking(
  deps: { database: Database; keyring: Keyring },
  citizenId: string,
  bookingId: string,
  now: number,
): Promise<Booking> {
  const context = await deps.database.write(async (tx) => {
    const found = await findOwnBooking(tx, citizenId, bookingId)
    const { booking, session } = found
    if (booking.status === 'cancelled') return found
    if (booking.status !== 'pending' && booking.status !== 'confirmed') {
      throw new AppError('INVALID_TRANSITION', { detail: '该预约当前不能取消' })
    }
    if (now >= session.bookingClosesAt) {
      throw new AppError('CANCEL_CLOSED', { detail: '已过取消截止时间；如确实不能到场，请联系接访单位' })
    }
    const moved = await tx
      .update(bookings)
      .set({ status: 'cancelled', updatedAt: now })
      .where(and(eq(bookings.id, bookingId), inArray(bookings.status, ['pending', 'confirmed'])))
      .returning({ id: bookings.id })
    if (moved.length === 1) {
      await releaseSeats(tx, booking.slotId, booking.attendees)
      await promoteFromWaitlist(tx, deps.keyring, booking.slotId, now)
    }
    return { ...found, booking: { ...booking, status: 'cancelled' as const, updatedAt: now } }
  })
  return toBooking(deps.keyring, context)
}
