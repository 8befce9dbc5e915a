import { randomFillSync } from 'node:crypto'

/*
 * UUIDv7 for rows seeded in bulk, in the format of `api/src/lib/ids.ts` (48-bit millisecond time, version 7,
 * RFC 9562 variant). The API's `newId` is monotonic per process and so clamps any time earlier than the last one
 * it issued; seeded rows need ids for their own (past) submission times, a million at a time.
 */

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'))
const POOL_BYTES = 16 * 4096
const pool = new Uint8Array(POOL_BYTES)
let offset = POOL_BYTES

function hex(bytes: Uint8Array, from: number, to: number): string {
  let text = ''
  for (let i = from; i < to; i++) text += HEX[bytes[i] ?? 0]
  return text
}

const bytes = new Uint8Array(16)

function setTime(ms: number): void {
  let rest = Math.trunc(ms)
  for (let i = 5; i >= 0; i--) {
    bytes[i] = rest % 256
    rest = Math.floor(rest / 256)
  }
}

function format(): string {
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f)
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  return `${hex(bytes, 0, 4)}-${hex(bytes, 4, 6)}-${hex(bytes, 6, 8)}-${hex(bytes, 8, 10)}-${hex(bytes, 10, 16)}`
}

export function uuidV7At(ms: number): string {
  if (offset + 10 > POOL_BYTES) {
    randomFillSync(pool)
    offset = 0
  }
  setTime(ms)
  bytes.set(pool.subarray(offset, offset + 10), 6)
  offset += 10
  return format()
}

/** The same format with its random bits drawn from `random` (values in [0, 1)): reproducible ids. */
export function uuidV7With(ms: number, random: () => number): string {
  setTime(ms)
  for (let i = 6; i < 16; i++) bytes[i] = Math.floor(random() * 256)
  return format()
}
