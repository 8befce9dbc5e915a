import type { PageQuery, WaitlistEntryList } from '@xinfang/shared'
import { and, desc, eq, lt, or } from 'drizzle-orm'
import type { Db } from '../../db/client'
import { leaders, receptionSessions, receptionSlots, units, waitlistEntries } from '../../db/schema'
import { decodeNumberIdCursor, encodeCursor } from '../../lib/cursor'
import { toWaitlistEntry } from './waitlist-view'

/** The caller's waiting-list entries, newest first, each with its place in line while waiting. */
export async function listWaitlist(db: Db, citizenId: string, query: PageQuery): Promise<WaitlistEntryList> {
  const after = query.cursor ? decodeNumberIdCursor(query.cursor) : undefined
  const rows = await db
    .select({ entry: waitlistEntries, slot: receptionSlots, session: receptionSessions, leader: leaders, unit: units })
    .from(waitlistEntries)
    .innerJoin(receptionSlots, eq(receptionSlots.id, waitlistEntries.slotId))
    .innerJoin(receptionSessions, eq(receptionSessions.id, waitlistEntries.sessionId))
    .innerJoin(leaders, eq(leaders.id, receptionSessions.leaderId))
    .innerJoin(units, eq(units.id, receptionSessions.unitId))
    .where(
      and(
        eq(waitlistEntries.citizenId, citizenId),
        after
          ? or(
              lt(waitlistEntries.createdAt, after[0]),
              and(eq(waitlistEntries.createdAt, after[0]), lt(waitlistEntries.id, after[1])),
            )
          : undefined,
      ),
    )
    .orderBy(desc(waitlistEntries.createdAt), desc(waitlistEntries.id))
    .limit(query.limit + 1)
  const page = rows.slice(0, query.limit)
  const last = page.at(-1)
  return {
    items: await Promise.all(page.map((row) => toWaitlistEntry(db, row))),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.entry.createdAt, last.entry.id]) : null,
  }
}
