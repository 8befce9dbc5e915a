import { CategoryListSchema, UnitListSchema } from '@xinfang/shared'
import { listCategories } from '../domain/reference/list-categories'
import { listUnits } from '../domain/reference/list-units'
import type { AppDeps } from '../http/context'
import { createResource, defineRoute } from '../http/route'

/** Reference data changes rarely; clients may cache it for a few minutes. */
const REFERENCE_CACHE = 'public, max-age=300'

export function referenceRoutes(deps: AppDeps) {
  const resource = createResource(deps)

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/categories',
      summary: '信访事项分类',
      tags: ['reference'],
      policy: 'public',
      responses: { 200: { description: '全部分类', schema: CategoryListSchema } },
    },
    async (c) => {
      c.header('cache-control', REFERENCE_CACHE)
      return c.json({ items: await listCategories(deps.database.db), nextCursor: null }, 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/units',
      summary: '单位（信访部门、职能部门、区县与街道）',
      tags: ['reference'],
      policy: 'public',
      responses: { 200: { description: '全部单位', schema: UnitListSchema } },
    },
    async (c) => {
      c.header('cache-control', REFERENCE_CACHE)
      return c.json({ items: await listUnits(deps.database.db), nextCursor: null }, 200)
    },
  )

  return resource
}
