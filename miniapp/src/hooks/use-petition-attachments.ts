import { ATTACHMENT_MAX_BYTES, ATTACHMENTS_PER_PETITION_MAX, type Attachment } from '@xinfang/shared'
import { type MutableRefObject, useCallback, useRef, useState } from 'react'
import { type ChooseFiles, type ChosenFile, chooseFilesOnThisPlatform, type FileSource } from '../services/files'
import { uploadAttachment } from '../services/petitions'
import type { PetitionDraft } from '../utils/petition-draft'
import { formatFileSize, type UploadedAttachment } from '../utils/petition-form'
import { problemFromError } from '../utils/problem'
import { useMountedRef } from './use-mounted-ref'

export type AttachmentItem =
  | ({ key: string; status: 'uploaded' } & UploadedAttachment)
  | { key: string; status: 'uploading'; name: string; size: number; file: ChosenFile }
  | { key: string; status: 'failed'; name: string; size: number; file: ChosenFile; message: string; canRetry: boolean }

export type UploadFile = (file: { filePath: string; fileName?: string }) => Promise<Attachment>

export interface PetitionAttachmentsOptions {
  /** The draft the uploaded files belong to; an upload that finishes adds its file to the latest draft. */
  draft: MutableRefObject<PetitionDraft>
  saveDraft(next: PetitionDraft): void
  /** A file was uploaded: a message asking for materials can go. */
  onUploaded(): void
  /** The photo album or file chooser would not open. */
  onChooseFailed(): void
  upload?: UploadFile
  chooseFiles?: ChooseFiles
}

export interface PetitionAttachments {
  /** Files still on their way or refused, in the order chosen; uploaded files live in the draft. */
  pending: AttachmentItem[]
  /** The same, for callbacks fired from stale closures. */
  latestPending: MutableRefObject<AttachmentItem[]>
  addFiles(source: FileSource): Promise<void>
  retryUpload(key: string): Promise<void>
  removeAttachment(key: string): void
  /** Drops every file not yet uploaded (the person started the form again). */
  clearPending(): void
}

/** Shown for a file over the limit, whether the phone or the API noticed it. */
export const ATTACHMENT_TOO_LARGE_MESSAGE = `文件超过 ${formatFileSize(ATTACHMENT_MAX_BYTES)}，请选择小一些的照片或文件`

/**
 * The materials (材料) of a petition: chosen on the phone, uploaded one at a time, and kept in the draft once the
 * API has them. A file too large never leaves the phone; a failed upload can be sent again or removed.
 */
export function usePetitionAttachments(options: PetitionAttachmentsOptions): PetitionAttachments {
  const [pending, setPending] = useState<AttachmentItem[]>([])
  const latestPending = useRef(pending)
  const optionsRef = useRef(options)
  optionsRef.current = options
  const isMounted = useMountedRef()

  const setPendingItems = useCallback(
    (update: (items: AttachmentItem[]) => AttachmentItem[]) => {
      latestPending.current = update(latestPending.current)
      if (isMounted.current) setPending(latestPending.current)
    },
    [isMounted],
  )

  const uploadOne = useCallback(
    async (item: Extract<AttachmentItem, { status: 'uploading' }>) => {
      const upload = optionsRef.current.upload ?? uploadAttachment
      try {
        const stored = await upload({ filePath: item.file.filePath, fileName: item.file.name })
        setPendingItems((items) => items.filter((kept) => kept.key !== item.key))
        const uploaded: UploadedAttachment = { id: stored.id, mime: stored.mime, size: stored.size, name: item.name }
        const { draft, saveDraft, onUploaded } = optionsRef.current
        saveDraft({ ...draft.current, attachments: [...draft.current.attachments, uploaded] })
        onUploaded()
      } catch (error) {
        const { message, canRetry } = uploadProblemOf(error)
        setPendingItems((items) =>
          items.map((kept) => (kept.key === item.key ? { ...item, status: 'failed', message, canRetry } : kept)),
        )
      }
    },
    [setPendingItems],
  )

  const addFiles = useCallback(
    async (source: FileSource) => {
      const { draft } = optionsRef.current
      const room = ATTACHMENTS_PER_PETITION_MAX - draft.current.attachments.length - latestPending.current.length
      if (room <= 0) return
      let chosen: ChosenFile[]
      try {
        chosen = await (optionsRef.current.chooseFiles ?? chooseFilesOnThisPlatform)(source, room)
      } catch {
        optionsRef.current.onChooseFailed()
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
            message: ATTACHMENT_TOO_LARGE_MESSAGE,
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
      const item = latestPending.current.find((kept) => kept.key === key)
      if (item?.status !== 'failed' || !item.canRetry) return
      const retry = { key, status: 'uploading' as const, name: item.name, size: item.size, file: item.file }
      setPendingItems((items) => items.map((kept) => (kept.key === key ? retry : kept)))
      await uploadOne(retry)
    },
    [setPendingItems, uploadOne],
  )

  const removeAttachment = useCallback(
    (key: string) => {
      if (latestPending.current.some((kept) => kept.key === key)) {
        setPendingItems((items) => items.filter((kept) => kept.key !== key || kept.status === 'uploading'))
        return
      }
      // Uploaded items are keyed by their id. The file stays on the server unused; it is never linked to anything.
      const { draft, saveDraft } = optionsRef.current
      saveDraft({ ...draft.current, attachments: draft.current.attachments.filter((kept) => kept.id !== key) })
    },
    [setPendingItems],
  )

  const clearPending = useCallback(() => setPendingItems(() => []), [setPendingItems])

  return { pending, latestPending, addFiles, retryUpload, removeAttachment, clearPending }
}

/** An upload that failed, in words, and whether trying the same file again can help. */
function uploadProblemOf(error: unknown): { message: string; canRetry: boolean } {
  const problem = problemFromError(error)
  switch (problem.code) {
    case 'UNSUPPORTED_MEDIA_TYPE':
      return { message: '只能上传照片（JPG、PNG）或 PDF 文件', canRetry: false }
    case 'PAYLOAD_TOO_LARGE':
      return { message: ATTACHMENT_TOO_LARGE_MESSAGE, canRetry: false }
    case 'IMAGE_TOO_LARGE':
      return { message: '图片尺寸太大，请缩小图片或截图后再上传', canRetry: false }
    default:
      if (problem.status === 429) return { message: problem.detail ?? problem.title, canRetry: true }
      return { message: `没有上传成功：${problem.title}`, canRetry: true }
  }
}
