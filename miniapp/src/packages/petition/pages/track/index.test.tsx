import { fireEvent, render, screen } from '@testing-library/react'
import { expect, test } from 'vitest'
import { startFakePetitionApi } from '../../../../../test/fake-petition-api'
import { routeRequestsTo } from '../../../../../test/route-requests'
import { setRouterParams } from '../../../../../test/taro-h5'
import TrackPage from './index'

function type(container: HTMLElement, selector: string, value: string) {
  const input = container.querySelector(selector)
  if (!input) throw new Error(`nothing matches ${selector}`)
  fireEvent.input(input, { target: { value } })
}

test('a malformed number or code is explained under its field without asking the API', async () => {
  const api = await startFakePetitionApi()
  routeRequestsTo(api.baseUrl)
  const { container } = render(<TrackPage />)

  type(container, '#track-no', '2026-1')
  fireEvent.click(container.querySelector('#track-submit') ?? document.body)

  expect(container.querySelector('#track-no-error')?.textContent).toBe('受理编号格式如 XF-2026-000123')
  expect(container.querySelector('#track-code-error')?.textContent).toBe('请填写查询码')
  expect(api.requestsTo('GET', '/api/v1/track')).toHaveLength(0)
})

test('a wrong pair is explained in plain words; the right one shows the status and steps, asked without a token', async () => {
  const api = await startFakePetitionApi()
  routeRequestsTo(api.baseUrl)
  const created = api.seedPetition({
    kind: 'inquiry',
    categoryId: 'cat_labor',
    title: '养老保险转移怎么办',
    content: '我从外省回到江城市，想把养老保险关系转过来，请问需要带哪些材料？',
  })
  setRouterParams({ trackingNo: created.trackingNo })
  const { container } = render(<TrackPage />)

  type(container, '#track-code', 'WRONG234')
  fireEvent.click(container.querySelector('#track-submit') ?? document.body)
  expect(await screen.findByText(/受理编号或查询码不正确/)).toBeTruthy()

  type(container, '#track-code', created.queryCode.toLowerCase())
  fireEvent.click(container.querySelector('#track-submit') ?? document.body)
  await screen.findByText('已提交，待受理')

  const result = container.querySelector('#track-result')?.textContent ?? ''
  expect(result).toContain('咨询 · 劳动和社会保障')
  expect(result).toContain('第二十二条')
  expect(result).not.toContain('养老保险转移怎么办')
  const lookups = api.requestsTo('GET', '/api/v1/track')
  expect(lookups).toHaveLength(2)
  expect(lookups[1]?.url).toBe(`/api/v1/track?trackingNo=${created.trackingNo}&queryCode=${created.queryCode}`)
  expect(lookups.every((lookup) => lookup.headers.authorization === undefined)).toBe(true)
})
