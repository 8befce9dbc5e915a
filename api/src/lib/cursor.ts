import { z } from 'zod'
import { AppError } from '../domain/app-error'

/**
 * Keyset cursors: the sort key of the last item, opaque to clients (base64url JSON). Keyset rather than offset
 * so a page costs an index seek however deep the list goes.
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
