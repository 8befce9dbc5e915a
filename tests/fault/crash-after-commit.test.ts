import { rmSync } from 'node:fs'
import { AuthResultSchema, CategoryListSchema, PetitionCreatedSchema, PetitionListSchema } from '@xinfang/shared'
import { afterAll, expect, test } from 'vitest'
import { type RunningApi, startApi } from '../support/api-server'

let api: RunningApi | undefined
afterAll(async () => {
  await api?.stop()
})

const PROFILE = {
  realName: '王建华',
  idNumber: '11010519491231002X',
  phone: '13700001111',
  address: '江城市东湖区湖滨路 6 号 3 幢 201 室',
  privacyVersion: '2026-11-01',
}

async function call(
  baseUrl: string,
  path: string,
  init: { method?: string; body?: unknown; token?: string; key?: string } = {},
) {
  return fetch(`${baseUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.key ? { 'idempotency-key': init.key } : {}),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  })
}

test('a server killed between commit and response replays the original petition when the client retries', async () => {
  // First life: the server dies right after the petition commits, before it answers.
  api = await startApi({ env: { XINFANG_CRASH_AFTER_COMMIT: 'POST /petitions' } })
  const { dataDir } = api
  const login = AuthResultSchema.parse(
    await (await call(api.baseUrl, '/api/v1/auth/demo', { body: { name: 'crash' } })).json(),
  )
  expect(
    (await call(api.baseUrl, '/api/v1/me/profile', { method: 'PUT', body: PROFILE, token: login.accessToken })).status,
  ).toBe(200)
  const categories = CategoryListSchema.parse(await (await call(api.baseUrl, '/api/v1/categories')).json())
  const body = {
    kind: 'complaint',
    categoryId: categories.items[0]?.id,
    title: '小区污水外溢无人处理',
    content: '小区东门附近污水井外溢已经两周，气味很大，多次向物业反映未果，请求有关部门处理。',
  }
  const key = 'crash-key-0001'
  await expect(call(api.baseUrl, '/api/v1/petitions', { body, token: login.accessToken, key })).rejects.toThrow()
  await api.kill()

  // Second life on the same database file, without the fault: the client's retry replays the original.
  api = await startApi({ dataDir })
  const relogin = AuthResultSchema.parse(
    await (await call(api.baseUrl, '/api/v1/auth/demo', { body: { name: 'crash' } })).json(),
  )
  const retry = await call(api.baseUrl, '/api/v1/petitions', { body, token: relogin.accessToken, key })
  expect(retry.status).toBe(201)
  expect(retry.headers.get('idempotent-replayed')).toBe('true')
  const created = PetitionCreatedSchema.parse(await retry.json())
  const mine = PetitionListSchema.parse(
    await (await call(api.baseUrl, '/api/v1/petitions', { token: relogin.accessToken })).json(),
  )
  expect(mine.items.map((p) => p.id)).toEqual([created.id])
  await api.stop()
  api = undefined
  rmSync(dataDir, { recursive: true, force: true })
})
