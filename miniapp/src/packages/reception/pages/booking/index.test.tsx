import { fireEvent, render, screen } from '@testing-library/react'
import { toShanghaiIso } from '@xinfang/shared'
import { expect, test } from 'vitest'
import { startFakeReceptionApi } from '../../../../../test/fake-reception-api'
import { receptionSessionAt } from '../../../../../test/fixtures'
import { routeRequestsTo } from '../../../../../test/route-requests'
import { setRouterParams } from '../../../../../test/taro-h5'
import BookingPage from './index'

function tap(container: HTMLElement, selector: string) {
  const element = container.querySelector(selector)
  if (!element) throw new Error(`nothing matches ${selector}`)
  fireEvent.click(element)
}

test('a booking shows its status, its QR code and its check-in code in large characters', async () => {
  const api = await startFakeReceptionApi()
  routeRequestsTo(api.baseUrl)
  const booking = api.seedBooking('rs_test_1', 'slot_1', { attendees: 2, matter: '公司拖欠工资' })
  setRouterParams({ id: booking.id })

  const { container } = render(<BookingPage />)

  expect(await screen.findByText('ABCDE-FGHJK')).toBeTruthy()
  expect(container.querySelector('#booking-status')?.textContent).toBe('预约成功')
  // Version 1 with its quiet zone: 29 rows of modules.
  expect(container.querySelectorAll('#check-in-qr .check-in-qr__row')).toHaveLength(29)
  expect(container.querySelectorAll('#check-in-qr .check-in-qr__dark').length).toBeGreaterThan(29)
  expect(container.textContent).toContain('公司拖欠工资')
  expect(container.textContent).toContain('2 人')
  expect(container.querySelector('#cancel-note')?.textContent).toMatch(/请在 \d+月\d+日 \d\d:\d\d 前取消/)
})

test('取消预约 asks first; 暂不取消 sends nothing, 确定取消 cancels, takes the code away and gives the seats back', async () => {
  const api = await startFakeReceptionApi()
  routeRequestsTo(api.baseUrl)
  const booking = api.seedBooking('rs_test_1', 'slot_1', { attendees: 2 })
  setRouterParams({ id: booking.id })
  const { container } = render(<BookingPage />)
  await screen.findByText('ABCDE-FGHJK')
  const cancelPath = `/api/v1/bookings/${booking.id}/cancel`

  tap(container, '#cancel-booking')
  expect(screen.getByText('确定要取消这次预约吗？')).toBeTruthy()
  tap(container, '#cancel-keep')
  expect(container.querySelector('#cancel-confirm-panel')).toBeNull()
  expect(api.requestsTo('POST', cancelPath)).toHaveLength(0)

  tap(container, '#cancel-booking')
  tap(container, '#cancel-confirm')

  expect(await screen.findByText('已取消预约')).toBeTruthy()
  expect(container.querySelector('#booking-status')?.textContent).toBe('已取消')
  expect(container.querySelector('#check-in-code')).toBeNull()
  expect(container.querySelector('#cancel-booking')).toBeNull()
  expect(api.requestsTo('POST', cancelPath)).toHaveLength(1)
  expect(api.sessions.get('rs_test_1')?.slots[0]?.remaining).toBe(2)
})

test('after the cut-off there is no 取消预约, and the page says whom to tell instead', async () => {
  const now = Date.now()
  const api = await startFakeReceptionApi({
    sessions: [receptionSessionAt(now, { bookingClosesAt: toShanghaiIso(now - 60_000) })],
  })
  routeRequestsTo(api.baseUrl)
  const booking = api.seedBooking('rs_test_1', 'slot_1')
  setRouterParams({ id: booking.id })

  const { container } = render(<BookingPage />)
  await screen.findByText('ABCDE-FGHJK')

  expect(container.querySelector('#cancel-booking')).toBeNull()
  expect(container.querySelector('#cancel-note')?.textContent).toContain('已过取消截止时间')
  expect(container.querySelector('#cancel-note')?.textContent).toContain('请联系接访单位')
})

test('a refused cancellation shows the API’s reason and keeps the booking as it was', async () => {
  const api = await startFakeReceptionApi()
  routeRequestsTo(api.baseUrl)
  const booking = api.seedBooking('rs_test_1', 'slot_1')
  setRouterParams({ id: booking.id })
  const { container } = render(<BookingPage />)
  await screen.findByText('ABCDE-FGHJK')

  api.refuseNext(1, 'CANCEL_CLOSED', '已过取消截止时间，如不能到场请联系接访单位')
  tap(container, '#cancel-booking')
  tap(container, '#cancel-confirm')

  expect(await screen.findByText('已过取消截止时间，如不能到场请联系接访单位')).toBeTruthy()
  expect(container.querySelector('#booking-status')?.textContent).toBe('预约成功')
  expect(container.querySelector('#check-in-code')).not.toBeNull()
})
