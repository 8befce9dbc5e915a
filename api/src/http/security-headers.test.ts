import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { createTestContext, type TestContext } from '../../test/test-app'
import { inlineScriptHashesOf, isHttpsRequest } from './security-headers'

/** The shape of the Taro H5 build: an inline first-paint script, then the bundle from files. */
const FIRST_PAINT = 'document.documentElement.style.fontSize="20px"'
const INDEX_HTML = `<!doctype html><html><head><meta charset="utf-8"><script>${FIRST_PAINT}</script><script defer="defer" src="/js/app.js"></script></head><body><div id="app"></div></body></html>`

let context: TestContext
let webRoot: string

beforeEach(() => {
  webRoot = mkdtempSync(join(tmpdir(), 'xinfang-web-'))
  mkdirSync(join(webRoot, 'js'))
  writeFileSync(join(webRoot, 'index.html'), INDEX_HTML)
  writeFileSync(join(webRoot, 'js', 'app.js'), 'console.log("app")')
  writeFileSync(join(webRoot, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
  context = createTestContext(
    {},
    { web: { serve: serveStatic({ root: webRoot }), inlineScriptHashes: inlineScriptHashesOf(INDEX_HTML) } },
  )
})

afterEach(() => {
  context.close()
  rmSync(webRoot, { recursive: true, force: true })
})

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`

/** `script-src 'self' 'sha256-…'` → `{ 'script-src': ["'self'", "'sha256-…'"] }`. */
function directivesOf(response: Response): Record<string, string[]> {
  const policy = response.headers.get('content-security-policy') ?? ''
  return Object.fromEntries(
    policy
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name = '', ...sources]) => [name, sources]),
  )
}

function expectBaseline(response: Response) {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff')
  expect(response.headers.get('x-frame-options')).toBe('DENY')
  expect(response.headers.get('referrer-policy')).toBe('no-referrer')
  expect(response.headers.get('permissions-policy')).toBe('camera=(self), microphone=(), geolocation=()')
  expect(directivesOf(response)['frame-ancestors']).toEqual(["'none'"])
  expect(response.headers.get('strict-transport-security')).toBeNull()
}

test("the H5 page may run its own scripts, its inline first paint and the tab bar's javascript:; link by hash, and nothing else", async () => {
  const page = await context.app.request('/')
  expect(page.status).toBe(200)
  expect(await page.text()).toContain(FIRST_PAINT)
  expectBaseline(page)
  const csp = directivesOf(page)
  expect(csp).toEqual({
    'default-src': ["'none'"],
    'script-src': ["'self'", "'unsafe-hashes'", sha256('javascript:;'), sha256(FIRST_PAINT)],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'", 'blob:'],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
  })
})

test('assets, API answers and 404s carry every header and a policy under which nothing runs', async () => {
  const nothingActive = {
    'default-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
  }
  for (const path of ['/js/app.js', '/logo.svg', '/api/v1/units', '/health', '/missing.js', '/api/v1/nothing']) {
    const response = await context.app.request(path)
    expectBaseline(response)
    expect(directivesOf(response), path).toEqual(nothingActive)
  }
  const refused = await context.app.request('/api/v1/auth/demo', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{',
  })
  expect(refused.status).toBe(400)
  expectBaseline(refused)
})

test('the API reference page may apply its own inline style sheet, by hash, and nothing else', async () => {
  const docs = await context.app.request('/api/docs')
  expect(docs.status).toBe(200)
  const style = /<style>([\s\S]*?)<\/style>/.exec(await docs.text())?.[1] ?? ''
  expect(style).not.toBe('')
  expectBaseline(docs)
  expect(directivesOf(docs)).toEqual({
    'default-src': ["'none'"],
    'style-src': [sha256(style)],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
  })
})

test('Strict-Transport-Security is sent over HTTPS only', async () => {
  for (const path of ['/', '/api/v1/units', '/api/docs']) {
    expect(
      (await context.app.request(`http://xinfang.example.gov.cn${path}`)).headers.get('strict-transport-security'),
    ).toBeNull()
    expect(
      (await context.app.request(`https://xinfang.example.gov.cn${path}`)).headers.get('strict-transport-security'),
    ).toBe('max-age=15552000; includeSubDomains')
  }
  // A client cannot ask for it by claiming a proxy it is not.
  const claimed = await context.app.request('http://xinfang.example.gov.cn/', {
    headers: { 'x-forwarded-proto': 'https' },
  })
  expect(claimed.headers.get('strict-transport-security')).toBeNull()
})

/** A one-route app answering whether `isHttpsRequest` sees HTTPS, with an optional Node-style socket. */
function probe(trustProxy: number, socket?: { encrypted?: boolean }) {
  const app = new Hono()
  app.get('/', (c) => c.text(String(isHttpsRequest(c, trustProxy))))
  return async (url: string, forwardedProto?: string) => {
    const headers = forwardedProto === undefined ? undefined : { 'x-forwarded-proto': forwardedProto }
    const response = await app.request(url, { headers }, socket ? { incoming: { socket } } : undefined)
    return (await response.text()) === 'true'
  }
}

test('X-Forwarded-Proto counts only from a trusted proxy, read as many hops from the right as are trusted', async () => {
  const direct = probe(0)
  expect(await direct('http://x/', 'https')).toBe(false)
  const oneHop = probe(1)
  expect(await oneHop('http://x/', 'https')).toBe(true)
  expect(await oneHop('http://x/', 'http')).toBe(false)
  // The client wrote `https`, the proxy appended the scheme it was really reached over.
  expect(await oneHop('http://x/', 'https, http')).toBe(false)
  expect(await oneHop('http://x/', 'http, https')).toBe(true)
  const twoHops = probe(2)
  expect(await twoHops('http://x/', 'https, http')).toBe(true)
  expect(await twoHops('http://x/', 'https, http, http')).toBe(false)
  // Without the header, a trusting server falls back to the connection itself.
  expect(await oneHop('https://x/')).toBe(true)
})

test('on Node the socket decides, not a scheme the client put in an absolute request target', async () => {
  expect(await probe(0, { encrypted: undefined })('https://x/')).toBe(false)
  expect(await probe(0, { encrypted: true })('http://x/')).toBe(true)
})

test('only inline scripts are hashed, exactly as written', () => {
  const html = `<script>a()</script><script src="/x.js"></script><SCRIPT type="module">\n b()\n</SCRIPT><script></script>`
  expect(inlineScriptHashesOf(html)).toEqual([sha256('a()'), sha256('\n b()\n')])
})
