import {
  RATING_TAGS,
  type Rating,
  type RatingCreate,
  RatingCreateSchema,
  type RatingLevel,
  type RatingTagSchema,
} from '@xinfang/shared'
import { useCallback, useEffect, useRef, useState } from 'react'
import type { z } from 'zod'
import { type CallOptions, RequestAbortedError } from '../services/http'
import { ratePetition } from '../services/reviews'
import type { KeyValueStorage } from '../services/storage'
import { problemFromError } from '../utils/problem'
import { type ReplyStage, ratingRefusalText } from '../utils/reply-stage'
import {
  clearRatingDraft,
  emptyRatingDraft,
  forgetSentRatings,
  isDraftOf,
  loadRatingDraft,
  type RatingDraft,
  saveRatingDraft,
} from '../utils/review-drafts'
import { useRequestSignal } from './use-request-signal'

export type RatingTag = z.infer<typeof RatingTagSchema>

export interface RatingFormOptions {
  userId: string
  petitionId: string
  stage: ReplyStage
  /** The rating the API has for this reply: the petition detail's `rating`, whichever phone it came from. */
  given: Rating | undefined
  /**
   * The petition on screen is out of date: the API has just taken the rating, or refused it for a reason the petition
   * as it is now explains (rated elsewhere, window over, moved on). The page reads it again.
   */
  onStale?: () => void
  storage?: KeyValueStorage
  rate?: (petitionId: string, input: RatingCreate, call?: CallOptions) => Promise<Rating>
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
  /** The rating this sheet has just sent, as the API answered it: shown at once, before the detail is read again. */
  sent: Rating | undefined
  /** The API refused with ALREADY_RATED: the reply was rated before the petition on screen knew it. */
  isAlreadyRated: boolean
  /**
   * The comment typed on this device that the API does not have (the reply was rated elsewhere, or the window
   * closed first). It stays stored, and is shown wherever the form is not, so nothing written disappears.
   */
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
 * once the API has the rating. A refusal never empties the form, and a draft is only dropped once it is the rating.
 */
export function useRatingForm(options: RatingFormOptions): RatingFormModel {
  const { userId, petitionId, stage, given, storage } = options
  const target = { userId, petitionId, stage }
  const [initial] = useState(() => {
    const restored = loadRatingDraft(target, Date.now(), storage)
    return { draft: restored ?? emptyRatingDraft(target), isRestored: restored !== null }
  })
  const [draft, setDraft] = useState<RatingDraft>(initial.draft)
  const [sent, setSent] = useState<Rating | undefined>()
  const [isAlreadyRated, setAlreadyRated] = useState(false)
  const [fieldError, setFieldError] = useState<string | undefined>()
  const [formError, setFormError] = useState<string | undefined>()
  const [isSubmitting, setSubmitting] = useState(false)
  const draftRef = useRef(draft)
  const optionsRef = useRef(options)
  optionsRef.current = options
  const isSubmittingRef = useRef(false)

  useEffect(() => forgetSentRatings(optionsRef.current.storage), [])

  const isSentDraft = given !== undefined && isDraftOf(given, draft)
  useEffect(() => {
    // The rating came back with the detail exactly as drafted: an earlier tap went through and only its answer was
    // lost. The draft has nothing left to keep.
    if (isSentDraft) clearRatingDraft(draftRef.current, optionsRef.current.storage)
  }, [isSentDraft])

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

  const signalOfPage = useRequestSignal()
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
    isSubmittingRef.current = true
    setSubmitting(true)
    setFormError(undefined)
    try {
      const rating = await rate(current.petitionId, parsed.data, { signal: signalOfPage() })
      clearRatingDraft(current, store)
      const emptied = emptyRatingDraft(current)
      draftRef.current = emptied
      setDraft(emptied)
      setSent(rating)
      optionsRef.current.onStale?.()
    } catch (error) {
      // The page is gone; the draft stays stored for the next visit.
      if (error instanceof RequestAbortedError) return
      const problem = problemFromError(error)
      if (problem.code === 'ALREADY_RATED') {
        // What was typed stays in storage and on screen (as unsent) while the petition is read again for the rating.
        setAlreadyRated(true)
      } else {
        setFormError(ratingRefusalText(problem))
      }
      if (problem.code === 'ALREADY_RATED' || problem.code === 'RATING_NOT_OPEN') optionsRef.current.onStale?.()
    } finally {
      isSubmittingRef.current = false
      setSubmitting(false)
    }
  }, [signalOfPage])

  const comment = draft.comment.trim()
  return {
    level: draft.level,
    tags: draft.tags,
    comment: draft.comment,
    isRestored: initial.isRestored,
    fieldError,
    formError,
    isSubmitting,
    sent,
    isAlreadyRated,
    unsentComment: comment === '' || isSentDraft ? undefined : comment,
    choose,
    toggleTag,
    changeComment,
    submit,
  }
}
