import { fireEvent, render, screen } from '@testing-library/react'
import { expect, test, vi } from 'vitest'
import { startFakePetitionApi } from '../../../test/fake-petition-api'
import { requestsStillOpen } from '../../../test/requests-in-flight'
import { recordNavigation, routeRequestsTo } from '../../../test/route-requests'
import { setRouterParams, showPageAgain } from '../../../test/taro-h5'
import PetitionsPage from './index'

const PETITION = {
  kind: 'complaint' as const,
  categoryId: 'cat_labor',
  title: '公司拖欠工资三个月',
  content: '我在某公司工作，从八月起一直没有发工资，多次找老板都说没钱。',
}

test('a citizen with no petitions is shown how to start, and where to track progress and read messages', async () => {
  const api = await startFakePetitionApi()
  routeRequestsTo(api.baseUrl)
  const visited = recordNavigation()

  const { container } = render(<PetitionsPage />)

  expect(await screen.findByText('您还没有提交过信访事项')).toBeTruthy()
  fireEvent.click(container.querySelector('#new-petition') ?? document.body)
  fireEvent.click(container.querySelector('#open-track') ?? document.body)
  fireEvent.click(container.querySelector('#open-messages') ?? document.body)
  expect(visited).toEqual([
    '/packages/petition/pages/submit/index',
    '/packages/petition/pages/track/index',
    '/packages/petition/pages/messages/index',
  ])
})

test('petitions are listed with their status and next deadline, unread messages are counted, and a tap opens one', async () => {
  const api = await startFakePetitionApi()
  routeRequestsTo(api.baseUrl)
  const visited = recordNavigation()
  const created = api.seedPetition(PETITION)

  const { container } = render(<PetitionsPage />)

  const card = await screen.findByText(PETITION.title)
  const text = container.querySelector('#petition-list')?.textContent ?? ''
  expect(text).toContain('已提交，待受理')
  expect(text).toContain(`受理编号 ${created.trackingNo}`)
  expect(text).toContain('信访部门应在12月7日（周一）前告知您是否受理')
  await vi.waitFor(() => expect(container.querySelector('#open-messages')?.textContent).toBe('消息中心（1条未读）'))

  fireEvent.click(card)
  expect(visited).toEqual([`/packages/petition/pages/detail/index?id=${created.id}`])
})

test('coming back to the tab shows a petition filed meanwhile', async () => {
  const api = await startFakePetitionApi()
  routeRequestsTo(api.baseUrl)
  render(<PetitionsPage />)
  await screen.findByText('您还没有提交过信访事项')

  api.seedPetition(PETITION)
  showPageAgain()

  expect(await screen.findByText(PETITION.title)).toBeTruthy()
})

test('a subscribe message opening the tab marks its message read and shows its petition', async () => {
  const api = await startFakePetitionApi()
  routeRequestsTo(api.baseUrl)
  const visited = recordNavigation()
  const created = api.seedPetition(PETITION)
  setRouterParams({ messageId: 'msg_1', subjectId: created.id })

  render(<PetitionsPage />)

  expect(visited).toEqual([`/packages/petition/pages/detail/index?id=${created.id}`])
  await vi.waitFor(() => expect(api.messages[0]?.isRead).toBe(true))
})

test('a message marked read as the tab opens is cancelled with the page when the page goes before the answer', async () => {
  const api = await startFakePetitionApi()
  routeRequestsTo(api.baseUrl)
  recordNavigation()
  const created = api.seedPetition(PETITION)
  const answers = api.holdMessageReads()
  setRouterParams({ messageId: 'msg_1', subjectId: created.id })

  const { unmount } = render(<PetitionsPage />)
  await vi.waitFor(() => expect(api.requestsTo('POST', '/api/v1/messages/msg_1/read')).toHaveLength(1))
  unmount()

  expect(requestsStillOpen()).toEqual([])
  answers.release()
})
