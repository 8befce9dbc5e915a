import { type StaffNoticeList, toShanghaiIso } from '@xinfang/shared'
import { and, desc, eq, isNull, or } from 'drizzle-orm'
import type { Db } from '../../db/client'
import { petitions, staffNotices } from '../../db/schema'
import { petitionVisibleTo } from '../petitions/petition-visibility'
import type { StaffActor } from './apply-staff-action'

/** The most recent notices a staff member gets. */
export const STAFF_NOTICE_LIMIT = 50

/**
 * The work notices (工作提醒) addressed to the actor's role, everywhere or in their unit — only about petitions they
 * may see. A notice names its petition by number, so it is read through the same policy as the petition itself:
 * an overdue report is announced to every supervisor but the accused unit's (Art. 30 ¶3). A notice about no
 * petition (an account under attack) goes to its role and unit alike.
 */
export async function listStaffNotices(db: Db, actor: StaffActor): Promise<StaffNoticeList> {
  const rows = await db
    .select({
      id: staffNotices.id,
      at: staffNotices.at,
      kind: staffNotices.kind,
      text: staffNotices.text,
      petitionId: staffNotices.petitionId,
    })
    .from(staffNotices)
    .leftJoin(petitions, eq(petitions.id, staffNotices.petitionId))
    .where(
      and(
        eq(staffNotices.role, actor.role),
        or(isNull(staffNotices.unitId), eq(staffNotices.unitId, actor.unitId)),
        or(isNull(staffNotices.petitionId), petitionVisibleTo(actor)),
      ),
    )
    .orderBy(desc(staffNotices.at), desc(staffNotices.id))
    .limit(STAFF_NOTICE_LIMIT)
  return { items: rows.map((row) => ({ ...row, at: toShanghaiIso(row.at) })) }
}
