import { CHECK_IN_CODE_ALPHABET, CHECK_IN_CODE_LENGTH } from '@xinfang/shared'
import { expect, test } from 'vitest'
import { newId } from '../../lib/ids'
import { createKeyringFile, keyringFromFile } from '../privacy/keyring'
import { checkInCodeFor, isCheckInCodeValid } from './check-in-code'

const keyring = keyringFromFile(createKeyringFile(), 'demo-file')
const otherKeyring = keyringFromFile(createKeyringFile(), 'demo-file')

test('a check-in code is ten characters of the unambiguous alphabet, the same every time for a booking', async () => {
  const id = newId()
  const code = await checkInCodeFor(keyring, id)
  expect(code).toHaveLength(CHECK_IN_CODE_LENGTH)
  expect([...code].every((char) => CHECK_IN_CODE_ALPHABET.includes(char))).toBe(true)
  expect(await checkInCodeFor(keyring, id)).toBe(code)
})

test('codes differ between bookings, and between services with different keys', async () => {
  const codes = new Set(await Promise.all(Array.from({ length: 2000 }, () => checkInCodeFor(keyring, newId()))))
  expect(codes.size).toBe(2000)
  const id = newId()
  expect(await checkInCodeFor(otherKeyring, id)).not.toBe(await checkInCodeFor(keyring, id))
})

test('a code verifies only against its own booking and key', async () => {
  const id = newId()
  const code = await checkInCodeFor(keyring, id)
  expect(await isCheckInCodeValid(keyring, id, code)).toBe(true)
  expect(await isCheckInCodeValid(keyring, newId(), code)).toBe(false)
  expect(await isCheckInCodeValid(otherKeyring, id, code)).toBe(false)
  expect(await isCheckInCodeValid(keyring, id, code.slice(0, 9))).toBe(false)
})
