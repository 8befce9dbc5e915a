import {
  type NextDeadlineSchema,
  PETITION_STATUS_LABELS,
  type PetitionStatus,
  STAFF_ACTION_LABELS,
  type StaffActionType,
} from '@xinfang/shared'
import type { z } from 'zod'
import { formatShanghaiDateTime, formatShanghaiDay } from './format'

export type NextDeadline = NonNullable<z.infer<typeof NextDeadlineSchema>>

/** Events the citizen or the system causes; staff actions take their labels from the shared workflow table. */
const CITIZEN_EVENT_LABELS: Record<string, string> = {
  submitted: '提交',
  withdrawn: '撤回',
  overdue: '超过期限',
  review_requested: '申请复查',
  recheck_requested: '申请复核',
  rated: '评价',
}

function isStaffAction(type: string): type is StaffActionType {
  return Object.hasOwn(STAFF_ACTION_LABELS, type)
}

/** The step a timeline event stands for, as one or two plain words: 受理, 转送, 答复… */
export function timelineStepLabel(type: string): string {
  if (isStaffAction(type)) return STAFF_ACTION_LABELS[type]
  return CITIZEN_EVENT_LABELS[type] ?? '办理进展'
}

export function statusLabel(status: PetitionStatus): string {
  return PETITION_STATUS_LABELS[status]
}

export type StatusTone = 'waiting' | 'handling' | 'answered' | 'ended'

/** How a status is coloured: waiting for a decision, being handled, answered, or over. */
export function statusToneOf(status: PetitionStatus): StatusTone {
  switch (status) {
    case 'submitted':
    case 'transferred':
    case 'review_requested':
    case 'recheck_requested':
      return 'waiting'
    case 'accepted':
    case 'in_progress':
      return 'handling'
    case 'replied':
    case 'review_replied':
    case 'recheck_replied':
      return 'answered'
    case 'not_accepted':
    case 'finalized':
    case 'closed':
    case 'withdrawn':
      return 'ended'
  }
}

export interface DeadlineText {
  /** What must happen by when, with the article it rests on. */
  sentence: string
  /** Set when the limit has passed: what the person can do about it. */
  overdueAdvice: string | undefined
}

/**
 * The next deadline (../shared/DOMAIN.md, "Lifecycle and deadlines") as a sentence an older person can act on. The
 * status tells a 复查/复核 decision (Art. 35, 36) from a first reply (Art. 34): both are `reply` deadlines.
 */
export function describeNextDeadline(deadline: NextDeadline, now: number, status?: PetitionStatus): DeadlineText {
  const date = formatShanghaiDay(deadline.at, now)
  if (deadline.kind === 'reply' && (status === 'review_requested' || status === 'recheck_requested')) {
    const [stage, article] = status === 'review_requested' ? ['复查', '第三十五条'] : ['复核', '第三十六条']
    return {
      sentence: `${stage}机关应在${date}前提出${stage}意见并书面答复您（《信访工作条例》${article}）。`,
      overdueAdvice: deadline.isOverdue ? `已超过${stage}期限。您可以向上一级信访部门反映。` : undefined,
    }
  }
  switch (deadline.kind) {
    case 'decide':
      return {
        sentence: `信访部门应在${date}前告知您是否受理（《信访工作条例》第二十二条）。`,
        overdueAdvice: deadline.isOverdue ? '已超过告知期限。您可以向上一级信访部门反映。' : undefined,
      }
    case 'reply':
      return {
        sentence: `承办单位应在${date}前作出书面答复（《信访工作条例》第三十四条）。`,
        overdueAdvice: deadline.isOverdue ? '已超过答复期限。您可以向上一级信访部门反映。' : undefined,
      }
    case 'review_request':
      return {
        sentence: `如对答复不满意，可在${date}前请求上一级机关复查或复核（《信访工作条例》第三十五、三十六条）。`,
        overdueAdvice: deadline.isOverdue ? '申请复查（复核）的期限已过。' : undefined,
      }
  }
}

/** `11月24日 09:00`, for the moments in a timeline and a message list. */
export function formatMoment(iso: string, now: number): string {
  return formatShanghaiDateTime(iso, now)
}
