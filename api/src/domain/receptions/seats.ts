import { and, eq, exists, gt, lte, sql } from 'drizzle-orm'
import type { WriteTx } from '../../db/client'
import { receptionSessions, receptionSlots } from '../../db/schema'

/**
 * The one place seats change. Taking seats is a single conditional UPDATE: it succeeds only while the slot has
 * room and its session is published and open for booking, so two requests can never both take the last seat —
 * in this process, in another process on the same file, or under any interleaving. The CHECK constraint
 * `booked BETWEEN 0 AND capacity` stands behind it in case any other code path gets it wrong.
 *
 * Returns false when no seat was taken (full, closed or cancelled); the caller says which.
 */
export async function takeSeats(
  tx: WriteTx,
  target: { sessionId: string; slotId: string; seats: number },
  now: number,
): Promise<boolean> {
  const taken = await tx
    .update(receptionSlots)
    .set({ booked: sql`${receptionSlots.booked} + ${target.seats}` })
    .where(
      and(
        eq(receptionSlots.id, target.slotId),
        eq(receptionSlots.sessionId, target.sessionId),
        sql`${receptionSlots.booked} + ${target.seats} <= ${receptionSlots.capacity}`,
        exists(
          tx
            .select({ id: receptionSessions.id })
            .from(receptionSessions)
            .where(
              and(
                eq(receptionSessions.id, target.sessionId),
                eq(receptionSessions.status, 'published'),
                lte(receptionSessions.bookingOpensAt, now),
                gt(receptionSessions.bookingClosesAt, now),
              ),
            ),
        ),
      ),
    )
    .returning({ booked: receptionSlots.booked })
  return taken.length === 1
}

/**
 * Gives seats back. Called only after the booking's own status moved out of an active one in the same
 * transaction (a conditional UPDATE that matched), so each booking's seats come back exactly once.
 */
export async function releaseSeats(tx: WriteTx, slotId: string, seats: number): Promise<void> {
  await tx
    .update(receptionSlots)
    .set({ booked: sql`${receptionSlots.booked} - ${seats}` })
    .where(eq(receptionSlots.id, slotId))
}
