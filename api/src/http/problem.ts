import {
  ERROR_CODES,
  type ErrorCode,
  type FieldError,
  PROBLEM_CONTENT_TYPE,
  type Problem,
  problemTypeOf,
} from '@xinfang/shared'
import type { z } from 'zod'
import { AppError } from './app-error'

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

/** zod issues as `{ path, message }` with Chinese messages for the fields a person can fix. */
export function fieldErrorsOf(error: z.ZodError, prefix?: string): FieldError[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)',
    message: chineseMessageOf(issue),
  }))
}

function chineseMessageOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? '必填项' : `类型不正确，应为 ${issue.expected}`
    case 'too_small':
      return issue.origin === 'string' ? `至少 ${issue.minimum} 个字` : `不能小于 ${issue.minimum}`
    case 'too_big':
      return issue.origin === 'string' ? `最多 ${issue.maximum} 个字` : `不能大于 ${issue.maximum}`
    case 'unrecognized_keys':
      return `不认识的字段：${issue.keys.join('、')}`
    case 'invalid_value':
      return '取值不在允许范围内'
    case 'invalid_format':
      return `格式不正确（${issue.format}）`
    default:
      return issue.message
  }
}

export function validationError(error: z.ZodError, where: 'body' | 'query' | 'params' | 'headers'): AppError {
  return new AppError('VALIDATION_FAILED', { errors: fieldErrorsOf(error, where) })
}
