import { z } from 'zod'
import type { StaffRole } from './auth'
import { IdSchema } from './common'
import type { DeadlineProfile } from './deadlines'
import { PETITION_STATUSES, type PetitionStatus, WITHDRAWABLE_STATUSES } from './petition'
import type { PetitionKind } from './reference'

/**
 * The petition workflow (信访工作条例 2022, Art. 22–36) as data: which action moves a petition from which
 * statuses to which, who may take it, and what it must carry. Pure: the API applies a decision in a transaction,
 * the tests walk every pair of status and action.
 */

export const REPLY_OUTCOMES = ['upheld', 'explained', 'not_upheld'] as const
export const ReplyOutcomeSchema = z.enum(REPLY_OUTCOMES)
export type ReplyOutcome = z.infer<typeof ReplyOutcomeSchema>
/** Art. 32: the written reply states one of these. */
export const REPLY_OUTCOME_LABELS: Record<ReplyOutcome, string> = {
  upheld: '支持',
  explained: '解释说明',
  not_upheld: '不予支持',
}

/** Art. 31: where a matter not accepted must go instead; the citizen is told which. */
export const LEGAL_ROUTES = [
  'litigation',
  'arbitration',
  'administrative_reconsideration',
  'other_legal_procedure',
  'being_handled',
] as const
export const LegalRouteSchema = z.enum(LEGAL_ROUTES)
export type LegalRoute = z.infer<typeof LegalRouteSchema>
export const LEGAL_ROUTE_LABELS: Record<LegalRoute, string> = {
  litigation: '向人民法院提起诉讼',
  arbitration: '申请仲裁',
  administrative_reconsideration: '申请行政复议',
  other_legal_procedure: '通过其他法定途径解决',
  being_handled: '该事项已在法定期限内办理中，不再重复受理',
}

const version = z.number().int().min(1)
const text = (min: number, max: number, what: string) =>
  z.string().trim().min(min, `${what}至少 ${min} 个字`).max(max, `${what}最多 ${max} 个字`)

export const StaffActionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('accept'), version }),
  z.strictObject({
    type: z.literal('not_accept'),
    version,
    reason: text(5, 1000, '不予受理理由'),
    route: LegalRouteSchema,
  }),
  z
    .strictObject({
      type: z.literal('transfer'),
      version,
      toUnitId: IdSchema.optional(),
      externalBody: text(2, 100, '接收机关名称').optional(),
      reason: text(2, 500, '转送理由').optional(),
    })
    .refine((action) => (action.toUnitId === undefined) !== (action.externalBody === undefined), {
      message: '请指定转送的本系统单位（toUnitId）或外部机关（externalBody），二者选一',
      path: ['toUnitId'],
    }),
  z.strictObject({ type: z.literal('assign'), version, unitId: IdSchema }),
  z.strictObject({ type: z.literal('reply'), version, outcome: ReplyOutcomeSchema, text: text(10, 5000, '答复意见') }),
  z.strictObject({
    type: z.literal('extend'),
    version,
    days: z.number().int().min(1).max(60),
    reason: text(5, 500, '延期理由'),
  }),
  z.strictObject({ type: z.literal('note'), version, text: text(1, 2000, '备注') }),
  z.strictObject({ type: z.literal('supervise'), version, text: text(5, 1000, '督办意见') }),
  z.strictObject({
    type: z.literal('review_reply'),
    version,
    outcome: ReplyOutcomeSchema,
    text: text(10, 5000, '复查意见'),
  }),
  z.strictObject({
    type: z.literal('recheck_reply'),
    version,
    outcome: ReplyOutcomeSchema,
    text: text(10, 5000, '复核意见'),
  }),
])
export type StaffAction = z.infer<typeof StaffActionSchema>
export type StaffActionType = StaffAction['type']
export const STAFF_ACTION_TYPES = [
  'accept',
  'not_accept',
  'transfer',
  'assign',
  'reply',
  'extend',
  'note',
  'supervise',
  'review_reply',
  'recheck_reply',
] as const satisfies readonly StaffActionType[]

export const STAFF_ACTION_LABELS: Record<StaffActionType, string> = {
  accept: '受理',
  not_accept: '不予受理',
  transfer: '转送',
  assign: '交办',
  reply: '答复',
  extend: '延期',
  note: '内部备注',
  supervise: '督办',
  review_reply: '复查答复',
  recheck_reply: '复核答复',
}

/** Statuses in which the decision to accept is awaited, against `decideBy` (Art. 22). */
export const DECIDING_STATUSES: readonly PetitionStatus[] = ['submitted', 'transferred']

/** Statuses in which a reply (first, 复查 or 复核) is awaited, against `replyBy` (Art. 32–36). */
export const REPLYING_STATUSES: readonly PetitionStatus[] = [
  'accepted',
  'in_progress',
  'review_requested',
  'recheck_requested',
]

/** Statuses in which the matter is still being handled by some unit. */
export const ACTIVE_STATUSES: readonly PetitionStatus[] = [
  'submitted',
  'transferred',
  'accepted',
  'in_progress',
  'review_requested',
  'recheck_requested',
]

interface ActionRule {
  from: readonly PetitionStatus[]
  /** The status after the action; `null` keeps the status (notes, extensions, supervision). */
  to: PetitionStatus | null
  roles: readonly StaffRole[]
  /** `handling`: only staff of the unit holding the petition; `any`: staff of any unit that may see it. */
  unit: 'handling' | 'any'
}

export const STAFF_ACTION_RULES: Record<StaffActionType, ActionRule> = {
  // Art. 22: the receiving body registers and decides within the limit.
  accept: { from: ['submitted', 'transferred'], to: 'accepted', roles: ['intake', 'handler'], unit: 'handling' },
  not_accept: {
    from: ['submitted', 'transferred'],
    to: 'not_accepted',
    roles: ['intake', 'handler'],
    unit: 'handling',
  },
  transfer: { from: ['submitted', 'transferred'], to: 'transferred', roles: ['intake', 'handler'], unit: 'handling' },
  // 交办: the accepting body hands the matter to the unit that will handle it.
  assign: { from: ['accepted'], to: 'in_progress', roles: ['intake', 'supervisor', 'leader'], unit: 'handling' },
  // Art. 32–34: the written reply, within 60 days of acceptance unless extended.
  reply: { from: ['accepted', 'in_progress'], to: 'replied', roles: ['handler', 'intake', 'leader'], unit: 'handling' },
  extend: {
    from: ['accepted', 'in_progress'],
    to: null,
    roles: ['handler', 'intake', 'supervisor', 'leader'],
    unit: 'handling',
  },
  // Notes are internal and may be added at any stage, closed matters included.
  note: {
    from: PETITION_STATUSES,
    to: null,
    roles: ['intake', 'handler', 'supervisor', 'leader', 'admin'],
    unit: 'handling',
  },
  supervise: { from: ACTIVE_STATUSES, to: null, roles: ['supervisor', 'leader'], unit: 'any' },
  // Art. 35–36: the body above decides a 复查, then a 复核.
  review_reply: {
    from: ['review_requested'],
    to: 'review_replied',
    roles: ['handler', 'intake', 'leader'],
    unit: 'handling',
  },
  recheck_reply: {
    from: ['recheck_requested'],
    to: 'recheck_replied',
    roles: ['handler', 'intake', 'leader'],
    unit: 'handling',
  },
}

export interface WorkflowPetition {
  status: PetitionStatus
  kind: PetitionKind
  handlingUnitId: string
  /** For a report (检举控告), the unit accused. */
  targetUnitId: string | null
  /** Forwarded outside this system (e.g. to a court or another city): nothing more happens here. */
  isWithExternalBody: boolean
  /** Days already added to the reply limit. */
  extendedDays: number
}

export interface WorkflowActor {
  role: StaffRole
  unitId: string
}

export type TransitionDecision =
  | { ok: true; to: PetitionStatus }
  | { ok: false; code: 'INVALID_TRANSITION' | 'FORBIDDEN' | 'TRANSFER_TO_SAME_UNIT'; reason: string }

/** Supervision works across units (督办): these roles see petitions wherever they are handled. */
export const CROSS_UNIT_ROLES: readonly StaffRole[] = ['supervisor', 'leader']

/**
 * Art. 30 ¶3: a report's reporter and materials must never reach the person or unit reported. Staff of the
 * accused unit do not see the report at all — on any route, whatever their role. The API applies this rule, as a
 * predicate and as the SQL every query that names a petition carries, from one module:
 * api/src/domain/petitions/petition-visibility.ts (docs/decisions/012-confidentiality-policy.md).
 */
export function canStaffSee(
  actor: WorkflowActor,
  petition: Pick<WorkflowPetition, 'kind' | 'targetUnitId' | 'handlingUnitId'>,
): boolean {
  if (petition.kind === 'report' && petition.targetUnitId === actor.unitId) return false
  if (petition.handlingUnitId === actor.unitId) return true
  return CROSS_UNIT_ROLES.includes(actor.role)
}

export function decideStaffAction(
  petition: WorkflowPetition,
  actor: WorkflowActor,
  action: StaffAction,
  profile: DeadlineProfile,
): TransitionDecision {
  const rule = STAFF_ACTION_RULES[action.type]
  if (!canStaffSee(actor, petition)) return { ok: false, code: 'FORBIDDEN', reason: '无权查看该信访事项' }
  if (!rule.roles.includes(actor.role)) {
    return {
      ok: false,
      code: 'FORBIDDEN',
      reason: `“${STAFF_ACTION_LABELS[action.type]}”需由${rule.roles.join('、')}岗位办理`,
    }
  }
  if (rule.unit === 'handling' && actor.unitId !== petition.handlingUnitId) {
    return { ok: false, code: 'FORBIDDEN', reason: '只有当前承办单位可以办理' }
  }
  if (petition.isWithExternalBody && action.type !== 'note') {
    return { ok: false, code: 'INVALID_TRANSITION', reason: '该事项已转送外部机关办理' }
  }
  if (!rule.from.includes(petition.status)) {
    return { ok: false, code: 'INVALID_TRANSITION', reason: `当前状态下不能“${STAFF_ACTION_LABELS[action.type]}”` }
  }
  // A transfer starts the receiving unit's own decision limit (Art. 22); to the unit already holding the matter
  // it would only restart the clock, and could be repeated to keep a lapsed petition from ever being overdue.
  if (action.type === 'transfer' && action.toUnitId === petition.handlingUnitId) {
    return {
      ok: false,
      code: 'TRANSFER_TO_SAME_UNIT',
      reason: '该事项正由本单位承办，请直接受理或不予受理，或转送其他单位',
    }
  }
  if (petition.kind === 'report') {
    const destination =
      action.type === 'transfer' ? action.toUnitId : action.type === 'assign' ? action.unitId : undefined
    if (destination !== undefined && destination === petition.targetUnitId) {
      return {
        ok: false,
        code: 'INVALID_TRANSITION',
        reason: '检举控告事项不得转交被检举控告的单位（《信访工作条例》第三十条）',
      }
    }
  }
  if (action.type === 'extend' && petition.extendedDays + action.days > profile.maxExtensionDays) {
    return {
      ok: false,
      code: 'INVALID_TRANSITION',
      reason: `延期累计不得超过 ${profile.maxExtensionDays} 日，已延期 ${petition.extendedDays} 日`,
    }
  }
  return { ok: true, to: rule.to ?? petition.status }
}

// ---------------------------------------------------------------------------------------------------------------
// The citizen's moves and the service's own
// ---------------------------------------------------------------------------------------------------------------

export type CitizenActionType = 'withdraw' | 'request_review' | 'request_recheck'

interface CitizenActionRule {
  from: readonly PetitionStatus[]
  to: PetitionStatus
  /** Only these kinds of petition; every kind when absent. */
  kinds?: readonly PetitionKind[]
}

/**
 * What the person who filed a petition may do with it: withdraw it before any reply (DOMAIN.md lifecycle); ask
 * the body above the one that replied for a 复查 (Art. 35), then for a 复核 of the 复查 (Art. 36). Reviews exist
 * for 投诉请求 only: suggestions, inquiries and reports are not decisions a citizen can contest.
 */
export const CITIZEN_ACTION_RULES: Record<CitizenActionType, CitizenActionRule> = {
  withdraw: { from: WITHDRAWABLE_STATUSES, to: 'withdrawn' },
  request_review: { from: ['replied'], to: 'review_requested', kinds: ['complaint'] },
  request_recheck: { from: ['review_replied'], to: 'recheck_requested', kinds: ['complaint'] },
}

/** After the 复核 reply the matter is final: no further review (Art. 36 ¶3). */
export const FINAL_STATUSES: readonly PetitionStatus[] = ['recheck_replied', 'finalized']

/** Which review the petition is open to now, if any: 复查 after the reply, 复核 after the 复查 reply. */
export function reviewStepOf(petition: {
  status: PetitionStatus
  kind: PetitionKind
}): 'request_review' | 'request_recheck' | null {
  for (const step of ['request_review', 'request_recheck'] as const) {
    const rule = CITIZEN_ACTION_RULES[step]
    if (rule.from.includes(petition.status) && (rule.kinds ?? [petition.kind]).includes(petition.kind)) return step
  }
  return null
}

export type SystemTransitionType = 'close' | 'finalize'

/**
 * What the service does by itself when a window lapses: a reply nobody asked to review within the review window
 * is 办结 (`closed`); a 复核 reply is 终结 (`finalized`) once its rating window is over. The windows are in
 * `deadlines.ts` (review request) and `rating.ts` (rating).
 */
export const SYSTEM_TRANSITION_RULES: Record<
  SystemTransitionType,
  { from: readonly PetitionStatus[]; to: PetitionStatus }
> = {
  close: { from: ['replied', 'review_replied'], to: 'closed' },
  finalize: { from: ['recheck_replied'], to: 'finalized' },
}
