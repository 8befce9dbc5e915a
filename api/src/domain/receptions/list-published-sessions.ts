import {
  addCalendarDays,
  type ReceptionListQuery,
  type ReceptionSessionList,
  shanghaiDateOf,
  shanghaiTime,
} from '@xinfang/shared'
import { and, asc, eq, gt, gte, lt, or } from 'drizzle-orm'
import type { Db } from '../../db/client'
import { leaders, receptionSessions, units } from '../../db/schema'
import { decodeNumberIdCursor, encodeCursor } from '../../lib/cursor'
import { slotsOfSessions, toReceptionSession } from './session-view'

/** How far ahead the list reaches when the caller gives no end date. */
export const DEFAULT_RECEPTION_HORIZON_DAYS = 30

/** Published sessions that have not ended, from `from` (default today, Asia/Shanghai) to `to`, by start time. */
export async function listPublishedSessions(
  db: Db,
  query: ReceptionListQuery,
  now: number,
): Promise<ReceptionSessionList> {
  const fromDate = query.from ?? shanghaiDateOf(now)
  const toDate = query.to ?? addCalendarDays(fromDate, DEFAULT_RECEPTION_HORIZON_DAYS)
  const after = query.cursor ? decodeNumberIdCursor(query.cursor) : undefined

  const rows = await db
    .select({ session: receptionSessions, leader: leaders, unit: units })
    .from(receptionSessions)
    .innerJoin(leaders, eq(leaders.id, receptionSessions.leaderId))
    .innerJoin(units, eq(units.id, receptionSessions.unitId))
    .where(
      and(
        eq(receptionSessions.status, 'published'),
        gte(receptionSessions.startsAt, shanghaiTime(fromDate)),
        lt(receptionSessions.startsAt, shanghaiTime(addCalendarDays(toDate, 1))),
        gt(receptionSessions.endsAt, now),
        query.unitId ? eq(receptionSessions.unitId, query.unitId) : undefined,
        after
          ? or(
              gt(receptionSessions.startsAt, after[0]),
              and(eq(receptionSessions.startsAt, after[0]), gt(receptionSessions.id, after[1])),
            )
          : undefined,
      ),
    )
    .orderBy(asc(receptionSessions.startsAt), asc(receptionSessions.id))
    .limit(query.limit + 1)

  const page = rows.slice(0, query.limit)
  const slots = await slotsOfSessions(
    db,
    page.map((row) => row.session.id),
  )
  const last = page.at(-1)
  return {
    items: page.map((row) => toReceptionSession(row, slots)),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.session.startsAt, last.session.id]) : null,
  }
}
