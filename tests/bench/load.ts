import { setMaxListeners } from 'node:events'
import http from 'node:http'

/*
 * A closed-loop load generator: N workers, each sending its next request as soon as the previous answer has been
 * read, over keep-alive connections, for a fixed time or a fixed number of requests, whichever comes first.
 * Closed loop means the server sets the pace, so requests/s is its throughput at that concurrency and the
 * latencies are what a client waits, queueing included. node:http rather than fetch: on Node 20 the bundled
 * undici costs several times more client CPU per request, and the client shares the two cores with the server.
 */

export interface LoadRequest {
  method: 'GET' | 'POST' | 'PUT'
  path: string
  headers?: Record<string, string>
  body?: string
  /**
   * Source address on the loopback network (all of 127.0.0.0/8 is local on Linux): how the benchmark stands for
   * many callers when the server limits per address.
   */
  localAddress?: string
}

export interface LoadResponse {
  status: number
  /** Decoded only when the phase asked to see bodies (`readBody`), to spare the client's CPU otherwise. */
  body: string
}

export interface LoadOptions {
  baseUrl: string
  concurrency: number
  durationMs: number
  /** Upper bound on requests sent; the phase also ends early when `next` has nothing left (returns null). */
  maxRequests: number
  next: (worker: number, sequence: number) => LoadRequest | null
  /** Sees every response (after its latency was recorded). */
  onResponse?: (request: LoadRequest, response: LoadResponse) => void
  readBody?: boolean
  /** Record into this histogram (to pool several rounds); a fresh one by default. */
  histogram?: LatencyHistogram
  /**
   * After the deadline no request starts, and those in flight are awaited — their time counts, so requests/s stays
   * the server's rate — but no longer than this; what is still open then is abandoned and counted as `unfinished`,
   * its age recorded as a lower bound of its latency.
   */
  drainLimitMs?: number
}

export interface LatencySummary {
  p50: number
  p90: number
  p99: number
  max: number
  mean: number
}

export interface LoadResult {
  requests: number
  elapsedMs: number
  perSecond: number
  /** Count per HTTP status, plus `error` for requests that got no HTTP answer at all. */
  statuses: Record<string, number>
  latencyMs: LatencySummary
  stoppedBy: 'time' | 'count' | 'exhausted'
  /** Requests abandoned after the drain limit (their ages are in the latencies as lower bounds). */
  unfinished: number
  /** Why requests got no HTTP answer (status `error`), by message. */
  errors: Record<string, number>
}

/**
 * Latencies in logarithmic buckets 1 % wide, from 10 µs to ~10 min: percentiles within 1 % whatever the count,
 * in constant memory.
 */
export class LatencyHistogram {
  static readonly #MIN_MS = 0.01
  static readonly #GROWTH = Math.log(1.01)
  readonly #counts = new Uint32Array(1800)
  #total = 0
  #sum = 0
  #max = 0

  record(ms: number): void {
    const index = Math.min(
      this.#counts.length - 1,
      Math.max(
        0,
        Math.floor(
          Math.log(Math.max(ms, LatencyHistogram.#MIN_MS) / LatencyHistogram.#MIN_MS) / LatencyHistogram.#GROWTH,
        ),
      ),
    )
    this.#counts[index] = (this.#counts[index] ?? 0) + 1
    this.#total++
    this.#sum += ms
    if (ms > this.#max) this.#max = ms
  }

  get count(): number {
    return this.#total
  }

  /** Adds another histogram's samples (to pool rounds of one series). */
  merge(other: LatencyHistogram): void {
    other.#counts.forEach((count, index) => {
      this.#counts[index] = (this.#counts[index] ?? 0) + count
    })
    this.#total += other.#total
    this.#sum += other.#sum
    if (other.#max > this.#max) this.#max = other.#max
  }

  /** The upper edge of the bucket holding the q-quantile (nearest rank). */
  quantile(q: number): number {
    if (this.#total === 0) return Number.NaN
    const rank = Math.max(1, Math.ceil(q * this.#total))
    let seen = 0
    for (let index = 0; index < this.#counts.length; index++) {
      seen += this.#counts[index] ?? 0
      if (seen >= rank)
        return Math.min(this.#max, LatencyHistogram.#MIN_MS * Math.exp((index + 1) * LatencyHistogram.#GROWTH))
    }
    return this.#max
  }

  summary(): LatencySummary {
    return {
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p99: this.quantile(0.99),
      max: this.#total === 0 ? Number.NaN : this.#max,
      mean: this.#total === 0 ? Number.NaN : this.#sum / this.#total,
    }
  }
}

function send(
  agent: http.Agent,
  origin: URL,
  request: LoadRequest,
  readBody: boolean,
  abandon: AbortSignal,
): Promise<LoadResponse | { status: 'error' | 'unfinished'; error: string }> {
  return new Promise((resolve) => {
    if (abandon.aborted) {
      resolve({ status: 'unfinished', error: 'abandoned' })
      return
    }
    const headers: Record<string, string | number> = { ...request.headers }
    if (request.body !== undefined) headers['content-length'] = Buffer.byteLength(request.body)
    const outgoing = http.request(
      {
        agent,
        host: origin.hostname,
        port: origin.port,
        method: request.method,
        path: request.path,
        headers,
        ...(request.localAddress === undefined ? {} : { localAddress: request.localAddress }),
      },
      (incoming) => {
        const chunks: Buffer[] = []
        incoming.on('data', (chunk: Buffer) => {
          if (readBody) chunks.push(chunk)
        })
        incoming.on('end', () =>
          resolve({ status: incoming.statusCode ?? 0, body: readBody ? Buffer.concat(chunks).toString('utf8') : '' }),
        )
        incoming.on('error', (error) => resolve({ status: 'error', error: error.message }))
      },
    )
    outgoing.on('error', (error) =>
      resolve(
        abandon.aborted ? { status: 'unfinished', error: 'abandoned' } : { status: 'error', error: error.message },
      ),
    )
    const onAbandon = () => outgoing.destroy()
    abandon.addEventListener('abort', onAbandon, { once: true })
    outgoing.on('close', () => abandon.removeEventListener('abort', onAbandon))
    outgoing.end(request.body)
  })
}

/** Runs one closed-loop phase and summarizes it. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const origin = new URL(options.baseUrl)
  // maxSockets is per origin *and* source address (Agent#getName), so one agent serves every address.
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency, scheduling: 'lifo' })
  const histogram = options.histogram ?? new LatencyHistogram()
  const statuses: Record<string, number> = {}
  const errors: Record<string, number> = {}
  const readBody = options.readBody ?? options.onResponse !== undefined
  const abandon = new AbortController()
  // One listener per request in flight.
  setMaxListeners(options.concurrency + 10, abandon.signal)
  let sent = 0
  let recorded = 0
  let unfinished = 0
  let isExhausted = false
  const started = performance.now()
  const deadline = started + options.durationMs
  const drainTimer = setTimeout(() => abandon.abort(), options.durationMs + (options.drainLimitMs ?? 30_000))

  const worker = async (index: number) => {
    while (!isExhausted && sent < options.maxRequests && performance.now() < deadline) {
      const request = options.next(index, sent)
      if (request === null) {
        isExhausted = true
        break
      }
      sent++
      const before = performance.now()
      const response = await send(agent, origin, request, readBody, abandon.signal)
      histogram.record(performance.now() - before)
      recorded++
      const key = String(response.status)
      statuses[key] = (statuses[key] ?? 0) + 1
      if (response.status === 'unfinished') unfinished++
      else if ('body' in response) options.onResponse?.(request, response)
      else errors[response.error] = (errors[response.error] ?? 0) + 1
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, (_, index) => worker(index)))
  clearTimeout(drainTimer)
  const elapsedMs = performance.now() - started
  agent.destroy()
  const answered = recorded - unfinished
  return {
    requests: answered,
    elapsedMs,
    perSecond: (answered / elapsedMs) * 1000,
    statuses,
    latencyMs: histogram.summary(),
    stoppedBy: isExhausted ? 'exhausted' : sent >= options.maxRequests ? 'count' : 'time',
    unfinished,
    errors,
  }
}

/** Count of responses with a status in [from, to). */
export function countStatuses(result: Pick<LoadResult, 'statuses'>, from: number, to: number): number {
  return Object.entries(result.statuses)
    .filter(([status]) => status !== 'error' && Number(status) >= from && Number(status) < to)
    .reduce((sum, [, count]) => sum + count, 0)
}
