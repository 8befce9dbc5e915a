/**
 * Deadlines a test ends by hand, for `createWeChatClient({ timeoutSignal })`: a call times out when the test calls
 * `expire()` — typically once the fake has received a request it will not answer — and never because a shared
 * machine was slow to answer one it did.
 */
export interface ManualDeadlines {
  /** Hands out a signal per call; the duration asked for is kept in `asked`. */
  timeoutSignal(timeoutMs: number): AbortSignal
  /** Every duration asked for so far, in order. */
  readonly asked: readonly number[]
  /** Ends every call still waiting, as `AbortSignal.timeout` would: with a `TimeoutError`. */
  expire(): void
}

export function manualDeadlines(): ManualDeadlines {
  const controllers = new Set<AbortController>()
  const asked: number[] = []
  return {
    timeoutSignal(timeoutMs) {
      asked.push(timeoutMs)
      const controller = new AbortController()
      controllers.add(controller)
      return controller.signal
    },
    asked,
    expire() {
      for (const controller of controllers) {
        controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))
      }
      controllers.clear()
    },
  }
}
