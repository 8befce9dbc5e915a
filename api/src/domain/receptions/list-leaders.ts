import type { ReceptionLeader } from '@xinfang/shared'
import { asc, eq } from 'drizzle-orm'
import type { Db } from '../../db/client'
import { leaders, units } from '../../db/schema'
import { loadStaffScope } from './staff-scope'

/** The leaders a staff member may schedule sessions for. */
export async function listLeaders(db: Db, staffId: string): Promise<ReceptionLeader[]> {
  const scope = await loadStaffScope(db, staffId)
  const rows = await db
    .select({ leader: leaders, unit: units })
    .from(leaders)
    .innerJoin(units, eq(units.id, leaders.unitId))
    .where(scope.isBureau ? undefined : eq(leaders.unitId, scope.unitId))
    .orderBy(asc(units.sortOrder), asc(leaders.code))
  return rows.map(({ leader, unit }) => ({
    id: leader.id,
    name: leader.name,
    title: leader.title,
    unit: { id: unit.id, name: unit.name },
  }))
}
