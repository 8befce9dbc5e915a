import { createHash, createHmac } from 'node:crypto'

/*
 * SHA-256 and HMAC-SHA-256 of short values, synchronously. WebCrypto answers every call through a promise and the
 * thread pool — about 40 µs of CPU and a round trip for a hash of a few hundred bytes, against 2 µs here — and
 * hashes such as the audit chain's are taken inside the single writer, where every await holds up every other
 * write. Large inputs (attachments) still go to WebCrypto, off the event loop. See
 * docs/decisions/011-write-path-cpu.md.
 */

export function sha256Hex(value: string | Uint8Array): string {
  return createHash('sha256').update(value).digest('hex')
}

export function sha256Base64Url(value: string | Uint8Array): string {
  return createHash('sha256').update(value).digest('base64url')
}

/** Standard base64, as Content-Security-Policy hash sources are written. */
export function sha256Base64(value: string | Uint8Array): string {
  return createHash('sha256').update(value).digest('base64')
}

export function hmacSha256(key: Uint8Array, message: string | Uint8Array): Uint8Array {
  return createHmac('sha256', key).update(message).digest()
}
