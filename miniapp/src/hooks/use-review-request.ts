import { ReviewRequestCreateSchema } from '@xinfang/shared'
import { useCallback, useRef, useState } from 'react'
import { type CallOptions, RequestAbortedError } from '../services/http'
import { type ReviewRequestCreate, type ReviewRequestCreated, requestReview } from '../services/reviews'
import type { KeyValueStorage } from '../services/storage'
import { problemFromError } from '../utils/problem'
import { type ReviewKind, reviewRefusalText } from '../utils/reply-stage'
import { clearReviewDraft, loadReviewDraft, saveReviewDraft } from '../utils/review-drafts'
import { useRequestSignal } from './use-request-signal'

export interface ReviewRequestOptions {
  userId: string
  petitionId: string
  kind: ReviewKind
  storage?: KeyValueStorage
  send?: (petitionId: string, input: ReviewRequestCreate, call?: CallOptions) => Promise<ReviewRequestCreated>
}

export interface ReviewRequestModel {
  reason: string
  /** Characters that count, as the API counts them (trimmed). */
  reasonLength: number
  isRestored: boolean
  fieldError: string | undefined
  formError: string | undefined
  /** The refusal left nothing to retry (window closed, finalized, already moved on): show it instead of the form. */
  isRefusedForGood: boolean
  isSubmitting: boolean
  created: ReviewRequestCreated | undefined
  changeReason(reason: string): void
  submit(): Promise<void>
}

const FINAL_REFUSALS = new Set(['REVIEW_WINDOW_CLOSED', 'PETITION_FINALIZED', 'INVALID_TRANSITION'])

/** The 复查/复核 request form: the reason, kept on the device until the API has the request. */
export function useReviewRequest(options: ReviewRequestOptions): ReviewRequestModel {
  const { userId, petitionId, kind, storage } = options
  const [initial] = useState(() => loadReviewDraft({ userId, petitionId, kind }, Date.now(), storage))
  const [reason, setReason] = useState(initial?.reason ?? '')
  const [fieldError, setFieldError] = useState<string | undefined>()
  const [formError, setFormError] = useState<string | undefined>()
  const [isRefusedForGood, setRefusedForGood] = useState(false)
  const [isSubmitting, setSubmitting] = useState(false)
  const [created, setCreated] = useState<ReviewRequestCreated | undefined>()
  const reasonRef = useRef(reason)
  const optionsRef = useRef(options)
  optionsRef.current = options
  const isSubmittingRef = useRef(false)

  const changeReason = useCallback(
    (next: string) => {
      reasonRef.current = next
      setReason(next)
      saveReviewDraft({ userId, petitionId, kind, savedAt: Date.now(), reason: next }, storage)
      // A message already shown goes the moment the reason is long enough.
      setFieldError((current) =>
        current !== undefined && ReviewRequestCreateSchema.safeParse({ reason: next }).success ? undefined : current,
      )
    },
    [userId, petitionId, kind, storage],
  )

  const signalOfPage = useRequestSignal()
  const submit = useCallback(async () => {
    if (isSubmittingRef.current) return
    const parsed = ReviewRequestCreateSchema.safeParse({ reason: reasonRef.current })
    if (!parsed.success) {
      setFieldError(parsed.error.issues[0]?.message ?? '请写明不服的理由和诉求')
      return
    }
    const { send = requestReview, storage: store } = optionsRef.current
    isSubmittingRef.current = true
    setSubmitting(true)
    setFormError(undefined)
    try {
      const answer = await send(petitionId, parsed.data, { signal: signalOfPage() })
      clearReviewDraft({ userId, petitionId, kind }, store)
      setCreated(answer)
    } catch (error) {
      if (error instanceof RequestAbortedError) return
      const problem = problemFromError(error)
      // The reason stays on the device even then: the person may want it for a new petition.
      setRefusedForGood(FINAL_REFUSALS.has(problem.code))
      setFormError(reviewRefusalText(problem, kind))
    } finally {
      isSubmittingRef.current = false
      setSubmitting(false)
    }
  }, [userId, petitionId, kind, signalOfPage])

  return {
    reason,
    reasonLength: reason.trim().length,
    isRestored: initial !== null,
    fieldError,
    formError,
    isRefusedForGood,
    isSubmitting,
    created,
    changeReason,
    submit,
  }
}
