import {
  PetitionIdParamsSchema,
  PublicStatsSchema,
  RatingCreateSchema,
  RatingSchema,
  ReviewRequestCreatedSchema,
  ReviewRequestCreateSchema,
  STATS_LABELS,
  StaffStatsQuerySchema,
  StaffStatsSchema,
  type Stats,
  StatsQuerySchema,
} from '@xinfang/shared'
import { rateBooking } from '../domain/reviews/rate-booking'
import { ratePetition } from '../domain/reviews/rate-petition'
import { requestReview } from '../domain/reviews/request-review'
import { computeStats, EMPTY_STATS, labelsOf, rangeOf } from '../domain/statistics/compute-stats'
import { createPublicStatsReader } from '../domain/statistics/public-stats'
import { clientAddressOf } from '../http/client-address'
import type { AppDeps } from '../http/context'
import { createResource, defineRoute } from '../http/route'
import { toCsv } from '../lib/csv'

const STATS_COLUMNS = Object.keys(STATS_LABELS) as (keyof Stats)[]

function statsCsv(rows: { label: string; stats: Stats }[], groupLabel: string): string {
  return toCsv([
    [groupLabel, ...STATS_COLUMNS.map((column) => STATS_LABELS[column])],
    ...rows.map((row) => [row.label, ...STATS_COLUMNS.map((column) => row.stats[column])]),
  ])
}

export function reviewRoutes(deps: AppDeps) {
  const resource = createResource(deps)
  const readPublicStats = createPublicStatsReader({
    db: deps.database.db,
    deadlines: deps.deadlines,
    limits: deps.limits,
  })

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/petitions/:id/ratings',
      summary: '评价答复（满意 / 基本满意 / 不满意），每个答复阶段一次',
      tags: ['petitions'],
      policy: 'citizen',
      params: PetitionIdParamsSchema,
      body: RatingCreateSchema,
      responses: { 201: { description: '已评价', schema: RatingSchema } },
    },
    async (c, { params, body }) =>
      c.json(await ratePetition(deps, c.get('principal').id, params.id, body, deps.now()), 201),
  )

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/bookings/:id/ratings',
      summary: '评价领导接访（接访结束后 30 日内，一次）',
      tags: ['receptions'],
      policy: 'citizen',
      params: PetitionIdParamsSchema,
      body: RatingCreateSchema,
      responses: { 201: { description: '已评价', schema: RatingSchema } },
    },
    async (c, { params, body }) =>
      c.json(await rateBooking(deps.database, c.get('principal').id, params.id, body, deps.now()), 201),
  )

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/petitions/:id/review-requests',
      summary: '申请复查（答复后 30 日内）或复核（复查答复后 30 日内）',
      tags: ['petitions'],
      policy: 'citizen',
      params: PetitionIdParamsSchema,
      body: ReviewRequestCreateSchema,
      responses: { 201: { description: '已提出申请', schema: ReviewRequestCreatedSchema } },
    },
    async (c, { params, body }) =>
      c.json(await requestReview(deps, c.get('principal').id, params.id, body.reason, deps.now()), 201),
  )

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
      const now = deps.now()
      const range = rangeOf(query, now)
      const db = deps.database.db
      const stats = { db, deadlines: deps.deadlines }
      const grouped = await computeStats(stats, { range, group: query.groupBy, now, unitId: query.unitId })
      const labels = await labelsOf(db, query.groupBy)
      const rows = [...grouped.entries()]
        .map(([key, stats]) => ({ key, label: labels.get(key) ?? key, stats }))
        .sort((a, b) => a.label.localeCompare(b.label, 'zh-CN'))
      const overall =
        (await computeStats(stats, { range, group: 'none', now, unitId: query.unitId })).get('all') ?? EMPTY_STATS
      c.header('cache-control', 'no-store')
      if ((c.req.header('accept') ?? '').includes('text/csv')) {
        const groupLabel = { unit: '单位', category: '分类', month: '月份' }[query.groupBy]
        c.header(
          'content-disposition',
          `attachment; filename="xinfang-stats-${query.groupBy}-${range.from}-${range.to}.csv"`,
        )
        return c.body(statsCsv([...rows, { label: '合计', stats: overall }], groupLabel), 200, {
          'content-type': 'text/csv; charset=utf-8',
        })
      }
      return c.json({ ...range, groupBy: query.groupBy, rows, overall }, 200)
    },
  )

  return resource
}
