import Taro from '@tarojs/taro'
import { vi } from 'vitest'

/**
 * Sends the app's requests to a test server. The build puts API_BASE in front of every path ('' in tests, as on
 * H5); the pages and hooks use their real client and Taro's H5 request, so the origin is the only seam.
 */
export function routeRequestsTo(baseUrl: string): void {
  const request = Taro.request
  vi.spyOn(Taro, 'request').mockImplementation((option) => request({ ...option, url: baseUrl + option.url }))
}

/** Records navigation instead of performing it: jsdom has no Taro router. */
export function recordNavigation() {
  const visited: string[] = []
  const record = (option: { url: string }) => {
    visited.push(option.url)
    return Promise.resolve({ errMsg: 'ok' })
  }
  vi.spyOn(Taro, 'navigateTo').mockImplementation(record)
  vi.spyOn(Taro, 'redirectTo').mockImplementation(record)
  vi.spyOn(Taro, 'switchTab').mockImplementation(record)
  return visited
}
