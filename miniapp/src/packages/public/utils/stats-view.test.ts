import { expect, test } from 'vitest'
import { barWidthOf, formatMonth, formatRate, submittedBars } from './stats-view'

test('shares read as percentages with at most one decimal, and null as 暂无数据', () => {
  expect(formatRate(0.9844)).toBe('98.4%')
  expect(formatRate(1)).toBe('100%')
  expect(formatRate(0)).toBe('0%')
  expect(formatRate(null)).toBe('暂无数据')
  expect(barWidthOf(null)).toBeNull()
  expect(barWidthOf(0.5)).toBe(50)
})

test('a month with few petitions is still drawn, a month with none is not', () => {
  const bars = submittedBars([
    { month: '2026-09', stats: { ...base(), submitted: 0 } },
    { month: '2026-10', stats: { ...base(), submitted: 1 } },
    { month: '2026-11', stats: { ...base(), submitted: 500 } },
  ])
  expect(bars.map((bar) => [bar.label, bar.width, bar.value])).toEqual([
    ['2026年9月', 0, '0 件'],
    ['2026年10月', 2, '1 件'],
    ['2026年11月', 100, '500 件'],
  ])
  expect(formatMonth('2026-01')).toBe('2026年1月')
})

function base() {
  return {
    submitted: 0,
    timelyDecisionRate: null,
    onTimeReplyRate: null,
    satisfactionRate: null,
    ratingRate: null,
    firstReplyResolutionRate: null,
    averageHandlingDays: null,
    repeatPetitions: 0,
  }
}
