import type { Rating, RatingCreate, RatingStage } from '@xinfang/shared'
import { and, eq } from 'drizzle-orm'
import type { WriteTx } from '../../db/client'
import { ratings } from '../../db/schema'
import { newId } from '../../lib/ids'
import { AppError } from '../app-error'
import { appendAudit } from '../audit/audit-log'

/**
 * Stores one rating of a petition's reply stage or of a reception visit, once: a second one is 409
 * ALREADY_RATED (the unique index on subject and stage backs this up). Audited with the level, never the comment.
 */
export async function insertRating(
  tx: WriteTx,
  rating: {
    subjectKind: 'petition' | 'booking'
    subjectId: string
    stage: RatingStage
    citizenId: string
    input: RatingCreate
  },
  now: number,
): Promise<Pick<Rating, 'id' | 'stage' | 'level' | 'comment' | 'tags'>> {
  const { subjectKind, subjectId, stage, citizenId, input } = rating
  const [existing] = await tx
    .select({ id: ratings.id })
    .from(ratings)
    .where(and(eq(ratings.subjectKind, subjectKind), eq(ratings.subjectId, subjectId), eq(ratings.stage, stage)))
  if (existing) throw new AppError('ALREADY_RATED')
  const id = newId(now)
  const tags = [...new Set(input.tags ?? [])]
  const comment = input.comment || null
  await tx.insert(ratings).values({
    id,
    subjectKind,
    subjectId,
    stage,
    citizenId,
    level: input.level,
    comment,
    tags: JSON.stringify(tags),
    createdAt: now,
  })
  await appendAudit(
    tx,
    {
      actorKind: 'citizen',
      actorId: citizenId,
      action: `${subjectKind}.rate`,
      subjectKind,
      subjectId,
      details: { stage, level: input.level },
    },
    now,
  )
  return { id, stage, level: input.level, comment, tags }
}
