import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { isRecord } from './json-schema'

/** A request the server itself logged with a 5xx status or an error, its log lines joined by request id. */
export interface ServerFailure {
  requestId: string | undefined
  method: string | undefined
  path: string | undefined
  status: number | undefined
  errors: string[]
}

/** How many lines the copied log has now: a test reads only what came after. */
export function serverLogLength(logPath: string): number {
  return readFileSync(logPath, 'utf8').split('\n').length - 1
}

function entriesOf(text: string, from: number): Record<string, unknown>[] {
  return text
    .split('\n')
    .slice(from)
    .flatMap((line) => {
      if (!line.startsWith('{')) return []
      try {
        const entry: unknown = JSON.parse(line)
        return isRecord(entry) ? [entry] : []
      } catch {
        return []
      }
    })
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined)

/**
 * What went wrong on the server's side from line `from` on: requests logged with a 5xx (answered or not — a
 * client that hung up never sees it) and errors, one entry per request. Waits for the global setup to copy the
 * latest lines first.
 */
export async function serverFailuresSince(logPath: string, from: number): Promise<ServerFailure[]> {
  await sleep(400)
  const failures = new Map<string, ServerFailure>()
  const failureOf = (requestId: string | undefined, line: number) => {
    const key = requestId ?? `line ${line}`
    const failure = failures.get(key) ?? {
      requestId,
      method: undefined,
      path: undefined,
      status: undefined,
      errors: [],
    }
    failures.set(key, failure)
    return failure
  }
  const entries = entriesOf(readFileSync(logPath, 'utf8'), from)
  const erroneous = new Set(
    entries
      .filter((entry) => entry.level === 'error' || (typeof entry.status === 'number' && entry.status >= 500))
      .map((entry) => text(entry.requestId)),
  )
  for (const [line, entry] of entries.entries()) {
    const requestId = text(entry.requestId)
    if (!erroneous.has(requestId)) continue
    if (requestId === undefined && entry.level !== 'error') continue
    const failure = failureOf(requestId, line)
    if (entry.msg === 'request') {
      failure.method = text(entry.method)
      failure.path = text(entry.path)
      failure.status = typeof entry.status === 'number' ? entry.status : undefined
    } else if (entry.level === 'error') {
      const error = isRecord(entry.error) ? text(entry.error.message) : undefined
      failure.errors.push(`${String(entry.msg)}${error ? `: ${error.replaceAll('\n', ' ').slice(0, 300)}` : ''}`)
    }
  }
  return [...failures.values()]
}

export function formatServerFailure(failure: ServerFailure): string {
  return (
    `✗ the server logged ${failure.status ?? 'an error'} for ${failure.method ?? '?'} ${failure.path ?? '?'} ` +
    `(request ${failure.requestId ?? '?'})${failure.errors.length > 0 ? `: ${failure.errors.join('; ')}` : ''}`
  )
}
