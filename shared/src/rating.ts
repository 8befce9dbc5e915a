import { z } from 'zod'
import { DateSchema, DateTimeSchema, IdSchema } from './common'
import type { PetitionStatus } from './petition'

/** 满意度评价 (DOMAIN.md): three levels — a two-level yes/no is known to be too coarse. */
export const RATING_LEVELS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const
export const RatingLevelSchema = z.enum(RATING_LEVELS)
export type RatingLevel = z.infer<typeof RatingLevelSchema>
export const RATING_LEVEL_LABELS: Record<RatingLevel, string> = {
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
}

/** Quick tags: what the rating is about. */
export const RATING_TAGS = ['attitude', 'speed', 'result'] as const
export const RatingTagSchema = z.enum(RATING_TAGS)
export const RATING_TAG_LABELS: Record<z.infer<typeof RatingTagSchema>, string> = {
  attitude: '工作态度',
  speed: '办理速度',
  result: '办理结果',
}

/** What is rated: the first reply, the 复查 reply, the 复核 reply, or a reception session attended. */
export const RATING_STAGES = ['reply', 'review', 'recheck', 'session'] as const
export const RatingStageSchema = z.enum(RATING_STAGES)
export type RatingStage = z.infer<typeof RatingStageSchema>
export const RATING_STAGE_LABELS: Record<RatingStage, string> = {
  reply: '答复',
  review: '复查答复',
  recheck: '复核答复',
  session: '领导接访',
}

/** A reply stage of a petition (答复, 复查答复, 复核答复); reception visits are rated as `session`. */
export type ReplyStage = Exclude<RatingStage, 'session'>

/**
 * Which reply a petition's status invites a rating for, if any: the latest one. After 复核 the petition is 终结
 * (finalized) and its 复核答复 can still be rated. Whether the window is still open is the API's `deadlines.rateBy`.
 */
export function ratingStageOf(status: PetitionStatus): ReplyStage | null {
  switch (status) {
    case 'replied':
      return 'reply'
    case 'review_replied':
      return 'review'
    case 'recheck_replied':
    case 'finalized':
      return 'recheck'
    default:
      return null
  }
}

/** Days after a reply (or after a reception session) during which it can be rated. */
export const RATING_WINDOW_DAYS = 30

/** 评价内容 at most this many characters, as trimmed. */
export const RATING_COMMENT_MAX = 500

export const RatingCreateSchema = z.strictObject({
  level: RatingLevelSchema,
  comment: z.string().trim().max(RATING_COMMENT_MAX, `评价内容最多 ${RATING_COMMENT_MAX} 个字`).optional(),
  tags: z.array(RatingTagSchema).max(3).optional(),
})
export type RatingCreate = z.infer<typeof RatingCreateSchema>

export const RatingSchema = z.object({
  id: IdSchema,
  stage: RatingStageSchema,
  level: RatingLevelSchema,
  comment: z.string().nullable(),
  tags: z.array(RatingTagSchema),
  createdAt: DateTimeSchema,
  /** A 不满意 rating leads straight to the review request while its window is open. */
  canRequestReview: z.boolean(),
  reviewRequestBy: DateTimeSchema.nullable(),
})
export type Rating = z.infer<typeof RatingSchema>

/** The reasons of a 复查/复核 request, as trimmed: enough to say what is disputed, and not a whole file. */
export const REVIEW_REASON_MIN = 10
export const REVIEW_REASON_MAX = 2000

export const ReviewRequestCreateSchema = z.strictObject({
  reason: z
    .string()
    .trim()
    .min(REVIEW_REASON_MIN, `请写明不服的理由和诉求（至少 ${REVIEW_REASON_MIN} 个字）`)
    .max(REVIEW_REASON_MAX),
})

export const ReviewRequestCreatedSchema = z.object({
  petitionId: IdSchema,
  /** `review_requested` (复查) or `recheck_requested` (复核). */
  status: z.enum(['review_requested', 'recheck_requested']),
  reviewUnit: z.object({ id: IdSchema, name: z.string() }),
  decideBy: DateTimeSchema,
})

export const StatsQuerySchema = z.object({
  from: DateSchema.optional(),
  to: DateSchema.optional(),
})

export const StaffStatsQuerySchema = StatsQuerySchema.extend({
  unitId: IdSchema.optional(),
  groupBy: z.enum(['unit', 'category', 'month']).default('unit'),
})
export type StaffStatsQuery = z.infer<typeof StaffStatsQuerySchema>
