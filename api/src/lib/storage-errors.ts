/**
 * SQLite result codes that mean "the store cannot take this right now", not "the request is wrong":
 * the client should retry later (503 with Retry-After), and the service recovers by itself when they clear.
 * Extended codes (SQLITE_IOERR_WRITE, SQLITE_BUSY_RECOVERY) count with their primary code.
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

/**
 * The same for files the service writes itself (attachments): no space left, over a quota or a file size limit,
 * a file system remounted read-only after errors, a failing disk.
 */
const UNAVAILABLE_ERRNOS = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EROFS', 'EIO'])

export function isStorageUnavailable(error: unknown): boolean {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    const code = Reflect.get(current, 'code')
    if (typeof code !== 'string') continue
    if (UNAVAILABLE_ERRNOS.has(code)) return true
    if ([...UNAVAILABLE_CODES].some((known) => code === known || code.startsWith(`${known}_`))) return true
  }
  return false
}
