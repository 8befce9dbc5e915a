import { ATTACHMENT_MAX_BYTES, type Attachment } from '@xinfang/shared'
import { and, count, eq, gt } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { attachments } from '../../db/schema'
import { newId } from '../../lib/ids'
import { AppError } from '../app-error'
import { sanitizeUpload } from './sanitize'
import type { AttachmentStorage } from './storage'

/** Uploads one citizen may make in 24 hours: generous for nine photos per petition, a wall against disk abuse. */
export const DAILY_UPLOAD_LIMIT = 60

export async function uploadAttachment(
  deps: { database: Database; attachments: AttachmentStorage },
  citizenId: string,
  file: File,
  now: number,
): Promise<Attachment> {
  if (file.size > ATTACHMENT_MAX_BYTES) {
    throw new AppError('PAYLOAD_TOO_LARGE', { detail: '单个附件不能超过 10 MB，请压缩后再上传' })
  }
  const [recent] = await deps.database.db
    .select({ n: count() })
    .from(attachments)
    .where(and(eq(attachments.ownerCitizenId, citizenId), gt(attachments.createdAt, now - 24 * 60 * 60 * 1000)))
  if ((recent?.n ?? 0) >= DAILY_UPLOAD_LIMIT) {
    throw new AppError('RATE_LIMITED', { detail: '今天上传的附件过多，请明天再试', headers: { 'retry-after': '3600' } })
  }

  const sanitized = sanitizeUpload(new Uint8Array(await file.arrayBuffer()))
  if (!sanitized.ok) {
    throw new AppError(sanitized.refusal === 'too-large' ? 'IMAGE_TOO_LARGE' : 'UNSUPPORTED_MEDIA_TYPE', {
      detail: sanitized.reason,
    })
  }

  const id = newId(now)
  const storageKey = Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('base64url')
  const digest = await crypto.subtle.digest('SHA-256', sanitized.bytes as BufferSource)
  // Bytes first, row second: a crash in between leaves an orphan file, never a row pointing at nothing.
  await deps.attachments.put(storageKey, sanitized.bytes)
  try {
    await deps.database.write((tx) =>
      tx.insert(attachments).values({
        id,
        ownerCitizenId: citizenId,
        mime: sanitized.mime,
        size: sanitized.bytes.length,
        sha256: Buffer.from(digest).toString('hex'),
        storageKey,
        createdAt: now,
      }),
    )
  } catch (error) {
    await deps.attachments.delete(storageKey)
    throw error
  }
  return { id, mime: sanitized.mime, size: sanitized.bytes.length }
}
