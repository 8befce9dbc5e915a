import type { PetitionDetail } from '@xinfang/shared'
import { expect, test } from 'vitest'
import { isReplyMessage, ratingOpeningOf, reviewOpeningOf, reviewRefusalText } from './reply-stage'

const REPLIED_AT = '2026-11-24T10:00:00.000+08:00'
const RATE_BY = Date.parse('2026-12-24T23:59:59.999+08:00')

function petition(overrides: Partial<PetitionDetail>): Pick<PetitionDetail, 'status' | 'timeline' | 'deadlines'> {
  return {
    status: 'replied',
    timeline: [
      { at: '2026-11-23T09:00:00.000+08:00', type: 'submitted', message: '已提交' },
      { at: REPLIED_AT, type: 'reply', message: '已作出书面处理意见' },
    ],
    deadlines: { reviewRequestBy: '2026-12-24T23:59:59.999+08:00' },
    ...overrides,
  }
}

test('a reply can be rated until the end of the thirtieth day after it, as the API counts', () => {
  expect(ratingOpeningOf(petition({}), RATE_BY)).toEqual({
    stage: 'reply',
    repliedAt: REPLIED_AT,
    rateBy: RATE_BY,
    isOpen: true,
  })
  expect(ratingOpeningOf(petition({}), RATE_BY + 1)?.isOpen).toBe(false)
})

test('the stage rated follows the status, and a petition without a reply has nothing to rate', () => {
  const reviewReplied = petition({
    status: 'review_replied',
    timeline: [
      ...petition({}).timeline,
      { at: '2026-12-10T10:00:00.000+08:00', type: 'review_reply', message: '复查' },
    ],
  })
  expect(ratingOpeningOf(reviewReplied, RATE_BY)).toMatchObject({
    stage: 'review',
    repliedAt: '2026-12-10T10:00:00.000+08:00',
  })
  expect(ratingOpeningOf(petition({ status: 'finalized' }), RATE_BY)?.stage).toBe('recheck')
  expect(ratingOpeningOf(petition({ status: 'in_progress' }), RATE_BY)).toBeNull()
  expect(ratingOpeningOf(petition({ status: 'review_requested' }), RATE_BY)).toBeNull()
})

test('复查 follows the first reply and 复核 the 复查 reply, only while the API gives a review deadline', () => {
  expect(reviewOpeningOf(petition({}), RATE_BY)).toEqual({
    kind: 'review',
    requestBy: '2026-12-24T23:59:59.999+08:00',
    isOpen: true,
  })
  expect(reviewOpeningOf(petition({}), RATE_BY + 1)?.isOpen).toBe(false)
  expect(reviewOpeningOf(petition({ status: 'review_replied' }), RATE_BY)?.kind).toBe('recheck')
  // A suggestion's reply has no review procedure: the API sends no reviewRequestBy.
  expect(reviewOpeningOf(petition({ deadlines: {} }), RATE_BY)).toBeNull()
})

test('reply notices are told from other progress by the title the API gives them', () => {
  expect(isReplyMessage({ subjectKind: 'petition', title: '信访事项答复' })).toBe(true)
  expect(isReplyMessage({ subjectKind: 'petition', title: '信访事项复查答复' })).toBe(true)
  expect(isReplyMessage({ subjectKind: 'petition', title: '信访事项复核答复' })).toBe(true)
  expect(isReplyMessage({ subjectKind: 'petition', title: '信访事项受理' })).toBe(false)
  expect(isReplyMessage({ subjectKind: 'booking', title: '信访事项答复' })).toBe(false)
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
