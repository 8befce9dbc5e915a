import { PublicStatsSchema, StaffStatsQuerySchema, StaffStatsSchema, StatsQuerySchema } from '@xinfang/shared'
import { createPublicStatsReader } from '../domain/statistics/public-stats'
import { computeStaffStats, staffStatsCsv, staffStatsFileName } from '../domain/statistics/staff-stats'
import { clientAddressOf } from '../http/client-address'
import type { AppDeps } from '../http/context'
import { createResource, defineRoute } from '../http/route'

/** 阳光信访 (public, aggregates only, cached) and 统计分析 for staff (JSON or CSV). */
export function statisticsRoutes(deps: AppDeps) {
  const resource = createResource(deps)
  const statsDeps = { db: deps.database.db, deadlines: deps.deadlines }
  const readPublicStats = createPublicStatsReader({ ...statsDeps, limits: deps.limits })

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/stats/public',
      summary: '阳光信访：公开统计（仅汇总数据）',
      description:
        'from/to 为上海日期，默认近一年；晚于今天的日期按今天计。结果缓存 5 分钟；同一地址短时间内查询过多未缓存的时间范围将得到 429。',
      tags: ['statistics'],
      policy: 'public',
      query: StatsQuerySchema,
      responses: { 200: { description: '总体与按月统计', schema: PublicStatsSchema } },
    },
    async (c, { query }) => {
      const stats = await readPublicStats(query, {
        address: clientAddressOf(c, deps.config.trustProxy),
        now: deps.now(),
      })
      c.header('cache-control', 'public, max-age=300')
      return c.json(stats, 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/staff/stats',
      summary: '统计分析：按单位、分类或月份分组；Accept: text/csv 导出',
      tags: ['staff', 'statistics'],
      policy: 'staff',
      query: StaffStatsQuerySchema,
      responses: {
        200: { description: '分组统计', schema: StaffStatsSchema },
      },
    },
    async (c, { query }) => {
      const stats = await computeStaffStats(statsDeps, { query, now: deps.now() })
      c.header('cache-control', 'no-store')
      if ((c.req.header('accept') ?? '').includes('text/csv')) {
        c.header('content-disposition', `attachment; filename="${staffStatsFileName(stats)}"`)
        return c.body(staffStatsCsv(stats), 200, { 'content-type': 'text/csv; charset=utf-8' })
      }
      return c.json(stats, 200)
    },
  )

  return resource
}
