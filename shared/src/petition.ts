import { z } from 'zod'
import { DateTimeSchema, IdSchema, PageQuerySchema, pageOf } from './common'
import { isOverdue } from './deadlines'
import { AddressSchema } from './identity'
import { RatingSchema } from './rating'
import { PetitionKindSchema } from './reference'
import { toShanghaiIso } from './time'

/** Statuses of ../shared/API.md; the legal transitions between them live with the workflow. */
export const PETITION_STATUSES = [
  'submitted',
  'accepted',
  'not_accepted',
  'transferred',
  'in_progress',
  'replied',
  'review_requested',
  'review_replied',
  'recheck_requested',
  'recheck_replied',
  'finalized',
  'closed',
  'withdrawn',
] as const
export const PetitionStatusSchema = z.enum(PETITION_STATUSES)
export type PetitionStatus = z.infer<typeof PetitionStatusSchema>

export const PETITION_STATUS_LABELS: Record<PetitionStatus, string> = {
  submitted: '已提交，待受理',
  accepted: '已受理',
  not_accepted: '不予受理',
  transferred: '已转送',
  in_progress: '办理中',
  replied: '已答复',
  review_requested: '已申请复查',
  review_replied: '复查已答复',
  recheck_requested: '已申请复核',
  recheck_replied: '复核已答复',
  finalized: '已终结',
  closed: '已办结',
  withdrawn: '已撤回',
}

/** A citizen may withdraw before any reply (../shared/DOMAIN.md lifecycle). */
export const WITHDRAWABLE_STATUSES: readonly PetitionStatus[] = ['submitted', 'accepted', 'in_progress']

/** Statuses in which a petition is still being handled: a new one on the same matter is likely a repeat. */
export const OPEN_STATUSES: readonly PetitionStatus[] = [
  'submitted',
  'accepted',
  'in_progress',
  'review_requested',
  'recheck_requested',
]

export const PETITION_TITLE_MAX = 50
export const PETITION_CONTENT_MIN = 10
export const PETITION_CONTENT_MAX = 5000
export const ATTACHMENTS_PER_PETITION_MAX = 9
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
export const ATTACHMENT_MIME_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const
/**
 * The largest image accepted, by what it declares: a few hundred bytes of PNG can claim 50000×50000 pixels, and
 * every browser or viewer that opens it tries to decode 10 GB. 40 megapixels covers any phone camera (a 200 MP
 * sensor saves 12.5 MP by default) and a scanned A4 page at 600 dpi (35 MP); 12,000 px a side admits long
 * screenshots of chat histories.
 */
export const ATTACHMENT_IMAGE_MAX_PIXELS = 40_000_000
export const ATTACHMENT_IMAGE_MAX_SIDE = 12_000
/** Petitions one citizen may submit in one Asia/Shanghai day. */
export const DAILY_SUBMISSION_LIMIT = 5

export const PetitionCreateSchema = z.strictObject({
  kind: PetitionKindSchema,
  categoryId: IdSchema,
  title: z.string().trim().min(4, '标题至少 4 个字').max(PETITION_TITLE_MAX, `标题最多 ${PETITION_TITLE_MAX} 个字`),
  content: z
    .string()
    .trim()
    .min(PETITION_CONTENT_MIN, `请把事情经过和诉求写清楚，至少 ${PETITION_CONTENT_MIN} 个字`)
    .max(PETITION_CONTENT_MAX, `内容最多 ${PETITION_CONTENT_MAX} 个字`),
  address: AddressSchema.optional(),
  /** The unit the matter concerns; for a report (检举控告), the unit accused. */
  targetUnitId: IdSchema.optional(),
  attachmentIds: z
    .array(IdSchema)
    .max(ATTACHMENTS_PER_PETITION_MAX, `最多上传 ${ATTACHMENTS_PER_PETITION_MAX} 个附件`)
    .refine((ids) => new Set(ids).size === ids.length, '附件重复')
    .optional(),
})
export type PetitionCreate = z.infer<typeof PetitionCreateSchema>

export const PetitionDeadlinesSchema = z.object({
  /** 告知是否受理的期限 (15 days by default). */
  decideBy: DateTimeSchema.optional(),
  /** 答复期限, from acceptance (60 days by default, plus any extension). */
  replyBy: DateTimeSchema.optional(),
  /** 申请复查/复核的期限 after a reply. */
  reviewRequestBy: DateTimeSchema.optional(),
  /** 评价期限: while the latest reply can still be rated and has not been (detail only). */
  rateBy: DateTimeSchema.optional(),
})

export const PetitionCreatedSchema = z.object({
  id: IdSchema,
  /** 受理编号 */
  trackingNo: z.string(),
  /** 查询码: with the tracking number, follows progress without logging in. Shown once; keep it. */
  queryCode: z.string(),
  status: z.literal('submitted'),
  submittedAt: DateTimeSchema,
  deadlines: z.object({ decideBy: DateTimeSchema }),
})
export type PetitionCreated = z.infer<typeof PetitionCreatedSchema>

export const NextDeadlineSchema = z
  .object({
    kind: z.enum(['decide', 'reply', 'review_request']),
    label: z.string(),
    at: DateTimeSchema,
    isOverdue: z.boolean(),
  })
  .nullable()

export const PetitionSummarySchema = z.object({
  id: IdSchema,
  trackingNo: z.string(),
  kind: PetitionKindSchema,
  category: z.object({ id: IdSchema, name: z.string() }),
  title: z.string(),
  status: PetitionStatusSchema,
  submittedAt: DateTimeSchema,
  nextDeadline: NextDeadlineSchema,
})
export type PetitionSummary = z.infer<typeof PetitionSummarySchema>
export const PetitionListSchema = pageOf(PetitionSummarySchema)
export const PetitionListQuerySchema = PageQuerySchema

export const TimelineEventSchema = z.object({
  at: DateTimeSchema,
  type: z.string(),
  message: z.string(),
})
export type TimelineEvent = z.infer<typeof TimelineEventSchema>

export const AttachmentSchema = z.object({
  id: IdSchema,
  mime: z.enum(ATTACHMENT_MIME_TYPES),
  size: z.number().int().positive(),
})
export type Attachment = z.infer<typeof AttachmentSchema>

export const PetitionDetailSchema = PetitionSummarySchema.extend({
  content: z.string(),
  address: z.string().nullable(),
  targetUnit: z.object({ id: IdSchema, name: z.string() }).nullable(),
  handlingUnit: z.object({ id: IdSchema, name: z.string() }),
  attachments: z.array(AttachmentSchema),
  timeline: z.array(TimelineEventSchema),
  deadlines: PetitionDeadlinesSchema,
  canWithdraw: z.boolean(),
  /** The citizen's rating of the latest reply (first reply, 复查 or 复核), once given. */
  rating: RatingSchema.optional(),
})
export type PetitionDetail = z.infer<typeof PetitionDetailSchema>

/**
 * The query code (查询码) that, with the sequential tracking number, opens `/track` without login. Unambiguous
 * characters for codes people read aloud or type (no 0/O, 1/I/L): 31^8 ≈ 8.5 × 10^11 codes, ≈ 39.6 bits, which is
 * what makes guessing one infeasible under the API's failure limits (docs/decisions/015-abuse-limits.md).
 */
export const QUERY_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'
export const QUERY_CODE_LENGTH = 8

export const TrackQuerySchema = z.object({
  trackingNo: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^XF-\d{4}-\d{6,}$/, '受理编号格式如 XF-2026-000123'),
  queryCode: z
    .string()
    .trim()
    .toUpperCase()
    .regex(new RegExp(`^[A-Z0-9]{${QUERY_CODE_LENGTH}}$`), `查询码为 ${QUERY_CODE_LENGTH} 位字母或数字`),
})

/** `/track`: progress without login, and without any personal data — not even the citizen's own title. */
export const TrackResultSchema = z.object({
  trackingNo: z.string(),
  kind: PetitionKindSchema,
  category: z.object({ id: IdSchema, name: z.string() }),
  status: PetitionStatusSchema,
  submittedAt: DateTimeSchema,
  deadlines: PetitionDeadlinesSchema,
  nextDeadline: NextDeadlineSchema,
  timeline: z.array(TimelineEventSchema),
})
export type TrackResult = z.infer<typeof TrackResultSchema>

export const PetitionIdParamsSchema = z.object({ id: IdSchema })

export interface PetitionClock {
  status: PetitionStatus
  decideBy: number
  replyBy: number | null
  reviewRequestBy: number | null
}

/** The one deadline that matters now, for the citizen's detail page and the staff queue. */
export function nextDeadlineOf(petition: PetitionClock, now: number): z.infer<typeof NextDeadlineSchema> {
  const make = (kind: 'decide' | 'reply' | 'review_request', label: string, at: number) => ({
    kind,
    label,
    at: toShanghaiIso(at),
    isOverdue: isOverdue(at, now),
  })
  switch (petition.status) {
    case 'submitted':
      return make('decide', '告知是否受理', petition.decideBy)
    case 'accepted':
    case 'in_progress':
      return petition.replyBy === null ? null : make('reply', '答复期限', petition.replyBy)
    case 'review_requested':
    case 'recheck_requested':
      return petition.replyBy === null ? null : make('reply', '复查（复核）意见期限', petition.replyBy)
    case 'replied':
    case 'review_replied':
      return petition.reviewRequestBy === null
        ? null
        : make('review_request', '可申请复查（复核）至', petition.reviewRequestBy)
    default:
      return null
  }
}
