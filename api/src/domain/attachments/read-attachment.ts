import { eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { attachments, petitions } from '../../db/schema'
import { AppError } from '../app-error'
import type { Principal } from '../auth/tokens'
import { isPetitionVisibleTo } from '../petitions/petition-visibility'
import type { AttachmentStorage } from './storage'

/**
 * An attachment's bytes, for its owner or for staff of the unit now handling the petition it belongs to — and
 * among those only staff who may know the petition exists (petition-visibility.ts): a report accusing the very
 * unit that handles it keeps its materials from that unit (Art. 30 ¶3). Anyone else gets 404, the same as for an
 * id that does not exist.
 */
export async function readAttachment(
  deps: { database: Database; attachments: AttachmentStorage },
  principal: Principal,
  attachmentId: string,
): Promise<{ mime: string; bytes: Uint8Array; filename: string }> {
  const [row] = await deps.database.db
    .select({
      attachment: attachments,
      petition: {
        kind: petitions.kind,
        targetUnitId: petitions.targetUnitId,
        handlingUnitId: petitions.handlingUnitId,
      },
    })
    .from(attachments)
    .leftJoin(petitions, eq(petitions.id, attachments.petitionId))
    .where(eq(attachments.id, attachmentId))
    .limit(1)
  const isAllowed =
    row !== undefined &&
    (principal.kind === 'citizen'
      ? row.attachment.ownerCitizenId === principal.id
      : row.petition !== null &&
        row.petition.handlingUnitId === principal.unitId &&
        isPetitionVisibleTo(principal, row.petition))
  if (!row || !isAllowed) throw new AppError('NOT_FOUND')
  const bytes = await deps.attachments.get(row.attachment.storageKey)
  if (!bytes) throw new AppError('NOT_FOUND', { detail: '附件文件已不存在' })
  const extension = { 'image/jpeg': 'jpg', 'image/png': 'png', 'application/pdf': 'pdf' }[row.attachment.mime]
  return { mime: row.attachment.mime, bytes, filename: `${row.attachment.id}.${extension}` }
}
