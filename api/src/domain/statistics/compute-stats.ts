import {
  addCalendarDays,
  DAY_MS,
  DEADLINE_PROFILES,
  earliestEventStillWithin,
  type Stats,
  type StatsCounts,
  shanghaiDateOf,
  shanghaiTime,
  statsOf,
} from '@xinfang/shared'
import { type AnyColumn, and, eq, gte, lte, type SQL, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Db } from '../../db/client'
import { categories, petitionStatsDaily, units } from '../../db/schema'
import type { DeadlinePolicy } from '../workflow/deadline-policy'

export type GroupBy = 'unit' | 'category' | 'month' | 'none'

export interface StatsRange {
  from: string
  to: string
}

/** Defaults: the last twelve months up to today (Asia/Shanghai). */
export function rangeOf(query: { from?: string | undefined; to?: string | undefined }, now: number): StatsRange {
  const to = query.to ?? shanghaiDateOf(now)
  return { from: query.from ?? addCalendarDays(to, -365), to }
}

const counters = petitionStatsDaily

const counterKey = (group: GroupBy): SQL<string> => {
  switch (group) {
    case 'unit':
      return sql<string>`${counters.unitId}`
    case 'category':
      return sql<string>`${counters.categoryId}`
    case 'month':
      return sql<string>`substr(${counters.day}, 1, 7)`
    case 'none':
      return sql<string>`'all'`
  }
}

/** Asia/Shanghai is UTC+8 all year (no daylight saving since 1991), as the counters' `day` is computed. */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000

// The same keys on a petition row. For months, the Shanghai day number: `strftime` on every row of the slice
// would cost more than the rest of the request, so days are folded into months below (a year is 366 of them).
const petitionKey = (group: GroupBy): SQL => {
  switch (group) {
    case 'unit':
      return sql`p.handling_unit_id`
    case 'category':
      return sql`p.category_id`
    case 'month':
      // Literals, not parameters: integer division (a bound number may arrive as a REAL and divide exactly).
      return sql.raw(`(p.submitted_at + ${SHANGHAI_OFFSET_MS}) / ${DAY_MS}`)
    case 'none':
      return sql`'all'`
  }
}

/** YYYY-MM of a Shanghai day number (days since 1970-01-01 in UTC+8). */
const monthOfDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 7)

const total = (column: AnyColumn) => sql<number>`coalesce(sum(${column}), 0)`.mapWith(Number)

const RecentRowSchema = z.object({ key: z.union([z.string(), z.number()]).nullable(), unsettled: z.coerce.number() })

export interface StatsQuery {
  range: StatsRange
  group: GroupBy
  now: number
  /** Only petitions handled by this unit. */
  unitId?: string | undefined
}

export interface StatsDeps {
  db: Db
  deadlines: DeadlinePolicy
}

/**
 * A first reply is settled once a review was requested or its review window (复查 request, Art. 35, by the
 * petition's own deadline profile) has closed. The replies whose window is still open at `now` are those from a
 * bound on, one per profile: the SQL condition that says so.
 */
function stillOpenForReview(deadlines: DeadlinePolicy, now: number): SQL {
  const bounds = Object.keys(DEADLINE_PROFILES).map((id) => {
    const rule = deadlines.profileOf(id).reviewRequest
    return { id, since: earliestEventStillWithin((event) => deadlines.after(event, rule), now) }
  })
  const earliest = Math.min(...bounds.map((bound) => bound.since))
  if (bounds.every((bound) => bound.since === earliest)) return sql`p.first_replied_at >= ${earliest}`
  // Profiles that differ: the earliest bound keeps the index range, the petition's own profile decides within it.
  const byProfile = sql.join(
    bounds.map((bound) => sql`WHEN ${bound.id} THEN ${bound.since}`),
    sql` `,
  )
  return sql`p.first_replied_at >= ${earliest} AND p.first_replied_at >= CASE p.deadline_profile ${byProfile} ELSE ${earliest} END`
}

/**
 * The counts of shared/src/statistics.ts for petitions submitted in the range, per group.
 *
 * Read from the daily counters that triggers keep in the transaction of every write (petition_stats_daily,
 * docs/decisions/009): a year is a few thousand rows whatever the number of petitions. The one measure that
 * depends on the moment of asking — a first reply is settled once its review window has closed — is the
 * counters' first replies less those whose window is still open and that have no review request, read from the
 * covering first-reply index: a month of replies, not the table.
 */
export async function countStats(deps: StatsDeps, query: StatsQuery): Promise<Map<string, StatsCounts>> {
  const { db, deadlines } = deps
  const { range, group, now, unitId } = query
  const key = counterKey(group)
  const rows = await db
    .select({
      key,
      submitted: total(counters.submitted),
      decided: total(counters.decided),
      decidedOnTime: total(counters.decidedOnTime),
      repliedAccepted: total(counters.repliedAccepted),
      repliedOnTime: total(counters.repliedOnTime),
      firstReplies: total(counters.firstReplies),
      reviewedFirstReplies: total(counters.reviewedFirstReplies),
      // Days, not milliseconds: a year of a busy city's milliseconds would pass 2^53.
      handlingDays: sql<number>`coalesce(sum(${counters.handlingMs}) / 86400000.0, 0)`.mapWith(Number),
      repeats: total(counters.repeats),
      ratings: total(counters.ratings),
      satisfiedRatings: total(counters.satisfiedRatings),
      firstReplyRatings: total(counters.firstReplyRatings),
    })
    .from(counters)
    .where(
      and(
        gte(counters.day, range.from),
        lte(counters.day, range.to),
        unitId === undefined ? undefined : eq(counters.unitId, unitId),
      ),
    )
    .groupBy(key)
    // A key whose petitions all moved to another unit keeps a row of zeros: it is not a group.
    .having(sql`sum(${counters.submitted}) > 0`)

  const from = shanghaiTime(range.from)
  const to = shanghaiTime(addCalendarDays(range.to, 1))
  const unitFilter = unitId === undefined ? sql`` : sql`AND p.handling_unit_id = ${unitId}`
  // INDEXED BY: the planner, without statistics (the API never runs ANALYZE), would rather walk the submission
  // date index over the whole range, or a unit's index in key order, than this month of replies.
  const recentRows = await db.all(sql`
    SELECT ${petitionKey(group)} AS key, count(*) AS unsettled
    FROM petitions p INDEXED BY petitions_first_reply_idx
    WHERE ${stillOpenForReview(deadlines, now)} AND p.review_requested_at IS NULL
      AND p.submitted_at >= ${from} AND p.submitted_at < ${to} ${unitFilter}
    ${group === 'none' ? sql`` : sql`GROUP BY key`}`)
  const unsettledByKey = new Map<string, number>()
  for (const row of z.array(RecentRowSchema).parse(recentRows)) {
    const key = group === 'month' ? monthOfDay(Number(row.key)) : String(row.key ?? '')
    unsettledByKey.set(key, (unsettledByKey.get(key) ?? 0) + row.unsettled)
  }

  const result = new Map<string, StatsCounts>()
  for (const row of rows) {
    const resolved = row.firstReplies - row.reviewedFirstReplies - (unsettledByKey.get(row.key) ?? 0)
    result.set(row.key, {
      submitted: row.submitted,
      decided: row.decided,
      decidedOnTime: row.decidedOnTime,
      repliedAccepted: row.repliedAccepted,
      repliedOnTime: row.repliedOnTime,
      firstReplies: row.firstReplies,
      firstReplyRatings: row.firstReplyRatings,
      ratings: row.ratings,
      satisfiedRatings: row.satisfiedRatings,
      settledFirstReplies: row.reviewedFirstReplies + resolved,
      resolvedAtFirstReply: resolved,
      handlingDaysTotal: row.handlingDays,
      repeatPetitions: row.repeats,
    })
  }
  return result
}

/** The measures of shared/src/statistics.ts for petitions submitted in the range, per group (see countStats). */
export async function computeStats(deps: StatsDeps, query: StatsQuery): Promise<Map<string, Stats>> {
  const counts = await countStats(deps, query)
  return new Map([...counts].map(([key, value]) => [key, statsOf(value)]))
}

export const EMPTY_STATS: Stats = statsOf({
  submitted: 0,
  decided: 0,
  decidedOnTime: 0,
  repliedAccepted: 0,
  repliedOnTime: 0,
  firstReplies: 0,
  firstReplyRatings: 0,
  ratings: 0,
  satisfiedRatings: 0,
  settledFirstReplies: 0,
  resolvedAtFirstReply: 0,
  handlingDaysTotal: 0,
  repeatPetitions: 0,
})

/** Names for the keys of a breakdown. */
export async function labelsOf(db: Db, group: GroupBy): Promise<Map<string, string>> {
  if (group === 'unit')
    return new Map((await db.select({ id: units.id, name: units.name }).from(units)).map((u) => [u.id, u.name]))
  if (group === 'category') {
    return new Map(
      (await db.select({ id: categories.id, name: categories.name }).from(categories)).map((c) => [c.id, c.name]),
    )
  }
  return new Map()
}
