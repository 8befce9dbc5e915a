import { DAY_MS } from '@xinfang/shared'
import { and, eq, sql } from 'drizzle-orm'
import type { Database, WriteTx } from '../db/client'
import { insertRow, prebuiltSelect } from '../db/prebuilt'
import { idempotencyKeys } from '../db/schema'
import { hmacSha256 } from '../lib/digest'
import { AppError } from './app-error'
import { decryptField, encryptField, fieldAad } from './privacy/field-crypto'
import type { Keyring } from './privacy/keyring'

/** `Idempotency-Key`: 1–255 visible ASCII characters (../shared/API.md). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/

/**
 * How long a key is replayed. ../shared/API.md promises at least 30 days: the mini-program keeps a draft, and the
 * key it was sent with, for 30 days from its last save, and relies on the replay to recover a query code whose
 * answer was lost. The margin covers a draft saved days after its first send and a phone's clock running behind.
 * After this a key is deleted and may be used as new (docs/decisions/013-idempotency-replays-at-rest.md).
 */
export const IDEMPOTENCY_KEY_TTL_MS = 35 * DAY_MS

export function parseIdempotencyKey(header: string | undefined): string {
  if (header === undefined || header === '') {
    throw new AppError('IDEMPOTENCY_KEY_REQUIRED', { detail: '请在请求头 Idempotency-Key 中提供本次提交的唯一编号' })
  }
  if (!IDEMPOTENCY_KEY_PATTERN.test(header)) {
    throw new AppError('VALIDATION_FAILED', {
      errors: [{ path: 'headers.idempotency-key', message: '须为 1–255 个可见 ASCII 字符' }],
    })
  }
  return header
}

export interface IdempotentRequest {
  /** Whose key it is: keys are scoped to the caller, so two citizens may use the same key. */
  scope: string
  /** The operation, e.g. `POST /petitions`. */
  operation: string
  key: string
  /** The parsed request body: a replay must carry the same one. */
  body: unknown
}

/**
 * The fields of a response that must not be stored in clear — a query code, a booking's matter, a check-in code —
 * each already encrypted, so that the writer only swaps the ciphertext in (decision 011 keeps encryption out of
 * the single writer). Made by `sealReplaySecrets`.
 */
export interface SealedSecrets {
  readonly keyring: Keyring
  readonly fields: readonly { name: string; plaintext: string; envelope: string }[]
}

/** What one key's row binds its sealed fields to: a ciphertext copied into another key's replay does not open. */
function secretAad(request: Pick<IdempotentRequest, 'scope' | 'operation' | 'key'>, field: string): string {
  return fieldAad(
    'idempotency_keys',
    `response.${field}`,
    JSON.stringify([request.scope, request.operation, request.key]),
  )
}

/**
 * Encrypts the response's secret top-level fields for its stored replay, before the write lock is taken. Every
 * field named here must appear in the response with exactly this value (or be null there); the rest of the
 * response is stored as it is.
 */
export async function sealReplaySecrets(
  keyring: Keyring,
  request: Pick<IdempotentRequest, 'scope' | 'operation' | 'key'>,
  secrets: Record<string, string>,
): Promise<SealedSecrets> {
  const fields = await Promise.all(
    Object.entries(secrets).map(async ([name, plaintext]) => ({
      name,
      plaintext,
      envelope: await encryptField(keyring, plaintext, secretAad(request, name)),
    })),
  )
  return { keyring, fields }
}

export interface IdempotentResponse<T> {
  status: number
  body: T
  isReplay: boolean
}

const selectStoredResponse = prebuiltSelect(['scope', 'operation', 'key'], (tx, p) =>
  tx
    .select({
      requestHash: idempotencyKeys.requestHash,
      responseStatus: idempotencyKeys.responseStatus,
      responseBody: idempotencyKeys.responseBody,
      sealedFields: idempotencyKeys.sealedFields,
      createdAt: idempotencyKeys.createdAt,
    })
    .from(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.scope, p('scope')),
        eq(idempotencyKeys.operation, p('operation')),
        eq(idempotencyKeys.key, p('key')),
      ),
    )
    .limit(1),
)

/** Requests under way in this process, by scope/operation/key. */
const inFlight = new WeakMap<Database, Set<string>>()

/**
 * A stable, keyed fingerprint of a request body: object keys sorted, so `{a,b}` and `{b,a}` are the same request.
 * Keyed (HMAC under the index key, never a data key) because the body is the citizen's own words: a plain hash
 * would let anyone holding the database confirm a guessed petition or matter.
 */
export function hashRequestBody(keyring: Keyring, body: unknown): string {
  const canonical = JSON.stringify(body, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  )
  return Buffer.from(
    hmacSha256(keyring.indexKey, `xinfang-idempotency-request\u0000${canonical ?? 'undefined'}`),
  ).toString('base64url')
}

/** The response as stored: each sealed field's value replaced by its ciphertext. */
function storedBodyOf(body: unknown, secrets: SealedSecrets): { text: string; sealed: string[] } {
  if (secrets.fields.length === 0) return { text: JSON.stringify(body), sealed: [] }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new Error('only an object response can have sealed fields')
  }
  const stored: Record<string, unknown> = { ...body }
  const sealed: string[] = []
  for (const field of secrets.fields) {
    const value = stored[field.name]
    if (value === null || value === undefined) continue
    // A secret that is not the one sealed would be stored in clear: refuse rather than leak it.
    if (value !== field.plaintext) throw new Error(`response field ${field.name} is not the value that was sealed`)
    stored[field.name] = field.envelope
    sealed.push(field.name)
  }
  return { text: JSON.stringify(stored), sealed }
}

async function replayedBodyOf(
  keyring: Keyring,
  request: IdempotentRequest,
  stored: { responseBody: string; sealedFields: string[] },
): Promise<unknown> {
  const body: unknown = JSON.parse(stored.responseBody)
  if (stored.sealedFields.length === 0 || body === null || typeof body !== 'object') return body
  const opened: Record<string, unknown> = { ...body }
  for (const name of stored.sealedFields) {
    const envelope = opened[name]
    if (typeof envelope !== 'string') throw new Error(`stored replay field ${name} is not a ciphertext`)
    opened[name] = await decryptField(keyring, envelope, secretAad(request, name))
  }
  return opened
}

/**
 * Runs `create` at most once per key. The key row is written in the same transaction as whatever `create`
 * writes, so the two commit together: after a crash between commit and response, the retry finds the row and
 * replays the stored answer. Same key with another body → 422; same key while the first is still running in
 * this process → 409 (in another process the second request waits for the write lock, then replays). A key older
 * than `IDEMPOTENCY_KEY_TTL_MS` is forgotten and the request runs as new. The stored answer holds the response's
 * secrets only as the ciphertexts sealed before the call.
 */
export async function runIdempotently<T>(
  database: Database,
  request: IdempotentRequest,
  secrets: SealedSecrets,
  now: number,
  create: (tx: WriteTx) => Promise<{ status: number; body: T }>,
): Promise<IdempotentResponse<T>> {
  const requestHash = hashRequestBody(secrets.keyring, request.body)
  const flightKey = `${request.scope}\u0000${request.operation}\u0000${request.key}`
  let running = inFlight.get(database)
  if (!running) {
    running = new Set()
    inFlight.set(database, running)
  }
  if (running.has(flightKey)) {
    throw new AppError('IDEMPOTENCY_IN_FLIGHT', { headers: { 'retry-after': '1' } })
  }
  running.add(flightKey)
  try {
    const outcome = await database.write(async (tx) => {
      const [existing] = await selectStoredResponse(tx, request)
      if (existing && isExpired(existing.createdAt, now)) {
        await tx
          .delete(idempotencyKeys)
          .where(
            and(
              eq(idempotencyKeys.scope, request.scope),
              eq(idempotencyKeys.operation, request.operation),
              eq(idempotencyKeys.key, request.key),
            ),
          )
      } else if (existing) {
        if (existing.requestHash !== requestHash) {
          throw new AppError('IDEMPOTENCY_KEY_REUSED', { detail: '同一个 Idempotency-Key 不能用于内容不同的请求' })
        }
        return { kind: 'replay' as const, stored: existing }
      }
      const result = await create(tx)
      const stored = storedBodyOf(result.body, secrets)
      await insertRow(tx, idempotencyKeys, {
        scope: request.scope,
        operation: request.operation,
        key: request.key,
        requestHash,
        responseStatus: result.status,
        responseBody: stored.text,
        sealedFields: stored.sealed,
        createdAt: now,
      })
      return { kind: 'created' as const, result }
    })
    if (outcome.kind === 'created') return { ...outcome.result, isReplay: false }
    // Opened after the writer has moved on: decryption holds up no other write.
    const body = (await replayedBodyOf(secrets.keyring, request, outcome.stored)) as T
    return { status: outcome.stored.responseStatus, body, isReplay: true }
  } finally {
    running.delete(flightKey)
  }
}

function isExpired(createdAt: number, now: number): boolean {
  return createdAt <= now - IDEMPOTENCY_KEY_TTL_MS
}

/** Keys deleted per statement, so a purge never holds the write lock for long. */
export const IDEMPOTENCY_PURGE_BATCH = 1000

/**
 * Deletes the keys older than `IDEMPOTENCY_KEY_TTL_MS`: their replays are no longer promised, and what is kept
 * of a request — even sealed — should not outlive its purpose (PIPL Art. 19). Runs with the scheduled sweeps.
 */
export async function purgeExpiredIdempotencyKeys(database: Database, now: number): Promise<{ deleted: number }> {
  let deleted = 0
  for (;;) {
    const batch = await database.write(async (tx) => {
      const result = await tx.run(sql`DELETE FROM ${idempotencyKeys} WHERE rowid IN (
        SELECT rowid FROM ${idempotencyKeys} WHERE ${idempotencyKeys.createdAt} <= ${now - IDEMPOTENCY_KEY_TTL_MS}
        LIMIT ${IDEMPOTENCY_PURGE_BATCH})`)
      return result.rowsAffected
    })
    deleted += batch
    if (batch < IDEMPOTENCY_PURGE_BATCH) return { deleted }
  }
}
