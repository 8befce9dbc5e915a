import {
  addCalendarDays,
  CategoryListSchema,
  PetitionCreatedSchema,
  ProblemSchema,
  PublicStatsSchema,
  shanghaiDateOf,
  TrackResultSchema,
} from '@xinfang/shared'
import { afterEach, expect, test } from 'vitest'
import { citizenWithProfile, json } from '../../test/auth-helpers'
import { FIXED_NOW } from '../../test/fixed-clock'
import { createTestContext, type TestContext } from '../../test/test-app'
import { limitKeyOf } from '../http/client-address'
import { ABUSE_LIMITS, createMemoryLimitStore } from '../lib/rate-limit'

let context: TestContext | undefined
afterEach(() => context?.close())

function open(env: Record<string, string> = {}, options: Parameters<typeof createTestContext>[1] = {}) {
  context = createTestContext(env, options)
  return context
}

async function submittedPetition(app: TestContext) {
  const auth = await citizenWithProfile(app, 'tracked')
  const categories = CategoryListSchema.parse(await (await json(app, '/api/v1/categories')).json())
  const response = await app.app.request('/api/v1/petitions', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${auth.accessToken}`,
      'idempotency-key': crypto.randomUUID(),
    },
    body: JSON.stringify({
      kind: 'complaint',
      categoryId: categories.items.find((c) => c.code === 'labor')?.id,
      title: '公司拖欠三个月工资',
      content: '本人在江城市某建筑公司工作，2026年8月至10月的工资共计一万八千元至今未发，多次催要无果，请求协调解决。',
    }),
  })
  return PetitionCreatedSchema.parse(await response.json())
}

/** A query code of the right shape that is never issued: the alphabet has no 0 and no 1. */
const wrongCode = (i: number) => `01${String(i).padStart(6, '0')}`

const track = (app: TestContext, trackingNo: string, queryCode: string, init: Parameters<typeof json>[2] = {}) =>
  json(app, `/api/v1/track?trackingNo=${trackingNo}&queryCode=${queryCode}`, init)

test('the right query code is answered after a thousand wrong guesses at its number from others', async () => {
  const app = open()
  const created = await submittedPetition(app)
  const guessers = 1000 / ABUSE_LIMITS.trackFailuresByAddress.bound
  for (let guesser = 0; guesser < guessers; guesser++) {
    for (let i = 0; i < ABUSE_LIMITS.trackFailuresByAddress.bound; i++) {
      const guess = await track(app, created.trackingNo, wrongCode(guesser * 100 + i), {
        from: `198.51.100.${guesser}`,
      })
      expect([404, 429]).toContain(guess.status)
    }
  }
  const owner = await track(app, created.trackingNo, created.queryCode, { from: '203.0.113.9' })
  expect(owner.status).toBe(200)
  expect(TrackResultSchema.parse(await owner.json()).trackingNo).toBe(created.trackingNo)
})

test('once a number’s failure bound is spent, wrong guesses at it are 429 with Retry-After and cost more', async () => {
  const app = open()
  const created = await submittedPetition(app)
  for (let i = 0; i < ABUSE_LIMITS.trackFailuresByNumber.bound; i++) {
    const guess = await track(app, created.trackingNo, wrongCode(i), { from: `198.51.100.${i}` })
    expect(guess.status).toBe(404)
  }
  const late = await track(app, created.trackingNo, wrongCode(999), { from: '192.0.2.1' })
  expect(late.status).toBe(429)
  expect(Number(late.headers.get('retry-after'))).toBeGreaterThan(0)
  // Four more such guesses and that address has spent its whole allowance.
  const statuses: number[] = []
  for (let i = 0; i < 4; i++) {
    statuses.push((await track(app, created.trackingNo, wrongCode(1000 + i), { from: '192.0.2.1' })).status)
  }
  expect(statuses.at(-1)).toBe(429)
  const otherNumber = await track(app, 'XF-2026-999999', wrongCode(5), { from: '192.0.2.1' })
  expect(otherNumber.status).toBe(429)
})

test('an address that keeps guessing is refused every lookup, and the right pairs it looks up are never counted', async () => {
  const app = open()
  const created = await submittedPetition(app)
  for (let i = 0; i < 50; i++) {
    expect((await track(app, created.trackingNo, created.queryCode, { from: '203.0.113.5' })).status).toBe(200)
  }
  for (let i = 0; i < ABUSE_LIMITS.trackFailuresByAddress.bound; i++) {
    expect((await track(app, 'XF-2026-999999', wrongCode(i), { from: '198.51.100.1' })).status).toBe(404)
  }
  const refused = await track(app, created.trackingNo, created.queryCode, { from: '198.51.100.1' })
  expect(refused.status).toBe(429)
  expect(ProblemSchema.parse(await refused.json()).code).toBe('RATE_LIMITED')
  app.setNow(FIXED_NOW + ABUSE_LIMITS.trackFailuresByAddress.windowMs)
  expect((await track(app, created.trackingNo, created.queryCode, { from: '198.51.100.1' })).status).toBe(200)
})

async function failTrackingUntilLimited(app: TestContext, init: Parameters<typeof json>[2]) {
  for (let i = 0; i < ABUSE_LIMITS.trackFailuresByAddress.bound; i++) {
    expect((await track(app, 'XF-2026-999999', wrongCode(i), init)).status).toBe(404)
  }
  expect((await track(app, 'XF-2026-999999', wrongCode(99), init)).status).toBe(429)
}

test('without TRUST_PROXY a forwarded address is ignored: one socket is one caller whatever it claims', async () => {
  const app = open()
  await failTrackingUntilLimited(app, { from: '10.0.0.2', headers: { 'x-forwarded-for': '198.51.100.1' } })
  const claimsAnother = await track(app, 'XF-2026-999999', wrongCode(1), {
    from: '10.0.0.2',
    headers: { 'x-forwarded-for': '198.51.100.2', forwarded: 'for=198.51.100.3' },
  })
  expect(claimsAnother.status).toBe(429)
})

test('with TRUST_PROXY=1 callers behind the proxy are told apart by the address the proxy appended', async () => {
  const app = open({ TRUST_PROXY: '1' })
  const proxy = '10.0.0.2'
  await failTrackingUntilLimited(app, { from: proxy, headers: { 'x-forwarded-for': '198.51.100.1' } })
  // Another citizen behind the same proxy has an allowance of their own.
  expect(
    (await track(app, 'XF-2026-999999', wrongCode(1), { from: proxy, headers: { 'x-forwarded-for': '198.51.100.2' } }))
      .status,
  ).toBe(404)
  // Whatever the caller wrote to the left of the proxy's entry is not believed.
  const spoofed = await track(app, 'XF-2026-999999', wrongCode(1), {
    from: proxy,
    headers: { 'x-forwarded-for': '203.0.113.77, 198.51.100.1' },
  })
  expect(spoofed.status).toBe(429)
})

test('with TRUST_PROXY=2 the address two hops from the right is the caller, read from RFC 7239 Forwarded too', async () => {
  const app = open({ TRUST_PROXY: '2' })
  await failTrackingUntilLimited(app, {
    from: '10.0.0.3',
    headers: { forwarded: 'for=203.0.113.77, for="198.51.100.1:4711";proto=https, for=10.0.0.2' },
  })
  const sameCaller = await track(app, 'XF-2026-999999', wrongCode(1), {
    from: '10.0.0.3',
    headers: { forwarded: 'for=192.0.2.200, for=198.51.100.1, for=10.0.0.9' },
  })
  expect(sameCaller.status).toBe(429)
  const anotherCaller = await track(app, 'XF-2026-999999', wrongCode(1), {
    from: '10.0.0.3',
    headers: { forwarded: 'for=198.51.100.1, for=198.51.100.2, for=10.0.0.2' },
  })
  expect(anotherCaller.status).toBe(404)
})

test('IPv6 callers are keyed by their /64 and IPv4-mapped addresses as IPv4', () => {
  expect(limitKeyOf('2001:db8:1:2:aaaa::1')).toBe(limitKeyOf('2001:0db8:0001:0002:ffff:1:2:3'))
  expect(limitKeyOf('2001:db8:1:2::1')).not.toBe(limitKeyOf('2001:db8:1:3::1'))
  expect(limitKeyOf('[2001:db8:1:2::1]:443')).toBe(limitKeyOf('2001:db8:1:2::9'))
  expect(limitKeyOf('::ffff:198.51.100.7')).toBe('198.51.100.7')
  expect(limitKeyOf('198.51.100.7:5000')).toBe('198.51.100.7')
})

test('a full limiter store drops the least recently hit key, so spraying new keys does not free a limited caller', async () => {
  const limits = createMemoryLimitStore(50)
  const app = open({}, { limits })
  await failTrackingUntilLimited(app, { from: '198.51.100.1' })
  // Enough other callers to fill the store twice over, each failing once.
  for (let i = 0; i < 100; i++) {
    await track(app, 'XF-2026-999999', wrongCode(i), { from: `192.0.2.${i}` })
    // The limited caller keeps trying, which keeps its own window among the most recent.
    expect((await track(app, 'XF-2026-999999', wrongCode(i), { from: '198.51.100.1' })).status).toBe(429)
  }
  expect(limits.size).toBeLessThanOrEqual(50)
})

const publicStats = (app: TestContext, query: string, from: string) =>
  json(app, `/api/v1/stats/public${query}`, { from })

test('public statistics ranges ending after today are the range ending today, computed once', async () => {
  const app = open()
  const today = shanghaiDateOf(FIXED_NOW)
  const first = PublicStatsSchema.parse(
    await (await publicStats(app, `?from=2026-01-01&to=${addCalendarDays(today, 30)}`, '198.51.100.1')).json(),
  )
  expect(first).toMatchObject({ from: '2026-01-01', to: today })
  app.setNow(FIXED_NOW + 60_000)
  for (const to of [today, addCalendarDays(today, 1), '2099-12-31']) {
    const again = PublicStatsSchema.parse(
      await (await publicStats(app, `?from=2026-01-01&to=${to}`, '198.51.100.2')).json(),
    )
    expect(again.generatedAt).toBe(first.generatedAt)
  }
  const future = PublicStatsSchema.parse(
    await (await publicStats(app, '?from=2099-01-01&to=2099-12-31', '198.51.100.2')).json(),
  )
  expect(future).toMatchObject({ from: today, to: today })
})

test('one address may compute only a few uncached statistics ranges; cached ones and other addresses are not limited', async () => {
  const app = open()
  const bound = ABUSE_LIMITS.publicStatsComputationsByAddress.bound
  for (let i = 0; i < bound; i++) {
    expect((await publicStats(app, `?from=${addCalendarDays('2026-01-01', i)}`, '198.51.100.1')).status).toBe(200)
  }
  const refused = await publicStats(app, `?from=${addCalendarDays('2026-01-01', bound)}`, '198.51.100.1')
  expect(refused.status).toBe(429)
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
  // A range already computed is served to the limited address, and another address computes the new one.
  expect((await publicStats(app, '?from=2026-01-01', '198.51.100.1')).status).toBe(200)
  expect((await publicStats(app, `?from=${addCalendarDays('2026-01-01', bound)}`, '198.51.100.2')).status).toBe(200)
})
