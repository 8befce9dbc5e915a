import { ERROR_CODES, type ErrorCode, problemTypeOf } from '@xinfang/shared'
import { expect, test } from 'vitest'
import { ApiError } from '../services/http'
import { TRACK_NOT_FOUND_MESSAGE, TRACK_RATE_LIMITED_MESSAGE, trackFailureMessage } from './use-track'

function apiError(code: ErrorCode) {
  const { status, title } = ERROR_CODES[code]
  return new ApiError({ type: problemTypeOf(code), title, status, code }, 'http')
}

test('a failed lookup is told as what it means: a wrong pair, too many tries, or the network', () => {
  expect(trackFailureMessage(apiError('NOT_FOUND'))).toBe(TRACK_NOT_FOUND_MESSAGE)
  expect(trackFailureMessage(apiError('RATE_LIMITED'))).toBe(TRACK_RATE_LIMITED_MESSAGE)
  expect(trackFailureMessage(apiError('SERVICE_UNAVAILABLE'))).toBe(
    '服务暂时不可用，请稍后再试。请检查网络后再点“查询”。',
  )
})
