import { z } from 'zod'

/**
 * The service's own measures (DOMAIN.md, "Satisfaction rating"), defined once here and computed by the API from
 * these counts. Every rate is a share in [0, 1], or null when its denominator is zero (nothing to measure yet).
 *
 * - 及时受理率 timelyDecisionRate = decidedOnTime ÷ decided — decided = 受理 / 不予受理 / 转送 taken; on time = by
 *   the decision deadline.
 * - 按期办结率 onTimeReplyRate = repliedOnTime ÷ repliedAccepted — accepted petitions replied by their (extended)
 *   reply deadline.
 * - 满意率 satisfactionRate = (满意 + 基本满意) ÷ ratings.
 * - 参评率 ratingRate = first-reply ratings ÷ first replies.
 * - 一次性化解率 firstReplyResolutionRate = first replies never followed by a review request ÷ first replies whose
 *   review window has closed (or that were reviewed).
 * - 平均办理时限 averageHandlingDays = mean days from acceptance to the first reply.
 * - 重复信访 repeatPetitions = petitions flagged as likely repeats of the citizen's own earlier matter.
 */
export interface StatsCounts {
  submitted: number
  decided: number
  decidedOnTime: number
  repliedAccepted: number
  repliedOnTime: number
  firstReplies: number
  firstReplyRatings: number
  ratings: number
  satisfiedRatings: number
  settledFirstReplies: number
  resolvedAtFirstReply: number
  handlingDaysTotal: number
  repeatPetitions: number
}

export const StatsSchema = z.object({
  submitted: z.number().int(),
  timelyDecisionRate: z.number().nullable(),
  onTimeReplyRate: z.number().nullable(),
  satisfactionRate: z.number().nullable(),
  ratingRate: z.number().nullable(),
  firstReplyResolutionRate: z.number().nullable(),
  averageHandlingDays: z.number().nullable(),
  repeatPetitions: z.number().int(),
})
export type Stats = z.infer<typeof StatsSchema>

const share = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000)

export function statsOf(counts: StatsCounts): Stats {
  return {
    submitted: counts.submitted,
    timelyDecisionRate: share(counts.decidedOnTime, counts.decided),
    onTimeReplyRate: share(counts.repliedOnTime, counts.repliedAccepted),
    satisfactionRate: share(counts.satisfiedRatings, counts.ratings),
    ratingRate: share(counts.firstReplyRatings, counts.firstReplies),
    firstReplyResolutionRate: share(counts.resolvedAtFirstReply, counts.settledFirstReplies),
    averageHandlingDays:
      counts.repliedAccepted === 0 ? null : Math.round((counts.handlingDaysTotal / counts.repliedAccepted) * 10) / 10,
    repeatPetitions: counts.repeatPetitions,
  }
}

export const STATS_LABELS: Record<Exclude<keyof Stats, 'submitted' | 'repeatPetitions'>, string> & {
  submitted: string
  repeatPetitions: string
} = {
  submitted: '受理总量',
  timelyDecisionRate: '及时受理率',
  onTimeReplyRate: '按期办结率',
  satisfactionRate: '满意率',
  ratingRate: '参评率',
  firstReplyResolutionRate: '一次性化解率',
  averageHandlingDays: '平均办理时限（天）',
  repeatPetitions: '重复信访',
}

export const PublicStatsSchema = z.object({
  from: z.string(),
  to: z.string(),
  overall: StatsSchema,
  byMonth: z.array(z.object({ month: z.string(), stats: StatsSchema })),
  generatedAt: z.string(),
})
export type PublicStats = z.infer<typeof PublicStatsSchema>

export const StaffStatsSchema = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: z.enum(['unit', 'category', 'month']),
  rows: z.array(z.object({ key: z.string(), label: z.string(), stats: StatsSchema })),
  overall: StatsSchema,
})
export type StaffStats = z.infer<typeof StaffStatsSchema>
