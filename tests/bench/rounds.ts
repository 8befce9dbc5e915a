import { LatencyHistogram, type LatencySummary, type LoadOptions, runLoad } from './load'
import { processCpuMs } from './process-cpu'

/*
 * Interleaved rounds: the contenders of one comparison (the API and its ceiling, the same read at 10 thousand
 * and at 1 million rows) take turns in short rounds, in alternating order (A B C, C B A, A B C …), and each one's
 * rounds are pooled. On a shared two-core machine whose speed drifts by a factor of two within a minute, a
 * comparison of two phases run one after the other measures the drift; interleaving spreads it over both sides.
 */

export interface RoundOutcome {
  requests: number
  elapsedMs: number
  statuses: Record<string, number>
  errors: Record<string, number>
  unfinished: number
  isExhausted: boolean
}

export interface Contender {
  name: string
  /** One round of about `durationMs` (plus the drain of what is in flight), latencies into `histogram`. */
  round(durationMs: number, histogram: LatencyHistogram): Promise<RoundOutcome>
  /** Cumulative CPU milliseconds of the process doing the work (the server), read before and after each round. */
  cpuMs?: () => number
}

export interface SeriesResult {
  name: string
  requests: number
  elapsedMs: number
  /** Pooled: all requests of all rounds over all their time. */
  perSecond: number
  roundRates: number[]
  statuses: Record<string, number>
  /** Why requests got no HTTP answer, by message (connection errors). */
  errors: Record<string, number>
  latencyMs: LatencySummary
  /** CPU the serving process spent per answered request, and its average share of one core while measured. */
  cpuMsPerRequest: number
  coresBusy: number
  unfinished: number
  /** `slow`: a round took far longer than planned (draining a backlog), so the series stopped after it. */
  stoppedBy: 'rounds' | 'exhausted' | 'slow'
}

export interface InterleaveOptions {
  rounds: number
  roundMs: number
  /** One unrecorded round per contender first: JIT, SQLite page cache, keep-alive connections. */
  warmupMs: number
}

/** A round longer than this many planned rounds ends the series: one such round already dwarfs the others. */
const SLOW_ROUND_FACTOR = 4

export async function interleave(
  contenders: readonly Contender[],
  options: InterleaveOptions,
): Promise<SeriesResult[]> {
  const series = contenders.map((contender) => ({
    contender,
    histogram: new LatencyHistogram(),
    requests: 0,
    elapsedMs: 0,
    roundRates: [] as number[],
    statuses: {} as Record<string, number>,
    errors: {} as Record<string, number>,
    unfinished: 0,
    cpuMs: 0,
    stoppedBy: 'rounds' as SeriesResult['stoppedBy'],
    isDone: false,
  }))
  if (options.warmupMs > 0) {
    for (const entry of series) {
      const warmup = await entry.contender.round(options.warmupMs, new LatencyHistogram())
      if (warmup.isExhausted) {
        entry.isDone = true
        entry.stoppedBy = 'exhausted'
      }
    }
  }
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? series : [...series].reverse()
    for (const entry of order) {
      if (entry.isDone) continue
      const cpuBefore = entry.contender.cpuMs?.() ?? Number.NaN
      const outcome = await entry.contender.round(options.roundMs, entry.histogram)
      entry.cpuMs += (entry.contender.cpuMs?.() ?? Number.NaN) - cpuBefore
      entry.requests += outcome.requests
      entry.elapsedMs += outcome.elapsedMs
      entry.unfinished += outcome.unfinished
      entry.roundRates.push((outcome.requests / outcome.elapsedMs) * 1000)
      for (const [status, count] of Object.entries(outcome.statuses)) {
        entry.statuses[status] = (entry.statuses[status] ?? 0) + count
      }
      for (const [message, count] of Object.entries(outcome.errors)) {
        entry.errors[message] = (entry.errors[message] ?? 0) + count
      }
      if (outcome.isExhausted) {
        entry.isDone = true
        entry.stoppedBy = 'exhausted'
      } else if (outcome.elapsedMs > SLOW_ROUND_FACTOR * options.roundMs) {
        entry.isDone = true
        entry.stoppedBy = 'slow'
      }
    }
  }
  return series.map((entry) => ({
    name: entry.contender.name,
    requests: entry.requests,
    elapsedMs: entry.elapsedMs,
    perSecond: entry.elapsedMs > 0 ? (entry.requests / entry.elapsedMs) * 1000 : Number.NaN,
    roundRates: entry.roundRates,
    statuses: entry.statuses,
    errors: entry.errors,
    latencyMs: entry.histogram.summary(),
    cpuMsPerRequest: entry.cpuMs / entry.requests,
    coresBusy: entry.cpuMs / entry.elapsedMs,
    unfinished: entry.unfinished,
    stoppedBy: entry.stoppedBy,
  }))
}

/** An HTTP workload as a contender: every round is one closed-loop run of `runLoad`. */
export function httpContender(
  name: string,
  options: Omit<LoadOptions, 'durationMs' | 'histogram' | 'maxRequests'> & { maxRequests?: number; serverPid?: number },
): Contender {
  let sent = 0
  const maxRequests = options.maxRequests ?? Number.POSITIVE_INFINITY
  const { serverPid } = options
  return {
    name,
    ...(serverPid === undefined ? {} : { cpuMs: () => processCpuMs(serverPid) }),
    async round(durationMs, histogram) {
      const result = await runLoad({
        ...options,
        durationMs,
        histogram,
        maxRequests: Math.max(0, maxRequests - sent),
      })
      sent += result.requests + result.unfinished
      return {
        requests: result.requests,
        elapsedMs: result.elapsedMs,
        statuses: result.statuses,
        errors: result.errors,
        unfinished: result.unfinished,
        isExhausted: result.stoppedBy !== 'time',
      }
    },
  }
}
