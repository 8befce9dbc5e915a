import { fireEvent, render, screen } from '@testing-library/react'
import { expect, test } from 'vitest'
import { startFakeReceptionApi } from '../../../../../test/fake-reception-api'
import { receptionSessionAt } from '../../../../../test/fixtures'
import { recordNavigation, routeRequestsTo } from '../../../../../test/route-requests'
import { setRouterParams } from '../../../../../test/taro-h5'
import ResultPage from './index'

test('a booking made shows 预约成功, what to do on the day, and the check-in code, with the way to its QR code', async () => {
  const api = await startFakeReceptionApi()
  routeRequestsTo(api.baseUrl)
  const visited = recordNavigation()
  const booking = api.seedBooking('rs_test_1', 'slot_1')
  setRouterParams({ bookingId: booking.id })

  const { container } = render(<ResultPage />)

  expect(await screen.findByText('预约成功')).toBeTruthy()
  expect(container.textContent).toContain('出示签到二维码')
  expect(container.querySelector('#result-check-in-code')?.textContent).toBe('ABCDE-FGHJK')
  const view = container.querySelector('#view-booking')
  if (!view) throw new Error('no #view-booking')
  fireEvent.click(view)
  expect(visited).toEqual([`/packages/reception/pages/booking/index?id=${booking.id}`])
})

test('a booking of a screened session says it waits for staff to confirm it', async () => {
  const api = await startFakeReceptionApi({
    sessions: [receptionSessionAt(Date.now(), { requiresConfirmation: true })],
  })
  routeRequestsTo(api.baseUrl)
  setRouterParams({ bookingId: api.seedBooking('rs_test_1', 'slot_1').id })

  render(<ResultPage />)

  expect(await screen.findByText('预约已提交，等待审核')).toBeTruthy()
  expect(screen.getByText('预约已提交，需工作人员审核。审核结果会通过消息通知您。')).toBeTruthy()
})

test('a place on the waiting list shows where it stands in line', async () => {
  const api = await startFakeReceptionApi()
  routeRequestsTo(api.baseUrl)
  setRouterParams({ entryId: api.seedWaitlistEntry('rs_test_1', 'slot_2', 2).id })

  const { container } = render(<ResultPage />)

  expect(await screen.findByText('已加入候补')).toBeTruthy()
  expect(container.querySelector('#result-position')?.textContent).toContain('候补第 2 位')
})
