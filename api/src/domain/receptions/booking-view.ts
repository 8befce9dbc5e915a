import { ACTIVE_BOOKING_STATUSES, type Booking, type BookingStatus, toShanghaiIso } from '@xinfang/shared'
import { and, eq } from 'drizzle-orm'
import { bookings, leaders, receptionSessions, receptionSlots, units } from '../../db/schema'
import { AppError } from '../app-error'
import { decryptField, fieldAad } from '../privacy/field-crypto'
import type { Keyring } from '../privacy/keyring'
import { checkInCodeFor } from './check-in-code'
import { type Reader, type SessionWithOwners, type SlotRow, toSessionSummary } from './session-view'

export type BookingRow = typeof bookings.$inferSelect

export const bookingMatterAad = (bookingId: string) => fieldAad('bookings', 'matter', bookingId)

export function isActiveBookingStatus(status: BookingStatus): boolean {
  return (ACTIVE_BOOKING_STATUSES as readonly BookingStatus[]).includes(status)
}

/** A booking with everything its views need. */
export interface BookingWithContext extends SessionWithOwners {
  booking: BookingRow
  slot: SlotRow
}

export async function findBooking(db: Reader, bookingId: string): Promise<BookingWithContext | null> {
  const [row] = await db
    .select({ booking: bookings, slot: receptionSlots, session: receptionSessions, leader: leaders, unit: units })
    .from(bookings)
    .innerJoin(receptionSlots, eq(receptionSlots.id, bookings.slotId))
    .innerJoin(receptionSessions, eq(receptionSessions.id, bookings.sessionId))
    .innerJoin(leaders, eq(leaders.id, receptionSessions.leaderId))
    .innerJoin(units, eq(units.id, receptionSessions.unitId))
    .where(eq(bookings.id, bookingId))
    .limit(1)
  return row ?? null
}

/** The caller's own booking; anyone else's is as good as absent (../shared/API.md: no existence oracle). */
export async function findOwnBooking(db: Reader, citizenId: string, bookingId: string): Promise<BookingWithContext> {
  const found = await findBooking(db, bookingId)
  if (!found || found.booking.citizenId !== citizenId) throw new AppError('NOT_FOUND', { detail: '找不到该预约' })
  return found
}

export async function activeBookingOf(db: Reader, citizenId: string, sessionId: string): Promise<BookingRow | null> {
  const rows = await db
    .select()
    .from(bookings)
    .where(and(eq(bookings.sessionId, sessionId), eq(bookings.citizenId, citizenId)))
  return rows.find((row) => isActiveBookingStatus(row.status)) ?? null
}

/** The citizen's view: their own matter in full, the check-in code while the booking holds a seat. */
export async function toBooking(keyring: Keyring, context: BookingWithContext): Promise<Booking> {
  const { booking, slot, session } = context
  return {
    id: booking.id,
    status: booking.status,
    session: toSessionSummary(context),
    slot: { id: slot.id, startsAt: toShanghaiIso(slot.startsAt), endsAt: toShanghaiIso(slot.endsAt) },
    attendees: booking.attendees,
    matter: await decryptField(keyring, booking.matterEnc, bookingMatterAad(booking.id)),
    petitionId: booking.petitionId,
    checkInCode: isActiveBookingStatus(booking.status) ? await checkInCodeFor(keyring, booking.id) : null,
    statusReason: booking.statusReason,
    cancellableUntil: toShanghaiIso(session.bookingClosesAt),
    checkedInAt: booking.checkedInAt === null ? null : toShanghaiIso(booking.checkedInAt),
    createdAt: toShanghaiIso(booking.createdAt),
  }
}
