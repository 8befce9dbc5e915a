import { expect, test } from 'vitest'
import { ratingStageOf } from './rating'

test('the reply a rating is for follows the status, as the API decides it, and a petition without a reply has none', () => {
  expect(ratingStageOf('replied')).toBe('reply')
  expect(ratingStageOf('review_replied')).toBe('review')
  expect(ratingStageOf('recheck_replied')).toBe('recheck')
  expect(ratingStageOf('finalized')).toBe('recheck')
  expect(ratingStageOf('in_progress')).toBeNull()
  expect(ratingStageOf('review_requested')).toBeNull()
  expect(ratingStageOf('closed')).toBeNull()
})
