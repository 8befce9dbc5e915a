import {
  DAY_MS,
  decideStaffAction,
  STAFF_ACTION_LABELS,
  type StaffAction,
  type WorkflowActor,
  type WorkflowPetition,
} from '@xinfang/shared'
import { and, eq } from 'drizzle-orm'
import type { Database, WriteTx } from '../../db/client'
import { petitions, units } from '../../db/schema'
import { AppError } from '../app-error'
import { isPetitionVisibleTo } from '../petitions/petition-visibility'
import { recordPetitionStep } from '../petitions/record-step'
import type { DeadlinePolicy } from './deadline-policy'
import { publicMessageFor } from './timeline-messages'

type PetitionRow = typeof petitions.$inferSelect

export interface StaffActor extends WorkflowActor {
  id: string
}

export function workflowViewOf(row: PetitionRow): WorkflowPetition {
  return {
    status: row.status,
    kind: row.kind,
    handlingUnitId: row.handlingUnitId,
    targetUnitId: row.targetUnitId,
    isWithExternalBody: row.externalBody !== null,
    extendedDays: row.extendedDays,
  }
}

async function unitName(tx: WriteTx, unitId: string): Promise<string> {
  const [unit] = await tx.select({ name: units.name }).from(units).where(eq(units.id, unitId)).limit(1)
  if (!unit) throw new AppError('VALIDATION_FAILED', { errors: [{ path: 'body.unitId', message: '单位不存在' }] })
  return unit.name
}

/**
 * Applies one staff action in one transaction: the legality check of the shared state machine, the optimistic
 * version check (a stale `version` is refused, never silently overwritten), the new deadlines, the timeline
 * event, the citizen's notice and the audit entry all commit together.
 */
export async function applyStaffAction(
  deps: { database: Database; deadlines: DeadlinePolicy },
  actor: StaffActor,
  petitionId: string,
  action: StaffAction,
  now: number,
): Promise<{ version: number; status: PetitionRow['status'] }> {
  return deps.database.write(async (tx) => {
    const [row] = await tx.select().from(petitions).where(eq(petitions.id, petitionId)).limit(1)
    const view = row ? workflowViewOf(row) : undefined
    // A petition the actor may not see does not exist for them (no existence oracle).
    if (!row || !view || !isPetitionVisibleTo(actor, view)) throw new AppError('NOT_FOUND')
    if (action.version !== row.version) {
      throw new AppError('VERSION_CONFLICT', { detail: `该事项已被更新（当前版本 ${row.version}），请刷新后重试` })
    }
    const profile = deps.deadlines.profileOf(row.deadlineProfile)
    const decision = decideStaffAction(view, actor, action, profile)
    if (!decision.ok) throw new AppError(decision.code, { detail: decision.reason })

    const changes: Partial<PetitionRow> = { status: decision.to, version: row.version + 1, updatedAt: now }
    // The facts the statistics are computed from, recorded once, when they happen (shared/src/statistics.ts).
    const isDecision = action.type === 'accept' || action.type === 'not_accept' || action.type === 'transfer'
    if (isDecision && row.decidedAt === null) {
      changes.decidedAt = now
      // A petition the sweep has marked overdue was decided late, whatever its `decideBy` says now.
      changes.isDecidedOnTime = row.overdueSince === null && now <= row.decideBy
    }
    if (action.type === 'reply' && row.firstRepliedAt === null) {
      changes.firstRepliedAt = now
      changes.isFirstReplyOnTime = row.replyBy === null || now <= row.replyBy
    }
    let destinationName: string | null = null
    switch (action.type) {
      case 'accept':
        changes.acceptedAt = now
        changes.replyBy = deps.deadlines.after(now, profile.reply)
        changes.overdueSince = null
        break
      case 'not_accept':
        changes.closedAt = now
        changes.overdueSince = null
        break
      case 'transfer':
        if (action.toUnitId) {
          destinationName = await unitName(tx, action.toUnitId)
          changes.handlingUnitId = action.toUnitId
          changes.decideBy = deps.deadlines.after(now, profile.decide)
        } else {
          changes.externalBody = action.externalBody ?? null
          changes.closedAt = now
        }
        // The overdue mark stays: handing a lapsed matter on is not deciding it, and the receiving unit's fresh
        // limit must not hide the lapse from supervision (督办) until someone accepts or refuses it.
        break
      case 'assign':
        destinationName = await unitName(tx, action.unitId)
        changes.handlingUnitId = action.unitId
        break
      case 'reply':
      case 'review_reply':
      case 'recheck_reply':
        changes.repliedAt = now
        changes.overdueSince = null
        break
      case 'extend':
        changes.replyBy = (row.replyBy ?? now) + action.days * DAY_MS
        changes.extendedDays = row.extendedDays + action.days
        changes.overdueSince = null
        break
      case 'supervise':
        changes.lastSupervisedAt = now
        break
      case 'note':
        break
    }
    const updated = await tx
      .update(petitions)
      .set(changes)
      .where(and(eq(petitions.id, petitionId), eq(petitions.version, row.version)))
      .returning({ version: petitions.version })
    if (updated.length !== 1) throw new AppError('VERSION_CONFLICT')

    const replyBy = changes.replyBy ?? row.replyBy
    const reviewRequestBy =
      row.kind === 'complaint' && (action.type === 'reply' || action.type === 'review_reply')
        ? deps.deadlines.after(now, profile.reviewRequest)
        : null
    const message = publicMessageFor(action, {
      unitName: await unitName(tx, row.handlingUnitId),
      destinationName,
      replyBy,
      decideBy: changes.decideBy ?? row.decideBy,
      reviewRequestBy,
    })
    await recordPetitionStep(
      tx,
      {
        petition: row,
        type: action.type,
        actor: { kind: 'staff', id: actor.id },
        publicMessage: message,
        internalNote: internalNoteOf(action),
        notice: { title: `信访事项${STAFF_ACTION_LABELS[action.type]}`, status: STAFF_ACTION_LABELS[action.type] },
        audit: {
          action: `petition.${action.type}`,
          details: { from: row.status, to: decision.to, version: row.version + 1 },
        },
      },
      now,
    )
    return { version: row.version + 1, status: decision.to }
  })
}

function internalNoteOf(action: StaffAction): string | null {
  switch (action.type) {
    case 'note':
    case 'supervise':
      return action.text
    case 'transfer':
      return action.reason ?? null
    case 'extend':
      return `延期 ${action.days} 日：${action.reason}`
    default:
      return null
  }
}
