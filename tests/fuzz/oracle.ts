import { PROBLEM_CONTENT_TYPE, ProblemSchema } from '@xinfang/shared'
import { encodeRequest, type RawOutcome, type RawRequest, sendRaw } from './raw-http'

/**
 * What every answer to a hostile request must satisfy, whoever sent it: never a 5xx, every 4xx an RFC 9457
 * problem+json document the shared schema accepts (with the status it is sent with), and never a 2xx for a
 * request that no correct server may accept (a body outside its schema, a forged token, a forbidden role).
 */

export interface FuzzCase {
  family: string
  /** What was done to the request, for people reading a failure. */
  label: string
  operation: string
  actor: string
  request: RawRequest
  /** Why a 2xx would be wrong, or null when any non-5xx answer is acceptable. */
  mustBeRefusedBecause: string | null
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
  if (outcome.kind === 'no-response') return fuzzCase.mayStaySilent ? null : 'the connection ended without an answer'
  const { status } = outcome
  if (status >= 500) return `a ${status} answer`
  if (status >= 400) {
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
  if (status >= 200 && status < 300 && fuzzCase.mustBeRefusedBecause !== null) {
    return `accepted (${status}) although ${fuzzCase.mustBeRefusedBecause}`
  }
  return null
}

export function record(tally: Tally, fuzzCase: FuzzCase, outcome: RawOutcome): void {
  tally.requests++
  if (fuzzCase.mustBeRefusedBecause !== null) tally.mustRefuse++
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
