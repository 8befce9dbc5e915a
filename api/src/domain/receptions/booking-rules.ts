import { type BookingWindowPhase, bookingWindowPhase } from '@xinfang/shared'
import { and, eq } from 'drizzle-orm'
import { petitions, receptionSlots } from '../../db/schema'
import { AppError } from '../app-error'
import { findSession, type Reader, type SessionRow, type SessionWithOwners, type SlotRow } from './session-view'

/** The refusals booking and joining a waiting list share, each with the words the citizen will read. */

export function bookingExists(): AppError {
  return new AppError('BOOKING_EXISTS', { detail: '您已预约过本场接访，如需更改时段请先取消原预约' })
}

export function sessionNotFound(): AppError {
  return new AppError('NOT_FOUND', { detail: '找不到该接访场次' })
}

export function slotNotInSession(): AppError {
  return new AppError('VALIDATION_FAILED', { errors: [{ path: 'body.slotId', message: '该时段不属于本场接访' }] })
}

/** The session (published or cancelled: drafts do not exist for citizens) and the slot, which must be one of its. */
export async function loadTarget(
  db: Reader,
  sessionId: string,
  slotId: string,
): Promise<{ owners: SessionWithOwners; slot: SlotRow }> {
  const owners = await findSession(db, sessionId)
  if (!owners || owners.session.status === 'draft') throw sessionNotFound()
  const [slot] = await db
    .select()
    .from(receptionSlots)
    .where(and(eq(receptionSlots.id, slotId), eq(receptionSlots.sessionId, sessionId)))
    .limit(1)
  if (!slot) throw slotNotInSession()
  return { owners, slot }
}

/** The booking window of a session row (shared `bookingWindowPhase`, the one rule for it). */
export function bookingWindowOf(
  session: Pick<SessionRow, 'bookingOpensAt' | 'bookingClosesAt'>,
  now: number,
): BookingWindowPhase {
  return bookingWindowPhase({ opensAt: session.bookingOpensAt, closesAt: session.bookingClosesAt }, now)
}

/** Whether a session row takes bookings (and promotions from its waiting list) at `now`. */
export function isTakingBookings(
  session: Pick<SessionRow, 'status' | 'bookingOpensAt' | 'bookingClosesAt'>,
  now: number,
): boolean {
  return session.status === 'published' && bookingWindowOf(session, now) === 'open'
}

/** Why seats could not be taken: the session is not open for booking, or the slot has too few seats left. */
export function whyNoSeats(
  session: Pick<SessionRow, 'status' | 'bookingOpensAt' | 'bookingClosesAt'>,
  slot: Pick<SlotRow, 'capacity' | 'booked'>,
  seats: number,
  now: number,
): AppError {
  if (session.status === 'cancelled') return new AppError('BOOKING_CLOSED', { detail: '本场接访已取消' })
  const phase = bookingWindowOf(session, now)
  if (phase === 'not_yet_open') return new AppError('BOOKING_CLOSED', { detail: '本场接访尚未开放预约' })
  if (phase === 'closed') return new AppError('BOOKING_CLOSED', { detail: '本场接访已截止预约' })
  const remaining = slot.capacity - slot.booked
  return new AppError('SLOT_FULL', {
    detail:
      remaining > 0
        ? `该时段只剩${remaining}个名额，不够${seats}人，可选择其他时段或加入候补`
        : '该时段名额已满，可选择其他时段或加入候补',
  })
}

/** A petition linked to a booking must be the citizen's own; anyone else's is as good as absent. */
export async function requireOwnPetition(db: Reader, citizenId: string, petitionId: string): Promise<void> {
  const [row] = await db
    .select({ citizenId: petitions.citizenId })
    .from(petitions)
    .where(eq(petitions.id, petitionId))
    .limit(1)
  if (row?.citizenId !== citizenId) throw new AppError('NOT_FOUND', { detail: '找不到要关联的信访事项' })
}

/** SQLite's `UNIQUE constraint failed: <columns>`, wherever in the cause chain drizzle put it. */
export function isUniqueViolation(error: unknown, columns: string): boolean {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    if (current.message.includes(`UNIQUE constraint failed: ${columns}`)) return true
  }
  return false
}
