import { connect, type Socket } from 'node:net'
import { AuthResultSchema, PROBLEM_CONTENT_TYPE, ProblemSchema } from '@xinfang/shared'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { type RunningApi, startApi } from '../support/api-server'

/*
 * Clients that send slowly, or not at all, against a real server whose timeouts are set small. Each test waits
 * for the server to act (an answer, the connection closed); none measures time: the configured timeouts are the
 * only clock, and Node's defaults (five minutes) would leave every test here waiting until it is failed.
 */

let api: RunningApi

beforeAll(async () => {
  api = await startApi({
    env: { HTTP_HEADERS_TIMEOUT_MS: '300', HTTP_REQUEST_TIMEOUT_MS: '600', HTTP_KEEP_ALIVE_TIMEOUT_MS: '2000' },
  })
})

afterAll(async () => {
  await api?.stop()
})

/** A raw connection that keeps everything the server sends and settles when the server closes it. */
async function openConnection(): Promise<{ socket: Socket; closed: Promise<string> }> {
  const socket = connect(api.port, '127.0.0.1')
  const chunks: Buffer[] = []
  socket.on('data', (chunk) => chunks.push(chunk))
  const closed = new Promise<string>((resolve, reject) => {
    socket.once('error', reject)
    socket.once('close', () => resolve(Buffer.concat(chunks).toString('utf8')))
  })
  await new Promise<void>((resolve) => socket.once('connect', resolve))
  return { socket, closed }
}

function expectRequestTimeout(answer: string) {
  const [head = '', body = ''] = answer.split('\r\n\r\n')
  expect(head.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout')
  expect(head.toLowerCase()).toContain(`content-type: ${PROBLEM_CONTENT_TYPE}`)
  expect(head.toLowerCase()).toContain('x-content-type-options: nosniff')
  expect(ProblemSchema.parse(JSON.parse(body)).code).toBe('REQUEST_TIMEOUT')
}

test('a client that sends half of its body and stops is answered 408 REQUEST_TIMEOUT and disconnected', async () => {
  const { socket, closed } = await openConnection()
  socket.write(
    'POST /api/v1/auth/demo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":',
  )
  expectRequestTimeout(await closed)
})

test('a client that never finishes its headers is answered 408 REQUEST_TIMEOUT and disconnected', async () => {
  const { socket, closed } = await openConnection()
  socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ')
  expectRequestTimeout(await closed)
})

test('an idle keep-alive connection is announced with the configured timeout and closed by the server', async () => {
  const { socket, closed } = await openConnection()
  socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n')
  const answer = await closed
  expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 200 OK')
  // Node announces the timeout in whole seconds: 2, not its default 5.
  expect(answer.toLowerCase()).toContain('keep-alive: timeout=2\r\n')
})

test('after the slow clients are cut off, the server answers as before and has logged no error', async () => {
  const response = await fetch(`${api.baseUrl}/api/v1/auth/demo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'after-slow-clients' }),
  })
  expect(response.status).toBe(200)
  AuthResultSchema.parse(await response.json())
  expect(api.output.filter((line) => line.includes('"level":"error"'))).toEqual([])
})
