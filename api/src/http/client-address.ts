import type { Context } from 'hono'

/**
 * The caller's address, for abuse limits only (docs/decisions/015-abuse-limits.md).
 *
 * With `trustedHops` = 0 it is the socket's peer: forwarded headers are whatever the caller wants them to be.
 * Behind N reverse proxies the socket's peer is the nearest proxy, and each proxy appends the address it was
 * called from, so the client is the address N hops from the right of the chain `[…forwarded, socket]`; anything
 * further left was written by the caller and is never read. A chain shorter than N (a request that skipped a
 * proxy) yields its leftmost entry, as Express's `trust proxy` does.
 *
 * `X-Forwarded-For` is read when present, RFC 7239 `Forwarded` otherwise: almost every proxy appends the former,
 * and a proxy that writes only `Forwarded` must drop an incoming `X-Forwarded-For` (README, TRUST_PROXY).
 *
 * IPv6 callers are keyed by their /64: one subscriber is usually handed a whole /64, so keying single addresses
 * would give one person 2^64 buckets.
 */
export function clientAddressOf(c: Context, trustedHops: number): string {
  const socket = socketAddressOf(c)
  if (trustedHops <= 0) return limitKeyOf(socket)
  const forwarded = forwardedChainOf(c.req.header('x-forwarded-for'), c.req.header('forwarded'))
  const chain = [...forwarded, socket]
  const index = Math.max(0, chain.length - 1 - trustedHops)
  return limitKeyOf(chain[index] ?? socket)
}

function socketAddressOf(c: Context): string {
  const env: unknown = c.env
  if (env && typeof env === 'object' && 'incoming' in env) {
    const incoming: unknown = env.incoming
    if (incoming && typeof incoming === 'object' && 'socket' in incoming) {
      const socket: unknown = incoming.socket
      if (
        socket &&
        typeof socket === 'object' &&
        'remoteAddress' in socket &&
        typeof socket.remoteAddress === 'string'
      ) {
        return socket.remoteAddress
      }
    }
  }
  return 'unknown'
}

/** The addresses a forwarded header lists, leftmost (furthest from us) first. */
export function forwardedChainOf(xForwardedFor: string | undefined, forwarded: string | undefined): string[] {
  if (xForwardedFor !== undefined) {
    return xForwardedFor
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean)
  }
  if (forwarded === undefined) return []
  const chain: string[] = []
  for (const element of forwarded.split(',')) {
    for (const pair of element.split(';')) {
      const separator = pair.indexOf('=')
      if (separator < 0 || pair.slice(0, separator).trim().toLowerCase() !== 'for') continue
      chain.push(
        pair
          .slice(separator + 1)
          .trim()
          .replace(/^"(.*)"$/, '$1'),
      )
    }
  }
  return chain
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/

/**
 * One key per caller: ports and brackets dropped, IPv4-mapped IPv6 read as IPv4, IPv6 cut to its /64. Anything
 * that is not an address (`unknown`, an obfuscated `_node` name) is kept, cut short, as a key of its own.
 */
export function limitKeyOf(raw: string): string {
  let address = raw.trim()
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address)
  if (bracketed?.[1]) address = bracketed[1]
  else if (/^[\d.]+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'))
  const mapped = /^::ffff:([\d.]+)$/i.exec(address)
  if (mapped?.[1]) address = mapped[1]
  if (IPV4.test(address)) return address
  const prefix = ipv6Prefix64(address)
  return prefix ?? address.slice(0, 64)
}

/** The first four groups of an IPv6 address (`2001:db8:0:1::/64`), or null if it is not one. */
function ipv6Prefix64(address: string): string | null {
  const withoutZone = address.split('%')[0] ?? ''
  if (!/^[0-9a-f:.]+$/i.test(withoutZone) || !withoutZone.includes(':')) return null
  const halves = withoutZone.split('::')
  if (halves.length > 2) return null
  const groupsOf = (part: string | undefined) => (part ? part.split(':') : [])
  const head = groupsOf(halves[0])
  const tail = groupsOf(halves[1])
  // An embedded IPv4 tail (`::1.2.3.4`) takes two groups' room.
  const width = (groups: string[]) => groups.reduce((sum, group) => sum + (group.includes('.') ? 2 : 1), 0)
  const missing = 8 - width(head) - width(tail)
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null
  const groups = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill('0'), ...tail]
  const first = groups.slice(0, 4)
  if (first.some((group) => !/^[0-9a-f]{1,4}$/i.test(group))) return null
  return `${first.map((group) => Number.parseInt(group, 16).toString(16)).join(':')}::/64`
}
