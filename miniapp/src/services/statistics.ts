import { type PublicStats, PublicStatsSchema } from '@xinfang/shared'
import { http } from './api'
import type { CallOptions } from './http'

/**
 * 阳光信访: the service's public figures, aggregates only, without signing in: `GET /api/v1/stats/public`. The range
 * defaults to the last twelve months (Asia/Shanghai dates `YYYY-MM-DD`).
 */
export function fetchPublicStats(
  query: { from?: string; to?: string } = {},
  { client = http, signal }: CallOptions = {},
): Promise<PublicStats> {
  return client.get('/api/v1/stats/public', PublicStatsSchema, { query, signal })
}
