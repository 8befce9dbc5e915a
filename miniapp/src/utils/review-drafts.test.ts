import { expect, test } from 'vitest'
import type { KeyValueStorage } from '../services/storage'
import {
  clearRatingDraft,
  emptyRatingDraft,
  forgetSentRatings,
  isDraftOf,
  loadRatingDraft,
  loadReviewDraft,
  REVIEW_DRAFT_TTL_MS,
  saveRatingDraft,
  saveReviewDraft,
} from './review-drafts'

function memoryStorage(): KeyValueStorage & { entries: Map<string, unknown> } {
  const entries = new Map<string, unknown>()
  return {
    entries,
    get: (key) => entries.get(key),
    set: (key, value) => void entries.set(key, structuredClone(value)),
    remove: (key) => void entries.delete(key),
  }
}

const NOW = Date.parse('2026-11-25T10:00:00+08:00')
const TARGET = { userId: 'citizen_1', petitionId: 'pet_1', stage: 'reply' as const }

test('drafts are kept per petition and reply stage, and only for the user who wrote them', () => {
  const storage = memoryStorage()
  saveRatingDraft({ ...emptyRatingDraft(TARGET, NOW), level: 'dissatisfied', comment: '没有解决' }, storage)
  saveRatingDraft({ ...emptyRatingDraft({ ...TARGET, petitionId: 'pet_2' }, NOW), comment: '另一件' }, storage)

  expect(loadRatingDraft(TARGET, NOW, storage)).toMatchObject({ level: 'dissatisfied', comment: '没有解决' })
  expect(loadRatingDraft({ ...TARGET, petitionId: 'pet_2' }, NOW, storage)?.comment).toBe('另一件')
  expect(loadRatingDraft({ ...TARGET, stage: 'review' }, NOW, storage)).toBeNull()
  expect(loadRatingDraft({ ...TARGET, userId: 'citizen_2' }, NOW, storage)).toBeNull()

  clearRatingDraft(TARGET, storage)
  expect(loadRatingDraft(TARGET, NOW, storage)).toBeNull()
  expect(loadRatingDraft({ ...TARGET, petitionId: 'pet_2' }, NOW, storage)?.comment).toBe('另一件')
})

test('an emptied draft is removed, and a month-old one is forgotten', () => {
  const storage = memoryStorage()
  saveReviewDraft({ userId: 'citizen_1', petitionId: 'pet_1', kind: 'review', savedAt: NOW, reason: '理由' }, storage)
  saveReviewDraft({ userId: 'citizen_1', petitionId: 'pet_1', kind: 'review', savedAt: NOW, reason: '' }, storage)
  expect(storage.entries.size).toBe(0)

  saveReviewDraft({ userId: 'citizen_1', petitionId: 'pet_1', kind: 'review', savedAt: NOW, reason: '理由' }, storage)
  const target = { userId: 'citizen_1', petitionId: 'pet_1', kind: 'review' as const }
  expect(loadReviewDraft(target, NOW + REVIEW_DRAFT_TTL_MS, storage)?.reason).toBe('理由')
  expect(loadReviewDraft(target, NOW + REVIEW_DRAFT_TTL_MS + 1, storage)).toBeNull()
  expect(storage.entries.size).toBe(0)
})

test('anything else found under the keys is ignored rather than trusted', () => {
  const storage = memoryStorage()
  storage.set('xinfang.ratingDrafts', [{ userId: 'citizen_1', petitionId: 'pet_1', stage: 'reply', level: 'great' }])
  storage.set('xinfang.reviewDrafts', 'not a list')

  expect(loadRatingDraft(TARGET, NOW, storage)).toBeNull()
  expect(loadReviewDraft({ userId: 'citizen_1', petitionId: 'pet_1', kind: 'review' }, NOW, storage)).toBeNull()
})

test('a draft is the rating when level, tags and trimmed comment are what the API has, in any tag order', () => {
  const draft = {
    ...emptyRatingDraft(TARGET, NOW),
    level: 'dissatisfied' as const,
    tags: ['result' as const, 'speed' as const],
    comment: ' 没有解决 ',
  }
  const rating = { level: 'dissatisfied' as const, tags: ['speed' as const, 'result' as const], comment: '没有解决' }

  expect(isDraftOf(rating, draft)).toBe(true)
  expect(isDraftOf({ ...rating, level: 'satisfied' }, draft)).toBe(false)
  expect(isDraftOf({ ...rating, tags: ['speed'] }, draft)).toBe(false)
  expect(isDraftOf({ ...rating, comment: null }, draft)).toBe(false)
  expect(isDraftOf({ ...rating, comment: null }, { ...draft, comment: '  ' })).toBe(true)
})

test('the list of sent ratings an earlier version kept is removed, and nothing else', () => {
  const storage = memoryStorage()
  storage.set('xinfang.givenRatings', [{ userId: 'citizen_1', petitionId: 'pet_1', stage: 'reply', rating: null }])
  saveRatingDraft({ ...emptyRatingDraft(TARGET, NOW), comment: '没有解决' }, storage)

  forgetSentRatings(storage)

  expect([...storage.entries.keys()]).toEqual(['xinfang.ratingDrafts'])
})
