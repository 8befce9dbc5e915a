import {
  RATING_TAGS,
  type Rating,
  type RatingCreate,
  RatingCreateSchema,
  type RatingLevel,
  type RatingTagSchema,
} from '@xinfang/shared'
import { useCallback, useRef, useState } from 'react'
import type { z } from 'zod'
import { ratePetition } from '../services/reviews'
import type { KeyValueStorage } from '../services/storage'
import { problemFromError } from '../utils/problem'
import { type ReplyStage, ratingRefusalText } from '../utils/reply-stage'
import {
  clearRatingDraft,
  emptyRatingDraft,
  findGivenRating,
  type GivenRating,
  loadRatingDraft,
  type RatingDraft,
  saveGivenRating,
  saveRatingDraft,
} from '../utils/review-drafts'

export type RatingTag = z.infer<typeof RatingTagSchema>

/** 评价内容最多 500 个字 (RatingCreateSchema). */
export const RATING_COMMENT_MAX = 500

export interface RatingFormOptions {
  userId: string
  petitionId: string
  stage: ReplyStage
  storage?: KeyValueStorage
  rate?: (petitionId: string, input: RatingCreate) => Promise<Rating>
}

export interface RatingFormModel {
  level: RatingLevel | null
  tags: RatingTag[]
  comment: string
  /** A draft from an earlier visit was put back on screen. */
  isRestored: boolean
  /** What is wrong with the form itself (no level chosen, a comment too long). */
  fieldError: string | undefined
  /** Why the API refused or could not be reached, with what to do next. */
  formError: string | undefined
  isSubmitting: boolean
  /** The rating of this reply once given (on this device, or as the API reported with ALREADY_RATED). */
  given: GivenRating | undefined
  /** The comment that was typed when the API said this reply had been rated already; it was not sent. */
  unsentComment: string | undefined
  choose(level: RatingLevel): void
  toggleTag(tag: RatingTag): void
  changeComment(comment: string): void
  submit(): Promise<void>
}

/** The body the API expects: tags and comment only when there are any (RatingCreateSchema). */
export function ratingBodyOf(draft: Pick<RatingDraft, 'level' | 'tags' | 'comment'>) {
  const comment = draft.comment.trim()
  // Tags in the order the sheet shows them, whatever order they were tapped in.
  const tags = RATING_TAGS.filter((tag) => draft.tags.includes(tag))
  return RatingCreateSchema.safeParse({
    level: draft.level ?? undefined,
    ...(tags.length > 0 ? { tags } : {}),
    ...(comment !== '' ? { comment } : {}),
  })
}

/**
 * The rating sheet of one reply: level, quick tags and comment, kept on the device with every change and removed
 * once the API has the rating. A refusal never empties the form.
 */
export function useRatingForm(options: RatingFormOptions): RatingFormModel {
  const { userId, petitionId, stage, storage } = options
  const target = { userId, petitionId, stage }
  const [initial] = useState(() => {
    const restored = loadRatingDraft(target, Date.now(), storage)
    return { draft: restored ?? emptyRatingDraft(target), isRestored: restored !== null }
  })
  const [draft, setDraft] = useState<RatingDraft>(initial.draft)
  const [given, setGiven] = useState<GivenRating | undefined>(() => findGivenRating(target, storage))
  const [fieldError, setFieldError] = useState<string | undefined>()
  const [formError, setFormError] = useState<string | undefined>()
  const [isSubmitting, setSubmitting] = useState(false)
  const [unsentComment, setUnsentComment] = useState<string | undefined>(() =>
    given?.rating === null && initial.draft.comment.trim() !== '' ? initial.draft.comment.trim() : undefined,
  )
  const draftRef = useRef(draft)
  const optionsRef = useRef(options)
  optionsRef.current = options
  const isSubmittingRef = useRef(false)

  /** Every change goes to storage at once: the app may be killed the moment after. */
  const commit = useCallback(
    (update: (current: RatingDraft) => RatingDraft) => {
      const next = { ...update(draftRef.current), savedAt: Date.now() }
      draftRef.current = next
      setDraft(next)
      saveRatingDraft(next, storage)
      setFieldError(undefined)
    },
    [storage],
  )

  const choose = useCallback((level: RatingLevel) => commit((current) => ({ ...current, level })), [commit])

  const toggleTag = useCallback(
    (tag: RatingTag) =>
      commit((current) => ({
        ...current,
        tags: current.tags.includes(tag) ? current.tags.filter((kept) => kept !== tag) : [...current.tags, tag],
      })),
    [commit],
  )

  const changeComment = useCallback((comment: string) => commit((current) => ({ ...current, comment })), [commit])

  const submit = useCallback(async () => {
    if (isSubmittingRef.current) return
    const current = draftRef.current
    const parsed = ratingBodyOf(current)
    if (current.level === null) {
      setFieldError('请先选择满意程度：满意、基本满意或不满意')
      return
    }
    if (!parsed.success) {
      setFieldError(parsed.error.issues[0]?.message ?? '请检查填写的内容')
      return
    }
    const { rate = ratePetition, storage: store } = optionsRef.current
    const target = { userId: current.userId, petitionId: current.petitionId, stage: current.stage }
    isSubmittingRef.current = true
    setSubmitting(true)
    setFormError(undefined)
    try {
      const rating = await rate(target.petitionId, parsed.data)
      setGiven(saveGivenRating(target, rating, store))
      clearRatingDraft(target, store)
    } catch (error) {
      const problem = problemFromError(error)
      if (problem.code === 'ALREADY_RATED') {
        // Rated before (on another phone, or by an earlier tap whose answer was lost): the form has nothing left to
        // do. What was typed stays in storage and on screen, so nothing written is lost.
        setGiven(saveGivenRating(target, null, store))
        if (current.comment.trim() !== '') setUnsentComment(current.comment.trim())
      } else {
        setFormError(ratingRefusalText(problem))
      }
    } finally {
      isSubmittingRef.current = false
      setSubmitting(false)
    }
  }, [])

  return {
    level: draft.level,
    tags: draft.tags,
    comment: draft.comment,
    isRestored: initial.isRestored,
    fieldError,
    formError,
    isSubmitting,
    given,
    unsentComment,
    choose,
    toggleTag,
    changeComment,
    submit,
  }
}
