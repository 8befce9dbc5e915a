import {
  CategoryListSchema,
  MessageListSchema,
  PetitionCreatedSchema,
  PetitionDetailSchema,
  ProblemSchema,
  PublicStatsSchema,
  RatingSchema,
  ReviewRequestCreatedSchema,
  StaffPetitionDetailSchema,
  StaffStatsSchema,
  shanghaiTime,
} from '@xinfang/shared'
import { eq } from 'drizzle-orm'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { citizenWithProfile, demoLogin, json, staffLogin } from '../../test/auth-helpers'
import { createTestContext, type TestContext } from '../../test/test-app'
import { categories, petitions } from '../db/schema'
import { closeLapsedPetitions } from '../domain/reviews/close-lapsed'

let context: TestContext
let categoryId: string

beforeEach(async () => {
  context = createTestContext()
  const categories = CategoryListSchema.parse(await (await context.app.request('/api/v1/categories')).json())
  categoryId = categories.items.find((c) => c.code === 'labor')?.id ?? ''
})
afterEach(() => context.close())

const at = (date: string, time = '10:00') => shanghaiTime(date, time)

async function submitAt(when: number, name: string, overrides: Record<string, unknown> = {}) {
  context.setNow(when)
  const citizen = await citizenWithProfile(context, name)
  const response = await context.app.request('/api/v1/petitions', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${citizen.accessToken}`,
      'idempotency-key': crypto.randomUUID(),
    },
    body: JSON.stringify({
      kind: 'complaint',
      categoryId,
      title: '公司拖欠三个月工资',
      content: '本人在江城市某建筑公司工作，2026年8月至10月的工资至今未发，请求协调解决。',
      ...overrides,
    }),
  })
  if (response.status !== 201) throw new Error(`submit: ${response.status} ${await response.text()}`)
  return PetitionCreatedSchema.parse(await response.json())
}

async function staffAct(when: number, username: string, petitionId: string, action: Record<string, unknown>) {
  context.setNow(when)
  const staff = await staffLogin(context, username)
  const view = StaffPetitionDetailSchema.parse(
    await (await json(context, `/api/v1/staff/petitions/${petitionId}`, { token: staff.accessToken })).json(),
  )
  const response = await json(context, `/api/v1/staff/petitions/${petitionId}/actions`, {
    body: { ...action, version: view.version },
    token: staff.accessToken,
  })
  if (response.status !== 200) throw new Error(`${String(action.type)}: ${response.status} ${await response.text()}`)
}

const REPLY = { type: 'reply', outcome: 'explained', text: '经调查，企业已承诺分期支付拖欠工资，我局将跟踪落实。' }

async function citizenCall(when: number, name: string, path: string, body: unknown) {
  context.setNow(when)
  const citizen = await demoLogin(context, name)
  return json(context, path, { body, token: citizen.accessToken })
}

async function problemCode(response: Response) {
  return ProblemSchema.parse(await response.json()).code
}

/** Submitted and accepted on 23 November, replied on 24 November 2026 by the petition bureau. */
async function repliedPetition(name: string) {
  const petition = await submitAt(at('2026-11-23', '09:00'), name)
  await staffAct(at('2026-11-23', '10:00'), 'demo-intake', petition.id, { type: 'accept' })
  await staffAct(at('2026-11-24', '10:00'), 'demo-intake', petition.id, REPLY)
  return petition
}

test('a reply can be rated until the end of the thirtieth day after it, and not the day after', async () => {
  const early = await submitAt(at('2026-11-23'), 'too-early')
  const before = await citizenCall(at('2026-11-23', '11:00'), 'too-early', `/api/v1/petitions/${early.id}/ratings`, {
    level: 'satisfied',
  })
  expect(before.status).toBe(409)
  expect(await problemCode(before)).toBe('RATING_NOT_OPEN')

  const lastDay = await repliedPetition('last-day')
  const onTime = await citizenCall(at('2026-12-24', '23:59'), 'last-day', `/api/v1/petitions/${lastDay.id}/ratings`, {
    level: 'basically_satisfied',
    comment: '态度很好，希望尽快落实',
    tags: ['attitude', 'speed'],
  })
  expect(onTime.status).toBe(201)
  expect(RatingSchema.parse(await onTime.json())).toMatchObject({
    stage: 'reply',
    level: 'basically_satisfied',
    tags: ['attitude', 'speed'],
  })

  const dayAfter = await repliedPetition('day-after')
  const late = await citizenCall(at('2026-12-25', '00:00'), 'day-after', `/api/v1/petitions/${dayAfter.id}/ratings`, {
    level: 'satisfied',
  })
  expect(late.status).toBe(409)
  expect(await problemCode(late)).toBe('RATING_NOT_OPEN')
})

test('each reply stage is rated once: a second rating is 409 ALREADY_RATED', async () => {
  const petition = await repliedPetition('twice')
  const path = `/api/v1/petitions/${petition.id}/ratings`
  expect((await citizenCall(at('2026-11-25'), 'twice', path, { level: 'satisfied' })).status).toBe(201)
  const again = await citizenCall(at('2026-11-25', '10:05'), 'twice', path, { level: 'dissatisfied' })
  expect(again.status).toBe(409)
  expect(await problemCode(again)).toBe('ALREADY_RATED')
})

test('a 不满意 rating offers the review request with its deadline', async () => {
  const petition = await repliedPetition('unhappy')
  const response = await citizenCall(at('2026-11-25'), 'unhappy', `/api/v1/petitions/${petition.id}/ratings`, {
    level: 'dissatisfied',
  })
  expect(RatingSchema.parse(await response.json())).toMatchObject({
    canRequestReview: true,
    reviewRequestBy: '2026-12-24T23:59:59.999+08:00',
  })
})

test('复查 can be asked on the last day of the window and not the day after, and goes to the unit above', async () => {
  const onTime = await repliedPetition('review-last-day')
  const ok = await citizenCall(
    at('2026-12-24', '23:59'),
    'review-last-day',
    `/api/v1/petitions/${onTime.id}/review-requests`,
    {
      reason: '企业至今未支付工资，处理意见没有落实。',
    },
  )
  expect(ok.status).toBe(201)
  const created = ReviewRequestCreatedSchema.parse(await ok.json())
  expect(created).toMatchObject({
    status: 'review_requested',
    reviewUnit: { name: '江城市人民政府' },
    decideBy: '2027-01-23T23:59:59.999+08:00',
  })

  const late = await repliedPetition('review-day-after')
  const closed = await citizenCall(
    at('2026-12-25', '00:00'),
    'review-day-after',
    `/api/v1/petitions/${late.id}/review-requests`,
    {
      reason: '企业至今未支付工资，处理意见没有落实。',
    },
  )
  expect(closed.status).toBe(409)
  expect(await problemCode(closed)).toBe('REVIEW_WINDOW_CLOSED')
})

test('after 复查 and 复核 the matter is final: a further request is 409 PETITION_FINALIZED and a new petition on it is flagged', async () => {
  const petition = await repliedPetition('to-the-end')
  const reason = { reason: '对处理意见不服，企业仍未支付工资。' }
  expect(
    (await citizenCall(at('2026-11-26'), 'to-the-end', `/api/v1/petitions/${petition.id}/review-requests`, reason))
      .status,
  ).toBe(201)
  await staffAct(at('2026-12-01'), 'demo-leader', petition.id, { ...REPLY, type: 'review_reply' })
  const reviewRating = await citizenCall(at('2026-12-02'), 'to-the-end', `/api/v1/petitions/${petition.id}/ratings`, {
    level: 'dissatisfied',
  })
  expect(RatingSchema.parse(await reviewRating.json()).stage).toBe('review')
  const recheck = await citizenCall(
    at('2026-12-03'),
    'to-the-end',
    `/api/v1/petitions/${petition.id}/review-requests`,
    reason,
  )
  expect(ReviewRequestCreatedSchema.parse(await recheck.json()).status).toBe('recheck_requested')
  await staffAct(at('2026-12-10'), 'demo-leader', petition.id, { ...REPLY, type: 'recheck_reply' })

  const final = await citizenCall(
    at('2026-12-11'),
    'to-the-end',
    `/api/v1/petitions/${petition.id}/review-requests`,
    reason,
  )
  expect(final.status).toBe(409)
  expect(await problemCode(final)).toBe('PETITION_FINALIZED')

  const again = await submitAt(at('2026-12-12'), 'to-the-end')
  const [row] = await context.database.db.select().from(petitions).where(eq(petitions.id, again.id))
  expect(row).toMatchObject({ possibleRepeatOfId: petition.id, repeatKind: 'finalized' })
  const intake = await staffLogin(context, 'demo-intake')
  const view = StaffPetitionDetailSchema.parse(
    await (await json(context, `/api/v1/staff/petitions/${again.id}`, { token: intake.accessToken })).json(),
  )
  expect(view.events[0]?.internalNote).toMatch(/复核终结.*第三十六条/)
  // The earlier matter is now 市政府's, which the bureau's intake desk may not see: the bar, not the petition.
  expect(view.possibleRepeatOfId).toBeNull()
  expect(view.events[0]?.internalNote).not.toContain(petition.id)
  const leader = await staffLogin(context, 'demo-leader')
  const above = StaffPetitionDetailSchema.parse(
    await (await json(context, `/api/v1/staff/petitions/${again.id}`, { token: leader.accessToken })).json(),
  )
  expect(above.possibleRepeatOfId).toBe(petition.id)
  expect(above.events[0]?.internalNote).toContain(petition.id)

  // Once the rating window of the 复核 reply is over, the matter is 终结.
  expect(await closeLapsedPetitions(context, at('2027-01-10', '00:30'))).toEqual({ closed: 0, finalized: 1 })
  const [finalized] = await context.database.db.select().from(petitions).where(eq(petitions.id, petition.id))
  expect(finalized?.status).toBe('finalized')
})

test('suggestions have no review procedure', async () => {
  const petition = await submitAt(at('2026-11-23'), 'suggester', { kind: 'suggestion', title: '建议增加公交班次' })
  await staffAct(at('2026-11-23', '11:00'), 'demo-intake', petition.id, { type: 'accept' })
  await staffAct(at('2026-11-24'), 'demo-intake', petition.id, REPLY)
  const response = await citizenCall(
    at('2026-11-25'),
    'suggester',
    `/api/v1/petitions/${petition.id}/review-requests`,
    {
      reason: '希望再考虑一下这个建议的可行性。',
    },
  )
  expect(response.status).toBe(409)
  expect(await problemCode(response)).toBe('INVALID_TRANSITION')
})

test('a reply nobody asks to review is 办结 by itself the day after its review window', async () => {
  const lapsing = await repliedPetition('lapsing')
  expect(await closeLapsedPetitions(context, at('2026-12-24', '23:00'))).toEqual({ closed: 0, finalized: 0 })
  expect(await closeLapsedPetitions(context, at('2026-12-25', '00:30'))).toEqual({ closed: 1, finalized: 0 })
  const citizen = await demoLogin(context, 'lapsing')
  const detail = PetitionDetailSchema.parse(
    await (await json(context, `/api/v1/petitions/${lapsing.id}`, { token: citizen.accessToken })).json(),
  )
  expect(detail.status).toBe('closed')
  expect(detail.timeline.at(-1)?.message).toMatch(/办结/)
})

test('statistics match a scenario computed by hand', async () => {
  // P1: decided on time, replied on time (13 days of handling), rated 满意, never reviewed.
  const p1 = await submitAt(at('2026-09-01'), 'stat-1')
  await staffAct(at('2026-09-02'), 'demo-intake', p1.id, { type: 'accept' })
  await staffAct(at('2026-09-15'), 'demo-intake', p1.id, REPLY)
  expect(
    (await citizenCall(at('2026-09-16'), 'stat-1', `/api/v1/petitions/${p1.id}/ratings`, { level: 'satisfied' }))
      .status,
  ).toBe(201)
  // P2: decided late (day 20 > 15), replied late (71 days after acceptance > 60), rated 不满意, then reviewed.
  const p2 = await submitAt(at('2026-09-01'), 'stat-2', {
    title: '小区违建长期无人处理',
    content: '小区内有业主私自搭建阳光房，多次向物业和街道反映无人处理，请求依法拆除。',
  })
  await staffAct(at('2026-09-21'), 'demo-intake', p2.id, { type: 'accept' })
  await staffAct(at('2026-12-01'), 'demo-intake', p2.id, REPLY)
  expect(
    (await citizenCall(at('2026-12-02'), 'stat-2', `/api/v1/petitions/${p2.id}/ratings`, { level: 'dissatisfied' }))
      .status,
  ).toBe(201)
  expect(
    (
      await citizenCall(at('2026-12-02', '11:00'), 'stat-2', `/api/v1/petitions/${p2.id}/review-requests`, {
        reason: '处理意见没有解决我的问题。',
      })
    ).status,
  ).toBe(201)
  // P3: not accepted, on time. P4: still undecided. P5: the same matter as P4 again — a repeat.
  const p3 = await submitAt(at('2026-10-05'), 'stat-3', {
    title: '劳动仲裁裁决不服',
    content: '对劳动仲裁委员会的裁决结果不服，请求信访部门重新处理此事。',
  })
  await staffAct(at('2026-10-06'), 'demo-intake', p3.id, {
    type: 'not_accept',
    reason: '属于诉讼程序解决的事项',
    route: 'litigation',
  })
  await submitAt(at('2026-10-10'), 'stat-4')
  await submitAt(at('2026-10-11'), 'stat-4')

  context.setNow(at('2026-12-20'))
  const response = await context.app.request('/api/v1/stats/public?from=2026-09-01&to=2026-10-31')
  expect(response.status).toBe(200)
  const stats = PublicStatsSchema.parse(await response.json())
  expect(stats.overall).toEqual({
    submitted: 5,
    timelyDecisionRate: 0.6667, // 2 of 3 decisions (P1, P3) by the deadline
    onTimeReplyRate: 0.5, // P1 of P1, P2
    satisfactionRate: 0.5, // 满意 of 满意 + 不满意
    ratingRate: 1, // 2 ratings of 2 first replies
    firstReplyResolutionRate: 0.5, // P1 settled without review; P2 reviewed
    averageHandlingDays: 42, // (13 + 71) / 2
    repeatPetitions: 1,
  })
  expect(stats.byMonth.map((m) => [m.month, m.stats.submitted])).toEqual([
    ['2026-09', 2],
    ['2026-10', 3],
  ])
  expect(JSON.stringify(stats)).not.toMatch(/张三|拖欠|违建/)

  const staff = await staffLogin(context, 'demo-supervisor')
  const byCategory = StaffStatsSchema.parse(
    await (
      await json(context, '/api/v1/staff/stats?from=2026-09-01&to=2026-10-31&groupBy=category', {
        token: staff.accessToken,
      })
    ).json(),
  )
  expect(byCategory.rows.map((r) => [r.label, r.stats.submitted])).toEqual([['劳动和社会保障', 5]])
  const csv = await context.app.request('/api/v1/staff/stats?from=2026-09-01&to=2026-10-31&groupBy=month', {
    headers: { authorization: `Bearer ${staff.accessToken}`, accept: 'text/csv' },
  })
  expect(csv.headers.get('content-type')).toContain('text/csv')
  const lines = (await csv.text()).replace('\uFEFF', '').trim().split('\r\n')
  expect(lines[0]).toContain('及时受理率')
  expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(['2026-09', '2026-10', '合计'])
})

test('the statistics CSV writes a name a spreadsheet would run as a formula as text', async () => {
  const formula = '=HYPERLINK("http://evil.example/","点击查看详情")'
  await context.database.db.update(categories).set({ name: formula }).where(eq(categories.id, categoryId))
  await submitAt(at('2026-10-12'), '张三')
  context.setNow(at('2026-12-20'))
  const staff = await staffLogin(context, 'demo-supervisor')
  const csv = await context.app.request('/api/v1/staff/stats?from=2026-10-01&to=2026-10-31&groupBy=category', {
    headers: { authorization: `Bearer ${staff.accessToken}`, accept: 'text/csv' },
  })
  expect(csv.status).toBe(200)
  const [, row] = (await csv.text()).split('\r\n')
  expect(row?.startsWith(`"'=HYPERLINK(""http://evil.example/""`)).toBe(true)
})

test('a reception visit is rated once after the session ends, not before', async () => {
  const { booked, leaderIdOf, scheduleSession, sessionInput } = await import('../../test/reception-helpers')
  context.setNow(at('2026-11-23', '08:00'))
  const admin = await staffLogin(context, 'demo-admin')
  const session = await scheduleSession(
    context,
    admin.accessToken,
    sessionInput(await leaderIdOf(context, admin.accessToken, '陈卫东')),
  )
  const citizen = await citizenWithProfile(context, 'visitor')
  const booking = await booked(context, citizen.accessToken, session.id, {
    slotId: session.slots[0]?.id,
    matter: '反映小区加装电梯补贴问题',
    attendees: 1,
  })
  const rate = (when: number) =>
    citizenCall(when, 'visitor', `/api/v1/bookings/${booking.id}/ratings`, { level: 'satisfied' })
  const before = await rate(at('2026-11-26', '10:00'))
  expect(before.status).toBe(409)
  expect(await problemCode(before)).toBe('RATING_NOT_OPEN')
  const after = await rate(at('2026-11-26', '15:00'))
  expect(after.status).toBe(201)
  expect(RatingSchema.parse(await after.json()).stage).toBe('session')
  const twice = await rate(at('2026-11-26', '15:05'))
  expect(await problemCode(twice)).toBe('ALREADY_RATED')
})

test("the petition detail shows the rating window while it is open, then the citizen's rating of the latest reply", async () => {
  const petition = await repliedPetition('detail-rating')
  const detailAt = async (when: number) => {
    context.setNow(when)
    const citizen = await demoLogin(context, 'detail-rating')
    const response = await json(context, `/api/v1/petitions/${petition.id}`, { token: citizen.accessToken })
    expect(response.status).toBe(200)
    return PetitionDetailSchema.parse(await response.json())
  }

  const open = await detailAt(at('2026-11-25'))
  expect(open.deadlines.rateBy).toBe('2026-12-24T23:59:59.999+08:00')
  expect(open.rating).toBeUndefined()
  expect(open.deadlines.reviewRequestBy).toBeDefined()
  expect((await detailAt(at('2026-12-25', '00:00'))).deadlines.rateBy).toBeUndefined()

  const rated = await citizenCall(at('2026-11-26'), 'detail-rating', `/api/v1/petitions/${petition.id}/ratings`, {
    level: 'dissatisfied',
    comment: '企业仍未支付',
    tags: ['result'],
  })
  expect(rated.status).toBe(201)
  const afterRating = await detailAt(at('2026-11-27'))
  expect(afterRating.deadlines.rateBy).toBeUndefined()
  expect(afterRating.rating).toMatchObject({
    stage: 'reply',
    level: 'dissatisfied',
    comment: '企业仍未支付',
    tags: ['result'],
    canRequestReview: true,
    reviewRequestBy: afterRating.deadlines.reviewRequestBy,
  })

  // Once the review is requested there is no reply to rate until the 复查 reply arrives.
  const requested = await citizenCall(
    at('2026-11-28'),
    'detail-rating',
    `/api/v1/petitions/${petition.id}/review-requests`,
    {
      reason: '企业至今没有支付任何工资，答复意见没有落实。',
    },
  )
  expect(requested.status).toBe(201)
  const underReview = await detailAt(at('2026-11-29'))
  expect(underReview.rating).toBeUndefined()
  expect(underReview.deadlines.rateBy).toBeUndefined()
})

test('the message announcing a reply names its event, for the client to open the rating sheet', async () => {
  const petition = await repliedPetition('reply-message')
  context.setNow(at('2026-11-25'))
  const citizen = await demoLogin(context, 'reply-message')
  const response = await json(context, '/api/v1/messages', { token: citizen.accessToken })
  expect(response.status).toBe(200)
  const list = MessageListSchema.parse(await response.json())
  const aboutPetition = list.items.filter((message) => message.subjectId === petition.id)
  expect(aboutPetition.map((message) => message.event)).toEqual(['reply', 'accept', 'submitted'])
})
