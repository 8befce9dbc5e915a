import type { RequestSignal } from '../services/http'

/** What a page or hook keeps to cancel the requests it started. */
export interface RequestCanceller {
  readonly signal: RequestSignal
  abort(): void
}

/**
 * An AbortController where the runtime has one (browsers, recent WeChat base libraries), and otherwise the little
 * of it the HTTP client uses: a flag and 'abort' listeners. Older mini-program runtimes have no AbortController, and
 * cancelling must not depend on it.
 */
export function createRequestCanceller(): RequestCanceller {
  if (typeof AbortController === 'function') return new AbortController()
  const listeners = new Set<() => void>()
  let aborted = false
  const signal: RequestSignal = {
    get aborted() {
      return aborted
    },
    addEventListener: (_type: string, listener: unknown) => {
      if (typeof listener === 'function') listeners.add(listener as () => void)
    },
    removeEventListener: (_type: string, listener: unknown) => {
      if (typeof listener === 'function') listeners.delete(listener as () => void)
    },
  }
  return {
    signal,
    abort() {
      if (aborted) return
      aborted = true
      for (const listener of [...listeners]) listener()
      listeners.clear()
    },
  }
}
