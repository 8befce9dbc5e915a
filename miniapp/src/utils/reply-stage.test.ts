import type { PetitionDetail } from '@xinfang/shared'
import { expect, test } from 'vitest'
import { isReplyMessage, reviewKindAfter, reviewOpeningOf, reviewRefusalText } from './reply-stage'

const REQUEST_BY = Date.parse('2026-12-24T23:59:59.999+08:00')

function petition(overrides: Partial<PetitionDetail>): Pick<PetitionDetail, 'status' | 'deadlines'> {
  return { status: 'replied', deadlines: { reviewRequestBy: '2026-12-24T23:59:59.999+08:00' }, ...overrides }
}

test('a rated reply leads to 复查 after the first reply, to 复核 after the 复查 reply, and to nothing after 复核', () => {
  expect(reviewKindAfter('reply')).toBe('review')
  expect(reviewKindAfter('review')).toBe('recheck')
  expect(reviewKindAfter('recheck')).toBeNull()
})

test('复查 follows the first reply and 复核 the 复查 reply, only while the API gives a review deadline', () => {
  expect(reviewOpeningOf(petition({}), REQUEST_BY)).toEqual({
    kind: 'review',
    requestBy: '2026-12-24T23:59:59.999+08:00',
    isOpen: true,
  })
  expect(reviewOpeningOf(petition({}), REQUEST_BY + 1)?.isOpen).toBe(false)
  expect(reviewOpeningOf(petition({ status: 'review_replied' }), REQUEST_BY)?.kind).toBe('recheck')
  // A suggestion's reply has no review procedure: the API sends no reviewRequestBy.
  expect(reviewOpeningOf(petition({ deadlines: {} }), REQUEST_BY)).toBeNull()
})

test('reply notices are told from other progress by the title the API gives them', () => {
  const message = (subjectKind: 'petition' | 'booking', event: string | null, title = '信访事项进展') => ({
    subjectKind,
    event,
    title,
  })
  expect(isReplyMessage(message('petition', 'reply'))).toBe(true)
  expect(isReplyMessage(message('petition', 'review_reply'))).toBe(true)
  expect(isReplyMessage(message('petition', 'recheck_reply'))).toBe(true)
  expect(isReplyMessage(message('petition', 'accept', '信访事项答复'))).toBe(false)
  expect(isReplyMessage(message('booking', 'reply'))).toBe(false)
  // Messages from before events were named: the title tells.
  expect(isReplyMessage(message('petition', null, '信访事项答复'))).toBe(true)
  expect(isReplyMessage(message('petition', null, '信访事项复查答复'))).toBe(true)
  expect(isReplyMessage(message('petition', null, '信访事项复核答复'))).toBe(true)
  expect(isReplyMessage(message('petition', null, '信访事项受理'))).toBe(false)
  expect(isReplyMessage(message('booking', null, '信访事项答复'))).toBe(false)
})

test('a closed review window names the date the API gives and the article', () => {
  const text = reviewRefusalText(
    {
      type: 'urn:xinfang:problem:review-window-closed',
      title: '已超过申请复查（复核）的期限',
      status: 409,
      code: 'REVIEW_WINDOW_CLOSED',
      detail: '申请期限已于 2026年12月24日 届满（收到答复之日起 30 日内）',
    },
    'recheck',
  )
  expect(text).toBe(
    '已超过申请复核的期限（《信访工作条例》第三十六条）：申请期限已于 2026年12月24日 届满（收到答复之日起 30 日内）。如有新的事实和理由，可以重新提出信访事项。',
  )
})
