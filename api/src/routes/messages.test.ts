import {
  MessageListSchema,
  MessageSchema,
  ProblemSchema,
  SubscriptionCreditsSchema,
  SubscriptionsSchema,
} from '@xinfang/shared'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { demoLogin, json, staffLogin } from '../../test/auth-helpers'
import { FIXED_NOW } from '../../test/fixed-clock'
import { createTestContext, type TestContext } from '../../test/test-app'
import { notifyCitizen } from '../domain/notifications/notify-citizen'

const TEMPLATES = 'petition_progress=TPL_PETITION,booking_update=TPL_BOOKING'
let context: TestContext

beforeEach(() => {
  context = createTestContext({ WECHAT_TEMPLATE_IDS: TEMPLATES })
})
afterEach(() => context.close())

/** Writes a notice as a domain change would: in-app message and outbox row in one transaction. */
async function notify(citizenId: string, title: string, at: number) {
  return context.database.write((tx) =>
    notifyCitizen(
      tx,
      {
        citizenId,
        subjectKind: 'petition',
        subjectId: 'petition-1',
        event: 'accepted',
        title,
        body: `${title}。`,
        template: 'petition_progress',
        payload: { trackingNo: 'XF-2026-000001', status: '已受理' },
      },
      at,
    ),
  )
}

async function listMessages(token: string, query = '') {
  const response = await json(context, `/api/v1/messages${query}`, { token })
  expect(response.status).toBe(200)
  expect(response.headers.get('cache-control')).toBe('no-store')
  return MessageListSchema.parse(await response.json())
}

async function problemOf(response: Response) {
  return ProblemSchema.parse(await response.json())
}

test('the message centre lists the caller’s messages newest first, page by page, with the unread count', async () => {
  const citizen = await demoLogin(context, '消息甲')
  for (let i = 0; i < 5; i++) await notify(citizen.user.id, `第${i + 1}条`, FIXED_NOW + i * 1000)
  const first = await listMessages(citizen.accessToken, '?limit=2')
  expect(first.items.map((m) => m.title)).toEqual(['第5条', '第4条'])
  expect(first.unreadCount).toBe(5)
  expect(first.items[0]).toMatchObject({ subjectKind: 'petition', subjectId: 'petition-1', isRead: false })
  expect(first.items[0]?.at).toMatch(/\+08:00$/)
  const second = await listMessages(citizen.accessToken, `?limit=2&cursor=${first.nextCursor}`)
  const third = await listMessages(citizen.accessToken, `?limit=2&cursor=${second.nextCursor}`)
  expect([...second.items, ...third.items].map((m) => m.title)).toEqual(['第3条', '第2条', '第1条'])
  expect(third.nextCursor).toBeNull()
})

test('messages written in the same millisecond are neither skipped nor repeated across pages', async () => {
  const citizen = await demoLogin(context, '消息同刻')
  for (let i = 0; i < 5; i++) await notify(citizen.user.id, `同刻${i}`, FIXED_NOW)
  const seen: string[] = []
  let cursor: string | null = null
  do {
    const page = await listMessages(citizen.accessToken, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
    seen.push(...page.items.map((m) => m.id))
    cursor = page.nextCursor
  } while (cursor)
  expect(seen).toHaveLength(5)
  expect(new Set(seen).size).toBe(5)
})

test('a citizen never sees another citizen’s messages', async () => {
  const owner = await demoLogin(context, '消息乙')
  const other = await demoLogin(context, '消息丙')
  await notify(owner.user.id, '只给乙', FIXED_NOW)
  const list = await listMessages(other.accessToken)
  expect(list.items).toEqual([])
  expect(list.unreadCount).toBe(0)
})

test('marking a message read is idempotent and lowers the unread count once', async () => {
  const citizen = await demoLogin(context, '消息丁')
  const messageId = await notify(citizen.user.id, '待读', FIXED_NOW)
  await notify(citizen.user.id, '另一条', FIXED_NOW + 1)
  for (let i = 0; i < 2; i++) {
    const response = await json(context, `/api/v1/messages/${messageId}/read`, {
      method: 'POST',
      token: citizen.accessToken,
    })
    expect(response.status).toBe(200)
    expect(MessageSchema.parse(await response.json())).toMatchObject({ id: messageId, isRead: true })
  }
  const list = await listMessages(citizen.accessToken)
  expect(list.unreadCount).toBe(1)
  expect(list.items.find((m) => m.id === messageId)?.isRead).toBe(true)
})

test('marking another citizen’s message read answers 404 like a message that does not exist, and changes nothing', async () => {
  const owner = await demoLogin(context, '消息戊')
  const other = await demoLogin(context, '消息己')
  const messageId = await notify(owner.user.id, '只给戊', FIXED_NOW)
  const foreign = await json(context, `/api/v1/messages/${messageId}/read`, {
    method: 'POST',
    token: other.accessToken,
  })
  expect(foreign.status).toBe(404)
  expect((await problemOf(foreign)).code).toBe('NOT_FOUND')
  const missing = await json(context, '/api/v1/messages/no-such-message/read', {
    method: 'POST',
    token: other.accessToken,
  })
  expect(missing.status).toBe(404)
  expect((await listMessages(owner.accessToken)).unreadCount).toBe(1)
})

test('the message centre needs a signed-in citizen: 401 without a token, 403 for staff', async () => {
  expect((await json(context, '/api/v1/messages')).status).toBe(401)
  const staff = await staffLogin(context, 'demo-intake')
  const response = await json(context, '/api/v1/messages', { token: staff.accessToken })
  expect(response.status).toBe(403)
  expect((await json(context, '/api/v1/subscriptions', { token: staff.accessToken })).status).toBe(403)
})

test('a bad cursor or limit is 400 VALIDATION_FAILED', async () => {
  const citizen = await demoLogin(context, '消息庚')
  for (const query of ['?cursor=not-a-cursor', '?limit=51', '?limit=0']) {
    const response = await json(context, `/api/v1/messages${query}`, { token: citizen.accessToken })
    expect(response.status).toBe(400)
    expect((await problemOf(response)).code).toBe('VALIDATION_FAILED')
  }
})

test('the subscriptions endpoint tells the mini-program which templates to request and what is left', async () => {
  const citizen = await demoLogin(context, '订阅甲')
  const response = await json(context, '/api/v1/subscriptions', { token: citizen.accessToken })
  expect(response.status).toBe(200)
  expect(SubscriptionsSchema.parse(await response.json())).toEqual({
    templates: [
      { key: 'petition_progress', templateId: 'TPL_PETITION', title: '信访事项办理进度提醒' },
      { key: 'booking_update', templateId: 'TPL_BOOKING', title: '接访预约状态提醒' },
    ],
    credits: [
      { templateId: 'TPL_PETITION', credits: 0 },
      { templateId: 'TPL_BOOKING', credits: 0 },
    ],
  })
})

test('each accepted template adds one credit per tap, for the caller only', async () => {
  const citizen = await demoLogin(context, '订阅乙')
  const other = await demoLogin(context, '订阅丙')
  const tap = (templateIds: string[]) =>
    json(context, '/api/v1/subscriptions', { body: { templateIds }, token: citizen.accessToken })
  expect((await tap(['TPL_PETITION', 'TPL_BOOKING'])).status).toBe(200)
  const second = await tap(['TPL_PETITION'])
  expect(second.status).toBe(200)
  expect(SubscriptionCreditsSchema.parse(await second.json()).credits).toEqual([
    { templateId: 'TPL_PETITION', credits: 2 },
    { templateId: 'TPL_BOOKING', credits: 1 },
  ])
  const others = SubscriptionsSchema.parse(
    await (await json(context, '/api/v1/subscriptions', { token: other.accessToken })).json(),
  )
  expect(others.credits.every((credit) => credit.credits === 0)).toBe(true)
})

test('a template this service does not use is refused with a field error and no credit is added', async () => {
  const citizen = await demoLogin(context, '订阅丁')
  const response = await json(context, '/api/v1/subscriptions', {
    body: { templateIds: ['TPL_PETITION', 'TPL_UNKNOWN'] },
    token: citizen.accessToken,
  })
  expect(response.status).toBe(400)
  const problem = await problemOf(response)
  expect(problem.code).toBe('VALIDATION_FAILED')
  expect(problem.errors?.map((error) => error.path)).toEqual(['body.templateIds.1'])
  const after = SubscriptionsSchema.parse(
    await (await json(context, '/api/v1/subscriptions', { token: citizen.accessToken })).json(),
  )
  expect(after.credits.find((credit) => credit.templateId === 'TPL_PETITION')?.credits).toBe(0)
})

test('a subscription request with no template, more than five, a repeated one or an unknown field is 400', async () => {
  const citizen = await demoLogin(context, '订阅戊')
  for (const body of [
    { templateIds: [] },
    { templateIds: ['A', 'B', 'C', 'D', 'E', 'F'] },
    { templateIds: ['TPL_PETITION', 'TPL_PETITION'] },
    { templateIds: ['TPL_PETITION'], extra: true },
  ]) {
    const response = await json(context, '/api/v1/subscriptions', { body, token: citizen.accessToken })
    expect(response.status).toBe(400)
    expect((await problemOf(response)).code).toBe('VALIDATION_FAILED')
  }
})

test('without configured templates there is nothing to subscribe to', async () => {
  const bare = createTestContext()
  try {
    const citizen = await demoLogin(bare, '订阅己')
    const list = await json(bare, '/api/v1/subscriptions', { token: citizen.accessToken })
    expect(SubscriptionsSchema.parse(await list.json())).toEqual({ templates: [], credits: [] })
    const grant = await json(bare, '/api/v1/subscriptions', {
      body: { templateIds: ['TPL_PETITION'] },
      token: citizen.accessToken,
    })
    expect(grant.status).toBe(400)
  } finally {
    bare.close()
  }
})
