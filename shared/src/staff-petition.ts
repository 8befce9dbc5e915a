import { z } from 'zod'
import { DateTimeSchema, IdSchema, PageQuerySchema, pageOf } from './common'
import { MaskedProfileSchema } from './identity'
import { AttachmentSchema, NextDeadlineSchema, PetitionDeadlinesSchema, PetitionStatusSchema } from './petition'
import { PetitionKindSchema } from './reference'
import { STAFF_ACTION_TYPES } from './workflow'

const booleanFlag = z.enum(['true', 'false']).transform((value) => value === 'true')

/** `GET /api/v1/staff/petitions`: the caller's unit's queue. */
export const StaffQueueQuerySchema = PageQuerySchema.extend({
  status: PetitionStatusSchema.optional(),
  overdue: booleanFlag.optional(),
  /** Only petitions whose current deadline falls within this many days. */
  dueWithinDays: z.coerce.number().int().min(0).max(365).optional(),
  categoryId: IdSchema.optional(),
  kind: PetitionKindSchema.optional(),
})
export type StaffQueueQuery = z.infer<typeof StaffQueueQuerySchema>

export const StaffPetitionSummarySchema = z.object({
  id: IdSchema,
  trackingNo: z.string(),
  kind: PetitionKindSchema,
  category: z.object({ id: IdSchema, name: z.string() }),
  title: z.string(),
  status: PetitionStatusSchema,
  version: z.number().int(),
  submittedAt: DateTimeSchema,
  handlingUnit: z.object({ id: IdSchema, name: z.string() }),
  nextDeadline: NextDeadlineSchema,
  isOverdue: z.boolean(),
  /** 疑似重复信访: the citizen has another open petition on what looks like the same matter. */
  possibleRepeatOfId: IdSchema.nullable(),
  lastSupervisedAt: DateTimeSchema.nullable(),
})
export type StaffPetitionSummary = z.infer<typeof StaffPetitionSummarySchema>
export const StaffQueueSchema = pageOf(StaffPetitionSummarySchema)

export const StaffTimelineEventSchema = z.object({
  at: DateTimeSchema,
  type: z.string(),
  publicMessage: z.string().nullable(),
  internalNote: z.string().nullable(),
  actorKind: z.enum(['citizen', 'staff', 'system']),
})

export const StaffPetitionDetailSchema = StaffPetitionSummarySchema.extend({
  content: z.string(),
  /** Masked; an audited reveal shows it in full. */
  address: z.string().nullable(),
  /** The petitioner, masked — null where the staff member may not know who it is (a forwarded report). */
  petitioner: MaskedProfileSchema.nullable(),
  targetUnit: z.object({ id: IdSchema, name: z.string() }).nullable(),
  attachments: z.array(AttachmentSchema),
  events: z.array(StaffTimelineEventSchema),
  deadlines: PetitionDeadlinesSchema,
  extendedDays: z.number().int(),
  externalBody: z.string().nullable(),
  availableActions: z.array(z.enum(STAFF_ACTION_TYPES)),
})
export type StaffPetitionDetail = z.infer<typeof StaffPetitionDetailSchema>

export const RevealRequestSchema = z.strictObject({
  reason: z.string().trim().min(5, '请写明查看原因（至少 5 个字）').max(200),
})

export const RevealedPersonalDataSchema = z.object({
  realName: z.string(),
  idNumber: z.string(),
  phone: z.string(),
  address: z.string(),
  petitionAddress: z.string().nullable(),
})
export type RevealedPersonalData = z.infer<typeof RevealedPersonalDataSchema>

export const StaffActionResultSchema = z.object({
  id: IdSchema,
  status: PetitionStatusSchema,
  version: z.number().int(),
})

export const StaffNoticeSchema = z.object({
  id: IdSchema,
  at: DateTimeSchema,
  kind: z.string(),
  text: z.string(),
  /** The petition a notice is about; null for one about an account (a sign-in attack). */
  petitionId: IdSchema.nullable(),
})
export const StaffNoticeListSchema = z.object({ items: z.array(StaffNoticeSchema) })
export type StaffNoticeList = z.infer<typeof StaffNoticeListSchema>

export const SweepResultSchema = z.object({ markedOverdue: z.number().int() })
