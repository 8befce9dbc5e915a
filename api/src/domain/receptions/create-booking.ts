import { type Booking, type BookingCreate, NO_SHOW_LIMIT, RECEPTION_SESSION_STATUSES } from '@xinfang/shared'
import { and, eq, sql } from 'drizzle-orm'
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core'
import { z } from 'zod'
import type { Database, Db } from '../../db/client'
import {
  bookings,
  citizenProfiles,
  idempotencyKeys,
  receptionSessions,
  receptionSlots,
  waitlistEntries,
} from '../../db/schema'
import { newId } from '../../lib/ids'
import { IDEMPOTENCY_KEY_TTL_MS, type IdempotentResponse, runIdempotently, sealReplaySecrets } from '../idempotency'
import { requireProfile } from '../identity/citizen-profile'
import { encryptField } from '../privacy/field-crypto'
import type { Keyring } from '../privacy/keyring'
import { sendBookingNotice } from './booking-notices'
import {
  bookingExists,
  isTakingBookings,
  isUniqueViolation,
  loadTarget,
  requireOwnPetition,
  sessionNotFound,
  slotNotInSession,
  whyNoSeats,
} from './booking-rules'
import { NO_SHOW_LOOKBACK_MS, requireBookingAllowed } from './booking-suspension'
import { bookingMatterAad, toBooking } from './booking-view'
import { checkInCodeFor, checkInCodeIndexFor } from './check-in-code'
import { takeSeats } from './seats'
import type { Reader } from './session-view'

export const CREATE_BOOKING_OPERATION = 'POST /receptions/:id/bookings'

export interface CreateBookingRequest {
  citizenId: string
  sessionId: string
  body: BookingCreate
  idempotencyKey: string
}

/**
 * Books seats at a reception session (预约接访). Seats are taken by one conditional UPDATE inside the write
 * transaction that also inserts the booking and stores the idempotency key (seats.ts): the booking exists if and
 * only if its seats were taken. One active booking per citizen per session is a partial unique index.
 *
 * Before taking the write lock, one read turns away requests that cannot succeed — a full slot, a closed window,
 * an existing booking. It only ever refuses; every acceptance is decided again inside the transaction, so a
 * stale read can cost a citizen a retry but never a seat too many. Under a rush (a thousand requests for twenty
 * seats) this keeps the write lock, and the fsync behind it, for the requests that may still win.
 */
export async function createBooking(
  deps: { database: Database; keyring: Keyring },
  request: CreateBookingRequest,
  now: number,
): Promise<IdempotentResponse<Booking>> {
  const { database, keyring } = deps
  const { citizenId, sessionId, body } = request
  const scope = `citizen:${citizenId}`
  await refuseEarly(database.db, database.db, scope, request, now)

  const bookingId = newId(now)
  const matterEnc = await encryptField(keyring, body.matter, bookingMatterAad(bookingId))
  const checkInCode = await checkInCodeFor(keyring, bookingId)
  const checkInCodeIndex = await checkInCodeIndexFor(keyring, checkInCode)
  // The session id is part of the request: the same key and body sent to another session is another request.
  const idempotent = {
    scope,
    operation: CREATE_BOOKING_OPERATION,
    key: request.idempotencyKey,
    body: { sessionId, ...body },
  }
  const secrets = await sealReplaySecrets(keyring, idempotent, { matter: body.matter, checkInCode })

  return runIdempotently(database, idempotent, secrets, now, async (tx) => {
    // The same refusals again, now under the write lock where they are the truth: a request that queued for
    // the lock while the slot filled up costs one statement and a rollback.
    await refuseEarly(tx, database.db, scope, request, now)
    if (!(await takeSeats(tx, { sessionId, slotId: body.slotId, seats: body.attendees }, now))) {
      const { owners, slot } = await loadTarget(tx, sessionId, body.slotId)
      throw whyNoSeats(owners.session, slot, body.attendees, now)
    }
    const { owners, slot } = await loadTarget(tx, sessionId, body.slotId)
    const status = owners.session.requiresConfirmation ? 'pending' : 'confirmed'
    const row = {
      id: bookingId,
      sessionId,
      slotId: slot.id,
      citizenId,
      status,
      attendees: body.attendees,
      matterEnc,
      petitionId: body.petitionId ?? null,
      checkInCodeIndex,
      statusReason: null,
      checkedInAt: null,
      remindedAt: null,
      createdAt: now,
      updatedAt: now,
    } as const
    try {
      await tx.insert(bookings).values(row)
    } catch (error) {
      // Unreachable while the check above runs under the write lock; the index is the guarantee regardless.
      if (isUniqueViolation(error, 'bookings.session_id, bookings.citizen_id')) throw bookingExists()
      throw error
    }
    // A seat in the session ends any wait for one.
    await tx
      .update(waitlistEntries)
      .set({ status: 'left', updatedAt: now })
      .where(
        and(
          eq(waitlistEntries.sessionId, sessionId),
          eq(waitlistEntries.citizenId, citizenId),
          eq(waitlistEntries.status, 'waiting'),
        ),
      )
    await sendBookingNotice(tx, 'booked', owners, { citizenId, subjectId: bookingId, status }, now)
    return { status: 201, body: await toBooking(keyring, { ...owners, booking: row, slot }) }
  })
}

/** What the early refusals need. Scalar subqueries, so that a missing session or slot still yields a row. */
const EarlyFactsSchema = z.object({
  is_retry: z.number(),
  has_profile: z.number(),
  recent_no_shows: z.number(),
  has_booking: z.number(),
  session_status: z.enum(RECEPTION_SESSION_STATUSES).nullable(),
  opens_at: z.number().nullable(),
  closes_at: z.number().nullable(),
  capacity: z.number().nullable(),
  booked: z.number().nullable(),
})

/**
 * The refusals of a booking, in order, from one query: under a rush almost every request ends here, before the
 * write lock or right after taking it, so this must cost one statement. A retry of a request already answered
 * goes on to its replay, whatever has changed since.
 */
async function refuseEarly(
  db: Reader,
  /** `requireProfile` reads through the pool; the profile is not written by bookings, so any snapshot will do. */
  pool: Db,
  scope: string,
  request: CreateBookingRequest,
  now: number,
): Promise<void> {
  const { citizenId, sessionId, body } = request
  const session = (column: SQLiteColumn) =>
    sql`(select ${column} from ${receptionSessions} where ${receptionSessions.id} = ${sessionId})`
  const slot = (column: SQLiteColumn) =>
    sql`(select ${column} from ${receptionSlots} where ${receptionSlots.id} = ${body.slotId} and ${receptionSlots.sessionId} = ${sessionId})`
  const facts = EarlyFactsSchema.parse(
    await db.get(sql`select
      exists(select 1 from ${idempotencyKeys} where ${idempotencyKeys.scope} = ${scope}
        and ${idempotencyKeys.operation} = ${CREATE_BOOKING_OPERATION}
        and ${idempotencyKeys.key} = ${request.idempotencyKey}
        and ${idempotencyKeys.createdAt} > ${now - IDEMPOTENCY_KEY_TTL_MS}) as is_retry,
      exists(select 1 from ${citizenProfiles} where ${citizenProfiles.citizenId} = ${citizenId}) as has_profile,
      (select count(*) from ${bookings} join ${receptionSessions} on ${receptionSessions.id} = ${bookings.sessionId}
        where ${bookings.citizenId} = ${citizenId} and ${bookings.status} = 'no_show'
        and ${receptionSessions.startsAt} > ${now - NO_SHOW_LOOKBACK_MS}) as recent_no_shows,
      exists(select 1 from ${bookings} where ${bookings.sessionId} = ${sessionId}
        and ${bookings.citizenId} = ${citizenId}
        and ${bookings.status} in ('pending', 'confirmed', 'checked_in')) as has_booking,
      ${session(receptionSessions.status)} as session_status,
      ${session(receptionSessions.bookingOpensAt)} as opens_at,
      ${session(receptionSessions.bookingClosesAt)} as closes_at,
      ${slot(receptionSlots.capacity)} as capacity,
      ${slot(receptionSlots.booked)} as booked`),
  )
  if (facts.is_retry) return
  if (!facts.has_profile) await requireProfile(pool, citizenId)
  if (facts.recent_no_shows >= NO_SHOW_LIMIT) await requireBookingAllowed(db, citizenId, now)
  if (body.petitionId !== undefined) await requireOwnPetition(db, citizenId, body.petitionId)
  const { session_status: status, opens_at: bookingOpensAt, closes_at: bookingClosesAt, capacity, booked } = facts
  if (status === null || status === 'draft' || bookingOpensAt === null || bookingClosesAt === null) {
    throw sessionNotFound()
  }
  if (capacity === null || booked === null) throw slotNotInSession()
  if (facts.has_booking) throw bookingExists()
  const isOpen = isTakingBookings({ status, bookingOpensAt, bookingClosesAt }, now)
  if (!isOpen || booked + body.attendees > capacity) {
    throw whyNoSeats({ status, bookingOpensAt, bookingClosesAt }, { capacity, booked }, body.attendees, now)
  }
}
