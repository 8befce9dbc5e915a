import { CHECK_IN_CODE_ALPHABET, CHECK_IN_CODE_LENGTH } from '@xinfang/shared'
import type { KeyBytes, Keyring } from '../privacy/keyring'

/**
 * 签到码: the first 50 bits of HMAC-SHA-256(index key, booking id), written in a 32-character alphabet. The code
 * is stored with the booking so that a typed or scanned code is one indexed lookup, and it is verified against
 * the booking id on every check-in, so a code written into the database by anyone without the key does not
 * pass. 50 bits make guessing any live code hopeless (with a million live bookings, ~10⁻⁹ per try).
 */

const PURPOSE = 'xinfang-check-in:v1'
const keys = new WeakMap<KeyBytes, Promise<CryptoKey>>()

function hmacKey(raw: KeyBytes): Promise<CryptoKey> {
  let key = keys.get(raw)
  if (!key) {
    key = crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    keys.set(raw, key)
  }
  return key
}

export async function checkInCodeFor(keyring: Keyring, bookingId: string): Promise<string> {
  const mac = new Uint8Array(
    await crypto.subtle.sign(
      'HMAC',
      await hmacKey(keyring.indexKey),
      new TextEncoder().encode(`${PURPOSE}\u0000${bookingId}`),
    ),
  )
  let code = ''
  let buffer = 0
  let bits = 0
  for (const byte of mac) {
    buffer = (buffer << 8) | byte
    bits += 8
    while (bits >= 5 && code.length < CHECK_IN_CODE_LENGTH) {
      bits -= 5
      code += CHECK_IN_CODE_ALPHABET.charAt((buffer >> bits) & 31)
    }
    buffer &= (1 << bits) - 1
    if (code.length === CHECK_IN_CODE_LENGTH) break
  }
  return code
}

/** Whether `code` is the one this keyring issues for `bookingId`, compared in constant time. */
export async function isCheckInCodeValid(keyring: Keyring, bookingId: string, code: string): Promise<boolean> {
  const expected = await checkInCodeFor(keyring, bookingId)
  if (expected.length !== code.length) return false
  let difference = 0
  for (let i = 0; i < expected.length; i++) difference |= expected.charCodeAt(i) ^ code.charCodeAt(i)
  return difference === 0
}
