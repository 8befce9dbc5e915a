import { type ErrorCode, PROBLEM_CONTENT_TYPE, ProblemSchema } from '@xinfang/shared'
import { encodeRequest, type RawOutcome, type RawRequest, sendRaw } from './raw-http'

/**
 * What every answer to a hostile request must satisfy, whoever sent it: never a 5xx, every 4xx an RFC 9457
 * problem+json document the shared schema accepts (with the status it is sent with), and never a 2xx for a
 * request that no correct server may accept (a body outside its schema, a forged token, a forbidden role).
 */

/** Why a request must be refused, and with which statuses. */
export interface Refusal {
  reason: string
  statuses: readonly number[]
  /** The problem code due with those statuses, when one rule alone decides the answer. */
  code?: ErrorCode
}

/**
 * Statuses that may come first whatever else is wrong: the body limit is checked before anything else, and a
 * rate limit may answer any request.
 */
const BODY_LIMIT_BYTES = 1024 * 1024
function alwaysAllowed(request: FuzzCase['request']): number[] {
  const declared = typeof request.contentLength === 'number' ? request.contentLength : 0
  const size = Math.max(declared, request.body?.length ?? 0, request.raw?.length ?? 0)
  return size > BODY_LIMIT_BYTES ? [413, 429] : [429]
}

export interface FuzzCase {
  family: string
  /** What was done to the request, for people reading a failure. */
  label: string
  operation: string
  actor: string
  request: RawRequest
  /** How a correct server must refuse the request, or null when any answer below 500 is acceptable. */
  refusal: Refusal | null
  /** The request announced more body than it sent: the server may rightly wait, and the client gives up. */
  mayStaySilent?: boolean
}

export interface Violation {
  problem: string
  case: FuzzCase
  outcome: string
}

export interface Tally {
  requests: number
  /** Requests a correct server must refuse (a 2xx would be a violation). */
  mustRefuse: number
  /** Status code (or `silent`) → count. */
  histogram: Map<string, number>
  violations: Violation[]
}

export function newTally(): Tally {
  return { requests: 0, mustRefuse: 0, histogram: new Map(), violations: [] }
}

export function mergeTallies(into: Tally, from: Tally): void {
  into.requests += from.requests
  into.mustRefuse += from.mustRefuse
  for (const [status, count] of from.histogram) into.histogram.set(status, (into.histogram.get(status) ?? 0) + count)
  into.violations.push(...from.violations)
}

function preview(bytes: Uint8Array, limit = 300): string {
  const text = Buffer.from(bytes).toString('utf8')
  const shown = text.length > limit ? `${text.slice(0, limit)}… (${bytes.length} bytes)` : text
  return JSON.stringify(shown)
}

function describeOutcome(outcome: RawOutcome): string {
  if (outcome.kind === 'no-response') return `no response (${outcome.reason})`
  return `${outcome.status} ${outcome.headers.get('content-type') ?? '(no content-type)'} ${preview(outcome.body, 200)}`
}

/** The first rule the answer breaks, or null. */
export function judge(fuzzCase: FuzzCase, outcome: RawOutcome): string | null {
  if (outcome.kind === 'no-response') {
    // A server may answer a large upload before reading it and close; the reset can swallow the answer.
    const isLarge = (fuzzCase.request.body?.length ?? 0) > BODY_LIMIT_BYTES
    return fuzzCase.mayStaySilent || isLarge ? null : 'the connection ended without an answer'
  }
  const { status } = outcome
  if (status >= 500) return `a ${status} answer`
  if (status >= 400) {
    const broken = problemFailure(outcome)
    if (broken) return broken
  }
  const { refusal } = fuzzCase
  if (refusal && !refusal.statuses.includes(status) && !alwaysAllowed(fuzzCase.request).includes(status)) {
    return `answered ${status} where ${refusal.statuses.join(' or ')} is due: ${refusal.reason}`
  }
  if (refusal?.code && refusal.statuses.includes(status) && !outcome.truncated) {
    const code = problemCodeOf(outcome)
    if (code !== refusal.code) return `answered ${status} ${code} where ${refusal.code} is due: ${refusal.reason}`
  }
  return null
}

function problemCodeOf(outcome: Extract<RawOutcome, { kind: 'response' }>): string {
  try {
    const problem = ProblemSchema.safeParse(JSON.parse(outcome.body.toString('utf8')))
    return problem.success ? problem.data.code : '(no problem code)'
  } catch {
    return '(no problem code)'
  }
}

/** What is wrong with a 4xx that should be an RFC 9457 problem, or null. */
function problemFailure(outcome: Extract<RawOutcome, { kind: 'response' }>): string | null {
  const { status } = outcome
  const contentType = outcome.headers.get('content-type') ?? ''
  if (!contentType.toLowerCase().startsWith(PROBLEM_CONTENT_TYPE)) {
    return `a ${status} that is not ${PROBLEM_CONTENT_TYPE} (${contentType || 'no content-type'})`
  }
  // A body cut short by a reset can only be judged by its head.
  if (outcome.truncated) return null
  let body: unknown
  try {
    body = JSON.parse(outcome.body.toString('utf8'))
  } catch {
    return `a ${status} problem whose body is not JSON`
  }
  const problem = ProblemSchema.safeParse(body)
  if (!problem.success)
    return `a ${status} problem the shared ProblemSchema refuses: ${problem.error.message.slice(0, 200)}`
  if (problem.data.status !== status) return `a problem saying status ${problem.data.status} sent as ${status}`
  return null
}

export function record(tally: Tally, fuzzCase: FuzzCase, outcome: RawOutcome): void {
  tally.requests++
  if (fuzzCase.refusal !== null) tally.mustRefuse++
  const key = outcome.kind === 'response' ? String(outcome.status) : 'silent'
  tally.histogram.set(key, (tally.histogram.get(key) ?? 0) + 1)
  const problem = judge(fuzzCase, outcome)
  if (problem) tally.violations.push({ problem, case: fuzzCase, outcome: describeOutcome(outcome) })
}

/** Sends every case, `concurrency` at a time, and tallies the answers. */
export async function runCases(
  port: number,
  cases: readonly FuzzCase[],
  options: { concurrency: number; timeoutMs: number; silentTimeoutMs: number },
): Promise<Tally> {
  const tally = newTally()
  let next = 0
  const worker = async () => {
    while (next < cases.length) {
      const fuzzCase = cases[next++]
      if (!fuzzCase) continue
      const outcome = await sendRaw(
        port,
        fuzzCase.request,
        fuzzCase.mayStaySilent ? options.silentTimeoutMs : options.timeoutMs,
      )
      record(tally, fuzzCase, outcome)
    }
  }
  await Promise.all(Array.from({ length: Math.min(options.concurrency, cases.length) }, worker))
  return tally
}

export function formatHistogram(histogram: ReadonlyMap<string, number>): string {
  return [...histogram]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, count]) => `${status}×${count}`)
    .join('  ')
}

/** A violation written so that the request can be sent again by hand: method, target, headers, body. */
export function formatViolation(violation: Violation, port: number): string {
  const { request } = violation.case
  const wire = encodeRequest(port, request)
  const headEnd = wire.indexOf('\r\n\r\n')
  const head = wire.subarray(0, headEnd < 0 ? wire.length : headEnd).toString('utf8')
  const body = headEnd < 0 ? new Uint8Array() : wire.subarray(headEnd + 4)
  return [
    `✗ ${violation.problem}`,
    `  ${violation.case.family} · ${violation.case.label} · as ${violation.case.actor} · ${violation.case.operation}`,
    ...head.split('\r\n').map((line) => `  > ${JSON.stringify(line).slice(1, -1).slice(0, 400)}`),
    `  > body ${preview(body)}`,
    `  < ${violation.outcome}`,
  ].join('\n')
}
