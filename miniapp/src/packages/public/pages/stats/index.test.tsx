import { fireEvent, render, screen } from '@testing-library/react'
import type { PublicStats, Stats } from '@xinfang/shared'
import { expect, test, vi } from 'vitest'
import { routeRequestsTo } from '../../../../../test/route-requests'
import { type Handler, sendJson, sendProblem, startTestServer } from '../../../../../test/test-server'
import PublicStatsPage from './index'

const EMPTY: Stats = {
  submitted: 0,
  timelyDecisionRate: null,
  onTimeReplyRate: null,
  satisfactionRate: null,
  ratingRate: null,
  firstReplyResolutionRate: null,
  averageHandlingDays: null,
  repeatPetitions: 0,
}

const STATS: PublicStats = {
  from: '2025-11-22',
  to: '2026-11-22',
  overall: {
    submitted: 128,
    timelyDecisionRate: 0.9844,
    onTimeReplyRate: 1,
    satisfactionRate: 0.8,
    ratingRate: 0.625,
    firstReplyResolutionRate: null,
    averageHandlingDays: 12.3,
    repeatPetitions: 3,
  },
  byMonth: [
    { month: '2026-10', stats: { ...EMPTY, submitted: 40, satisfactionRate: 0.75 } },
    { month: '2026-11', stats: { ...EMPTY, submitted: 88, satisfactionRate: null } },
  ],
  generatedAt: '2026-11-22T02:00:00.000Z',
}

async function serveStats(handler: Handler) {
  const server = await startTestServer(handler)
  routeRequestsTo(server.baseUrl)
  return server
}

function element(container: HTMLElement, selector: string): HTMLElement {
  const found = container.querySelector<HTMLElement>(selector)
  if (!found) throw new Error(`nothing matches ${selector}:\n${container.textContent}`)
  return found
}

/** The width a bar was drawn at, or null when the track has no bar. */
function barWidth(container: HTMLElement, selector: string): string | null {
  return element(container, selector).querySelector<HTMLElement>('.stats__bar')?.style.width ?? null
}

test('阳光信访 shows the totals as big numbers, the shares as percentages with bars, and 暂无数据 where there is nothing to measure', async () => {
  const server = await serveStats((_, response) => sendJson(response, 200, STATS))

  const { container } = render(<PublicStatsPage />)

  await screen.findByText('受理总量')
  expect(server.requests.map((request) => request.url)).toEqual(['/api/v1/stats/public'])
  // Public: no sign-in, no token.
  expect(server.requests[0]?.headers.authorization).toBeUndefined()
  expect(element(container, '#stats-range').textContent).toBe('统计时间：2025年11月22日至2026年11月22日')
  expect(element(container, '#stat-submitted').textContent).toBe('受理总量128 件')
  expect(element(container, '#stat-timelyDecisionRate').textContent).toContain('及时受理率98.4%')
  expect(element(container, '#stat-onTimeReplyRate').textContent).toContain('按期办结率100%')
  expect(element(container, '#stat-satisfactionRate').textContent).toContain('满意率80%')
  expect(element(container, '#stat-ratingRate').textContent).toContain('参评率62.5%')
  expect(element(container, '#stat-firstReplyResolutionRate').textContent).toContain('一次性化解率暂无数据')
  expect(barWidth(container, '#stat-satisfactionRate')).toBe('80%')
  expect(barWidth(container, '#stat-firstReplyResolutionRate')).toBeNull()
  expect(element(container, '#stat-averageHandlingDays').textContent).toBe('平均办理时限12.3 天')
  expect(element(container, '#stat-repeatPetitions').textContent).toBe('重复信访3 件')
  expect(container.querySelector('#stats-empty')).toBeNull()
})

test('the month charts draw each month against the busiest one and the satisfaction share on a 0–100 % track', async () => {
  await serveStats((_, response) => sendJson(response, 200, STATS))

  const { container } = render(<PublicStatsPage />)

  await screen.findByText('每月受理量')
  expect(element(container, '#chart-submitted-2026-10').textContent).toBe('2026年10月40 件')
  expect(barWidth(container, '#chart-submitted-2026-10')).toBe(`${(40 / 88) * 100}%`)
  expect(barWidth(container, '#chart-submitted-2026-11')).toBe('100%')
  expect(element(container, '#chart-satisfaction-2026-10').textContent).toBe('2026年10月75%')
  expect(barWidth(container, '#chart-satisfaction-2026-10')).toBe('75%')
  expect(element(container, '#chart-satisfaction-2026-11').textContent).toBe('2026年11月暂无数据')
  expect(barWidth(container, '#chart-satisfaction-2026-11')).toBeNull()
})

test('a period without any petition says 暂无数据 instead of showing empty charts as if they meant something', async () => {
  await serveStats((_, response) => sendJson(response, 200, { ...STATS, overall: EMPTY, byMonth: [] }))

  const { container } = render(<PublicStatsPage />)

  await screen.findByText('受理总量')
  expect(element(container, '#stats-empty').textContent).toContain('暂无数据')
  expect(element(container, '#stat-satisfactionRate').textContent).toContain('满意率暂无数据')
  expect(element(container, '#stat-averageHandlingDays').textContent).toContain('暂无数据')
  expect(element(container, '#chart-submitted').textContent).toBe('每月受理量暂无数据')
  expect(element(container, '#chart-satisfaction').textContent).toBe('每月满意率暂无数据')
})

test('a failure says what went wrong with a 重试 that loads the figures', async () => {
  let isDown = true
  await serveStats((_, response) => (isDown ? sendProblem(response, 'RATE_LIMITED') : sendJson(response, 200, STATS)))

  const { container } = render(<PublicStatsPage />)

  await screen.findByText('请稍等一两分钟后再试。')
  expect(element(container, '#stats-error').textContent).toContain('重试')
  isDown = false
  fireEvent.click(element(container, '#stats-retry'))
  await vi.waitFor(() => expect(element(container, '#stat-submitted').textContent).toBe('受理总量128 件'))
})
