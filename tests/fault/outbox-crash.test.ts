import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '@xinfang/api/db/client'
import {
  AuthResultSchema,
  CategoryListSchema,
  MessageListSchema,
  PetitionCreatedSchema,
  SubscriptionCreditsSchema,
} from '@xinfang/shared'
import { afterEach, expect, test } from 'vitest'
import { type FakeWeChat, startFakeWeChat } from '../../api/test/fake-wechat-server'
import { type RunningApi, startApi } from '../support/api-server'

/*
 * Done-when of the notification outbox: a server killed during delivery loses no message and sends none twice
 * to the same citizen. Real server processes on one database file, a real (fake) WeChat over HTTP.
 */

const APP_ID = 'wx-fault-appid'
const SECRET = 'wx-fault-secret'
const TPL_PETITION = 'TPL_FAULT_PETITION'
const SEND = '/cgi-bin/message/subscribe/send'

const PROFILE = {
  realName: '李秀英',
  idNumber: '11010519491231002X',
  phone: '13700002222',
  address: '江城市东湖区湖滨路 8 号 1 幢 102 室',
  privacyVersion: '2026-11-01',
}

let fake: FakeWeChat | undefined
let api: RunningApi | undefined
let dataDir: string | undefined

afterEach(async () => {
  await api?.kill()
  api = undefined
  await fake?.close()
  fake = undefined
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  dataDir = undefined
})

function serverEnv(wechat: FakeWeChat, extra: Record<string, string> = {}): Record<string, string> {
  return {
    WECHAT_APPID: APP_ID,
    WECHAT_SECRET: SECRET,
    WECHAT_API_BASE_URL: wechat.baseUrl,
    WECHAT_TEMPLATE_IDS: `petition_progress=${TPL_PETITION}`,
    XINFANG_OUTBOX_INTERVAL_MS: '100',
    XINFANG_OUTBOX_LEASE_MS: '1000',
    ...extra,
  }
}

async function call(
  server: RunningApi,
  path: string,
  init: { method?: string; body?: unknown; token?: string; key?: string } = {},
) {
  return fetch(`${server.baseUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.key ? { 'idempotency-key': init.key } : {}),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  })
}

async function signIn(server: RunningApi, wechat: FakeWeChat, openid: string) {
  const response = await call(server, '/api/v1/auth/wechat', { body: { code: wechat.issueLoginCode(openid) } })
  expect(response.status).toBe(200)
  return AuthResultSchema.parse(await response.json()).accessToken
}

/** A citizen with a profile who tapped "allow" `taps` times, as far as both the API and WeChat know. */
async function subscribedCitizen(server: RunningApi, wechat: FakeWeChat, openid: string, taps: number) {
  const token = await signIn(server, wechat, openid)
  expect((await call(server, '/api/v1/me/profile', { method: 'PUT', body: PROFILE, token })).status).toBe(200)
  for (let i = 0; i < taps; i++) {
    const tap = await call(server, '/api/v1/subscriptions', { body: { templateIds: [TPL_PETITION] }, token })
    expect(tap.status).toBe(200)
    SubscriptionCreditsSchema.parse(await tap.json())
  }
  wechat.grantSubscription(openid, TPL_PETITION, taps)
  return token
}

/** One more tap on "allow", as far as both the API and WeChat know. */
async function subscribeAgain(server: RunningApi, wechat: FakeWeChat, openid: string, token: string) {
  const tap = await call(server, '/api/v1/subscriptions', { body: { templateIds: [TPL_PETITION] }, token })
  expect(tap.status).toBe(200)
  wechat.grantSubscription(openid, TPL_PETITION, 1)
}

async function submitPetition(server: RunningApi, token: string, n: number) {
  const categories = CategoryListSchema.parse(await (await call(server, '/api/v1/categories')).json())
  const response = await call(server, '/api/v1/petitions', {
    token,
    key: `outbox-crash-${n}`,
    body: {
      kind: 'suggestion',
      categoryId: categories.items[n % categories.items.length]?.id,
      title: `第${n}号建议：公交线路调整`,
      content: `第${n}号建议：建议在湖滨路增设公交站点，方便周边居民出行，附近老人较多，步行到现有站点需要二十分钟。`,
    },
  })
  expect(response.status).toBe(201)
  return PetitionCreatedSchema.parse(await response.json()).id
}

async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const messageIdOf = (page: string | undefined) => new URLSearchParams(page?.split('?')[1] ?? '').get('messageId')

/** Pushes WeChat delivered, per message id. */
function deliveriesPerMessage(wechat: FakeWeChat, openid: string): Map<string, number> {
  const counts = new Map<string, number>()
  for (const message of wechat.sentMessages) {
    if (message.touser !== openid) continue
    const id = messageIdOf(message.page) ?? 'unknown'
    counts.set(id, (counts.get(id) ?? 0) + 1)
  }
  return counts
}

/** Send requests that reached WeChat at all (delivered or not), per message id. */
function sendRequestsPerMessage(wechat: FakeWeChat): Map<string, number> {
  const counts = new Map<string, number>()
  for (const request of wechat.requests) {
    if (request.path !== SEND || typeof request.body !== 'object' || request.body === null) continue
    const page = 'page' in request.body && typeof request.body.page === 'string' ? request.body.page : undefined
    const id = messageIdOf(page) ?? 'unknown'
    counts.set(id, (counts.get(id) ?? 0) + 1)
  }
  return counts
}

async function inbox(server: RunningApi, token: string) {
  return MessageListSchema.parse(await (await call(server, '/api/v1/messages', { token })).json())
}

async function outboxStatuses(dir: string): Promise<Map<string, { status: string; lastError: string | null }>> {
  const database = openDatabase({ url: `file:${join(dir, 'xinfang.db')}` })
  try {
    const result = await database.client.execute('SELECT message_id, status, last_error FROM notification_outbox')
    return new Map(
      result.rows.map((row) => [
        String(row.message_id),
        { status: String(row.status), lastError: row.last_error === null ? null : String(row.last_error) },
      ]),
    )
  } finally {
    database.close()
  }
}

test('a server killed after WeChat accepted a push, before recording it, sends none of its claimed pushes again', async () => {
  fake = await startFakeWeChat({ appId: APP_ID, secret: SECRET })
  dataDir = mkdtempSync(join(tmpdir(), 'xinfang-outbox-crash-'))
  const openid = 'o-fault-after-push'

  // First life, no worker: three petitions, three in-app messages, three pushes waiting in the outbox.
  api = await startApi({ dataDir, env: serverEnv(fake, { XINFANG_OUTBOX_INTERVAL_MS: '0' }) })
  const token = await subscribedCitizen(api, fake, openid, 4)
  const petitionIds = [await submitPetition(api, token, 1), await submitPetition(api, token, 2)]
  petitionIds.push(await submitPetition(api, token, 3))
  await api.stop()

  // Second life: the worker claims the three pushes and the process dies as soon as WeChat accepts one.
  api = await startApi({ dataDir, env: serverEnv(fake, { XINFANG_CRASH_AFTER_COMMIT: 'outbox.push' }) })
  await api.exited
  expect(fake.sentMessages.filter((message) => message.touser === openid).length).toBeGreaterThanOrEqual(1)

  // Third life: once their lease has run out the claims are found dead and closed.
  api = await startApi({ dataDir, env: serverEnv(fake) })
  const relogin = await signIn(api, fake, openid)
  const claimed = (await inbox(api, relogin)).items.map((message) => message.id)
  expect(claimed).toHaveLength(3)
  await waitFor('the claims made before the crash to be closed', async () => {
    const statuses = await outboxStatuses(dataDir!)
    return claimed.every((id) => statuses.get(id)?.status === 'failed')
  })
  // A new petition's push goes out as usual, in a worker run after the one that closed them: a run that would
  // have sent them again, had closing them not been for good.
  const fourth = await submitPetition(api, relogin, 4)
  const messages = (await inbox(api, relogin)).items
  const fourthMessage = messages.find((message) => message.subjectId === fourth)
  await waitFor('the push of the new petition', () => deliveriesPerMessage(fake!, openid).has(fourthMessage?.id ?? ''))
  // A clean stop waits for the batch in flight: whatever that run sent has reached WeChat by now.
  await api.stop()

  // No message lost or doubled: one in-app message per petition.
  expect(messages).toHaveLength(4)
  expect(new Set(messages.map((message) => message.id)).size).toBe(4)
  expect(messages.map((message) => message.subjectId).sort()).toEqual([...petitionIds, fourth].sort())
  // No push twice: every message reached WeChat at most once.
  const requests = sendRequestsPerMessage(fake)
  for (const message of messages) expect(requests.get(message.id) ?? 0).toBeLessThanOrEqual(1)
  expect([...deliveriesPerMessage(fake, openid).values()].every((count) => count === 1)).toBe(true)

  const statuses = await outboxStatuses(dataDir)
  for (const message of messages) {
    const row = statuses.get(message.id)
    if (message.id === fourthMessage?.id) expect(row).toEqual({ status: 'sent', lastError: null })
    else expect(row).toEqual({ status: 'failed', lastError: 'interrupted' })
  }
})

test('a server killed while a push is in flight loses no message and never sends that push again', async () => {
  fake = await startFakeWeChat({ appId: APP_ID, secret: SECRET })
  dataDir = mkdtempSync(join(tmpdir(), 'xinfang-outbox-inflight-'))
  const openid = 'o-fault-in-flight'
  // WeChat holds its answer: the push is on the wire when the process dies.
  const answer = fake.holdNext(SEND)

  api = await startApi({ dataDir, env: serverEnv(fake) })
  const token = await subscribedCitizen(api, fake, openid, 1)
  const petitionId = await submitPetition(api, token, 1)
  await answer.received
  await api.kill()
  answer.release()

  api = await startApi({ dataDir, env: serverEnv(fake) })
  const relogin = await signIn(api, fake, openid)
  const [message, ...others] = (await inbox(api, relogin)).items
  expect(others).toEqual([])
  expect(message?.subjectId).toBe(petitionId)
  await waitFor('the dead claim to be closed', async () => {
    const statuses = await outboxStatuses(dataDir!)
    return statuses.get(message?.id ?? '')?.status === 'failed'
  })
  // A later petition's push goes out in a worker run after the one that closed the claim: a run that would have
  // sent it again, had closing it not been for good.
  await subscribeAgain(api, fake, openid, relogin)
  const later = await submitPetition(api, relogin, 2)
  const laterMessage = (await inbox(api, relogin)).items.find((item) => item.subjectId === later)
  await waitFor('the push of the later petition', () => deliveriesPerMessage(fake!, openid).has(laterMessage?.id ?? ''))
  await api.stop()

  expect(sendRequestsPerMessage(fake).get(message?.id ?? '')).toBe(1)
  expect(deliveriesPerMessage(fake, openid).get(message?.id ?? '') ?? 0).toBeLessThanOrEqual(1)
  expect((await outboxStatuses(dataDir)).get(message?.id ?? '')).toEqual({ status: 'failed', lastError: 'interrupted' })
})
