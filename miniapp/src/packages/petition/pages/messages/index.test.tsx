import { fireEvent, render, screen } from '@testing-library/react'
import { expect, test, vi } from 'vitest'
import { startFakePetitionApi } from '../../../../../test/fake-petition-api'
import { recordNavigation, routeRequestsTo } from '../../../../../test/route-requests'
import MessagesPage from './index'

test('messages are listed newest first with unread marks; opening one marks it read and opens its petition', async () => {
  const api = await startFakePetitionApi()
  routeRequestsTo(api.baseUrl)
  const visited = recordNavigation()
  const created = api.seedPetition({
    kind: 'complaint',
    categoryId: 'cat_labor',
    title: '公司拖欠工资三个月',
    content: '我在某公司工作，从八月起一直没有发工资，多次找老板都说没钱。',
  })
  api.recordStep(created.id, {
    type: 'accept',
    status: 'accepted',
    message: '您的信访事项已由江城市信访局受理（《信访工作条例》第二十二条）。',
  })

  const { container } = render(<MessagesPage />)

  await screen.findByText('有 2 条未读消息')
  const titles = [...container.querySelectorAll('.messages__item-title')].map((title) => title.textContent)
  expect(titles).toEqual(['信访事项受理', '信访事项已提交'])
  expect(container.querySelectorAll('.messages__item--unread')).toHaveLength(2)

  fireEvent.click(container.querySelector('#message-msg_2') ?? document.body)

  expect(visited).toEqual([`/packages/petition/pages/detail/index?id=${created.id}`])
  expect(screen.getByText('有 1 条未读消息')).toBeTruthy()
  await vi.waitFor(() => expect(api.requestsTo('POST', '/api/v1/messages/msg_2/read')).toHaveLength(1))
  expect(api.messages.find((message) => message.id === 'msg_2')?.isRead).toBe(true)
})

test('an empty message centre says what will appear there', async () => {
  const api = await startFakePetitionApi()
  routeRequestsTo(api.baseUrl)

  render(<MessagesPage />)

  expect(await screen.findByText('暂时没有消息')).toBeTruthy()
  expect(screen.getByText(/每一步办理进展都会在这里通知您/)).toBeTruthy()
})

test('a reply opens its petition at the rating sheet (rate=1); other progress opens the petition as usual', async () => {
  const api = await startFakePetitionApi()
  routeRequestsTo(api.baseUrl)
  const visited = recordNavigation()
  const created = api.seedPetition({
    kind: 'complaint',
    categoryId: 'cat_labor',
    title: '公司拖欠工资三个月',
    content: '我在某公司工作，从八月起一直没有发工资，多次找老板都说没钱。',
  })
  api.reply(created.id)

  const { container } = render(<MessagesPage />)

  await screen.findByText('信访事项答复')
  const [reply, submitted] = [...container.querySelectorAll('.messages__item')]
  expect(reply?.textContent).toContain('查看答复并评价 ›')
  expect(submitted?.textContent).toContain('查看信访事项 ›')

  fireEvent.click(reply ?? document.body)
  fireEvent.click(submitted ?? document.body)

  expect(visited).toEqual([
    `/packages/petition/pages/detail/index?id=${created.id}&rate=1`,
    `/packages/petition/pages/detail/index?id=${created.id}`,
  ])
})
