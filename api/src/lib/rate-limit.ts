/**
 * Fixed-window counters in memory. Enough for abuse brakes on one process (the tracking lookup, login
 * guessing is persisted separately); with several processes each enforces its own share.
 */
export interface RateLimiter {
  /** Counts one hit for `key`; returns seconds to wait when over the limit, or 0. */
  hit(key: string, now: number): number
}

export function createRateLimiter(limit: number, windowMs: number, maxKeys = 100_000): RateLimiter {
  const windows = new Map<string, { startedAt: number; hits: number }>()
  return {
    hit(key, now) {
      let window = windows.get(key)
      if (!window || now - window.startedAt >= windowMs) {
        if (windows.size >= maxKeys) windows.clear()
        window = { startedAt: now, hits: 0 }
        windows.set(key, window)
      }
      window.hits++
      return window.hits > limit ? Math.ceil((window.startedAt + windowMs - now) / 1000) : 0
    },
  }
}
