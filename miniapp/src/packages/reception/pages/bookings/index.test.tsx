import { fireEvent, render, screen } from '@testing-library/react'
import { expect, test } from 'vitest'
import { startFakeReceptionApi } from '../../../../../test/fake-reception-api'
import { recordNavigation, routeRequestsTo } from '../../../../../test/route-requests'
import BookingsPage from './index'

function tap(container: HTMLElement, selector: string) {
  const element = container.querySelector(selector)
  if (!element) throw new Error(`nothing matches ${selector}`)
  fireEvent.click(element)
}

test('我的预约 lists the bookings still ahead, each opening its check-in code, and the places on waiting lists', async () => {
  const api = await startFakeReceptionApi()
  routeRequestsTo(api.baseUrl)
  const visited = recordNavigation()
  const booking = api.seedBooking('rs_test_1', 'slot_1')
  const entry = api.seedWaitlistEntry('rs_test_1', 'slot_2', 3)

  const { container } = render(<BookingsPage />)
  await screen.findByText('即将参加')

  expect(container.querySelector(`#booking-${booking.id}`)?.textContent).toContain('查看签到码和详情')
  expect(container.querySelector(`#waitlist-status-${entry.id}`)?.textContent).toBe('候补第 3 位')
  tap(container, `#booking-${booking.id}`)
  expect(visited).toEqual([`/packages/reception/pages/booking/index?id=${booking.id}`])
})

test('退出候补 asks first, then leaves the waiting list and says so', async () => {
  const api = await startFakeReceptionApi()
  routeRequestsTo(api.baseUrl)
  const entry = api.seedWaitlistEntry('rs_test_1', 'slot_2', 1)
  const { container } = render(<BookingsPage />)
  await screen.findByText('候补第 1 位')

  tap(container, `#leave-${entry.id}`)
  expect(screen.getByText('确定退出候补吗？')).toBeTruthy()
  expect(api.requestsTo('POST', `/api/v1/waitlist/${entry.id}/leave`)).toHaveLength(0)
  tap(container, `#leave-confirm-${entry.id}`)

  expect(await screen.findByText('已退出候补')).toBeTruthy()
  expect(container.querySelector(`#leave-${entry.id}`)).toBeNull()
  expect(api.waitlist.get(entry.id)?.status).toBe('left')
})

test('with nothing booked the page says so and offers 去预约', async () => {
  const api = await startFakeReceptionApi()
  routeRequestsTo(api.baseUrl)
  const visited = recordNavigation()

  const { container } = render(<BookingsPage />)

  expect(await screen.findByText('您还没有预约过领导接访')).toBeTruthy()
  tap(container, '#bookings-go-schedule')
  expect(visited).toEqual(['/pages/receptions/index'])
})
