import { addCalendarDays, PublicStatsSchema, StaffStatsSchema, shanghaiDateOf } from '@xinfang/shared'
import { loopbackAddress, type Target } from './phases'
import { processCpuMs } from './process-cpu'

/*
 * The statistics at both sizes, one request at a time: a statistics page is one person's question, and the
 * targets (issue 9: public statistics under a second, the staff breakdown under two, at a million petitions) are
 * the time of one answer, not a throughput. Each read alternates between the two servers call by call, so both
 * files see the same machine, after one unrecorded call on each.
 *
 * The public statistics are cached per range for five minutes (api/src/domain/statistics/public-stats.ts). Every call here,
 * warm-up included, asks for a range no call asked for before — from 366, 367, 368 … days back to today, each
 * covering every seeded petition — so each answer is computed for it; the bench checks that from the answer's
 * `generatedAt`, which a cached answer would carry from an earlier call. The staff breakdown is never cached and
 * is asked as a clerk opens it: the default twelve months, as JSON by unit, category and month, and as CSV.
 */

export const STATS_GOALS_MS = { public: 1000, staff: 2000 } as const

export const STATS_READS = ['public', 'unit', 'category', 'month', 'csv'] as const
export type StatsRead = (typeof STATS_READS)[number]

export interface StatsCalls {
  name: string
  /** Every measured call's time, in order. */
  latencyMs: number[]
  /** Nearest rank: with fewer than 100 calls, p99 is the slowest. */
  p50: number
  p99: number
  /** CPU the server spent per call (clock ticks of 10 ms, summed over the calls). */
  cpuMsPerCall: number
  /** 受理总量 in the answers: every seeded petition falls in the ranges asked. */
  submitted: number
}

export interface StatsServer extends Target {
  /** A member of staff's bearer token on this server. */
  staffToken: string
}

interface Answer {
  ms: number
  submitted: number
}

function percentile(sorted: readonly number[], share: number): number {
  return sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)] ?? Number.NaN
}

async function ask(
  server: StatsServer,
  read: StatsRead,
  sequence: number,
): Promise<{ status: number; text: string; contentType: string; ms: number; sentAt: number; path: string }> {
  const today = shanghaiDateOf(Date.now())
  const path =
    read === 'public'
      ? `/api/v1/stats/public?from=${addCalendarDays(today, -(366 + sequence))}&to=${today}`
      : `/api/v1/staff/stats?groupBy=${read === 'csv' ? 'unit' : read}`
  // Each uncached public range from its own caller: one address may compute only a few (decision 015), and the
  // server trusts one proxy hop, which the bench plays.
  const headers: Record<string, string> =
    read === 'public'
      ? { 'x-forwarded-for': loopbackAddress(sequence) }
      : { authorization: `Bearer ${server.staffToken}`, accept: read === 'csv' ? 'text/csv' : 'application/json' }
  const sentAt = Date.now()
  const started = performance.now()
  const response = await fetch(`${server.baseUrl}${path}`, { headers })
  const text = await response.text()
  const ms = performance.now() - started
  return { status: response.status, text, contentType: response.headers.get('content-type') ?? '', ms, sentAt, path }
}

/** One call, its answer checked against the contract (and, for the public statistics, against the cache). */
async function timedCall(server: StatsServer, read: StatsRead, sequence: number): Promise<Answer> {
  const answer = await ask(server, read, sequence)
  if (answer.status !== 200) throw new Error(`${answer.path}: ${answer.status} ${answer.text.slice(0, 300)}`)
  if (read === 'public') {
    const stats = PublicStatsSchema.parse(JSON.parse(answer.text))
    // A clock read before the request was sent: an answer computed for this request cannot be older (same host).
    if (Date.parse(stats.generatedAt) < answer.sentAt) {
      throw new Error(`${answer.path} was answered from the cache (generated ${stats.generatedAt})`)
    }
    return { ms: answer.ms, submitted: stats.overall.submitted }
  }
  if (read === 'csv') {
    const lines = answer.text.replace('\uFEFF', '').trim().split('\r\n')
    if (!answer.contentType.includes('text/csv') || !lines[0]?.includes('及时受理率') || lines.length < 3) {
      throw new Error(`${answer.path} as CSV: ${answer.contentType}, ${lines.length} lines`)
    }
    const total = lines.at(-1)?.split(',')[1]
    return { ms: answer.ms, submitted: Number(total) }
  }
  const stats = StaffStatsSchema.parse(JSON.parse(answer.text))
  if (stats.groupBy !== read || stats.rows.length === 0) throw new Error(`${answer.path}: no ${read} rows`)
  return { ms: answer.ms, submitted: stats.overall.submitted }
}

function summarize(name: string, answers: readonly Answer[], cpuMs: number): StatsCalls {
  const latencyMs = answers.map((answer) => answer.ms)
  const sorted = [...latencyMs].sort((a, b) => a - b)
  return {
    name,
    latencyMs,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    cpuMsPerCall: cpuMs / answers.length,
    submitted: answers[answers.length - 1]?.submitted ?? Number.NaN,
  }
}

/** Every statistics read, `calls` times on each server, alternating (small, large, then large, small …). */
export async function measureStatistics(
  servers: { small: StatsServer; large: StatsServer },
  labels: { small: string; large: string },
  calls: number,
): Promise<Record<StatsRead, { small: StatsCalls; large: StatsCalls }>> {
  const result: Partial<Record<StatsRead, { small: StatsCalls; large: StatsCalls }>> = {}
  let sequence = 0
  for (const read of STATS_READS) {
    const sides = (['small', 'large'] as const).map((size) => ({
      size,
      server: servers[size],
      answers: [] as Answer[],
      cpuMs: 0,
    }))
    for (const side of sides) await timedCall(side.server, read, sequence++)
    for (let round = 0; round < calls; round++) {
      const order = round % 2 === 0 ? sides : [...sides].reverse()
      for (const side of order) {
        const cpuBefore = processCpuMs(side.server.pid)
        side.answers.push(await timedCall(side.server, read, sequence++))
        side.cpuMs += processCpuMs(side.server.pid) - cpuBefore
      }
    }
    const [small, large] = sides
    if (!small || !large) throw new Error('two servers expected')
    result[read] = {
      small: summarize(`${read} statistics @${labels.small}`, small.answers, small.cpuMs),
      large: summarize(`${read} statistics @${labels.large}`, large.answers, large.cpuMs),
    }
  }
  const { public: publicStats, unit, category, month, csv } = result
  if (!publicStats || !unit || !category || !month || !csv) throw new Error('a statistics read is missing')
  return { public: publicStats, unit, category, month, csv }
}
