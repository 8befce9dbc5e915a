import {
  BookingSchema,
  ProblemSchema,
  ReceptionLeaderListSchema,
  type SessionCreate,
  StaffReceptionSessionSchema,
  shanghaiTime,
  toShanghaiIso,
} from '@xinfang/shared'
import type { TestContext } from './test-app'

const HOUR_MS = 60 * 60 * 1000

export type SessionInput = Omit<SessionCreate, 'requiresConfirmation' | 'publish'> & {
  requiresConfirmation?: boolean
  publish?: boolean
}

/**
 * A session of 陈卫东 (市信访局) on Thursday 26 November 2026, 09:00–11:00 in two slots of `capacity` seats,
 * booking open from 7 days before until 24 hours before — open at the tests' fixed clock (Monday 08:00).
 */
export function sessionInput(leaderId: string, overrides: Partial<SessionInput> & { capacity?: number } = {}) {
  const { capacity = 4, ...rest } = overrides
  const startsAt = shanghaiTime('2026-11-26', '09:00')
  return {
    leaderId,
    startsAt: toShanghaiIso(startsAt),
    endsAt: toShanghaiIso(startsAt + 2 * HOUR_MS),
    mode: 'in_person',
    place: '江城市人民来访接待中心一楼接待室',
    topics: ['信访事项办理进度'],
    slots: [
      { startsAt: toShanghaiIso(startsAt), endsAt: toShanghaiIso(startsAt + HOUR_MS), capacity },
      { startsAt: toShanghaiIso(startsAt + HOUR_MS), endsAt: toShanghaiIso(startsAt + 2 * HOUR_MS), capacity },
    ],
    bookingOpensDaysBefore: 7,
    bookingClosesHoursBefore: 24,
    ...rest,
  } satisfies SessionInput
}

export async function call(
  context: TestContext,
  path: string,
  init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {},
) {
  return context.app.request(path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  })
}

export async function leaderIdOf(context: TestContext, staffToken: string, name: string): Promise<string> {
  const response = await call(context, '/api/v1/staff/leaders', { token: staffToken })
  const leader = ReceptionLeaderListSchema.parse(await response.json()).items.find((item) => item.name === name)
  if (!leader) throw new Error(`no leader named ${name}`)
  return leader.id
}

/** Schedules a session through the staff API and returns it as staff see it. */
export async function scheduleSession(context: TestContext, staffToken: string, input: unknown) {
  const response = await call(context, '/api/v1/staff/receptions', { body: input, token: staffToken })
  if (response.status !== 201) throw new Error(`scheduling failed: ${response.status} ${await response.text()}`)
  return StaffReceptionSessionSchema.parse(await response.json())
}

export function book(
  context: TestContext,
  token: string,
  sessionId: string,
  body: Record<string, unknown>,
  key: string | null = crypto.randomUUID(),
) {
  return call(context, `/api/v1/receptions/${sessionId}/bookings`, {
    body,
    token,
    headers: key === null ? {} : { 'idempotency-key': key },
  })
}

/** Books and expects 201, returning the booking. */
export async function booked(context: TestContext, token: string, sessionId: string, body: Record<string, unknown>) {
  const response = await book(context, token, sessionId, body)
  if (response.status !== 201) throw new Error(`booking failed: ${response.status} ${await response.text()}`)
  return BookingSchema.parse(await response.json())
}

export async function problemCode(response: Response): Promise<string> {
  return ProblemSchema.parse(await response.json()).code
}
