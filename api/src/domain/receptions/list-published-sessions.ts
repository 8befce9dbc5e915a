import {
  addCalendarDays,
  type ReceptionListQuery,
  type ReceptionSessionList,
  shanghaiDateOf,
  shanghaiTime,
} from '@xinfang/shared'
import { and, eq, gt, gte, lt } from 'drizzle-orm'
import type { Db } from '../../db/client'
import { leaders, receptionSessions, units } from '../../db/schema'
import { keysetPage } from '../../lib/cursor'
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
  const keyset = keysetPage({ by: receptionSessions.startsAt, id: receptionSessions.id, direction: 'asc' }, query)

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
        keyset.after,
      ),
    )
    .orderBy(...keyset.orderBy)
    .limit(keyset.limit)

  const { rows: page, nextCursor } = keyset.pageOf(rows, (row) => [row.session.startsAt, row.session.id])
  const slots = await slotsOfSessions(
    db,
    page.map((row) => row.session.id),
  )
  return {
    items: page.map((row) => toReceptionSession(row, slots)),
    nextCursor,
  }
}
