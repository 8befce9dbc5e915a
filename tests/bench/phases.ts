import { ABUSE_LIMITS } from '@xinfang/api/lib/rate-limit'
import {
  type Category,
  PetitionCreatedSchema,
  type PetitionKind,
  ProblemSchema,
  ReceptionLeaderListSchema,
  ReceptionSessionDetailSchema,
  StaffBookingListSchema,
  StaffReceptionSessionSchema,
  toShanghaiIso,
} from '@xinfang/shared'
import { type Citizen, call, expectStatus } from './api-client'
import { countStatuses, type LoadRequest, type LoadResult, runLoad } from './load'
import { ownCpuMs } from './process-cpu'
import { type Contender, httpContender } from './rounds'
import type { StorageCeiling } from './storage-ceiling'

/*
 * The measured workloads against a running API, as contenders for interleaved rounds (rounds.ts): each is
 * closed-loop at the bench's concurrency and keeps its state (quota, budgets) across rounds.
 */

const JSON_HEADERS = { 'content-type': 'application/json' }
const HOUR_MS = 60 * 60 * 1000

/** A server to load: where it listens and its process, whose CPU time is read around every round. */
export interface Target {
  baseUrl: string
  pid: number
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` }
}

// ---------------------------------------------------------------------------------------------------------------
// Ceilings and writes
// ---------------------------------------------------------------------------------------------------------------

export function httpCeilingContender(name: string, target: Target, concurrency: number): Contender {
  return httpContender(name, {
    baseUrl: target.baseUrl,
    serverPid: target.pid,
    concurrency,
    next: () => ({ method: 'GET', path: '/' }),
  })
}

export function storageContender(name: string, storage: StorageCeiling): Contender {
  return {
    name,
    cpuMs: ownCpuMs,
    async round(durationMs, histogram) {
      const result = await storage.measure(durationMs, Number.POSITIVE_INFINITY, histogram)
      return {
        requests: result.submissions,
        elapsedMs: result.elapsedMs,
        statuses: { committed: result.submissions },
        errors: {},
        unfinished: 0,
        isExhausted: false,
      }
    },
  }
}

const SUBMISSION_TEXTS: { kind: PetitionKind; title: string; content: string }[] = [
  {
    kind: 'complaint',
    title: '小区污水井反复外溢无人处理',
    content:
      '小区东门附近的污水井从上个月开始反复外溢，污水漫到人行道上，气味很大，老人和孩子出行很不方便。多次向物业和社区反映，至今没有人来处理，请求有关部门尽快疏通管网并告知处理结果。',
  },
  {
    kind: 'complaint',
    title: '拖欠农民工工资三个月未发',
    content:
      '我在某建筑公司承建的项目上做木工，公司已经三个月没有发工资，共计两万四千元。多次找项目经理协商，对方一直推说资金没到位，请求劳动监察部门督促企业尽快支付。',
  },
  {
    kind: 'suggestion',
    title: '建议增设社区老年食堂',
    content:
      '建议在湖滨街道增设社区老年食堂，解决辖区独居老人吃饭难的问题，可以考虑利用闲置的社区用房，由街道统一招标运营。',
  },
  {
    kind: 'inquiry',
    title: '咨询公租房申请条件和流程',
    content: '我是外地来江城工作的职工，已缴纳社保两年，想咨询申请公租房需要满足哪些条件、准备哪些材料、在哪里办理。',
  },
  {
    kind: 'complaint',
    title: '建筑工地夜间施工噪声扰民',
    content:
      '小区旁边的工地每天晚上十点以后还在施工，打桩声和渣土车的声音一直持续到凌晨，严重影响附近居民休息。希望有关部门核查夜间施工许可，依法处理。',
  },
]

export interface SubmissionContender extends Contender {
  /** Tracking number and query code of every petition created (warm-up included): later lookups use them. */
  created: TrackSample[]
}

/**
 * `POST /api/v1/petitions` with an Idempotency-Key, as many different citizens (each may submit 5 a day): the
 * i-th request is citizen i mod n's next petition, so concurrent requests rarely share a citizen. Ends when
 * every citizen has used the day's quota or `cap` petitions were sent.
 */
export function submissionContender(
  name: string,
  target: Target,
  concurrency: number,
  citizens: readonly Citizen[],
  categories: readonly Category[],
  perCitizen: number,
  cap: number,
): SubmissionContender {
  const ordinary = categories.filter((category) => category.code !== 'discipline')
  const created: TrackSample[] = []
  let slot = 0
  const next = (): LoadRequest | null => {
    const index = slot++
    if (index >= Math.min(cap, citizens.length * perCitizen)) return null
    const citizen = citizens[index % citizens.length]
    const text = SUBMISSION_TEXTS[index % SUBMISSION_TEXTS.length]
    const category = ordinary[index % ordinary.length]
    if (!citizen || !text || !category) return null
    return {
      method: 'POST',
      path: '/api/v1/petitions',
      headers: { ...JSON_HEADERS, ...bearer(citizen.token), 'idempotency-key': crypto.randomUUID() },
      body: JSON.stringify({
        kind: text.kind,
        categoryId: category.id,
        title: text.title,
        content: `${text.content}（第 ${index + 1} 件）`,
        ...(index % 2 === 0 ? { address: `江城市东湖区湖滨路 ${(index % 300) + 1} 号` } : {}),
      }),
    }
  }
  const contender = httpContender(name, {
    baseUrl: target.baseUrl,
    serverPid: target.pid,
    concurrency,
    next,
    onResponse: (_request, response) => {
      if (response.status !== 201) return
      const body = PetitionCreatedSchema.parse(JSON.parse(response.body))
      created.push({ trackingNo: body.trackingNo, queryCode: body.queryCode })
    },
  })
  return { ...contender, created }
}

// ---------------------------------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------------------------------

export interface Reader extends Citizen {
  petitionIds: string[]
}

/** `GET /api/v1/petitions` (first page, newest first) as many citizens in turn. */
export function listContender(name: string, target: Target, concurrency: number, readers: readonly Reader[]) {
  return httpContender(name, {
    baseUrl: target.baseUrl,
    serverPid: target.pid,
    concurrency,
    next: (_worker, sequence) => {
      const reader = readers[sequence % readers.length]
      return reader ? { method: 'GET', path: '/api/v1/petitions', headers: bearer(reader.token) } : null
    },
  })
}

/** `GET /api/v1/petitions/:id` (decrypts the content, reads the timeline) over every reader's petitions. */
export function detailContender(name: string, target: Target, concurrency: number, readers: readonly Reader[]) {
  const pairs = readers.flatMap((reader) => reader.petitionIds.map((id) => ({ token: reader.token, id })))
  return httpContender(name, {
    baseUrl: target.baseUrl,
    serverPid: target.pid,
    concurrency,
    next: (_worker, sequence) => {
      const pair = pairs[(sequence * 7919) % pairs.length]
      return pair ? { method: 'GET', path: `/api/v1/petitions/${pair.id}`, headers: bearer(pair.token) } : null
    },
  })
}

/** `GET /api/v1/staff/petitions` (the unit's queue, first page) as one member of staff. */
export function queueContender(name: string, target: Target, concurrency: number, token: string) {
  return httpContender(name, {
    baseUrl: target.baseUrl,
    serverPid: target.pid,
    concurrency,
    next: () => ({ method: 'GET', path: '/api/v1/staff/petitions', headers: bearer(token) }),
  })
}

export interface TrackSample {
  trackingNo: string
  queryCode: string
}

/**
 * The limits of `GET /track` (docs/decisions/015-abuse-limits.md): failed lookups per tracking number and per caller
 * address. Right pairs are never counted; the contender below still spreads its lookups as citizens do.
 */
export const TRACK_LIMIT_PER_NUMBER = ABUSE_LIMITS.trackFailuresByNumber.bound
export const TRACK_LIMIT_PER_ADDRESS = ABUSE_LIMITS.trackFailuresByAddress.bound

/** The i-th loopback source address: 127.a.b.c with a, b, c in 1…254. */
export function loopbackAddress(i: number): string {
  const a = 1 + (Math.floor(i / (254 * 254)) % 254)
  const b = 1 + (Math.floor(i / 254) % 254)
  const c = 1 + (i % 254)
  return `127.${a}.${b}.${c}`
}

/** A query code of the right shape that is never issued (the alphabet has no 0 and no 1). */
const NEVER_ISSUED_CODE = '01010101'

export interface TrackContender extends Contender {
  usage(): { trackingNumbers: number; addresses: number }
}

/**
 * `GET /api/v1/track` as citizens do it: many tracking numbers, each asked at most 10 times, from many addresses,
 * each asking at most 30 times — within both limits, so the figure is the lookup's cost, not the limiter's.
 * Every worker holds one source address for 30 requests, then moves to the next. One contender per server: the
 * limits are per process.
 */
export function trackContender(
  name: string,
  target: Target,
  concurrency: number,
  samples: readonly TrackSample[],
  firstAddress: number,
): TrackContender {
  let nextAddress = firstAddress
  const leases = new Map<number, { address: string; used: number }>()
  const usedNumbers = new Set<string>()
  let sequence = 0
  const budget = samples.length * TRACK_LIMIT_PER_NUMBER
  const next = (worker: number): LoadRequest | null => {
    const index = sequence++
    if (index >= budget) return null
    // Consecutive requests go to far-apart samples; sample s comes round again only after all others.
    const sample = samples[(index * 7919) % samples.length]
    if (!sample) return null
    let lease = leases.get(worker)
    if (!lease || lease.used >= TRACK_LIMIT_PER_ADDRESS) {
      lease = { address: loopbackAddress(nextAddress++), used: 0 }
      leases.set(worker, lease)
    }
    lease.used++
    usedNumbers.add(sample.trackingNo)
    return {
      method: 'GET',
      path: `/api/v1/track?trackingNo=${encodeURIComponent(sample.trackingNo)}&queryCode=${sample.queryCode}`,
      localAddress: lease.address,
    }
  }
  return {
    ...httpContender(name, { baseUrl: target.baseUrl, serverPid: target.pid, concurrency, next }),
    usage: () => ({ trackingNumbers: usedNumbers.size, addresses: nextAddress - firstAddress }),
  }
}

export interface LimiterProbe {
  oneAddress: { requests: number; ok: number; limited: number }
  oneNumber: { requests: number; ok: number; limited: number }
}

/**
 * What guessers see: wrong query codes for different numbers from a single address, and wrong codes for one number
 * from different addresses, then that number's right code. Right pairs are never counted, so a load generator on
 * one address measures the lookup, not the limiter.
 */
export async function probeTrackLimiter(
  baseUrl: string,
  samples: readonly TrackSample[],
  firstAddress: number,
): Promise<LimiterProbe> {
  const oneAddress = await runLoad({
    baseUrl,
    concurrency: 1,
    durationMs: 10_000,
    maxRequests: TRACK_LIMIT_PER_ADDRESS + 15,
    next: (_worker, sequence) => {
      const sample = samples[sequence % samples.length]
      return sample
        ? {
            method: 'GET',
            path: `/api/v1/track?trackingNo=${encodeURIComponent(sample.trackingNo)}&queryCode=${NEVER_ISSUED_CODE}`,
            localAddress: loopbackAddress(firstAddress),
          }
        : null
    },
  })
  const number = samples[samples.length - 1]
  const oneNumber = await runLoad({
    baseUrl,
    concurrency: 1,
    durationMs: 10_000,
    maxRequests: TRACK_LIMIT_PER_NUMBER + 3,
    next: (_worker, sequence) =>
      number
        ? {
            method: 'GET',
            // Wrong codes past the number's bound, then its right code, which is still answered.
            path: `/api/v1/track?trackingNo=${encodeURIComponent(number.trackingNo)}&queryCode=${sequence < TRACK_LIMIT_PER_NUMBER + 2 ? NEVER_ISSUED_CODE : number.queryCode}`,
            localAddress: loopbackAddress(firstAddress + 1 + sequence),
          }
        : null,
  })
  const summarize = (result: LoadResult) => ({
    requests: result.requests,
    ok: countStatuses(result, 200, 300),
    limited: result.statuses['429'] ?? 0,
  })
  return { oneAddress: summarize(oneAddress), oneNumber: summarize(oneNumber) }
}

// ---------------------------------------------------------------------------------------------------------------
// Booking under contention
// ---------------------------------------------------------------------------------------------------------------

export interface BookingSessionCheck {
  sessionId: string
  seats: number
  requests: number
  accepted: number
  confirmedInDatabase: number
  remaining: number
  isComplete: boolean
  holds: boolean
}

export interface BookingResult extends LoadResult {
  seatsPerSession: number
  citizensPerSession: number
  sessions: BookingSessionCheck[]
  refusalCodes: Record<string, number>
  invariantHolds: boolean
}

async function createSessionWithOneSlot(
  baseUrl: string,
  token: string,
  leaderId: string,
  offsetHours: number,
  seats: number,
) {
  const startsAt = Math.ceil((Date.now() + 3 * 24 * HOUR_MS) / HOUR_MS) * HOUR_MS + offsetHours * HOUR_MS
  const body = {
    leaderId,
    startsAt: toShanghaiIso(startsAt),
    endsAt: toShanghaiIso(startsAt + HOUR_MS),
    mode: 'video',
    topics: ['基准测试'],
    slots: [{ startsAt: toShanghaiIso(startsAt), endsAt: toShanghaiIso(startsAt + HOUR_MS), capacity: seats }],
    bookingOpensDaysBefore: 7,
    bookingClosesHoursBefore: 1,
    requiresConfirmation: false,
  }
  const session = StaffReceptionSessionSchema.parse(
    await expectStatus(await call(baseUrl, '/api/v1/staff/receptions', { token, body }), 201, 'reception session'),
  )
  const slot = session.slots[0]
  if (!slot) throw new Error('the new session has no slot')
  return { sessionId: session.id, slotId: slot.id }
}

async function confirmedBookings(baseUrl: string, token: string, sessionId: string): Promise<number> {
  let confirmed = 0
  let cursor: string | null = null
  do {
    const query: string = cursor ? `?limit=50&cursor=${encodeURIComponent(cursor)}` : '?limit=50'
    const page = StaffBookingListSchema.parse(
      await expectStatus(
        await call(baseUrl, `/api/v1/staff/receptions/${sessionId}/bookings${query}`, { token }),
        200,
        'session bookings',
      ),
    )
    confirmed += page.items.filter((item) => item.status === 'confirmed').length
    cursor = page.nextCursor
  } while (cursor)
  return confirmed
}

/**
 * The rush for a leader's reception day: sessions of `seats` seats, each asked for by every citizen once
 * (`POST /receptions/:id/bookings`, Idempotency-Key, one seat), one session after another, at the phase's
 * concurrency. Afterwards, per session: accepted answers = confirmed bookings in the database = seats taken
 * (capacity − remaining), never more than the capacity, and exactly the capacity once every citizen was answered.
 */
export async function measureBookings(
  baseUrl: string,
  staffToken: string,
  citizens: readonly Citizen[],
  sessionCount: number,
  seats: number,
  limits: { concurrency: number; durationMs: number },
): Promise<BookingResult> {
  const leaders = ReceptionLeaderListSchema.parse(
    await expectStatus(await call(baseUrl, '/api/v1/staff/leaders', { token: staffToken }), 200, 'leaders'),
  )
  const leaderId = leaders.items[0]?.id
  if (!leaderId) throw new Error('no leader to hold a reception')
  const sessions: { sessionId: string; slotId: string }[] = []
  for (let i = 0; i < sessionCount; i++) {
    sessions.push(await createSessionWithOneSlot(baseUrl, staffToken, leaderId, 2 * i, seats))
  }
  const perSession = new Map<string, { requests: number; accepted: number }>()
  const refusalCodes: Record<string, number> = {}
  const next = (_worker: number, sequence: number): LoadRequest | null => {
    const session = sessions[Math.floor(sequence / citizens.length)]
    const citizen = citizens[sequence % citizens.length]
    if (!session || !citizen) return null
    return {
      method: 'POST',
      path: `/api/v1/receptions/${session.sessionId}/bookings`,
      headers: { ...JSON_HEADERS, ...bearer(citizen.token), 'idempotency-key': crypto.randomUUID() },
      body: JSON.stringify({ slotId: session.slotId, matter: '拖欠工资问题，请求领导协调解决', attendees: 1 }),
    }
  }
  const result = await runLoad({
    baseUrl,
    concurrency: limits.concurrency,
    durationMs: limits.durationMs,
    maxRequests: sessionCount * citizens.length,
    next,
    onResponse: (request, response) => {
      const sessionId = request.path.split('/')[4] ?? ''
      const counts = perSession.get(sessionId) ?? { requests: 0, accepted: 0 }
      counts.requests++
      if (response.status === 201) counts.accepted++
      else {
        const parsed = ProblemSchema.safeParse(JSON.parse(response.body))
        const code = parsed.success ? parsed.data.code : `HTTP ${response.status}`
        refusalCodes[code] = (refusalCodes[code] ?? 0) + 1
      }
      perSession.set(sessionId, counts)
    },
  })
  const checks: BookingSessionCheck[] = []
  for (const { sessionId } of sessions) {
    const counts = perSession.get(sessionId)
    if (!counts) continue
    const confirmedInDatabase = await confirmedBookings(baseUrl, staffToken, sessionId)
    const detail = ReceptionSessionDetailSchema.parse(
      await expectStatus(await call(baseUrl, `/api/v1/receptions/${sessionId}`), 200, 'session detail'),
    )
    const remaining = detail.slots[0]?.remaining ?? Number.NaN
    const isComplete = counts.requests === citizens.length
    const holds =
      counts.accepted === confirmedInDatabase &&
      confirmedInDatabase === seats - remaining &&
      confirmedInDatabase <= seats &&
      (!isComplete || confirmedInDatabase === Math.min(seats, citizens.length))
    checks.push({
      sessionId,
      seats,
      requests: counts.requests,
      accepted: counts.accepted,
      confirmedInDatabase,
      remaining,
      isComplete,
      holds,
    })
  }
  const hasServerErrors = countStatuses(result, 500, 600) > 0 || (result.statuses.error ?? 0) > 0
  return {
    ...result,
    seatsPerSession: seats,
    citizensPerSession: citizens.length,
    sessions: checks,
    refusalCodes,
    invariantHolds: !hasServerErrors && checks.length > 0 && checks.every((check) => check.holds),
  }
}
