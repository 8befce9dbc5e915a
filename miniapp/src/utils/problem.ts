import { ERROR_CODES, type Problem, problemTypeOf } from '@xinfang/shared'
import { ApiError } from '../services/http'

/** Any failure as the one Problem shape the UI shows: the API's own problem, or a generic Chinese one. */
export function problemFromError(error: unknown): Problem {
  if (error instanceof ApiError) return error.problem
  return {
    type: problemTypeOf('INTERNAL_ERROR'),
    title: ERROR_CODES.INTERNAL_ERROR.title,
    status: 500,
    code: 'INTERNAL_ERROR',
    detail: error instanceof Error ? error.message : String(error),
  }
}

/** What to do next, in one sentence, for the kinds of failure a person can act on. */
export function nextStepFor(problem: Problem): string {
  if (problem.status === 429) return '请稍等一两分钟后再试。'
  if (problem.status >= 500) return '请检查网络后点击“重试”；如果一直不成功，请稍后再来。'
  return '请点击“重试”；如果一直不成功，请退出后重新打开。'
}
