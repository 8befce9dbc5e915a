import type { StaffBookingList, StaffBookingListQuery } from '@xinfang/shared'
import { and, asc, eq, gt, or } from 'drizzle-orm'
import type { Db } from '../../db/client'
import { bookings, receptionSlots } from '../../db/schema'
import { decodeNumberIdCursor, encodeCursor } from '../../lib/cursor'
import type { Keyring } from '../privacy/keyring'
import { toStaffBooking } from './staff-booking-view'
import { loadStaffScope } from './staff-scope'
import { findSessionInScope } from './staff-session-view'

/** The bookings of one session for its staff, in the order they were made, optionally of one status. */
export async function listSessionBookings(
  db: Db,
  keyring: Keyring,
  staffId: string,
  sessionId: string,
  query: StaffBookingListQuery,
): Promise<StaffBookingList> {
  const scope = await loadStaffScope(db, staffId)
  await findSessionInScope(db, scope, sessionId)
  const after = query.cursor ? decodeNumberIdCursor(query.cursor) : undefined
  const rows = await db
    .select({ booking: bookings, slot: receptionSlots })
    .from(bookings)
    .innerJoin(receptionSlots, eq(receptionSlots.id, bookings.slotId))
    .where(
      and(
        eq(bookings.sessionId, sessionId),
        query.status ? eq(bookings.status, query.status) : undefined,
        after
          ? or(gt(bookings.createdAt, after[0]), and(eq(bookings.createdAt, after[0]), gt(bookings.id, after[1])))
          : undefined,
      ),
    )
    .orderBy(asc(bookings.createdAt), asc(bookings.id))
    .limit(query.limit + 1)
  const page = rows.slice(0, query.limit)
  const last = page.at(-1)
  return {
    items: await Promise.all(page.map((row) => toStaffBooking(db, keyring, scope, row.booking, row.slot))),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.booking.createdAt, last.booking.id]) : null,
  }
}
