import type { WriteTx } from '../../db/client'
import { insertRow } from '../../db/prebuilt'
import { petitionEvents } from '../../db/schema'
import { newId } from '../../lib/ids'
import { appendAudit } from '../audit/audit-log'
import { notifyCitizen } from '../notifications/notify-citizen'

export interface PetitionStep {
  petition: { id: string; citizenId: string; trackingNo: string }
  /** Timeline event type, e.g. `submitted`, `accept`, `review_requested`. */
  type: string
  actor: { kind: 'citizen' | 'staff' | 'system'; id: string | null }
  /** What the citizen reads on the timeline and in the message centre; null for internal-only steps. */
  publicMessage: string | null
  internalNote?: string | null
  /** Headline of the citizen's notice and the status word of the WeChat push. */
  notice?: { title: string; status: string; date?: string }
  audit: { action: string; details?: Record<string, unknown> }
}

/**
 * Everything a step of a petition leaves behind, written in the caller's transaction so that it commits with the
 * change itself: the timeline event, the citizen's notice (in-app message and outbox row) when the step is
 * public, and the audit entry.
 */
export async function recordPetitionStep(tx: WriteTx, step: PetitionStep, now: number): Promise<void> {
  await insertRow(tx, petitionEvents, {
    id: newId(now),
    petitionId: step.petition.id,
    at: now,
    type: step.type,
    publicMessage: step.publicMessage,
    internalNote: step.internalNote ?? null,
    actorKind: step.actor.kind,
    actorId: step.actor.id,
  })
  if (step.publicMessage && step.notice) {
    await notifyCitizen(
      tx,
      {
        citizenId: step.petition.citizenId,
        subjectKind: 'petition',
        subjectId: step.petition.id,
        event: step.type,
        title: step.notice.title,
        body: step.publicMessage,
        template: 'petition_progress',
        payload: {
          trackingNo: step.petition.trackingNo,
          status: step.notice.status,
          ...(step.notice.date ? { date: step.notice.date } : {}),
        },
      },
      now,
    )
  }
  await appendAudit(
    tx,
    {
      actorKind: step.actor.kind,
      actorId: step.actor.id,
      action: step.audit.action,
      subjectKind: 'petition',
      subjectId: step.petition.id,
      ...(step.audit.details ? { details: step.audit.details } : {}),
    },
    now,
  )
}
