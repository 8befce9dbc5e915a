import {
  addCalendarDays,
  DAY_MS,
  type Stats,
  type StatsCounts,
  shanghaiDateOf,
  shanghaiTime,
  statsOf,
} from '@xinfang/shared'
import { sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Db } from '../../db/client'
import { categories, units } from '../../db/schema'

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

const Count = z.coerce.number()
const RowSchema = z.object({
  key: z.string().nullable(),
  submitted: Count,
  decided: Count,
  decidedOnTime: Count,
  repliedAccepted: Count,
  repliedOnTime: Count,
  firstReplies: Count,
  settled: Count,
  resolved: Count,
  handlingDays: Count,
  repeats: Count,
})
const RatingRowSchema = z.object({
  key: z.string().nullable(),
  ratings: Count,
  satisfied: Count,
  firstReplyRatings: Count,
})

const groupKey = (group: GroupBy) => {
  switch (group) {
    case 'unit':
      return sql`p.handling_unit_id`
    case 'category':
      return sql`p.category_id`
    case 'month':
      return sql`strftime('%Y-%m', (p.submitted_at + 28800000) / 1000, 'unixepoch')`
    case 'none':
      return sql`'all'`
  }
}

/**
 * The measures of shared/src/statistics.ts for petitions submitted in the range, one aggregate query over the
 * petitions (by the submission-date index) and one over their ratings. A first reply counts as settled once its
 * review window (30 days) has passed or a review was requested.
 */
export async function computeStats(
  db: Db,
  range: StatsRange,
  group: GroupBy,
  now: number,
  unitId?: string,
): Promise<Map<string, Stats>> {
  const from = shanghaiTime(range.from)
  const to = shanghaiTime(addCalendarDays(range.to, 1))
  const settledBefore = now - 30 * DAY_MS
  const unitFilter = unitId ? sql`AND p.handling_unit_id = ${unitId}` : sql``
  const key = groupKey(group)
  const rows = await db.all(sql`
    SELECT ${key} AS key,
      count(*) AS submitted,
      sum(p.decided_at IS NOT NULL) AS decided,
      sum(coalesce(p.is_decided_on_time, 0)) AS decidedOnTime,
      sum(p.first_replied_at IS NOT NULL AND p.accepted_at IS NOT NULL) AS repliedAccepted,
      sum(p.first_replied_at IS NOT NULL AND p.accepted_at IS NOT NULL AND coalesce(p.is_first_reply_on_time, 0)) AS repliedOnTime,
      sum(p.first_replied_at IS NOT NULL) AS firstReplies,
      sum(p.first_replied_at IS NOT NULL AND (p.review_requested_at IS NOT NULL OR p.first_replied_at < ${settledBefore})) AS settled,
      sum(p.first_replied_at IS NOT NULL AND p.review_requested_at IS NULL AND p.first_replied_at < ${settledBefore}) AS resolved,
      coalesce(sum(CASE WHEN p.first_replied_at IS NOT NULL AND p.accepted_at IS NOT NULL
        THEN (p.first_replied_at - p.accepted_at) / 86400000.0 END), 0) AS handlingDays,
      sum(p.possible_repeat_of_id IS NOT NULL) AS repeats
    FROM petitions p
    WHERE p.submitted_at >= ${from} AND p.submitted_at < ${to} ${unitFilter}
    GROUP BY key`)
  const ratingRows = await db.all(sql`
    SELECT ${key} AS key,
      count(*) AS ratings,
      sum(r.level IN ('satisfied', 'basically_satisfied')) AS satisfied,
      sum(r.stage = 'reply') AS firstReplyRatings
    FROM ratings r JOIN petitions p ON r.subject_kind = 'petition' AND r.subject_id = p.id
    WHERE p.submitted_at >= ${from} AND p.submitted_at < ${to} ${unitFilter}
    GROUP BY key`)
  const ratingsByKey = new Map(
    z
      .array(RatingRowSchema)
      .parse(ratingRows)
      .map((r) => [r.key ?? '', r]),
  )
  const result = new Map<string, Stats>()
  for (const row of z.array(RowSchema).parse(rows)) {
    const rating = ratingsByKey.get(row.key ?? '')
    const counts: StatsCounts = {
      submitted: row.submitted,
      decided: row.decided,
      decidedOnTime: row.decidedOnTime,
      repliedAccepted: row.repliedAccepted,
      repliedOnTime: row.repliedOnTime,
      firstReplies: row.firstReplies,
      firstReplyRatings: rating?.firstReplyRatings ?? 0,
      ratings: rating?.ratings ?? 0,
      satisfiedRatings: rating?.satisfied ?? 0,
      settledFirstReplies: row.settled,
      resolvedAtFirstReply: row.resolved,
      handlingDaysTotal: row.handlingDays,
      repeatPetitions: row.repeats,
    }
    result.set(row.key ?? '', statsOf(counts))
  }
  return result
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
