import type { ServerResponse } from 'node:http'
import {
  type Booking,
  type BookingCreate,
  BookingCreateSchema,
  type ErrorCode,
  type ReceptionSession,
  type ReceptionSlot,
  toShanghaiIso,
  type WaitlistEntry,
} from '@xinfang/shared'
import { receptionSessionAt } from './fixtures'
import { nextServerTag, type RecordedRequest, sendJson, sendProblem, startTestServer } from './test-server'

export interface FakeReceptionApiOptions {
  /** The sessions on offer; by default one open session (test/fixtures.ts) with 2 + 1 seats left. */
  sessions?: ReceptionSession[]
  /** Whether the signed-in citizen has registered the real-name profile (403 PROFILE_REQUIRED otherwise). */
  hasProfile?: boolean
  /** The citizen's petitions, for the form's optional link. */
  petitions?: { id: string; title: string }[]
}

export interface FakeReceptionApi {
  baseUrl: string
  requests: RecordedRequest[]
  /** Requests to one method and path, e.g. `POST /api/v1/receptions/rs_test_1/bookings`. */
  requestsTo(method: string, path: string): RecordedRequest[]
  /** The token this server hands out at sign-in, and the only one it accepts. */
  accessToken: string
  sessions: Map<string, ReceptionSession>
  bookings: Map<string, Booking>
  waitlist: Map<string, WaitlistEntry>
  /**
   * The next `count` booking answers are lost: 503 after the booking was made (or replayed), as when a proxy drops them.
   */
  loseNextBookingAnswers(count: number): void
  /** The next `count` requests to any path answer with this problem before doing anything. */
  refuseNext(count: number, code: ErrorCode, detail?: string): void
  setProfile(hasProfile: boolean): void
  /** A booking made earlier, as if through the API: seats taken. */
  seedBooking(sessionId: string, slotId: string, body?: Partial<BookingCreate>): Booking
  /** A place on a waiting list made earlier. */
  seedWaitlistEntry(sessionId: string, slotId: string, position: number): WaitlistEntry
}

const CITIZEN = 'citizen_1'

/**
 * The citizen's reception routes (../shared/API.md, "Leader reception (citizen)") with the behaviour the mini-program
 * depends on: seats per slot taken and given back, one booking per citizen and session (409 BOOKING_EXISTS), 409
 * SLOT_FULL, 403 PROFILE_REQUIRED, the Idempotency-Key replaying the first answer (and 422 for the same key with
 * another body), cancelling before the cut-off, and the waiting list. Sign-in is the demo login. A real HTTP server
 * on 127.0.0.1, closed when the test ends.
 */
export async function startFakeReceptionApi(options: FakeReceptionApiOptions = {}): Promise<FakeReceptionApi> {
  const sessions = new Map((options.sessions ?? [receptionSessionAt(Date.now())]).map((s) => [s.id, s]))
  const bookings = new Map<string, Booking>()
  const waitlist = new Map<string, WaitlistEntry>()
  const keys = new Map<string, { body: string; status: number; answer: unknown }>()
  let hasProfile = options.hasProfile ?? true
  let answersToLose = 0
  let refusals: { count: number; code: ErrorCode; detail?: string } = { count: 0, code: 'INTERNAL_ERROR' }
  let made = 0
  const tag = nextServerTag()
  const accessToken = `access-${tag}`

  const summaryOf = (session: ReceptionSession) => ({
    id: session.id,
    leader: session.leader,
    unit: session.unit,
    startsAt: session.startsAt,
    endsAt: session.endsAt,
    mode: session.mode,
    place: session.place,
    status: 'published' as const,
  })

  /** Takes the seats and records a confirmed (or, where the session screens bookings, pending) booking. */
  function makeBooking(session: ReceptionSession, slot: ReceptionSlot, body: BookingCreate): Booking {
    made += 1
    slot.remaining -= body.attendees
    const booking: Booking = {
      id: `bk_${made}`,
      status: session.requiresConfirmation ? 'pending' : 'confirmed',
      session: summaryOf(session),
      slot: { id: slot.id, startsAt: slot.startsAt, endsAt: slot.endsAt },
      attendees: body.attendees,
      matter: body.matter,
      petitionId: body.petitionId ?? null,
      checkInCode: 'ABCDEFGHJK',
      statusReason: null,
      cancellableUntil: session.bookingClosesAt,
      checkedInAt: null,
      createdAt: toShanghaiIso(Date.now()),
    }
    bookings.set(booking.id, booking)
    return booking
  }

  function handle(request: RecordedRequest, response: ServerResponse) {
    const path = request.url.split('?')[0] ?? ''
    const route = `${request.method} ${path}`
    if (route === 'POST /api/v1/auth/demo') {
      return sendJson(response, 200, {
        accessToken,
        refreshToken: `refresh-${tag}-${'r'.repeat(24)}`,
        expiresIn: 900,
        user: { id: CITIZEN, role: 'citizen', hasProfile },
      })
    }
    if (refusals.count > 0) {
      refusals.count -= 1
      return sendProblem(response, refusals.code, refusals.detail)
    }
    const isPublic = request.method === 'GET' && path.startsWith('/api/v1/receptions')
    if (!isPublic && request.headers.authorization !== `Bearer ${accessToken}`) {
      return sendProblem(response, 'UNAUTHENTICATED')
    }
    const body: unknown = request.body ? JSON.parse(request.body) : undefined

    if (route === 'GET /api/v1/receptions') {
      return sendJson(response, 200, { items: [...sessions.values()], nextCursor: null })
    }
    {
      const match = route.match(/^GET \/api\/v1\/receptions\/([\w-]+)$/)
      if (match) {
        const session = sessions.get(match[1] ?? '')
        if (!session) return sendProblem(response, 'NOT_FOUND', '找不到该接访场次')
        return sendJson(response, 200, { ...session, status: 'published' })
      }
    }
    if (route === 'GET /api/v1/me') {
      const profile = hasProfile
        ? { realName: '张*', idNumber: '110105********002X', phone: '138****5678', address: '江城市***' }
        : null
      return sendJson(response, 200, { id: CITIZEN, role: 'citizen', profile })
    }
    if (route === 'GET /api/v1/petitions') {
      const items = (options.petitions ?? []).map((petition, index) => ({
        id: petition.id,
        trackingNo: `XF2026112200${index + 1}`,
        kind: 'complaint',
        category: { id: 'cat_wages', name: '劳动保障' },
        title: petition.title,
        status: 'accepted',
        submittedAt: toShanghaiIso(Date.now() - 86_400_000),
        nextDeadline: null,
      }))
      return sendJson(response, 200, { items, nextCursor: null })
    }
    {
      const match = route.match(/^POST \/api\/v1\/receptions\/([\w-]+)\/(bookings|waitlist)$/)
      if (match) {
        const session = sessions.get(match[1] ?? '')
        const operation = match[2]
        if (!session) return sendProblem(response, 'NOT_FOUND', '找不到该接访场次')
        const key = request.headers['idempotency-key']
        if (operation === 'bookings' && typeof key !== 'string')
          return sendProblem(response, 'IDEMPOTENCY_KEY_REQUIRED')
        const keyId = `${operation}:${key}`
        const stored = typeof key === 'string' ? keys.get(keyId) : undefined
        const fingerprint = `${session.id}:${request.body}`
        if (stored) {
          if (stored.body !== fingerprint) return sendProblem(response, 'IDEMPOTENCY_KEY_REUSED')
          if (answersToLose > 0) {
            answersToLose -= 1
            return sendProblem(response, 'SERVICE_UNAVAILABLE')
          }
          return sendJson(response, stored.status, stored.answer)
        }
        const parsed = BookingCreateSchema.safeParse(body)
        if (!parsed.success) {
          const errors = parsed.error.issues.map((issue) => ({
            path: ['body', ...issue.path.map(String)].join('.'),
            message: issue.message,
          }))
          return sendJson(
            response,
            400,
            {
              type: 'urn:xinfang:problem:validation-failed',
              title: '提交的内容不符合要求',
              status: 400,
              code: 'VALIDATION_FAILED',
              errors,
            },
            'application/problem+json',
          )
        }
        if (!hasProfile) return sendProblem(response, 'PROFILE_REQUIRED')
        const slot = session.slots.find((candidate) => candidate.id === parsed.data.slotId)
        if (!slot) return sendProblem(response, 'VALIDATION_FAILED')
        const holds = [...bookings.values()].some(
          (booking) => booking.session.id === session.id && ['pending', 'confirmed'].includes(booking.status),
        )
        if (holds) return sendProblem(response, 'BOOKING_EXISTS', '您已预约过本场接访，如需更改时段请先取消原预约')
        if (operation === 'waitlist') {
          if (slot.remaining >= parsed.data.attendees) {
            return sendProblem(response, 'INVALID_TRANSITION', '该时段尚有名额，请直接预约')
          }
          made += 1
          const entry: WaitlistEntry = {
            id: `wl_${made}`,
            status: 'waiting',
            session: summaryOf(session),
            slot: { id: slot.id, startsAt: slot.startsAt, endsAt: slot.endsAt },
            attendees: parsed.data.attendees,
            position: 1,
            bookingId: null,
            createdAt: toShanghaiIso(Date.now()),
          }
          waitlist.set(entry.id, entry)
          if (typeof key === 'string') keys.set(keyId, { body: fingerprint, status: 201, answer: entry })
          return sendJson(response, 201, entry)
        }
        if (slot.remaining < parsed.data.attendees) {
          return sendProblem(response, 'SLOT_FULL', '该时段名额已满，可选择其他时段或加入候补')
        }
        const booking = makeBooking(session, slot, parsed.data)
        keys.set(keyId, { body: fingerprint, status: 201, answer: booking })
        if (answersToLose > 0) {
          answersToLose -= 1
          return sendProblem(response, 'SERVICE_UNAVAILABLE')
        }
        return sendJson(response, 201, booking)
      }
    }
    if (route === 'GET /api/v1/bookings') {
      return sendJson(response, 200, { items: [...bookings.values()].reverse(), nextCursor: null })
    }
    {
      const match = route.match(/^(GET|POST) \/api\/v1\/bookings\/([\w-]+)(\/cancel)?$/)
      if (match) {
        const booking = bookings.get(match[2] ?? '')
        if (!booking) return sendProblem(response, 'NOT_FOUND', '找不到该预约')
        if (match[1] === 'GET' && match[3] === undefined) return sendJson(response, 200, booking)
        if (match[1] !== 'POST' || match[3] === undefined) return sendProblem(response, 'NOT_FOUND')
        if (booking.status === 'cancelled') return sendJson(response, 200, booking)
        if (Date.now() >= Date.parse(booking.cancellableUntil)) return sendProblem(response, 'CANCEL_CLOSED')
        const slot = sessions.get(booking.session.id)?.slots.find((candidate) => candidate.id === booking.slot.id)
        if (slot) slot.remaining += booking.attendees
        const cancelled: Booking = { ...booking, status: 'cancelled', checkInCode: null }
        bookings.set(booking.id, cancelled)
        return sendJson(response, 200, cancelled)
      }
    }
    if (route === 'GET /api/v1/waitlist') {
      return sendJson(response, 200, { items: [...waitlist.values()].reverse(), nextCursor: null })
    }
    {
      const match = route.match(/^POST \/api\/v1\/waitlist\/([\w-]+)\/leave$/)
      if (match) {
        const entry = waitlist.get(match[1] ?? '')
        if (!entry) return sendProblem(response, 'NOT_FOUND')
        const left: WaitlistEntry = { ...entry, status: 'left', position: null }
        waitlist.set(entry.id, left)
        return sendJson(response, 200, left)
      }
    }
    return sendProblem(response, 'NOT_FOUND')
  }

  const server = await startTestServer(handle)
  return {
    baseUrl: server.baseUrl,
    requests: server.requests,
    requestsTo: (method, path) =>
      server.requests.filter((request) => request.method === method && request.url.split('?')[0] === path),
    accessToken,
    sessions,
    bookings,
    waitlist,
    loseNextBookingAnswers(count) {
      answersToLose = count
    },
    refuseNext(count, code, detail) {
      refusals = { count, code, detail }
    },
    setProfile(value) {
      hasProfile = value
    },
    seedBooking(sessionId, slotId, body = {}) {
      const session = sessions.get(sessionId)
      const slot = session?.slots.find((candidate) => candidate.id === slotId)
      if (!session || !slot) throw new Error(`no slot ${slotId} in session ${sessionId}`)
      return makeBooking(session, slot, { slotId, matter: '拖欠工资', attendees: 1, ...body })
    },
    seedWaitlistEntry(sessionId, slotId, position) {
      const session = sessions.get(sessionId)
      const slot = session?.slots.find((candidate) => candidate.id === slotId)
      if (!session || !slot) throw new Error(`no slot ${slotId} in session ${sessionId}`)
      made += 1
      const entry: WaitlistEntry = {
        id: `wl_${made}`,
        status: 'waiting',
        session: summaryOf(session),
        slot: { id: slot.id, startsAt: slot.startsAt, endsAt: slot.endsAt },
        attendees: 1,
        position,
        bookingId: null,
        createdAt: toShanghaiIso(Date.now()),
      }
      waitlist.set(entry.id, entry)
      return entry
    },
  }
}
