import { toShanghaiIso, type WaitlistEntry } from '@xinfang/shared'
import { and, eq, lt, or, sql } from 'drizzle-orm'
import { leaders, receptionSessions, receptionSlots, units, waitlistEntries } from '../../db/schema'
import { AppError } from '../app-error'
import { type Reader, type SessionWithOwners, type SlotRow, toSessionSummary } from './session-view'

export type WaitlistRow = typeof waitlistEntries.$inferSelect

export interface WaitlistEntryWithContext extends SessionWithOwners {
  entry: WaitlistRow
  slot: SlotRow
}

export async function findOwnWaitlistEntry(
  db: Reader,
  citizenId: string,
  entryId: string,
): Promise<WaitlistEntryWithContext> {
  const [row] = await db
    .select({ entry: waitlistEntries, slot: receptionSlots, session: receptionSessions, leader: leaders, unit: units })
    .from(waitlistEntries)
    .innerJoin(receptionSlots, eq(receptionSlots.id, waitlistEntries.slotId))
    .innerJoin(receptionSessions, eq(receptionSessions.id, waitlistEntries.sessionId))
    .innerJoin(leaders, eq(leaders.id, receptionSessions.leaderId))
    .innerJoin(units, eq(units.id, receptionSessions.unitId))
    .where(eq(waitlistEntries.id, entryId))
    .limit(1)
  if (!row || row.entry.citizenId !== citizenId) throw new AppError('NOT_FOUND', { detail: '找不到该候补' })
  return row
}

/** 1 for the next in line; null when no longer waiting. */
export async function waitlistPosition(db: Reader, entry: WaitlistRow): Promise<number | null> {
  if (entry.status !== 'waiting') return null
  const [row] = await db
    .select({ ahead: sql<number>`count(*)` })
    .from(waitlistEntries)
    .where(
      and(
        eq(waitlistEntries.slotId, entry.slotId),
        eq(waitlistEntries.status, 'waiting'),
        or(
          lt(waitlistEntries.createdAt, entry.createdAt),
          and(eq(waitlistEntries.createdAt, entry.createdAt), lt(waitlistEntries.id, entry.id)),
        ),
      ),
    )
  return (row?.ahead ?? 0) + 1
}

export async function toWaitlistEntry(db: Reader, context: WaitlistEntryWithContext): Promise<WaitlistEntry> {
  const { entry, slot } = context
  return {
    id: entry.id,
    status: entry.status,
    session: toSessionSummary(context),
    slot: { id: slot.id, startsAt: toShanghaiIso(slot.startsAt), endsAt: toShanghaiIso(slot.endsAt) },
    attendees: entry.attendees,
    position: await waitlistPosition(db, entry),
    bookingId: entry.bookingId,
    createdAt: toShanghaiIso(entry.createdAt),
  }
}
