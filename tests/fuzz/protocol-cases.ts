import type { FuzzCase } from './oracle'
import type { RawRequest } from './raw-http'

/**
 * Requests broken below the application: what Node's HTTP parser sees before Hono does. Control characters in
 * header values, a Content-Length that is negative, not a number, doubled, or beside chunked encoding, headers
 * past Node's 16 KB limit, a request line that is not HTTP. The contract still says every error is problem+json.
 */

const encoder = new TextEncoder()
const bytes = (text: string) => encoder.encode(text)

export interface ProtocolTarget {
  /** A path to send to, e.g. `/api/v1/petitions`. */
  path: string
  method: 'GET' | 'POST'
  token: string | null
  actor: string
  operation: string
}

function request(target: ProtocolTarget, extra: Partial<RawRequest>): RawRequest {
  const headers: Array<[string, string]> = target.token ? [['Authorization', `Bearer ${target.token}`]] : []
  if (target.method === 'POST') headers.push(['Content-Type', 'application/json'])
  return {
    method: target.method,
    target: target.path,
    headers,
    ...(target.method === 'POST' ? { body: bytes('{}') } : {}),
    ...extra,
  }
}

function raw(lines: string[], body = ''): RawRequest {
  return { method: 'RAW', target: '', headers: [], raw: bytes(`${lines.join('\r\n')}\r\n\r\n${body}`) }
}

export function protocolCases(target: ProtocolTarget, port: number): FuzzCase[] {
  const host = `Host: 127.0.0.1:${port}`
  const auth = target.token ? [`Authorization: Bearer ${target.token}`] : []
  const line = (method: string, path: string, version = 'HTTP/1.1') => `${method} ${path} ${version}`
  const withHeader = (name: string, value: string) =>
    request(target, { headers: [...request(target, {}).headers, [name, value]] })
  const cases: Array<{ label: string; request: RawRequest; mayStaySilent?: boolean }> = [
    {
      label: 'Authorization with a control character',
      request: request(target, { headers: [['Authorization', 'Bearer a\u0001b']] }),
    },
    { label: 'Authorization with DEL', request: request(target, { headers: [['Authorization', 'Bearer a\u007fb']] }) },
    { label: 'Idempotency-Key with a control character', request: withHeader('Idempotency-Key', 'key\u0001') },
    { label: 'Idempotency-Key with NUL', request: withHeader('Idempotency-Key', 'key\u0000') },
    { label: 'Idempotency-Key with a bare CR', request: withHeader('Idempotency-Key', 'a\rb') },
    { label: 'Idempotency-Key with ESC', request: withHeader('Idempotency-Key', '\u001b[2J') },
    {
      label: 'Authorization of 20 KB',
      request: request(target, { headers: [['Authorization', `Bearer ${'A'.repeat(20 * 1024)}`]] }),
    },
    { label: 'Idempotency-Key of 20 KB', request: withHeader('Idempotency-Key', 'k'.repeat(20 * 1024)) },
    {
      label: '300 headers',
      request: request(target, {
        headers: [
          ...request(target, {}).headers,
          ...Array.from({ length: 300 }, (_, i): [string, string] => [`X-Fuzz-${i}`, 'v'.repeat(60)]),
        ],
      }),
    },
    { label: 'a URL of 20 KB', request: request(target, { target: `${target.path}?q=${'a'.repeat(20 * 1024)}` }) },
    { label: 'Content-Length -1', request: request(target, { contentLength: -1 }) },
    {
      label: 'Content-Length not a number',
      request: raw(
        [line(target.method, target.path), host, ...auth, 'Content-Type: application/json', 'Content-Length: abc'],
        '{}',
      ),
    },
    {
      label: 'two different Content-Lengths',
      request: raw(
        [
          line(target.method, target.path),
          host,
          ...auth,
          'Content-Type: application/json',
          'Content-Length: 2',
          'Content-Length: 5',
        ],
        '{}',
      ),
    },
    {
      label: 'Content-Length beside chunked encoding',
      request: raw(
        [
          line(target.method, target.path),
          host,
          ...auth,
          'Content-Type: application/json',
          'Content-Length: 5',
          'Transfer-Encoding: chunked',
        ],
        '2\r\n{}\r\n0\r\n\r\n',
      ),
    },
    {
      label: 'malformed chunks',
      request: raw(
        [
          line(target.method, target.path),
          host,
          ...auth,
          'Content-Type: application/json',
          'Transfer-Encoding: chunked',
        ],
        'zz\r\n{}\r\n',
      ),
    },
    {
      label: 'unknown transfer coding',
      request: raw(
        [line(target.method, target.path), host, ...auth, 'Content-Type: application/json', 'Transfer-Encoding: gzip'],
        '{}',
      ),
    },
    {
      label: 'valid chunked JSON',
      request: raw(
        [
          line(target.method, target.path),
          host,
          ...auth,
          'Content-Type: application/json',
          'Transfer-Encoding: chunked',
          'Connection: close',
        ],
        '2\r\n{}\r\n0\r\n\r\n',
      ),
    },
    {
      label: 'Content-Length smaller than the body',
      request: request(target, { body: bytes('{"a":"bcdefgh"}'), contentLength: 3 }),
    },
    // The server rightly waits for bytes that never come; the client gives up, and the server must not log a 5xx.
    {
      label: 'Content-Length larger than the body',
      request: request(target, { body: bytes('{}'), contentLength: 100 }),
      mayStaySilent: true,
    },
    { label: 'a method with a space', request: raw([line('GE T', target.path), host]) },
    { label: 'an unknown method', request: raw([line('FUZZ', target.path), host, ...auth, 'Connection: close']) },
    {
      label: 'a target without a leading slash',
      request: raw([line(target.method, target.path.slice(1)), host, 'Connection: close']),
    },
    { label: 'HTTP/2.0 on an HTTP/1 connection', request: raw([line(target.method, target.path, 'HTTP/2.0'), host]) },
    { label: 'HTTP/1.0 without Host', request: raw([line('GET', target.path, 'HTTP/1.0'), ...auth]) },
    { label: 'no version', request: raw([`${target.method} ${target.path}`, host]) },
    {
      label: 'bare LF line endings',
      request: {
        method: 'RAW',
        target: '',
        headers: [],
        raw: bytes(`${line(target.method, target.path)}\n${host}\nConnection: close\n\n`),
      },
    },
    {
      label: 'a header line without a colon',
      request: raw([line(target.method, target.path), host, 'Garbage', 'Connection: close']),
    },
    {
      label: 'a header name with a space',
      request: raw([line(target.method, target.path), host, 'Bad Header: x', 'Connection: close']),
    },
    {
      label: 'an obsolete folded header',
      request: raw([line(target.method, target.path), host, 'X-Folded: a', ' b', 'Connection: close']),
    },
    {
      label: 'raw UTF-8 in the target',
      request: raw([line(target.method, `${target.path}/中文`), host, 'Connection: close']),
    },
    {
      label: 'a fragment in the target',
      request: raw([line(target.method, `${target.path}#x`), host, 'Connection: close']),
    },
    {
      label: 'a NUL in the target',
      request: raw([line(target.method, `${target.path}\u0000`), host, 'Connection: close']),
    },
    {
      label: 'a space in the target',
      request: raw([line(target.method, `${target.path} x`), host, 'Connection: close']),
    },
    {
      label: 'two Host headers',
      request: raw([line(target.method, target.path), host, 'Host: evil.example', 'Connection: close']),
    },
    {
      label: 'a Host with a bad port',
      request: raw([line(target.method, target.path), 'Host: evil.example:99999', 'Connection: close']),
    },
  ]
  return cases.map(({ label, request: sent, mayStaySilent }) => ({
    family: 'protocol',
    label,
    operation: target.operation,
    actor: target.actor,
    request: sent,
    refusal: null,
    ...(mayStaySilent ? { mayStaySilent } : {}),
  }))
}
