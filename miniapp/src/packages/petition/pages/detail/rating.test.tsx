import Taro from '@tarojs/taro'
import { fireEvent, render, screen } from '@testing-library/react'
import { AuthResultSchema, endOfCalendarDaysAfter, type RatingCreate, toShanghaiIso } from '@xinfang/shared'
import { expect, onTestFinished, test, vi } from 'vitest'
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
const DAY_MS = 24 * 60 * 60 * 1000

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

function detailReads(api: FakePetitionApi, petitionId: string): number {
  return api.requestsTo('GET', `/api/v1/petitions/${petitionId}`).length
}

/** The same citizen, signed in on another phone: the API is all the two devices share. */
async function callFromAnotherPhone(api: FakePetitionApi, path: string, body: unknown): Promise<number> {
  const signIn = await fetch(`${api.baseUrl}/api/v1/auth/demo`, { method: 'POST' })
  const { accessToken } = AuthResultSchema.parse(await signIn.json())
  const response = await fetch(`${api.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify(body),
  })
  return response.status
}

async function rateFromAnotherPhone(api: FakePetitionApi, petitionId: string, rating: RatingCreate) {
  expect(await callFromAnotherPhone(api, `/api/v1/petitions/${petitionId}/ratings`, rating)).toBe(201)
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

test('a 不满意 rating is sent with its tags and comment, shown at once, read back with the petition, and leads on to 申请复查 with its deadline', async () => {
  const { api, container, petitionId } = await openRepliedPetition()
  const visited = recordNavigation()
  const now = Date.now()
  expect(element(container, '#rating-sheet').textContent).toContain('您对这次答复满意吗？')
  const rateBy = toShanghaiIso(endOfCalendarDaysAfter(now, 30))
  expect(element(container, '#rating-deadline').textContent).toBe(`评价期限：${formatShanghaiDay(rateBy, now)}前`)
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
  expect(container.querySelector('#rating-unsent')).toBeNull()
  // The petition is read again, and from then on the rating on screen is the one the detail carries.
  await vi.waitFor(() => expect(detailReads(api, petitionId)).toBe(2))
  expect(element(container, '#rating-given-level').textContent).toBe('您的评价：不满意')

  const requestBy = toShanghaiIso(endOfCalendarDaysAfter(now, 30))
  const offer = element(container, '#review-offer').textContent
  expect(offer).toContain('下一步：申请复查')
  expect(offer).toContain('第三十五条')
  expect(element(container, '#review-deadline').textContent).toBe(`申请期限：${formatShanghaiDay(requestBy, now)}前`)
  tap(container, '#request-review')
  expect(visited).toEqual([`/packages/petition/pages/review/index?id=${petitionId}`])
  expect(Taro.getStorageSync(STORAGE_KEYS.ratingDrafts)).toBe('')
})

test('the rating sent is shown from the API’s answer even when reading the petition again fails', async () => {
  const { api, container, petitionId } = await openRepliedPetition()
  api.failNextDetailReads(1)

  tap(container, '#rating-level-basically_satisfied')
  tap(container, '#rating-submit')

  await screen.findByText('您的评价：基本满意')
  await vi.waitFor(() => expect(detailReads(api, petitionId)).toBe(2))
  expect(element(container, '#rating-given-level').textContent).toBe('您的评价：基本满意')
  expect(container.querySelector('#rating-sheet')).toBeNull()
})

test('the rating is shown again when the petition is opened anew on a phone that keeps nothing of it', async () => {
  const { api, container, petitionId, unmount } = await openRepliedPetition()
  tap(container, '#rating-level-satisfied')
  tap(container, '#rating-submit')
  await screen.findByText('您的评价：满意')
  unmount()
  localStorage.clear()

  const again = render(<DetailPage />)

  await screen.findByText('您的评价：满意')
  expect(again.container.querySelector('#rating-sheet')).toBeNull()
  // Satisfied: 复查 is still possible, but offered quietly rather than as the next step.
  expect(element(again.container, '#review-offer').textContent).toContain('对答复不服？')
  expect(ratingBodies(api, petitionId)).toEqual([{ level: 'satisfied' }])
})

test('a 不满意 rating given on another phone is shown from the petition, with 申请复查 as the next step', async () => {
  const api = await startFakePetitionApi()
  routeRequestsTo(api.baseUrl)
  const created = api.seedPetition(PETITION)
  api.reply(created.id)
  await rateFromAnotherPhone(api, created.id, { level: 'dissatisfied', tags: ['result'], comment: COMMENT })
  setRouterParams({ id: created.id })

  const { container } = render(<DetailPage />)

  await screen.findByText('您的评价：不满意')
  expect(element(container, '#rating-given').textContent).toContain(COMMENT)
  expect(container.querySelector('#rating-sheet')).toBeNull()
  expect(container.querySelector('#rating-unsent')).toBeNull()
  expect(element(container, '#review-offer').textContent).toContain('下一步：申请复查')
  // The other phone's rating is the only one the API received.
  expect(ratingBodies(api, created.id)).toHaveLength(1)
})

test('a reply whose rating window has passed shows no form, says why, and names the review deadline that passed with it', async () => {
  const api = await startFakePetitionApi()
  routeRequestsTo(api.baseUrl)
  const created = api.seedPetition(PETITION)
  const repliedAt = Date.now() - 40 * DAY_MS
  api.reply(created.id, 'reply', { repliedAt })
  setRouterParams({ id: created.id })

  const { container } = render(<DetailPage />)

  await screen.findByText('评价答复')
  expect(container.querySelector('#rating-sheet')).toBeNull()
  expect(element(container, '#rating-closed').textContent).toBe('已过评价期限，不能再评价：答复后 30 日内可以评价。')
  const requestBy = toShanghaiIso(endOfCalendarDaysAfter(repliedAt, 30))
  expect(element(container, '#review-closed').textContent).toContain(
    `申请复查的期限已于${formatShanghaiDay(requestBy, Date.now())}届满`,
  )
  expect(container.querySelector('#request-review')).toBeNull()
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

test('a draft that was sent, only its answer lost, is dropped once the petition shows that rating', async () => {
  const first = await openRepliedPetition()
  tap(first.container, '#rating-level-dissatisfied')
  tap(first.container, '#rating-tag-result')
  type(first.container, '#rating-comment', `${COMMENT} `)
  first.unmount()
  // The tap reached the API; WeChat was killed before the answer came back.
  await rateFromAnotherPhone(first.api, first.petitionId, { level: 'dissatisfied', tags: ['result'], comment: COMMENT })

  const { container } = render(<DetailPage />)

  await screen.findByText('您的评价：不满意')
  expect(container.querySelector('#rating-unsent')).toBeNull()
  await vi.waitFor(() => expect(Taro.getStorageSync(STORAGE_KEYS.ratingDrafts)).toBe(''))
})

test('a comment typed here while the reply was rated on another phone stays on screen and on the device', async () => {
  const first = await openRepliedPetition()
  tap(first.container, '#rating-level-dissatisfied')
  type(first.container, '#rating-comment', COMMENT)
  first.unmount()
  await rateFromAnotherPhone(first.api, first.petitionId, { level: 'basically_satisfied' })

  const { container } = render(<DetailPage />)

  await screen.findByText('您的评价：基本满意')
  expect(element(container, '#rating-unsent').textContent).toBe(
    `您在本机写的意见没有提交：“${COMMENT}”。如对答复不服，可以写进复查（复核）申请的理由里。`,
  )
  expect(Taro.getStorageSync(STORAGE_KEYS.ratingDrafts)).toMatchObject([{ comment: COMMENT }])
})

test('when the rating window closes while the sheet is open, 409 RATING_NOT_OPEN reads the petition again and what was typed stays', async () => {
  const { api, container, petitionId } = await openRepliedPetition()
  tap(container, '#rating-level-basically_satisfied')
  type(container, '#rating-comment', COMMENT)
  // Midnight of the 30th day passes with the page open.
  api.backdateReply(petitionId, Date.now() - 31 * DAY_MS)

  tap(container, '#rating-submit')

  await screen.findByText('已过评价期限，不能再评价：答复后 30 日内可以评价。')
  expect(api.requestsTo('POST', `/api/v1/petitions/${petitionId}/ratings`)).toHaveLength(1)
  expect(detailReads(api, petitionId)).toBe(2)
  expect(container.querySelector('#rating-sheet')).toBeNull()
  expect(element(container, '#rating-unsent').textContent).toContain(COMMENT)
  expect(Taro.getStorageSync(STORAGE_KEYS.ratingDrafts)).toMatchObject([{ comment: COMMENT }])
})

test('409 RATING_NOT_OPEN while the petition still shows the window says why, and keeps the form with what was typed', async () => {
  const { api, container, petitionId } = await openRepliedPetition()
  api.refuseNextRatings('RATING_NOT_OPEN')

  tap(container, '#rating-level-basically_satisfied')
  type(container, '#rating-comment', COMMENT)
  tap(container, '#rating-submit')

  await screen.findByText(/现在不能评价/)
  expect(element(container, '#rating-form-error').textContent).toBe(
    '现在不能评价：评价期限（答复后 30 日内）可能已过，或者这件事项已有新的进展，请查看上面的办理进度。您填写的内容仍保存在本机。',
  )
  await vi.waitFor(() => expect(detailReads(api, petitionId)).toBe(2))
  expect(Reflect.get(element(container, '#rating-comment'), 'value')).toBe(COMMENT)
  expect(Taro.getStorageSync(STORAGE_KEYS.ratingDrafts)).toMatchObject([{ comment: COMMENT }])
})

test('409 ALREADY_RATED after a rating from another phone says so, shows that rating from the petition, keeps the comment typed here, and still offers 复查', async () => {
  const { api, container, petitionId } = await openRepliedPetition()
  tap(container, '#rating-level-dissatisfied')
  type(container, '#rating-comment', COMMENT)
  await rateFromAnotherPhone(api, petitionId, { level: 'satisfied' })

  tap(container, '#rating-submit')

  await screen.findByText('您的评价：满意')
  expect(element(container, '#rating-already-given').textContent).toBe(
    '这次答复已经评价过了（可能是在另一台手机上，或者刚才的评价已经提交成功），每次答复只能评价一次。',
  )
  expect(element(container, '#rating-unsent').textContent).toContain(COMMENT)
  expect(container.querySelector('#rating-sheet')).toBeNull()
  expect(element(container, '#request-review').textContent).toBe('申请复查')
  expect(Taro.getStorageSync(STORAGE_KEYS.ratingDrafts)).toMatchObject([{ comment: COMMENT }])
})

test('opened from a reply (rate=1) the page scrolls to the rating sheet', async () => {
  const scroll = vi.spyOn(Taro, 'pageScrollTo').mockResolvedValue({ errMsg: 'pageScrollTo:ok' })

  await openRepliedPetition({ rate: '1' })

  await vi.waitFor(() => expect(scroll).toHaveBeenCalledWith({ selector: '#reply-follow-up', duration: 300 }))
})

test('opened without rate=1 the page stays at the top', async () => {
  const scroll = vi.spyOn(Taro, 'pageScrollTo').mockResolvedValue({ errMsg: 'pageScrollTo:ok' })
  // The page scrolls from a timer it sets once the petition shows. Timers here are the test's to run: they keep
  // time with the clock meanwhile, and once the petition shows, every timer set so far is run at once.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true })
  onTestFinished(() => {
    vi.useRealTimers()
  })

  await openRepliedPetition()
  await vi.runOnlyPendingTimersAsync()

  expect(scroll).not.toHaveBeenCalled()
})

test('after the 复查 reply the sheet rates that reply and leads to 复核; after 复核 it says the opinion is final', async () => {
  const { api, container, petitionId, unmount } = await openRepliedPetition()
  tap(container, '#rating-level-dissatisfied')
  tap(container, '#rating-submit')
  await screen.findByText('您的评价：不满意')
  unmount()

  // The citizen asked for 复查 (elsewhere); the unit above replied.
  const reason = '企业至今没有支付剩余工资，处理意见没有落实。'
  expect(await callFromAnotherPhone(api, `/api/v1/petitions/${petitionId}/review-requests`, { reason })).toBe(201)
  api.reply(petitionId, 'review_reply')
  const second = render(<DetailPage />)
  await screen.findByText('评价复查答复')
  expect(second.container.querySelector('#rating-sheet')).not.toBeNull()
  expect(second.container.querySelector('#rating-given')).toBeNull()
  expect(element(second.container, '#request-review').textContent).toBe('申请复核')
  second.unmount()

  api.reply(petitionId, 'recheck_reply')
  const third = render(<DetailPage />)
  await screen.findByText('评价复核答复')
  expect(third.container.querySelector('#rating-sheet')).not.toBeNull()
  expect(third.container.querySelector('#review-offer')).toBeNull()
  expect(element(third.container, '#final-note').textContent).toContain('复核意见为最终意见')
})
