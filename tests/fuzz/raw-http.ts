import { connect } from 'node:net'

/**
 * HTTP/1.1 spoken by hand over a TCP socket, because `fetch` refuses to send what an attacker sends: control
 * characters in header values, a `Content-Length` that lies, duplicate or oversized headers. Every request is
 * on its own connection (`Connection: close`), so one broken request cannot poison the next.
 */

export interface RawRequest {
  method: string
  /** The request target exactly as written on the request line, e.g. `/api/v1/petitions/%ZZ?limit=x`. */
  target: string
  /** In order, duplicates allowed; values are written as UTF-8 bytes. `Host` and `Connection` are added. */
  headers: ReadonlyArray<readonly [string, string]>
  body?: Uint8Array
  /**
   * `Content-Length` to announce: the body's real length by default, a lie when given as a number, and left
   * out entirely with `omit`.
   */
  contentLength?: number | 'omit'
  /** Bytes sent exactly as given instead of everything above, for requests HTTP/1.1 itself forbids. */
  raw?: Uint8Array
}

export type RawOutcome =
  | {
      kind: 'response'
      status: number
      headers: ReadonlyMap<string, string>
      body: Buffer
      /**
       * The connection ended before the whole body arrived: a server that answers without reading a large request
       * body and closes makes the kernel reset the connection while the answer is still in flight.
       */
      truncated?: boolean
    }
  /** The server closed the connection or stayed silent without a complete answer (never a 5xx, never a crash). */
  | { kind: 'no-response'; reason: string }

const HEADER_END = Buffer.from('\r\n\r\n')

export function encodeRequest(port: number, request: RawRequest): Buffer {
  if (request.raw) return Buffer.from(request.raw)
  const body = request.body ?? new Uint8Array()
  const lines = [`${request.method} ${request.target} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: close']
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`)
  const announced =
    request.contentLength ?? (body.length > 0 || !['GET', 'HEAD'].includes(request.method) ? body.length : 'omit')
  if (announced !== 'omit') lines.push(`Content-Length: ${announced}`)
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), body])
}

/**
 * Sends one request and reads one answer. The client never half-closes (Node's server drops a pending answer when
 * the client ends its side); a server waiting for body bytes a lying `Content-Length` promised is cut off at
 * `timeoutMs` and reported as `no-response`.
 */
export function sendRaw(port: number, request: RawRequest, timeoutMs = 10_000): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let settled = false
    const socket = connect({ host: '127.0.0.1', port })
    const finish = (outcome: RawOutcome) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      resolve(outcome)
    }
    const isHead = request.method === 'HEAD'
    const timer = setTimeout(() => finish(parseResponse(Buffer.concat(chunks), 'timeout', isHead)), timeoutMs)
    socket.on('connect', () => {
      socket.write(encodeRequest(port, request))
    })
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      const complete = completeResponse(Buffer.concat(chunks), isHead)
      if (complete) finish(complete)
    })
    socket.on('error', (error) => finish(parseResponse(Buffer.concat(chunks), error.message, isHead)))
    socket.on('close', () => finish(parseResponse(Buffer.concat(chunks), 'closed', isHead)))
  })
}

interface Head {
  status: number
  headers: Map<string, string>
  bodyStart: number
}

function parseHead(data: Buffer): Head | null {
  const end = data.indexOf(HEADER_END)
  if (end < 0) return null
  const [statusLine = '', ...headerLines] = data.subarray(0, end).toString('latin1').split('\r\n')
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)
  if (!match?.[1]) return null
  const headers = new Map<string, string>()
  for (const line of headerLines) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value)
  }
  return { status: Number(match[1]), headers, bodyStart: end + HEADER_END.length }
}

/** The chunked body decoded, or null while chunks are still missing. */
function decodeChunked(data: Buffer): Buffer | null {
  const parts: Buffer[] = []
  let at = 0
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at)
    if (lineEnd < 0) return null
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1').split(';')[0] ?? '', 16)
    if (!Number.isFinite(size)) return null
    if (size === 0) return Buffer.concat(parts)
    const start = lineEnd + 2
    if (data.length < start + size + 2) return null
    parts.push(data.subarray(start, start + size))
    at = start + size + 2
  }
}

function completeResponse(data: Buffer, isHead: boolean): RawOutcome | null {
  const head = parseHead(data)
  if (!head) return null
  const rest = data.subarray(head.bodyStart)
  // An interim answer (100 Continue) precedes the real one.
  if (head.status >= 100 && head.status < 200) return completeResponse(rest, isHead)
  if (isHead) return { kind: 'response', status: head.status, headers: head.headers, body: Buffer.alloc(0) }
  if (head.headers.get('transfer-encoding')?.toLowerCase().includes('chunked')) {
    const body = decodeChunked(rest)
    return body ? { kind: 'response', status: head.status, headers: head.headers, body } : null
  }
  const length = head.headers.get('content-length')
  if (length !== undefined && rest.length >= Number(length)) {
    return { kind: 'response', status: head.status, headers: head.headers, body: rest.subarray(0, Number(length)) }
  }
  if (length === undefined && (head.status === 204 || head.status === 304)) {
    return { kind: 'response', status: head.status, headers: head.headers, body: Buffer.alloc(0) }
  }
  return null
}

/** Whatever arrived before the connection ended: a response read to the close, or none at all. */
function parseResponse(data: Buffer, reason: string, isHead: boolean): RawOutcome {
  const complete = completeResponse(data, isHead)
  if (complete) return complete
  const head = parseHead(data)
  if (head && !head.headers.has('content-length') && !head.headers.has('transfer-encoding')) {
    return { kind: 'response', status: head.status, headers: head.headers, body: data.subarray(head.bodyStart) }
  }
  if (head) {
    return {
      kind: 'response',
      status: head.status,
      headers: head.headers,
      body: data.subarray(head.bodyStart),
      truncated: true,
    }
  }
  return { kind: 'no-response', reason: data.length === 0 ? reason : `${reason} after ${data.length} bytes` }
}
