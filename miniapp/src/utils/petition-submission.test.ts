import { ERROR_CODES, type ErrorCode, problemTypeOf } from '@xinfang/shared'
import { expect, test } from 'vitest'
import { ApiError, NETWORK_ERROR_TITLE } from '../services/http'
import { submissionFailureOf, submissionMessageFor } from './petition-submission'

function apiError(code: ErrorCode, detail?: string, kind: 'http' | 'network' = 'http') {
  const { status, title } = ERROR_CODES[code]
  return new ApiError({ type: problemTypeOf(code), title, status, code, detail }, kind)
}

test('what a failed submission means for the Idempotency-Key', () => {
  expect(submissionFailureOf(apiError('IDEMPOTENCY_IN_FLIGHT'))).toBe('in_flight')
  expect(submissionFailureOf(apiError('IDEMPOTENCY_KEY_REUSED'))).toBe('key_reused')
  expect(submissionFailureOf(apiError('SERVICE_UNAVAILABLE', 'no answer', 'network'))).toBe('unanswered')
  expect(submissionFailureOf(apiError('INTERNAL_ERROR'))).toBe('unanswered')
  expect(submissionFailureOf(new Error('something else'))).toBe('unanswered')
  expect(submissionFailureOf(apiError('VALIDATION_FAILED'))).toBe('refused')
  expect(submissionFailureOf(apiError('PROFILE_REQUIRED'))).toBe('refused')
  expect(submissionFailureOf(apiError('RATE_LIMITED'))).toBe('refused')
})

test('a lost answer tells the person the draft is safe and a second tap will not file twice', () => {
  const error = new ApiError(
    { type: problemTypeOf('NETWORK_ERROR'), title: NETWORK_ERROR_TITLE, status: 503, code: 'SERVICE_UNAVAILABLE' },
    'network',
  )

  expect(submissionMessageFor(error).message).toBe(
    '网络不稳定，请检查网络后重试。您填写的内容已保存在本机，请稍后再点“提交”；重复点击不会重复提交。',
  )
})

test('the daily limit is told with the API’s own detail, and the profile requirement with its article', () => {
  expect(submissionMessageFor(apiError('RATE_LIMITED', '每人每天最多提交 5 件信访事项，请明天再提交')).message).toBe(
    '每人每天最多提交 5 件信访事项，请明天再提交。您填写的内容已保存在本机。',
  )
  expect(submissionMessageFor(apiError('PROFILE_REQUIRED')).message).toContain('第十九条')
})
