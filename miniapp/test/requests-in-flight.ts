import Taro from '@tarojs/taro'

interface Pending {
  url: string
  isAborted: boolean
}

const pending = new Set<Pending>()

/**
 * Keeps the requests made through Taro.request that neither got an answer nor were aborted. Installed beneath any
 * test's own spy, so every request a page or hook makes is seen.
 */
export function trackRequestsInFlight(): void {
  const request = Taro.request
  Taro.request = ((option: Parameters<typeof Taro.request>[0]) => {
    const entry: Pending = { url: option.url, isAborted: false }
    pending.add(entry)
    const task = request(option)
    const abort = task.abort?.bind(task)
    task.abort = () => {
      entry.isAborted = true
      abort?.()
    }
    task.then(
      () => pending.delete(entry),
      () => pending.delete(entry),
    )
    return task
  }) as typeof Taro.request
}

/**
 * The requests still open: once the rendered pages are gone none may be, or a stray answer (or a retry after it)
 * would reach the next test's server and spies.
 */
export function requestsStillOpen(): string[] {
  return [...pending].filter((entry) => !entry.isAborted).map((entry) => entry.url)
}

export function forgetRequests(): void {
  pending.clear()
}
