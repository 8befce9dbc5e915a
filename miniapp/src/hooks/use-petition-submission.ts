import type { PetitionCreate, PetitionCreated } from '@xinfang/shared'
import { type MutableRefObject, useCallback, useRef, useState } from 'react'
import { submitPetition } from '../services/petitions'
import type { KeyValueStorage } from '../services/storage'
import {
  bodiesToRecover,
  type PetitionReceipt,
  saveReceipt,
  withBodyRefused,
  withBodySent,
  withNewKey,
} from '../utils/petition-draft'
import {
  type PetitionFieldErrors,
  type PetitionStep,
  placePetitionProblem,
  validatePetition,
} from '../utils/petition-form'
import { POSSIBLY_SUBMITTED_MESSAGE, submissionFailureOf, submissionMessageFor } from '../utils/petition-submission'
import { useMountedRef } from './use-mounted-ref'
import type { AttachmentItem } from './use-petition-attachments'
import type { PetitionDraftStore } from './use-petition-draft'

export type SubmitPetition = (input: PetitionCreate, idempotencyKey: string) => Promise<PetitionCreated>

/** Where the submission shows what stops it: the form's messages and steps. */
export interface SubmissionFeedback {
  showFieldErrors(errors: PetitionFieldErrors): void
  showFormError(message: string | undefined): void
  showProfileRequired(isRequired: boolean): void
  goTo(step: PetitionStep): void
}

export interface PetitionSubmissionOptions {
  userId: string
  draft: PetitionDraftStore
  /** Files not yet uploaded: the petition waits for them. */
  pending: MutableRefObject<AttachmentItem[]>
  feedback: SubmissionFeedback
  onSubmitted: (receipt: PetitionReceipt) => void
  storage?: KeyValueStorage
  submit?: SubmitPetition
  sleep?: (ms: number) => Promise<void>
}

export interface PetitionSubmission {
  isSubmitting: boolean
  /** What is happening while the submit button waits ("正在提交…"). */
  submitStatus: string | undefined
  submit(): Promise<void>
}

/** 409 IDEMPOTENCY_IN_FLIGHT: the first attempt is still being written; its answer is worth waiting for. */
const IN_FLIGHT_WAIT_MS = 1500
const IN_FLIGHT_WAITS_MAX = 4

type SendOutcome = { created: PetitionCreated; body: PetitionCreate; isEarlierVersion: boolean } | undefined

/**
 * Files the petition once: under the draft's Idempotency-Key, recorded on the device before it leaves, waiting out
 * an attempt still being written, and recovering an earlier version the API filed when this device lost the answer.
 */
export function usePetitionSubmission(options: PetitionSubmissionOptions): PetitionSubmission {
  const [isSubmitting, setSubmitting] = useState(false)
  const [submitStatus, setSubmitStatus] = useState<string | undefined>()
  const optionsRef = useRef(options)
  optionsRef.current = options
  const isMounted = useMountedRef()
  const isSending = useRef(false)
  const { userId } = options

  const submit = useCallback(async () => {
    // A second tap while the first is on its way (older users often tap twice) must not send twice.
    if (isSending.current) return
    const { draft, pending, feedback } = optionsRef.current
    const current = draft.latest.current
    feedback.showFormError(undefined)
    feedback.showProfileRequired(false)
    const validation = validatePetition(current.values, current.attachments)
    if (!validation.ok) {
      feedback.showFieldErrors(validation.errors)
      feedback.goTo(validation.firstStep)
      return
    }
    if (pending.current.some((item) => item.status === 'uploading')) {
      feedback.showFormError('材料还在上传，请等上传完成后再提交。')
      return
    }
    if (pending.current.some((item) => item.status === 'failed')) {
      feedback.goTo('attachments')
      feedback.showFormError('有材料没有上传成功，请重新上传或删除后再提交。')
      return
    }
    feedback.showFieldErrors({})
    isSending.current = true
    setSubmitting(true)
    setSubmitStatus('正在提交…')
    try {
      const outcome = await sendPetition(validation.input)
      if (outcome === undefined) return
      const receipt: PetitionReceipt = {
        userId,
        petitionId: outcome.created.id,
        trackingNo: outcome.created.trackingNo,
        queryCode: outcome.created.queryCode,
        kind: outcome.body.kind,
        submittedAt: outcome.created.submittedAt,
        decideBy: outcome.created.deadlines.decideBy,
        areLaterEditsMissing: outcome.isEarlierVersion,
      }
      saveReceipt(receipt, optionsRef.current.storage)
      // Filed: the draft and its key are done with. The next petition starts with a new key.
      draft.startOver()
      optionsRef.current.onSubmitted(receipt)
    } finally {
      isSending.current = false
      if (isMounted.current) {
        setSubmitting(false)
        setSubmitStatus(undefined)
      }
    }

    /**
     * Sends `body` under the draft's key until there is an answer worth acting on; undefined when it did not go
     * through (the reason is already on screen).
     */
    async function sendPetition(body: PetitionCreate): Promise<SendOutcome> {
      const send = optionsRef.current.submit ?? submitPetition
      const sleep = optionsRef.current.sleep ?? defaultSleep
      for (let waits = 0; ; waits++) {
        // Recorded before it leaves: if the app dies with the request on the wire, the next start still knows it.
        draft.save(withBodySent(draft.latest.current, body))
        try {
          return { created: await send(body, draft.latest.current.idempotencyKey), body, isEarlierVersion: false }
        } catch (error) {
          const failure = submissionFailureOf(error)
          if (failure === 'in_flight' && waits < IN_FLIGHT_WAITS_MAX) {
            setSubmitStatus('上一次提交还在处理中，请稍候…')
            await sleep(IN_FLIGHT_WAIT_MS)
            continue
          }
          if (failure === 'key_reused') return recoverEarlierVersion(body)
          if (failure === 'refused') draft.save(withBodyRefused(draft.latest.current, body))
          showFailure(error)
          return undefined
        }
      }
    }

    /** 422 for `body`: an earlier, unanswered version was filed. Its answer is replayed by sending it again. */
    async function recoverEarlierVersion(body: PetitionCreate): Promise<SendOutcome> {
      const send = optionsRef.current.submit ?? submitPetition
      setSubmitStatus('正在核对之前的提交…')
      for (const earlier of bodiesToRecover(draft.latest.current, body)) {
        try {
          return {
            created: await send(earlier, draft.latest.current.idempotencyKey),
            body: earlier,
            isEarlierVersion: true,
          }
        } catch (error) {
          if (submissionFailureOf(error) === 'key_reused') continue
          showFailure(error)
          return undefined
        }
      }
      // Filed under this key with content this device no longer has: a new key lets a deliberate resubmission through.
      draft.save(withNewKey(draft.latest.current))
      feedback.showFormError(POSSIBLY_SUBMITTED_MESSAGE)
      return undefined
    }

    function showFailure(error: unknown) {
      if (!isMounted.current) return
      const { problem, message } = submissionMessageFor(error)
      if (problem.code === 'PROFILE_REQUIRED') feedback.showProfileRequired(true)
      if (problem.code === 'VALIDATION_FAILED' && problem.errors !== undefined) {
        const placed = placePetitionProblem(problem)
        feedback.showFieldErrors(placed.fields)
        if (placed.step !== undefined) feedback.goTo(placed.step)
        if (placed.message !== undefined) feedback.showFormError(placed.message)
        return
      }
      feedback.showFormError(message)
    }
  }, [userId, isMounted])

  return { isSubmitting, submitStatus, submit }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
