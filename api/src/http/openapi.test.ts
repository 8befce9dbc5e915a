import { afterAll, expect, test } from 'vitest'
import { createTestContext } from '../../test/test-app'
import { toOpenApiPath } from './route'

const context = createTestContext()
afterAll(() => context.close())

const METHODS = ['get', 'post', 'put', 'patch', 'delete']

test('the OpenAPI document lists exactly the routes the router serves', async () => {
  const response = await context.app.request('/api/v1/openapi.json')
  expect(response.status).toBe(200)
  const document = (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> }
  expect(document.openapi).toBe('3.1.0')
  const documented = Object.entries(document.paths)
    .flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((m) => METHODS.includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    )
    .sort()
  // Hono's own route table, middleware (method ALL) left out.
  const served = [
    ...new Set(
      context.app.routes
        .filter((route) => route.method !== 'ALL')
        .map((route) => `${route.method} ${toOpenApiPath(route.path)}`),
    ),
  ].sort()
  expect(documented).toEqual(served)
  expect(served).toEqual(expect.arrayContaining(['GET /health', 'GET /api/v1/receptions', 'GET /api/v1/openapi.json']))
})

test('every documented operation declares its access policy and a problem+json error response', async () => {
  const document = (await (await context.app.request('/api/v1/openapi.json')).json()) as {
    paths: Record<string, Record<string, { 'x-policy'?: string; responses: Record<string, unknown> }>>
  }
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations)) {
      expect(operation['x-policy']).toBeTruthy()
      expect(operation.responses.default).toBeTruthy()
    }
  }
})

test('the reception list documents its query parameters from the shared schema', async () => {
  const document = (await (await context.app.request('/api/v1/openapi.json')).json()) as {
    paths: Record<string, Record<string, { parameters: { name: string; in: string }[] }>>
  }
  const parameters = document.paths['/api/v1/receptions']?.get?.parameters ?? []
  expect(parameters.map((p) => p.name).sort()).toEqual(['cursor', 'from', 'limit', 'to', 'unitId'])
  expect(parameters.every((p) => p.in === 'query')).toBe(true)
})

test('the docs page renders every route without scripts', async () => {
  const response = await context.app.request('/api/docs')
  expect(response.status).toBe(200)
  const html = await response.text()
  expect(html).toContain('GET /api/v1/receptions')
  expect(html).toContain('SLOT_FULL')
  expect(html).not.toContain('<script')
})
