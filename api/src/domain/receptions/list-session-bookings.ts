import type { StaffBookingList, StaffBookingListQuery } from '@xinfang/shared'
import { and, eq } from 'drizzle-orm'
import type { Db } from '../../db/client'
import { bookings, receptionSlots } from '../../db/schema'
import { keysetPage } from '../../lib/cursor'
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
  const keyset = keysetPage({ by: bookings.createdAt, id: bookings.id, direction: 'asc' }, query)
  const rows = await db
    .select({ booking: bookings, slot: receptionSlots })
    .from(bookings)
    .innerJoin(receptionSlots, eq(receptionSlots.id, bookings.slotId))
    .where(
      and(
        eq(bookings.sessionId, sessionId),
        query.status ? eq(bookings.status, query.status) : undefined,
        keyset.after,
      ),
    )
    .orderBy(...keyset.orderBy)
    .limit(keyset.limit)
  const { rows: page, nextCursor } = keyset.pageOf(rows, (row) => [row.booking.createdAt, row.booking.id])
  return {
    items: await Promise.all(page.map((row) => toStaffBooking(db, keyring, scope, row.booking, row.slot))),
    nextCursor,
  }
}
