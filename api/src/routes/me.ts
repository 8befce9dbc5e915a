import { MaskedProfileSchema, MeSchema, ProfileInputSchema } from '@xinfang/shared'
import { saveCitizenProfile } from '../domain/identity/citizen-profile'
import { getMe } from '../domain/identity/get-me'
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
    async (c, { principal }) => {
      c.header('cache-control', 'no-store')
      const me = await getMe({ db: deps.database.db, keyring: deps.keyring }, { principal: principal })
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
    async (c, { principal, body }) => {
      c.header('cache-control', 'no-store')
      return c.json(await saveCitizenProfile(deps, principal.id, body, deps.now()), 200)
    },
  )

  return resource
}
