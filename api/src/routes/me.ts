import { MaskedProfileSchema, type Me, MeSchema, maskProfile, ProfileInputSchema } from '@xinfang/shared'
import { eq } from 'drizzle-orm'
import { staffAccounts, units } from '../db/schema'
import { AppError } from '../domain/app-error'
import { loadPlainProfile, saveCitizenProfile } from '../domain/identity/citizen-profile'
import type { AppDeps } from '../http/context'
import { createResource, defineRoute } from '../http/route'

export function meRoutes(deps: AppDeps) {
  const resource = createResource(deps)

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/me',
      summary: '当前登录用户（群众的实名信息以脱敏形式返回）',
      tags: ['identity'],
      policy: 'authenticated',
      responses: { 200: { description: '当前用户', schema: MeSchema } },
    },
    async (c) => {
      const principal = c.get('principal')
      c.header('cache-control', 'no-store')
      if (principal.kind === 'citizen') {
        const profile = await loadPlainProfile(deps.database.db, deps.keyring, principal.id)
        const me: Me = { id: principal.id, role: 'citizen', profile: profile ? maskProfile(profile) : null }
        return c.json(me, 200)
      }
      const [staff] = await deps.database.db
        .select({ displayName: staffAccounts.displayName, unitId: units.id, unitName: units.name })
        .from(staffAccounts)
        .innerJoin(units, eq(units.id, staffAccounts.unitId))
        .where(eq(staffAccounts.id, principal.id))
      if (!staff) throw new AppError('UNAUTHENTICATED')
      const me: Me = {
        id: principal.id,
        role: principal.role,
        displayName: staff.displayName,
        unit: { id: staff.unitId, name: staff.unitName },
      }
      return c.json(me, 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'put',
      path: '/me/profile',
      summary: '登记或更新实名信息（姓名、身份证号、手机号、地址）',
      description:
        '身份证号按 GB 11643 校验，仅此一项有误时返回 ID_NUMBER_INVALID。phone 与 phoneCode（微信手机号授权 code）二选一。须同意当前版本的隐私保护指引。',
      tags: ['identity'],
      policy: 'citizen',
      body: ProfileInputSchema,
      fieldErrorCodes: { idNumber: 'ID_NUMBER_INVALID' },
      responses: { 200: { description: '已保存，返回脱敏后的信息', schema: MaskedProfileSchema } },
    },
    async (c, { body }) => {
      c.header('cache-control', 'no-store')
      return c.json(await saveCitizenProfile(deps, c.get('principal').id, body, deps.now()), 200)
    },
  )

  return resource
}
