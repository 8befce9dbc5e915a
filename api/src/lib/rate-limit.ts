/**
 * Abuse limits: every counter the API keeps against guessing and costly requests, behind one store
 * (docs/decisions/015-abuse-limits.md). The store is the only state; the limiters are pure functions of what it
 * answers, so a store shared by several instances (a table on the libSQL server) makes them agree without any
 * change here.
 */

/** One counter as the store keeps it. */
export interface LimitWindow {
  /** Hits (or their summed cost) since the window started; 0 when no window is open. */
  count: number
  /** When the window's first hit arrived; a window lasts `windowMs` from then. */
  startedAt: number
  /** When the last hit arrived: the growing backoff counts its wait from here. */
  lastAt: number
}

/**
 * Where counters live. A window opens with its first hit and lasts `windowMs`; the first hit after that opens a
 * new one. `add` must be atomic per key — two instances adding at once both count — which one upsert gives on
 * SQL (`INSERT … ON CONFLICT DO UPDATE SET count = CASE WHEN ? - started_at >= ? THEN ? ELSE count + ? END …`).
 * Async because a shared store is; the in-memory one answers at once.
 */
export interface LimitStore {
  /** Adds `cost` to `key` and answers the window after the addition. */
  add(key: string, cost: number, windowMs: number, now: number): Promise<LimitWindow>
  /** The window as it stands, without counting. */
  peek(key: string, windowMs: number, now: number): Promise<LimitWindow>
  /** Forgets `key`: a success that ends a run of failures. */
  clear(key: string): Promise<void>
}

const EMPTY_WINDOW: LimitWindow = { count: 0, startedAt: 0, lastAt: 0 }

export const MEMORY_LIMIT_STORE_KEYS = 100_000

/**
 * Counters in this process's memory, at most `maxKeys` of them. Past that the least recently used key is dropped —
 * never all of them: clearing everything once a sprayer had made enough keys reset every window, the sprayer's
 * own included. A limited caller who keeps trying keeps their key in use, so new keys cannot push it out.
 */
export function createMemoryLimitStore(maxKeys = MEMORY_LIMIT_STORE_KEYS): LimitStore & { readonly size: number } {
  const windows = new Map<string, LimitWindow>()
  // Every use, a look included, moves the key to the back of the insertion order: the front is the least
  // recently used. A refused caller who keeps trying is only looked at, and must not drift to the front.
  const current = (key: string, windowMs: number, now: number): LimitWindow | undefined => {
    const window = windows.get(key)
    if (window === undefined) return undefined
    windows.delete(key)
    if (now - window.startedAt >= windowMs) return undefined
    windows.set(key, window)
    return window
  }
  return {
    get size() {
      return windows.size
    },
    async add(key, cost, windowMs, now) {
      const open = current(key, windowMs, now)
      const window = open
        ? { count: open.count + cost, startedAt: open.startedAt, lastAt: now }
        : { count: cost, startedAt: now, lastAt: now }
      windows.delete(key)
      windows.set(key, window)
      while (windows.size > maxKeys) {
        const oldest = windows.keys().next()
        if (oldest.done) break
        windows.delete(oldest.value)
      }
      return window
    },
    async peek(key, windowMs, now) {
      return current(key, windowMs, now) ?? EMPTY_WINDOW
    },
    async clear(key) {
      windows.delete(key)
    },
  }
}

/** A fixed-window bound: at most `bound` (summed cost) per `windowMs` for one key. */
export interface WindowRule {
  /** Prefixes the key, so one store holds every limiter. */
  name: string
  bound: number
  windowMs: number
}

/** Seconds until `window` ends, at least 1: what `Retry-After` says. */
function secondsLeft(window: LimitWindow, windowMs: number, now: number): number {
  return Math.max(1, Math.ceil((window.startedAt + windowMs - now) / 1000))
}

export interface WindowLimiter {
  /** Seconds to wait when `key` has reached the bound, else 0. Counts nothing. */
  waitFor(key: string, now: number): Promise<number>
  /**
   * Counts `cost` for `key`; answers the count after it and the seconds to wait once this hit took it over the
   * bound (else 0).
   */
  count(key: string, now: number, cost?: number): Promise<{ count: number; wait: number }>
}

export function windowLimiter(store: LimitStore, rule: WindowRule): WindowLimiter {
  const keyOf = (key: string) => `${rule.name}:${key}`
  return {
    async waitFor(key, now) {
      const window = await store.peek(keyOf(key), rule.windowMs, now)
      return window.count >= rule.bound ? secondsLeft(window, rule.windowMs, now) : 0
    },
    async count(key, now, cost = 1) {
      const window = await store.add(keyOf(key), cost, rule.windowMs, now)
      return { count: window.count, wait: window.count > rule.bound ? secondsLeft(window, rule.windowMs, now) : 0 }
    },
  }
}

/**
 * A run of failures answered with a growing wait: `free` failures cost nothing, each one after that doubles the
 * wait from `baseMs` up to `maxMs`, counted from the last failure. The run is forgotten `windowMs` after it began,
 * or at once on a success.
 */
export interface BackoffRule {
  name: string
  free: number
  baseMs: number
  maxMs: number
  windowMs: number
}

export interface BackoffLimiter {
  /** Seconds to wait before the next attempt for `key`, or 0. Counts nothing. */
  waitFor(key: string, now: number): Promise<number>
  /** Counts one failure; answers the seconds the next attempt must wait (0 while failures are still free). */
  fail(key: string, now: number): Promise<number>
  /** A success ends the run. */
  succeed(key: string): Promise<void>
}

export function backoffDelayMs(rule: BackoffRule, failures: number): number {
  if (failures < rule.free) return 0
  // Capped before exponentiation so a long run cannot overflow into Infinity.
  return Math.min(rule.maxMs, rule.baseMs * 2 ** Math.min(failures - rule.free, 30))
}

export function backoffLimiter(store: LimitStore, rule: BackoffRule): BackoffLimiter {
  const keyOf = (key: string) => `${rule.name}:${key}`
  const waitOf = (window: LimitWindow, now: number) => {
    const until = window.lastAt + backoffDelayMs(rule, window.count)
    return until > now ? Math.max(1, Math.ceil((until - now) / 1000)) : 0
  }
  return {
    async waitFor(key, now) {
      return waitOf(await store.peek(keyOf(key), rule.windowMs, now), now)
    },
    async fail(key, now) {
      return waitOf(await store.add(keyOf(key), 1, rule.windowMs, now), now)
    },
    async succeed(key) {
      await store.clear(keyOf(key))
    },
  }
}

const MINUTE_MS = 60 * 1000
const HOUR_MS = 60 * MINUTE_MS

/**
 * Every abuse limit of the API, in one place (docs/decisions/015-abuse-limits.md explains each bound). Failures
 * are what is counted wherever a success proves the caller right: counting successes let anyone spend a
 * stranger's allowance.
 */
export const ABUSE_LIMITS = {
  /** Failed `/track` lookups from one address; past it the address gets 429 for every lookup. */
  trackFailuresByAddress: { name: 'track:address', bound: 20, windowMs: 15 * MINUTE_MS },
  /**
   * Failed `/track` lookups of one tracking number, from anywhere. Past it wrong guesses get 429 and cost their
   * address `TRACK_SATURATED_FAILURE_COST` failures each; the right query code is still answered.
   */
  trackFailuresByNumber: { name: 'track:number', bound: 100, windowMs: HOUR_MS },
  /** Failed staff sign-ins for one username from one address: five free, then 30 s doubling to 15 min. */
  staffSignInByAccountAndAddress: {
    name: 'staff-sign-in:account-address',
    free: 5,
    baseMs: 30 * 1000,
    maxMs: 15 * MINUTE_MS,
    windowMs: 24 * HOUR_MS,
  },
  /** Failed staff sign-ins from one address, whatever the username: bounds the PBKDF2 work one caller can cause. */
  staffSignInFailuresByAddress: { name: 'staff-sign-in:address', bound: 30, windowMs: 15 * MINUTE_MS },
  /** Failed staff sign-ins for one username from anywhere: at the bound, supervisors are told once per window. */
  staffSignInFailuresByAccount: { name: 'staff-sign-in:account', bound: 20, windowMs: HOUR_MS },
  /** Public statistics computed (not served from cache) for one address. */
  publicStatsComputationsByAddress: { name: 'stats-public:address', bound: 10, windowMs: 10 * MINUTE_MS },
  /** WeChat sign-ins whose code WeChat refused, from one address: each one spends the app's WeChat quota. */
  wechatCodeFailuresByAddress: { name: 'wechat-sign-in:address', bound: 20, windowMs: 10 * MINUTE_MS },
} as const satisfies Record<string, WindowRule | BackoffRule>

/** What one wrong guess costs its address once the tracking number's own bound is spent. */
export const TRACK_SATURATED_FAILURE_COST = 5
