import Taro from '@tarojs/taro'
import { fireEvent, render, screen } from '@testing-library/react'
import { expect, test, vi } from 'vitest'
import { type FakePetitionApiOptions, startFakePetitionApi } from '../../../../../test/fake-petition-api'
import { recordNavigation, routeRequestsTo } from '../../../../../test/route-requests'
import { STORAGE_KEYS } from '../../../../services/storage'
import SubmitPage from './index'

const TITLE = '公司拖欠工资三个月'
const CONTENT = '我在某公司工作，从八月起一直没有发工资，多次找老板都说没钱。'

async function serveFakeApi(options: FakePetitionApiOptions = {}) {
  const api = await startFakePetitionApi(options)
  routeRequestsTo(api.baseUrl)
  return api
}

function element(container: HTMLElement, selector: string): HTMLElement {
  const found = container.querySelector<HTMLElement>(selector)
  if (!found) throw new Error(`nothing matches ${selector}:\n${container.textContent}`)
  return found
}

function tap(container: HTMLElement, selector: string) {
  fireEvent.click(element(container, selector))
}

/**
 * Types into an input (a React `<input>` in the test build) or a textarea, which Taro renders as its
 * `<taro-textarea-core>` web component everywhere: that one reports typing as a custom event with `detail.value`.
 */
function type(container: HTMLElement, selector: string, value: string) {
  const target = element(container, selector)
  if (target.tagName.toLowerCase().startsWith('taro-')) {
    fireEvent(target, new CustomEvent('input', { detail: { value }, bubbles: true }))
  } else {
    fireEvent.input(target, { target: { value } })
  }
}

function currentValue(container: HTMLElement, selector: string): unknown {
  return Reflect.get(element(container, selector), 'value')
}

async function openForm() {
  const rendered = render(<SubmitPage />)
  await screen.findByText('选择信访类型')
  return rendered
}

async function answerUpToContent(container: HTMLElement) {
  tap(container, '#kind-complaint')
  tap(container, '#step-next')
  await screen.findByText('选择事项分类')
  tap(container, '#category-labor')
  tap(container, '#step-next')
  await screen.findByText('填写信访内容')
  type(container, '#petition-title', TITLE)
  type(container, '#petition-content', CONTENT)
}

test('one question per screen: a step is not left unanswered, and the answer moves the form on', async () => {
  await serveFakeApi()
  const { container } = await openForm()
  expect(container.textContent).toContain('第 1 步（共 5 步）')

  tap(container, '#step-next')
  expect(element(container, '#kind-error').textContent).toBe('请选择信访类型')

  tap(container, '#kind-inquiry')
  expect(container.querySelector('#kind-error')).toBeNull()
  tap(container, '#step-next')
  expect(await screen.findByText('第 2 步（共 5 步）')).toBeTruthy()
})

test('what was typed is there again when the page is opened anew, and can be cleared after a confirmation', async () => {
  await serveFakeApi()
  const first = await openForm()
  await answerUpToContent(first.container)
  first.unmount()

  const { container } = render(<SubmitPage />)
  await screen.findByText('已为您恢复上次没有提交的内容，可以接着填写。')
  expect(container.textContent).toContain('第 3 步（共 5 步）')
  expect(currentValue(container, '#petition-title')).toBe(TITLE)
  expect(currentValue(container, '#petition-content')).toBe(CONTENT)
  expect(element(container, '#content-count').textContent).toBe(`已写 ${CONTENT.length} 字（至少 10 字）`)

  const confirm = vi.spyOn(Taro, 'showModal').mockResolvedValue({ confirm: true, cancel: false, errMsg: 'ok' })
  tap(container, '#draft-discard')
  await screen.findByText('第 1 步（共 5 步）')
  expect(confirm).toHaveBeenCalledWith(expect.objectContaining({ title: '清空重新填写？' }))
  expect(Taro.getStorageSync(STORAGE_KEYS.petitionDraft)).toBe('')
})

test('a report explains that the reporter is protected and asks which unit is accused', async () => {
  await serveFakeApi()
  const { container } = await openForm()

  tap(container, '#kind-report')
  expect(element(container, '#report-confidentiality').textContent).toContain('举报人信息严格保密')
  expect(element(container, '#report-confidentiality').textContent).toContain('第三十条')
  tap(container, '#step-next')
  await screen.findByText('被反映的单位')
  tap(container, '#category-other')
  tap(container, '#step-next')
  expect(element(container, '#targetUnitId-error').textContent).toContain('不清楚是哪个单位')

  tap(container, '#unit-city-rsj')
  tap(container, '#step-next')
  expect(await screen.findByText('填写信访内容')).toBeTruthy()
})

test('the review shows every answer with a way back to change it; submitted, the success page replaces the form', async () => {
  const api = await serveFakeApi()
  const visited = recordNavigation()
  const { container } = await openForm()
  await answerUpToContent(container)
  tap(container, '#step-next')
  await screen.findByText('上传材料（选填）')
  tap(container, '#step-next')
  await screen.findByText('核对并提交')

  const review = element(container, '#petition-review').textContent
  expect(review).toContain('投诉请求')
  expect(review).toContain('劳动和社会保障')
  expect(review).toContain(TITLE)
  expect(review).toContain('没有上传材料')

  tap(container, '#petition-submit')
  await vi.waitFor(() => expect(api.petitions.size).toBe(1))
  const [petitionId, filed] = [...api.petitions][0] ?? []
  await vi.waitFor(() => expect(visited).toEqual([`/packages/petition/pages/success/index?id=${petitionId}`]))
  expect(filed?.body).toMatchObject({ kind: 'complaint', title: TITLE })
})

test('without a real-name profile the form says so from the start and leads to 我的 to register', async () => {
  const api = await serveFakeApi({ hasProfile: false })
  const visited = recordNavigation()
  const { container } = await openForm()

  expect(element(container, '#profile-notice').textContent).toContain('提交前需要先登记实名信息')
  tap(container, '#profile-notice-go')

  expect(visited).toEqual(['/pages/me/index'])
  expect(api.requestsTo('POST', '/api/v1/petitions')).toHaveLength(0)
})
