import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  AuthResultSchema,
  BookingSchema,
  idNumberCheckCharacter,
  PRIVACY_NOTICE_VERSION,
  ProblemSchema,
  ReceptionLeaderListSchema,
  ReceptionSessionDetailSchema,
  type StaffBooking,
  StaffBookingListSchema,
  StaffReceptionSessionSchema,
  toShanghaiIso,
} from '@xinfang/shared'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { type RunningApi, startApi } from '../support/api-server'

/*
 * The booking rush of issue 6, through real HTTP servers on one embedded libSQL file: a thousand citizens, each
 * with a real-name profile, ask at the same instant for a seat in a slot of twenty. Exactly twenty may win.
 * Measurements are printed so that a slowdown shows up in CI logs before it becomes a timeout.
 */

const CITIZENS = 1000
const SEATS = 20
const SETUP_CONCURRENCY = 32
const HOUR_MS = 60 * 60 * 1000

let dataDir: string
let primary: RunningApi
const extraServers: RunningApi[] = []
/** Access tokens of CITIZENS demo citizens with profiles, made once: each test books its own new session. */
let citizenTokens: string[] = []

interface CallInit {
  method?: string
  body?: unknown
  token?: string
  key?: string
}

function call(api: RunningApi, path: string, init: CallInit = {}) {
  return fetch(`${api.baseUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.key ? { 'idempotency-key': init.key } : {}),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  })
}

/** Runs `tasks` with at most `limit` in flight, in order of start. */
async function inPool<T>(limit: number, count: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count)
  let next = 0
  const worker = async () => {
    while (next < count) {
      const index = next++
      results[index] = await task(index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker))
  return results
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华'

/** A plausible, checksum-valid profile for the i-th load-test citizen. */
function profileOf(i: number) {
  const birth = new Date(Date.UTC(1950, 0, 1) + i * 24 * HOUR_MS * 17)
  const yyyymmdd = birth.toISOString().slice(0, 10).replaceAll('-', '')
  const body17 = `110105${yyyymmdd}${String(i % 1000).padStart(3, '0')}`
  return {
    realName: `${SURNAMES[i % SURNAMES.length]}${GIVEN[Math.floor(i / SURNAMES.length) % GIVEN.length]}${GIVEN[i % GIVEN.length]}`,
    idNumber: `${body17}${idNumberCheckCharacter(body17)}`,
    phone: `139${String(i).padStart(8, '0')}`,
    address: `江城市东湖区湖滨路 ${i + 1} 号`,
    privacyVersion: PRIVACY_NOTICE_VERSION,
  }
}

async function createCitizen(api: RunningApi, runId: string, i: number): Promise<string> {
  const login = await call(api, '/api/v1/auth/demo', { body: { name: `load-${runId}-${i}` } })
  if (login.status !== 200) throw new Error(`demo login ${i}: ${login.status} ${await login.text()}`)
  const { accessToken } = AuthResultSchema.parse(await login.json())
  const profile = await call(api, '/api/v1/me/profile', { method: 'PUT', body: profileOf(i), token: accessToken })
  if (profile.status !== 200) throw new Error(`profile ${i}: ${profile.status} ${await profile.text()}`)
  return accessToken
}

async function staffToken(api: RunningApi): Promise<string> {
  const response = await call(api, '/api/v1/auth/staff', { body: { username: 'demo-admin', password: 'xinfang-demo' } })
  return AuthResultSchema.parse(await response.json()).accessToken
}

/** A published session three days ahead with one slot of SEATS seats, open for booking now. */
async function sessionWithOneSlot(api: RunningApi, token: string, options: { requiresConfirmation?: boolean } = {}) {
  const leaders = ReceptionLeaderListSchema.parse(await (await call(api, '/api/v1/staff/leaders', { token })).json())
  const startsAt = Math.ceil((Date.now() + 3 * 24 * HOUR_MS) / HOUR_MS) * HOUR_MS
  const response = await call(api, '/api/v1/staff/receptions', {
    token,
    body: {
      leaderId: leaders.items[0]?.id,
      startsAt: toShanghaiIso(startsAt),
      endsAt: toShanghaiIso(startsAt + HOUR_MS),
      mode: 'video',
      topics: ['压力测试'],
      slots: [{ startsAt: toShanghaiIso(startsAt), endsAt: toShanghaiIso(startsAt + HOUR_MS), capacity: SEATS }],
      bookingOpensDaysBefore: 7,
      bookingClosesHoursBefore: 1,
      requiresConfirmation: options.requiresConfirmation ?? false,
    },
  })
  if (response.status !== 201) throw new Error(`session: ${response.status} ${await response.text()}`)
  const session = StaffReceptionSessionSchema.parse(await response.json())
  return { sessionId: session.id, slotId: session.slots[0]!.id }
}

interface RushResult {
  statuses: Map<number, number>
  codes: Map<string, number>
  elapsedMs: number
}

/** Every citizen asks for one seat at once; `serverFor(i)` picks the process the i-th request goes to. */
async function rush(serverFor: (i: number) => RunningApi, sessionId: string, slotId: string): Promise<RushResult> {
  const started = performance.now()
  const responses = await Promise.all(
    citizenTokens.map(async (token, i) => {
      const response = await call(serverFor(i), `/api/v1/receptions/${sessionId}/bookings`, {
        token,
        key: crypto.randomUUID(),
        body: { slotId, matter: '拖欠工资问题，请求领导协调', attendees: 1 },
      })
      const code = response.status === 201 ? null : ProblemSchema.parse(await response.json()).code
      return { status: response.status, code }
    }),
  )
  const elapsedMs = performance.now() - started
  const statuses = new Map<number, number>()
  const codes = new Map<string, number>()
  for (const { status, code } of responses) {
    statuses.set(status, (statuses.get(status) ?? 0) + 1)
    if (code) codes.set(code, (codes.get(code) ?? 0) + 1)
  }
  return { statuses, codes, elapsedMs }
}

async function allBookings(api: RunningApi, token: string, sessionId: string): Promise<StaffBooking[]> {
  const items: StaffBooking[] = []
  let cursor: string | null = null
  do {
    const query: string = cursor ? `?limit=50&cursor=${encodeURIComponent(cursor)}` : '?limit=50'
    const page = StaffBookingListSchema.parse(
      await (await call(api, `/api/v1/staff/receptions/${sessionId}/bookings${query}`, { token })).json(),
    )
    items.push(...page.items)
    cursor = page.nextCursor
  } while (cursor)
  return items
}

async function remainingSeats(api: RunningApi, sessionId: string) {
  const session = ReceptionSessionDetailSchema.parse(await (await call(api, `/api/v1/receptions/${sessionId}`)).json())
  return session.slots[0]?.remaining
}

/** What the database holds after the rush, as staff and citizens see it through the API. */
async function storedBookings(api: RunningApi, token: string, sessionId: string) {
  const confirmed = (await allBookings(api, token, sessionId)).filter((item) => item.status === 'confirmed')
  return { confirmed: confirmed.length, remaining: await remainingSeats(api, sessionId) }
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'xinfang-load-'))
  primary = await startApi({ dataDir })
  const runId = crypto.randomUUID().slice(0, 8)
  const started = performance.now()
  citizenTokens = await inPool(SETUP_CONCURRENCY, CITIZENS, (i) => createCitizen(primary, runId, i))
  process.stdout.write(
    `[load] ${CITIZENS} citizens with profiles created in ${Math.round(performance.now() - started)} ms\n`,
  )
})

afterAll(async () => {
  await Promise.all(extraServers.map((server) => server.stop()))
  await primary?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

test('1,000 citizens rushing a 20-seat slot through one server: 20 bookings, 980 × 409 SLOT_FULL, no 5xx', async () => {
  const token = await staffToken(primary)
  const { sessionId, slotId } = await sessionWithOneSlot(primary, token)
  const result = await rush(() => primary, sessionId, slotId)
  process.stdout.write(
    `[load] one process: ${JSON.stringify(Object.fromEntries(result.statuses))} in ${Math.round(result.elapsedMs)} ms\n`,
  )
  expect(Object.fromEntries(result.statuses)).toEqual({ 201: SEATS, 409: CITIZENS - SEATS })
  expect(Object.fromEntries(result.codes)).toEqual({ SLOT_FULL: CITIZENS - SEATS })
  expect(await storedBookings(primary, token, sessionId)).toEqual({ confirmed: SEATS, remaining: 0 })
})

test('1,000 citizens rushing a 20-seat slot through two servers on one database file: still exactly 20', async () => {
  const secondary = await startApi({ dataDir })
  extraServers.push(secondary)
  const token = await staffToken(primary)
  const { sessionId, slotId } = await sessionWithOneSlot(primary, token)
  const result = await rush((i) => (i % 2 === 0 ? primary : secondary), sessionId, slotId)
  process.stdout.write(
    `[load] two processes: ${JSON.stringify(Object.fromEntries(result.statuses))} in ${Math.round(result.elapsedMs)} ms\n`,
  )
  expect(Object.fromEntries(result.statuses)).toEqual({ 201: SEATS, 409: CITIZENS - SEATS })
  expect(Object.fromEntries(result.codes)).toEqual({ SLOT_FULL: CITIZENS - SEATS })
  // Both processes read the same truth.
  expect(await storedBookings(primary, token, sessionId)).toEqual({ confirmed: SEATS, remaining: 0 })
  expect(await storedBookings(secondary, await staffToken(secondary), sessionId)).toEqual({
    confirmed: SEATS,
    remaining: 0,
  })
})

test('50 concurrent requests from one citizen across two servers make one booking', async () => {
  const secondary = extraServers[0] ?? (await startApi({ dataDir }))
  if (!extraServers.includes(secondary)) extraServers.push(secondary)
  const token = await staffToken(primary)
  const { sessionId, slotId } = await sessionWithOneSlot(primary, token)
  const citizen = citizenTokens[0]!
  const body = { slotId, matter: '同一个人连续点了很多次', attendees: 1 }

  // Fifty taps, each with its own key (a client that lost its key) …
  const distinct = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      call(i % 2 === 0 ? primary : secondary, `/api/v1/receptions/${sessionId}/bookings`, {
        token: citizen,
        key: crypto.randomUUID(),
        body,
      }),
    ),
  )
  const statuses = distinct.map((response) => response.status).sort()
  expect(statuses.filter((status) => status === 201)).toHaveLength(1)
  expect(statuses.filter((status) => status === 409)).toHaveLength(49)
  const codes = await Promise.all(
    distinct.filter((r) => r.status === 409).map(async (r) => ProblemSchema.parse(await r.json()).code),
  )
  expect(new Set(codes)).toEqual(new Set(['BOOKING_EXISTS']))

  // … and fifty retries of one request with the same key: the same booking, never a second.
  const other = citizenTokens[1]!
  const key = crypto.randomUUID()
  const retried = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      call(i % 2 === 0 ? primary : secondary, `/api/v1/receptions/${sessionId}/bookings`, { token: other, key, body }),
    ),
  )
  const created = await Promise.all(
    retried.filter((r) => r.status === 201).map(async (r) => BookingSchema.parse(await r.json()).id),
  )
  expect(new Set(created).size).toBe(1)
  expect(retried.every((r) => r.status === 201 || r.status === 409)).toBe(true)
  expect(await storedBookings(primary, token, sessionId)).toEqual({ confirmed: 2, remaining: SEATS - 2 })
})

test('cancels, staff decisions and waiting-list promotions racing across two servers never exceed the seats', async () => {
  const secondary = extraServers[0] ?? (await startApi({ dataDir }))
  if (!extraServers.includes(secondary)) extraServers.push(secondary)
  const servers = [primary, secondary]
  const staff = [await staffToken(primary), await staffToken(secondary)]
  const { sessionId, slotId } = await sessionWithOneSlot(primary, staff[0]!, { requiresConfirmation: true })
  const path = `/api/v1/receptions/${sessionId}`
  const holders = citizenTokens.slice(100, 100 + SEATS)
  const waiters = citizenTokens.slice(200, 240)
  const latecomers = citizenTokens.slice(300, 340)
  const body = (attendees: number) => ({ slotId, matter: '候补与取消并发', attendees })

  const held = await Promise.all(
    holders.map(async (token, i) => {
      const response = await call(servers[i % 2]!, `${path}/bookings`, {
        token,
        key: crypto.randomUUID(),
        body: body(1),
      })
      expect(response.status).toBe(201)
      return { token, booking: BookingSchema.parse(await response.json()) }
    }),
  )
  const joined = await Promise.all(
    waiters.map((token, i) => call(servers[i % 2]!, `${path}/waitlist`, { token, body: body((i % 3) + 1) })),
  )
  expect(joined.map((r) => r.status)).toEqual(waiters.map(() => 201))

  // All at once, spread over both processes: each holder cancels twice while staff confirm and reject the same
  // booking, and latecomers try to book the seats being freed.
  const chaos: Promise<Response>[] = []
  for (const [i, { token, booking }] of held.entries()) {
    const a = servers[i % 2]!
    const b = servers[(i + 1) % 2]!
    chaos.push(call(a, `/api/v1/bookings/${booking.id}/cancel`, { method: 'POST', token }))
    chaos.push(call(b, `/api/v1/bookings/${booking.id}/cancel`, { method: 'POST', token }))
    chaos.push(call(b, `/api/v1/staff/bookings/${booking.id}/confirm`, { method: 'POST', token: staff[(i + 1) % 2] }))
    chaos.push(
      call(a, `/api/v1/staff/bookings/${booking.id}/reject`, { body: { reason: '并发审核' }, token: staff[i % 2] }),
    )
  }
  for (const [i, token] of latecomers.entries()) {
    chaos.push(call(servers[i % 2]!, `${path}/bookings`, { token, key: crypto.randomUUID(), body: body(1) }))
  }
  const statuses = (await Promise.all(chaos)).map((response) => response.status)
  expect(statuses.filter((status) => status >= 500)).toEqual([])

  // Then staff work through whatever the promotions left pending, on both servers at once.
  const pending = (await allBookings(primary, staff[0]!, sessionId)).filter((item) => item.status === 'pending')
  const decisions = await Promise.all(
    pending.map((item, i) =>
      i % 3 === 0
        ? call(servers[i % 2]!, `/api/v1/staff/bookings/${item.id}/reject`, {
            body: { reason: '名额调整' },
            token: staff[i % 2],
          })
        : call(servers[i % 2]!, `/api/v1/staff/bookings/${item.id}/confirm`, { method: 'POST', token: staff[i % 2] }),
    ),
  )
  expect(decisions.filter((response) => response.status >= 500)).toEqual([])

  const everything = await allBookings(secondary, staff[1]!, sessionId)
  const active = everything.filter((item) => ['pending', 'confirmed', 'checked_in'].includes(item.status))
  const seatsHeld = active.reduce((sum, item) => sum + item.attendees, 0)
  process.stdout.write(
    `[load] races: ${chaos.length} concurrent operations, ${everything.length} bookings made, ${active.length} active holding ${seatsHeld} seats\n`,
  )
  expect(seatsHeld).toBeLessThanOrEqual(SEATS)
  expect(await remainingSeats(primary, sessionId)).toBe(SEATS - seatsHeld)
})
