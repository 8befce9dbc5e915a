import { type PublicStats, shanghaiDateOf } from '@xinfang/shared'
import { ABUSE_LIMITS, type LimitStore, windowLimiter } from '../../lib/rate-limit'
import { AppError } from '../app-error'
import { computeStats, EMPTY_STATS, rangeOf, type StatsDeps, type StatsRange } from './compute-stats'

/** Public statistics change slowly and are the first thing a journalist will hammer: five minutes in memory. */
export const PUBLIC_STATS_TTL_MS = 5 * 60 * 1000
/** Ranges kept at once; past it the least recently asked is dropped (never all of them). */
export const PUBLIC_STATS_CACHE_SIZE = 256

/**
 * The range a public statistics request really asks for, which is also its cache key. The schema admits whole
 * Shanghai dates only; days after today hold no petitions yet and add nothing, so `to` stops at today and `from`
 * at `to` — a year ending next month and one ending today are the same question, answered once.
 */
export function normalisePublicRange(query: { from?: string | undefined; to?: string | undefined }, now: number) {
  const today = shanghaiDateOf(now)
  const asked = rangeOf(query, now)
  const to = earlierOf(asked.to, today)
  return { from: earlierOf(asked.from, to), to } satisfies StatsRange
}

/** The earlier of two `YYYY-MM-DD` dates, which sort as text. */
function earlierOf(a: string, b: string): string {
  return a.localeCompare(b) <= 0 ? a : b
}

/**
 * `GET /stats/public` with its cache and its bound (docs/decisions/015-abuse-limits.md): a cached answer costs
 * nothing and is never limited; computing one costs tens of milliseconds of CPU on a large database, so each
 * caller address may have only a few computed per window. Callers asking for the same uncomputed range at once
 * share one computation.
 */
export function createPublicStatsReader(deps: StatsDeps & { limits: LimitStore }) {
  const cache = new Map<string, { at: number; stats: Promise<PublicStats> }>()
  const computations = windowLimiter(deps.limits, ABUSE_LIMITS.publicStatsComputationsByAddress)

  return async (
    query: { from?: string | undefined; to?: string | undefined },
    options: { address: string; now: number },
  ): Promise<PublicStats> => {
    const { now } = options
    const range = normalisePublicRange(query, now)
    const key = `${range.from}|${range.to}`
    const cached = cache.get(key)
    if (cached && now - cached.at < PUBLIC_STATS_TTL_MS) return cached.stats

    const wait = await computations.waitFor(options.address, now)
    if (wait > 0) {
      throw new AppError('RATE_LIMITED', {
        detail: '统计查询过于频繁，请稍后再试，或查询默认时间范围',
        headers: { 'retry-after': String(wait) },
      })
    }
    await computations.count(options.address, now)
    const stats = computePublicStats(deps, range, now)
    cache.delete(key)
    cache.set(key, { at: now, stats })
    // A failed computation must not stay cached for the next caller.
    stats.catch(() => {
      if (cache.get(key)?.stats === stats) cache.delete(key)
    })
    while (cache.size > PUBLIC_STATS_CACHE_SIZE) {
      const oldest = cache.keys().next()
      if (oldest.done) break
      cache.delete(oldest.value)
    }
    return stats
  }
}

async function computePublicStats(deps: StatsDeps, range: StatsRange, now: number): Promise<PublicStats> {
  const overall = (await computeStats(deps, { range, group: 'none', now })).get('all') ?? EMPTY_STATS
  const months = await computeStats(deps, { range, group: 'month', now })
  return {
    ...range,
    overall,
    byMonth: [...months.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([month, stats]) => ({ month, stats })),
    generatedAt: new Date(now).toISOString(),
  }
}
