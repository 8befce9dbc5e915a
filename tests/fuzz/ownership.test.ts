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
  STAFF_UNIT_CODES,
  signInAllStaff,
  signInCitizen,
  signInStaff,
} from './actors'
import { fuzzServer, seedFor } from './fuzz-env'
import { isRecord } from './json-schema'
import { loadOperations, type Operation } from './openapi-document'
import { validValue } from './schema-arbitraries'
import {
  type ApiAnswer,
  backdateDecisionDeadlines,
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
 *
 * The same matrix for reports (检举控告, 《信访工作条例》第三十条第三款): one report against each unit a demo staff
 * member works in, each followed by a complaint on the same matter (a repeat link to the report) handled by the
 * accused unit, a booking linked to the report, and the report overdue and announced by the sweep. Every staff
 * member reads every route — lists, notices, supervision, the statistics export, each id — and must never meet
 * the report against their own unit: not its id, number, title or words.
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

/** A report against one unit and what names it. */
interface AccusedStory {
  unitCode: string
  unitId: string
  reportId: string
  complaintId: string
  bookingId: string | null
  /** What no one working in the accused unit may ever be shown. */
  secrets: string[]
}

let staff: Extract<Actor, { kind: 'staff' }>[]
let stories: AccusedStory[]
let reportSessionId: string | null

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

const REPORTED_UNIT_CODES = [...new Set(Object.values(STAFF_UNIT_CODES))]
// Long enough that the complaint reads as a repeat of the report whatever the unit code and run tag they carry.
const SHARED_ACCOUNT =
  '该单位办事窗口一名工作人员在办理养老保险转移业务时多次暗示索要好处费，说不给钱就一直拖着不办，已经拖了两个多月，期间本人往返窗口七次，每次都被以材料不全为由退回，本人保留了全部录音和转账截图，'

function staffNamed(role: string): Extract<Actor, { kind: 'staff' }> {
  const member = staff.find((actor) => actor.role === role)
  if (!member) throw new Error(`no ${role} signed in`)
  return member
}

async function staffAction(token: string, petitionId: string, action: Record<string, unknown>) {
  const answer = await call(server.baseUrl, 'POST', `/api/v1/staff/petitions/${petitionId}/actions`, {
    token,
    body: action,
  })
  if (answer.status !== 200) throw new Error(`${String(action.type)} answered ${answer.status}: ${answer.text}`)
}

/**
 * For each unit a demo staff member works in: a citizen reports it, then files a complaint on the same matter,
 * which the intake desk accepts and assigns to the accused unit (the bureau's own stays with the bureau); the
 * citizen books a reception at 市政府 naming the report; then every report is made overdue and swept.
 */
async function seedReports(): Promise<AccusedStory[]> {
  const [units, categories] = await Promise.all([
    call(server.baseUrl, 'GET', '/api/v1/units'),
    call(server.baseUrl, 'GET', '/api/v1/categories'),
  ])
  const unitIdOf = new Map(recordsOf(units.json).map((unit) => [unit.code, unit.id]))
  const categoryId = recordsOf(categories.json).find((category) => category.code === 'labor')?.id
  if (typeof categoryId !== 'string') throw new Error('no labor category')
  const intakeToken = staffNamed('intake').accessToken
  let session: OpenSlot | undefined
  if (
    hasOperation(operations, 'post', '/api/v1/staff/receptions') &&
    hasOperation(operations, 'post', '/api/v1/receptions/{id}/bookings')
  ) {
    const created = await createOpenSession(server.baseUrl, leader.accessToken, now + 48 * 60 * 60 * 1000, [5])
    session = { sessionId: created.sessionId, slotId: created.slotIds[0] ?? '' }
    reportSessionId = created.sessionId
  }
  const result: AccusedStory[] = []
  for (const [index, unitCode] of REPORTED_UNIT_CODES.entries()) {
    const unitId = unitIdOf.get(unitCode)
    if (typeof unitId !== 'string') throw new Error(`no unit ${unitCode}`)
    const reporter = await signInCitizen(server.baseUrl, `reporter-${unitCode}-${tag}`, {
      realName: '检举人',
      idNumber: idNumberFor('19820101', 301 + index),
      phone: `1390000030${index}`,
      address: '江城市东湖区举报路1号',
    })
    const title = `检举${unitCode}窗口人员索贿-${tag}`
    const marker = `举报材料编号${unitCode}-${tag}`
    const report = await submitPetition(server.baseUrl, reporter.accessToken, {
      kind: 'report',
      categoryId,
      targetUnitId: unitId,
      title,
      content: `${SHARED_ACCOUNT}请求依法查处。${marker}`,
    })
    const complaint = await submitPetition(server.baseUrl, reporter.accessToken, {
      categoryId,
      title: '窗口办事被刁难',
      content: `${SHARED_ACCOUNT}请求尽快为我办理。`,
    })
    if (unitCode !== STAFF_UNIT_CODES.intake) {
      await staffAction(intakeToken, complaint.id, { type: 'accept', version: 1 })
      await staffAction(intakeToken, complaint.id, { type: 'assign', version: 2, unitId })
    }
    const bookingId = session
      ? await bookSlot(server.baseUrl, reporter.accessToken, session, '当面反映窗口索贿问题', report.id)
      : null
    result.push({
      unitCode,
      unitId,
      reportId: report.id,
      complaintId: complaint.id,
      bookingId,
      secrets: [report.id, ...(report.trackingNo ? [report.trackingNo] : []), title, marker],
    })
  }
  if (hasOperation(operations, 'post', '/api/v1/staff/sweeps/overdue')) {
    await backdateDecisionDeadlines(
      server.dataDir,
      result.map((story) => story.reportId),
      Date.now(),
    )
    const swept = await call(server.baseUrl, 'POST', '/api/v1/staff/sweeps/overdue', {
      token: staffNamed('supervisor').accessToken,
    })
    if (swept.status !== 200) throw new Error(`the overdue sweep answered ${swept.status}: ${swept.text}`)
  }
  return result
}

/** The report against the unit this staff member works in. */
function storyAgainst(member: Extract<Actor, { kind: 'staff' }>): AccusedStory {
  const story = stories.find((candidate) => candidate.unitCode === STAFF_UNIT_CODES[member.role])
  if (!story) throw new Error(`no report against the unit of ${member.name}`)
  return story
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
  staff = await signInAllStaff(server.baseUrl)
  reportSessionId = null
  stories = await seedReports()
}, 90_000)

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

function formatMatrix(cells: readonly Cell[], names = attackers.map((actor) => actor.name)): string {
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

// -------------------------------------------------------------------------------------------------------------
// Reports and the units they accuse
// -------------------------------------------------------------------------------------------------------------

async function staffView(role: string, path: string): Promise<unknown> {
  const answer = await call(server.baseUrl, 'GET', path, { token: staffNamed(role).accessToken })
  expect(answer.status, `${path} as ${role}`).toBe(200)
  return answer.json
}

test('each report, its repeat link, its notice and its booking are there for staff it does not accuse (so the refusals below mean something)', async () => {
  const labor = stories.find((story) => story.unitCode === STAFF_UNIT_CODES.handler)
  const bureau = stories.find((story) => story.unitCode === STAFF_UNIT_CODES.supervisor)
  if (!labor || !bureau) throw new Error('the reports were not seeded')
  // The bureau's supervisor is not accused by the report against 人社局: notice, 督办 list, repeat link, booking.
  if (hasOperation(operations, 'get', '/api/v1/staff/notices')) {
    const notices = recordsOf(await staffView('supervisor', '/api/v1/staff/notices'))
    expect(notices.map((notice) => notice.petitionId)).toContain(labor.reportId)
  }
  const supervision = recordsOf(await staffView('supervisor', '/api/v1/staff/supervision?limit=50'))
  expect(supervision.map((item) => item.id)).toContain(labor.reportId)
  const complaint = await staffView('supervisor', `/api/v1/staff/petitions/${labor.complaintId}`)
  expect(isRecord(complaint) && complaint.possibleRepeatOfId).toBe(labor.reportId)
  // 市政府's leader is not accused by the report against the bureau, whose complaint the bureau keeps.
  const bureauComplaint = await staffView('leader', `/api/v1/staff/petitions/${bureau.complaintId}`)
  expect(isRecord(bureauComplaint) && bureauComplaint.possibleRepeatOfId).toBe(bureau.reportId)
  if (reportSessionId) {
    const bookings = recordsOf(
      await staffView('leader', `/api/v1/staff/receptions/${reportSessionId}/bookings?limit=50`),
    )
    expect(bookings.map((booking) => booking.petitionId)).toEqual(
      expect.arrayContaining([labor.reportId, bureau.reportId]),
    )
  }
})

/** Every id a member of an accused unit might try: the reports, the complaints, the bookings and the session. */
function reportIdsToTry(): Array<{ kind: string; id: string }> {
  return [
    ...stories.flatMap((story) => [
      { kind: 'report', id: story.reportId },
      { kind: 'complaint', id: story.complaintId },
      ...(story.bookingId ? [{ kind: 'booking', id: story.bookingId }] : []),
    ]),
    ...(reportSessionId ? [{ kind: 'session', id: reportSessionId }] : []),
  ]
}

test('no GET route shows any member of an accused unit the report against it: lists, notices, 督办, the statistics export and every {id}', async () => {
  const logFrom = await serverLogLength(server)
  const cells: Cell[] = []
  const failures: string[] = []
  const gets = operations.filter((operation) => operation.method === 'get')
  for (const operation of gets) {
    for (const member of staff) {
      const story = storyAgainst(member)
      const cell: Cell = { route: operation.key, attacker: member.name, answers: new Map() }
      cells.push(cell)
      const requests: Array<{ path: string; what: string; accept?: string; expected?: number }> = []
      if (operation.pathParams.length === 0) {
        const query = operation.queryParams.some((param) => param.name === 'limit') ? '?limit=50' : ''
        requests.push({ path: `${operation.path}${query}`, what: 'the list' })
        if (operation.path === '/api/v1/staff/stats') {
          requests.push({ path: `${operation.path}?groupBy=unit`, what: 'the CSV export', accept: 'text/csv' })
        }
      } else {
        for (const { kind, id } of reportIdsToTry()) {
          const isTheirReport = id === story.reportId
          requests.push({
            path: fill(operation.path, id),
            what: `${kind} ${id}`,
            ...(isTheirReport ? { expected: isAllowed(operation.policy, member) ? 404 : 403 } : {}),
          })
        }
      }
      for (const request of requests) {
        const response = await fetch(`${server.baseUrl}${request.path}`, {
          headers: {
            authorization: `Bearer ${member.accessToken}`,
            ...(request.accept ? { accept: request.accept } : {}),
          },
        })
        const text = await response.text()
        let json: unknown = null
        try {
          json = JSON.parse(text)
        } catch {
          // a CSV or an image: searched as text
        }
        const answer: ApiAnswer = {
          status: response.status,
          contentType: response.headers.get('content-type') ?? '',
          json,
          text,
        }
        tally(cell, answer)
        const leaks = story.secrets.filter((secret) => text.includes(secret))
        const malformed = problemFailure(answer)
        const wrongStatus = request.expected !== undefined && answer.status !== request.expected
        if (answer.status >= 500 || wrongStatus || leaks.length > 0 || malformed) {
          failures.push(
            `${operation.key} (${request.what}) as ${member.name}: ${answer.status}` +
              `${request.expected !== undefined ? ` (expected ${request.expected})` : ''}` +
              `${leaks.length > 0 ? `, naming the report against ${story.unitCode}: ${leaks.join(', ')}` : ''}` +
              `${malformed ? `, ${malformed}` : ''}`,
          )
        }
      }
    }
  }
  process.stdout.write(
    `\n[ownership] every GET route as each member of an accused unit (none may name the report against it):\n${formatMatrix(
      cells,
      staff.map((member) => member.name),
    )}\n`,
  )
  expect(failures).toEqual([])
  await expectNoServerFailures(logFrom)
}, 120_000)

test('no POST route with an {id} lets a member of the accused unit act on the report, and each report is unchanged afterwards', async () => {
  const logFrom = await serverLogLength(server)
  // Read by a supervisor or leader the report does not accuse.
  const readerOf = (story: AccusedStory) => (story.unitCode === STAFF_UNIT_CODES.supervisor ? 'leader' : 'supervisor')
  const snapshot = async () =>
    Promise.all(
      stories.map(
        async (story) =>
          (
            await call(server.baseUrl, 'GET', `/api/v1/staff/petitions/${story.reportId}`, {
              token: staffNamed(readerOf(story)).accessToken,
            })
          ).text,
      ),
    )
  const before = await snapshot()
  const cells: Cell[] = []
  const failures: string[] = []
  const routes = operations.filter((operation) => operation.method !== 'get' && operation.pathParams.length > 0)
  for (const operation of routes) {
    const body = validBodyFor(operation)
    for (const member of staff) {
      const story = storyAgainst(member)
      const cell: Cell = { route: operation.key, attacker: member.name, answers: new Map() }
      cells.push(cell)
      const expected = isAllowed(operation.policy, member) ? 404 : 403
      const answer = await call(server.baseUrl, operation.method.toUpperCase(), fill(operation.path, story.reportId), {
        token: member.accessToken,
        idempotencyKey: randomUUID(),
        ...(body === undefined ? {} : { body }),
      })
      tally(cell, answer)
      const code = problemCodeOf(answer.json)
      const isAboutCaller = expected === 404 && code === 'VALIDATION_FAILED'
      const leaks = story.secrets.filter((secret) => answer.text.includes(secret))
      const malformed = problemFailure(answer)
      if ((answer.status !== expected && !isAboutCaller) || leaks.length > 0 || malformed) {
        failures.push(
          `${operation.key} on the report against ${story.unitCode} as ${member.name}: ${answer.status} (expected ${expected})` +
            `${leaks.length > 0 ? `, leaking ${leaks.join(', ')}` : ''}${malformed ? `, ${malformed}` : ''}: ${answer.text.slice(0, 200)}`,
        )
      }
    }
  }
  process.stdout.write(
    `\n[ownership] POST routes with an id, on the report against the caller's own unit:\n${formatMatrix(
      cells,
      staff.map((member) => member.name),
    )}\n`,
  )
  expect(failures).toEqual([])
  expect(await snapshot()).toEqual(before)
  await expectNoServerFailures(logFrom)
}, 120_000)
