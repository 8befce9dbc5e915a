import type { PetitionKind } from '@xinfang/shared'
import { useCallback, useMemo, useState } from 'react'
import type { ChooseFiles, FileSource } from '../services/files'
import type { KeyValueStorage } from '../services/storage'
import type { PetitionDraft, PetitionReceipt } from '../utils/petition-draft'
import {
  PETITION_FIELDS,
  type PetitionFieldErrors,
  type PetitionFormValues,
  type PetitionStep,
  stepAfter,
  stepBefore,
  validatePetition,
  validateStep,
} from '../utils/petition-form'
import { type AttachmentItem, type UploadFile, usePetitionAttachments } from './use-petition-attachments'
import { usePetitionDraft } from './use-petition-draft'
import { type SubmissionFeedback, type SubmitPetition, usePetitionSubmission } from './use-petition-submission'

export type { AttachmentItem } from './use-petition-attachments'

export type TypedField = 'title' | 'content' | 'address'

export interface PetitionFormOptions {
  /** Whose draft this is: a draft typed under another account is never shown. */
  userId: string
  /** The petition was filed; its receipt (tracking number, query code) is already stored on the device. */
  onSubmitted: (receipt: PetitionReceipt) => void
  storage?: KeyValueStorage
  submit?: SubmitPetition
  upload?: UploadFile
  chooseFiles?: ChooseFiles
  sleep?: (ms: number) => Promise<void>
}

export interface PetitionFormModel {
  step: PetitionStep
  values: PetitionFormValues
  errors: PetitionFieldErrors
  attachments: AttachmentItem[]
  /** A draft from an earlier visit was put back on screen. */
  isRestored: boolean
  isSubmitting: boolean
  /** What is happening while the submit button waits ("正在提交…"). */
  submitStatus: string | undefined
  /** A problem that belongs to no single field, with what to do next. */
  formError: string | undefined
  /** The API wants the real-name profile first (403 PROFILE_REQUIRED). */
  isProfileRequired: boolean
  change(field: TypedField, value: string): void
  chooseKind(kind: PetitionKind): void
  chooseCategory(categoryId: string): void
  /** For a report: the accused unit, or null for "I do not know which unit". */
  chooseTargetUnit(unitId: string | null): void
  next(): void
  back(): void
  goTo(step: PetitionStep): void
  addFiles(source: FileSource): Promise<void>
  retryUpload(key: string): Promise<void>
  removeAttachment(key: string): void
  submit(): Promise<void>
  /** Starts again from an empty form with a new key (the person confirmed it). */
  discard(): void
}

/**
 * 我要信访, one question per step: the answers (kept as a draft on the device), the messages that say what is missing,
 * the materials and their uploads, and the submission. This hook is the step flow; the draft, the uploads and the
 * submission each have their own.
 */
export function usePetitionForm(options: PetitionFormOptions): PetitionFormModel {
  const { userId, storage } = options
  const draft = usePetitionDraft({ userId, storage })
  const [errors, setErrors] = useState<PetitionFieldErrors>({})
  const [formError, setFormError] = useState<string | undefined>()
  const [isProfileRequired, setProfileRequired] = useState(false)
  const { latest, save, dismissRestored, startOver } = draft

  /** A message already shown follows the change, so it goes the moment the answer is right. */
  const recheck = useCallback((next: PetitionDraft) => {
    setErrors((current) => {
      if (Object.keys(current).length === 0) return current
      const fresh = validatePetition(next.values, next.attachments)
      const updated: PetitionFieldErrors = {}
      for (const field of PETITION_FIELDS) {
        const still = fresh.ok ? undefined : fresh.errors[field]
        if (current[field] !== undefined && still !== undefined) updated[field] = still
      }
      return updated
    })
  }, [])

  const changeValues = useCallback(
    (values: Partial<PetitionFormValues>) => {
      const next = { ...latest.current, values: { ...latest.current.values, ...values } }
      save(next)
      recheck(next)
    },
    [latest, save, recheck],
  )

  const change = useCallback((field: TypedField, value: string) => changeValues({ [field]: value }), [changeValues])
  const chooseKind = useCallback((kind: PetitionKind) => changeValues({ kind }), [changeValues])
  const chooseCategory = useCallback((categoryId: string) => changeValues({ categoryId }), [changeValues])
  const chooseTargetUnit = useCallback(
    (unitId: string | null) => changeValues({ targetUnitId: unitId ?? '', isTargetUnitUnknown: unitId === null }),
    [changeValues],
  )

  const goTo = useCallback(
    (step: PetitionStep) => {
      setFormError(undefined)
      dismissRestored()
      save({ ...latest.current, step })
    },
    [latest, save, dismissRestored],
  )

  const next = useCallback(() => {
    const current = latest.current
    const stepErrors = validateStep(current.step, current.values, current.attachments)
    if (Object.keys(stepErrors).length > 0) {
      setErrors(stepErrors)
      return
    }
    setErrors({})
    goTo(stepAfter(current.step))
  }, [latest, goTo])

  const back = useCallback(() => {
    setErrors({})
    goTo(stepBefore(latest.current.step))
  }, [latest, goTo])

  const uploads = usePetitionAttachments({
    draft: latest,
    saveDraft: save,
    onUploaded: () =>
      setErrors((current) =>
        current.attachmentIds === undefined ? current : { ...current, attachmentIds: undefined },
      ),
    onChooseFailed: () => setFormError('没能打开相册或文件，请再试一次。'),
    upload: options.upload,
    chooseFiles: options.chooseFiles,
  })

  const feedback = useMemo<SubmissionFeedback>(
    () => ({ showFieldErrors: setErrors, showFormError: setFormError, showProfileRequired: setProfileRequired, goTo }),
    [goTo],
  )
  const submission = usePetitionSubmission({
    userId,
    draft,
    pending: uploads.latestPending,
    feedback,
    onSubmitted: options.onSubmitted,
    storage,
    submit: options.submit,
    sleep: options.sleep,
  })

  const { clearPending } = uploads
  const discard = useCallback(() => {
    startOver()
    clearPending()
    setErrors({})
    setFormError(undefined)
    setProfileRequired(false)
  }, [startOver, clearPending])

  const uploaded: AttachmentItem[] = draft.draft.attachments.map((attachment) => ({
    key: attachment.id,
    status: 'uploaded',
    ...attachment,
  }))

  return {
    step: draft.draft.step,
    values: draft.draft.values,
    errors,
    attachments: [...uploaded, ...uploads.pending],
    isRestored: draft.isRestored,
    isSubmitting: submission.isSubmitting,
    submitStatus: submission.submitStatus,
    formError,
    isProfileRequired,
    change,
    chooseKind,
    chooseCategory,
    chooseTargetUnit,
    next,
    back,
    goTo,
    addFiles: uploads.addFiles,
    retryUpload: uploads.retryUpload,
    removeAttachment: uploads.removeAttachment,
    submit: submission.submit,
    discard,
  }
}
