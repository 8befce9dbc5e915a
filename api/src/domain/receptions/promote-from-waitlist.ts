import { and, asc, eq } from 'drizzle-orm'
import type { WriteTx } from '../../db/client'
import { bookings, receptionSlots, waitlistEntries } from '../../db/schema'
import { newId } from '../../lib/ids'
import { decryptField, encryptField, fieldAad } from '../privacy/field-crypto'
import type { Keyring } from '../privacy/keyring'
import { sendBookingNotice } from './booking-notices'
import { isTakingBookings } from './booking-rules'
import { findBookingSuspension } from './booking-suspension'
import { activeBookingOf, bookingMatterAad } from './booking-view'
import { checkInCodeFor, checkInCodeIndexFor } from './check-in-code'
import { takeSeats } from './seats'
import { findSession } from './session-view'

export const waitlistMatterAad = (entryId: string) => fieldAad('waitlist_entries', 'matter', entryId)

/**
 * Offers freed seats to the waiting list (候补), first come first served: the earliest entry whose party fits
 * gets a booking at once — confirmed, or pending where the session screens bookings — and a notice. Runs in
 * the transaction that freed the seats, so the seats cannot be taken by anyone else in between, and an entry
 * leaves `waiting` in the same statement that gives it its booking: it is promoted exactly once.
 *
 * Seats freed after booking has closed are not offered: a promotion is a booking and keeps the same window.
 * Returns the ids of the bookings made.
 */
export async function promoteFromWaitlist(
  tx: WriteTx,
  keyring: Keyring,
  slotId: string,
  now: number,
): Promise<string[]> {
  const promoted: string[] = []
  for (;;) {
    const [slot] = await tx.select().from(receptionSlots).where(eq(receptionSlots.id, slotId)).limit(1)
    if (!slot) return promoted
    const owners = await findSession(tx, slot.sessionId)
    if (!owners) return promoted
    const { session } = owners
    const isOpen = isTakingBookings(session, now)
    const free = slot.capacity - slot.booked
    if (!isOpen || free <= 0) return promoted

    const queue = await tx
      .select()
      .from(waitlistEntries)
      .where(and(eq(waitlistEntries.slotId, slotId), eq(waitlistEntries.status, 'waiting')))
      .orderBy(asc(waitlistEntries.createdAt), asc(waitlistEntries.id))
    let next: (typeof queue)[number] | undefined
    for (const entry of queue) {
      if (entry.attendees > free) continue
      // Booked elsewhere in the session since, or suspended for no-shows since: the wait is over for them.
      if (
        (await activeBookingOf(tx, entry.citizenId, entry.sessionId)) ||
        (await findBookingSuspension(tx, entry.citizenId, now)) !== null
      ) {
        await tx
          .update(waitlistEntries)
          .set({ status: 'left', updatedAt: now })
          .where(and(eq(waitlistEntries.id, entry.id), eq(waitlistEntries.status, 'waiting')))
        continue
      }
      next = entry
      break
    }
    if (!next) return promoted

    if (!(await takeSeats(tx, { sessionId: session.id, slotId, seats: next.attendees }, now))) return promoted
    const bookingId = newId(now)
    const matter = await decryptField(keyring, next.matterEnc, waitlistMatterAad(next.id))
    const status = session.requiresConfirmation ? 'pending' : 'confirmed'
    await tx.insert(bookings).values({
      id: bookingId,
      sessionId: session.id,
      slotId,
      citizenId: next.citizenId,
      status,
      attendees: next.attendees,
      matterEnc: await encryptField(keyring, matter, bookingMatterAad(bookingId)),
      petitionId: next.petitionId,
      checkInCodeIndex: await checkInCodeIndexFor(keyring, await checkInCodeFor(keyring, bookingId)),
      createdAt: now,
      updatedAt: now,
    })
    const moved = await tx
      .update(waitlistEntries)
      .set({ status: 'promoted', bookingId, updatedAt: now })
      .where(and(eq(waitlistEntries.id, next.id), eq(waitlistEntries.status, 'waiting')))
      .returning({ id: waitlistEntries.id })
    if (moved.length !== 1) throw new Error(`waiting-list entry ${next.id} changed under the write lock`)
    await sendBookingNotice(tx, 'promoted', owners, { citizenId: next.citizenId, subjectId: bookingId, status }, now)
    promoted.push(bookingId)
  }
}
