import { expect, test } from 'vitest'
import { ERROR_CODE_LIST, ERROR_CODES, isErrorCode, statusOf } from './errors'
import { ProblemSchema, problemTypeOf } from './problem'

test('every error code is UPPER_SNAKE, maps to a 4xx or 5xx status and has a Chinese title', () => {
  for (const code of ERROR_CODE_LIST) {
    expect(code).toMatch(/^[A-Z][A-Z0-9_]*$/)
    expect(statusOf(code)).toBeGreaterThanOrEqual(400)
    expect(statusOf(code)).toBeLessThan(600)
    expect(ERROR_CODES[code].title).toMatch(/[\u4e00-\u9fff]/)
  }
})

test('the codes the public contract names keep their statuses', () => {
  expect(statusOf('SLOT_FULL')).toBe(409)
  expect(statusOf('IDEMPOTENCY_KEY_REUSED')).toBe(422)
  expect(statusOf('IDEMPOTENCY_KEY_REQUIRED')).toBe(400)
  expect(statusOf('PROFILE_REQUIRED')).toBe(403)
  expect(statusOf('WECHAT_UNAVAILABLE')).toBe(503)
  expect(statusOf('PAYLOAD_TOO_LARGE')).toBe(413)
})

test('only listed codes are recognised as error codes', () => {
  expect(isErrorCode('NOT_FOUND')).toBe(true)
  expect(isErrorCode('toString')).toBe(false)
  expect(isErrorCode(42)).toBe(false)
})

test('a problem with an unknown code or a 2xx status does not parse', () => {
  const valid = { type: problemTypeOf('NOT_FOUND'), title: '找不到', status: 404, code: 'NOT_FOUND' }
  expect(ProblemSchema.safeParse(valid).success).toBe(true)
  expect(ProblemSchema.safeParse({ ...valid, code: 'MADE_UP' }).success).toBe(false)
  expect(ProblemSchema.safeParse({ ...valid, status: 200 }).success).toBe(false)
})

test('problem type URIs are stable and derived from the code', () => {
  expect(problemTypeOf('SLOT_FULL')).toBe('urn:xinfang:problem:slot-full')
})
