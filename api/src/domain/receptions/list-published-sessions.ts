import {
  addCalendarDays,
  type ReceptionListQuery,
  type ReceptionSession,
  type ReceptionSessionList,
  shanghaiDateOf,
  shanghaiTime,
  toShanghaiIso,
} from '@xinfang/shared'
import { and, asc, eq, gt, gte, inArray, lt, or } from 'drizzle-orm'
import { z } from 'zod'
import type { Db } from '../../db/client'
import { leaders, receptionSessions, receptionSlots, units } from '../../db/schema'
import { decodeNumberIdCursor, encodeCursor } from '../../lib/cursor'

/** How far ahead the list reaches when the caller gives no end date. */
export const DEFAULT_RECEPTION_HORIZON_DAYS = 30

const TopicsSchema = z.array(z.string())

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
  const slots =
    page.length === 0
      ? []
      : await db
          .select()
          .from(receptionSlots)
          .where(
            inArray(
              receptionSlots.sessionId,
              page.map((row) => row.session.id),
            ),
          )
          .orderBy(asc(receptionSlots.startsAt), asc(receptionSlots.id))

  const items: ReceptionSession[] = page.map(({ session, leader, unit }) => ({
    id: session.id,
    leader: { name: leader.name, title: leader.title },
    unit: { id: unit.id, name: unit.name },
    startsAt: toShanghaiIso(session.startsAt),
    endsAt: toShanghaiIso(session.endsAt),
    mode: session.mode,
    place: session.place,
    topics: TopicsSchema.parse(JSON.parse(session.topics)),
    slots: slots
      .filter((slot) => slot.sessionId === session.id)
      .map((slot) => ({
        id: slot.id,
        startsAt: toShanghaiIso(slot.startsAt),
        endsAt: toShanghaiIso(slot.endsAt),
        capacity: slot.capacity,
        remaining: slot.capacity - slot.booked,
      })),
    bookingOpensAt: toShanghaiIso(session.bookingOpensAt),
    bookingClosesAt: toShanghaiIso(session.bookingClosesAt),
    requiresConfirmation: session.requiresConfirmation,
  }))
  const last = page.at(-1)
  return {
    items,
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.session.startsAt, last.session.id]) : null,
  }
}
