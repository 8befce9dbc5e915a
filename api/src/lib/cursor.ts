import { type AnyColumn, and, asc, desc, eq, gt, lt, or, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import { AppError } from '../domain/app-error'

/**
 * Keyset pagination, the one way every list pages: rows ordered by a number (a time) and then the id, the cursor
 * the key of the last row sent, opaque to clients (base64url JSON). Keyset rather than offset so a page costs an
 * index seek however deep the list goes.
 */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

const CursorKeySchema = z.tuple([z.number(), z.string()])

/** A `[number, id]` cursor; anything else is the client's mistake, answered with 400. */
export function decodeNumberIdCursor(cursor: string): [number, string] {
  try {
    return CursorKeySchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')))
  } catch {
    throw new AppError('VALIDATION_FAILED', { errors: [{ path: 'query.cursor', message: '分页游标无效' }] })
  }
}

/** How a list is ordered: by `by`, ties broken by `id`, both in `direction`. */
export interface KeysetOrder {
  by: AnyColumn
  id: AnyColumn
  direction: 'asc' | 'desc'
}

export interface KeysetPage {
  /** The condition for the rows after the cursor; undefined on the first page. */
  after: SQL | undefined
  orderBy: [SQL, SQL]
  /** One row more than the page, to know whether another page follows. */
  limit: number
  /** The page out of the rows read, and the cursor of the next page when there is one. */
  pageOf<R>(rows: R[], keyOf: (row: R) => [number, string]): { rows: R[]; nextCursor: string | null }
}

/** The query parts of one page of a list in `order`, for `cursor` and `limit` as the client sent them. */
export function keysetPage(order: KeysetOrder, query: { cursor?: string | undefined; limit: number }): KeysetPage {
  const key = query.cursor ? decodeNumberIdCursor(query.cursor) : undefined
  const beyond = order.direction === 'asc' ? gt : lt
  const sort = order.direction === 'asc' ? asc : desc
  return {
    after: key && or(beyond(order.by, key[0]), and(eq(order.by, key[0]), beyond(order.id, key[1]))),
    orderBy: [sort(order.by), sort(order.id)],
    limit: query.limit + 1,
    pageOf(rows, keyOf) {
      const page = rows.slice(0, query.limit)
      const last = page.at(-1)
      return { rows: page, nextCursor: rows.length > query.limit && last ? encodeCursor(keyOf(last)) : null }
    },
  }
}
