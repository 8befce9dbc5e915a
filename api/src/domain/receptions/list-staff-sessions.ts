import {
  addCalendarDays,
  type StaffReceptionListQuery,
  type StaffReceptionSessionList,
  shanghaiDateOf,
  shanghaiTime,
} from '@xinfang/shared'
import { and, asc, eq, gt, gte, lt, or } from 'drizzle-orm'
import type { Db } from '../../db/client'
import { leaders, receptionSessions, units } from '../../db/schema'
import { decodeNumberIdCursor, encodeCursor } from '../../lib/cursor'
import { DEFAULT_RECEPTION_HORIZON_DAYS } from './list-published-sessions'
import { slotsOfSessions } from './session-view'
import { loadStaffScope } from './staff-scope'
import { toStaffSession, waitingCounts } from './staff-session-view'

/** The sessions a staff member may run — drafts and cancelled ones too — by start time, from today by default. */
export async function listStaffSessions(
  db: Db,
  staffId: string,
  query: StaffReceptionListQuery,
  now: number,
): Promise<StaffReceptionSessionList> {
  const scope = await loadStaffScope(db, staffId)
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
        scope.isBureau ? undefined : eq(receptionSessions.unitId, scope.unitId),
        query.unitId ? eq(receptionSessions.unitId, query.unitId) : undefined,
        query.status ? eq(receptionSessions.status, query.status) : undefined,
        gte(receptionSessions.startsAt, shanghaiTime(fromDate)),
        lt(receptionSessions.startsAt, shanghaiTime(addCalendarDays(toDate, 1))),
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
  const waiting = await waitingCounts(
    db,
    slots.map((slot) => slot.id),
  )
  const last = page.at(-1)
  return {
    items: page.map((row) => toStaffSession(row, slots, waiting)),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.session.startsAt, last.session.id]) : null,
  }
}
