import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  CategoryListSchema,
  HealthSchema,
  JSON_MAX_DEPTH,
  PROBLEM_CONTENT_TYPE,
  ProblemSchema,
  ReceptionSessionListSchema,
  shanghaiTime,
  toShanghaiIso,
  UnitListSchema,
} from '@xinfang/shared'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { createTestContext, type TestContext } from '../test/test-app'

let context: TestContext

beforeEach(() => {
  context = createTestContext({ CORS_ORIGINS: 'https://platform.example.gov.cn', BODY_LIMIT_BYTES: '2048' })
})

afterEach(() => context.close())

async function expectProblem(response: Response, status: number, code: string) {
  expect(response.status).toBe(status)
  expect(response.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE)
  const problem = ProblemSchema.parse(await response.json())
  expect(problem.code).toBe(code)
  return problem
}

test('health reports ok when the database answers', async () => {
  const response = await context.app.request('/health')
  expect(response.status).toBe(200)
  expect(HealthSchema.parse(await response.json())).toMatchObject({ status: 'ok', db: 'ok', writes: 'ok' })
})

test('health says the bundled holiday calendar ends with 2026, too soon for deadlines 120 days ahead, without changing status', async () => {
  const response = await context.app.request('/health')
  expect(HealthSchema.parse(await response.json())).toEqual({
    status: 'ok',
    db: 'ok',
    writes: 'ok',
    calendar: { coversThrough: '2026-12-31', status: 'ends_soon' },
  })
})

test('a 2027 calendar supplied as XINFANG_HOLIDAYS_FILE is used for working days and reported as covering the year', async () => {
  const file = join(context.dataDir, 'holidays-2027.json')
  // 元旦 2027 falls on a Friday; the Saturday after is worked in exchange (an example notice, not the real one).
  writeFileSync(file, JSON.stringify({ holidays: ['2027-01-01'], workdays: ['2027-01-02'] }))
  const supplied = createTestContext({ XINFANG_HOLIDAYS_FILE: file })
  try {
    expect(supplied.deadlines.isWorkingDay('2027-01-01')).toBe(false)
    expect(supplied.deadlines.isWorkingDay('2027-01-02')).toBe(true)
    expect(context.deadlines.isWorkingDay('2027-01-01')).toBe(true)
    // Three working days from Thursday 31 December 2026: Saturday 2 January, Monday 4th, Tuesday 5th.
    const rule = { days: 3, unit: 'working' } as const
    expect(toShanghaiIso(supplied.deadlines.after(shanghaiTime('2026-12-31', '10:00'), rule))).toBe(
      '2027-01-05T23:59:59.999+08:00',
    )
    const health = HealthSchema.parse(await (await supplied.app.request('/health')).json())
    expect(health.calendar).toEqual({ coversThrough: '2027-12-31', status: 'ok' })
  } finally {
    supplied.close()
  }
})

test('health reports degraded, still 200, once a write is refused for a storage reason', async () => {
  const diskFull = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })
  await expect(
    context.database.write(async () => {
      throw diskFull
    }),
  ).rejects.toBe(diskFull)
  const degraded = await context.app.request('/health')
  expect(degraded.status).toBe(200)
  expect(HealthSchema.parse(await degraded.json())).toMatchObject({ status: 'degraded', db: 'ok', writes: 'failing' })
})

test('health answers 503 when the database is gone', async () => {
  context.database.close()
  const response = await context.app.request('/health')
  expect(response.status).toBe(503)
  expect(HealthSchema.parse(await response.json())).toMatchObject({
    status: 'unavailable',
    db: 'unavailable',
    writes: 'failing',
  })
})

test('categories and units list the demo city in Chinese', async () => {
  const categories = CategoryListSchema.parse(await (await context.app.request('/api/v1/categories')).json())
  expect(categories.items.map((category) => category.name)).toContain('劳动和社会保障')
  const units = UnitListSchema.parse(await (await context.app.request('/api/v1/units')).json())
  expect(units.items.map((unit) => unit.shortName)).toEqual(
    expect.arrayContaining([
      '市信访局',
      '人社局',
      '住建局',
      '自然资源局',
      '生态环境局',
      '东湖区政府',
      '湖滨街道',
      '新桥街道',
    ]),
  )
  const street = units.items.find((unit) => unit.shortName === '湖滨街道')
  expect(units.items.find((unit) => unit.id === street?.parentId)?.shortName).toBe('东湖区政府')
})

test('receptions are listed by start time and paged with a cursor until the last page', async () => {
  const seen: string[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
    const response = await context.app.request(`/api/v1/receptions?limit=3${query}`)
    expect(response.status).toBe(200)
    const page = ReceptionSessionListSchema.parse(await response.json())
    expect(page.items.length).toBeLessThanOrEqual(3)
    seen.push(...page.items.map((item) => item.startsAt))
    cursor = page.nextCursor
    pages++
  } while (cursor && pages < 20)
  const all = ReceptionSessionListSchema.parse(await (await context.app.request('/api/v1/receptions?limit=50')).json())
  expect(seen).toEqual(all.items.map((item) => item.startsAt))
  expect([...seen].sort()).toEqual(seen)
  expect(pages).toBe(Math.ceil(all.items.length / 3))
})

test('receptions can be narrowed to a unit and to a date range', async () => {
  const all = ReceptionSessionListSchema.parse(await (await context.app.request('/api/v1/receptions?limit=50')).json())
  const unitId = all.items[0]?.unit.id ?? ''
  const byUnit = ReceptionSessionListSchema.parse(
    await (await context.app.request(`/api/v1/receptions?limit=50&unitId=${unitId}`)).json(),
  )
  expect(byUnit.items.length).toBeGreaterThan(0)
  expect(byUnit.items.every((item) => item.unit.id === unitId)).toBe(true)
  const oneDay = ReceptionSessionListSchema.parse(
    await (await context.app.request('/api/v1/receptions?from=2026-11-24&to=2026-11-24')).json(),
  )
  expect(oneDay.items.map((item) => item.startsAt.slice(0, 10))).toEqual(['2026-11-24'])
})

test('a session that has ended drops out of the list', async () => {
  const before = ReceptionSessionListSchema.parse(
    await (await context.app.request('/api/v1/receptions?limit=50')).json(),
  )
  const first = before.items[0]
  context.setNow(Date.parse(first?.endsAt ?? '') + 1)
  const after = ReceptionSessionListSchema.parse(
    await (await context.app.request('/api/v1/receptions?limit=50')).json(),
  )
  expect(after.items.map((item) => item.id)).not.toContain(first?.id)
})

test('invalid query parameters are a 400 problem listing each field', async () => {
  const response = await context.app.request('/api/v1/receptions?limit=500&from=yesterday&cursor=%%%')
  const problem = await expectProblem(response, 400, 'VALIDATION_FAILED')
  expect(problem.errors?.map((error) => error.path).sort()).toEqual(['query.from', 'query.limit'])
})

test('a forged cursor is a 400 problem, not a 500', async () => {
  const response = await context.app.request('/api/v1/receptions?cursor=bm90LWpzb24')
  const problem = await expectProblem(response, 400, 'VALIDATION_FAILED')
  expect(problem.errors?.[0]?.path).toBe('query.cursor')
})

test('an unknown route is a 404 problem', async () => {
  await expectProblem(await context.app.request('/api/v1/nothing-here'), 404, 'NOT_FOUND')
  await expectProblem(await context.app.request('/api/v1/receptions/x/y/z'), 404, 'NOT_FOUND')
})

test('a known route with the wrong method is a 405 problem naming the allowed methods', async () => {
  const response = await context.app.request('/api/v1/categories', { method: 'DELETE' })
  await expectProblem(response, 405, 'METHOD_NOT_ALLOWED')
  expect(response.headers.get('allow')).toBe('GET')
})

test('a body over the size limit is a 413 problem, whether or not it declares its length', async () => {
  const big = JSON.stringify({ text: 'x'.repeat(4096) })
  await expectProblem(
    await context.app.request('/api/v1/categories', {
      method: 'POST',
      body: big,
      headers: { 'content-type': 'application/json' },
    }),
    413,
    'PAYLOAD_TOO_LARGE',
  )
  await expectProblem(
    await context.app.request('/api/v1/categories', {
      method: 'POST',
      body: big,
      headers: { 'content-type': 'application/json', 'content-length': String(big.length) },
    }),
    413,
    'PAYLOAD_TOO_LARGE',
  )
  const stream = new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(big))
      controller.close()
    },
  })
  await expectProblem(
    await context.app.request('/api/v1/categories', {
      method: 'POST',
      body: stream,
      headers: { 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit),
    413,
    'PAYLOAD_TOO_LARGE',
  )
})

test('a JSON body nested deeper than JSON_MAX_DEPTH is refused with JSON_TOO_DEEP, before any parsing', async () => {
  const post = (body: string) =>
    context.app.request('/api/v1/auth/demo', { method: 'POST', body, headers: { 'content-type': 'application/json' } })
  const nested = (depth: number) => `{"name":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`
  const tooDeep = await expectProblem(await post(nested(JSON_MAX_DEPTH + 1)), 400, 'JSON_TOO_DEEP')
  expect(tooDeep.detail).toContain(String(JSON_MAX_DEPTH))
  // Unterminated: refused for its depth, not read to the end to find it is not JSON.
  await expectProblem(await post('['.repeat(1500)), 400, 'JSON_TOO_DEEP')
  // At the limit the body is parsed, and then refused by its schema like any other wrong value.
  await expectProblem(await post(nested(JSON_MAX_DEPTH)), 400, 'VALIDATION_FAILED')
  // Brackets inside a string are text.
  expect((await post(JSON.stringify({ name: '['.repeat(30) }))).status).toBe(200)
})

test('every response carries a request id, taken from the caller when it sends a sane one', async () => {
  const generated = await context.app.request('/health')
  expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  const echoed = await context.app.request('/health', { headers: { 'x-request-id': 'gateway-abc-123' } })
  expect(echoed.headers.get('x-request-id')).toBe('gateway-abc-123')
  const entry = context.logs.find((line) => line.msg === 'request' && line.requestId === 'gateway-abc-123')
  expect(entry).toMatchObject({ level: 'info', method: 'GET', path: '/health', status: 200 })
  expect(typeof entry?.durationMs).toBe('number')
})

test('problems carry the request id so a citizen can quote it to support', async () => {
  const response = await context.app.request('/nope', { headers: { 'x-request-id': 'support-case-7' } })
  const problem = await expectProblem(response, 404, 'NOT_FOUND')
  expect(problem.requestId).toBe('support-case-7')
})

test('the access log leaves the query string out', async () => {
  await context.app.request('/api/v1/receptions?unitId=secret-looking-value')
  expect(JSON.stringify(context.logs)).not.toContain('secret-looking-value')
})

test('security headers are set and API responses forbid framing and active content', async () => {
  const response = await context.app.request('/api/v1/units')
  expect(response.headers.get('x-content-type-options')).toBe('nosniff')
  expect(response.headers.get('x-frame-options')).toBe('DENY')
  expect(response.headers.get('referrer-policy')).toBe('no-referrer')
  expect(response.headers.get('content-security-policy')).toBe(
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  )
})

test('CORS answers configured origins and ignores others', async () => {
  const allowed = await context.app.request('/api/v1/units', { headers: { origin: 'https://platform.example.gov.cn' } })
  expect(allowed.headers.get('access-control-allow-origin')).toBe('https://platform.example.gov.cn')
  const preflight = await context.app.request('/api/v1/units', {
    method: 'OPTIONS',
    headers: {
      origin: 'https://platform.example.gov.cn',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'idempotency-key',
    },
  })
  expect(preflight.status).toBe(204)
  expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('idempotency-key')
  const other = await context.app.request('/api/v1/units', { headers: { origin: 'https://evil.example.com' } })
  expect(other.headers.get('access-control-allow-origin')).toBeNull()
})
