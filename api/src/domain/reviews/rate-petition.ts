import {
  endOfCalendarDaysAfter,
  RATING_WINDOW_DAYS,
  type Rating,
  type RatingCreate,
  type RatingStage,
  toShanghaiIso,
} from '@xinfang/shared'
import { and, eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { petitions, ratings } from '../../db/schema'
import { AppError } from '../../http/app-error'
import { newId } from '../../lib/ids'
import { appendAudit } from '../audit/audit-log'
import type { DeadlinePolicy } from '../workflow/deadline-policy'

type PetitionRow = typeof petitions.$inferSelect

/** Which reply a petition's status invites a rating for, if any. */
export function ratingStageOf(status: PetitionRow['status']): RatingStage | null {
  if (status === 'replied') return 'reply'
  if (status === 'review_replied') return 'review'
  if (status === 'recheck_replied' || status === 'finalized') return 'recheck'
  return null
}

/** The last day a review of the latest reply may be requested, or null when the procedure allows none. */
export function reviewRequestByOf(row: PetitionRow, deadlines: DeadlinePolicy): number | null {
  if (row.kind !== 'complaint' || row.repliedAt === null) return null
  if (row.status !== 'replied' && row.status !== 'review_replied') return null
  return deadlines.after(row.repliedAt, deadlines.profileOf(row.deadlineProfile).reviewRequest)
}

/**
 * The citizen rates the latest reply: once per stage (first reply, 复查, 复核), within the rating window after
 * that reply. The database's unique index is the last word on "once": a double submission is 409 ALREADY_RATED.
 */
export async function ratePetition(
  deps: { database: Database; deadlines: DeadlinePolicy },
  citizenId: string,
  petitionId: string,
  input: RatingCreate,
  now: number,
): Promise<Rating> {
  return deps.database.write(async (tx) => {
    const [row] = await tx
      .select()
      .from(petitions)
      .where(and(eq(petitions.id, petitionId), eq(petitions.citizenId, citizenId)))
      .limit(1)
    if (!row) throw new AppError('NOT_FOUND')
    const stage = ratingStageOf(row.status)
    if (!stage || row.repliedAt === null || now > endOfCalendarDaysAfter(row.repliedAt, RATING_WINDOW_DAYS)) {
      throw new AppError('RATING_NOT_OPEN', { detail: '当前没有可以评价的答复，或已超过评价期限' })
    }
    const [existing] = await tx
      .select({ id: ratings.id })
      .from(ratings)
      .where(and(eq(ratings.subjectKind, 'petition'), eq(ratings.subjectId, petitionId), eq(ratings.stage, stage)))
    if (existing) throw new AppError('ALREADY_RATED')
    const id = newId(now)
    const tags = [...new Set(input.tags ?? [])]
    await tx.insert(ratings).values({
      id,
      subjectKind: 'petition',
      subjectId: petitionId,
      stage,
      citizenId,
      level: input.level,
      comment: input.comment || null,
      tags: JSON.stringify(tags),
      createdAt: now,
    })
    await appendAudit(
      tx,
      {
        actorKind: 'citizen',
        actorId: citizenId,
        action: 'petition.rate',
        subjectKind: 'petition',
        subjectId: petitionId,
        details: { stage, level: input.level },
      },
      now,
    )
    const reviewRequestBy = reviewRequestByOf(row, deps.deadlines)
    return {
      id,
      stage,
      level: input.level,
      comment: input.comment || null,
      tags,
      createdAt: toShanghaiIso(now),
      canRequestReview: input.level === 'dissatisfied' && reviewRequestBy !== null && now <= reviewRequestBy,
      reviewRequestBy: reviewRequestBy === null ? null : toShanghaiIso(reviewRequestBy),
    }
  })
}
