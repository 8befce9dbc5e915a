import type { StaffReceptionSession } from '@xinfang/shared'
import { and, eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { receptionSessions } from '../../db/schema'
import { AppError } from '../app-error'
import { appendAudit } from '../audit/audit-log'
import { slotsOfSessions } from './session-view'
import { loadStaffScope } from './staff-scope'
import { findSessionInScope, toStaffSession } from './staff-session-view'

/** Publishes a draft session: from now on citizens see it and, within its window, may book. */
export async function publishSession(
  database: Database,
  staffId: string,
  sessionId: string,
  now: number,
): Promise<StaffReceptionSession> {
  return database.write(async (tx) => {
    const scope = await loadStaffScope(tx, staffId)
    const found = await findSessionInScope(tx, scope, sessionId)
    if (found.session.status !== 'draft')
      throw new AppError('INVALID_TRANSITION', { detail: '只有草稿状态的接访可以发布' })
    if (found.session.startsAt <= now) throw new AppError('INVALID_TRANSITION', { detail: '接访时间已过，不能发布' })
    await tx
      .update(receptionSessions)
      .set({ status: 'published', updatedAt: now })
      .where(and(eq(receptionSessions.id, sessionId), eq(receptionSessions.status, 'draft')))
    await appendAudit(
      tx,
      {
        actorKind: 'staff',
        actorId: staffId,
        action: 'reception_session.publish',
        subjectKind: 'reception_session',
        subjectId: sessionId,
      },
      now,
    )
    const session = { ...found.session, status: 'published' as const, updatedAt: now }
    return toStaffSession({ ...found, session }, await slotsOfSessions(tx, [sessionId]), new Map())
  })
}
