import Taro from '@tarojs/taro'
import { fireEvent, render, screen } from '@testing-library/react'
import { endOfCalendarDaysAfter, type PetitionCreate, toShanghaiIso } from '@xinfang/shared'
import { expect, test, vi } from 'vitest'
import { type FakePetitionApi, REVIEW_UNIT, startFakePetitionApi } from '../../../../../test/fake-petition-api'
import { recordNavigation, routeRequestsTo } from '../../../../../test/route-requests'
import { setRouterParams } from '../../../../../test/taro-h5'
import { STORAGE_KEYS } from '../../../../services/storage'
import { formatShanghaiDay } from '../../../../utils/format'
import ReviewPage from './index'

const COMPLAINT: PetitionCreate = {
  kind: 'complaint',
  categoryId: 'cat_labor',
  title: '公司拖欠工资三个月',
  content: '我在某公司工作，从八月起一直没有发工资，多次找老板都说没钱。',
}
const REASON = '企业只发了一半工资，剩下的至今没有支付，处理意见没有落实。'

async function openReviewOf(petitionId: string) {
  setRouterParams({ id: petitionId })
  const rendered = render(<ReviewPage />)
  await vi.waitFor(() => expect(rendered.container.querySelector('#review-loading')).toBeNull())
  return rendered
}

async function repliedComplaint(body: PetitionCreate = COMPLAINT) {
  const api = await startFakePetitionApi()
  routeRequestsTo(api.baseUrl)
  const created = api.seedPetition(body)
  api.reply(created.id)
  return { api, petitionId: created.id }
}

function element(container: HTMLElement, selector: string): HTMLElement {
  const found = container.querySelector<HTMLElement>(selector)
  if (!found) throw new Error(`nothing matches ${selector}:\n${container.textContent}`)
  return found
}

function tap(container: HTMLElement, selector: string) {
  fireEvent.click(element(container, selector))
}

function type(container: HTMLElement, selector: string, value: string) {
  fireEvent(element(container, selector), new CustomEvent('input', { detail: { value }, bubbles: true }))
}

function reviewBodies(api: FakePetitionApi, petitionId: string): unknown[] {
  return api
    .requestsTo('POST', `/api/v1/petitions/${petitionId}/review-requests`)
    .map((request) => JSON.parse(request.body))
}

test('the 复查 request shows its deadline, counts the reason, and once sent names the unit that decides and by when', async () => {
  const { api, petitionId } = await repliedComplaint()
  const { container } = await openReviewOf(petitionId)
  const now = Date.now()

  expect(element(container, '#review-form').textContent).toContain('申请复查')
  expect(element(container, '#review-form').textContent).toContain('第三十五条')
  const requestBy = toShanghaiIso(endOfCalendarDaysAfter(now, 30))
  expect(element(container, '#review-request-by').textContent).toBe(`申请期限${formatShanghaiDay(requestBy, now)}前`)

  type(container, '#review-reason', '不服')
  expect(element(container, '#review-reason-count').textContent).toBe('已写 2 字（至少 10 字）')
  tap(container, '#review-submit')
  expect(element(container, '#review-reason-error').textContent).toBe('请写明不服的理由和诉求（至少 10 个字）')
  expect(reviewBodies(api, petitionId)).toEqual([])

  type(container, '#review-reason', REASON)
  expect(container.querySelector('#review-reason-error')).toBeNull()
  expect(element(container, '#review-reason-count').textContent).toBe(`已写 ${REASON.length} 字（至少 10 字）`)
  tap(container, '#review-submit')

  await screen.findByText('已申请复查')
  expect(reviewBodies(api, petitionId)).toEqual([{ reason: REASON }])
  expect(element(container, '#review-unit').textContent).toBe(REVIEW_UNIT.name)
  const decideBy = toShanghaiIso(endOfCalendarDaysAfter(Date.now(), 30))
  expect(element(container, '#review-decide-by').textContent).toBe(`${formatShanghaiDay(decideBy, now)}前`)
  expect(element(container, '#review-created').textContent).toContain(
    `${REVIEW_UNIT.name}将在${formatShanghaiDay(decideBy, now)}前提出复查意见并书面答复您`,
  )
  expect(Taro.getStorageSync(STORAGE_KEYS.reviewDrafts)).toBe('')

  const visited = recordNavigation()
  tap(container, '#review-view-detail')
  expect(visited).toEqual([`/packages/petition/pages/detail/index?id=${petitionId}`])
})

test('the reason typed is there again when the page is opened anew', async () => {
  const { petitionId } = await repliedComplaint()
  const first = await openReviewOf(petitionId)
  type(first.container, '#review-reason', REASON)
  first.unmount()

  const { container } = await openReviewOf(petitionId)

  expect(element(container, '#review-restored').textContent).toBe('已为您恢复上次没有提交的理由，可以接着填写。')
  expect(Reflect.get(element(container, '#review-reason'), 'value')).toBe(REASON)
  expect(element(container, '#review-reason-count').textContent).toBe(`已写 ${REASON.length} 字（至少 10 字）`)
})

test('409 REVIEW_WINDOW_CLOSED is explained in plain words, and the reason stays on the device', async () => {
  const { api, petitionId } = await repliedComplaint()
  api.refuseNextReviewRequests('REVIEW_WINDOW_CLOSED')
  const { container } = await openReviewOf(petitionId)

  type(container, '#review-reason', REASON)
  tap(container, '#review-submit')

  const error = await screen.findByText(/已超过申请复查的期限/)
  expect(error.textContent).toBe(
    '已超过申请复查的期限（《信访工作条例》第三十五条）：须在收到答复之日起 30 日内申请。如有新的事实和理由，可以重新提出信访事项。',
  )
  expect(container.querySelector('#review-submit')).toBeNull()
  expect(element(container, '#review-to-detail').textContent).toBe('返回信访事项')
  expect(Taro.getStorageSync(STORAGE_KEYS.reviewDrafts)).toMatchObject([{ reason: REASON }])
})

test('409 PETITION_FINALIZED says the 复核 opinion is final', async () => {
  const { api, petitionId } = await repliedComplaint()
  api.refuseNextReviewRequests('PETITION_FINALIZED')
  const { container } = await openReviewOf(petitionId)

  type(container, '#review-reason', REASON)
  tap(container, '#review-submit')

  const error = await screen.findByText(/这件事项已经复核/)
  expect(error.textContent).toBe(
    '这件事项已经复核，不能再申请。复核意见为最终意见，同一事实和理由不再受理（《信访工作条例》第三十六条）。',
  )
})

test('after the 复查 reply the page asks for 复核 under Art. 36', async () => {
  const { api, petitionId } = await repliedComplaint()
  const first = await openReviewOf(petitionId)
  type(first.container, '#review-reason', REASON)
  tap(first.container, '#review-submit')
  await screen.findByText('已申请复查')
  first.unmount()
  api.reply(petitionId, 'review_reply')

  const { container } = await openReviewOf(petitionId)

  expect(element(container, '#review-form').textContent).toContain('申请复核')
  expect(element(container, '#review-form').textContent).toContain('第三十六条')
  expect(element(container, '#review-form').textContent).toContain(`对${REVIEW_UNIT.name}的复查意见不服`)
  // The 复查 reason was sent and cleared; the 复核 one starts empty.
  expect(Reflect.get(element(container, '#review-reason'), 'value')).toBe('')
})

test('a request already made shows where it went instead of the form', async () => {
  const { petitionId } = await repliedComplaint()
  const first = await openReviewOf(petitionId)
  type(first.container, '#review-reason', REASON)
  tap(first.container, '#review-submit')
  await screen.findByText('已申请复查')
  first.unmount()

  const { container } = await openReviewOf(petitionId)

  expect(element(container, '#review-pending').textContent).toContain(`复查机关：${REVIEW_UNIT.name}`)
  expect(container.querySelector('#review-form')).toBeNull()
})

test('a suggestion has no review procedure, and the page says so', async () => {
  const { petitionId } = await repliedComplaint({ ...COMPLAINT, kind: 'suggestion' })

  const { container } = await openReviewOf(petitionId)

  expect(element(container, '#review-unavailable').textContent).toContain('只有投诉请求类事项可以申请复查、复核')
  expect(container.querySelector('#review-form')).toBeNull()
})

test('a window that has passed is explained with its date, without a form', async () => {
  const api = await startFakePetitionApi()
  routeRequestsTo(api.baseUrl)
  const created = api.seedPetition(COMPLAINT)
  const repliedAt = Date.now() - 40 * 24 * 60 * 60 * 1000
  api.reply(created.id, 'reply', { repliedAt })

  const { container } = await openReviewOf(created.id)

  const requestBy = toShanghaiIso(endOfCalendarDaysAfter(repliedAt, 30))
  expect(element(container, '#review-window-closed').textContent).toContain(
    `申请期限已于${formatShanghaiDay(requestBy, Date.now())}届满`,
  )
  expect(container.querySelector('#review-form')).toBeNull()
})
