import { ReceptionListQuerySchema, ReceptionSessionListSchema } from '@xinfang/shared'
import { listPublishedSessions } from '../domain/receptions/list-published-sessions'
import type { AppDeps } from '../http/context'
import { createResource, defineRoute } from '../http/route'

export function receptionRoutes(deps: AppDeps) {
  const resource = createResource(deps)

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/receptions',
      summary: '已发布的领导接访安排',
      description: '按开始时间排序；from/to 为上海日期，默认从今天起 30 天。remaining 为各时段剩余名额。',
      tags: ['receptions'],
      policy: 'public',
      query: ReceptionListQuerySchema,
      responses: { 200: { description: '接访场次', schema: ReceptionSessionListSchema } },
    },
    async (c, { query }) => {
      // Seat counts change with every booking: let clients revalidate instead of caching a stale "remaining".
      c.header('cache-control', 'no-cache')
      return c.json(await listPublishedSessions(deps.database.db, query, deps.now()), 200)
    },
  )

  return resource
}
