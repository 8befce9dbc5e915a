import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { vi } from 'vitest'
import type { FuzzServer } from './fuzz-env'
import { isRecord } from './json-schema'
import { sendRaw } from './raw-http'

/** A request the server itself logged with a 5xx status or an error, its log lines joined by request id. */
export interface ServerFailure {
  requestId: string | undefined
  method: string | undefined
  path: string | undefined
  status: number | undefined
  errors: string[]
}

/**
 * Where the log stands now, in lines, once every request answered so far has been copied: a test reads only what
 * comes after.
 */
export async function serverLogLength(server: Pick<FuzzServer, 'port' | 'logPath'>): Promise<number> {
  return (await logUpToMarker(server)).split('\n').length - 1
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
 * Sends one request tagged with a fresh request id and waits until its access-log line has been copied to the log:
 * every request answered before it was sent is logged by then, since the server logs a request as it answers it.
 * Returns the log's text up to that line.
 */
async function logUpToMarker(server: Pick<FuzzServer, 'port' | 'logPath'>): Promise<string> {
  const marker = `log-marker-${randomUUID()}`
  // On a connection of its own: a pooled keep-alive one may be closed by the server just as it is reused.
  const answer = await sendRaw(server.port, { method: 'GET', target: '/health', headers: [['X-Request-Id', marker]] })
  if (answer.kind !== 'response') throw new Error(`the log marker request got no answer: ${answer.reason}`)
  return vi.waitFor(
    () => {
      const text = readFileSync(server.logPath, 'utf8')
      const at = text.indexOf(`"requestId":"${marker}"`)
      if (at < 0) throw new Error(`the server's log has no line for request ${marker} yet`)
      return text.slice(0, text.lastIndexOf('\n', at) + 1)
    },
    { timeout: 30_000, interval: 50 },
  )
}

/**
 * What went wrong on the server's side from line `from` on: requests logged with a 5xx (answered or not — a
 * client that hung up never sees it) and errors, one entry per request. Reads up to a marker request sent now, so
 * that every line of the requests before it has been copied.
 */
export async function serverFailuresSince(
  server: Pick<FuzzServer, 'port' | 'logPath'>,
  from: number,
): Promise<ServerFailure[]> {
  const log = await logUpToMarker(server)
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
  const entries = entriesOf(log, from)
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
