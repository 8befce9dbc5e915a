import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { createClient } from '@libsql/client'
import { isRecord } from './json-schema'
import { BOUNDARY, multipartBody, tinyPng } from './multipart'
import type { Operation } from './openapi-document'

/**
 * Real data made through the public API, as a client would make it: the ids the fuzzer aims at and the objects
 * whose owners the ownership matrix protects. Routes missing from the OpenAPI document are skipped, so these
 * helpers work on whatever the API offers today.
 */

export interface ApiAnswer {
  status: number
  contentType: string
  json: unknown
  text: string
}

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; idempotencyKey?: string } = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = {}
  if (options.token) headers.authorization = `Bearer ${options.token}`
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  })
  const text = await response.text()
  let json: unknown = null
  try {
    json = JSON.parse(text)
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', json, text }
}

export function hasOperation(operations: readonly Operation[], method: string, path: string): boolean {
  return operations.some((operation) => operation.method === method && operation.path === path)
}

/** `items[].id` of a list answer. */
export function itemIds(json: unknown): string[] {
  if (!isRecord(json) || !Array.isArray(json.items)) return []
  return json.items.flatMap((item) => (isRecord(item) && typeof item.id === 'string' ? [item.id] : []))
}

export function idOf(json: unknown): string | null {
  return isRecord(json) && typeof json.id === 'string' ? json.id : null
}

function expectCreated(answer: ApiAnswer, what: string): string {
  const id = idOf(answer.json)
  if (answer.status !== 201 || !id) throw new Error(`${what} answered ${answer.status}: ${answer.text.slice(0, 500)}`)
  return id
}

export async function uploadPng(baseUrl: string, token: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/v1/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    body: multipartBody([{ name: 'file', filename: 'evidence.png', contentType: 'image/png', data: tinyPng() }]),
  })
  const text = await response.text()
  let json: unknown = null
  try {
    json = JSON.parse(text)
  } catch {
    // reported below
  }
  return expectCreated(
    { status: response.status, contentType: response.headers.get('content-type') ?? '', json, text },
    'the PNG upload',
  )
}

export interface Reference {
  unitIds: string[]
  categoryIds: string[]
  /** `city-rsj` → its id. */
  unitIdByCode: Map<string, string>
}

export async function loadReference(baseUrl: string): Promise<Reference> {
  const [units, categories] = await Promise.all([
    call(baseUrl, 'GET', '/api/v1/units'),
    call(baseUrl, 'GET', '/api/v1/categories'),
  ])
  const unitIdByCode = new Map<string, string>()
  if (isRecord(units.json) && Array.isArray(units.json.items)) {
    for (const unit of units.json.items) {
      if (isRecord(unit) && typeof unit.code === 'string' && typeof unit.id === 'string') {
        unitIdByCode.set(unit.code, unit.id)
      }
    }
  }
  return { unitIds: itemIds(units.json), categoryIds: itemIds(categories.json), unitIdByCode }
}

export interface CreatedPetition {
  id: string
  trackingNo: string | null
}

export async function submitPetition(
  baseUrl: string,
  token: string,
  body: {
    kind?: 'complaint' | 'report'
    categoryId: string
    title: string
    content: string
    targetUnitId?: string
    attachmentIds?: string[]
  },
): Promise<CreatedPetition> {
  const answer = await call(baseUrl, 'POST', '/api/v1/petitions', {
    token,
    idempotencyKey: randomUUID(),
    body: { kind: 'complaint', ...body },
  })
  const id = expectCreated(answer, 'the petition')
  const trackingNo = isRecord(answer.json) && typeof answer.json.trackingNo === 'string' ? answer.json.trackingNo : null
  return { id, trackingNo }
}

export interface OpenSlot {
  sessionId: string
  slotId: string
}

/** Published sessions and their slots from the public list, and one slot open for booking right now. */
export async function findSessions(
  baseUrl: string,
  now: number,
): Promise<{ sessionIds: string[]; slotIds: string[]; open: OpenSlot[] }> {
  const answer = await call(baseUrl, 'GET', '/api/v1/receptions?limit=50')
  const sessionIds: string[] = []
  const slotIds: string[] = []
  const open: OpenSlot[] = []
  if (!isRecord(answer.json) || !Array.isArray(answer.json.items)) return { sessionIds, slotIds, open }
  for (const session of answer.json.items) {
    if (!isRecord(session) || typeof session.id !== 'string') continue
    sessionIds.push(session.id)
    const opensAt = typeof session.bookingOpensAt === 'string' ? Date.parse(session.bookingOpensAt) : Number.NaN
    const closesAt = typeof session.bookingClosesAt === 'string' ? Date.parse(session.bookingClosesAt) : Number.NaN
    const isOpen = opensAt <= now && now < closesAt
    for (const slot of Array.isArray(session.slots) ? session.slots : []) {
      if (!isRecord(slot) || typeof slot.id !== 'string') continue
      slotIds.push(slot.id)
      if (isOpen && typeof slot.remaining === 'number' && slot.remaining >= 2)
        open.push({ sessionId: session.id, slotId: slot.id })
    }
  }
  return { sessionIds, slotIds, open }
}

export async function bookSlot(
  baseUrl: string,
  token: string,
  slot: OpenSlot,
  matter: string,
  petitionId?: string,
): Promise<string> {
  const answer = await call(baseUrl, 'POST', `/api/v1/receptions/${slot.sessionId}/bookings`, {
    token,
    idempotencyKey: randomUUID(),
    body: { slotId: slot.slotId, matter, attendees: 1, ...(petitionId ? { petitionId } : {}) },
  })
  return expectCreated(answer, 'the booking')
}

const HOUR_MS = 60 * 60 * 1000

/**
 * A published session of the first leader `token` may schedule, three days ahead, one slot per capacity given,
 * with booking open now (it opens a week before the start).
 */
export async function createOpenSession(
  baseUrl: string,
  token: string,
  now: number,
  capacities: readonly number[],
): Promise<{ sessionId: string; slotIds: string[] }> {
  const leaders = await call(baseUrl, 'GET', '/api/v1/staff/leaders', { token })
  const [leaderId] = itemIds(leaders.json)
  if (!leaderId) throw new Error(`no leader to schedule (${leaders.status}): ${leaders.text.slice(0, 300)}`)
  const startsAt = Math.ceil((now + 72 * HOUR_MS) / HOUR_MS) * HOUR_MS
  const slotMs = HOUR_MS / 2
  const answer = await call(baseUrl, 'POST', '/api/v1/staff/receptions', {
    token,
    body: {
      leaderId,
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(startsAt + capacities.length * slotMs).toISOString(),
      mode: 'video',
      topics: ['权属核查'],
      slots: capacities.map((capacity, index) => ({
        startsAt: new Date(startsAt + index * slotMs).toISOString(),
        endsAt: new Date(startsAt + (index + 1) * slotMs).toISOString(),
        capacity,
      })),
      bookingOpensDaysBefore: 7,
      bookingClosesHoursBefore: 1,
    },
  })
  const sessionId = expectCreated(answer, 'the reception session')
  const slots = isRecord(answer.json) && Array.isArray(answer.json.slots) ? answer.json.slots : []
  const slotIds = slots.flatMap((slot) => (isRecord(slot) && typeof slot.id === 'string' ? [slot.id] : []))
  if (slotIds.length !== capacities.length) throw new Error(`the session came back with ${slotIds.length} slots`)
  return { sessionId, slotIds }
}

export async function joinWaitlist(baseUrl: string, token: string, slot: OpenSlot, matter: string): Promise<string> {
  const answer = await call(baseUrl, 'POST', `/api/v1/receptions/${slot.sessionId}/waitlist`, {
    token,
    idempotencyKey: randomUUID(),
    body: { slotId: slot.slotId, matter, attendees: 1 },
  })
  return expectCreated(answer, 'the waiting-list entry')
}

/**
 * Moves the decision deadline of these petitions to a day before `now`, in the running server's own database
 * file. A deadline is days away and the server's clock is the real one: this is the only way a run of minutes
 * can hold an overdue petition for the overdue sweep and its notices. SQLite's locking makes the second writer
 * safe; the server's embedded client waits for the lock (docs/decisions/010-storage-faults.md).
 */
export async function backdateDecisionDeadlines(dataDir: string, petitionIds: readonly string[], now: number) {
  const db = createClient({ url: `file:${join(dataDir, 'xinfang.db')}` })
  try {
    await db.execute('PRAGMA busy_timeout = 5000')
    for (const id of petitionIds) {
      await db.execute({
        sql: 'UPDATE petitions SET decide_by = ? WHERE id = ?',
        args: [now - 24 * 60 * 60 * 1000, id],
      })
    }
  } finally {
    db.close()
  }
}
