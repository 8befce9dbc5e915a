import type { WaitlistEntry, WaitlistJoin } from '@xinfang/shared'
import type { Database, WriteTx } from '../../db/client'
import { waitlistEntries } from '../../db/schema'
import { newId } from '../../lib/ids'
import { AppError } from '../app-error'
import { type IdempotentResponse, runIdempotently, sealReplaySecrets } from '../idempotency'
import { requireProfile } from '../identity/citizen-profile'
import { encryptField } from '../privacy/field-crypto'
import type { Keyring } from '../privacy/keyring'
import { bookingExists, bookingWindowOf, isUniqueViolation, loadTarget, requireOwnPetition } from './booking-rules'
import { requireBookingAllowed } from './booking-suspension'
import { activeBookingOf } from './booking-view'
import { waitlistMatterAad } from './promote-from-waitlist'
import { toWaitlistEntry } from './waitlist-view'

export const JOIN_WAITLIST_OPERATION = 'POST /receptions/:id/waitlist'

export interface JoinWaitlistRequest {
  citizenId: string
  sessionId: string
  body: WaitlistJoin
  /** Optional here: a repeated join is refused by the one-entry-per-session index anyway. */
  idempotencyKey?: string | undefined
}

/**
 * Joins the waiting list (候补) of a slot that has too few seats left for the party. When seats free up, the
 * first entry that fits is booked automatically (promote-from-waitlist.ts). One waiting entry per citizen per
 * session, and none while holding a booking in it.
 */
export async function joinWaitlist(
  deps: { database: Database; keyring: Keyring },
  request: JoinWaitlistRequest,
  now: number,
): Promise<IdempotentResponse<WaitlistEntry>> {
  const { database, keyring } = deps
  const { citizenId, sessionId, body } = request
  await requireProfile(database.db, citizenId)
  await requireBookingAllowed(database.db, citizenId, now)
  if (body.petitionId !== undefined) await requireOwnPetition(database.db, citizenId, body.petitionId)

  const entryId = newId(now)
  const matterEnc = await encryptField(keyring, body.matter, waitlistMatterAad(entryId))
  const join = async (tx: WriteTx) => {
    const { owners, slot } = await loadTarget(tx, sessionId, body.slotId)
    const { session } = owners
    if (session.status !== 'published') throw new AppError('BOOKING_CLOSED', { detail: '本场接访已取消' })
    if (bookingWindowOf(session, now) !== 'open') {
      throw new AppError('BOOKING_CLOSED', { detail: '不在本场接访的预约时间内，无法候补' })
    }
    if (await activeBookingOf(tx, citizenId, sessionId)) throw bookingExists()
    if (slot.capacity - slot.booked >= body.attendees) {
      throw new AppError('INVALID_TRANSITION', { detail: '该时段尚有名额，请直接预约' })
    }
    const entry = {
      id: entryId,
      sessionId,
      slotId: slot.id,
      citizenId,
      attendees: body.attendees,
      matterEnc,
      petitionId: body.petitionId ?? null,
      status: 'waiting',
      bookingId: null,
      createdAt: now,
      updatedAt: now,
    } as const
    try {
      await tx.insert(waitlistEntries).values(entry)
    } catch (error) {
      if (isUniqueViolation(error, 'waitlist_entries.session_id, waitlist_entries.citizen_id')) {
        throw new AppError('BOOKING_EXISTS', { detail: '您已在本场接访的候补名单中' })
      }
      throw error
    }
    return { status: 201, body: await toWaitlistEntry(tx, { ...owners, entry, slot }) }
  }

  if (request.idempotencyKey === undefined) return { ...(await database.write(join)), isReplay: false }
  const idempotent = {
    scope: `citizen:${citizenId}`,
    operation: JOIN_WAITLIST_OPERATION,
    key: request.idempotencyKey,
    body: { sessionId, ...body },
  }
  // The entry as answered carries no matter; nothing of it needs sealing.
  return runIdempotently(database, idempotent, await sealReplaySecrets(keyring, idempotent, {}), now, join)
}
