import Taro from '@tarojs/taro'
import { fireEvent, render, screen } from '@testing-library/react'
import { AuthResultSchema, endOfCalendarDaysAfter, toShanghaiIso } from '@xinfang/shared'
import { expect, test, vi } from 'vitest'
import { type FakePetitionApi, startFakePetitionApi } from '../../../../../test/fake-petition-api'
import { recordNavigation, routeRequestsTo } from '../../../../../test/route-requests'
import { setRouterParams } from '../../../../../test/taro-h5'
import { STORAGE_KEYS } from '../../../../services/storage'
import { formatShanghaiDay } from '../../../../utils/format'
import DetailPage from './index'

const PETITION = {
  kind: 'complaint' as const,
  categoryId: 'cat_labor',
  title: '公司拖欠工资三个月',
  content: '我在某公司工作，从八月起一直没有发工资，多次找老板都说没钱。',
}
const COMMENT = '工资只发了一半，剩下的没有说什么时候给。'

async function openRepliedPetition(params: Record<string, string> = {}) {
  const api = await startFakePetitionApi()
  routeRequestsTo(api.baseUrl)
  const created = api.seedPetition(PETITION)
  api.reply(created.id)
  setRouterParams({ id: created.id, ...params })
  const rendered = render(<DetailPage />)
  await screen.findByText('评价答复')
  return { api, petitionId: created.id, ...rendered }
}

function element(container: HTMLElement, selector: string): HTMLElement {
  const found = container.querySelector<HTMLElement>(selector)
  if (!found) throw new Error(`nothing matches ${selector}:\n${container.textContent}`)
  return found
}

function tap(container: HTMLElement, selector: string) {
  fireEvent.click(element(container, selector))
}

/** Taro renders a textarea as its `<taro-textarea-core>` web component, which reports typing with `detail.value`. */
function type(container: HTMLElement, selector: string, value: string) {
  fireEvent(element(container, selector), new CustomEvent('input', { detail: { value }, bubbles: true }))
}

function ratingBodies(api: FakePetitionApi, petitionId: string): unknown[] {
  return api.requestsTo('POST', `/api/v1/petitions/${petitionId}/ratings`).map((request) => JSON.parse(request.body))
}

test('a petition still being handled has no rating sheet', async () => {
  const api = await startFakePetitionApi()
  routeRequestsTo(api.baseUrl)
  const created = api.seedPetition(PETITION)
  setRouterParams({ id: created.id })

  const { container } = render(<DetailPage />)

  await screen.findByText('办理进度')
  expect(container.querySelector('#reply-follow-up')).toBeNull()
})

test('a 不满意 rating is sent with its tags and comment, shown afterwards, and leads on to 申请复查 with its deadline', async () => {
  const { api, container, petitionId } = await openRepliedPetition()
  const visited = recordNavigation()
  expect(element(container, '#rating-sheet').textContent).toContain('您对这次答复满意吗？')
  expect([...container.querySelectorAll('.choice-card__title')].map((title) => title.textContent)).toEqual([
    '满意',
    '基本满意',
    '不满意',
  ])

  tap(container, '#rating-level-dissatisfied')
  // Tapped in another order than shown: sent in the order shown.
  tap(container, '#rating-tag-result')
  tap(container, '#rating-tag-speed')
  tap(container, '#rating-tag-attitude')
  tap(container, '#rating-tag-attitude')
  type(container, '#rating-comment', COMMENT)
  expect(element(container, '#rating-comment-count').textContent).toBe(`已写 ${COMMENT.length} 字（最多 500 字）`)
  tap(container, '#rating-submit')

  await screen.findByText('您的评价：不满意')
  expect(ratingBodies(api, petitionId)).toEqual([
    { level: 'dissatisfied', tags: ['speed', 'result'], comment: COMMENT },
  ])
  const given = element(container, '#rating-given').textContent
  expect(given).toContain('涉及：办理速度、办理结果')
  expect(given).toContain(COMMENT)
  expect(container.querySelector('#rating-sheet')).toBeNull()

  const requestBy = toShanghaiIso(endOfCalendarDaysAfter(Date.now(), 30))
  const offer = element(container, '#review-offer').textContent
  expect(offer).toContain('下一步：申请复查')
  expect(offer).toContain('第三十五条')
  expect(element(container, '#review-deadline').textContent).toBe(
    `申请期限：${formatShanghaiDay(requestBy, Date.now())}前`,
  )
  tap(container, '#request-review')
  expect(visited).toEqual([`/packages/petition/pages/review/index?id=${petitionId}`])
  expect(Taro.getStorageSync(STORAGE_KEYS.ratingDrafts)).toBe('')
})

test('the rating given is shown again when the petition is opened anew, instead of a form the API would refuse', async () => {
  const { api, container, petitionId, unmount } = await openRepliedPetition()
  tap(container, '#rating-level-satisfied')
  tap(container, '#rating-submit')
  await screen.findByText('您的评价：满意')
  unmount()

  const again = render(<DetailPage />)
  await screen.findByText('您的评价：满意')
  expect(again.container.querySelector('#rating-sheet')).toBeNull()
  // Satisfied: 复查 is still possible, but offered quietly rather than as the next step.
  expect(element(again.container, '#review-offer').textContent).toContain('对答复不服？')
  expect(ratingBodies(api, petitionId)).toEqual([{ level: 'satisfied' }])
})

test('without a level nothing is sent, and the sheet says what to choose', async () => {
  const { api, container, petitionId } = await openRepliedPetition()

  type(container, '#rating-comment', COMMENT)
  tap(container, '#rating-submit')

  expect(element(container, '#rating-error').textContent).toBe('请先选择满意程度：满意、基本满意或不满意')
  expect(ratingBodies(api, petitionId)).toEqual([])
  tap(container, '#rating-level-basically_satisfied')
  expect(container.querySelector('#rating-error')).toBeNull()
})

test('what was typed comes back when the page is opened anew, and is removed once the rating is given', async () => {
  const first = await openRepliedPetition()
  tap(first.container, '#rating-level-dissatisfied')
  tap(first.container, '#rating-tag-result')
  type(first.container, '#rating-comment', COMMENT)
  first.unmount()

  const { container } = render(<DetailPage />)
  await screen.findByText('已为您恢复上次没有提交的评价，可以接着填写。')
  expect(Reflect.get(element(container, '#rating-comment'), 'value')).toBe(COMMENT)
  expect(element(container, '#rating-level-dissatisfied').className).toContain('choice-card--selected')
  expect(element(container, '#rating-tag-result').textContent).toBe('✓ 办理结果')

  tap(container, '#rating-submit')
  await screen.findByText('您的评价：不满意')
  expect(ratingBodies(first.api, first.petitionId)).toEqual([
    { level: 'dissatisfied', tags: ['result'], comment: COMMENT },
  ])
  expect(Taro.getStorageSync(STORAGE_KEYS.ratingDrafts)).toBe('')
})

test('409 RATING_NOT_OPEN says why and what to do next, and keeps the form with what was typed', async () => {
  const { api, container } = await openRepliedPetition()
  api.refuseNextRatings('RATING_NOT_OPEN')

  tap(container, '#rating-level-basically_satisfied')
  type(container, '#rating-comment', COMMENT)
  tap(container, '#rating-submit')

  await screen.findByText(/现在不能评价/)
  expect(element(container, '#rating-form-error').textContent).toBe(
    '现在不能评价：答复后 30 日内才能评价，期限可能已过，或者这件事项目前没有新的答复。请点“刷新”查看最新进展。',
  )
  expect(Reflect.get(element(container, '#rating-comment'), 'value')).toBe(COMMENT)
  expect(Taro.getStorageSync(STORAGE_KEYS.ratingDrafts)).toMatchObject([{ comment: COMMENT }])
})

test('409 ALREADY_RATED says the reply was rated already, keeps the unsent comment on screen, and still offers 复查', async () => {
  const { api, container } = await openRepliedPetition()
  api.refuseNextRatings('ALREADY_RATED')

  tap(container, '#rating-level-dissatisfied')
  type(container, '#rating-comment', COMMENT)
  tap(container, '#rating-submit')

  await screen.findByText(/这次答复已经评价过了/)
  expect(element(container, '#rating-given').textContent).toContain('每次答复只能评价一次')
  expect(element(container, '#rating-unsent').textContent).toContain(COMMENT)
  expect(container.querySelector('#rating-sheet')).toBeNull()
  expect(element(container, '#request-review').textContent).toBe('申请复查')
})

test('opened from a reply (rate=1) the page scrolls to the rating sheet', async () => {
  const scroll = vi.spyOn(Taro, 'pageScrollTo').mockResolvedValue({ errMsg: 'pageScrollTo:ok' })

  await openRepliedPetition({ rate: '1' })

  await vi.waitFor(() => expect(scroll).toHaveBeenCalledWith({ selector: '#reply-follow-up', duration: 300 }))
})

test('opened without rate=1 the page stays at the top', async () => {
  const scroll = vi.spyOn(Taro, 'pageScrollTo').mockResolvedValue({ errMsg: 'pageScrollTo:ok' })

  await openRepliedPetition()
  await new Promise((resolve) => setTimeout(resolve, 20))

  expect(scroll).not.toHaveBeenCalled()
})

test('after the 复查 reply the sheet rates that reply and leads to 复核; after 复核 it says the opinion is final', async () => {
  const { api, container, petitionId, unmount } = await openRepliedPetition()
  tap(container, '#rating-level-dissatisfied')
  tap(container, '#rating-submit')
  await screen.findByText('您的评价：不满意')
  unmount()

  // The citizen asked for 复查 (elsewhere); the unit above replied.
  await requestReviewDirectly(api, petitionId)
  api.reply(petitionId, 'review_reply')
  const second = render(<DetailPage />)
  await screen.findByText('评价复查答复')
  expect(second.container.querySelector('#rating-sheet')).not.toBeNull()
  expect(element(second.container, '#request-review').textContent).toBe('申请复核')
  second.unmount()

  api.reply(petitionId, 'recheck_reply')
  const third = render(<DetailPage />)
  await screen.findByText('评价复核答复')
  expect(third.container.querySelector('#review-offer')).toBeNull()
  expect(element(third.container, '#final-note').textContent).toContain('复核意见为最终意见')
})

async function requestReviewDirectly(api: FakePetitionApi, petitionId: string) {
  const signIn = await fetch(`${api.baseUrl}/api/v1/auth/demo`, { method: 'POST' })
  const { accessToken } = AuthResultSchema.parse(await signIn.json())
  const response = await fetch(`${api.baseUrl}/api/v1/petitions/${petitionId}/review-requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ reason: '企业至今没有支付剩余工资，处理意见没有落实。' }),
  })
  expect(response.status).toBe(201)
}
