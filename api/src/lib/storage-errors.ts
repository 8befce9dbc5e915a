/**
 * SQLite result codes that mean "the store cannot take this right now", not "the request is wrong":
 * the client should retry later (503 with Retry-After), and the service recovers by itself when they clear.
 */
const UNAVAILABLE_CODES = new Set([
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_FULL',
  'SQLITE_IOERR',
  'SQLITE_CANTOPEN',
  'SQLITE_READONLY',
  'SQLITE_PROTOCOL',
  'SERVER_ERROR',
  'HRANA_WEBSOCKET_ERROR',
  'CLIENT_CLOSED',
])

export function isStorageUnavailable(error: unknown): boolean {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    const code = (current as Error & { code?: unknown }).code
    if (typeof code === 'string' && [...UNAVAILABLE_CODES].some((known) => code.startsWith(known))) return true
  }
  return false
}
