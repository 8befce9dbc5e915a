import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto'
import { hmacSha256 } from '../../lib/digest'
import type { KeyBytes, Keyring } from './keyring'

/**
 * Field-level encryption of personal data (PIPL Art. 51; DOMAIN.md, Privacy). node:crypto, synchronously (decision
 * 011): Node, Deno, Bun and Workers (nodejs_compat) all provide it. Keys come in through the keyring; nothing here
 * reads files or env.
 *
 * Envelope: `v1.<kid>.<iv>.<ciphertext+tag>` (base64url, no padding). AES-256-GCM with a fresh random 96-bit IV
 * per value — the IV size GCM is specified for (NIST SP 800-38D §8.2.2) — and additional authenticated data
 * naming table, column and row, so a ciphertext copied into another row or column fails authentication instead
 * of silently decrypting as someone else's ID number.
 */

export const ENVELOPE_VERSION = 'v1'
const IV_BYTES = 12
const TAG_BYTES = 16
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/
/** Lower-case words joined by `.`, `_`, `:` or `-`: `citizen_profiles.id_number`. Never contains the NUL separator. */
const PURPOSE_PATTERN = /^[a-z][a-z0-9_.:-]{0,99}$/

export type FieldCryptoProblem = 'malformed_envelope' | 'unknown_key' | 'authentication_failed' | 'invalid_argument'

export class FieldCryptoError extends Error {
  override name = 'FieldCryptoError'
  constructor(
    readonly problem: FieldCryptoProblem,
    message: string,
  ) {
    super(message)
  }
}

/** The associated data that binds a value to its place: `citizen_profiles:id_number:<rowId>`. */
export function fieldAad(table: string, column: string, rowId: string): string {
  return `${table}:${column}:${rowId}`
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------------------------

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

function toBase64Url(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function fromBase64Url(text: string): KeyBytes | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

// ---------------------------------------------------------------------------------------------------------------
// Key cache
// ---------------------------------------------------------------------------------------------------------------

/**
 * Keys as node:crypto key objects, by the identity of their raw bytes: made once, and a WeakMap lets a replaced
 * keyring's keys be collected with it. AES-256 only: a key of any other length is refused here.
 */
const aesKeys = new WeakMap<KeyBytes, KeyObject>()

function aesKey(raw: KeyBytes): KeyObject {
  let key = aesKeys.get(raw)
  if (key === undefined) {
    if (raw.length !== 32) throw new FieldCryptoError('invalid_argument', 'A data key must be 32 bytes (AES-256).')
    key = createSecretKey(raw)
    aesKeys.set(raw, key)
  }
  return key
}

/**
 * The bytes authenticated with the ciphertext: the caller's row binding, plus the envelope's version and key id,
 * so that no part of the envelope can be edited without detection.
 */
function additionalData(keyId: string, aad: string): KeyBytes {
  return encoder.encode(`${ENVELOPE_VERSION}.${keyId}|${aad}`)
}

function requireAad(aad: string): void {
  if (aad.length === 0) {
    throw new FieldCryptoError(
      'invalid_argument',
      'Field encryption needs associated data naming table, column and row.',
    )
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Encrypt / decrypt
// ---------------------------------------------------------------------------------------------------------------

/** Encrypts one field under the keyring's current data key, bound to `aad` (see `fieldAad`). */
export async function encryptField(keyring: Keyring, plaintext: string, aad: string): Promise<string> {
  requireAad(aad)
  const keyId = keyring.currentDataKeyId
  const raw = keyring.dataKeys.get(keyId)
  if (raw === undefined)
    throw new FieldCryptoError('unknown_key', `The current data key "${keyId}" is not in the keyring.`)
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
  const cipher = createCipheriv('aes-256-gcm', aesKey(raw), iv, { authTagLength: TAG_BYTES })
  cipher.setAAD(additionalData(keyId, aad))
  // The same bytes WebCrypto's AES-GCM writes: ciphertext, then the tag.
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()])
  return `${ENVELOPE_VERSION}.${keyId}.${toBase64Url(iv)}.${toBase64Url(ciphertext)}`
}

type ParsedEnvelope = { keyId: string; iv: KeyBytes; ciphertext: KeyBytes }

function parseEnvelope(envelope: string): ParsedEnvelope {
  const parts = envelope.split('.')
  const [version, keyId, ivText, ciphertextText] = parts
  if (parts.length !== 4 || version !== ENVELOPE_VERSION || keyId === undefined || !KEY_ID_PATTERN.test(keyId)) {
    throw new FieldCryptoError('malformed_envelope', `Not a ${ENVELOPE_VERSION} field envelope.`)
  }
  const iv = fromBase64Url(ivText ?? '')
  const ciphertext = fromBase64Url(ciphertextText ?? '')
  if (iv === null || iv.length !== IV_BYTES || ciphertext === null || ciphertext.length < TAG_BYTES) {
    throw new FieldCryptoError('malformed_envelope', `The ${ENVELOPE_VERSION} field envelope is damaged.`)
  }
  return { keyId, iv, ciphertext }
}

/** The id of the data key an envelope was written with; rows not under the current key are due for re-encryption. */
export function envelopeKeyId(envelope: string): string {
  return parseEnvelope(envelope).keyId
}

/** Whether an envelope was written under an older data key and should be re-encrypted after a rotation. */
export function needsReencryption(keyring: Keyring, envelope: string): boolean {
  return envelopeKeyId(envelope) !== keyring.currentDataKeyId
}

/**
 * Decrypts one field written by `encryptField` with the same `aad`. Throws a FieldCryptoError when the envelope
 * is malformed, its key is not in the keyring, or authentication fails (altered bytes, another row or column).
 */
export async function decryptField(keyring: Keyring, envelope: string, aad: string): Promise<string> {
  requireAad(aad)
  const { keyId, iv, ciphertext } = parseEnvelope(envelope)
  const raw = keyring.dataKeys.get(keyId)
  if (raw === undefined) {
    throw new FieldCryptoError(
      'unknown_key',
      `The field was encrypted with data key "${keyId}", which is not in the keyring (known: ${[...keyring.dataKeys.keys()].join(', ')}).`,
    )
  }
  let plaintext: Buffer
  try {
    const decipher = createDecipheriv('aes-256-gcm', aesKey(raw), iv, { authTagLength: TAG_BYTES })
    decipher.setAAD(additionalData(keyId, aad))
    decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_BYTES))
    plaintext = Buffer.concat([
      decipher.update(ciphertext.subarray(0, ciphertext.length - TAG_BYTES)),
      decipher.final(),
    ])
  } catch {
    // Every GCM failure is reported the same way, by design: no oracle on which part was wrong.
    throw new FieldCryptoError(
      'authentication_failed',
      `The field does not decrypt for "${aad}": it was altered, or it belongs to another row or column.`,
    )
  }
  return decoder.decode(plaintext)
}

// ---------------------------------------------------------------------------------------------------------------
// Blind index
// ---------------------------------------------------------------------------------------------------------------

/**
 * The form in which identifiers are compared: full-width digits and letters folded to ASCII (NFKC, as phone
 * keyboards and elderly users often produce them), whitespace removed, upper case (`x` → `X` in ID numbers).
 */
export function normalizeForIndex(value: string): string {
  return value.normalize('NFKC').replace(/\s+/g, '').toUpperCase()
}

/**
 * A keyed, deterministic fingerprint for equality lookups on an encrypted column (`WHERE id_number_index = ?`):
 * HMAC-SHA-256 under the index key — never a data key — over `purpose NUL normalised value`. The purpose
 * separates domains, so equal values in two columns do not reveal that they are equal. Output: base64url.
 */
export async function blindIndex(keyring: Keyring, value: string, purpose: string): Promise<string> {
  if (!PURPOSE_PATTERN.test(purpose)) {
    throw new FieldCryptoError('invalid_argument', `Blind-index purpose "${purpose}" must match ${PURPOSE_PATTERN}.`)
  }
  // Synchronous HMAC (lib/digest.ts): blind indexes are taken inside write transactions too.
  return toBase64Url(hmacSha256(keyring.indexKey, `xinfang-blind-index:${purpose}\u0000${normalizeForIndex(value)}`))
}
