import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  addCalendarDays,
  DAY_MS,
  PETITION_STATUSES,
  type Stats,
  type StatsCounts,
  shanghaiDateOf,
  shanghaiTime,
  statsOf,
} from '@xinfang/shared'
import { eq, sql } from 'drizzle-orm'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { createTestContext, type TestContext } from '../../../test/test-app'
import type { Db } from '../../db/client'
import { MIGRATIONS_FOLDER } from '../../db/migrate'
import { categories, citizens, petitionStatsDaily, petitions, ratings, units } from '../../db/schema'
import { newId } from '../../lib/ids'
import { computeStats, countStats, type GroupBy, type StatsRange } from './compute-stats'

/*
 * The statistics are read from daily counters that triggers keep (migration 0006, docs/decisions/009). These
 * tests hold them to the definition: after any sequence of writes to petitions and ratings — not only the API's —
 * every breakdown equals the same measures counted directly from the rows, and the migration's backfill of an
 * existing database equals what the triggers kept.
 */

let context: TestContext
let db: Db

beforeEach(() => {
  context = createTestContext()
  db = context.database.db
})
afterEach(() => context.close())

/** The measures counted from the petitions and ratings themselves: the definition the counters must match. */
async function countedFromRows(
  range: StatsRange,
  group: GroupBy,
  now: number,
  unitId?: string,
): Promise<Map<string, Stats>> {
  const from = shanghaiTime(range.from)
  const to = shanghaiTime(addCalendarDays(range.to, 1))
  // The national rule written out: a reply's 复查 window runs to the end of the 30th Shanghai day after it, so at
  // `now` the replies from the start of the day 30 days before today on are still open.
  const settledBefore = shanghaiTime(addCalendarDays(shanghaiDateOf(now), -30))
  const unitFilter = unitId ? sql`AND p.handling_unit_id = ${unitId}` : sql``
  const key = {
    unit: sql`p.handling_unit_id`,
    category: sql`p.category_id`,
    month: sql`strftime('%Y-%m', (p.submitted_at + 28800000) / 1000, 'unixepoch')`,
    none: sql`'all'`,
  }[group]
  const rows = await db.all<Record<string, number | string>>(sql`
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
  const ratingRows = await db.all<Record<string, number | string>>(sql`
    SELECT ${key} AS key,
      count(*) AS ratings,
      sum(r.level IN ('satisfied', 'basically_satisfied')) AS satisfied,
      sum(r.stage = 'reply') AS firstReplyRatings
    FROM ratings r JOIN petitions p ON r.subject_kind = 'petition' AND r.subject_id = p.id
    WHERE p.submitted_at >= ${from} AND p.submitted_at < ${to} ${unitFilter}
    GROUP BY key`)
  const ratingsByKey = new Map(ratingRows.map((row) => [String(row.key), row]))
  const result = new Map<string, Stats>()
  for (const row of rows) {
    const rating = ratingsByKey.get(String(row.key))
    const counts: StatsCounts = {
      submitted: Number(row.submitted),
      decided: Number(row.decided),
      decidedOnTime: Number(row.decidedOnTime),
      repliedAccepted: Number(row.repliedAccepted),
      repliedOnTime: Number(row.repliedOnTime),
      firstReplies: Number(row.firstReplies),
      firstReplyRatings: Number(rating?.firstReplyRatings ?? 0),
      ratings: Number(rating?.ratings ?? 0),
      satisfiedRatings: Number(rating?.satisfied ?? 0),
      settledFirstReplies: Number(row.settled),
      resolvedAtFirstReply: Number(row.resolved),
      handlingDaysTotal: Number(row.handlingDays),
      repeatPetitions: Number(row.repeats),
    }
    result.set(String(row.key), statsOf(counts))
  }
  return result
}

/** mulberry32: the same writes on every run, so a failure can be replayed. */
function randomFrom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

const NOW = shanghaiTime('2026-11-23', '08:00')
const SPAN_START = shanghaiTime('2026-01-01')

/** Inserts, updates and deletes petitions and ratings at random, straight into the tables. */
async function writeAtRandom(seed: number, operations: number): Promise<void> {
  const random = randomFrom(seed)
  const pick = <T>(items: readonly T[]): T => {
    const item = items[Math.floor(random() * items.length)]
    if (item === undefined) throw new Error('pick from an empty list')
    return item
  }
  const maybe = <T>(value: () => T, share = 0.6): T | null => (random() < share ? value() : null)
  const instant = () => SPAN_START + Math.floor(random() * (NOW - SPAN_START))
  const unitIds = (await db.select({ id: units.id }).from(units)).map((row) => row.id)
  const categoryIds = (await db.select({ id: categories.id }).from(categories)).map((row) => row.id)
  const citizenId = newId(NOW)
  await db.insert(citizens).values({ id: citizenId, openid: `test:${seed}`, createdAt: NOW })
  const petitionIds: string[] = []
  const ratingIds: string[] = []
  const facts = () => {
    const acceptedAt = maybe(instant)
    return {
      handlingUnitId: pick(unitIds),
      categoryId: pick(categoryIds),
      decidedAt: acceptedAt ?? maybe(instant, 0.3),
      isDecidedOnTime: maybe(() => random() < 0.8),
      acceptedAt,
      firstRepliedAt: maybe(instant),
      isFirstReplyOnTime: maybe(() => random() < 0.8),
      // Some replies within the last 30 days, whose review window is still open.
      reviewRequestedAt: maybe(() => NOW - Math.floor(random() * 40 * DAY_MS), 0.2),
      possibleRepeatOfId: petitionIds.length > 0 ? maybe(() => pick(petitionIds), 0.1) : null,
    }
  }
  for (let i = 0; i < operations; i++) {
    const roll = random()
    if (roll < 0.35 || petitionIds.length === 0) {
      const id = newId(NOW)
      const submittedAt = instant()
      await db.insert(petitions).values({
        id,
        trackingNo: `XF-TEST-${seed}-${i}`,
        queryCodeHash: 'hash',
        citizenId,
        kind: pick(['complaint', 'suggestion', 'report', 'inquiry'] as const),
        title: '测试事项',
        contentEnc: 'ciphertext',
        status: pick(PETITION_STATUSES),
        submittedAt,
        decideBy: submittedAt + 15 * DAY_MS,
        updatedAt: submittedAt,
        ...facts(),
      })
      petitionIds.push(id)
    } else if (roll < 0.6) {
      // Any subset of the counted columns, the submission day included.
      const all = { ...facts(), submittedAt: instant() }
      const changes = Object.fromEntries(Object.entries(all).filter(() => random() < 0.4))
      if (Object.keys(changes).length > 0) {
        await db
          .update(petitions)
          .set(changes)
          .where(eq(petitions.id, pick(petitionIds)))
      }
    } else if (roll < 0.85) {
      const id = newId(NOW)
      const inserted = await db
        .insert(ratings)
        .values({
          id,
          subjectKind: pick(['petition', 'petition', 'booking'] as const),
          subjectId: pick(petitionIds),
          stage: pick(['reply', 'review', 'recheck'] as const),
          citizenId,
          level: pick(['satisfied', 'basically_satisfied', 'dissatisfied'] as const),
          createdAt: instant(),
        })
        .onConflictDoNothing()
        .returning({ id: ratings.id })
      if (inserted.length > 0) ratingIds.push(id)
    } else if (roll < 0.92 && ratingIds.length > 0) {
      await db
        .update(ratings)
        .set({ level: pick(['satisfied', 'basically_satisfied', 'dissatisfied'] as const) })
        .where(eq(ratings.id, pick(ratingIds)))
    } else if (roll < 0.96 && ratingIds.length > 0) {
      await db.delete(ratings).where(eq(ratings.id, pick(ratingIds)))
    } else {
      const index = Math.floor(random() * petitionIds.length)
      const [id] = petitionIds.splice(index, 1)
      if (id !== undefined) await db.delete(petitions).where(eq(petitions.id, id))
    }
  }
}

const RANGES: StatsRange[] = [
  { from: '2026-01-01', to: '2026-11-23' },
  { from: '2026-03-15', to: '2026-08-31' },
]

async function expectEveryBreakdownToMatch(): Promise<void> {
  const [unit] = await db.select({ id: units.id }).from(units).limit(1)
  for (const range of RANGES) {
    for (const group of ['none', 'unit', 'category', 'month'] as const) {
      for (const unitId of [undefined, unit?.id]) {
        for (const now of [NOW, NOW + 20 * DAY_MS]) {
          const counted = await countedFromRows(range, group, now, unitId)
          expect(
            await computeStats({ db, deadlines: context.deadlines }, { range, group, now, unitId }),
            `${group} ${range.from}…${range.to}`,
          ).toEqual(counted)
        }
      }
    }
  }
}

test('every breakdown equals the measures counted from the rows, after any writes to petitions and ratings', async () => {
  await writeAtRandom(20_261_123, 400)
  const [petitionCount] = await db.select({ n: sql<number>`count(*)` }).from(petitions)
  expect(petitionCount?.n).toBeGreaterThan(50)
  await expectEveryBreakdownToMatch()
})

test("the migration's backfill of an existing database gives the counters the triggers kept", async () => {
  await writeAtRandom(7, 300)
  const kept = await db.select().from(petitionStatsDaily).where(sql`${petitionStatsDaily.submitted} <> 0`)
  const backfill = readFileSync(join(MIGRATIONS_FOLDER, '0006_petition_stats_triggers.sql'), 'utf8')
    .split('--> statement-breakpoint')
    .filter((statement) => statement.includes('INSERT INTO') && !statement.includes('CREATE TRIGGER'))
  expect(backfill).toHaveLength(2)
  await db.delete(petitionStatsDaily)
  for (const statement of backfill) await db.run(sql.raw(statement))
  const rebuilt = await db.select().from(petitionStatsDaily)
  const byKey = (rows: (typeof kept)[number][]) =>
    new Map(rows.map((row) => [`${row.day}|${row.unitId}|${row.categoryId}`, row]))
  expect(byKey(rebuilt)).toEqual(byKey(kept))
})

test('a first reply is unsettled until the end of the 30th Shanghai day after it, as its 复查 window runs, and settled from the next morning', async () => {
  const [unit] = await db.select({ id: units.id }).from(units).limit(1)
  const [category] = await db.select({ id: categories.id }).from(categories).limit(1)
  if (!unit || !category) throw new Error('the demo city has no units or categories')
  const citizenId = newId(NOW)
  await db.insert(citizens).values({ id: citizenId, openid: 'test:window', createdAt: NOW })
  // Replied at 00:30 on 23 October: 30 days end at 23:59:59.999 on 22 November; at 08:00 on 23 November the
  // window has just closed. A reply at 00:30 on 24 October is still open until the end of 23 November.
  const repliedAt = [shanghaiTime('2026-10-23', '00:30'), shanghaiTime('2026-10-24', '00:30')]
  for (const [index, firstRepliedAt] of repliedAt.entries()) {
    const submittedAt = shanghaiTime('2026-10-01', '09:00')
    await db.insert(petitions).values({
      id: newId(NOW),
      trackingNo: `XF-WINDOW-${index}`,
      queryCodeHash: 'hash',
      citizenId,
      kind: 'complaint',
      title: '测试事项',
      contentEnc: 'ciphertext',
      status: 'replied',
      submittedAt,
      decideBy: submittedAt + 15 * DAY_MS,
      updatedAt: firstRepliedAt,
      handlingUnitId: unit.id,
      categoryId: category.id,
      decidedAt: submittedAt,
      acceptedAt: submittedAt,
      isDecidedOnTime: true,
      firstRepliedAt,
      isFirstReplyOnTime: true,
    })
  }
  const settledAt = async (now: number) => {
    const counts = await countStats(
      { db, deadlines: context.deadlines },
      { range: { from: '2026-10-01', to: '2026-10-01' }, group: 'none', now },
    )
    return counts.get('all')?.settledFirstReplies
  }

  // 30 × 24 h after the second reply is 00:30 on 23 November, yet its window runs to the end of that day.
  expect(await settledAt(shanghaiTime('2026-11-22', '23:00'))).toBe(0)
  expect(await settledAt(shanghaiTime('2026-11-23', '08:00'))).toBe(1)
  expect(await settledAt(shanghaiTime('2026-11-23', '00:00') + DAY_MS - 1)).toBe(1)
  expect(await settledAt(shanghaiTime('2026-11-24', '00:00'))).toBe(2)
})
