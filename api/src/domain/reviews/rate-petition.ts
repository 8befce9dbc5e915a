import { type Rating, type RatingCreate, ratingStageOf } from '@xinfang/shared'
import { and, eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { petitions } from '../../db/schema'
import { AppError } from '../app-error'
import type { DeadlinePolicy } from '../workflow/deadline-policy'
import { insertRating } from './insert-rating'
import { rateByOf, ratingViewOf, reviewRequestByOf } from './review-windows'

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
    const rateBy = rateByOf(row)
    if (!stage || rateBy === null || now > rateBy) {
      throw new AppError('RATING_NOT_OPEN', { detail: '当前没有可以评价的答复，或已超过评价期限' })
    }
    const rating = await insertRating(
      tx,
      { subjectKind: 'petition', subjectId: petitionId, stage, citizenId, input },
      now,
    )
    return ratingViewOf(rating, now, reviewRequestByOf(row, deps.deadlines), now)
  })
}
