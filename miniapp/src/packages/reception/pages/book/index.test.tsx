import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { expect, test } from 'vitest'
import { startFakeReceptionApi } from '../../../../../test/fake-reception-api'
import { recordNavigation, routeRequestsTo } from '../../../../../test/route-requests'
import { setRouterParams } from '../../../../../test/taro-h5'
import BookPage from './index'

function tap(container: HTMLElement, selector: string) {
  const element = container.querySelector(selector)
  if (!element) throw new Error(`nothing matches ${selector}`)
  fireEvent.click(element)
}

/**
 * Types into the textarea, which Taro renders as its `<taro-textarea-core>` web component even in the test build:
 * it reports typing as a custom `input` event with `detail.value`.
 */
function type(container: HTMLElement, id: string, value: string) {
  const textarea = container.querySelector(`#${id}`)
  if (!textarea) throw new Error(`nothing matches #${id}`)
  fireEvent(textarea, new CustomEvent('input', { detail: { value }, bubbles: true }))
}

test('the form books the slot with the matter, the people and the linked petition, then shows the result', async () => {
  const api = await startFakeReceptionApi({ petitions: [{ id: 'pt_1', title: '某公司拖欠工资' }] })
  routeRequestsTo(api.baseUrl)
  const visited = recordNavigation()
  setRouterParams({ sessionId: 'rs_test_1', slotId: 'slot_1' })

  const { container } = render(<BookPage />)
  await screen.findByText('要反映的事项')

  expect(container.textContent).toContain('该时段剩余 2 个')
  expect(container.querySelector('#attendees-rule')?.textContent).toContain('《信访工作条例》第二十条')
  expect(container.querySelector('#profile-notice')).toBeNull()
  type(container, 'booking-matter', '公司拖欠三个月工资')
  expect(container.querySelector('#matter-count')?.textContent).toBe('已写 9 / 500 字')
  tap(container, '#attendees-plus')
  tap(container, '#petition-pt_1')
  tap(container, '#booking-submit')

  await waitFor(() => expect(visited).toEqual(['/packages/reception/pages/result/index?bookingId=bk_1']))
  const [sent] = api.requestsTo('POST', '/api/v1/receptions/rs_test_1/bookings')
  expect(JSON.parse(sent?.body ?? '')).toEqual({
    slotId: 'slot_1',
    matter: '公司拖欠三个月工资',
    attendees: 2,
    petitionId: 'pt_1',
  })
})

test('more people than seats left is pointed out before sending, and a full slot offers 加入候补 with the same form', async () => {
  const api = await startFakeReceptionApi()
  routeRequestsTo(api.baseUrl)
  const visited = recordNavigation()
  setRouterParams({ sessionId: 'rs_test_1', slotId: 'slot_2' })
  const { container } = render(<BookPage />)
  await screen.findByText('要反映的事项')

  type(container, 'booking-matter', '小区噪音扰民')
  tap(container, '#attendees-plus')
  expect(container.querySelector('#attendees-warning')?.textContent).toContain('该时段只剩 1 个名额')
  tap(container, '#booking-submit')

  expect(await screen.findByText('该时段名额不够了')).toBeTruthy()
  tap(container, '#switch-to-waitlist')

  await waitFor(() => expect(visited).toEqual(['/packages/reception/pages/result/index?entryId=wl_1']))
  expect(api.waitlist.get('wl_1')).toMatchObject({ status: 'waiting', attendees: 2 })
})

test('without a real-name profile the page says so up front and 去登记实名信息 leads to 我的, keeping the draft', async () => {
  const api = await startFakeReceptionApi({ hasProfile: false })
  routeRequestsTo(api.baseUrl)
  const visited = recordNavigation()
  setRouterParams({ sessionId: 'rs_test_1', slotId: 'slot_1' })
  const { container } = render(<BookPage />)
  await screen.findByText('预约前需要登记实名信息')

  type(container, 'booking-matter', '房屋漏水')
  tap(container, '#booking-submit')
  expect(await screen.findByText('预约接访需要先登记实名信息')).toBeTruthy()
  tap(container, '#go-profile')

  expect(visited).toEqual(['/pages/me/index'])
  expect(localStorage.getItem('xinfang.bookingDraft')).toContain('房屋漏水')
})

test('the waiting-list form says what 候补 means and sends to the waiting list', async () => {
  const api = await startFakeReceptionApi()
  const slot = api.sessions.get('rs_test_1')?.slots[1]
  if (slot) slot.remaining = 0
  routeRequestsTo(api.baseUrl)
  const visited = recordNavigation()
  setRouterParams({ sessionId: 'rs_test_1', slotId: 'slot_2', waitlist: '1' })
  const { container } = render(<BookPage />)

  expect(await screen.findByText('您正在加入候补')).toBeTruthy()
  type(container, 'booking-matter', '社保断缴')
  expect(container.querySelector('#booking-submit')?.textContent).toBe('加入候补')
  tap(container, '#booking-submit')

  await waitFor(() => expect(visited).toEqual(['/packages/reception/pages/result/index?entryId=wl_1']))
})
