import { DAY_MS, type SessionCreate, type StaffReceptionSession } from '@xinfang/shared'
import { eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { leaders, receptionSessions, receptionSlots, units } from '../../db/schema'
import { newId } from '../../lib/ids'
import { AppError } from '../app-error'
import { appendAudit } from '../audit/audit-log'
import { isInScope, loadStaffScope } from './staff-scope'
import { toStaffSession } from './staff-session-view'

const HOUR_MS = 60 * 60 * 1000

/**
 * Schedules a leader's reception session (安排领导接访) and, unless kept as a draft, publishes it. The session
 * belongs to the leader's unit; staff may schedule the leaders of their own unit, the petition bureau anyone's.
 */
export async function createSession(
  database: Database,
  staffId: string,
  input: SessionCreate,
  now: number,
): Promise<StaffReceptionSession> {
  const scope = await loadStaffScope(database.db, staffId)
  const [owners] = await database.db
    .select({ leader: leaders, unit: units })
    .from(leaders)
    .innerJoin(units, eq(units.id, leaders.unitId))
    .where(eq(leaders.id, input.leaderId))
    .limit(1)
  if (!owners) {
    throw new AppError('VALIDATION_FAILED', { errors: [{ path: 'body.leaderId', message: '找不到该接访领导' }] })
  }
  if (!isInScope(scope, owners.leader.unitId)) {
    throw new AppError('FORBIDDEN', { detail: '只能为本单位的领导安排接访' })
  }
  const startsAt = Date.parse(input.startsAt)
  if (startsAt <= now) {
    throw new AppError('VALIDATION_FAILED', { errors: [{ path: 'body.startsAt', message: '接访时间须晚于现在' }] })
  }

  const session = {
    id: newId(now),
    seedKey: null,
    leaderId: owners.leader.id,
    unitId: owners.leader.unitId,
    startsAt,
    endsAt: Date.parse(input.endsAt),
    mode: input.mode,
    place: input.place ?? null,
    topics: JSON.stringify(input.topics),
    status: input.publish ? 'published' : 'draft',
    bookingOpensAt: startsAt - input.bookingOpensDaysBefore * DAY_MS,
    bookingClosesAt: startsAt - input.bookingClosesHoursBefore * HOUR_MS,
    requiresConfirmation: input.requiresConfirmation,
    createdAt: now,
    updatedAt: now,
  } as const
  const slots = input.slots
    .map((slot) => ({
      id: newId(now),
      sessionId: session.id,
      startsAt: Date.parse(slot.startsAt),
      endsAt: Date.parse(slot.endsAt),
      capacity: slot.capacity,
      booked: 0,
    }))
    .sort((a, b) => a.startsAt - b.startsAt)

  await database.write(async (tx) => {
    await tx.insert(receptionSessions).values(session)
    await tx.insert(receptionSlots).values(slots)
    await appendAudit(
      tx,
      {
        actorKind: 'staff',
        actorId: staffId,
        action: 'reception_session.create',
        subjectKind: 'reception_session',
        subjectId: session.id,
        details: {
          status: session.status,
          leaderId: session.leaderId,
          slots: slots.length,
          seats: input.slots.reduce((n, s) => n + s.capacity, 0),
        },
      },
      now,
    )
  })
  return toStaffSession({ session, ...owners }, slots, new Map())
}
