import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import { ERROR_CODES, type ErrorCode, problemTypeOf } from '@xinfang/shared'
import { onTestFinished } from 'vitest'

export interface RecordedRequest {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
}

export type Handler = (request: RecordedRequest, response: ServerResponse, attempt: number) => void

/**
 * A real HTTP server on 127.0.0.1 and a free port, closed when the calling test ends. The handler sees every
 * request (and how many came before it) and writes whatever the test wants the API to answer.
 */
export async function startTestServer(handler: Handler): Promise<{ baseUrl: string; requests: RecordedRequest[] }> {
  const requests: RecordedRequest[] = []
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.on('end', () => {
      const request: RecordedRequest = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }
      requests.push(request)
      handler(request, response, requests.length)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the test server has no TCP address')
  return { baseUrl: `http://127.0.0.1:${address.port}`, requests }
}

let serversStarted = 0

/**
 * A tag of its own for each fake server started in this worker, for the ids and tokens it hands out: a request
 * that strays from one test into the next then names nothing the next test's server knows.
 */
export function nextServerTag(): string {
  serversStarted += 1
  return `s${serversStarted}`
}

export function sendJson(response: ServerResponse, status: number, body: unknown, contentType = 'application/json') {
  response.writeHead(status, { 'Content-Type': `${contentType}; charset=utf-8` })
  response.end(JSON.stringify(body))
}

/** A problem+json answer as the API writes it. */
export function sendProblem(response: ServerResponse, code: ErrorCode, detail?: string) {
  const { status, title } = ERROR_CODES[code]
  sendJson(response, status, { type: problemTypeOf(code), title, status, code, detail }, 'application/problem+json')
}
