import { afterEach, beforeEach, expect, test } from 'vitest'
import { z } from 'zod'
import { createTestContext, type TestContext } from '../../test/test-app'
import { createResource, defineRoute } from './route'

let context: TestContext
beforeEach(() => {
  context = createTestContext()
})
afterEach(() => context.close())

/** A router with one route that declares `{ ok: true }` and answers `answer` with `status`. */
function routeAnswering(checkResponses: boolean, status: 200 | 201, answer: unknown) {
  const resource = createResource({ ...context.deps, checkResponses })
  defineRoute(
    resource,
    {
      method: 'get',
      path: '/probe',
      summary: 'probe',
      tags: ['meta'],
      policy: 'public',
      responses: { 200: { description: 'ok', schema: z.object({ ok: z.literal(true) }) } },
    },
    (c) => c.json(answer, status),
  )
  return resource.app
}

test('with responses checked, an answer its declared schema refuses fails instead of reaching the client', async () => {
  expect((await routeAnswering(true, 200, { ok: true }).request('/probe')).status).toBe(200)
  expect((await routeAnswering(true, 200, { ok: 'yes' }).request('/probe')).status).toBe(500)
  expect((await routeAnswering(false, 200, { ok: 'yes' }).request('/probe')).status).toBe(200)
})

test('with responses checked, a success status the route does not declare fails', async () => {
  expect((await routeAnswering(true, 201, { ok: true }).request('/probe')).status).toBe(500)
})
