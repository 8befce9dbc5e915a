/**
 * After the reply, in the H5 app against the real API: the reply in the message centre opens the petition at its
 * rating sheet with the API's 评价期限, a 不满意 rating with a tag and a comment is read back with the petition (also
 * in a browser that keeps nothing of it) and leads on to 申请复查, the request names the unit above that will
 * decide, and the petition then shows that unit. 阳光信访 shows the figures the journey left behind.
 */
import { join } from 'node:path'
import {
  AuthResultSchema,
  PetitionDetailSchema,
  PublicStatsSchema,
  RatingSchema,
  ReviewRequestCreatedSchema,
} from '@xinfang/shared'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { REPO_ROOT, type RunningApi, startApi } from '../support/api-server'
import { launchBrowser, PHONE_VIEWPORT } from '../support/browser'
import { expectElderFriendly, field, screenshotPage } from '../support/h5-pages'
import { acceptAndReply, categoryIdOf, registerProfile, submitPetition } from '../support/petition-api'

const TITLE = '公司拖欠工资三个月'
const CONTENT = '本人在江城市某建筑公司工作，2026年8月至10月的工资至今未发，请求协调解决。'
const COMMENT = '只答应分期支付，没有说清楚哪天给，等不起。'
const REASON = '处理意见没有写明企业支付工资的具体时间，至今一分钱没有收到，请求上级机关复查。'
const REVIEW_UNIT = '江城市人民政府'

let api: RunningApi
let browser: Browser
let closeBrowser: () => Promise<void>

beforeAll(async () => {
  api = await startApi({ webRoot: join(REPO_ROOT, 'miniapp', 'dist', 'h5') })
  ;({ browser, close: closeBrowser } = await launchBrowser())
})

afterAll(async () => {
  await closeBrowser?.()
  await api?.stop()
})

/** The part of the element that is inside the viewport, as a share of the viewport's height (0 when off-screen). */
async function visibleShare(page: Page, selector: string): Promise<number> {
  return page.locator(selector).evaluate((element) => {
    const rect = element.getBoundingClientRect()
    const visible = Math.min(rect.bottom, window.innerHeight) - Math.max(rect.top, 0)
    return Math.max(0, visible) / window.innerHeight
  })
}

/** A citizen who signed in on another device: the same account, its session stored as Taro's H5 storage keeps it. */
async function citizenWithRepliedPetition() {
  const signIn = await fetch(`${api.baseUrl}/api/v1/auth/demo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  })
  const auth = AuthResultSchema.parse(await signIn.json())
  await registerProfile(api.baseUrl, auth.accessToken)
  const petition = await submitPetition(api.baseUrl, auth.accessToken, {
    kind: 'complaint',
    categoryId: await categoryIdOf(api.baseUrl, 'labor'),
    title: TITLE,
    content: CONTENT,
  })
  await acceptAndReply(api.baseUrl, petition.id)
  const session = {
    data: {
      accessToken: auth.accessToken,
      refreshToken: auth.refreshToken,
      user: { id: auth.user.id, role: auth.user.role },
    },
  }
  return { petitionId: petition.id, session: JSON.stringify(session) }
}

test('in the H5 app a citizen rates the reply 不满意 from the message centre, finds the rating again in another browser, asks for 复查, and sees the unit above take it over; 阳光信访 shows the figures', async () => {
  const { petitionId, session } = await citizenWithRepliedPetition()
  const page = await browser.newPage(PHONE_VIEWPORT)
  const apiCalls: string[] = []
  page.on('response', (response) => {
    const url = new URL(response.url())
    if (url.pathname.startsWith('/api/'))
      apiCalls.push(`${response.status()} ${response.request().method()} ${url.pathname}`)
  })
  await page.goto(`${api.baseUrl}/`)
  await page.locator('#reception-list').waitFor({ timeout: 20_000 })
  await page.evaluate((stored) => localStorage.setItem('xinfang.session', stored), session)

  // The reply waits in the message centre and opens the petition at its rating sheet.
  await page.goto(`${api.baseUrl}/#/packages/petition/pages/messages/index`)
  await page.locator('#message-list').waitFor({ timeout: 20_000 })
  const reply = page.locator('.messages__item', { hasText: '信访事项答复' })
  expect(await reply.textContent()).toContain('查看答复并评价')
  await reply.click()
  await page.locator('#rating-sheet').waitFor({ timeout: 20_000 })
  expect(await page.locator('#detail-status').textContent()).toBe('已答复')
  expect(await page.locator('#timeline').textContent()).toContain('已作出书面处理意见（解释说明）')
  expect(await page.locator('#rating-deadline').textContent()).toMatch(/^评价期限：.+月\d+日（周.）前$/)
  await expect.poll(() => visibleShare(page, '#reply-follow-up'), { timeout: 5_000 }).toBeGreaterThan(0.5)

  // 不满意, about the result, in the citizen's own words.
  await page.locator('#rating-level-dissatisfied').click()
  await page.locator('#rating-tag-result').click()
  await field(page, 'rating-comment').fill(COMMENT)
  await expect.poll(() => page.locator('#rating-comment-count').textContent()).toContain(`已写 ${COMMENT.length} 字`)
  await expectElderFriendly(page, '#reply-follow-up')
  await screenshotPage(page, 'review-rating-sheet.png')
  const rated = page.waitForResponse((response) => new URL(response.url()).pathname.endsWith('/ratings'))
  const readBack = page.waitForResponse(
    (response) =>
      response.request().method() === 'GET' && new URL(response.url()).pathname === `/api/v1/petitions/${petitionId}`,
  )
  await page.locator('#rating-submit').click()
  const rating = await rated
  expect(rating.status()).toBe(201)
  expect(rating.request().postDataJSON()).toEqual({ level: 'dissatisfied', tags: ['result'], comment: COMMENT })
  expect(RatingSchema.parse(await rating.json())).toMatchObject({ stage: 'reply', canRequestReview: true })

  // The rating stays on screen, and the next step is 申请复查 with its deadline.
  await page.locator('#rating-given').waitFor({ timeout: 20_000 })
  expect(await page.locator('#rating-given-level').textContent()).toBe('您的评价：不满意')
  expect(await page.locator('#rating-given').textContent()).toContain(COMMENT)
  expect(await page.locator('#review-offer').textContent()).toContain('下一步：申请复查')
  expect(await page.locator('#review-deadline').textContent()).toMatch(/^申请期限：.+月\d+日（周.）前$/)

  // The petition is read again and carries the rating, so a browser that keeps nothing of it shows it too.
  const detail = PetitionDetailSchema.parse(await (await readBack).json())
  expect(detail.rating).toMatchObject({ level: 'dissatisfied', tags: ['result'], comment: COMMENT })
  expect(detail.deadlines.rateBy).toBeUndefined()
  const otherBrowser = await browser.newContext(PHONE_VIEWPORT)
  const elsewhere = await otherBrowser.newPage()
  await elsewhere.goto(`${api.baseUrl}/`)
  await elsewhere.locator('#reception-list').waitFor({ timeout: 20_000 })
  await elsewhere.evaluate((stored) => localStorage.setItem('xinfang.session', stored), session)
  await elsewhere.goto(`${api.baseUrl}/#/packages/petition/pages/detail/index?id=${petitionId}`)
  await elsewhere.locator('#rating-given').waitFor({ timeout: 20_000 })
  expect(await elsewhere.locator('#rating-given-level').textContent()).toBe('您的评价：不满意')
  expect(await elsewhere.locator('#rating-sheet').count()).toBe(0)
  expect(await elsewhere.locator('#review-offer').textContent()).toContain('下一步：申请复查')
  await otherBrowser.close()

  await page.locator('#request-review').click()

  await page.locator('#review-form').waitFor({ timeout: 20_000 })
  expect(await page.locator('#review-request-by').textContent()).toMatch(/^申请期限.+月\d+日（周.）前$/)
  await field(page, 'review-reason').fill(REASON)
  await expect.poll(() => page.locator('#review-reason-count').textContent()).toContain(`已写 ${REASON.length} 字`)
  await expectElderFriendly(page, '#review-form')
  await screenshotPage(page, 'review-request.png')
  const requested = page.waitForResponse((response) => new URL(response.url()).pathname.endsWith('/review-requests'))
  await page.locator('#review-submit').click()
  const request = await requested
  expect(request.status()).toBe(201)
  expect(request.request().postDataJSON()).toEqual({ reason: REASON })
  expect(ReviewRequestCreatedSchema.parse(await request.json())).toMatchObject({
    status: 'review_requested',
    reviewUnit: { name: REVIEW_UNIT },
  })

  await page.locator('#review-created').waitFor({ timeout: 20_000 })
  expect(await page.locator('#review-unit').textContent()).toBe(REVIEW_UNIT)
  expect(await page.locator('#review-created').textContent()).toContain(`${REVIEW_UNIT}将在`)
  await screenshotPage(page, 'review-requested.png')

  // Back on the petition: 复查 requested, the unit above in charge, its deadline and the step in the timeline.
  await page.locator('#review-view-detail').click()
  await expect.poll(() => page.locator('#detail-status').textContent(), { timeout: 20_000 }).toBe('已申请复查')
  expect(await page.locator('#detail-unit').textContent()).toBe(`复查机关：${REVIEW_UNIT}`)
  expect(await page.locator('#next-deadline').textContent()).toContain('第三十五条')
  expect(await page.locator('#timeline').textContent()).toContain('您已申请复查')
  expect(await page.locator('#reply-follow-up').count()).toBe(0)
  expect(apiCalls.filter((call) => !/^20\d /.test(call))).toEqual([])
  await page.close()

  // 阳光信访, opened from the home page by someone who never signed in.
  const stranger = await browser.newContext(PHONE_VIEWPORT)
  const statsPage = await stranger.newPage()
  const statsRequests: (string | undefined)[] = []
  statsPage.on('request', (sent) => {
    if (new URL(sent.url()).pathname === '/api/v1/stats/public') statsRequests.push(sent.headers().authorization)
  })
  await statsPage.goto(`${api.baseUrl}/`)
  await statsPage.locator('#home-stats').click()
  await statsPage.locator('#public-stats').waitFor({ timeout: 20_000 })
  const stats = PublicStatsSchema.parse(await (await fetch(`${api.baseUrl}/api/v1/stats/public`)).json())
  expect(stats.overall).toMatchObject({ submitted: 1, satisfactionRate: 0, ratingRate: 1 })
  expect(await statsPage.locator('#stat-submitted').textContent()).toBe('受理总量1 件')
  expect(await statsPage.locator('#stat-satisfactionRate').textContent()).toContain('满意率0%')
  expect(await statsPage.locator('#stat-ratingRate').textContent()).toContain('参评率100%')
  expect(await statsPage.locator('#stat-timelyDecisionRate').textContent()).toContain('及时受理率100%')
  // The only first reply went to 复查: settled, and not resolved by that reply.
  expect(await statsPage.locator('#stat-firstReplyResolutionRate').textContent()).toContain('一次性化解率0%')
  expect(await statsPage.locator('#stat-averageHandlingDays').textContent()).toContain('天')
  const month = stats.byMonth[0]?.month ?? ''
  expect(await statsPage.locator(`#chart-submitted-${month}`).textContent()).toContain('1 件')
  expect(statsRequests).toEqual([undefined])
  await expectElderFriendly(statsPage, '#public-stats')
  await screenshotPage(statsPage, 'public-stats.png')
  await stranger.close()
})
