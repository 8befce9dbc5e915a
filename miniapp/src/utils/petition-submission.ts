import type { Problem } from '@xinfang/shared'
import { ApiError } from '../services/http'
import { problemFromError } from './problem'

/**
 * What a failed `POST /api/v1/petitions` means for the draft and its Idempotency-Key:
 * - `in_flight` (409 IDEMPOTENCY_IN_FLIGHT): an earlier attempt with this key is still running — wait, send again;
 * - `key_reused` (422 IDEMPOTENCY_KEY_REUSED): an earlier attempt with another body was stored under this key;
 * - `unanswered`: no answer, or a 5xx after the client's own retries — the API may or may not have stored it;
 * - `refused`: any other error status — the API looked at the request and stored nothing.
 */
export type SubmissionFailure = 'in_flight' | 'key_reused' | 'unanswered' | 'refused'

export function submissionFailureOf(error: unknown): SubmissionFailure {
  if (!(error instanceof ApiError)) return 'unanswered'
  if (error.code === 'IDEMPOTENCY_IN_FLIGHT') return 'in_flight'
  if (error.code === 'IDEMPOTENCY_KEY_REUSED') return 'key_reused'
  if (error.kind === 'network' || error.status >= 500) return 'unanswered'
  return 'refused'
}

const KEPT = '您填写的内容已保存在本机'

/** The sentence above the submit button when a submission did not go through: what happened, what to do. */
export function submissionMessageFor(error: unknown): { problem: Problem; message: string } {
  const problem = problemFromError(error)
  const failure = submissionFailureOf(error)
  if (failure === 'unanswered') {
    return {
      problem,
      message: `${problem.title}。${KEPT}，请稍后再点“提交”；重复点击不会重复提交。`,
    }
  }
  if (failure === 'in_flight') {
    return { problem, message: `上一次提交还在处理中。${KEPT}，请稍等片刻再点“提交”查看结果。` }
  }
  if (problem.code === 'PROFILE_REQUIRED') {
    return {
      problem,
      message: `信访事项须实名提交（《信访工作条例》第十九条），请先登记实名信息。${KEPT}，登记后回到这里即可继续。`,
    }
  }
  if (problem.status === 429) {
    return { problem, message: `${problem.detail ?? problem.title}。${KEPT}。` }
  }
  return { problem, message: problem.detail ?? problem.title }
}

/** Said when the key is spent on a petition whose content this device no longer knows. */
export const POSSIBLY_SUBMITTED_MESSAGE =
  '您的信访事项可能已经提交成功。为避免重复提交，请先到“我的信访”查看；如果没有找到，再点“提交”。'
