import type { Booking, BookingList, BookingListQuery } from '@xinfang/shared'
import { and, eq } from 'drizzle-orm'
import type { Db } from '../../db/client'
import { bookings, leaders, receptionSessions, receptionSlots, units } from '../../db/schema'
import { keysetPage } from '../../lib/cursor'
import type { Keyring } from '../privacy/keyring'
import { findOwnBooking, toBooking } from './booking-view'

/** The caller's bookings, newest first. */
export async function listBookings(
  db: Db,
  keyring: Keyring,
  citizenId: string,
  query: BookingListQuery,
): Promise<BookingList> {
  const keyset = keysetPage({ by: bookings.createdAt, id: bookings.id, direction: 'desc' }, query)
  const rows = await db
    .select({ booking: bookings, slot: receptionSlots, session: receptionSessions, leader: leaders, unit: units })
    .from(bookings)
    .innerJoin(receptionSlots, eq(receptionSlots.id, bookings.slotId))
    .innerJoin(receptionSessions, eq(receptionSessions.id, bookings.sessionId))
    .innerJoin(leaders, eq(leaders.id, receptionSessions.leaderId))
    .innerJoin(units, eq(units.id, receptionSessions.unitId))
    .where(and(eq(bookings.citizenId, citizenId), keyset.after))
    .orderBy(...keyset.orderBy)
    .limit(keyset.limit)
  const { rows: page, nextCursor } = keyset.pageOf(rows, (row) => [row.booking.createdAt, row.booking.id])
  return {
    items: await Promise.all(page.map((row) => toBooking(keyring, row))),
    nextCursor,
  }
}

export async function getBooking(db: Db, keyring: Keyring, citizenId: string, bookingId: string): Promise<Booking> {
  return toBooking(keyring, await findOwnBooking(db, citizenId, bookingId))
}
