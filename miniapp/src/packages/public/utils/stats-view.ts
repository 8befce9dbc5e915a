import type { PublicStats, Stats } from '@xinfang/shared'

/** Said wherever a measure has nothing to measure yet (its denominator is zero: the API sends null). */
export const NO_DATA = '暂无数据'

/** The shares the page shows as percentages, in the order of ../shared/DOMAIN.md. */
export const RATE_KEYS = [
  'timelyDecisionRate',
  'onTimeReplyRate',
  'satisfactionRate',
  'ratingRate',
  'firstReplyResolutionRate',
] as const satisfies readonly (keyof Stats)[]
export type RateKey = (typeof RATE_KEYS)[number]

/** What each share counts, in one sentence for a reader who has never heard the term. */
export const RATE_EXPLANATIONS: Record<RateKey, string> = {
  timelyDecisionRate: '在 15 日内告知是否受理的比例',
  onTimeReplyRate: '受理后在规定期限内作出答复的比例',
  satisfactionRate: '评价为“满意”或“基本满意”的比例',
  ratingRate: '收到答复后参加评价的比例',
  firstReplyResolutionRate: '第一次答复后没有再申请复查的比例',
}

/** `96.5%`, `100%`; `暂无数据` for null. */
export function formatRate(rate: number | null): string {
  if (rate === null) return NO_DATA
  return `${Number((rate * 100).toFixed(1))}%`
}

/** A bar's width in percent of its track, 0–100; null stays null (no bar is drawn). */
export function barWidthOf(rate: number | null): number | null {
  if (rate === null) return null
  return Math.min(100, Math.max(0, rate * 100))
}

/** `2026年11月`: a bar chart's row label (the API's months are Asia/Shanghai `YYYY-MM`). */
export function formatMonth(month: string): string {
  const [year, number] = month.split('-')
  return year !== undefined && number !== undefined ? `${year}年${Number(number)}月` : month
}

/** `2025年11月22日`: the range the figures cover. */
export function formatDate(date: string): string {
  const [year, month, day] = date.split('-')
  return year !== undefined && month !== undefined && day !== undefined
    ? `${year}年${Number(month)}月${Number(day)}日`
    : date
}

export interface MonthBar {
  month: string
  label: string
  /** Width in percent of the track; a month with any petition is drawn at least a sliver wide, so it is seen. */
  width: number | null
  value: string
}

/** 每月受理量: each month's count against the busiest month. */
export function submittedBars(byMonth: PublicStats['byMonth']): MonthBar[] {
  const most = Math.max(0, ...byMonth.map((row) => row.stats.submitted))
  return byMonth.map(({ month, stats }) => ({
    month,
    label: formatMonth(month),
    width: most === 0 ? 0 : Math.max(stats.submitted > 0 ? 2 : 0, (stats.submitted / most) * 100),
    value: `${stats.submitted} 件`,
  }))
}

/** 每月满意率: each month's share on a 0–100 % track; a month without ratings has no bar and says so. */
export function satisfactionBars(byMonth: PublicStats['byMonth']): MonthBar[] {
  return byMonth.map(({ month, stats }) => ({
    month,
    label: formatMonth(month),
    width: barWidthOf(stats.satisfactionRate),
    value: formatRate(stats.satisfactionRate),
  }))
}

/** True when the period has nothing at all: no petition submitted. */
export function isEmptyPeriod(stats: PublicStats): boolean {
  return stats.overall.submitted === 0 && stats.byMonth.every((row) => row.stats.submitted === 0)
}
