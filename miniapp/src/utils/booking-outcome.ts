import type { Problem } from '@xinfang/shared'
import { ApiError } from '../services/http'
import { problemFromError } from './problem'

/** Booking a seat, or joining the waiting list (候补) of a full slot: the same form, the same body. */
export type BookingMode = 'book' | 'waitlist'

export type BookingField = 'matter' | 'attendees' | 'petitionId'
export type BookingFieldErrors = Partial<Record<BookingField, string>>

/**
 * What a failed booking means for the person, and so which way the page offers out of it:
 * - `slot_full`: 409 SLOT_FULL — join the waiting list, or pick another slot;
 * - `seats_available`: joining the waiting list of a slot that has seats after all — book it instead;
 * - `already_booked`: 409 BOOKING_EXISTS — 我的预约 shows the booking (or the place on the waiting list);
 * - `possibly_booked`: 422 IDEMPOTENCY_KEY_REUSED — an earlier attempt whose answer was lost did book;
 * - `closed`: 409 BOOKING_CLOSED — the window shut or the session was cancelled: another session;
 * - `suspended`: 403 BOOKING_SUSPENDED — the reason and until when, nothing to tap;
 * - `profile_required`: 403 PROFILE_REQUIRED — register the real name in 我的, then come back;
 * - `in_flight`: 409 IDEMPOTENCY_IN_FLIGHT — the first attempt is still being written: wait and send again;
 * - `unanswered`: no answer, or a 5xx after the client's own retries — the API may or may not have booked;
 * - `invalid`: 400 with field errors, placed under the fields;
 * - `refused`: anything else the API looked at and refused.
 */
export type BookingFailureKind =
  | 'slot_full'
  | 'seats_available'
  | 'already_booked'
  | 'possibly_booked'
  | 'closed'
  | 'suspended'
  | 'profile_required'
  | 'in_flight'
  | 'unanswered'
  | 'invalid'
  | 'refused'

export interface BookingFailure {
  kind: BookingFailureKind
  problem: Problem
  /** Bold first line: what happened. */
  title: string
  /** What to do next, in one or two sentences. */
  message: string
  fields: BookingFieldErrors
}

const KEPT = '您填写的内容已保存在本机'

export function bookingFailureOf(error: unknown, mode: BookingMode): BookingFailure {
  const problem = problemFromError(error)
  const failure = (kind: BookingFailureKind, title: string, message: string, fields: BookingFieldErrors = {}) => ({
    kind,
    problem,
    title,
    message,
    fields,
  })
  const submitLabel = mode === 'book' ? '确认预约' : '加入候补'

  if (!(error instanceof ApiError) || error.kind === 'network' || problem.status >= 500) {
    return failure(
      'unanswered',
      problem.title,
      `${KEPT}，请稍后再点“${submitLabel}”；重复点击不会重复${mode === 'book' ? '预约' : '候补'}。`,
    )
  }
  switch (problem.code) {
    case 'SLOT_FULL':
      return failure(
        'slot_full',
        '该时段名额不够了',
        `${withStop(problem.detail ?? problem.title)}加入候补后，有人取消时会按先后顺序自动为您预约，并发消息通知您。`,
      )
    case 'INVALID_TRANSITION':
      return mode === 'waitlist'
        ? failure('seats_available', '该时段又有名额了', `${withStop(problem.detail ?? problem.title)}${KEPT}。`)
        : failure('refused', problem.title, problem.detail ?? '请返回接访安排重新选择。')
    case 'BOOKING_EXISTS':
      return failure(
        'already_booked',
        mode === 'book' ? '您已预约过本场接访' : '您已在本场接访的预约或候补名单中',
        `${withStop(problem.detail ?? problem.title)}可在“我的预约”中查看；如需改时段，请先取消原来的预约。`,
      )
    case 'IDEMPOTENCY_KEY_REUSED':
      return failure(
        'possibly_booked',
        '您的预约可能已经成功',
        `为避免重复预约，请先到“我的预约”查看；如果没有找到，再点“${submitLabel}”。`,
      )
    case 'BOOKING_CLOSED':
      return failure('closed', problem.detail ?? problem.title, '请返回接访安排，选择其他场次。')
    case 'BOOKING_SUSPENDED':
      // The API's detail names the rule and the date the suspension ends.
      return failure('suspended', problem.title, problem.detail ?? '如有特殊情况，请联系接访单位。')
    case 'PROFILE_REQUIRED':
      return failure(
        'profile_required',
        '预约接访需要先登记实名信息',
        `信访实行实名制（《信访工作条例》第十九条）。请到“我的”登记姓名、身份证号码等信息。${KEPT}，登记后回到这里即可继续预约。`,
      )
    case 'IDEMPOTENCY_IN_FLIGHT':
      return failure('in_flight', '上一次提交还在处理中', `${KEPT}，请稍等片刻再点“${submitLabel}”查看结果。`)
    case 'RATE_LIMITED':
      return failure('refused', problem.title, `请稍等一两分钟后再试。${KEPT}。`)
    case 'VALIDATION_FAILED': {
      const fields = fieldErrorsOf(problem)
      return Object.keys(fields).length > 0
        ? failure('invalid', '请按提示修改后再提交', `${KEPT}。`, fields)
        : failure('refused', problem.title, problem.detail ?? '请检查填写的内容后重试。')
    }
    default:
      return failure('refused', problem.title, problem.detail ?? '请返回后重新选择；如果一直不成功，请稍后再来。')
  }
}

/** `body.matter` → matter; anything that belongs to no field of the form stays out. */
function fieldErrorsOf(problem: Problem): BookingFieldErrors {
  const fields: BookingFieldErrors = {}
  for (const error of problem.errors ?? []) {
    const field = error.path.replace(/^body\./, '').split('.')[0]
    if ((field === 'matter' || field === 'attendees' || field === 'petitionId') && fields[field] === undefined) {
      fields[field] = error.message
    }
  }
  return fields
}

function withStop(sentence: string): string {
  return /[。！？]$/.test(sentence) ? sentence : `${sentence}。`
}
