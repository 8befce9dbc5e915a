import { CITIZEN_ACTION_RULES, chineseDateOf, FINAL_STATUSES, reviewStepOf, toShanghaiIso } from '@xinfang/shared'
import { and, eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { petitions, units } from '../../db/schema'
import { AppError } from '../app-error'
import { recordPetitionStep } from '../petitions/record-step'
import type { DeadlinePolicy } from '../workflow/deadline-policy'
import { reviewRequestByOf } from './review-windows'

/**
 * 复查 after the reply (Art. 35) or 复核 after the 复查 reply (Art. 36), within 30 days of that reply, decided by
 * the unit above the one that replied within 30 days. After 复核 the matter is final (Art. 36 ¶3).
 */
export async function requestReview(
  deps: { database: Database; deadlines: DeadlinePolicy },
  citizenId: string,
  petitionId: string,
  reason: string,
  now: number,
) {
  return deps.database.write(async (tx) => {
    const [row] = await tx
      .select()
      .from(petitions)
      .where(and(eq(petitions.id, petitionId), eq(petitions.citizenId, citizenId)))
      .limit(1)
    if (!row) throw new AppError('NOT_FOUND')
    if (FINAL_STATUSES.includes(row.status)) {
      throw new AppError('PETITION_FINALIZED', {
        detail: '该事项已经复核，复核意见为最终意见（《信访工作条例》第三十六条）',
      })
    }
    if (row.kind !== 'complaint') {
      throw new AppError('INVALID_TRANSITION', { detail: '只有投诉请求类事项可以申请复查、复核' })
    }
    const step = reviewStepOf(row)
    if (!step) throw new AppError('INVALID_TRANSITION', { detail: '收到书面答复后才能申请复查（复核）' })
    const to = CITIZEN_ACTION_RULES[step].to
    const deadline = reviewRequestByOf(row, deps.deadlines)
    if (deadline === null || now > deadline) {
      throw new AppError('REVIEW_WINDOW_CLOSED', {
        detail: `申请期限已于 ${deadline === null ? '' : chineseDateOf(deadline)} 届满（收到答复之日起 30 日内）`,
      })
    }

    const [replying] = await tx.select().from(units).where(eq(units.id, row.handlingUnitId)).limit(1)
    const reviewUnitId = replying?.parentId ?? row.handlingUnitId
    const [reviewUnit] = await tx
      .select({ id: units.id, name: units.name })
      .from(units)
      .where(eq(units.id, reviewUnitId))
    if (!reviewUnit) throw new Error(`unit ${reviewUnitId} vanished`)
    const profile = deps.deadlines.profileOf(row.deadlineProfile)
    const decideBy = deps.deadlines.after(now, profile.reviewDecision)
    await tx
      .update(petitions)
      .set({
        status: to,
        handlingUnitId: reviewUnit.id,
        replyBy: decideBy,
        reviewRequestedAt: row.reviewRequestedAt ?? now,
        overdueSince: null,
        version: row.version + 1,
        updatedAt: now,
      })
      .where(eq(petitions.id, petitionId))
    const stage = to === 'review_requested' ? '复查' : '复核'
    const article = to === 'review_requested' ? '第三十五条' : '第三十六条'
    const message = `您已申请${stage}，${reviewUnit.name}将在 ${chineseDateOf(decideBy)} 前提出${stage}意见并书面答复（《信访工作条例》${article}）。`
    await recordPetitionStep(
      tx,
      {
        petition: row,
        type: to,
        actor: { kind: 'citizen', id: citizenId },
        publicMessage: message,
        internalNote: `申请理由：${reason}`,
        notice: { title: `已申请${stage}`, status: `已申请${stage}` },
        audit: { action: `petition.${to}` },
      },
      now,
    )
    return { petitionId, status: to, reviewUnit, decideBy: toShanghaiIso(decideBy) }
  })
}
