import { type ReceptionListQuery, type ReceptionSessionList, ReceptionSessionListSchema } from '@xinfang/shared'
import { http } from './api'
import type { CallOptions } from './http'

/** Published leader reception sessions (领导接访), soonest first: `GET /api/v1/receptions`. */
export function listReceptions(
  query: Partial<Pick<ReceptionListQuery, 'from' | 'to' | 'unitId' | 'limit' | 'cursor'>> = {},
  { client = http, signal }: CallOptions = {},
): Promise<ReceptionSessionList> {
  return client.get('/api/v1/receptions', ReceptionSessionListSchema, { query, signal })
}
