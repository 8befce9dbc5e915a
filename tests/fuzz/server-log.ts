import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { isRecord } from './json-schema'

/** One JSON line of the API's log that says something went wrong on the server's side. */
export interface ServerFailure {
  line: number
  requestId: string | undefined
  method: string | undefined
  path: string | undefined
  status: number | undefined
  message: string
}

/** How many lines the copied log has now: a test reads only what came after. */
export function serverLogLength(logPath: string): number {
  return readFileSync(logPath, 'utf8').split('\n').length - 1
}

/**
 * Requests the server itself logged with a 5xx status, and errors it logged, from line `from` on. Waits for the
 * global setup to copy the latest lines first.
 */
export async function serverFailuresSince(logPath: string, from: number): Promise<ServerFailure[]> {
  await sleep(400)
  const lines = readFileSync(logPath, 'utf8').split('\n')
  const failures: ServerFailure[] = []
  for (let index = from; index < lines.length; index++) {
    const line = lines[index] ?? ''
    if (!line.startsWith('{')) continue
    let entry: unknown
    try {
      entry = JSON.parse(line)
    } catch {
      continue
    }
    if (!isRecord(entry)) continue
    const status = typeof entry.status === 'number' ? entry.status : undefined
    const isFailure = (status !== undefined && status >= 500) || entry.level === 'error'
    if (!isFailure) continue
    const error = isRecord(entry.error) ? entry.error : {}
    failures.push({
      line: index,
      requestId: typeof entry.requestId === 'string' ? entry.requestId : undefined,
      method: typeof entry.method === 'string' ? entry.method : undefined,
      path: typeof entry.path === 'string' ? entry.path : undefined,
      status,
      message: `${String(entry.msg)}${typeof error.message === 'string' ? `: ${error.message}` : ''}`,
    })
  }
  return failures
}
