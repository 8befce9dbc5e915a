/**
 * After the reply, in the real weapp build (miniapp/dist/weapp) in miniprogram-simulate (see support/weapp-harness.ts)
 * against the real API: the reply in the message centre opens the petition at its rating sheet, open while the
 * detail gives `deadlines.rateBy`; a 不满意 rating with a tag and a comment (kept on the device while typed) is read
 * back from the API with the petition, on this phone and on one that keeps nothing of it, and leads on to 申请复查;
 * the request names the unit above that will decide, and the petition then shows that unit. 阳光信访 opens without
 * signing in and shows the figures.
 */
import {
  AuthResultSchema,
  MessageListSchema,
  PetitionDetailSchema,
  PublicStatsSchema,
  RatingSchema,
  ReviewRequestCreatedSchema,
  STATS_LABELS,
} from '@xinfang/shared'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { type FakeWeChat, startFakeWeChat } from '../../api/test/fake-wechat-server'
import { type RunningApi, startApi } from '../support/api-server'
import { acceptAndReply, categoryIdOf, registerProfile, submitPetition } from '../support/petition-api'
import { assertWeappBuild } from '../support/weapp-build'
import { callbackApi, launchWeapp, type RecordedRequest, type WeappApp, type WeappPage } from '../support/weapp-harness'

const APP_ID = 'wx-xinfang-review-test'
const SESSION_KEY = 'xinfang.session'
const RATING_DRAFTS_KEY = 'xinfang.ratingDrafts'
const DETAIL_PAGE = 'packages/petition/pages/detail/index'
const REVIEW_PAGE = 'packages/petition/pages/review/index'
const COMMENT = '只答应分期支付，没有说清楚哪天给，等不起。'
const REASON = '处理意见没有写明企业支付工资的具体时间，至今一分钱没有收到，请求上级机关复查。'
const REVIEW_UNIT = '江城市人民政府'
const RATE_KEYS = [
  'timelyDecisionRate',
  'onTimeReplyRate',
  'satisfactionRate',
  'ratingRate',
  'firstReplyResolutionRate',
] as const

let api: RunningApi
let wechat: FakeWeChat

beforeAll(async () => {
  assertWeappBuild()
  wechat = await startFakeWeChat({ appId: APP_ID, secret: 'test-secret' })
  api = await startApi({
    env: { WECHAT_APPID: APP_ID, WECHAT_SECRET: 'test-secret', WECHAT_API_BASE_URL: wechat.baseUrl },
  })
})

afterAll(async () => {
  await api?.stop()
  await wechat?.close()
})

/**
 * A citizen who signed in on this phone earlier, filed a complaint about unpaid wages, and has had the petition
 * bureau's reply: their stored session and the petition.
 */
async function citizenWithReply(openid: string) {
  const signIn = await fetch(`${api.baseUrl}/api/v1/auth/wechat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: wechat.issueLoginCode(openid) }),
  })
  const tokens = AuthResultSchema.parse(await signIn.json())
  await registerProfile(api.baseUrl, tokens.accessToken)
  const petition = await submitPetition(api.baseUrl, tokens.accessToken, {
    kind: 'complaint',
    categoryId: await categoryIdOf(api.baseUrl, 'labor'),
    title: '公司拖欠工资三个月',
    content: '本人在江城市某建筑公司工作，2026年8月至10月的工资至今未发，请求协调解决。',
  })
  await acceptAndReply(api.baseUrl, petition.id)
  const storage = {
    [SESSION_KEY]: {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      user: { id: tokens.user.id, role: 'citizen' },
    },
  }
  return { petitionId: petition.id, storage }
}

/** The id of the reply's notice in the citizen's message centre. */
async function replyMessageId(accessToken: string): Promise<string> {
  const response = await fetch(`${api.baseUrl}/api/v1/messages`, {
    headers: { authorization: `Bearer ${accessToken}` },
  })
  const reply = MessageListSchema.parse(await response.json()).items.find((item) => item.title === '信访事项答复')
  if (!reply) throw new Error('the reply has no notice in the message centre')
  return reply.id
}

function wxFor(openid: string) {
  return { login: callbackApi('login', async () => ({ code: wechat.issueLoginCode(openid) })) }
}

function requestsTo(requests: readonly RecordedRequest[], method: string, path: string): RecordedRequest[] {
  return requests.filter((entry) => entry.method === method && entry.path === path)
}

/** The text under one node, without the whitespace the templates put between elements. */
function textOf(page: WeappPage, selector: string): string {
  return (page.get(selector).dom?.textContent ?? '').replace(/\s+/g, '')
}

async function waitForPage(app: WeappApp, path: string): Promise<WeappPage> {
  return app.waitFor(() => (app.currentPage.path === path ? app.currentPage : undefined), `the page ${path}`)
}

test('a citizen rates the reply 不满意 from the message centre, finds the comment again after the app is killed, finds the rating on another phone, asks for 复查 there, and sees the unit above take it over', async () => {
  const openid = 'openid-review-journey'
  const { petitionId, storage } = await citizenWithReply(openid)

  // The reply waits in the message centre; it opens the petition at its rating sheet.
  const first = await launchWeapp({ apiBaseUrl: api.baseUrl, storage, wx: wxFor(openid) })
  const messages = await first.reLaunch('packages/petition/pages/messages/index')
  await messages.waitForSelector('#message-list')
  expect(messages.text()).toContain('信访事项答复')
  expect(messages.text()).toContain('查看答复并评价')
  await messages.tap(`#message-${await replyMessageId(storage[SESSION_KEY].accessToken)}`)
  const detail = await waitForPage(first, DETAIL_PAGE)
  expect(detail.query).toMatchObject({ id: petitionId, rate: '1' })
  await detail.waitForSelector('#rating-sheet')
  expect(detail.text()).toContain('已答复')
  expect(detail.text()).toContain('评价答复')
  const [opened] = requestsTo(first.requests, 'GET', `/api/v1/petitions/${petitionId}`)
  expect(PetitionDetailSchema.parse(opened?.responseBody).deadlines.rateBy).toBeDefined()
  expect(textOf(detail, '#rating-deadline')).toMatch(/^评价期限：.+月\d+日（周.）前$/)

  await detail.tap('#rating-level-dissatisfied')
  await detail.tap('#rating-tag-result')
  await detail.input('#rating-comment', COMMENT)
  expect(detail.text()).toContain(`已写 ${COMMENT.length} 字（最多 500 字）`)
  expect(first.storage.get(RATING_DRAFTS_KEY)).toMatchObject([
    { petitionId, stage: 'reply', level: 'dissatisfied', tags: ['result'], comment: COMMENT },
  ])

  // WeChat kills the mini-program before the rating is sent; the next launch puts it back on the sheet.
  first.close()
  const app = await launchWeapp({
    apiBaseUrl: api.baseUrl,
    storage: Object.fromEntries(first.storage),
    wx: wxFor(openid),
  })
  const reopened = await app.reLaunch(`${DETAIL_PAGE}?id=${petitionId}&rate=1`)
  await reopened.waitForSelector('#rating-restored')
  expect(reopened.text()).toContain(`已写 ${COMMENT.length} 字`)
  await reopened.tap('#rating-submit')
  await reopened.waitForText('您的评价：不满意')

  const [rating] = requestsTo(app.requests, 'POST', `/api/v1/petitions/${petitionId}/ratings`)
  expect(rating?.statusCode).toBe(201)
  expect(JSON.parse(rating?.body ?? '{}')).toEqual({ level: 'dissatisfied', tags: ['result'], comment: COMMENT })
  expect(RatingSchema.parse(rating?.responseBody)).toMatchObject({ stage: 'reply', canRequestReview: true })
  expect(app.storage.has(RATING_DRAFTS_KEY)).toBe(false)
  expect(reopened.text()).toContain(COMMENT)
  expect(reopened.text()).toContain('下一步：申请复查')
  expect(reopened.text()).toMatch(/申请期限：.+月\d+日（周.）前/)

  // The petition is read again after the rating, and now carries it instead of a rating window.
  const ratedAt = app.requests.findIndex(
    (entry) => entry.method === 'POST' && entry.path === `/api/v1/petitions/${petitionId}/ratings`,
  )
  const readBack = await app.waitFor(
    () =>
      app.requests
        .slice(ratedAt + 1)
        .find(
          (entry) =>
            entry.method === 'GET' && entry.path === `/api/v1/petitions/${petitionId}` && entry.statusCode === 200,
        ),
    'the petition read again after the rating',
  )
  const rated = PetitionDetailSchema.parse(readBack.responseBody)
  expect(rated.rating).toMatchObject({ stage: 'reply', level: 'dissatisfied', tags: ['result'], comment: COMMENT })
  expect(rated.deadlines.rateBy).toBeUndefined()

  // On another phone, with nothing stored, the same WeChat user finds the rating: it is the API's, not the device's.
  app.close()
  const phone = await launchWeapp({ apiBaseUrl: api.baseUrl, wx: wxFor(openid) })
  const elsewhere = await phone.reLaunch(`${DETAIL_PAGE}?id=${petitionId}`)
  await elsewhere.waitForText('您的评价：不满意')
  expect(elsewhere.find('#rating-sheet')).toBeUndefined()
  expect(elsewhere.text()).toContain(COMMENT)
  expect(elsewhere.text()).toContain('下一步：申请复查')
  expect(elsewhere.text()).toMatch(/申请期限：.+月\d+日（周.）前/)

  await elsewhere.tap('#request-review')
  const review = await waitForPage(phone, REVIEW_PAGE)
  await review.waitForSelector('#review-form')
  expect(review.text()).toContain('第三十五条')
  expect(review.text()).toMatch(/申请期限.+月\d+日（周.）前/)
  await review.input('#review-reason', '不服')
  await review.tap('#review-submit')
  await review.waitForSelector('#review-reason-error')
  expect(review.text()).toContain('请写明不服的理由和诉求（至少 10 个字）')
  await review.input('#review-reason', REASON)
  expect(review.text()).toContain(`已写 ${REASON.length} 字（至少 10 字）`)
  await review.tap('#review-submit')
  await review.waitForSelector('#review-created')

  const requests = requestsTo(phone.requests, 'POST', `/api/v1/petitions/${petitionId}/review-requests`)
  expect(requests.map((entry) => entry.statusCode)).toEqual([201])
  expect(JSON.parse(requests[0]?.body ?? '{}')).toEqual({ reason: REASON })
  const created = ReviewRequestCreatedSchema.parse(requests[0]?.responseBody)
  expect(created).toMatchObject({ status: 'review_requested', reviewUnit: { name: REVIEW_UNIT } })
  expect(review.text()).toContain('已申请复查')
  expect(textOf(review, '#review-unit')).toBe(REVIEW_UNIT)
  expect(review.text()).toContain(`${REVIEW_UNIT}将在`)

  // Back on the petition, which refreshes when shown: 复查 requested, with the unit above in charge.
  await review.tap('#review-view-detail')
  const back = await waitForPage(phone, DETAIL_PAGE)
  await back.waitForText('已申请复查')
  expect(back.text()).toContain(`复查机关：${REVIEW_UNIT}`)
  expect(back.text()).toContain('第三十五条')
  expect(back.find('#reply-follow-up')).toBeUndefined()
})

test('阳光信访 is fetched without a token and shows the figures the API published, each share as a percentage or 暂无数据', async () => {
  const app = await launchWeapp({ apiBaseUrl: api.baseUrl, wx: wxFor('openid-stats-reader') })
  const home = await app.reLaunch('pages/index/index')
  await home.tap('#home-stats')
  const stats = await waitForPage(app, 'packages/public/pages/stats/index')
  await stats.waitForSelector('#public-stats')

  const [lookup] = requestsTo(app.requests, 'GET', '/api/v1/stats/public')
  expect(lookup?.statusCode).toBe(200)
  expect(lookup?.requestHeader.authorization).toBeUndefined()
  // Whatever other journeys on this API have left behind: the page shows exactly what the API answered.
  const { overall, byMonth } = PublicStatsSchema.parse(lookup?.responseBody)
  expect(textOf(stats, '#stat-submitted')).toBe(`受理总量${overall.submitted}件`)
  for (const key of RATE_KEYS) {
    const rate = overall[key]
    const shown = rate === null ? '暂无数据' : `${Number((rate * 100).toFixed(1))}%`
    expect(textOf(stats, `#stat-${key}`)).toContain(`${STATS_LABELS[key]}${shown}`)
  }
  expect(textOf(stats, '#chart-submitted')).toContain('每月受理量')
  for (const { month, stats: monthly } of byMonth) {
    expect(textOf(stats, `#chart-submitted-${month}`)).toContain(`${monthly.submitted}件`)
  }
})
