import { ERROR_CODES, type ErrorCode, problemTypeOf } from '@xinfang/shared'
import { expect, test } from 'vitest'
import { ApiError } from '../services/http'
import { bookingFailureOf } from './booking-outcome'

function refusal(code: ErrorCode, detail?: string, errors?: { path: string; message: string }[]): ApiError {
  const { status, title } = ERROR_CODES[code]
  return new ApiError({ type: problemTypeOf(code), title, status, code, detail, errors }, 'http')
}

test('a closed window points back to the schedule with the API’s reason', () => {
  const failure = bookingFailureOf(refusal('BOOKING_CLOSED', '本场接访已截止预约'), 'book')

  expect(failure).toMatchObject({
    kind: 'closed',
    title: '本场接访已截止预约',
    message: '请返回接访安排，选择其他场次。',
  })
})

test('no answer at all keeps the draft and says a second tap books only once', () => {
  const network = new ApiError(
    {
      type: problemTypeOf('NETWORK_ERROR'),
      title: '网络不稳定，请检查网络后重试',
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
    },
    'network',
  )

  expect(bookingFailureOf(network, 'book')).toMatchObject({
    kind: 'unanswered',
    title: '网络不稳定，请检查网络后重试',
    message: '您填写的内容已保存在本机，请稍后再点“确认预约”；重复点击不会重复预约。',
  })
  expect(bookingFailureOf(network, 'waitlist').message).toContain('加入候补')
})

test('field errors from the API are placed under the fields', () => {
  const failure = bookingFailureOf(
    refusal('VALIDATION_FAILED', undefined, [{ path: 'body.attendees', message: '到场人数最多5人（含本人）' }]),
    'book',
  )

  expect(failure.kind).toBe('invalid')
  expect(failure.fields).toEqual({ attendees: '到场人数最多5人（含本人）' })
})

test('joining the waiting list of a slot that has seats again offers to book it instead', () => {
  const failure = bookingFailureOf(refusal('INVALID_TRANSITION', '该时段尚有名额，请直接预约'), 'waitlist')

  expect(failure.kind).toBe('seats_available')
  expect(failure.message).toContain('该时段尚有名额，请直接预约。')
})
