import type { Context, MiddlewareHandler } from 'hono'
import { sha256Base64 } from '../lib/digest'
import { DOCS_PAGE_STYLE } from './openapi'

/*
 * Every security header the server sends, from this one module: the app's responses (API, docs page, H5 build,
 * its assets, 404s) through `securityHeaders`, and the answers Node writes before the app runs through
 * `BASELINE_SECURITY_HEADERS`. See docs/decisions/016-hostile-input-bounds.md.
 */

/** JSON, problems, downloads and any file that is not a page: nothing in them may run, load or be framed. */
export const NOTHING_ACTIVE_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/**
 * Headers every response carries, whatever produced it. `X-Frame-Options` repeats `frame-ancestors 'none'` for
 * browsers older than CSP 2. The camera is allowed to this origin only, for a staff workbench that scans
 * check-in codes; microphone and location are used by nothing.
 */
export const BASELINE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': NOTHING_ACTIVE_CSP,
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'permissions-policy': 'camera=(self), microphone=(), geolocation=()',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'DENY',
  'x-permitted-cross-domain-policies': 'none',
  // The legacy XSS auditor is itself an attack surface; CSP replaced it.
  'x-xss-protection': '0',
}

/** Six months, subdomains included: sent only on HTTPS, where a browser will honour it (RFC 6797 §7.2). */
const STRICT_TRANSPORT_SECURITY = 'max-age=15552000; includeSubDomains'

export interface SecurityHeadersOptions {
  /** `'sha256-…'` sources of the inline scripts in the H5 build's `index.html` (`inlineScriptHashesOf`). */
  webInlineScriptHashes?: readonly string[]
  /** Proxy hops in front of the server whose `X-Forwarded-Proto` is believed; 0 believes none. */
  trustProxy?: number
}

const TAB_BAR_LINK_HASH = `'sha256-${sha256Base64('javascript:;')}'`

/**
 * The policy of the H5 build, from what the Taro runtime does in a browser:
 * - scripts: the bundle's own files plus the inline first-paint script (root font size), by hash; and the one
 *   `javascript:;` URL of Taro's tab bar items (`<a href="javascript:;">`, whose click handler does the
 *   navigation), by hash, which `'unsafe-hashes'` lets a hash admit. No other inline script, handler or URL runs;
 * - styles: the bundle's files, and inline — Taro writes `<style>` elements (router, icon font, components) and
 *   `style` attributes (toast, modal, loading) at run time, with values no hash can foresee. CSS cannot run
 *   script; the script policy is the one that has to be tight;
 * - images: own files, `data:` (the bundle's icons) and `blob:` (previews of photos picked for upload);
 * - fonts: own files and `data:` (Taro's icon font is inlined);
 * - connections: this origin (the API, served beside the H5 build) and `blob:` (an upload reads the picked file).
 */
function webPolicy(scriptHashes: readonly string[]): string {
  return [
    "default-src 'none'",
    `script-src 'self' 'unsafe-hashes' ${TAB_BAR_LINK_HASH}${scriptHashes.map((hash) => ` ${hash}`).join('')}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** The API reference page: its one inline style sheet, by hash, and nothing else. */
const DOCS_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${sha256Base64(DOCS_PAGE_STYLE)}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

const DOCS_PATH = '/api/docs'

/** Sets every security header on every response the app produces, errors and 404s included. */
export function securityHeaders(options: SecurityHeadersOptions = {}): MiddlewareHandler {
  const webPolicyValue = webPolicy(options.webInlineScriptHashes ?? [])
  const trustProxy = options.trustProxy ?? 0
  return async (c, next) => {
    await next()
    const headers = c.res.headers
    for (const [name, value] of Object.entries(BASELINE_SECURITY_HEADERS)) headers.set(name, value)
    const isHtml = (headers.get('content-type') ?? '').toLowerCase().startsWith('text/html')
    if (isHtml) headers.set('content-security-policy', c.req.path === DOCS_PATH ? DOCS_POLICY : webPolicyValue)
    if (isHttpsRequest(c, trustProxy)) headers.set('strict-transport-security', STRICT_TRANSPORT_SECURITY)
    else headers.delete('strict-transport-security')
  }
}

/**
 * Whether the request reached us over HTTPS. On Node the socket decides: the URL's scheme there can come from
 * the client (an absolute request target, `GET https://host/ HTTP/1.1`, over plain TCP). Elsewhere the URL is
 * the runtime's own. Behind `trustProxy` proxies, `X-Forwarded-Proto` decides: each proxy appends the scheme it
 * was reached over, so the client-facing one is `trustProxy` entries from the right, and a list shorter than
 * that was overwritten by a proxy we trust. Entries further left are whatever the client sent.
 */
export function isHttpsRequest(c: Context, trustProxy = 0): boolean {
  if (trustProxy > 0) {
    const forwarded = c.req.header('x-forwarded-proto')
    if (forwarded !== undefined) {
      const schemes = forwarded.split(',').map((scheme) => scheme.trim().toLowerCase())
      return schemes[Math.max(0, schemes.length - trustProxy)] === 'https'
    }
  }
  const socket = nodeSocketOf(c)
  if (socket !== undefined) return socket.encrypted === true
  return new URL(c.req.url).protocol === 'https:'
}

function nodeSocketOf(c: Context): { encrypted?: unknown } | undefined {
  const env: unknown = c.env
  if (!env || typeof env !== 'object' || !('incoming' in env)) return undefined
  const incoming: unknown = env.incoming
  if (!incoming || typeof incoming !== 'object' || !('socket' in incoming)) return undefined
  const socket: unknown = incoming.socket
  return socket && typeof socket === 'object' ? socket : undefined
}

/** `'sha256-…'` sources for the inline (`src`-less) scripts of an HTML page, as the browser hashes them. */
export function inlineScriptHashesOf(html: string): string[] {
  const hashes: string[] = []
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    const [, attributes = '', body = ''] = match
    if (/\bsrc\s*=/i.test(attributes) || body.length === 0) continue
    hashes.push(`'sha256-${sha256Base64(body)}'`)
  }
  return hashes
}
