import { STATS_LABELS, type StaffStats, type StaffStatsQuery, type Stats } from '@xinfang/shared'
import { toCsv } from '../../lib/csv'
import { computeStats, EMPTY_STATS, labelsOf, rangeOf, type StatsDeps } from './compute-stats'

/**
 * 统计分析 for staff: the measures per unit, category or month over a range (the last year by default), named and in
 * Chinese collation order, with the total over the same filter.
 */
export async function computeStaffStats(
  deps: StatsDeps,
  input: { query: StaffStatsQuery; now: number },
): Promise<StaffStats> {
  const { query, now } = input
  const range = rangeOf(query, now)
  const grouped = await computeStats(deps, { range, group: query.groupBy, now, unitId: query.unitId })
  const labels = await labelsOf(deps.db, query.groupBy)
  const rows = [...grouped.entries()]
    .map(([key, stats]) => ({ key, label: labels.get(key) ?? key, stats }))
    .sort((a, b) => a.label.localeCompare(b.label, 'zh-CN'))
  const total = await computeStats(deps, { range, group: 'none', now, unitId: query.unitId })
  return { ...range, groupBy: query.groupBy, rows, overall: total.get('all') ?? EMPTY_STATS }
}

const STATS_COLUMNS = Object.keys(STATS_LABELS) as (keyof Stats)[]
const GROUP_LABELS: Record<StaffStats['groupBy'], string> = { unit: '单位', category: '分类', month: '月份' }

/** The breakdown as a spreadsheet: a header row in Chinese, a row per group, then 合计. */
export function staffStatsCsv(stats: StaffStats): string {
  const rows = [...stats.rows, { label: '合计', stats: stats.overall }]
  return toCsv([
    [GROUP_LABELS[stats.groupBy], ...STATS_COLUMNS.map((column) => STATS_LABELS[column])],
    ...rows.map((row) => [row.label, ...STATS_COLUMNS.map((column) => row.stats[column])]),
  ])
}

export function staffStatsFileName(stats: StaffStats): string {
  return `xinfang-stats-${stats.groupBy}-${stats.from}-${stats.to}.csv`
}
