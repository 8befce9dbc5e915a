import type { PageQuery, WaitlistEntryList } from '@xinfang/shared'
import { and, eq } from 'drizzle-orm'
import type { Db } from '../../db/client'
import { leaders, receptionSessions, receptionSlots, units, waitlistEntries } from '../../db/schema'
import { keysetPage } from '../../lib/cursor'
import { toWaitlistEntry } from './waitlist-view'

/** The caller's waiting-list entries, newest first, each with its place in line while waiting. */
export async function listWaitlist(db: Db, citizenId: string, query: PageQuery): Promise<WaitlistEntryList> {
  const keyset = keysetPage({ by: waitlistEntries.createdAt, id: waitlistEntries.id, direction: 'desc' }, query)
  const rows = await db
    .select({ entry: waitlistEntries, slot: receptionSlots, session: receptionSessions, leader: leaders, unit: units })
    .from(waitlistEntries)
    .innerJoin(receptionSlots, eq(receptionSlots.id, waitlistEntries.slotId))
    .innerJoin(receptionSessions, eq(receptionSessions.id, waitlistEntries.sessionId))
    .innerJoin(leaders, eq(leaders.id, receptionSessions.leaderId))
    .innerJoin(units, eq(units.id, receptionSessions.unitId))
    .where(and(eq(waitlistEntries.citizenId, citizenId), keyset.after))
    .orderBy(...keyset.orderBy)
    .limit(keyset.limit)
  const { rows: page, nextCursor } = keyset.pageOf(rows, (row) => [row.entry.createdAt, row.entry.id])
  return {
    items: await Promise.all(page.map((row) => toWaitlistEntry(db, row))),
    nextCursor,
  }
}
