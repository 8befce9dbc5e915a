import {
  endOfCalendarDaysAfter,
  RATING_WINDOW_DAYS,
  type Rating,
  type RatingCreate,
  type RatingStage,
  reviewStepOf,
  toShanghaiIso,
} from '@xinfang/shared'
import { and, eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { petitions } from '../../db/schema'
import { AppError } from '../../http/app-error'
import type { DeadlinePolicy } from '../workflow/deadline-policy'
import { insertRating } from './insert-rating'

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
  if (row.repliedAt === null || !reviewStepOf(row)) return null
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
    const rating = await insertRating(
      tx,
      { subjectKind: 'petition', subjectId: petitionId, stage, citizenId, input },
      now,
    )
    const reviewRequestBy = reviewRequestByOf(row, deps.deadlines)
    return {
      ...rating,
      canRequestReview: input.level === 'dissatisfied' && reviewRequestBy !== null && now <= reviewRequestBy,
      reviewRequestBy: reviewRequestBy === null ? null : toShanghaiIso(reviewRequestBy),
    }
  })
}
