import {
  type Message,
  type PetitionDetail,
  type PetitionStatus,
  type Problem,
  RATING_WINDOW_DAYS,
  type ReplyStage,
  STAFF_ACTION_LABELS,
} from '@xinfang/shared'
import { formatShanghaiDay } from './format'

/**
 * What a petition's latest reply allows the citizen to do next (../shared/DOMAIN.md, "Satisfaction rating" and the
 * lifecycle): rate it within 30 days, and — for a complaint — ask the unit above to review it (复查 after the first
 * reply, Art. 35; 复核 after the 复查 reply, Art. 36). The petition detail says both (api/src/domain/reviews/
 * review-windows.ts): `rating` once the latest reply is rated, `deadlines.rateBy` while it can still be, and
 * `deadlines.reviewRequestBy` for the review. Nothing here computes a window; the 409s that a race can still bring
 * are explained where they come back.
 */

export type { ReplyStage }

/** The petition events whose message announces a written reply, the moment to rate it. */
const REPLY_EVENTS: ReadonlySet<string> = new Set(['reply', 'review_reply', 'recheck_reply'] as const)

/**
 * Messages written before they named their event are recognised by their title, which the API builds from the
 * staff step's label (`信访事项答复`, `信访事项复查答复`, `信访事项复核答复`).
 */
const REPLY_MESSAGE_TITLES = new Set(
  (['reply', 'review_reply', 'recheck_reply'] as const).map((type) => `信访事项${STAFF_ACTION_LABELS[type]}`),
)

export function isReplyMessage(message: Pick<Message, 'subjectKind' | 'title' | 'event'>): boolean {
  if (message.subjectKind !== 'petition') return false
  return message.event === null ? REPLY_MESSAGE_TITLES.has(message.title) : REPLY_EVENTS.has(message.event)
}

/** 复查 (review of the first reply) or 复核 (review of the 复查 reply). */
export type ReviewKind = 'review' | 'recheck'

export const REVIEW_KIND_LABELS: Record<ReviewKind, string> = { review: '复查', recheck: '复核' }

/** The article of 信访工作条例 (2022) each kind of request rests on. */
export const REVIEW_KIND_ARTICLES: Record<ReviewKind, string> = { review: '第三十五条', recheck: '第三十六条' }

/** The request a reply of this stage can lead to: 复查 after the first reply, 复核 after the 复查 reply, none after. */
export function reviewKindAfter(stage: ReplyStage): ReviewKind | null {
  if (stage === 'reply') return 'review'
  if (stage === 'review') return 'recheck'
  return null
}

export interface ReviewOpening {
  kind: ReviewKind
  /** 申请期限, as the API computed it with the petition's own deadline profile (30 days after the reply by law). */
  requestBy: string
  isOpen: boolean
}

/**
 * The review the latest reply allows, or null when there is none: only a complaint's written reply can be reviewed,
 * and the API gives `reviewRequestBy` exactly then.
 */
export function reviewOpeningOf(
  petition: Pick<PetitionDetail, 'status' | 'deadlines'>,
  now: number,
): ReviewOpening | null {
  const requestBy = petition.deadlines.reviewRequestBy
  if (requestBy === undefined) return null
  const kind: ReviewKind | null =
    petition.status === 'replied' ? 'review' : petition.status === 'review_replied' ? 'recheck' : null
  if (kind === null) return null
  return { kind, requestBy, isOpen: now <= Date.parse(requestBy) }
}

/** The request under way, when the petition is waiting for a 复查 or 复核 decision. */
export function pendingReviewOf(status: PetitionStatus): ReviewKind | null {
  if (status === 'review_requested') return 'review'
  if (status === 'recheck_requested') return 'recheck'
  return null
}

/** Art. 36 ¶3: after 复核 the same facts and reasons are no longer accepted. */
export function isFinal(status: PetitionStatus): boolean {
  return status === 'recheck_replied' || status === 'finalized'
}

/** `12月24日（周四）前`, as 申请期限 and 评价期限 are written. */
export function formatDueDay(dueBy: string, now: number): string {
  return `${formatShanghaiDay(dueBy, now)}前`
}

export const FINAL_REPLY_TEXT = '复核意见为最终意见，同一事实和理由不再受理（《信访工作条例》第三十六条）。'

/** The rating exists already: sent from another phone, or by an earlier tap whose answer was lost. */
export const ALREADY_RATED_TEXT =
  '这次答复已经评价过了（可能是在另一台手机上，或者刚才的评价已经提交成功），每次答复只能评价一次。'

/** Why a rating was refused, and what to do next. */
export function ratingRefusalText(problem: Problem): string {
  switch (problem.code) {
    case 'ALREADY_RATED':
      return ALREADY_RATED_TEXT
    case 'RATING_NOT_OPEN':
      return `现在不能评价：评价期限（答复后 ${RATING_WINDOW_DAYS} 日内）可能已过，或者这件事项已有新的进展，请查看上面的办理进度。您填写的内容仍保存在本机。`
    case 'VALIDATION_FAILED':
      return `${problem.errors?.[0]?.message ?? problem.title}。请修改后再提交。`
    default:
      if (problem.status >= 500) return `${problem.title}。您填写的内容已保存在本机，请稍后再点“提交评价”。`
      return `${problem.detail ?? problem.title}。您填写的内容已保存在本机。`
  }
}

/** Why a review request was refused, and what to do next. */
export function reviewRefusalText(problem: Problem, kind: ReviewKind): string {
  const label = REVIEW_KIND_LABELS[kind]
  switch (problem.code) {
    case 'REVIEW_WINDOW_CLOSED':
      // The API's detail names the date the window closed ("申请期限已于 2026年12月24日 届满…").
      return `已超过申请${label}的期限（《信访工作条例》${REVIEW_KIND_ARTICLES[kind]}）：${problem.detail ?? '须在收到答复之日起 30 日内申请'}。如有新的事实和理由，可以重新提出信访事项。`
    case 'PETITION_FINALIZED':
      return `这件事项已经复核，不能再申请。${FINAL_REPLY_TEXT}`
    case 'INVALID_TRANSITION':
      return `这件事项现在不能申请${label}：${problem.detail ?? '只有投诉请求类事项在收到书面答复后才能申请'}。请回到详情页查看最新进展。`
    case 'VALIDATION_FAILED':
      return `${problem.errors?.[0]?.message ?? problem.title}。请修改后再提交。`
    default:
      if (problem.status >= 500) return `${problem.title}。您写的理由已保存在本机，请稍后再点“提交申请”。`
      return `${problem.detail ?? problem.title}。您写的理由已保存在本机。`
  }
}
