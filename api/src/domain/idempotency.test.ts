import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { BookingSchema, CategoryListSchema, PetitionCreatedSchema } from '@xinfang/shared'
import { eq } from 'drizzle-orm'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { citizenWithProfile, demoLogin, staffLogin } from '../../test/auth-helpers'
import { FIXED_NOW } from '../../test/fixed-clock'
import { book, call, leaderIdOf, scheduleSession, sessionInput } from '../../test/reception-helpers'
import { createTestContext, type TestContext } from '../../test/test-app'
import { idempotencyKeys, petitions } from '../db/schema'
import { IDEMPOTENCY_KEY_TTL_MS, purgeExpiredIdempotencyKeys } from './idempotency'

let context: TestContext
let labor: string

beforeEach(async () => {
  context = createTestContext()
  const categories = CategoryListSchema.parse(await (await context.app.request('/api/v1/categories')).json())
  labor = categories.items.find((category) => category.code === 'labor')?.id ?? ''
})
afterEach(() => context.close())

const petitionBody = (i: number) => ({
  kind: 'complaint',
  categoryId: labor,
  title: `公司拖欠工资第 ${i} 件`,
  content: `本人在江城市第 ${i} 建筑公司工作，2026年8月至10月的工资至今未发，请求协调解决。`,
})

function submit(token: string, body: unknown, key: string) {
  return call(context, '/api/v1/petitions', { body, token, headers: { 'idempotency-key': key } })
}

async function bookingSession() {
  const admin = (await staffLogin(context, 'demo-admin')).accessToken
  return scheduleSession(context, admin, sessionInput(await leaderIdOf(context, admin, '陈卫东'), { capacity: 5 }))
}

test('after petitions and bookings, neither the database file nor its WAL holds a query code, matter or check-in code', async () => {
  const session = await bookingSession()
  const secrets: string[] = []
  for (let i = 0; i < 10; i++) {
    const citizen = await citizenWithProfile(context, `at-rest-${i}`)
    const created = await submit(citizen.accessToken, petitionBody(i), `draft-${i}`)
    expect(created.status).toBe(201)
    secrets.push(PetitionCreatedSchema.parse(await created.json()).queryCode)
    const matter = `第 ${i} 位来访人想当面反映拆迁补偿款一直没有发放的问题`
    const response = await book(context, citizen.accessToken, session.id, {
      slotId: session.slots[i % 2]!.id,
      matter,
      attendees: 1,
    })
    expect(response.status).toBe(201)
    const booking = BookingSchema.parse(await response.json())
    expect(booking.checkInCode).not.toBeNull()
    secrets.push(matter, booking.checkInCode ?? '')
  }

  const path = join(context.dataDir, 'xinfang.db')
  const haystacks = { database: readFileSync(path), wal: readFileSync(`${path}-wal`) }
  // The WAL must hold the new pages, or scanning it would prove nothing: the keys are there, under their names.
  expect(haystacks.wal.includes(Buffer.from('draft-9'))).toBe(true)
  const leaks = Object.entries(haystacks).flatMap(([where, bytes]) =>
    secrets.filter((secret) => bytes.includes(Buffer.from(secret, 'utf8'))).map((secret) => `${where}: ${secret}`),
  )
  expect(leaks).toEqual([])
})

test('a retry within the window replays the same answer, query code included', async () => {
  const citizen = await citizenWithProfile(context, 'replayed')
  const first = await submit(citizen.accessToken, petitionBody(1), 'draft-replayed')
  const original = await first.json()
  context.setNow(FIXED_NOW + IDEMPOTENCY_KEY_TTL_MS - 1)
  await purgeExpiredIdempotencyKeys(context.database, FIXED_NOW + IDEMPOTENCY_KEY_TTL_MS - 1)

  const retry = await submit((await demoLogin(context, 'replayed')).accessToken, petitionBody(1), 'draft-replayed')
  expect(retry.status).toBe(201)
  expect(retry.headers.get('idempotent-replayed')).toBe('true')
  expect(await retry.json()).toEqual(original)
})

test('a booking retried with its key replays the same booking, matter and check-in code included', async () => {
  const session = await bookingSession()
  const citizen = await citizenWithProfile(context, 'booking-replayed')
  const body = { slotId: session.slots[0]!.id, matter: '想当面反映拆迁补偿款一直没有发放的问题', attendees: 2 }
  const first = await book(context, citizen.accessToken, session.id, body, 'booking-key')
  const original = await first.json()
  const retry = await book(context, citizen.accessToken, session.id, body, 'booking-key')
  expect(retry.headers.get('idempotent-replayed')).toBe('true')
  expect(await retry.json()).toEqual(original)
})

test('once the window has passed the key is deleted, and the same key is a new request', async () => {
  const citizen = await citizenWithProfile(context, 'expired')
  const first = PetitionCreatedSchema.parse(
    await (await submit(citizen.accessToken, petitionBody(1), 'old-draft')).json(),
  )
  const later = FIXED_NOW + IDEMPOTENCY_KEY_TTL_MS
  context.setNow(later)

  expect(await purgeExpiredIdempotencyKeys(context.database, later)).toEqual({ deleted: 1 })
  const keys = await context.database.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, 'old-draft'))
  expect(keys).toEqual([])

  const again = await submit((await demoLogin(context, 'expired')).accessToken, petitionBody(1), 'old-draft')
  expect(again.status).toBe(201)
  expect(again.headers.get('idempotent-replayed')).toBeNull()
  const second = PetitionCreatedSchema.parse(await again.json())
  expect(second.id).not.toBe(first.id)
  // Not silently lost either: staff see the second as a likely repeat of the first.
  const [row] = await context.database.db.select().from(petitions).where(eq(petitions.id, second.id))
  expect(row?.possibleRepeatOfId).toBe(first.id)
})

test('an expired key that the purge has not reached yet is not replayed either', async () => {
  const citizen = await citizenWithProfile(context, 'unswept')
  const first = PetitionCreatedSchema.parse(await (await submit(citizen.accessToken, petitionBody(1), 'stale')).json())
  context.setNow(FIXED_NOW + IDEMPOTENCY_KEY_TTL_MS)
  const again = await submit((await demoLogin(context, 'unswept')).accessToken, petitionBody(1), 'stale')
  expect(again.status).toBe(201)
  expect(PetitionCreatedSchema.parse(await again.json()).id).not.toBe(first.id)
})
