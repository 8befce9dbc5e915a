import { inject } from 'vitest'

/** What the layer's global setup hands every test file: the one server, its data directory and the seed. */
export interface FuzzServer {
  baseUrl: string
  port: number
  dataDir: string
  /** The server's log, copied line by line while it runs. */
  logPath: string
  seed: number
}

declare module 'vitest' {
  export interface ProvidedContext {
    fuzzServer: FuzzServer
  }
}

export const FUZZ_WECHAT = { appId: 'wx-xinfang-fuzz', secret: 'fuzz-secret' } as const

/** `FUZZ_SEED` when given (to replay a failure), else a fresh one; always a 32-bit integer as fast-check wants. */
export function resolveSeed(value: string | undefined): number {
  if (value !== undefined && value.trim() !== '') {
    const seed = Number(value)
    if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got ${JSON.stringify(value)}`)
    return seed | 0
  }
  return (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0
}

export function fuzzServer(): FuzzServer {
  return inject('fuzzServer')
}

/** A seed for one part of the run, stable under the master seed whatever else is added or reordered (FNV-1a). */
export function seedFor(master: number, ...parts: string[]): number {
  let hash = 0x811c9dc5 ^ master
  for (const char of parts.join('\u0000')) {
    hash ^= char.charCodeAt(0)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash | 0
}
