import { and, eq } from 'drizzle-orm'
import type { Database, WriteTx } from '../db/client'
import { insertRow, prebuiltSelect } from '../db/prebuilt'
import { idempotencyKeys } from '../db/schema'
import { sha256Base64Url } from '../lib/digest'
import { AppError } from './app-error'

/** `Idempotency-Key`: 1–255 visible ASCII characters (../shared/API.md). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/

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

/** A stable hash of a JSON value: object keys sorted, so `{a,b}` and `{b,a}` are the same request. */
export function hashRequestBody(body: unknown): string {
  const canonical = JSON.stringify(body, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  )
  return sha256Base64Url(canonical ?? 'undefined')
}

/**
 * Runs `create` at most once per key. The key row is written in the same transaction as whatever `create`
 * writes, so the two commit together: after a crash between commit and response, the retry finds the row and
 * replays the stored answer. Same key with another body → 422; same key while the first is still running in
 * this process → 409 (in another process the second request waits for the write lock, then replays).
 */
export async function runIdempotently<T>(
  database: Database,
  request: IdempotentRequest,
  now: number,
  create: (tx: WriteTx) => Promise<{ status: number; body: T }>,
): Promise<IdempotentResponse<T>> {
  const requestHash = hashRequestBody(request.body)
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
    return await database.write(async (tx) => {
      const [existing] = await selectStoredResponse(tx, request)
      if (existing) {
        if (existing.requestHash !== requestHash) {
          throw new AppError('IDEMPOTENCY_KEY_REUSED', { detail: '同一个 Idempotency-Key 不能用于内容不同的请求' })
        }
        return { status: existing.responseStatus, body: JSON.parse(existing.responseBody) as T, isReplay: true }
      }
      const result = await create(tx)
      await insertRow(tx, idempotencyKeys, {
        scope: request.scope,
        operation: request.operation,
        key: request.key,
        requestHash,
        responseStatus: result.status,
        responseBody: JSON.stringify(result.body),
        createdAt: now,
      })
      return { ...result, isReplay: false }
    })
  } finally {
    running.delete(flightKey)
  }
}
