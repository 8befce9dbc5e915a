/**
 * The home page of the real weapp build (miniapp/dist/weapp) running in miniprogram-simulate against the real API:
 * see support/weapp-harness.ts for what is and is not simulated.
 */
import { createServer } from 'node:net'
import { ReceptionSessionListSchema } from '@xinfang/shared'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { type RunningApi, startApi } from '../support/api-server'
import { assertWeappBuild } from '../support/weapp-build'
import { loadPage, type RecordedRequest } from '../support/weapp-harness'

let api: RunningApi

beforeAll(async () => {
  assertWeappBuild()
  api = await startApi()
})

afterAll(async () => {
  await api?.stop()
})

function receptionListRequests(requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter((entry) => entry.method === 'GET' && entry.path === '/api/v1/receptions')
}

/** A local URL nothing listens on: a port the OS just handed out and took back. */
async function unreachableBaseUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  return `http://127.0.0.1:${address.port}`
}

test('the home page lists the upcoming reception sessions it fetched from the API, with each leader by name', async () => {
  const page = await loadPage('pages/index/index', { apiBaseUrl: api.baseUrl })
  await page.waitForSelector('#reception-list')

  const [request] = receptionListRequests(page.app.requests)
  expect(request?.statusCode).toBe(200)
  const sessions = ReceptionSessionListSchema.parse(request?.responseBody).items
  expect(sessions.length).toBeGreaterThan(0)
  const text = page.text()
  for (const session of sessions) expect(text).toContain(session.leader.name)
  // A leader receiving on several days is listed once per session, not once per name.
  for (const name of new Set(sessions.map((session) => session.leader.name))) {
    const expected = sessions.filter((session) => session.leader.name === name).length
    expect(text.split(name).length - 1, name).toBeGreaterThanOrEqual(expected)
  }
})

test('without the API the home page shows an error after retrying, and 重新加载 shows the sessions once the API answers', async () => {
  const page = await loadPage('pages/index/index', { apiBaseUrl: await unreachableBaseUrl() })
  await page.waitForSelector('#reception-error')
  expect(page.find('#reception-list')).toBeUndefined()
  const failed = receptionListRequests(page.app.requests)
  // A GET is idempotent, so the one HTTP client retries it before giving up (STYLE.md rule 9).
  expect(failed.length).toBeGreaterThan(1)
  expect(failed.every((entry) => entry.statusCode === undefined && entry.error !== undefined)).toBe(true)

  page.app.apiBaseUrl = api.baseUrl
  await page.tap('#reload')
  await page.waitForSelector('#reception-list')
  expect(page.find('#reception-error')).toBeUndefined()
  const answered = receptionListRequests(page.app.requests).at(-1)
  expect(answered?.statusCode).toBe(200)
  const sessions = ReceptionSessionListSchema.parse(answered?.responseBody).items
  expect(sessions.length).toBeGreaterThan(0)
  for (const session of sessions) expect(page.text()).toContain(session.leader.name)
})
