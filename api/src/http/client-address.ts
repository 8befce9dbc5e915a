import type { Context } from 'hono'

/**
 * The caller's address when the runtime exposes it (Node puts the socket on `c.env.incoming`), for abuse limits
 * only. Forwarded headers are ignored: they are whatever the caller wants them to be.
 */
export function clientAddressOf(c: Context): string {
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
