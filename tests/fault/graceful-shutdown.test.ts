import { rmSync } from 'node:fs'
import { request } from 'node:http'
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

/**
 * A `POST /api/v1/petitions` sent up to its headers, with `Expect: 100-continue`: resolves once the server has
 * answered 100 (it is handling the request); `finish` sends the body and resolves with the answer.
 */
function startSubmission(baseUrl: string, init: { headers: Record<string, string>; body: unknown }) {
  const body = JSON.stringify(init.body)
  return new Promise<{ finish(): Promise<{ status: number; body: string }> }>((resolve, reject) => {
    const outgoing = request(`${baseUrl}/api/v1/petitions`, {
      method: 'POST',
      headers: {
        ...init.headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        expect: '100-continue',
      },
    })
    const answered = new Promise<{ status: number; body: string }>((resolveAnswer, rejectAnswer) => {
      outgoing.on('response', (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () =>
          resolveAnswer({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        )
        response.on('error', rejectAnswer)
      })
      outgoing.on('error', rejectAnswer)
    })
    outgoing.on('error', reject)
    outgoing.on('continue', () =>
      resolve({
        finish() {
          outgoing.end(body)
          return answered
        },
      }),
    )
    outgoing.flushHeaders()
  })
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
  // Five submissions the server has begun (it answered their `Expect: 100-continue`) whose bodies are still to come:
  // in flight for certain when SIGTERM arrives.
  const submissions = await Promise.all(
    Array.from({ length: 5 }, (_, i) =>
      startSubmission(baseUrl, {
        headers: { ...auth, 'idempotency-key': `graceful-${i}` },
        body: {
          kind: 'suggestion',
          categoryId: categories.items[i % categories.items.length]?.id,
          title: `关于社区服务的建议第${i + 1}条`,
          content: `建议在社区服务中心增加第${i + 1}项便民服务，方便老年人就近办理业务，减少往返奔波。`,
        },
      }),
    ),
  )
  const exited = api.terminate()
  await api.waitForLine((line) => line.includes('"msg":"stopping"'))
  const results = await Promise.all(submissions.map((submission) => submission.finish()))
  expect(await exited).toBe(0)
  expect(results.map((result) => result.status)).toEqual([201, 201, 201, 201, 201])
  const acknowledged = results.map((result) => PetitionCreatedSchema.parse(JSON.parse(result.body)).id)

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
