import { ERROR_CODES, type ErrorCode, type FieldError } from '@xinfang/shared'

/** The one error a domain function throws (STYLE.md rule 4). It belongs to the domain; `http/problem.ts` only maps it to problem+json. */
export class AppError extends Error {
  override name = 'AppError'
  readonly code: ErrorCode
  readonly status: number
  readonly detail: string | undefined
  readonly errors: FieldError[] | undefined
  readonly headers: Record<string, string>

  constructor(
    code: ErrorCode,
    options: { detail?: string; errors?: FieldError[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(options.detail ?? code, { cause: options.cause })
    this.code = code
    this.status = ERROR_CODES[code].status
    this.detail = options.detail
    this.errors = options.errors
    this.headers = options.headers ?? {}
  }
}
