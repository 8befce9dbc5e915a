import { type Me, maskProfile } from '@xinfang/shared'
import { eq } from 'drizzle-orm'
import type { Db } from '../../db/client'
import { staffAccounts, units } from '../../db/schema'
import { AppError } from '../app-error'
import type { Principal } from '../auth/tokens'
import type { Keyring } from '../privacy/keyring'
import { loadPlainProfile } from './citizen-profile'

/**
 * Who is signed in: a citizen with the real-name profile masked (null until registered), or a staff member with
 * their name and unit. A staff account deleted since the token was issued is no one (401).
 */
export async function getMe(deps: { db: Db; keyring: Keyring }, input: { principal: Principal }): Promise<Me> {
  const { principal } = input
  if (principal.kind === 'citizen') {
    const profile = await loadPlainProfile(deps.db, deps.keyring, principal.id)
    return { id: principal.id, role: 'citizen', profile: profile ? maskProfile(profile) : null }
  }
  const [staff] = await deps.db
    .select({ displayName: staffAccounts.displayName, unitId: units.id, unitName: units.name })
    .from(staffAccounts)
    .innerJoin(units, eq(units.id, staffAccounts.unitId))
    .where(eq(staffAccounts.id, principal.id))
  if (!staff) throw new AppError('UNAUTHENTICATED')
  return {
    id: principal.id,
    role: principal.role,
    displayName: staff.displayName,
    unit: { id: staff.unitId, name: staff.unitName },
  }
}
