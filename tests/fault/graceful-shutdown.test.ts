import { rmSync } from 'node:fs'
import { AuthResultSchema, CategoryListSchema, PetitionCreatedSchema, PetitionListSchema } from '@xinfang/shared'
import { expect, test } from 'vitest'
import { startApi } from '../support/api-server'

const PROFILE = {
  realName: '刘芳',
  idNumber: '11010519491231002X',
  phone: '13600002222',
  address: '江城市东湖区新桥街道幸福里 9 号',
  privacyVersion: '2026-11-01',
}

test('on SIGTERM the server finishes the requests in flight, exits cleanly, and every acknowledged petition is kept', async () => {
  const api = await startApi()
  const { baseUrl, dataDir } = api
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    })
  const login = AuthResultSchema.parse(await (await post('/api/v1/auth/demo', { name: 'graceful' })).json())
  const auth = { authorization: `Bearer ${login.accessToken}` }
  await fetch(`${baseUrl}/api/v1/me/profile`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify(PROFILE),
  })
  const categories = CategoryListSchema.parse(await (await fetch(`${baseUrl}/api/v1/categories`)).json())
  const submissions = Array.from({ length: 5 }, (_, i) =>
    post(
      '/api/v1/petitions',
      {
        kind: 'suggestion',
        categoryId: categories.items[i % categories.items.length]?.id,
        title: `关于社区服务的建议第${i + 1}条`,
        content: `建议在社区服务中心增加第${i + 1}项便民服务，方便老年人就近办理业务，减少往返奔波。`,
      },
      { ...auth, 'idempotency-key': `graceful-${i}` },
    ).then(
      async (response) => ({
        status: response.status,
        body: response.status === 201 ? PetitionCreatedSchema.parse(await response.json()) : null,
      }),
      () => ({ status: 0, body: null }),
    ),
  )
  // Stop while the submissions are on their way.
  await new Promise((resolve) => setTimeout(resolve, 5))
  const exitCode = await api.terminate()
  const results = await Promise.all(submissions)
  expect(exitCode).toBe(0)
  const acknowledged = results.filter((r) => r.status === 201).map((r) => r.body?.id)
  expect(results.every((r) => r.status === 201 || r.status === 0 || r.status === 503)).toBe(true)

  const restarted = await startApi({ dataDir })
  try {
    const relogin = AuthResultSchema.parse(
      await (
        await fetch(`${restarted.baseUrl}/api/v1/auth/demo`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'graceful' }),
        })
      ).json(),
    )
    const mine = PetitionListSchema.parse(
      await (
        await fetch(`${restarted.baseUrl}/api/v1/petitions?limit=50`, {
          headers: { authorization: `Bearer ${relogin.accessToken}` },
        })
      ).json(),
    )
    for (const id of acknowledged) expect(mine.items.map((p) => p.id)).toContain(id)
  } finally {
    await restarted.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
})
