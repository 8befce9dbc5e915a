import { IdSchema, RATING_TAGS, type Rating, RatingLevelSchema, RatingTagSchema } from '@xinfang/shared'
import { z } from 'zod'
import { type KeyValueStorage, RETIRED_STORAGE_KEYS, STORAGE_KEYS, taroStorage } from '../services/storage'
import type { ReplyStage, ReviewKind } from './reply-stage'

/**
 * What the citizen writes about a reply — the rating's comment, the reason for 复查/复核 — kept on the device after
 * every change until the API has it, like the petition draft (utils/petition-draft.ts): a phone call or WeChat
 * killing the mini-program never costs an older person what they typed. A person may be writing about more than one
 * petition, so each draft is kept per petition and stage, a few at most, each for a month. Whether a reply has been
 * rated is not kept here: the petition detail says so, whichever phone the rating came from.
 */
export const REVIEW_DRAFT_TTL_MS = 30 * 24 * 60 * 60 * 1000
const DRAFTS_MAX = 10

const StageSchema = z.enum(['reply', 'review', 'recheck'])

const RatingDraftSchema = z.object({
  userId: IdSchema,
  petitionId: IdSchema,
  stage: StageSchema,
  savedAt: z.number(),
  level: RatingLevelSchema.nullable(),
  tags: z.array(RatingTagSchema).max(3),
  comment: z.string().max(5000),
})
export type RatingDraft = z.infer<typeof RatingDraftSchema>

const ReviewDraftSchema = z.object({
  userId: IdSchema,
  petitionId: IdSchema,
  kind: z.enum(['review', 'recheck']),
  savedAt: z.number(),
  reason: z.string().max(20_000),
})
export type ReviewDraft = z.infer<typeof ReviewDraftSchema>

export interface RatingTarget {
  userId: string
  petitionId: string
  stage: ReplyStage
}

export interface ReviewTarget {
  userId: string
  petitionId: string
  kind: ReviewKind
}

/** The entries kept under `key` that still parse; anything else (an old build's shape) is dropped. */
function readList<T>(storage: KeyValueStorage, key: string, schema: z.ZodType<T>): T[] {
  const stored = storage.get(key)
  if (!Array.isArray(stored)) return []
  return stored.flatMap((entry) => {
    const parsed = schema.safeParse(entry)
    return parsed.success ? [parsed.data] : []
  })
}

function writeList(storage: KeyValueStorage, key: string, entries: unknown[]): boolean {
  try {
    if (entries.length === 0) storage.remove(key)
    else storage.set(key, entries)
    return true
  } catch {
    // A full storage loses the draft, not the form: what is on screen stays.
    return false
  }
}

const sameRating = (a: RatingTarget, b: RatingTarget) =>
  a.userId === b.userId && a.petitionId === b.petitionId && a.stage === b.stage
const sameReview = (a: ReviewTarget, b: ReviewTarget) =>
  a.userId === b.userId && a.petitionId === b.petitionId && a.kind === b.kind

export function isRatingDraftEmpty(draft: Pick<RatingDraft, 'level' | 'tags' | 'comment'>): boolean {
  return draft.level === null && draft.tags.length === 0 && draft.comment === ''
}

export function emptyRatingDraft(target: RatingTarget, now: number = Date.now()): RatingDraft {
  return { ...target, savedAt: now, level: null, tags: [], comment: '' }
}

/** This user's draft for this reply, or null; drafts older than a month are removed on the way. */
export function loadRatingDraft(
  target: RatingTarget,
  now: number = Date.now(),
  storage: KeyValueStorage = taroStorage,
): RatingDraft | null {
  const all = readList(storage, STORAGE_KEYS.ratingDrafts, RatingDraftSchema)
  const fresh = all.filter((draft) => now - draft.savedAt <= REVIEW_DRAFT_TTL_MS)
  if (fresh.length !== all.length) writeList(storage, STORAGE_KEYS.ratingDrafts, fresh)
  return fresh.find((draft) => sameRating(draft, target)) ?? null
}

/** Writes the draft (an empty one is removed instead). False when the device refused to store it. */
export function saveRatingDraft(draft: RatingDraft, storage: KeyValueStorage = taroStorage): boolean {
  const others = readList(storage, STORAGE_KEYS.ratingDrafts, RatingDraftSchema).filter(
    (kept) => !sameRating(kept, draft),
  )
  const entries = isRatingDraftEmpty(draft) ? others : [draft, ...others]
  return writeList(storage, STORAGE_KEYS.ratingDrafts, entries.slice(0, DRAFTS_MAX))
}

export function clearRatingDraft(target: RatingTarget, storage: KeyValueStorage = taroStorage): void {
  const others = readList(storage, STORAGE_KEYS.ratingDrafts, RatingDraftSchema).filter(
    (kept) => !sameRating(kept, target),
  )
  writeList(storage, STORAGE_KEYS.ratingDrafts, others)
}

/**
 * The draft is the rating the API has: it was sent, and only the answer was lost on the way (a tunnel, WeChat
 * killed), so nothing in it is left unsent.
 */
export function isDraftOf(rating: Pick<Rating, 'level' | 'tags' | 'comment'>, draft: RatingDraft): boolean {
  const sameTags = RATING_TAGS.every((tag) => draft.tags.includes(tag) === rating.tags.includes(tag))
  return draft.level === rating.level && sameTags && draft.comment.trim() === (rating.comment ?? '')
}

/** Removes what an earlier version kept of the ratings sent from this device; the petition detail carries them now. */
export function forgetSentRatings(storage: KeyValueStorage = taroStorage): void {
  try {
    storage.remove(RETIRED_STORAGE_KEYS.givenRatings)
  } catch {
    // Left for the next visit: nothing reads it.
  }
}

/** This user's reason for this request, or null; drafts older than a month are removed on the way. */
export function loadReviewDraft(
  target: ReviewTarget,
  now: number = Date.now(),
  storage: KeyValueStorage = taroStorage,
): ReviewDraft | null {
  const all = readList(storage, STORAGE_KEYS.reviewDrafts, ReviewDraftSchema)
  const fresh = all.filter((draft) => now - draft.savedAt <= REVIEW_DRAFT_TTL_MS)
  if (fresh.length !== all.length) writeList(storage, STORAGE_KEYS.reviewDrafts, fresh)
  return fresh.find((draft) => sameReview(draft, target)) ?? null
}

export function saveReviewDraft(draft: ReviewDraft, storage: KeyValueStorage = taroStorage): boolean {
  const others = readList(storage, STORAGE_KEYS.reviewDrafts, ReviewDraftSchema).filter(
    (kept) => !sameReview(kept, draft),
  )
  const entries = draft.reason === '' ? others : [draft, ...others]
  return writeList(storage, STORAGE_KEYS.reviewDrafts, entries.slice(0, DRAFTS_MAX))
}

export function clearReviewDraft(target: ReviewTarget, storage: KeyValueStorage = taroStorage): void {
  const others = readList(storage, STORAGE_KEYS.reviewDrafts, ReviewDraftSchema).filter(
    (kept) => !sameReview(kept, target),
  )
  writeList(storage, STORAGE_KEYS.reviewDrafts, others)
}
