import { fireEvent, render, screen } from '@testing-library/react'
import { ERROR_CODES, toShanghaiIso } from '@xinfang/shared'
import { expect, test } from 'vitest'
import { startFakeReceptionApi } from '../../../test/fake-reception-api'
import { receptionSessionAt } from '../../../test/fixtures'
import { recordNavigation, routeRequestsTo } from '../../../test/route-requests'
import { showPageAgain } from '../../../test/taro-h5'
import ReceptionsPage from './index'

const DAY = 86_400_000

function tap(container: HTMLElement, selector: string) {
  const element = container.querySelector(selector)
  if (!element) throw new Error(`nothing matches ${selector}`)
  fireEvent.click(element)
}

test('接访预约 lists the sessions under their day, and a card opens its session', async () => {
  const now = Date.now()
  const api = await startFakeReceptionApi({
    sessions: [
      receptionSessionAt(now),
      receptionSessionAt(now, {
        id: 'rs_video',
        leader: { name: '李秀英', title: '局长' },
        mode: 'video',
        place: null,
        startsAt: toShanghaiIso(now + 5 * DAY),
        endsAt: toShanghaiIso(now + 5 * DAY + 3_600_000),
      }),
    ],
  })
  routeRequestsTo(api.baseUrl)
  const visited = recordNavigation()

  const { container } = render(<ReceptionsPage />)

  expect(screen.getByText('正在加载接访安排…')).toBeTruthy()
  await screen.findByText('王建国')
  const days = container.querySelectorAll('.receptions__day')
  expect(days).toHaveLength(2)
  expect(days[0]?.textContent).toMatch(/^\d+月\d+日 周.1 场/)
  expect(days[0]?.textContent).toContain('选择时段预约 ›')
  expect(days[1]?.textContent).toContain('李秀英')
  expect(days[1]?.textContent).toContain('视频接访')

  tap(container, '#reception-rs_video')
  tap(container, '#open-my-bookings')
  expect(visited).toEqual([
    '/packages/reception/pages/session/index?id=rs_video',
    '/packages/reception/pages/bookings/index',
  ])
})

test('coming back to the tab refreshes the seats without a loading screen', async () => {
  const api = await startFakeReceptionApi()
  routeRequestsTo(api.baseUrl)
  render(<ReceptionsPage />)
  await screen.findByText('剩余 3 个名额')

  const slot = api.sessions.get('rs_test_1')?.slots[0]
  if (slot) slot.remaining = 0
  showPageAgain()

  expect(screen.queryByText('正在加载接访安排…')).toBeNull()
  expect(await screen.findByText('剩余 1 个名额')).toBeTruthy()
})

test('an API error says what happened and what to do, and 重试 loads the list', async () => {
  const api = await startFakeReceptionApi()
  routeRequestsTo(api.baseUrl)
  api.refuseNext(1, 'RATE_LIMITED')

  const { container } = render(<ReceptionsPage />)

  expect(await screen.findByText(ERROR_CODES.RATE_LIMITED.title)).toBeTruthy()
  expect(container.textContent).toContain('请稍等一两分钟后再试。')
  tap(container, '#receptions-reload')
  expect(await screen.findByText('王建国')).toBeTruthy()
})

test('with nothing planned the tab says so and when to look again', async () => {
  const api = await startFakeReceptionApi({ sessions: [] })
  routeRequestsTo(api.baseUrl)

  render(<ReceptionsPage />)

  expect(await screen.findByText('近期暂无领导接访安排')).toBeTruthy()
  expect(screen.getByText('接访安排会提前公布，请过几天再来查看。')).toBeTruthy()
})
