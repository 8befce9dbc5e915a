import {
  ERROR_CODES,
  type ErrorCode,
  type FieldError,
  PROBLEM_CONTENT_TYPE,
  type Problem,
  problemTypeOf,
} from '@xinfang/shared'
import type { z } from 'zod'
import { AppError } from '../domain/app-error'

export function problemOf(
  code: ErrorCode,
  extra: { detail?: string | undefined; errors?: FieldError[] | undefined; requestId?: string | undefined } = {},
): Problem {
  const { status, title } = ERROR_CODES[code]
  const problem: Problem = { type: problemTypeOf(code), title, status, code }
  if (extra.detail) problem.detail = extra.detail
  if (extra.errors && extra.errors.length > 0) problem.errors = extra.errors
  if (extra.requestId) problem.requestId = extra.requestId
  return problem
}

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store', ...headers },
  })
}

/** zod issues as `{ path, message }`; messages are Chinese (shared/src/zod-locale.ts) for a person to act on. */
export function fieldErrorsOf(error: z.ZodError, prefix?: string): FieldError[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)',
    message: issue.message,
  }))
}

export function validationError(error: z.ZodError, where: 'body' | 'query' | 'params' | 'headers'): AppError {
  return new AppError('VALIDATION_FAILED', { errors: fieldErrorsOf(error, where) })
}
