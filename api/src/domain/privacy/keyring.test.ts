import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, test } from 'vitest'
import { loadConfig } from '../../env'
import { decryptField, encryptField } from './field-crypto'
import {
  createKeyringFile,
  demoKeyringPath,
  generateKeyringFile,
  KeyringError,
  keyringFileToEnv,
  keyringFromFile,
  loadKeyring,
  readKeyringFile,
  rotateDataKey,
  rotateKeyringFile,
} from './keyring'

/** The key settings a deployment with these variables gets, parsed as the API parses its configuration. */
const keysOf = (variables: Record<string, string>) => loadConfig(variables).keys

const directories: string[] = []

afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true })
})

function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'xinfang-keyring-'))
  directories.push(directory)
  return directory
}

const key = () => randomBytes(32).toString('base64')

function loadFailure(load: () => unknown): KeyringError {
  try {
    load()
  } catch (error) {
    if (error instanceof KeyringError) return error
    throw error
  }
  throw new Error('expected loadKeyring to throw')
}

const modeOf = (path: string) => statSync(path).mode & 0o777

test('demo mode generates a keyring file once, with mode 0600, and reuses it on the next start', () => {
  const dataDir = temporaryDirectory()
  const first = loadKeyring({ mode: 'demo', dataDir, keys: {} })
  const path = demoKeyringPath(dataDir)
  expect(path).toBe(join(dataDir, 'secrets', 'keys.json'))
  expect(modeOf(path)).toBe(0o600)
  expect(modeOf(join(dataDir, 'secrets'))).toBe(0o700)
  expect(first.source).toBe('demo-file')
  const written = readFileSync(path, 'utf8')

  const second = loadKeyring({ mode: 'demo', dataDir, keys: {} })
  expect(readFileSync(path, 'utf8')).toBe(written)
  expect(second.currentDataKeyId).toBe(first.currentDataKeyId)
  expect(second.dataKeys.get('k1')).toEqual(first.dataKeys.get('k1'))
  expect(second.indexKey).toEqual(first.indexKey)
  expect(second.tokenSecret).toEqual(first.tokenSecret)
})

test('data encrypted before a restart in demo mode still decrypts after it', async () => {
  const dataDir = temporaryDirectory()
  const envelope = await encryptField(loadKeyring({ mode: 'demo', dataDir, keys: {} }), '13812345678', 't:c:1')
  expect(await decryptField(loadKeyring({ mode: 'demo', dataDir, keys: {} }), envelope, 't:c:1')).toBe('13812345678')
})

test('a demo keyring file whose permissions were widened is narrowed back to 0600', () => {
  const dataDir = temporaryDirectory()
  loadKeyring({ mode: 'demo', dataDir, keys: {} })
  chmodSync(demoKeyringPath(dataDir), 0o644)
  loadKeyring({ mode: 'demo', dataDir, keys: {} })
  expect(modeOf(demoKeyringPath(dataDir))).toBe(0o600)
})

test('the generated keys are 32 random bytes each and the secrets differ', () => {
  const keyring = loadKeyring({ mode: 'demo', dataDir: temporaryDirectory(), keys: {} })
  const dataKey = keyring.dataKeys.get(keyring.currentDataKeyId)!
  expect(dataKey).toHaveLength(32)
  expect(keyring.indexKey).toHaveLength(32)
  expect(keyring.tokenSecret).toHaveLength(32)
  expect(keyring.indexKey).not.toEqual(dataKey)
  expect(keyring.tokenSecret).not.toEqual(keyring.indexKey)
  expect(keyring.auditKey).toHaveLength(32)
  expect(keyring.auditKey).not.toEqual(keyring.indexKey)
  expect(keyring.auditKey).not.toEqual(keyring.tokenSecret)
})

test('a demo keyring file from before the audit key gets one, and keeps every other secret', () => {
  const dataDir = temporaryDirectory()
  const path = demoKeyringPath(dataDir)
  const { auditKey: _absent, ...older } = createKeyringFile()
  mkdirSync(join(dataDir, 'secrets'), { recursive: true })
  writeFileSync(path, JSON.stringify(older), { mode: 0o600 })
  const keyring = loadKeyring({ mode: 'demo', dataDir, keys: {} })
  expect(keyring.auditKey).toHaveLength(32)
  expect(Buffer.from(keyring.indexKey).toString('base64')).toBe(older.indexKey)
  const again = loadKeyring({ mode: 'demo', dataDir, keys: {} })
  expect(again.auditKey).toEqual(keyring.auditKey)
})

test('a secrets directory whose keys.json has no audit key is refused in production', () => {
  const secretsDir = temporaryDirectory()
  const { auditKey: _absent, ...older } = createKeyringFile()
  writeFileSync(join(secretsDir, 'keys.json'), JSON.stringify(older))
  const error = loadFailure(() =>
    loadKeyring({ mode: 'production', dataDir: secretsDir, keys: keysOf({ XINFANG_SECRETS_DIR: secretsDir }) }),
  )
  expect(error.message).toContain('auditKey')
})

test('production mode without keys refuses to start and names the variables to set', () => {
  const dataDir = temporaryDirectory()
  const error = loadFailure(() => loadKeyring({ mode: 'production', dataDir, keys: {} }))
  for (const name of [
    'XINFANG_DATA_KEYS',
    'XINFANG_INDEX_KEY',
    'XINFANG_TOKEN_SECRET',
    'XINFANG_AUDIT_KEY',
    'XINFANG_SECRETS_DIR',
  ]) {
    expect(error.message).toContain(name)
  }
  expect(existsSync(demoKeyringPath(dataDir))).toBe(false)
})

test('production mode ignores a demo keyring file left in the data directory', () => {
  const dataDir = temporaryDirectory()
  loadKeyring({ mode: 'demo', dataDir, keys: {} })
  expect(() => loadKeyring({ mode: 'production', dataDir, keys: {} })).toThrow(KeyringError)
})

test('explicit variables are used in production, the first data key being the current one', () => {
  const [k2, k1, index, token] = [key(), key(), key(), key()]
  const keyring = loadKeyring({
    mode: 'production',
    dataDir: temporaryDirectory(),
    keys: keysOf({
      XINFANG_DATA_KEYS: `k2:${k2}, k1:${k1}`,
      XINFANG_INDEX_KEY: index,
      XINFANG_TOKEN_SECRET: token,
      XINFANG_AUDIT_KEY: key(),
    }),
  })
  expect(keyring.source).toBe('environment')
  expect(keyring.currentDataKeyId).toBe('k2')
  expect([...keyring.dataKeys.keys()]).toEqual(['k2', 'k1'])
  expect(Buffer.from(keyring.dataKeys.get('k1')!).toString('base64')).toBe(k1)
  expect(Buffer.from(keyring.indexKey).toString('base64')).toBe(index)
  expect(Buffer.from(keyring.tokenSecret).toString('base64')).toBe(token)
})

test('explicit variables win over a generated demo file in demo mode', () => {
  const dataDir = temporaryDirectory()
  const keyring = loadKeyring({
    mode: 'demo',
    dataDir,
    keys: keysOf({
      XINFANG_DATA_KEYS: `main:${key()}`,
      XINFANG_INDEX_KEY: key(),
      XINFANG_TOKEN_SECRET: key(),
      XINFANG_AUDIT_KEY: key(),
    }),
  })
  expect(keyring.currentDataKeyId).toBe('main')
  expect(existsSync(demoKeyringPath(dataDir))).toBe(false)
})

test('setting only some of the key variables is refused with the missing names', () => {
  const error = loadFailure(() =>
    loadKeyring({ mode: 'demo', dataDir: temporaryDirectory(), keys: keysOf({ XINFANG_DATA_KEYS: `k1:${key()}` }) }),
  )
  expect(error.message).toContain('missing: XINFANG_INDEX_KEY, XINFANG_TOKEN_SECRET, XINFANG_AUDIT_KEY')
})

test('keys of the wrong length, bad base64 or malformed key lists are refused', () => {
  const env = (dataKeys: string, indexKey = key()) => ({
    mode: 'production' as const,
    dataDir: temporaryDirectory(),
    keys: keysOf({
      XINFANG_DATA_KEYS: dataKeys,
      XINFANG_INDEX_KEY: indexKey,
      XINFANG_TOKEN_SECRET: key(),
      XINFANG_AUDIT_KEY: key(),
    }),
  })
  expect(loadFailure(() => loadKeyring(env(`k1:${randomBytes(16).toString('base64')}`))).message).toContain(
    'exactly 32 bytes',
  )
  expect(loadFailure(() => loadKeyring(env(`k1:${key()}`, randomBytes(16).toString('base64')))).message).toContain(
    'at least 32',
  )
  expect(loadFailure(() => loadKeyring(env('k1:not base64!'))).message).toContain('not base64')
  expect(loadFailure(() => loadKeyring(env(key()))).message).toContain('k2:<base64 of 32 bytes>')
  expect(loadFailure(() => loadKeyring(env(`k.1:${key()}`))).message).toContain('key ids')
  expect(loadFailure(() => loadKeyring(env(`k1:${key()},k1:${key()}`))).message).toContain('twice')
  expect(loadFailure(() => loadKeyring(env(' , '))).message).toContain('lists no key')
})

test('a secrets directory holding keys.json is used in production', () => {
  const secretsDir = temporaryDirectory()
  const file = rotateDataKey(createKeyringFile())
  writeFileSync(join(secretsDir, 'keys.json'), JSON.stringify(file))
  const keyring = loadKeyring({
    mode: 'production',
    dataDir: temporaryDirectory(),
    keys: keysOf({ XINFANG_SECRETS_DIR: secretsDir }),
  })
  expect(keyring.source).toBe('secrets-dir')
  expect(keyring.currentDataKeyId).toBe('k2')
  expect([...keyring.dataKeys.keys()]).toEqual(['k2', 'k1'])
})

test('a secrets directory without a valid keys.json is an error, not a reason to generate keys', () => {
  const secretsDir = temporaryDirectory()
  const options = {
    mode: 'demo' as const,
    dataDir: temporaryDirectory(),
    keys: keysOf({ XINFANG_SECRETS_DIR: secretsDir }),
  }
  expect(loadFailure(() => loadKeyring(options)).message).toContain('Cannot read the keyring file')
  writeFileSync(join(secretsDir, 'keys.json'), '{ not json')
  expect(loadFailure(() => loadKeyring(options)).message).toContain('not valid JSON')
  writeFileSync(join(secretsDir, 'keys.json'), JSON.stringify({ ...createKeyringFile(), currentDataKeyId: 'k7' }))
  expect(loadFailure(() => loadKeyring(options)).message).toContain('currentDataKeyId')
  expect(existsSync(demoKeyringPath(options.dataDir))).toBe(false)
})

test('generating a keyring file never replaces an existing one', () => {
  const path = join(temporaryDirectory(), 'secrets', 'keys.json')
  const first = generateKeyringFile(path)
  expect(modeOf(path)).toBe(0o600)
  expect(() => generateKeyringFile(path)).toThrow(expect.objectContaining({ code: 'EEXIST' }))
  expect(readKeyringFile(path)).toEqual(first)
})

test('rotation adds a new current data key and keeps the old keys, the index key and the token secret', () => {
  const original = createKeyringFile()
  const rotated = rotateDataKey(original)
  expect(rotated.currentDataKeyId).toBe('k2')
  expect(Object.keys(rotated.dataKeys)).toEqual(['k2', 'k1'])
  expect(rotated.dataKeys.k1).toBe(original.dataKeys.k1)
  expect(rotated.dataKeys.k2).not.toBe(original.dataKeys.k1)
  expect(rotated.indexKey).toBe(original.indexKey)
  expect(rotated.tokenSecret).toBe(original.tokenSecret)
  expect(rotateDataKey(rotated).currentDataKeyId).toBe('k3')
  expect(rotateDataKey(rotated, '2027-q1').currentDataKeyId).toBe('2027-q1')
  expect(() => rotateDataKey(rotated, 'k1')).toThrow('already exists')
  expect(() => rotateDataKey(rotated, 'k.3')).toThrow(KeyringError)
})

test('rotating a keyring file rewrites it privately and the loaded keyring writes under the new key', async () => {
  const dataDir = temporaryDirectory()
  const before = loadKeyring({ mode: 'demo', dataDir, keys: {} })
  const oldEnvelope = await encryptField(before, '11010519491231002X', 't:c:1')

  rotateKeyringFile(demoKeyringPath(dataDir))
  expect(modeOf(demoKeyringPath(dataDir))).toBe(0o600)
  const after = loadKeyring({ mode: 'demo', dataDir, keys: {} })
  expect(after.currentDataKeyId).toBe('k2')
  expect(await encryptField(after, 'x', 't:c:1')).toMatch(/^v1\.k2\./)
  expect(await decryptField(after, oldEnvelope, 't:c:1')).toBe('11010519491231002X')
})

test('a keyring file converts to the equivalent environment variables', () => {
  const file = rotateDataKey(createKeyringFile())
  const env = keyringFileToEnv(file)
  expect(env.XINFANG_DATA_KEYS).toBe(`k2:${file.dataKeys.k2},k1:${file.dataKeys.k1}`)
  const fromEnv = loadKeyring({ mode: 'production', dataDir: temporaryDirectory(), keys: keysOf(env) })
  const fromFile = keyringFromFile(file, 'secrets-dir')
  expect(fromEnv.dataKeys).toEqual(fromFile.dataKeys)
  expect(fromEnv.indexKey).toEqual(fromFile.indexKey)
})

test('the keyring file schema refuses unknown fields', () => {
  const secretsDir = temporaryDirectory()
  mkdirSync(secretsDir, { recursive: true })
  writeFileSync(join(secretsDir, 'keys.json'), JSON.stringify({ ...createKeyringFile(), extra: 1 }))
  expect(() =>
    loadKeyring({ mode: 'production', dataDir: secretsDir, keys: keysOf({ XINFANG_SECRETS_DIR: secretsDir }) }),
  ).toThrow(KeyringError)
})
