import { and, asc, eq, isNull, lt } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { petitionEvents, petitions, staffNotices } from '../../db/schema'
import { newId } from '../../lib/ids'
import { appendAudit } from '../audit/audit-log'
import { currentDeadline } from './staff-views'

/** At most this many petitions are marked per run, so one sweep never holds the write lock for long. */
export const SWEEP_BATCH = 500

/**
 * Marks petitions whose current deadline has passed and tells supervisors (督办, Art. 40). Idempotent: a
 * petition is marked once per lapse (`overdue_since`); a decision or reply that resets its clock clears the mark,
 * a transfer does not (the lapse travels with the petition until someone decides it).
 * Runs on a timer in the Node entry and from `POST /api/v1/staff/sweeps/overdue` for cron-style triggers.
 */
export async function sweepOverdue(database: Database, now: number): Promise<{ markedOverdue: number }> {
  return database.write(async (tx) => {
    const due = await tx
      .select({ id: petitions.id, trackingNo: petitions.trackingNo, handlingUnitId: petitions.handlingUnitId })
      .from(petitions)
      .where(and(isNull(petitions.overdueSince), lt(currentDeadline, now)))
      .orderBy(asc(petitions.submittedAt))
      .limit(SWEEP_BATCH)
    for (const petition of due) {
      await tx.update(petitions).set({ overdueSince: now }).where(eq(petitions.id, petition.id))
      await tx.insert(petitionEvents).values({
        id: newId(now),
        petitionId: petition.id,
        at: now,
        type: 'overdue',
        publicMessage: null,
        internalNote: '已超过办理期限，已提醒督办人员',
        actorKind: 'system',
        actorId: null,
      })
      // Addressed to every supervisor; each reads it only if they may see the petition it names, so the
      // supervisors of a unit a report accuses never do (list-staff-notices.ts).
      await tx.insert(staffNotices).values({
        id: newId(now),
        role: 'supervisor',
        unitId: null,
        petitionId: petition.id,
        at: now,
        kind: 'overdue',
        text: `信访事项 ${petition.trackingNo} 已超过办理期限，请督办`,
      })
      await appendAudit(
        tx,
        {
          actorKind: 'system',
          actorId: null,
          action: 'petition.overdue',
          subjectKind: 'petition',
          subjectId: petition.id,
        },
        now,
      )
    }
    return { markedOverdue: due.length }
  })
}
