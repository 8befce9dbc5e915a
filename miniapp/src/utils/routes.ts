/**
 * Page paths in one place. The petition pages live in the `packages/petition` subpackage (app.config.ts), loaded
 * only when first opened, so the main package — the tab pages — stays small.
 */
export const PETITION_PAGES = {
  submit: '/packages/petition/pages/submit/index',
  success: '/packages/petition/pages/success/index',
  detail: '/packages/petition/pages/detail/index',
  track: '/packages/petition/pages/track/index',
  messages: '/packages/petition/pages/messages/index',
  review: '/packages/petition/pages/review/index',
} as const

/** Pages anyone may open without signing in, in the `packages/public` subpackage. */
export const PUBLIC_PAGES = {
  stats: '/packages/public/pages/stats/index',
} as const

export const TAB_PAGES = {
  home: '/pages/index/index',
  petitions: '/pages/petitions/index',
  receptions: '/pages/receptions/index',
  me: '/pages/me/index',
} as const

/** `path?key=value`, values encoded. */
export function pageUrl(path: string, query: Record<string, string | undefined> = {}): string {
  const pairs = Object.entries(query)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
  return pairs.length > 0 ? `${path}?${pairs.join('&')}` : path
}

/**
 * A query parameter as the page received it. WeChat hands values over as they appear in the URL (still encoded),
 * Taro's H5 router decodes them; decoding once more is harmless for the ids and codes used here.
 */
export function paramOf(params: Record<string, string | undefined>, key: string): string | undefined {
  const value = params[key]
  if (value === undefined || value === '') return undefined
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
