import {
  addCalendarDays,
  type StaffReceptionListQuery,
  type StaffReceptionSessionList,
  shanghaiDateOf,
  shanghaiTime,
} from '@xinfang/shared'
import { and, eq, gte, lt } from 'drizzle-orm'
import type { Db } from '../../db/client'
import { leaders, receptionSessions, units } from '../../db/schema'
import { keysetPage } from '../../lib/cursor'
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
  const keyset = keysetPage({ by: receptionSessions.startsAt, id: receptionSessions.id, direction: 'asc' }, query)
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
  const waiting = await waitingCounts(
    db,
    slots.map((slot) => slot.id),
  )
  return {
    items: page.map((row) => toStaffSession(row, slots, waiting)),
    nextCursor,
  }
}
