import { randomUUID } from 'node:crypto'
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from '@xinfang/shared'
import fc from 'fast-check'
import { beforeAll, expect, test } from 'vitest'
import {
  type Actor,
  type CitizenProfile,
  idNumberFor,
  isAllowed,
  type SignedInActor,
  signInCitizen,
  signInStaff,
} from './actors'
import { fuzzServer, seedFor } from './fuzz-env'
import { isRecord } from './json-schema'
import { loadOperations, type Operation } from './openapi-document'
import { validValue } from './schema-arbitraries'
import {
  type ApiAnswer,
  bookSlot,
  call,
  createOpenSession,
  findSessions,
  hasOperation,
  itemIds,
  joinWaitlist,
  type OpenSlot,
  submitPetition,
  uploadPng,
} from './seed-data'
import { formatServerFailure, serverFailuresSince, serverLogLength } from './server-log'

/*
 * The route-by-role ownership matrix (issue 8): citizen A makes real data — a petition with an upload, a booking,
 * a waiting-list entry, the messages these cause — and every route of the OpenAPI document that takes an id is
 * asked about each of A's ids by citizen B (with a profile), citizen C (without one) and the handler of 人社局, a
 * unit the petition has not reached. The answer must be 404 (no existence oracle) or 403 where the role may not
 * call the route at all, never a word of A's data; lists must not show A's ids or personal data; and nothing any
 * of them POSTs may change A's objects.
 */

const server = fuzzServer()
const now = Date.now()
const tag = (server.seed >>> 0).toString(36)

const PROFILE_A: CitizenProfile = {
  realName: '欧阳权甲',
  idNumber: idNumberFor('19700315', 201),
  phone: '13900000201',
  address: '江城市东湖区保密路201号',
}
const PROFILE_B: CitizenProfile = {
  realName: '司马权乙',
  idNumber: idNumberFor('19750620', 202),
  phone: '13900000202',
  address: '江城市西湖区公开路202号',
}

interface OwnedObjects {
  /** kind → A's ids of that kind (petition, attachment, booking, waitlist, message). */
  ids: Map<string, string[]>
  /** Reception sessions A is in: public themselves, but their booking lists are not. */
  sessionIds: string[]
  /** Strings that must never reach anyone but A: ids, tracking pair, personal data. */
  secrets: string[]
}

let operations: Operation[]
let citizenA: Extract<Actor, { kind: 'citizen' }>
let attackers: SignedInActor[]
let intake: Extract<Actor, { kind: 'staff' }>
let leader: Extract<Actor, { kind: 'staff' }>
let owned: OwnedObjects

function recordsOf(json: unknown): Record<string, unknown>[] {
  return isRecord(json) && Array.isArray(json.items) ? json.items.filter(isRecord) : []
}

function add(ids: Map<string, string[]>, kind: string, id: string | undefined) {
  if (id) ids.set(kind, [...(ids.get(kind) ?? []), id])
}

async function seedCitizenA(): Promise<OwnedObjects> {
  const ids = new Map<string, string[]>()
  const secrets = [PROFILE_A.realName, PROFILE_A.idNumber, PROFILE_A.phone, PROFILE_A.address]
  const token = citizenA.accessToken
  const attachmentId = await uploadPng(server.baseUrl, token)
  add(ids, 'attachment', attachmentId)

  // A category whose default unit is not 人社局, so the petition waits in the petition bureau's queue.
  const [units, categories] = await Promise.all([
    call(server.baseUrl, 'GET', '/api/v1/units'),
    call(server.baseUrl, 'GET', '/api/v1/categories'),
  ])
  const handlerUnitIds = recordsOf(units.json)
    .filter((unit) => unit.shortName === '人社局')
    .map((unit) => unit.id)
  const categoryId = recordsOf(categories.json).find((category) => !handlerUnitIds.includes(category.defaultUnitId))?.id
  if (typeof categoryId !== 'string') throw new Error('no category to petition under')
  const petition = await submitPetition(server.baseUrl, token, {
    categoryId,
    title: '物业费收取不透明',
    content: '小区物业连续三年未公示收支，业主多次询问无果，请求有关部门督促公开。',
    attachmentIds: [attachmentId],
  })
  add(ids, 'petition', petition.id)
  const detail = await call(server.baseUrl, 'GET', `/api/v1/petitions/${petition.id}`, { token })
  if (isRecord(detail.json)) {
    for (const key of ['trackingNo', 'queryCode']) {
      const value = detail.json[key]
      if (typeof value === 'string') secrets.push(value)
    }
  }

  const sessionIds: string[] = []
  if (hasOperation(operations, 'post', '/api/v1/receptions/{id}/bookings')) {
    let open: OpenSlot | undefined
    let full: OpenSlot | undefined
    if (
      hasOperation(operations, 'post', '/api/v1/staff/receptions') &&
      hasOperation(operations, 'get', '/api/v1/staff/leaders')
    ) {
      const roomy = await createOpenSession(server.baseUrl, leader.accessToken, now, [5])
      const tight = await createOpenSession(server.baseUrl, leader.accessToken, now + 24 * 60 * 60 * 1000, [1])
      open = { sessionId: roomy.sessionId, slotId: roomy.slotIds[0] ?? '' }
      full = { sessionId: tight.sessionId, slotId: tight.slotIds[0] ?? '' }
    } else {
      open = (await findSessions(server.baseUrl, now)).open[0]
    }
    if (open) {
      add(ids, 'booking', await bookSlot(server.baseUrl, token, open, '当面反映物业公示问题'))
      sessionIds.push(open.sessionId)
    }
    if (full && hasOperation(operations, 'post', '/api/v1/receptions/{id}/waitlist')) {
      const citizenB = attackers.find((actor) => actor.kind === 'citizen' && actor.hasProfile)
      if (citizenB) await bookSlot(server.baseUrl, citizenB.accessToken, full, '乙自己的事项')
      add(ids, 'waitlist', await joinWaitlist(server.baseUrl, token, full, '候补反映物业问题'))
      sessionIds.push(full.sessionId)
    }
  }
  if (hasOperation(operations, 'get', '/api/v1/messages')) {
    for (const id of itemIds((await call(server.baseUrl, 'GET', '/api/v1/messages?limit=50', { token })).json)) {
      add(ids, 'message', id)
    }
  }
  for (const list of ids.values()) secrets.push(...list)
  return { ids, sessionIds, secrets }
}

beforeAll(async () => {
  operations = await loadOperations(server.baseUrl)
  citizenA = await signInCitizen(server.baseUrl, `owner-a-${tag}`, PROFILE_A)
  const citizenB = await signInCitizen(server.baseUrl, `other-b-${tag}`, PROFILE_B)
  const citizenC = await signInCitizen(server.baseUrl, `bare-c-${tag}`)
  const handler = await signInStaff(server.baseUrl, 'handler')
  intake = await signInStaff(server.baseUrl, 'intake')
  leader = await signInStaff(server.baseUrl, 'leader')
  attackers = [citizenB, citizenC, handler]
  owned = await seedCitizenA()
}, 60_000)

function allOwnedIds(): Array<{ kind: string; id: string }> {
  return [...owned.ids].flatMap(([kind, ids]) => ids.map((id) => ({ kind, id })))
}

/** The ids worth trying on a route for an attacker: A's own objects, and on staff routes A's sessions too. */
function idsToTry(operation: Operation): Array<{ kind: string; id: string }> {
  const sessions = operation.policy.kind === 'staff' ? owned.sessionIds.map((id) => ({ kind: 'session', id })) : []
  return [...allOwnedIds(), ...sessions]
}

function leakedSecrets(text: string): string[] {
  return owned.secrets.filter((secret) => text.includes(secret))
}

function problemCodeOf(json: unknown): string | null {
  const problem = ProblemSchema.safeParse(json)
  return problem.success ? problem.data.code : null
}

/** A refusal must be problem+json like every other error. */
function problemFailure(answer: ApiAnswer): string | null {
  if (answer.status < 400) return null
  if (!answer.contentType.startsWith(PROBLEM_CONTENT_TYPE))
    return `a ${answer.status} as ${answer.contentType || 'no content type'}`
  return problemCodeOf(answer.json) === null ? `a ${answer.status} the shared ProblemSchema refuses` : null
}

interface Cell {
  route: string
  attacker: string
  /** `404`, `403 FORBIDDEN`, `403 PROFILE_REQUIRED`… → count */
  answers: Map<string, number>
}

function tally(cell: Cell, answer: ApiAnswer) {
  const code = problemCodeOf(answer.json)
  const key = answer.status === 404 || code === null ? String(answer.status) : `${answer.status} ${code}`
  cell.answers.set(key, (cell.answers.get(key) ?? 0) + 1)
}

function formatMatrix(cells: readonly Cell[]): string {
  const names = attackers.map((actor) => actor.name)
  const routes = [...new Set(cells.map((cell) => cell.route))]
  const width = Math.max(...routes.map((route) => route.length))
  const lines = [`${'route'.padEnd(width)}  ${names.map((name) => name.padEnd(26)).join('')}`]
  for (const route of routes) {
    const row = names.map((name) => {
      const cell = cells.find((entry) => entry.route === route && entry.attacker === name)
      const text = cell ? [...cell.answers].map(([answer, count]) => `${answer}×${count}`).join(' ') : '–'
      return text.padEnd(26)
    })
    lines.push(`${route.padEnd(width)}  ${row.join('')}`)
  }
  return lines.join('\n')
}

function fill(path: string, id: string): string {
  return path.replace(/\{[^}]+\}/g, encodeURIComponent(id))
}

/** A body the route's schema accepts, the same for every attacker, so that only ownership can refuse it. */
function validBodyFor(operation: Operation): unknown {
  if (operation.body?.kind !== 'json') return undefined
  const [body] = fc.sample(validValue(operation.body.schema, { now, idsFor: () => [] }), {
    seed: seedFor(server.seed, 'ownership-body', operation.key),
    numRuns: 1,
  })
  return body
}

async function expectNoServerFailures(from: number) {
  expect((await serverFailuresSince(server, from)).map(formatServerFailure)).toEqual([])
}

test("A's objects are visible to A, and A's petition to the petition bureau's intake desk (so the refusals below mean something)", async () => {
  const token = citizenA.accessToken
  for (const [kind, ids] of owned.ids) {
    const operation = operations.find(
      (candidate) =>
        candidate.method === 'get' &&
        candidate.policy.kind !== 'staff' &&
        new RegExp(`/${kind}s?/\\{id\\}$`).test(candidate.path),
    )
    if (!operation) continue
    for (const id of ids) {
      const answer = await call(server.baseUrl, 'GET', fill(operation.path, id), { token })
      expect(answer.status, `${operation.key} for A's own ${kind}`).toBe(200)
    }
  }
  const [petitionId] = owned.ids.get('petition') ?? []
  expect(petitionId).toBeDefined()
  if (petitionId && hasOperation(operations, 'get', '/api/v1/staff/petitions/{id}')) {
    const answer = await call(server.baseUrl, 'GET', `/api/v1/staff/petitions/${petitionId}`, {
      token: intake.accessToken,
    })
    expect(answer.status, 'the intake desk sees the petition in its queue').toBe(200)
  }
  if (hasOperation(operations, 'get', '/api/v1/staff/receptions/{id}/bookings')) {
    for (const sessionId of owned.sessionIds) {
      const answer = await call(server.baseUrl, 'GET', `/api/v1/staff/receptions/${sessionId}/bookings`, {
        token: leader.accessToken,
      })
      expect(answer.status, "the leader's unit sees its own session's bookings").toBe(200)
    }
  }
  expect(owned.ids.size).toBeGreaterThanOrEqual(2)
})

test("no GET route with an {id} answers citizen B, citizen C or the 人社局 handler about A's objects: 404, or 403 where the role may not call it", async () => {
  const logFrom = await serverLogLength(server)
  const cells: Cell[] = []
  const failures: string[] = []
  const routes = operations.filter((operation) => operation.method === 'get' && operation.pathParams.length > 0)
  expect(routes.length).toBeGreaterThan(0)
  for (const operation of routes) {
    for (const attacker of attackers) {
      const cell: Cell = { route: operation.key, attacker: attacker.name, answers: new Map() }
      cells.push(cell)
      const expected = isAllowed(operation.policy, attacker) ? 404 : 403
      for (const { kind, id } of idsToTry(operation)) {
        const answer = await call(server.baseUrl, 'GET', fill(operation.path, id), { token: attacker.accessToken })
        tally(cell, answer)
        const leaks = leakedSecrets(answer.text)
        const malformed = problemFailure(answer)
        if (answer.status !== expected || leaks.length > 0 || malformed) {
          failures.push(
            `${operation.key} with A's ${kind} ${id} as ${attacker.name}: ${answer.status} (expected ${expected})` +
              `${leaks.length > 0 ? `, leaking ${leaks.join(', ')}` : ''}${malformed ? `, ${malformed}` : ''}: ${answer.text.slice(0, 200)}`,
          )
        }
      }
    }
  }
  process.stdout.write(`\n[ownership] GET routes with an id, A's ids asked by others:\n${formatMatrix(cells)}\n`)
  expect(failures).toEqual([])
  await expectNoServerFailures(logFrom)
})

test("no list route shows citizen B, citizen C or the 人社局 handler any of A's ids or personal data", async () => {
  const logFrom = await serverLogLength(server)
  const cells: Cell[] = []
  const failures: string[] = []
  const routes = operations.filter((operation) => operation.method === 'get' && operation.pathParams.length === 0)
  for (const operation of routes) {
    const query = operation.queryParams.some((param) => param.name === 'limit') ? '?limit=50' : ''
    for (const attacker of attackers) {
      const answer = await call(server.baseUrl, 'GET', `${operation.path}${query}`, { token: attacker.accessToken })
      const cell: Cell = { route: operation.key, attacker: attacker.name, answers: new Map() }
      tally(cell, answer)
      cells.push(cell)
      const leaks = leakedSecrets(answer.text)
      const malformed = problemFailure(answer)
      if (answer.status >= 500 || leaks.length > 0 || malformed) {
        failures.push(
          `${operation.key}${query} as ${attacker.name}: ${answer.status}${malformed ? `, ${malformed}` : ''}, showing [${leaks.join(', ')}]`,
        )
      }
    }
  }
  process.stdout.write(
    `\n[ownership] list routes as others (none may show A's ids or personal data):\n${formatMatrix(cells)}\n`,
  )
  expect(failures).toEqual([])

  // The same lists do show A's objects to A: the check above would catch a leak.
  const ownLists: Array<[string, string]> = [
    ['/api/v1/petitions', 'petition'],
    ['/api/v1/bookings', 'booking'],
    ['/api/v1/waitlist', 'waitlist'],
    ['/api/v1/messages', 'message'],
  ]
  for (const [path, kind] of ownLists) {
    const [id] = owned.ids.get(kind) ?? []
    if (!id || !hasOperation(operations, 'get', path)) continue
    const answer = await call(server.baseUrl, 'GET', `${path}?limit=50`, { token: citizenA.accessToken })
    expect(itemIds(answer.json), `${path} as A`).toContain(id)
  }
  await expectNoServerFailures(logFrom)
})

test("no POST route with an {id} lets citizen B, citizen C or the 人社局 handler act on A's objects, and A's objects are unchanged afterwards", async () => {
  const logFrom = await serverLogLength(server)
  const snapshot = async () => {
    const views: string[] = []
    for (const [path, kind] of [
      ['/api/v1/petitions/{id}', 'petition'],
      ['/api/v1/bookings/{id}', 'booking'],
    ] as const) {
      for (const id of owned.ids.get(kind) ?? []) {
        if (hasOperation(operations, 'get', path)) {
          views.push((await call(server.baseUrl, 'GET', fill(path, id), { token: citizenA.accessToken })).text)
        }
      }
    }
    for (const path of ['/api/v1/waitlist', '/api/v1/messages']) {
      if (hasOperation(operations, 'get', path)) {
        views.push((await call(server.baseUrl, 'GET', `${path}?limit=50`, { token: citizenA.accessToken })).text)
      }
    }
    return views
  }
  const before = await snapshot()

  const cells: Cell[] = []
  const failures: string[] = []
  const routes = operations.filter((operation) => operation.method !== 'get' && operation.pathParams.length > 0)
  expect(routes.length).toBeGreaterThan(0)
  for (const operation of routes) {
    const body = validBodyFor(operation)
    for (const attacker of attackers) {
      const cell: Cell = { route: operation.key, attacker: attacker.name, answers: new Map() }
      cells.push(cell)
      const expected = isAllowed(operation.policy, attacker) ? 404 : 403
      for (const { kind, id } of idsToTry(operation)) {
        const answer = await call(server.baseUrl, operation.method.toUpperCase(), fill(operation.path, id), {
          token: attacker.accessToken,
          idempotencyKey: randomUUID(),
          ...(body === undefined ? {} : { body }),
        })
        tally(cell, answer)
        // Refusals about the caller (no profile) or the body say nothing about the object, and reveal nothing.
        const code = problemCodeOf(answer.json)
        const isAboutCaller = expected === 404 && (code === 'PROFILE_REQUIRED' || code === 'VALIDATION_FAILED')
        const leaks = leakedSecrets(answer.text)
        const malformed = problemFailure(answer)
        if ((answer.status !== expected && !isAboutCaller) || leaks.length > 0 || malformed) {
          failures.push(
            `${operation.key} on A's ${kind} ${id} as ${attacker.name}: ${answer.status} (expected ${expected})` +
              `${leaks.length > 0 ? `, leaking ${leaks.join(', ')}` : ''}${malformed ? `, ${malformed}` : ''}: ${answer.text.slice(0, 200)}`,
          )
        }
      }
    }
  }
  process.stdout.write(`\n[ownership] POST routes with an id, on A's objects by others:\n${formatMatrix(cells)}\n`)
  expect(failures).toEqual([])
  expect(await snapshot()).toEqual(before)
  await expectNoServerFailures(logFrom)
}, 120_000)
