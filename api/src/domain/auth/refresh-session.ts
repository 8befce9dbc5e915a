import type { AuthResult } from '@xinfang/shared'
import { eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { citizenProfiles, citizens, staffAccounts } from '../../db/schema'
import type { KeyBytes } from '../privacy/keyring'
import { noteRevokedFamily } from './revoked-families'
import { issueTokens, retireRefreshToken, revokeFamilyIn, unauthenticated } from './sessions'

interface RefreshAnswer {
  result: AuthResult | null
  revokedFamily: string | null
}

/**
 * Exchanges a refresh token for a new pair in the same family. Runs in one transaction so a crash cannot leave
 * the old token retired without a successor; a refused refresh still commits what it revoked, then answers 401.
 */
export async function refreshSession(
  database: Database,
  refreshToken: string,
  options: { tokenSecret: KeyBytes; now: number },
): Promise<AuthResult> {
  // A write may be retried, so the revoked family is what the committed attempt answered, not a variable it set.
  const { result, revokedFamily } = await database.write(async (tx): Promise<RefreshAnswer> => {
    const outcome = await retireRefreshToken(tx, refreshToken, options.now)
    if (outcome.kind === 'reused') return { result: null, revokedFamily: outcome.familyId }
    if (outcome.kind !== 'rotated') return { result: null, revokedFamily: null }
    if (outcome.subjectKind === 'citizen') {
      const [citizen] = await tx
        .select({ id: citizens.id, profile: citizenProfiles.citizenId })
        .from(citizens)
        .leftJoin(citizenProfiles, eq(citizenProfiles.citizenId, citizens.id))
        .where(eq(citizens.id, outcome.subjectId))
        .limit(1)
      if (!citizen) return { result: null, revokedFamily: null }
      const tokens = await issueTokens(
        tx,
        { kind: 'citizen', id: citizen.id },
        options.tokenSecret,
        options.now,
        outcome.familyId,
      )
      const user = { id: citizen.id, role: 'citizen', hasProfile: citizen.profile !== null } as const
      return { result: { ...tokens, user }, revokedFamily: null }
    }
    const [staff] = await tx.select().from(staffAccounts).where(eq(staffAccounts.id, outcome.subjectId)).limit(1)
    if (!staff?.isActive) {
      await revokeFamilyIn(tx, outcome.familyId, options.now)
      return { result: null, revokedFamily: outcome.familyId }
    }
    const tokens = await issueTokens(
      tx,
      { kind: 'staff', id: staff.id, role: staff.role, unitId: staff.unitId },
      options.tokenSecret,
      options.now,
      outcome.familyId,
    )
    return { result: { ...tokens, user: { id: staff.id, role: staff.role, hasProfile: false } }, revokedFamily: null }
  })
  if (revokedFamily) noteRevokedFamily(database, revokedFamily, options.now)
  if (!result) throw unauthenticated()
  return result
}
