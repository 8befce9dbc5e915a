import type { StaffReceptionSession } from '@xinfang/shared'
import { and, eq, inArray, sql } from 'drizzle-orm'
import { waitlistEntries } from '../../db/schema'
import { AppError } from '../app-error'
import { findSession, type Reader, type SessionWithOwners, type SlotRow, toReceptionSession } from './session-view'
import { isInScope, type StaffScope } from './staff-scope'

export function toStaffSession(
  owners: SessionWithOwners,
  slots: SlotRow[],
  waitingBySlot: ReadonlyMap<string, number>,
): StaffReceptionSession {
  const session = toReceptionSession(owners, slots)
  return {
    ...session,
    status: owners.session.status,
    slots: session.slots.map((slot) => ({ ...slot, waiting: waitingBySlot.get(slot.id) ?? 0 })),
  }
}

export async function waitingCounts(db: Reader, slotIds: readonly string[]): Promise<Map<string, number>> {
  if (slotIds.length === 0) return new Map()
  const rows = await db
    .select({ slotId: waitlistEntries.slotId, waiting: sql<number>`count(*)` })
    .from(waitlistEntries)
    .where(and(inArray(waitlistEntries.slotId, [...slotIds]), eq(waitlistEntries.status, 'waiting')))
    .groupBy(waitlistEntries.slotId)
  return new Map(rows.map((row) => [row.slotId, row.waiting]))
}

/** A session the staff member may run; any other is reported absent, as for citizens. */
export async function findSessionInScope(db: Reader, scope: StaffScope, sessionId: string): Promise<SessionWithOwners> {
  const found = await findSession(db, sessionId)
  if (!found || !isInScope(scope, found.session.unitId)) {
    throw new AppError('NOT_FOUND', { detail: '找不到该接访场次' })
  }
  return found
}
