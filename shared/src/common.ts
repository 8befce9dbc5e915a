import { z } from 'zod'

export const IdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, '编号格式不正确')

/** An instant on the wire: ISO 8601 with an explicit offset (the API always writes +08:00). */
export const DateTimeSchema = z.iso.datetime({ offset: true })

/** An Asia/Shanghai calendar date. */
export const DateSchema = z.iso.date()

/**
 * How deeply a JSON request body may nest arrays and objects. No request of this API goes deeper than four
 * levels; 32 leaves room for future bodies and still refuses, before parsing, the megabyte of `[[[…]]]` that
 * would otherwise hold the server for a second (docs/decisions/016-hostile-input-bounds.md).
 */
export const JSON_MAX_DEPTH = 32

export const PageQuerySchema = z.object({
  cursor: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
})
export type PageQuery = z.infer<typeof PageQuerySchema>

/** `{ items, nextCursor }`, the shape of every list (../shared/API.md, Conventions). */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable(),
  })
}
