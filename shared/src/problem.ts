import { z } from 'zod'
import { ERROR_CODE_LIST } from './errors'

/** One invalid field: `path` is dotted (`slots.0.capacity`), `message` is Chinese for a person to read. */
export const FieldErrorSchema = z.object({
  path: z.string(),
  message: z.string(),
})
export type FieldError = z.infer<typeof FieldErrorSchema>

/** RFC 9457 problem details, the only error shape on the wire. */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  code: z.enum(ERROR_CODE_LIST),
  detail: z.string().optional(),
  instance: z.string().optional(),
  requestId: z.string().optional(),
  errors: z.array(FieldErrorSchema).optional(),
})
export type Problem = z.infer<typeof ProblemSchema>

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

/** The `type` URI of a code: stable, and documented at the API docs page. */
export function problemTypeOf(code: string): string {
  return `urn:xinfang:problem:${code.toLowerCase().replaceAll('_', '-')}`
}
