import { ProblemSchema } from '@xinfang/shared'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { demoLogin, staffLogin } from '../../test/auth-helpers'
import { createTestContext, type TestContext } from '../../test/test-app'
import { toOpenApiPath } from './route'

let context: TestContext
let citizenToken: string
let staffTokens: Record<string, string>

beforeAll(async () => {
  context = createTestContext()
  citizenToken = (await demoLogin(context, 'policy-walker')).accessToken
  staffTokens = {}
  for (const role of ['intake', 'handler', 'supervisor', 'leader', 'admin']) {
    staffTokens[role] = (await staffLogin(context, `demo-${role}`)).accessToken
  }
})
afterAll(() => context.close())

const concretePath = (path: string) => path.replace(/:[A-Za-z0-9_]+/g, '01a20000-0000-7000-8000-000000000000')

async function call(method: string, path: string, token?: string) {
  return context.app.request(concretePath(path), {
    method: method.toUpperCase(),
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(method === 'get' ? {} : { body: '{}' }),
  })
}

test('every route the router serves was registered with a declared policy', () => {
  const declared = new Map(
    context.app.registeredRoutes.map((route) => [`${route.method.toUpperCase()} ${route.fullPath}`, route]),
  )
  const served = context.app.routes.filter((route) => route.method !== 'ALL')
  expect(served.length).toBeGreaterThan(5)
  for (const route of served) {
    const spec = declared.get(`${route.method} ${route.path}`)
    expect(spec, `${route.method} ${route.path} has no declared policy`).toBeDefined()
    expect(spec?.policy).toBeTruthy()
  }
})

test('every non-public route refuses a caller without a token with 401', async () => {
  for (const route of context.app.registeredRoutes.filter((r) => r.policy !== 'public')) {
    const response = await call(route.method, route.fullPath)
    expect(response.status, `${route.method} ${route.fullPath}`).toBe(401)
    expect(ProblemSchema.parse(await response.json()).code).toBe('UNAUTHENTICATED')
  }
})

test('every staff route refuses a citizen token with 403', async () => {
  const staffRoutes = context.app.registeredRoutes.filter((r) => r.policy === 'staff' || Array.isArray(r.policy))
  expect(staffRoutes.map((r) => toOpenApiPath(r.fullPath)).every((p) => p.startsWith('/api/v1/staff/'))).toBe(true)
  for (const route of staffRoutes) {
    const response = await call(route.method, route.fullPath, citizenToken)
    expect(response.status, `${route.method} ${route.fullPath}`).toBe(403)
  }
})

test('every citizen-only route refuses a staff token with 403', async () => {
  for (const route of context.app.registeredRoutes.filter((r) => r.policy === 'citizen')) {
    for (const token of Object.values(staffTokens)) {
      const response = await call(route.method, route.fullPath, token)
      expect(response.status, `${route.method} ${route.fullPath}`).toBe(403)
    }
  }
})

test('every role-restricted staff route refuses the roles it does not list with 403', async () => {
  for (const route of context.app.registeredRoutes) {
    if (!Array.isArray(route.policy)) continue
    const allowed: readonly string[] = route.policy
    for (const [role, token] of Object.entries(staffTokens)) {
      const response = await call(route.method, route.fullPath, token)
      if (allowed.includes(role)) expect(response.status, `${role} ${route.fullPath}`).not.toBe(403)
      else expect(response.status, `${role} ${route.fullPath}`).toBe(403)
    }
  }
})

test('every staff route lives under /api/v1/staff/ and every /api/v1/staff/ route is for staff', () => {
  for (const route of context.app.registeredRoutes) {
    const isStaffPath = route.fullPath.startsWith('/api/v1/staff/')
    const isStaffPolicy = route.policy === 'staff' || Array.isArray(route.policy)
    expect(isStaffPath, route.fullPath).toBe(isStaffPolicy)
  }
})
