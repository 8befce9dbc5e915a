import type { StaffRole } from '@xinfang/shared'
import { eq } from 'drizzle-orm'
import { staffAccounts, units } from '../../db/schema'
import { AppError } from '../app-error'
import type { Reader } from './session-view'

/**
 * Which sessions a staff member may run: those of their own unit, or every unit's when they work at the
 * petition bureau (信访局), which coordinates reception days for the whole city.
 */
export interface StaffScope {
  staffId: string
  role: StaffRole
  unitId: string
  isBureau: boolean
}

export async function loadStaffScope(db: Reader, staffId: string): Promise<StaffScope> {
  const [row] = await db
    .select({ role: staffAccounts.role, unitId: staffAccounts.unitId, kind: units.kind })
    .from(staffAccounts)
    .innerJoin(units, eq(units.id, staffAccounts.unitId))
    .where(eq(staffAccounts.id, staffId))
    .limit(1)
  if (!row) throw new AppError('UNAUTHENTICATED', { detail: '账号状态已变更，请重新登录' })
  return { staffId, role: row.role, unitId: row.unitId, isBureau: row.kind === 'petition_bureau' }
}

export function isInScope(scope: StaffScope, unitId: string): boolean {
  return scope.isBureau || scope.unitId === unitId
}
