import { AuthResultSchema, type StaffRole } from '@xinfang/shared'
import { eq } from 'drizzle-orm'
import { staffAccounts, units } from '../src/db/schema'
import { hashPassword } from '../src/domain/staff/password'
import { newId } from '../src/lib/ids'
import type { TestContext } from './test-app'

export const VALID_PROFILE = {
  realName: '张三',
  // A checksum-valid number: region 110105, born 1949-12-31.
  idNumber: '11010519491231002X',
  phone: '13812345678',
  address: '江城市东湖区湖滨路 6 号 3 幢 201 室',
  privacyVersion: '2026-11-01',
} as const

export async function json(
  context: TestContext,
  path: string,
  init: { method?: string; body?: unknown; token?: string; from?: string; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...init.headers }
  if (init.body !== undefined) headers['content-type'] = 'application/json'
  if (init.token) headers.authorization = `Bearer ${init.token}`
  return context.app.request(
    path,
    {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    },
    init.from === undefined ? undefined : fromAddress(init.from),
  )
}

/** The runtime environment of a request whose socket peer is `address`, as the Node adapter passes it. */
export function fromAddress(address: string) {
  return { incoming: { socket: { remoteAddress: address } } }
}

export async function demoLogin(context: TestContext, name?: string) {
  const response = await json(context, '/api/v1/auth/demo', { body: name ? { name } : {} })
  if (response.status !== 200) throw new Error(`demo login failed: ${response.status} ${await response.text()}`)
  return AuthResultSchema.parse(await response.json())
}

export async function staffLogin(context: TestContext, username: string, password = 'xinfang-demo') {
  const response = await json(context, '/api/v1/auth/staff', { body: { username, password } })
  if (response.status !== 200) throw new Error(`staff login failed: ${response.status} ${await response.text()}`)
  return AuthResultSchema.parse(await response.json())
}

/** A signed-in citizen who has given a real-name profile. */
export async function citizenWithProfile(
  context: TestContext,
  name: string,
  profile: Record<string, string> = VALID_PROFILE,
) {
  const auth = await demoLogin(context, name)
  const response = await json(context, '/api/v1/me/profile', { method: 'PUT', body: profile, token: auth.accessToken })
  if (response.status !== 200) throw new Error(`profile failed: ${response.status} ${await response.text()}`)
  return auth
}

/** A staff account made for one test (cheap hash: the iteration count is stored in the hash). */
export async function createStaff(context: TestContext, username: string, role: StaffRole, unitCode: string) {
  const [unit] = await context.database.db.select().from(units).where(eq(units.code, unitCode))
  if (!unit) throw new Error(`no unit ${unitCode}`)
  await context.database.write((tx) =>
    tx.insert(staffAccounts).values({
      id: newId(),
      username,
      displayName: username,
      role,
      unitId: unit.id,
      passwordHash: '',
      createdAt: 0,
      updatedAt: 0,
    }),
  )
  const hash = await hashPassword('test-password', 1000)
  await context.database.write((tx) =>
    tx.update(staffAccounts).set({ passwordHash: hash }).where(eq(staffAccounts.username, username)),
  )
  return staffLogin(context, username, 'test-password')
}
