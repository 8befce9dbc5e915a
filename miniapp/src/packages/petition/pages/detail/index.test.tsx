import Taro from '@tarojs/taro'
import { fireEvent, render, screen } from '@testing-library/react'
import { expect, test, vi } from 'vitest'
import { startFakePetitionApi } from '../../../../../test/fake-petition-api'
import { recordNavigation, routeRequestsTo } from '../../../../../test/route-requests'
import { setRouterParams, showPageAgain } from '../../../../../test/taro-h5'
import DetailPage from './index'

const PETITION = {
  kind: 'complaint' as const,
  categoryId: 'cat_labor',
  title: '公司拖欠工资三个月',
  content: '我在某公司工作，从八月起一直没有发工资，多次找老板都说没钱。',
}

async function openDetailOfSeededPetition() {
  const api = await startFakePetitionApi()
  routeRequestsTo(api.baseUrl)
  const created = api.seedPetition(PETITION)
  setRouterParams({ id: created.id })
  const rendered = render(<DetailPage />)
  await screen.findByText('办理进度')
  return { api, created, ...rendered }
}

function text(container: HTMLElement, selector: string): string {
  return container.querySelector(selector)?.textContent ?? ''
}

test('the detail page shows where the petition stands, the next deadline with its article, and every public step', async () => {
  const { container, created } = await openDetailOfSeededPetition()

  expect(text(container, '#detail-status')).toBe('已提交，待受理')
  expect(text(container, '#next-deadline')).toBe(
    '下一步：告知是否受理信访部门应在12月7日（周一）前告知您是否受理（《信访工作条例》第二十二条）。',
  )
  expect(text(container, '#tracking-no')).toBe(created.trackingNo)
  expect(text(container, '#timeline')).toContain('提交')
  expect(text(container, '#timeline')).toContain('第二十二条')
  expect(container.textContent).toContain(PETITION.content)
})

test('a staff step appears, newest first, when the page is refreshed or shown again', async () => {
  const { api, container, created } = await openDetailOfSeededPetition()
  api.recordStep(created.id, {
    type: 'accept',
    status: 'accepted',
    message:
      '您的信访事项已由江城市信访局受理（《信访工作条例》第二十二条）。承办单位将在 2027-01-21 前作出书面答复（第三十四条）。',
  })

  fireEvent.click(container.querySelector('#detail-refresh') ?? document.body)
  await vi.waitFor(() => expect(text(container, '#detail-status')).toBe('已受理'))
  const steps = [...container.querySelectorAll('.timeline__step')].map((step) => step.textContent)
  expect(steps).toEqual(['受理', '提交'])
  expect(text(container, '.timeline__event--latest')).toContain('第三十四条')

  api.recordStep(created.id, { type: 'assign', status: 'in_progress', message: '您的信访事项已交由人社局办理。' })
  showPageAgain()
  await vi.waitFor(() => expect(text(container, '#detail-status')).toBe('办理中'))
})

test('withdrawing asks first; confirmed, the petition is shown withdrawn with no way to withdraw it again', async () => {
  const { api, container, created } = await openDetailOfSeededPetition()
  const ask = vi.spyOn(Taro, 'showModal').mockResolvedValueOnce({ confirm: false, cancel: true, errMsg: 'ok' })

  fireEvent.click(container.querySelector('#withdraw') ?? document.body)
  await vi.waitFor(() => expect(ask).toHaveBeenCalledTimes(1))
  expect(api.requestsTo('POST', `/api/v1/petitions/${created.id}/withdraw`)).toHaveLength(0)

  ask.mockResolvedValueOnce({ confirm: true, cancel: false, errMsg: 'ok' })
  fireEvent.click(container.querySelector('#withdraw') ?? document.body)

  await vi.waitFor(() => expect(text(container, '#detail-status')).toBe('已撤回'))
  expect(container.querySelector('#withdraw')).toBeNull()
  expect(api.requestsTo('POST', `/api/v1/petitions/${created.id}/withdraw`)).toHaveLength(1)
})

test('a petition that is not the citizen’s own is “not found”, with the way back to 我的信访', async () => {
  const api = await startFakePetitionApi()
  routeRequestsTo(api.baseUrl)
  const visited = recordNavigation()
  setRouterParams({ id: 'pet_of_someone_else' })

  const { container } = render(<DetailPage />)

  await screen.findByText('找不到这件信访事项')
  fireEvent.click(container.querySelector('#detail-back') ?? document.body)
  expect(visited).toEqual(['/pages/petitions/index'])
})
