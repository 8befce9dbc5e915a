/**
 * UUIDv7 (RFC 9562): time-ordered, so primary-key indexes append instead of scattering and cursors over ids
 * follow creation order. Monotonic within a process (RFC 9562 §6.2, method 1): ids made in the same
 * millisecond carry an increasing 12-bit counter, and a clock that steps back never produces a smaller id.
 * Timeline events written in one transaction therefore sort in the order they were written.
 */
let lastMs = 0
let sequence = 0

/**
 * Random bytes drawn from the CSPRNG 4 KiB at a time and each handed out once: one call per id cost as much as
 * the rest of making it, and a submission makes five ids.
 */
const POOL_BYTES = 4096
let pool = new Uint8Array(0)
let poolOffset = 0

function randomBytes16(): Uint8Array {
  if (poolOffset + 16 > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES))
    poolOffset = 0
  }
  const bytes = pool.slice(poolOffset, poolOffset + 16)
  poolOffset += 16
  return bytes
}

export function newId(now: number = Date.now()): string {
  let ms = Math.max(Math.trunc(now), lastMs)
  if (ms === lastMs) {
    sequence++
    if (sequence > 0xfff) {
      ms++
      sequence = 0
    }
  } else {
    sequence = 0
  }
  lastMs = ms
  const bytes = randomBytes16()
  let rest = ms
  for (let i = 5; i >= 0; i--) {
    bytes[i] = rest % 256
    rest = Math.floor(rest / 256)
  }
  bytes[6] = 0x70 | (sequence >> 8)
  bytes[7] = sequence & 0xff
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
