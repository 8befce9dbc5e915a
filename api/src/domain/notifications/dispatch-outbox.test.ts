import { AuthResultSchema, MessageListSchema, SubscriptionsSchema } from '@xinfang/shared'
import { asc, eq } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest'
import { demoLogin, json } from '../../../test/auth-helpers'
import { type FakeWeChat, startFakeWeChat } from '../../../test/fake-wechat-server'
import { FIXED_NOW } from '../../../test/fixed-clock'
import { type ManualDeadlines, manualDeadlines } from '../../../test/manual-deadlines'
import { createTestContext, type TestContext } from '../../../test/test-app'
import { notificationOutbox } from '../../db/schema'
import { createWeChatClient, type SubscribeSendResult, type WeChatClient } from '../../integrations/wechat'
import { silentLogger } from '../../lib/log'
import {
  dispatchOutbox,
  OUTBOX_DEFAULT_LEASE_MS,
  OUTBOX_INTERRUPTED,
  OUTBOX_MAX_ATTEMPTS,
  type OutboxDeps,
  SKIP_REASONS,
} from './dispatch-outbox'
import { notifyCitizen } from './notify-citizen'
import { startOutboxWorker } from './outbox-worker'

const APP_ID = 'wx-outbox-appid'
const SECRET = 'wx-outbox-secret'
const TPL_PETITION = 'TPL_PETITION_PROGRESS'
const SEND = '/cgi-bin/message/subscribe/send'

let fake: FakeWeChat
let wechat: WeChatClient
let timeouts: ManualDeadlines
let context: TestContext
let openidSeq = 0

beforeAll(async () => {
  fake = await startFakeWeChat({ appId: APP_ID, secret: SECRET })
})
afterAll(() => fake.close())

function openContext(templates = `petition_progress=${TPL_PETITION},booking_update=TPL_BOOKING_UPDATE`) {
  // The same client serves login and pushes, as in the Node entry; "no answer" tests end the wait themselves.
  timeouts = manualDeadlines()
  wechat = createWeChatClient({
    baseUrl: fake.baseUrl,
    appId: APP_ID,
    secret: SECRET,
    logger: silentLogger,
    timeoutSignal: timeouts.timeoutSignal,
  })
  return createTestContext(
    { WECHAT_APPID: APP_ID, WECHAT_SECRET: SECRET, WECHAT_API_BASE_URL: fake.baseUrl, WECHAT_TEMPLATE_IDS: templates },
    { wechat },
  )
}

beforeEach(() => {
  context = openContext()
})
afterEach(() => context.close())

function deps(overrides: Partial<OutboxDeps> = {}): OutboxDeps {
  return { config: context.config, database: context.database, wechat, logger: silentLogger, ...overrides }
}

/** A citizen signed in through WeChat (a real openid), with `taps` subscriptions to the petition template. */
async function wechatCitizen(taps: number, options: { grantedOnWeChat?: number } = {}) {
  const openid = `o-outbox-${++openidSeq}-${Date.now()}`
  const response = await json(context, '/api/v1/auth/wechat', { body: { code: fake.issueLoginCode(openid) } })
  expect(response.status).toBe(200)
  const auth = AuthResultSchema.parse(await response.json())
  for (let i = 0; i < taps; i++) {
    const tap = await json(context, '/api/v1/subscriptions', {
      body: { templateIds: [TPL_PETITION] },
      token: auth.accessToken,
    })
    expect(tap.status).toBe(200)
  }
  fake.grantSubscription(openid, TPL_PETITION, options.grantedOnWeChat ?? taps)
  return { openid, citizenId: auth.user.id, token: auth.accessToken }
}

async function notify(citizenId: string, n: number, at = FIXED_NOW) {
  return context.database.write((tx) =>
    notifyCitizen(
      tx,
      {
        citizenId,
        subjectKind: 'petition',
        subjectId: `petition-${n}`,
        event: 'accepted',
        title: `信访事项已受理（${n}）`,
        body: '您的信访事项已受理。',
        template: 'petition_progress',
        payload: { trackingNo: `XF-2026-00000${n}`, status: '已受理' },
      },
      at,
    ),
  )
}

function outboxRows() {
  return context.database.db.select().from(notificationOutbox).orderBy(asc(notificationOutbox.createdAt))
}

async function outboxOf(messageId: string) {
  const [row] = await context.database.db
    .select()
    .from(notificationOutbox)
    .where(eq(notificationOutbox.messageId, messageId))
  if (!row) throw new Error(`no outbox row for ${messageId}`)
  return row
}

async function creditsLeft(token: string) {
  const response = await json(context, '/api/v1/subscriptions', { token })
  const subscriptions = SubscriptionsSchema.parse(await response.json())
  return subscriptions.credits.find((credit) => credit.templateId === TPL_PETITION)?.credits
}

const sentTo = (openid: string) => fake.sentMessages.filter((message) => message.touser === openid)
const sendRequestsFor = (openid: string) =>
  fake.requests.filter(
    (request) =>
      request.path === SEND &&
      typeof request.body === 'object' &&
      request.body !== null &&
      'touser' in request.body &&
      request.body.touser === openid,
  )

test('three notices with two credits send two pushes, skip the third, and all three stay in the message centre', async () => {
  const citizen = await wechatCitizen(2)
  const ids = [
    await notify(citizen.citizenId, 1),
    await notify(citizen.citizenId, 2),
    await notify(citizen.citizenId, 3),
  ]
  const report = await dispatchOutbox(deps(), FIXED_NOW + 1000)
  expect(report).toMatchObject({ taken: 3, sent: 2, skipped: 1, failed: 0 })
  expect(sentTo(citizen.openid)).toHaveLength(2)
  const rows = await Promise.all(ids.map(outboxOf))
  expect(rows.map((row) => row.status)).toEqual(['sent', 'sent', 'skipped'])
  expect(rows[2]?.lastError).toBe(SKIP_REASONS.noCredit)
  expect(await creditsLeft(citizen.token)).toBe(0)
  const inbox = MessageListSchema.parse(
    await (await json(context, '/api/v1/messages', { token: citizen.token })).json(),
  )
  expect(inbox.items.map((message) => message.id).sort()).toEqual([...ids].sort())
})

test('a push carries the configured template, the notice’s fields and a page that opens its message', async () => {
  const citizen = await wechatCitizen(1)
  const messageId = await notify(citizen.citizenId, 7)
  await dispatchOutbox(deps(), FIXED_NOW + 1000)
  const [pushed] = sentTo(citizen.openid)
  expect(pushed).toMatchObject({
    templateId: TPL_PETITION,
    page: `pages/petitions/index?messageId=${messageId}&subjectId=petition-7`,
    data: {
      character_string1: { value: 'XF-2026-000007' },
      phrase2: { value: '已受理' },
      thing3: { value: '信访事项已受理（7）' },
      time4: { value: '2026年11月23日 08:00' },
    },
  })
  expect((await outboxOf(messageId)).sentAt).toBe(FIXED_NOW + 1000)
})

test('a demo citizen’s notice is skipped without calling WeChat, and the message stays', async () => {
  const citizen = await demoLogin(context, '推送演示')
  const before = fake.requests.length
  const messageId = await notify(citizen.user.id, 1)
  const report = await dispatchOutbox(deps(), FIXED_NOW + 1000)
  expect(report).toMatchObject({ taken: 1, skipped: 1, sent: 0 })
  expect(await outboxOf(messageId)).toMatchObject({ status: 'skipped', lastError: SKIP_REASONS.noOpenid })
  expect(fake.requests.length).toBe(before)
})

test('with no templates configured every push is skipped and the in-app copy is all there is', async () => {
  context.close()
  context = openContext('')
  const auth = AuthResultSchema.parse(
    await (
      await json(context, '/api/v1/auth/wechat', { body: { code: fake.issueLoginCode('o-no-templates') } })
    ).json(),
  )
  const messageId = await notify(auth.user.id, 1)
  await dispatchOutbox(deps(), FIXED_NOW + 1000)
  expect(await outboxOf(messageId)).toMatchObject({ status: 'skipped', lastError: SKIP_REASONS.noTemplate })
  expect(sendRequestsFor('o-no-templates')).toHaveLength(0)
})

test('a push not yet due is left alone', async () => {
  const citizen = await wechatCitizen(1)
  await notify(citizen.citizenId, 1, FIXED_NOW + 60_000)
  expect(await dispatchOutbox(deps(), FIXED_NOW)).toMatchObject({ taken: 0 })
  expect(sendRequestsFor(citizen.openid)).toHaveLength(0)
})

test('a busy WeChat (errcode -1) gets the push again 30 s later, and it is sent once', async () => {
  const citizen = await wechatCitizen(1)
  const messageId = await notify(citizen.citizenId, 1)
  fake.failNext(SEND, { errcode: -1 })
  const t0 = FIXED_NOW + 1000
  expect(await dispatchOutbox(deps(), t0)).toMatchObject({ retrying: 1, sent: 0 })
  expect(await outboxOf(messageId)).toMatchObject({
    status: 'pending',
    attempts: 1,
    nextAttemptAt: t0 + 30_000,
    lastError: 'errcode -1',
  })
  // WeChat consumed nothing, so the credit is there for the retry.
  expect(await creditsLeft(citizen.token)).toBe(1)
  expect(await dispatchOutbox(deps(), t0 + 29_000)).toMatchObject({ taken: 0 })
  expect(await dispatchOutbox(deps(), t0 + 30_000)).toMatchObject({ sent: 1 })
  expect(await outboxOf(messageId)).toMatchObject({ status: 'sent', attempts: 2, lastError: null })
  expect(sentTo(citizen.openid)).toHaveLength(1)
  expect(await creditsLeft(citizen.token)).toBe(0)
  expect(await dispatchOutbox(deps(), t0 + 3_600_000)).toMatchObject({ taken: 0 })
  expect(sentTo(citizen.openid)).toHaveLength(1)
})

test('a push refused as transient five times fails with its credit given back', async () => {
  const citizen = await wechatCitizen(1)
  const messageId = await notify(citizen.citizenId, 1)
  for (let i = 0; i < OUTBOX_MAX_ATTEMPTS; i++) fake.failNext(SEND, { errcode: 45011 })
  let at = FIXED_NOW
  const waits: number[] = []
  for (let attempt = 1; attempt <= OUTBOX_MAX_ATTEMPTS; attempt++) {
    await dispatchOutbox(deps(), at)
    const row = await outboxOf(messageId)
    if (row.status === 'pending') waits.push(row.nextAttemptAt - at)
    at = row.nextAttemptAt
  }
  expect(waits).toEqual([30_000, 60_000, 120_000, 240_000])
  expect(await outboxOf(messageId)).toMatchObject({
    status: 'failed',
    attempts: 5,
    lastError: 'errcode 45011 after 5 attempts',
  })
  expect(sentTo(citizen.openid)).toHaveLength(0)
  expect(await creditsLeft(citizen.token)).toBe(1)
})

test('43101 fails the push, sets the credit count to zero and keeps the in-app copy', async () => {
  // The mini-program reported two taps, but WeChat holds no subscription for this citizen.
  const citizen = await wechatCitizen(2, { grantedOnWeChat: 0 })
  const messageId = await notify(citizen.citizenId, 1)
  expect(await dispatchOutbox(deps(), FIXED_NOW + 1000)).toMatchObject({ failed: 1 })
  expect(await outboxOf(messageId)).toMatchObject({
    status: 'failed',
    lastError: 'errcode 43101: no subscription on WeChat',
  })
  expect(await creditsLeft(citizen.token)).toBe(0)
  // The next notice does not ask WeChat in vain.
  await notify(citizen.citizenId, 2)
  expect(await dispatchOutbox(deps(), FIXED_NOW + 2000)).toMatchObject({ skipped: 1 })
  expect(sendRequestsFor(citizen.openid)).toHaveLength(1)
  const inbox = MessageListSchema.parse(
    await (await json(context, '/api/v1/messages', { token: citizen.token })).json(),
  )
  expect(inbox.items.map((message) => message.id)).toContain(messageId)
})

test('a permanent refusal other than 43101 fails the push and gives its credit back', async () => {
  const citizen = await wechatCitizen(1)
  const messageId = await notify(citizen.citizenId, 1)
  fake.failNext(SEND, { errcode: 47003 })
  expect(await dispatchOutbox(deps(), FIXED_NOW + 1000)).toMatchObject({ failed: 1 })
  expect(await outboxOf(messageId)).toMatchObject({ status: 'failed', lastError: 'errcode 47003' })
  expect(await creditsLeft(citizen.token)).toBe(1)
})

test('a send that gets no answer is not tried again, because WeChat may have delivered it', async () => {
  const citizen = await wechatCitizen(1)
  const messageId = await notify(citizen.citizenId, 1)
  fake.failNext(SEND, { neverAnswer: true })
  const dispatched = dispatchOutbox(deps(), FIXED_NOW + 1000)
  await fake.waitForRequest(() => sendRequestsFor(citizen.openid).length > 0)
  timeouts.expire()
  expect(await dispatched).toMatchObject({ failed: 1 })
  expect((await outboxOf(messageId)).status).toBe('failed')
  // The credit counts as spent: WeChat may have used it.
  expect(await creditsLeft(citizen.token)).toBe(0)
  expect(await dispatchOutbox(deps(), FIXED_NOW + 3_600_000)).toMatchObject({ taken: 0 })
  expect(sendRequestsFor(citizen.openid)).toHaveLength(1)
})

/** A fault between two steps of the dispatcher, as if the process died there. */
function dieAt(point: 'outbox.claim' | 'outbox.push') {
  return deps({
    afterCommit: (operation) => {
      if (operation === point) throw new Error(`simulated crash at ${point}`)
    },
  })
}

test('a push claimed by a dispatcher that died before sending is closed as interrupted and never sent', async () => {
  const citizen = await wechatCitizen(1)
  const messageId = await notify(citizen.citizenId, 1)
  await expect(dispatchOutbox(dieAt('outbox.claim'), FIXED_NOW)).rejects.toThrow(/simulated crash/)
  expect(await outboxOf(messageId)).toMatchObject({ status: 'sending', attempts: 1 })
  // Within the lease the claim is left to its (possibly live) owner.
  expect(await dispatchOutbox(deps(), FIXED_NOW + OUTBOX_DEFAULT_LEASE_MS - 1)).toMatchObject({
    taken: 0,
    interrupted: 0,
  })
  expect(await dispatchOutbox(deps(), FIXED_NOW + OUTBOX_DEFAULT_LEASE_MS)).toMatchObject({ interrupted: 1, taken: 0 })
  expect(await outboxOf(messageId)).toMatchObject({ status: 'failed', lastError: OUTBOX_INTERRUPTED })
  await dispatchOutbox(deps(), FIXED_NOW + 10 * OUTBOX_DEFAULT_LEASE_MS)
  expect(sendRequestsFor(citizen.openid)).toHaveLength(0)
})

test('a push WeChat delivered to a dispatcher that died before recording it is never sent again', async () => {
  const citizen = await wechatCitizen(2)
  const messageId = await notify(citizen.citizenId, 1)
  await expect(dispatchOutbox(dieAt('outbox.push'), FIXED_NOW)).rejects.toThrow(/simulated crash/)
  expect(sentTo(citizen.openid)).toHaveLength(1)
  await dispatchOutbox(deps(), FIXED_NOW + OUTBOX_DEFAULT_LEASE_MS)
  await dispatchOutbox(deps(), FIXED_NOW + 10 * OUTBOX_DEFAULT_LEASE_MS)
  expect(await outboxOf(messageId)).toMatchObject({ status: 'failed', lastError: OUTBOX_INTERRUPTED })
  expect(sentTo(citizen.openid)).toHaveLength(1)
  // The interrupted push keeps its credit spent; the other one is still there for the next notice.
  expect(await creditsLeft(citizen.token)).toBe(1)
})

test('an outcome that arrives after its claim was declared interrupted is still recorded truthfully', async () => {
  const citizen = await wechatCitizen(1)
  const messageId = await notify(citizen.citizenId, 1)
  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  const slow: WeChatClient = {
    ...wechat,
    async sendSubscribeMessage(message): Promise<SubscribeSendResult> {
      await gate
      return wechat.sendSubscribeMessage(message)
    },
  }
  const stalled = dispatchOutbox(deps({ wechat: slow }), FIXED_NOW)
  await expect.poll(async () => (await outboxOf(messageId)).status).toBe('sending')
  await dispatchOutbox(deps(), FIXED_NOW + OUTBOX_DEFAULT_LEASE_MS)
  expect((await outboxOf(messageId)).lastError).toBe(OUTBOX_INTERRUPTED)
  release()
  expect(await stalled).toMatchObject({ sent: 1 })
  expect(await outboxOf(messageId)).toMatchObject({ status: 'sent', lastError: null })
  expect(sentTo(citizen.openid)).toHaveLength(1)
})

test('two dispatchers running at once send every push exactly once', async () => {
  const citizen = await wechatCitizen(4)
  for (let n = 1; n <= 4; n++) await notify(citizen.citizenId, n)
  const reports = await Promise.all([
    dispatchOutbox(deps(), FIXED_NOW + 1000, { batchSize: 2 }),
    dispatchOutbox(deps(), FIXED_NOW + 1000, { batchSize: 2 }),
    dispatchOutbox(deps(), FIXED_NOW + 1000, { batchSize: 2 }),
  ])
  expect(reports.reduce((sum, report) => sum + report.sent, 0)).toBe(4)
  const pages = sentTo(citizen.openid).map((message) => message.page)
  expect(pages).toHaveLength(4)
  expect(new Set(pages).size).toBe(4)
  expect((await outboxRows()).every((row) => row.status === 'sent')).toBe(true)
})

test('the worker delivers pending pushes on its own and stops cleanly', async () => {
  const citizen = await wechatCitizen(3)
  for (let n = 1; n <= 3; n++) await notify(citizen.citizenId, n)
  const worker = startOutboxWorker({ ...deps(), now: () => FIXED_NOW + 1000 }, { intervalMs: 20, batchSize: 2 })
  try {
    await expect.poll(() => sentTo(citizen.openid).length, { timeout: 5000 }).toBe(3)
  } finally {
    await worker.stop()
  }
  expect((await outboxRows()).map((row) => row.status)).toEqual(['sent', 'sent', 'sent'])
})
