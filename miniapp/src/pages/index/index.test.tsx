import type { ServerResponse } from 'node:http'
import Taro from '@tarojs/taro'
import { act, fireEvent, render, screen } from '@testing-library/react'
import { ERROR_CODES, type ReceptionSession } from '@xinfang/shared'
import { expect, test, vi } from 'vitest'
import { receptionSessionAt } from '../../../test/fixtures'
import { type Handler, sendJson, sendProblem, startTestServer } from '../../../test/test-server'
import HomePage from './index'

/**
 * The page talks to a real HTTP server through its real client and Taro's H5 request. The only seam is the
 * origin: the build would put API_BASE in front of every path, so the test puts its server there instead.
 */
async function serveApi(handler: Handler) {
  const server = await startTestServer(handler)
  const request = Taro.request
  vi.spyOn(Taro, 'request').mockImplementation((option) => request({ ...option, url: server.baseUrl + option.url }))
  return server
}

function sendSessions(response: ServerResponse, items: ReceptionSession[]) {
  sendJson(response, 200, { items, nextCursor: null })
}

test('the home page shows loading, then a card per upcoming session', async () => {
  const now = Date.now()
  const sessions = [
    receptionSessionAt(now),
    receptionSessionAt(now, {
      id: 'rs_test_2',
      leader: { name: '李秀英', title: '局长' },
      unit: { id: 'unit_hrss', name: '市人力资源和社会保障局' },
      mode: 'video',
      place: null,
      topics: ['就业创业'],
      slots: [],
    }),
  ]
  let answer: () => void = () => {}
  const server = await serveApi((_, response) => {
    answer = () => sendSessions(response, sessions)
  })

  const { container } = render(<HomePage />)

  expect(screen.getByText('信访服务')).toBeTruthy()
  expect(screen.getByText('正在加载…')).toBeTruthy()
  await vi.waitFor(() => expect(server.requests).toHaveLength(1))
  expect(server.requests[0]?.url).toBe('/api/v1/receptions')
  act(() => answer())

  await screen.findByText('王建国')
  const cards = container.querySelectorAll('#reception-list .reception-card')
  expect(cards).toHaveLength(2)
  expect(screen.queryByText('正在加载…')).toBeNull()

  const [first, second] = cards
  expect(first?.textContent).toContain('副市长')
  expect(first?.textContent).toContain('市人民政府')
  expect(first?.textContent).toContain('现场接访')
  expect(first?.textContent).toContain('市民中心三楼接待室')
  expect(first?.textContent).toContain('劳动保障、社会救助')
  expect(first?.textContent).toContain('剩余 3 个名额')
  expect(first?.textContent).toContain('可预约')
  expect(first?.textContent).toMatch(/\d+月\d+日 周. \d\d:\d\d–\d\d:\d\d/)

  expect(second?.textContent).toContain('李秀英')
  expect(second?.textContent).toContain('视频接访')
  expect(second?.textContent).toContain('已约满')
  expect(second?.textContent).not.toContain('地点')
})

test('a session whose booking window has passed says 已截止', async () => {
  const now = Date.now()
  const closed = receptionSessionAt(now, { bookingClosesAt: new Date(now - 60_000).toISOString() })
  await serveApi((_, response) => sendSessions(response, [closed]))

  render(<HomePage />)

  expect(await screen.findByText('已截止')).toBeTruthy()
  expect(screen.queryByText('可预约')).toBeNull()
})

test('the home page says so when no session is planned', async () => {
  await serveApi((_, response) => sendSessions(response, []))

  const { container } = render(<HomePage />)

  expect(await screen.findByText('近期暂无领导接访安排')).toBeTruthy()
  expect(container.querySelector('#reception-list')).toBeNull()
})

test('an API error shows its Chinese title, and 重新加载 fetches the list again', async () => {
  const server = await serveApi((_, response, attempt) => {
    if (attempt === 1) sendProblem(response, 'RATE_LIMITED')
    else sendSessions(response, [receptionSessionAt(Date.now())])
  })

  const { container } = render(<HomePage />)

  expect(await screen.findByText(ERROR_CODES.RATE_LIMITED.title)).toBeTruthy()
  const reload = container.querySelector('#reload')
  expect(reload?.textContent).toBe('重新加载')
  if (!reload) throw new Error('no reload button')

  fireEvent.click(reload)

  expect(await screen.findByText('王建国')).toBeTruthy()
  expect(screen.queryByText(ERROR_CODES.RATE_LIMITED.title)).toBeNull()
  expect(server.requests).toHaveLength(2)
})

test('a response that breaks the contract is shown as an error, never as half a card', async () => {
  await serveApi((_, response) =>
    sendJson(response, 200, { items: [{ id: 'rs_1', leader: '王建国' }], nextCursor: null }),
  )

  const { container } = render(<HomePage />)

  expect(await screen.findByText(ERROR_CODES.INTERNAL_ERROR.title)).toBeTruthy()
  expect(container.querySelector('.reception-card')).toBeNull()
})
