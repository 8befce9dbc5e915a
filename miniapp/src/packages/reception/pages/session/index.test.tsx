import { fireEvent, render, screen } from '@testing-library/react'
import { toShanghaiIso } from '@xinfang/shared'
import { expect, test } from 'vitest'
import { startFakeReceptionApi } from '../../../../../test/fake-reception-api'
import { receptionSessionAt } from '../../../../../test/fixtures'
import { recordNavigation, routeRequestsTo } from '../../../../../test/route-requests'
import { setRouterParams, showPageAgain } from '../../../../../test/taro-h5'
import SessionPage from './index'

function tap(container: HTMLElement, selector: string) {
  const element = container.querySelector(selector)
  if (!element) throw new Error(`nothing matches ${selector}`)
  fireEvent.click(element)
}

test('a session shows its leader, place and slots with the seats left; 预约这个时段 opens the form for that slot', async () => {
  const api = await startFakeReceptionApi()
  routeRequestsTo(api.baseUrl)
  const visited = recordNavigation()
  setRouterParams({ id: 'rs_test_1' })

  const { container } = render(<SessionPage />)

  expect(screen.getByText('正在加载接访详情…')).toBeTruthy()
  await screen.findByText('王建国 副市长')
  expect(container.textContent).toContain('市民中心三楼接待室')
  expect(container.textContent).toContain('劳动保障、社会救助')
  expect(container.querySelector('#slot-seats-slot_1')?.textContent).toBe('剩余 2 个名额')
  expect(container.querySelector('#session-unavailable')).toBeNull()

  tap(container, '#book-slot_1')

  expect(visited).toEqual(['/packages/reception/pages/book/index?sessionId=rs_test_1&slotId=slot_1'])
})

test('a full slot offers 加入候补, which opens the form for its waiting list', async () => {
  const session = receptionSessionAt(Date.now())
  const [first, second] = session.slots
  if (!first || !second) throw new Error('the fixture has two slots')
  const api = await startFakeReceptionApi({ sessions: [{ ...session, slots: [first, { ...second, remaining: 0 }] }] })
  routeRequestsTo(api.baseUrl)
  const visited = recordNavigation()
  setRouterParams({ id: 'rs_test_1' })

  const { container } = render(<SessionPage />)
  await screen.findByText('已约满')

  expect(container.querySelector('#book-slot_2')).toBeNull()
  tap(container, '#waitlist-slot_2')
  expect(visited).toEqual(['/packages/reception/pages/book/index?sessionId=rs_test_1&slotId=slot_2&waitlist=1'])
})

test('before booking opens the slots have no buttons, and the page says when to come back', async () => {
  const opensAt = Date.now() + 2 * 86_400_000
  const api = await startFakeReceptionApi({
    sessions: [receptionSessionAt(Date.now(), { bookingOpensAt: toShanghaiIso(opensAt) })],
  })
  routeRequestsTo(api.baseUrl)
  setRouterParams({ id: 'rs_test_1' })

  const { container } = render(<SessionPage />)
  await screen.findByText('选择时段')

  expect(container.querySelector('#session-unavailable')?.textContent).toMatch(/将于 \d+月\d+日 \d\d:\d\d 开放预约/)
  expect(container.querySelectorAll('.slot-picker__action')).toHaveLength(0)
})

test('coming back to the page asks for the seats again without hiding the slots meanwhile', async () => {
  const api = await startFakeReceptionApi()
  routeRequestsTo(api.baseUrl)
  setRouterParams({ id: 'rs_test_1' })
  const { container } = render(<SessionPage />)
  await screen.findByText('剩余 2 个名额')

  const slot = api.sessions.get('rs_test_1')?.slots[0]
  if (slot) slot.remaining = 1
  showPageAgain()

  expect(container.querySelector('#slot-picker')).not.toBeNull()
  await screen.findByText('剩余 1 个名额')
  expect(api.requestsTo('GET', '/api/v1/receptions/rs_test_1')).toHaveLength(2)
})

test('a session the API does not know says so, with 重试', async () => {
  const api = await startFakeReceptionApi({ sessions: [] })
  routeRequestsTo(api.baseUrl)
  setRouterParams({ id: 'rs_gone' })

  const { container } = render(<SessionPage />)

  expect(await screen.findByText('找不到该接访场次')).toBeTruthy()
  expect(container.querySelector('#session-retry')).not.toBeNull()
})
