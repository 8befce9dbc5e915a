import { randomBytes } from 'node:crypto'
import { chmodSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { z } from 'zod'
import type { KeySettings } from '../../env'

/**
 * The secrets of the service: personal-data encryption keys, the blind-index key, the access-token signing
 * secret and the audit-chain key. They come from configuration only — never from the database, so a stolen database file (or backup)
 * holds ciphertext and nothing that opens it.
 *
 * This is the one file of the privacy area that touches the file system; field-crypto.ts stays runtime-neutral.
 */

/** Raw key material backed by a plain ArrayBuffer, which is what WebCrypto's `importKey` accepts. */
export type KeyBytes = Uint8Array<ArrayBuffer>

export type Keyring = {
  /** The data-encryption key every new write uses. */
  readonly currentDataKeyId: string
  /** Every data-encryption key by id, current first: rows written under an older key still decrypt after rotation. */
  readonly dataKeys: ReadonlyMap<string, KeyBytes>
  /** HMAC-SHA-256 key of the blind indexes. Separate from the data keys and not rotated with them (see rotateDataKey). */
  readonly indexKey: KeyBytes
  /** HS256 secret that signs access tokens (jose takes it as is). */
  readonly tokenSecret: KeyBytes
  /**
   * HMAC-SHA-256 key of the audit chain and of the chain heads it publishes (docs/decisions/014): whoever can write
   * the database but does not hold it cannot rewrite the audit log undetected.
   */
  readonly auditKey: KeyBytes
  /** Where the keys came from, for the startup log line (never log the keys themselves). */
  readonly source: KeyringSource
}

export type KeyringSource = 'environment' | 'secrets-dir' | 'demo-file'

export type KeyringLoadOptions = {
  mode: 'demo' | 'production'
  /** The data directory; in demo mode the generated keys live in `<dataDir>/secrets/keys.json`. */
  dataDir: string
  /** The key variables as configured (Config.keys). */
  keys: KeySettings
}

/** The configuration variables, named once so every error message and document uses the same names. */
export const KEYRING_ENV = {
  dataKeys: 'XINFANG_DATA_KEYS',
  indexKey: 'XINFANG_INDEX_KEY',
  tokenSecret: 'XINFANG_TOKEN_SECRET',
  auditKey: 'XINFANG_AUDIT_KEY',
  secretsDir: 'XINFANG_SECRETS_DIR',
} as const

export const KEYRING_FILE_NAME = 'keys.json'

/** AES-256-GCM takes exactly 32 bytes; the HMAC keys take at least 32 (RFC 2104: no less than the output size). */
const DATA_KEY_BYTES = 32
const MIN_SECRET_BYTES = 32

/** A key id is written into every envelope (`v1.<kid>.…`), so it must not contain the separators `.`, `:` or `,`. */
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/

export class KeyringError extends Error {
  override name = 'KeyringError'
}

// ---------------------------------------------------------------------------------------------------------------
// The keyring file (secrets directory, demo data directory)
// ---------------------------------------------------------------------------------------------------------------

const Base64KeySchema = z.string().regex(/^[A-Za-z0-9+/_-]+={0,2}$/, 'must be base64')

/**
 * `keys.json`: the same secrets as the variables, base64-encoded. `auditKey` came later: a demo file without it
 * gets one on the next start; a secrets directory without it is refused.
 */
export const KeyringFileSchema = z
  .strictObject({
    version: z.literal(1),
    currentDataKeyId: z.string().regex(KEY_ID_PATTERN),
    dataKeys: z.record(z.string().regex(KEY_ID_PATTERN), Base64KeySchema),
    indexKey: Base64KeySchema,
    tokenSecret: Base64KeySchema,
    auditKey: Base64KeySchema.optional(),
  })
  .refine((file) => Object.hasOwn(file.dataKeys, file.currentDataKeyId), {
    path: ['currentDataKeyId'],
    message: 'must name one of dataKeys',
  })
export type KeyringFile = z.infer<typeof KeyringFileSchema>

function decodeKey(value: string, what: string, exactBytes?: number): KeyBytes {
  const trimmed = value.trim()
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) throw new KeyringError(`${what} is not base64.`)
  const bytes = new Uint8Array(Buffer.from(trimmed, 'base64'))
  if (exactBytes !== undefined && bytes.length !== exactBytes) {
    throw new KeyringError(
      `${what} must be exactly ${exactBytes} bytes (base64 of 32 random bytes), got ${bytes.length}.`,
    )
  }
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new KeyringError(`${what} must be at least ${MIN_SECRET_BYTES} random bytes, got ${bytes.length}.`)
  }
  return bytes
}

function encodeKey(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64')
}

function freshKey(bytes = DATA_KEY_BYTES): string {
  return encodeKey(randomBytes(bytes))
}

/** Builds a keyring from the file form, checking every key's length. */
export function keyringFromFile(file: KeyringFile, source: KeyringSource): Keyring {
  if (file.auditKey === undefined) {
    throw new KeyringError(
      `The keyring has no audit key: add "auditKey" (base64 of 32 random bytes, e.g. openssl rand -base64 32).`,
    )
  }
  const dataKeys = new Map<string, KeyBytes>()
  // The current key first, then the others in file order: the map's order is the keyring's history, newest first.
  for (const id of [file.currentDataKeyId, ...Object.keys(file.dataKeys)]) {
    const value = file.dataKeys[id]
    if (value !== undefined && !dataKeys.has(id)) dataKeys.set(id, decodeKey(value, `Data key "${id}"`, DATA_KEY_BYTES))
  }
  return Object.freeze({
    currentDataKeyId: file.currentDataKeyId,
    dataKeys,
    indexKey: decodeKey(file.indexKey, 'The index key'),
    tokenSecret: decodeKey(file.tokenSecret, 'The token secret'),
    auditKey: decodeKey(file.auditKey, 'The audit key'),
    source,
  })
}

/** New random secrets: one data key `k1`, an index key, a token secret and an audit key, 32 bytes each. */
export function createKeyringFile(): KeyringFile {
  return {
    version: 1,
    currentDataKeyId: 'k1',
    dataKeys: { k1: freshKey() },
    indexKey: freshKey(),
    tokenSecret: freshKey(),
    auditKey: freshKey(),
  }
}

/** The id after the highest `k<n>` in use: `k1` → `k2`. */
function nextDataKeyId(existing: Iterable<string>): string {
  let highest = 0
  for (const id of existing) {
    const match = /^k(\d+)$/.exec(id)
    if (match) highest = Math.max(highest, Number(match[1]))
  }
  return `k${highest + 1}`
}

/**
 * Adds a new random data key and makes it current; every older key stays so existing rows still decrypt. The
 * index key is deliberately kept: changing it would orphan every stored blind index until they are recomputed.
 */
export function rotateDataKey(file: KeyringFile, newKeyId = nextDataKeyId(Object.keys(file.dataKeys))): KeyringFile {
  if (!KEY_ID_PATTERN.test(newKeyId))
    throw new KeyringError(`Key id "${newKeyId}" may use only A–Z, a–z, 0–9, _ and -.`)
  if (Object.hasOwn(file.dataKeys, newKeyId)) throw new KeyringError(`Data key "${newKeyId}" already exists.`)
  return {
    ...file,
    currentDataKeyId: newKeyId,
    dataKeys: { [newKeyId]: freshKey(), ...file.dataKeys },
  }
}

/** The same secrets as environment variables, e.g. to move a demo installation's keys into a secret store. */
export function keyringFileToEnv(file: KeyringFile): Record<string, string> {
  const ids = [file.currentDataKeyId, ...Object.keys(file.dataKeys).filter((id) => id !== file.currentDataKeyId)]
  return {
    [KEYRING_ENV.dataKeys]: ids.map((id) => `${id}:${file.dataKeys[id]}`).join(','),
    [KEYRING_ENV.indexKey]: file.indexKey,
    [KEYRING_ENV.tokenSecret]: file.tokenSecret,
    ...(file.auditKey === undefined ? {} : { [KEYRING_ENV.auditKey]: file.auditKey }),
  }
}

export function readKeyringFile(path: string): KeyringFile {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new KeyringError(`Cannot read the keyring file ${path}: ${reason}`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new KeyringError(`The keyring file ${path} is not valid JSON.`)
  }
  const parsed = KeyringFileSchema.safeParse(json)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    throw new KeyringError(`The keyring file ${path} is invalid: ${problems.join('; ')}`)
  }
  return parsed.data
}

function temporaryPathFor(path: string): string {
  return `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
}

/** Writes to a private temporary file first, so a crash never leaves a half-written keyring behind. */
function writePrivateTemporary(path: string, file: KeyringFile): string {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const temporary = temporaryPathFor(path)
  writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' })
  // The mode given to writeFileSync is filtered by the umask; make 0600 certain.
  chmodSync(temporary, 0o600)
  return temporary
}

/**
 * Creates a keyring file with fresh secrets, mode 0600, and returns what it wrote. Refuses to replace an existing
 * file (throws with code `EEXIST`): regenerating keys over old ones would make every encrypted row unreadable.
 */
export function generateKeyringFile(path: string): KeyringFile {
  const file = createKeyringFile()
  const temporary = writePrivateTemporary(path, file)
  try {
    // link() publishes the complete file atomically and, unlike rename(), fails when the target already exists:
    // two processes starting at once cannot both win and end up encrypting under different keys.
    linkSync(temporary, path)
  } finally {
    rmSync(temporary, { force: true })
  }
  return file
}

/** Rotates the data key of a keyring file in place (atomically, mode 0600) and returns what it wrote. */
export function rotateKeyringFile(path: string, newKeyId?: string): KeyringFile {
  const rotated = rotateDataKey(readKeyringFile(path), newKeyId)
  const temporary = writePrivateTemporary(path, rotated)
  try {
    renameSync(temporary, path)
  } catch (error) {
    rmSync(temporary, { force: true })
    throw error
  }
  return rotated
}

// ---------------------------------------------------------------------------------------------------------------
// Loading at startup
// ---------------------------------------------------------------------------------------------------------------

/** `k2:<base64>,k1:<base64>` → the file form; the first entry is the current key. */
function keyringFileFromVariables(
  dataKeys: string,
  indexKey: string,
  tokenSecret: string,
  auditKey: string,
): KeyringFile {
  const entries = dataKeys
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  if (entries.length === 0) throw new KeyringError(`${KEYRING_ENV.dataKeys} lists no key.`)
  const keys: Record<string, string> = {}
  for (const entry of entries) {
    const separator = entry.indexOf(':')
    const id = entry.slice(0, separator)
    if (separator < 1 || !KEY_ID_PATTERN.test(id)) {
      throw new KeyringError(
        `${KEYRING_ENV.dataKeys} must look like "k2:<base64 of 32 bytes>,k1:<base64 of 32 bytes>" (current key first); ` +
          'key ids may use only A–Z, a–z, 0–9, _ and -.',
      )
    }
    if (Object.hasOwn(keys, id)) throw new KeyringError(`${KEYRING_ENV.dataKeys} lists key "${id}" twice.`)
    keys[id] = entry.slice(separator + 1)
  }
  return { version: 1, currentDataKeyId: Object.keys(keys)[0]!, dataKeys: keys, indexKey, tokenSecret, auditKey }
}

function productionKeysMissingMessage(): string {
  return [
    'XINFANG_MODE=production refuses to start without real secrets. Set either',
    `  ${KEYRING_ENV.dataKeys}="k1:<base64 of 32 random bytes>"  (more keys after rotation: "k2:…,k1:…", current first)`,
    `  ${KEYRING_ENV.indexKey}="<base64 of 32 random bytes>"`,
    `  ${KEYRING_ENV.tokenSecret}="<base64 of 32 random bytes>"`,
    `  ${KEYRING_ENV.auditKey}="<base64 of 32 random bytes>"`,
    `or ${KEYRING_ENV.secretsDir}=<directory containing ${KEYRING_FILE_NAME}>.`,
    'Generate a value with: openssl rand -base64 32',
  ].join('\n')
}

/** Where demo mode keeps the keys it generated for itself. */
export function demoKeyringPath(dataDir: string): string {
  return join(dataDir, 'secrets', KEYRING_FILE_NAME)
}

function loadDemoKeyring(path: string): Keyring {
  try {
    return keyringFromFile(generateKeyringFile(path), 'demo-file')
  } catch (error) {
    // Already generated on an earlier start (or by a process starting at the same moment): keep using it.
    if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error
  }
  // A copy or an extract may have widened the permissions of the file this service created; narrow them again.
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600)
  const file = readKeyringFile(path)
  if (file.auditKey !== undefined) return keyringFromFile(file, 'demo-file')
  // Generated before the audit chain was keyed: add the key, keeping every other secret.
  const completed = { ...file, auditKey: freshKey() }
  const temporary = writePrivateTemporary(path, completed)
  try {
    renameSync(temporary, path)
  } catch (error) {
    rmSync(temporary, { force: true })
    throw error
  }
  // Read back: a process starting at the same moment may have added its own key first, and the file decides.
  return keyringFromFile(readKeyringFile(path), 'demo-file')
}

/**
 * The keyring, from the first of these that is configured:
 * 1. `XINFANG_DATA_KEYS` + `XINFANG_INDEX_KEY` + `XINFANG_TOKEN_SECRET` + `XINFANG_AUDIT_KEY` (all four, or it is
 *    an error);
 * 2. `XINFANG_SECRETS_DIR`, a directory holding `keys.json` (e.g. a mounted Kubernetes or Docker secret);
 * 3. demo mode only: `<dataDir>/secrets/keys.json`, generated on the first start and reused on every later one.
 * Production mode with none of them throws a KeyringError naming the variables to set.
 */
export function loadKeyring({ mode, dataDir, keys }: KeyringLoadOptions): Keyring {
  const { dataKeys, indexKey, tokenSecret, auditKey, secretsDir } = keys

  const given = { dataKeys, indexKey, tokenSecret, auditKey }
  if (Object.values(given).some((value) => value !== undefined)) {
    if (dataKeys === undefined || indexKey === undefined || tokenSecret === undefined || auditKey === undefined) {
      const missing = (Object.keys(given) as (keyof typeof given)[])
        .filter((name) => given[name] === undefined)
        .map((name) => KEYRING_ENV[name])
      throw new KeyringError(
        `Set all four of ${KEYRING_ENV.dataKeys}, ${KEYRING_ENV.indexKey}, ${KEYRING_ENV.tokenSecret} and ` +
          `${KEYRING_ENV.auditKey}, or none; missing: ${missing.join(', ')}.`,
      )
    }
    return keyringFromFile(keyringFileFromVariables(dataKeys, indexKey, tokenSecret, auditKey), 'environment')
  }

  if (secretsDir !== undefined) {
    return keyringFromFile(readKeyringFile(join(secretsDir, KEYRING_FILE_NAME)), 'secrets-dir')
  }

  if (mode === 'production') throw new KeyringError(productionKeysMissingMessage())
  return loadDemoKeyring(demoKeyringPath(dataDir))
}
