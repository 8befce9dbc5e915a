import type { ReceptionSessionDetail } from '@xinfang/shared'
import type { Db } from '../../db/client'
import { AppError } from '../app-error'
import { findSession, slotsOfSessions, toReceptionSession } from './session-view'

/** One session as citizens see it. Drafts do not exist for them; a cancelled session still shows, marked so. */
export async function getSession(db: Db, sessionId: string): Promise<ReceptionSessionDetail> {
  const found = await findSession(db, sessionId)
  if (!found || found.session.status === 'draft') throw new AppError('NOT_FOUND', { detail: '找不到该接访场次' })
  const slots = await slotsOfSessions(db, [sessionId])
  return { ...toReceptionSession(found, slots), status: found.session.status }
}
