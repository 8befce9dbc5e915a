import {
  ATTACHMENT_MAX_BYTES,
  ATTACHMENTS_PER_PETITION_MAX,
  type Attachment,
  type PetitionCreate,
  type PetitionCreated,
  type PetitionKind,
} from '@xinfang/shared'
import { useCallback, useEffect, useRef, useState } from 'react'
import { type ChooseFiles, type ChosenFile, chooseFilesOnThisPlatform, type FileSource } from '../services/files'
import { submitPetition, uploadAttachment } from '../services/petitions'
import type { KeyValueStorage } from '../services/storage'
import {
  bodiesToRecover,
  clearPetitionDraft,
  emptyPetitionDraft,
  isPetitionDraftEmpty,
  loadPetitionDraft,
  type PetitionDraft,
  type PetitionReceipt,
  savePetitionDraft,
  saveReceipt,
  withBodyRefused,
  withBodySent,
  withNewKey,
} from '../utils/petition-draft'
import {
  PETITION_FIELDS,
  type PetitionFieldErrors,
  type PetitionFormValues,
  type PetitionStep,
  placePetitionProblem,
  stepAfter,
  stepBefore,
  type UploadedAttachment,
  validatePetition,
  validateStep,
} from '../utils/petition-form'
import { POSSIBLY_SUBMITTED_MESSAGE, submissionFailureOf, submissionMessageFor } from '../utils/petition-submission'
import { problemFromError } from '../utils/problem'

export type AttachmentItem =
  | ({ key: string; status: 'uploaded' } & UploadedAttachment)
  | { key: string; status: 'uploading'; name: string; size: number; file: ChosenFile }
  | { key: string; status: 'failed'; name: string; size: number; file: ChosenFile; message: string; canRetry: boolean }

export type TypedField = 'title' | 'content' | 'address'

export interface PetitionFormOptions {
  /** Whose draft this is: a draft typed under another account is never shown. */
  userId: string
  /** The petition was filed; its receipt (tracking number, query code) is already stored on the device. */
  onSubmitted: (receipt: PetitionReceipt) => void
  storage?: KeyValueStorage
  submit?: (input: PetitionCreate, idempotencyKey: string) => Promise<PetitionCreated>
  upload?: (file: { filePath: string; fileName?: string }) => Promise<Attachment>
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

/** 409 IDEMPOTENCY_IN_FLIGHT: the first attempt is still being written; its answer is worth waiting for. */
const IN_FLIGHT_WAIT_MS = 1500
const IN_FLIGHT_WAITS_MAX = 4

export function usePetitionForm(options: PetitionFormOptions): PetitionFormModel {
  const { userId, storage } = options
  const [initial] = useState(() => {
    const restored = loadPetitionDraft(userId, Date.now(), storage)
    return { draft: restored ?? emptyPetitionDraft(userId), isRestored: restored !== null }
  })
  const [draft, setDraft] = useState<PetitionDraft>(initial.draft)
  const [isRestored, setRestored] = useState(initial.isRestored)
  const [errors, setErrors] = useState<PetitionFieldErrors>({})
  const [pending, setPending] = useState<AttachmentItem[]>([])
  const [isSubmitting, setSubmitting] = useState(false)
  const [submitStatus, setSubmitStatus] = useState<string | undefined>()
  const [formError, setFormError] = useState<string | undefined>()
  const [isProfileRequired, setProfileRequired] = useState(false)

  // The latest draft and options for callbacks fired from stale closures (an upload finishing, a second tap).
  const draftRef = useRef(draft)
  const pendingRef = useRef(pending)
  pendingRef.current = pending
  const optionsRef = useRef(options)
  optionsRef.current = options
  const isMounted = useRef(true)
  useEffect(() => {
    isMounted.current = true
    return () => {
      isMounted.current = false
    }
  }, [])

  /** Every change goes to storage at once: the app may be killed the moment after. */
  const commit = useCallback(
    (next: PetitionDraft) => {
      const stamped = { ...next, savedAt: Date.now() }
      draftRef.current = stamped
      setDraft(stamped)
      savePetitionDraft(stamped, storage)
    },
    [storage],
  )

  const setPendingItems = useCallback((update: (items: AttachmentItem[]) => AttachmentItem[]) => {
    pendingRef.current = update(pendingRef.current)
    if (isMounted.current) setPending(pendingRef.current)
  }, [])

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
      const next = { ...draftRef.current, values: { ...draftRef.current.values, ...values } }
      commit(next)
      recheck(next)
    },
    [commit, recheck],
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
      // Once the person moves on, the "restored" notice has done its job.
      setRestored(false)
      commit({ ...draftRef.current, step })
    },
    [commit],
  )

  const next = useCallback(() => {
    const current = draftRef.current
    const stepErrors = validateStep(current.step, current.values, current.attachments)
    if (Object.keys(stepErrors).length > 0) {
      setErrors(stepErrors)
      return
    }
    setErrors({})
    goTo(stepAfter(current.step))
  }, [goTo])

  const back = useCallback(() => {
    setErrors({})
    goTo(stepBefore(draftRef.current.step))
  }, [goTo])

  // ——— attachments ———

  const uploadOne = useCallback(
    async (item: Extract<AttachmentItem, { status: 'uploading' }>) => {
      const upload = optionsRef.current.upload ?? uploadAttachment
      try {
        const stored = await upload({ filePath: item.file.filePath, fileName: item.file.name })
        setPendingItems((items) => items.filter((kept) => kept.key !== item.key))
        const uploaded: UploadedAttachment = { id: stored.id, mime: stored.mime, size: stored.size, name: item.name }
        commit({ ...draftRef.current, attachments: [...draftRef.current.attachments, uploaded] })
        setErrors((current) =>
          current.attachmentIds === undefined ? current : { ...current, attachmentIds: undefined },
        )
      } catch (error) {
        const { message, canRetry } = uploadProblemOf(error)
        setPendingItems((items) =>
          items.map((kept) => (kept.key === item.key ? { ...item, status: 'failed', message, canRetry } : kept)),
        )
      }
    },
    [commit, setPendingItems],
  )

  const addFiles = useCallback(
    async (source: FileSource) => {
      const room = ATTACHMENTS_PER_PETITION_MAX - draftRef.current.attachments.length - pendingRef.current.length
      if (room <= 0) return
      let chosen: ChosenFile[]
      try {
        chosen = await (optionsRef.current.chooseFiles ?? chooseFilesOnThisPlatform)(source, room)
      } catch {
        setFormError('没能打开相册或文件，请再试一次。')
        return
      }
      const items: AttachmentItem[] = chosen.slice(0, room).map((file, index) => {
        const key = `${Date.now().toString(36)}-${index}-${file.name}`
        if (file.size > ATTACHMENT_MAX_BYTES) {
          return {
            key,
            status: 'failed',
            name: file.name,
            size: file.size,
            file,
            message: '文件超过 10 MB，请选择小一些的照片或文件',
            canRetry: false,
          }
        }
        return { key, status: 'uploading', name: file.name, size: file.size, file }
      })
      setPendingItems((current) => [...current, ...items])
      // One at a time: on a weak mobile network parallel uploads only make every one of them slower.
      for (const item of items) {
        if (item.status === 'uploading') await uploadOne(item)
      }
    },
    [setPendingItems, uploadOne],
  )

  const retryUpload = useCallback(
    async (key: string) => {
      const item = pendingRef.current.find((kept) => kept.key === key)
      if (item?.status !== 'failed' || !item.canRetry) return
      const retry = { key, status: 'uploading' as const, name: item.name, size: item.size, file: item.file }
      setPendingItems((items) => items.map((kept) => (kept.key === key ? retry : kept)))
      await uploadOne(retry)
    },
    [setPendingItems, uploadOne],
  )

  const removeAttachment = useCallback(
    (key: string) => {
      if (pendingRef.current.some((kept) => kept.key === key)) {
        setPendingItems((items) => items.filter((kept) => kept.key !== key || kept.status === 'uploading'))
        return
      }
      // Uploaded items are keyed by their id. The file stays on the server unused; it is never linked to anything.
      const attachments = draftRef.current.attachments.filter((attachment) => attachment.id !== key)
      commit({ ...draftRef.current, attachments })
    },
    [commit, setPendingItems],
  )

  // ——— submission ———

  const isSending = useRef(false)
  const submit = useCallback(async () => {
    // A second tap while the first is on its way (older users often tap twice) must not send twice.
    if (isSending.current) return
    const current = draftRef.current
    setFormError(undefined)
    setProfileRequired(false)
    const validation = validatePetition(current.values, current.attachments)
    if (!validation.ok) {
      setErrors(validation.errors)
      goTo(validation.firstStep)
      return
    }
    if (pendingRef.current.some((item) => item.status === 'uploading')) {
      setFormError('材料还在上传，请等上传完成后再提交。')
      return
    }
    if (pendingRef.current.some((item) => item.status === 'failed')) {
      goTo('attachments')
      setFormError('有材料没有上传成功，请重新上传或删除后再提交。')
      return
    }
    setErrors({})
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
      clearPetitionDraft(optionsRef.current.storage)
      const fresh = emptyPetitionDraft(userId)
      draftRef.current = fresh
      if (isMounted.current) {
        setDraft(fresh)
        setRestored(false)
      }
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
    async function sendPetition(
      body: PetitionCreate,
    ): Promise<{ created: PetitionCreated; body: PetitionCreate; isEarlierVersion: boolean } | undefined> {
      const send = optionsRef.current.submit ?? submitPetition
      const sleep = optionsRef.current.sleep ?? defaultSleep
      for (let waits = 0; ; waits++) {
        // Recorded before it leaves: if the app dies with the request on the wire, the next start still knows it.
        commit(withBodySent(draftRef.current, body))
        try {
          return { created: await send(body, draftRef.current.idempotencyKey), body, isEarlierVersion: false }
        } catch (error) {
          const failure = submissionFailureOf(error)
          if (failure === 'in_flight' && waits < IN_FLIGHT_WAITS_MAX) {
            setSubmitStatus('上一次提交还在处理中，请稍候…')
            await sleep(IN_FLIGHT_WAIT_MS)
            continue
          }
          if (failure === 'key_reused') return recoverEarlierVersion(body)
          if (failure === 'refused') commit(withBodyRefused(draftRef.current, body))
          showFailure(error)
          return undefined
        }
      }
    }

    /** 422 for `body`: an earlier, unanswered version was filed. Its answer is replayed by sending it again. */
    async function recoverEarlierVersion(body: PetitionCreate) {
      const send = optionsRef.current.submit ?? submitPetition
      setSubmitStatus('正在核对之前的提交…')
      for (const earlier of bodiesToRecover(draftRef.current, body)) {
        try {
          return {
            created: await send(earlier, draftRef.current.idempotencyKey),
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
      commit(withNewKey(draftRef.current))
      setFormError(POSSIBLY_SUBMITTED_MESSAGE)
      return undefined
    }

    function showFailure(error: unknown) {
      if (!isMounted.current) return
      const { problem, message } = submissionMessageFor(error)
      if (problem.code === 'PROFILE_REQUIRED') setProfileRequired(true)
      if (problem.code === 'VALIDATION_FAILED' && problem.errors !== undefined) {
        const placed = placePetitionProblem(problem)
        setErrors(placed.fields)
        if (placed.step !== undefined) goTo(placed.step)
        if (placed.message !== undefined) setFormError(placed.message)
        return
      }
      setFormError(message)
    }
  }, [commit, goTo, userId])

  const discard = useCallback(() => {
    clearPetitionDraft(optionsRef.current.storage)
    const fresh = emptyPetitionDraft(userId)
    draftRef.current = fresh
    setDraft(fresh)
    setPendingItems(() => [])
    setErrors({})
    setFormError(undefined)
    setProfileRequired(false)
    setRestored(false)
  }, [userId, setPendingItems])

  const uploaded: AttachmentItem[] = draft.attachments.map((attachment) => ({
    key: attachment.id,
    status: 'uploaded',
    ...attachment,
  }))

  return {
    step: draft.step,
    values: draft.values,
    errors,
    attachments: [...uploaded, ...pending],
    isRestored: isRestored && !isPetitionDraftEmpty(draft),
    isSubmitting,
    submitStatus,
    formError,
    isProfileRequired,
    change,
    chooseKind,
    chooseCategory,
    chooseTargetUnit,
    next,
    back,
    goTo,
    addFiles,
    retryUpload,
    removeAttachment,
    submit,
    discard,
  }
}

/** An upload that failed, in words, and whether trying the same file again can help. */
function uploadProblemOf(error: unknown): { message: string; canRetry: boolean } {
  const problem = problemFromError(error)
  switch (problem.code) {
    case 'UNSUPPORTED_MEDIA_TYPE':
      return { message: '只能上传照片（JPG、PNG）或 PDF 文件', canRetry: false }
    case 'PAYLOAD_TOO_LARGE':
      return { message: '文件超过 10 MB，请选择小一些的照片或文件', canRetry: false }
    case 'IMAGE_TOO_LARGE':
      return { message: '图片尺寸太大，请缩小图片或截图后再上传', canRetry: false }
    default:
      if (problem.status === 429) return { message: problem.detail ?? problem.title, canRetry: true }
      return { message: `没有上传成功：${problem.title}`, canRetry: true }
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
