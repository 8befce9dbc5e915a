import { createServer } from 'node:http'
import { ERROR_CODES, ReceptionSessionListSchema } from '@xinfang/shared'
import { expect, test, vi } from 'vitest'
import { z } from 'zod'
import { receptionSessionAt } from '../../test/fixtures'
import { sendJson, sendProblem, startTestServer } from '../../test/test-server'
import {
  type AccessTokenSource,
  ApiError,
  createHttpClient,
  type HttpClientOptions,
  NETWORK_ERROR_TITLE,
  RequestAbortedError,
  type UploadFunction,
} from './http'

const PingSchema = z.object({ ok: z.literal(true) })

/** A client against a real server, which records its backoff waits instead of sleeping through them. */
function clientFor(baseUrl: string, options: Partial<HttpClientOptions> = {}) {
  const waits: number[] = []
  const client = createHttpClient({
    baseUrl,
    retryDelaysMs: [100, 300],
    sleep: async (ms) => {
      waits.push(ms)
    },
    ...options,
  })
  return { client, waits }
}

/** The address of a port that was free a moment ago and has nobody listening now: connections are refused. */
async function closedPortUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  return `http://127.0.0.1:${address.port}`
}

async function apiErrorFrom(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`)
  return error
}

test('a successful response is parsed with the schema the caller gave', async () => {
  const session = receptionSessionAt(Date.now())
  const server = await startTestServer((_, response) => {
    sendJson(response, 200, { items: [{ ...session, internalNote: 'not for citizens' }], nextCursor: null })
  })
  const { client } = clientFor(server.baseUrl)

  const list = await client.get('/api/v1/receptions', ReceptionSessionListSchema, {
    query: { limit: 20, unitId: undefined },
  })

  expect(list.items).toEqual([session])
  expect(server.requests[0]?.url).toBe('/api/v1/receptions?limit=20')
})

test('an error status with a problem body becomes an ApiError carrying that problem', async () => {
  const server = await startTestServer((_, response) => sendProblem(response, 'SLOT_FULL', '该时段已无空位'))
  const { client } = clientFor(server.baseUrl)

  const error = await apiErrorFrom(client.get('/api/v1/receptions/rs_1', PingSchema))

  expect(error.kind).toBe('http')
  expect(error.code).toBe('SLOT_FULL')
  expect(error.status).toBe(409)
  expect(error.problem.title).toBe(ERROR_CODES.SLOT_FULL.title)
  expect(error.problem.detail).toBe('该时段已无空位')
})

test('a gateway error page that is not a problem becomes a generic Chinese problem', async () => {
  const server = await startTestServer((_, response) => {
    response.writeHead(502, { 'Content-Type': 'text/html' })
    response.end('<html><body>Bad Gateway</body></html>')
  })
  const { client } = clientFor(server.baseUrl, { retryDelaysMs: [] })

  const error = await apiErrorFrom(client.get('/api/v1/receptions', PingSchema))

  expect(error.code).toBe('SERVICE_UNAVAILABLE')
  expect(error.status).toBe(502)
  expect(error.problem.title).toBe(ERROR_CODES.SERVICE_UNAVAILABLE.title)
})

test('a 404 without a problem body becomes INTERNAL_ERROR with its real status', async () => {
  const server = await startTestServer((_, response) => {
    response.writeHead(404, { 'Content-Type': 'text/plain' })
    response.end('Not Found')
  })
  const { client } = clientFor(server.baseUrl)

  const error = await apiErrorFrom(client.get('/api/v1/nowhere', PingSchema))

  expect(error.code).toBe('INTERNAL_ERROR')
  expect(error.status).toBe(404)
  expect(error.problem.title).toBe(ERROR_CODES.INTERNAL_ERROR.title)
  expect(server.requests).toHaveLength(1)
})

test('a success whose body breaks the contract is a contract error and is not retried', async () => {
  const server = await startTestServer((_, response) => sendJson(response, 200, { ok: 'yes' }))
  const { client } = clientFor(server.baseUrl)

  const error = await apiErrorFrom(client.get('/ping', PingSchema))

  expect(error.kind).toBe('contract')
  expect(error.code).toBe('INTERNAL_ERROR')
  expect(error.problem.detail).toContain('ok')
  expect(server.requests).toHaveLength(1)
})

test('a request that gets no answer in time becomes a network error a person can act on', async () => {
  // The server takes the request and never answers.
  const server = await startTestServer(() => {})
  const { client } = clientFor(server.baseUrl, { timeoutMs: 200, retryDelaysMs: [] })

  const error = await apiErrorFrom(client.get('/ping', PingSchema))

  expect(error.kind).toBe('network')
  expect(error.problem.title).toBe(NETWORK_ERROR_TITLE)
  expect(error.problem.title).toBe('网络不稳定，请检查网络后重试')
})

test('a request aborted while it waits for an answer rejects as aborted at once and is not sent again', async () => {
  // The server takes the request and never answers: only the abort can end it.
  const server = await startTestServer(() => {})
  const { client, waits } = clientFor(server.baseUrl)
  const owner = new AbortController()

  const answer = client.get('/ping', PingSchema, { signal: owner.signal })
  await vi.waitFor(() => expect(server.requests).toHaveLength(1))
  owner.abort()

  await expect(answer).rejects.toBeInstanceOf(RequestAbortedError)
  expect(waits).toEqual([])
  expect(server.requests).toHaveLength(1)
})

test('a request aborted during the wait before its retry sends nothing more', async () => {
  const server = await startTestServer((_, response) => sendProblem(response, 'SERVICE_UNAVAILABLE'))
  const owner = new AbortController()
  let endWait: () => void = () => {}
  const client = createHttpClient({
    baseUrl: server.baseUrl,
    retryDelaysMs: [100, 300],
    // The owner goes away while the client waits to retry; the wait itself never ends by itself.
    sleep: () => {
      owner.abort()
      return new Promise<void>((resolve) => {
        endWait = resolve
      })
    },
  })

  await expect(client.get('/ping', PingSchema, { signal: owner.signal })).rejects.toBeInstanceOf(RequestAbortedError)
  endWait()
  expect(server.requests).toHaveLength(1)
})

test('a request whose owner is already gone is never sent', async () => {
  const server = await startTestServer((_, response) => sendJson(response, 200, { ok: true }))
  const { client } = clientFor(server.baseUrl)
  const owner = new AbortController()
  owner.abort()

  await expect(client.get('/ping', PingSchema, { signal: owner.signal })).rejects.toBeInstanceOf(RequestAbortedError)
  expect(server.requests).toEqual([])
})

test('a GET is retried with backoff after a 5xx and succeeds on the next attempt', async () => {
  const server = await startTestServer((_, response, attempt) => {
    if (attempt === 1) sendProblem(response, 'SERVICE_UNAVAILABLE')
    else sendJson(response, 200, { ok: true })
  })
  const { client, waits } = clientFor(server.baseUrl)

  await expect(client.get('/ping', PingSchema)).resolves.toEqual({ ok: true })

  expect(server.requests).toHaveLength(2)
  expect(waits).toEqual([100])
})

test('a GET gives up after its retries and reports the last problem', async () => {
  const server = await startTestServer((_, response) => sendProblem(response, 'SERVICE_UNAVAILABLE'))
  const { client, waits } = clientFor(server.baseUrl)

  const error = await apiErrorFrom(client.get('/ping', PingSchema))

  expect(error.code).toBe('SERVICE_UNAVAILABLE')
  expect(server.requests).toHaveLength(3)
  expect(waits).toEqual([100, 300])
})

test('a timed-out GET is retried and succeeds when the server answers again', async () => {
  const server = await startTestServer((_, response, attempt) => {
    if (attempt > 1) sendJson(response, 200, { ok: true })
  })
  const { client } = clientFor(server.baseUrl, { timeoutMs: 200 })

  await expect(client.get('/ping', PingSchema)).resolves.toEqual({ ok: true })
  expect(server.requests).toHaveLength(2)
})

test('a refused connection is retried and then reported as a network error', async () => {
  const { client, waits } = clientFor(await closedPortUrl())

  const error = await apiErrorFrom(client.get('/ping', PingSchema))

  expect(error.kind).toBe('network')
  expect(error.problem.title).toBe(NETWORK_ERROR_TITLE)
  expect(waits).toEqual([100, 300])
})

test('a 4xx problem is final and not retried', async () => {
  const server = await startTestServer((_, response) => sendProblem(response, 'BOOKING_CLOSED'))
  const { client } = clientFor(server.baseUrl)

  const error = await apiErrorFrom(client.get('/ping', PingSchema))

  expect(error.code).toBe('BOOKING_CLOSED')
  expect(server.requests).toHaveLength(1)
})

test('a POST without an Idempotency-Key is never retried, so nothing is created twice', async () => {
  const server = await startTestServer((_, response) => sendProblem(response, 'SERVICE_UNAVAILABLE'))
  const { client } = clientFor(server.baseUrl)

  await apiErrorFrom(client.request({ method: 'POST', path: '/api/v1/things', body: { a: 1 }, schema: PingSchema }))

  expect(server.requests).toHaveLength(1)
})

test('a POST carries the Idempotency-Key it was given, the same one on every retry', async () => {
  const server = await startTestServer((_, response, attempt) => {
    if (attempt === 1) sendProblem(response, 'SERVICE_UNAVAILABLE')
    else sendJson(response, 201, { ok: true })
  })
  const { client } = clientFor(server.baseUrl)

  const created = await client.request({
    method: 'POST',
    path: '/api/v1/receptions/rs_1/bookings',
    body: { slotId: 'slot_1', matter: '工资拖欠', attendees: 1 },
    idempotencyKey: 'booking-7f3a',
    schema: PingSchema,
  })

  expect(created).toEqual({ ok: true })
  expect(server.requests.map((request) => request.headers['idempotency-key'])).toEqual(['booking-7f3a', 'booking-7f3a'])
  expect(server.requests[0]?.headers['content-type']).toContain('application/json')
  expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({ slotId: 'slot_1', matter: '工资拖欠', attendees: 1 })
})

// ——— uploads ———

const AttachmentLikeSchema = z.object({ id: z.string(), mime: z.string(), size: z.number() })

/**
 * Taro.uploadFile as the platforms do it: the file at `filePath` (here, bytes the test holds) sent as one
 * multipart/form-data part, the answer handed back as text with its status, whatever the status.
 */
function uploadFrom(files: Record<string, string>): UploadFunction {
  return (option) => {
    const boundary = 'xinfang-test-boundary'
    const body = [
      `--${boundary}`,
      `Content-Disposition: form-data; name="${option.name}"; filename="${option.fileName ?? 'file'}"`,
      'Content-Type: application/octet-stream',
      '',
      files[option.filePath] ?? '',
      `--${boundary}--`,
      '',
    ].join('\r\n')
    return fetch(option.url, {
      method: 'POST',
      headers: { ...option.header, 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      body,
    }).then(async (response) => ({ statusCode: response.status, data: await response.text() }))
  }
}

/** A session whose first token the server no longer accepts; renewing hands out the next one. */
function tokenSource(): AccessTokenSource & { renewals: string[] } {
  const renewals: string[] = []
  return {
    renewals,
    current: async () => 'expired-token',
    renew: async (rejected) => {
      renewals.push(rejected)
      return 'fresh-token'
    },
  }
}

test('an upload goes as one multipart part with the bearer token, and its text answer is parsed with the schema', async () => {
  const server = await startTestServer((_, response) =>
    sendJson(response, 201, { id: 'att_1', mime: 'image/png', size: 4 }),
  )
  const client = createHttpClient({
    baseUrl: server.baseUrl,
    auth: { current: async () => 'token-1', renew: async () => 'token-2' },
    uploadFile: uploadFrom({ 'blob:photo': 'PNG!' }),
  })

  const stored = await client.upload({
    path: '/api/v1/attachments',
    filePath: 'blob:photo',
    name: 'file',
    fileName: '收据.png',
    schema: AttachmentLikeSchema,
    authenticated: true,
  })

  expect(stored).toEqual({ id: 'att_1', mime: 'image/png', size: 4 })
  const [sent] = server.requests
  expect(sent?.method).toBe('POST')
  expect(sent?.url).toBe('/api/v1/attachments')
  expect(sent?.headers.authorization).toBe('Bearer token-1')
  expect(sent?.headers['content-type']).toContain('multipart/form-data')
  expect(sent?.body).toContain('name="file"; filename="收据.png"')
  expect(sent?.body).toContain('PNG!')
})

test('an upload refused for its content is the API’s problem, and it is not sent again', async () => {
  const server = await startTestServer((_, response) =>
    sendProblem(response, 'UNSUPPORTED_MEDIA_TYPE', '只支持 JPEG、PNG 图片和 PDF 文件'),
  )
  const client = createHttpClient({ baseUrl: server.baseUrl, uploadFile: uploadFrom({ 'blob:page': '<html>' }) })

  const error = await apiErrorFrom(
    client.upload({ path: '/api/v1/attachments', filePath: 'blob:page', name: 'file', schema: AttachmentLikeSchema }),
  )

  expect(error.code).toBe('UNSUPPORTED_MEDIA_TYPE')
  expect(error.problem.detail).toBe('只支持 JPEG、PNG 图片和 PDF 文件')
  expect(server.requests).toHaveLength(1)
})

test('an upload that fails on the network is reported, not repeated: every upload that arrives stores a file', async () => {
  const upload = uploadFrom({ 'blob:photo': 'PNG!' })
  let attempts = 0
  const client = createHttpClient({
    baseUrl: await closedPortUrl(),
    uploadFile: (option) => {
      attempts += 1
      return upload(option)
    },
    retryDelaysMs: [100, 300],
  })

  const error = await apiErrorFrom(
    client.upload({ path: '/api/v1/attachments', filePath: 'blob:photo', name: 'file', schema: AttachmentLikeSchema }),
  )

  expect(attempts).toBe(1)
  expect(error.kind).toBe('network')
  expect(error.problem.title).toBe(NETWORK_ERROR_TITLE)
})

test('an upload made with an expired token is sent once more with the renewed one', async () => {
  const server = await startTestServer((request, response) => {
    if (request.headers.authorization === 'Bearer fresh-token') {
      sendJson(response, 201, { id: 'att_2', mime: 'application/pdf', size: 4 })
    } else {
      sendProblem(response, 'UNAUTHENTICATED')
    }
  })
  const auth = tokenSource()
  const client = createHttpClient({ baseUrl: server.baseUrl, auth, uploadFile: uploadFrom({ 'blob:doc': '%PDF' }) })

  const stored = await client.upload({
    path: '/api/v1/attachments',
    filePath: 'blob:doc',
    name: 'file',
    schema: AttachmentLikeSchema,
    authenticated: true,
  })

  expect(stored.id).toBe('att_2')
  expect(auth.renewals).toEqual(['expired-token'])
  expect(server.requests.map((request) => request.headers.authorization)).toEqual([
    'Bearer expired-token',
    'Bearer fresh-token',
  ])
})
