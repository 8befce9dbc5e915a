import {
  endOfCalendarDaysAfter,
  RATING_WINDOW_DAYS,
  type Rating,
  type RatingStage,
  RatingTagSchema,
  ratingStageOf,
  reviewStepOf,
  toShanghaiIso,
} from '@xinfang/shared'
import { and, eq } from 'drizzle-orm'
import { z } from 'zod'
import type { Db } from '../../db/client'
import { type petitions, ratings } from '../../db/schema'
import type { DeadlinePolicy } from '../workflow/deadline-policy'

/*
 * The windows that open when a reply reaches the citizen: rating it (rating.ts) and asking the body above to
 * review it (Art. 35–36). One place, read by the citizen's views and enforced by the writes.
 */

type PetitionRow = typeof petitions.$inferSelect

/** The end of the window for rating the latest reply, or null when there is no reply to rate. */
export function rateByOf(row: Pick<PetitionRow, 'status' | 'repliedAt'>): number | null {
  if (!ratingStageOf(row.status) || row.repliedAt === null) return null
  return endOfCalendarDaysAfter(row.repliedAt, RATING_WINDOW_DAYS)
}

/** The last day a review of the latest reply may be requested, or null when the procedure allows none. */
export function reviewRequestByOf(row: PetitionRow, deadlines: DeadlinePolicy): number | null {
  if (row.repliedAt === null || !reviewStepOf(row)) return null
  return deadlines.after(row.repliedAt, deadlines.profileOf(row.deadlineProfile).reviewRequest)
}

const StoredTagsSchema = z.array(RatingTagSchema).catch([])

/**
 * The citizen's rating of the latest reply as the API shows it, with the review request it leads to while that
 * window is open: a 不满意 rating is the moment to offer it.
 */
export function ratingViewOf(
  rating: { id: string; stage: RatingStage; level: Rating['level']; comment: string | null; tags: Rating['tags'] },
  createdAt: number,
  reviewRequestBy: number | null,
  now: number,
): Rating {
  return {
    ...rating,
    createdAt: toShanghaiIso(createdAt),
    canRequestReview: rating.level === 'dissatisfied' && reviewRequestBy !== null && now <= reviewRequestBy,
    reviewRequestBy: reviewRequestBy === null ? null : toShanghaiIso(reviewRequestBy),
  }
}

/** The rating the citizen gave the petition's latest reply, if any. */
export async function latestReplyRating(
  db: Db,
  row: PetitionRow,
  deadlines: DeadlinePolicy,
  now: number,
): Promise<Rating | null> {
  const stage = ratingStageOf(row.status)
  if (!stage) return null
  const [stored] = await db
    .select()
    .from(ratings)
    .where(and(eq(ratings.subjectKind, 'petition'), eq(ratings.subjectId, row.id), eq(ratings.stage, stage)))
    .limit(1)
  if (!stored) return null
  const tags = StoredTagsSchema.parse(JSON.parse(stored.tags))
  return ratingViewOf(
    { id: stored.id, stage, level: stored.level, comment: stored.comment, tags },
    stored.createdAt,
    reviewRequestByOf(row, deadlines),
    now,
  )
}
