import { CHECK_IN_CODE_ALPHABET, CHECK_IN_CODE_LENGTH } from '@xinfang/shared'
import { hmacSha256 } from '../../lib/digest'
import { blindIndex } from '../privacy/field-crypto'
import type { Keyring } from '../privacy/keyring'

/**
 * 签到码: the first 50 bits of HMAC-SHA-256(index key, booking id), written in a 32-character alphabet. The code
 * is what a citizen shows at the door, so it is never stored: views derive it from the booking id, and the booking
 * keeps only its blind index (`check_in_code_index`), so that a typed or scanned code is one indexed lookup. It is
 * verified against the booking id on every check-in, so an index written into the database by anyone without the
 * key does not pass. 50 bits make guessing any live code hopeless (with a million live bookings, ~10⁻⁹ per try).
 */

const PURPOSE = 'xinfang-check-in:v1'
export const CHECK_IN_CODE_INDEX = 'bookings.check_in_code'

export async function checkInCodeFor(keyring: Keyring, bookingId: string): Promise<string> {
  const mac = hmacSha256(keyring.indexKey, `${PURPOSE}\u0000${bookingId}`)
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

/** The stored form of a booking's check-in code: its blind index, by which a presented code is looked up. */
export async function checkInCodeIndexFor(keyring: Keyring, code: string): Promise<string> {
  return blindIndex(keyring, code, CHECK_IN_CODE_INDEX)
}
