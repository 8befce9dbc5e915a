import type { Booking, BookingList, BookingListQuery } from '@xinfang/shared'
import { and, desc, eq, lt, or } from 'drizzle-orm'
import type { Db } from '../../db/client'
import { bookings, leaders, receptionSessions, receptionSlots, units } from '../../db/schema'
import { decodeNumberIdCursor, encodeCursor } from '../../lib/cursor'
import type { Keyring } from '../privacy/keyring'
import { findOwnBooking, toBooking } from './booking-view'

/** The caller's bookings, newest first. */
export async function listBookings(
  db: Db,
  keyring: Keyring,
  citizenId: string,
  query: BookingListQuery,
): Promise<BookingList> {
  const after = query.cursor ? decodeNumberIdCursor(query.cursor) : undefined
  const rows = await db
    .select({ booking: bookings, slot: receptionSlots, session: receptionSessions, leader: leaders, unit: units })
    .from(bookings)
    .innerJoin(receptionSlots, eq(receptionSlots.id, bookings.slotId))
    .innerJoin(receptionSessions, eq(receptionSessions.id, bookings.sessionId))
    .innerJoin(leaders, eq(leaders.id, receptionSessions.leaderId))
    .innerJoin(units, eq(units.id, receptionSessions.unitId))
    .where(
      and(
        eq(bookings.citizenId, citizenId),
        after
          ? or(lt(bookings.createdAt, after[0]), and(eq(bookings.createdAt, after[0]), lt(bookings.id, after[1])))
          : undefined,
      ),
    )
    .orderBy(desc(bookings.createdAt), desc(bookings.id))
    .limit(query.limit + 1)
  const page = rows.slice(0, query.limit)
  const last = page.at(-1)
  return {
    items: await Promise.all(page.map((row) => toBooking(keyring, row))),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.booking.createdAt, last.booking.id]) : null,
  }
}

export async function getBooking(db: Db, keyring: Keyring, citizenId: string, bookingId: string): Promise<Booking> {
  return toBooking(keyring, await findOwnBooking(db, citizenId, bookingId))
}
