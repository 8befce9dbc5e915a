import { afterEach, expect, test, vi } from 'vitest'
import {
  blindIndex,
  decryptField,
  encryptField,
  envelopeKeyId,
  FieldCryptoError,
  fieldAad,
  needsReencryption,
  normalizeForIndex,
} from './field-crypto'
import { createKeyringFile, type KeyringFile, keyringFromFile, rotateDataKey } from './keyring'

afterEach(() => {
  vi.restoreAllMocks()
})

function keyringOf(file: KeyringFile = createKeyringFile()) {
  return keyringFromFile(file, 'environment')
}

const ID_AAD = fieldAad('citizen_profiles', 'id_number', 'c_1')

/** Replaces one base64url character of an envelope part with another, changing the encoded bytes. */
function flipCharacter(envelope: string, partIndex: number, position = 2): string {
  const parts = envelope.split('.')
  const part = parts[partIndex]!
  const replacement = part[position] === 'A' ? 'B' : 'A'
  parts[partIndex] = part.slice(0, position) + replacement + part.slice(position + 1)
  return parts.join('.')
}

async function failureOf(promise: Promise<unknown>): Promise<FieldCryptoError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  )
  if (!(error instanceof FieldCryptoError)) throw new Error(`expected a FieldCryptoError, got ${String(error)}`)
  return error
}

test('a field decrypts to the plaintext it was encrypted from', async () => {
  const keyring = keyringOf()
  for (const plaintext of ['11010519491231002X', '北京市朝阳区建国路88号', '阿依古丽·买买提', '𠀋', '']) {
    const envelope = await encryptField(keyring, plaintext, ID_AAD)
    expect(await decryptField(keyring, envelope, ID_AAD)).toBe(plaintext)
  }
})

test('an envelope is v1, the key id, a 96-bit IV and the ciphertext with its tag, never the plaintext', async () => {
  const keyring = keyringOf()
  const envelope = await encryptField(keyring, '11010519491231002X', ID_AAD)
  expect(envelope).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/)
  // 18 bytes of plaintext + 16 bytes of tag = 34 bytes = 46 base64url characters.
  expect(envelope.split('.')[3]).toHaveLength(46)
  expect(envelope).not.toContain('11010519491231002X')
})

test('the same plaintext encrypts differently every time', async () => {
  const keyring = keyringOf()
  const envelopes = await Promise.all(Array.from({ length: 20 }, () => encryptField(keyring, '13812345678', ID_AAD)))
  expect(new Set(envelopes).size).toBe(20)
  expect(new Set(envelopes.map((envelope) => envelope.split('.')[2])).size).toBe(20)
})

test('a tampered ciphertext, tag or IV fails authentication', async () => {
  const keyring = keyringOf()
  const envelope = await encryptField(keyring, '11010519491231002X', ID_AAD)
  for (const tampered of [flipCharacter(envelope, 3), flipCharacter(envelope, 3, 44), flipCharacter(envelope, 2)]) {
    const error = await failureOf(decryptField(keyring, tampered, ID_AAD))
    expect(error.problem).toBe('authentication_failed')
    expect(error.message).toContain('altered')
  }
})

test('a ciphertext copied to another row or another column does not decrypt', async () => {
  const keyring = keyringOf()
  const envelope = await encryptField(keyring, '11010519491231002X', ID_AAD)
  const otherRow = await failureOf(decryptField(keyring, envelope, fieldAad('citizen_profiles', 'id_number', 'c_2')))
  expect(otherRow.problem).toBe('authentication_failed')
  expect(otherRow.message).toContain('citizen_profiles:id_number:c_2')
  const otherColumn = await failureOf(decryptField(keyring, envelope, fieldAad('citizen_profiles', 'phone', 'c_1')))
  expect(otherColumn.problem).toBe('authentication_failed')
})

test('an envelope naming a key that is not in the keyring fails with the key id in the message', async () => {
  const envelope = await encryptField(keyringOf(), '13812345678', ID_AAD)
  const unknown = envelope.replace(/^v1\.k1\./, 'v1.k9.')
  const error = await failureOf(decryptField(keyringOf(), unknown, ID_AAD))
  expect(error.problem).toBe('unknown_key')
  expect(error.message).toContain('"k9"')
})

test('a field does not decrypt under a different keyring that reuses the key id', async () => {
  const envelope = await encryptField(keyringOf(), '13812345678', ID_AAD)
  const error = await failureOf(decryptField(keyringOf(), envelope, ID_AAD))
  expect(error.problem).toBe('authentication_failed')
})

test('relabelling an envelope with another key id of the same keyring fails authentication', async () => {
  const rotated = rotateDataKey(createKeyringFile())
  const keyring = keyringOf(rotated)
  const envelope = await encryptField(keyring, '13812345678', ID_AAD)
  const relabelled = envelope.replace(/^v1\.k2\./, 'v1.k1.')
  expect((await failureOf(decryptField(keyring, relabelled, ID_AAD))).problem).toBe('authentication_failed')
})

test('malformed envelopes are refused as malformed', async () => {
  const keyring = keyringOf()
  const envelope = await encryptField(keyring, '13812345678', ID_AAD)
  const [, , iv, ciphertext] = envelope.split('.')
  for (const malformed of [
    '',
    '13812345678',
    envelope.replace(/^v1\./, 'v2.'),
    `v1.k1.${iv}`,
    `${envelope}.extra`,
    `v1.k1.${iv}.${ciphertext}!`,
    `v1.k1.${iv!.slice(0, 8)}.${ciphertext}`,
    `v1.k1.${iv}.AAAA`,
    `v1.k.1.${iv}.${ciphertext}`,
  ]) {
    expect((await failureOf(decryptField(keyring, malformed, ID_AAD))).problem).toBe('malformed_envelope')
  }
})

test('encryption without associated data is refused', async () => {
  const keyring = keyringOf()
  expect((await failureOf(encryptField(keyring, 'x', ''))).problem).toBe('invalid_argument')
})

test('after a rotation new writes carry the new key id and older envelopes still decrypt', async () => {
  const original = createKeyringFile()
  const before = keyringOf(original)
  const oldEnvelope = await encryptField(before, '11010519491231002X', ID_AAD)

  const after = keyringOf(rotateDataKey(original))
  const newEnvelope = await encryptField(after, '11010519491231002X', ID_AAD)

  expect(envelopeKeyId(oldEnvelope)).toBe('k1')
  expect(envelopeKeyId(newEnvelope)).toBe('k2')
  expect(await decryptField(after, oldEnvelope, ID_AAD)).toBe('11010519491231002X')
  expect(await decryptField(after, newEnvelope, ID_AAD)).toBe('11010519491231002X')
  expect(needsReencryption(after, oldEnvelope)).toBe(true)
  expect(needsReencryption(after, newEnvelope)).toBe(false)
})

test('a blind index is deterministic for one purpose and differs across purposes', async () => {
  const keyring = keyringOf()
  const first = await blindIndex(keyring, '13812345678', 'citizen_profiles.phone')
  expect(await blindIndex(keyring, '13812345678', 'citizen_profiles.phone')).toBe(first)
  expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/)
  expect(await blindIndex(keyring, '13812345678', 'citizen_profiles.id_number')).not.toBe(first)
  expect(await blindIndex(keyring, '13812345679', 'citizen_profiles.phone')).not.toBe(first)
})

test('a blind index differs under another index key and survives a data-key rotation', async () => {
  const file = createKeyringFile()
  const index = await blindIndex(keyringOf(file), '11010519491231002X', 'citizen_profiles.id_number')
  expect(await blindIndex(keyringOf(), '11010519491231002X', 'citizen_profiles.id_number')).not.toBe(index)
  expect(await blindIndex(keyringOf(rotateDataKey(file)), '11010519491231002X', 'citizen_profiles.id_number')).toBe(
    index,
  )
})

test('a blind index is taken over the normalised value', async () => {
  const keyring = keyringOf()
  const purpose = 'citizen_profiles.id_number'
  const index = await blindIndex(keyring, '11010519491231002X', purpose)
  expect(await blindIndex(keyring, ' 11010519491231002x ', purpose)).toBe(index)
  expect(await blindIndex(keyring, '１１０１０５１９４９１２３１００２Ｘ', purpose)).toBe(index)
  expect(normalizeForIndex('138 1234 5678')).toBe('13812345678')
})

test('a blind-index purpose that could blur the domain separation is refused', async () => {
  const keyring = keyringOf()
  for (const purpose of ['', 'Phone', 'phone\u0000id', 'a b']) {
    expect((await failureOf(blindIndex(keyring, '13812345678', purpose))).problem).toBe('invalid_argument')
  }
})

test('values written with WebCrypto AES-GCM decrypt, and values written now decrypt with WebCrypto', async () => {
  // Rows encrypted before the switch to node:crypto must stay readable, and the envelope must stay standard.
  const keyring = keyringOf()
  const keyId = keyring.currentDataKeyId
  const raw = keyring.dataKeys.get(keyId)
  if (raw === undefined) throw new Error('the test keyring has no current key')
  const key = await crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt'])
  const additionalData = new TextEncoder().encode(`v1.${keyId}|${ID_AAD}`)
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, key, new TextEncoder().encode('张三 110105')),
  )
  const base64Url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url')
  expect(await decryptField(keyring, `v1.${keyId}.${base64Url(iv)}.${base64Url(sealed)}`, ID_AAD)).toBe('张三 110105')

  const [, , ivText = '', sealedText = ''] = (await encryptField(keyring, '李四', ID_AAD)).split('.')
  const opened = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: Buffer.from(ivText, 'base64url'), additionalData },
    key,
    Buffer.from(sealedText, 'base64url'),
  )
  expect(new TextDecoder().decode(opened)).toBe('李四')
})
