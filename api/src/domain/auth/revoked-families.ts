import { gte } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { refreshTokens } from '../../db/schema'
import { ACCESS_TOKEN_TTL_SECONDS, CLOCK_TOLERANCE_SECONDS } from './tokens'

/**
 * How stale this instance's list of revoked token families may be: a logout, a detected refresh-token theft or a
 * deactivation on any instance stops the family's access tokens everywhere within this.
 */
export const REVOKED_FAMILIES_TTL_MS = 30_000

/**
 * A family revoked longer ago than this has no access token left that could verify: every one was issued before
 * the revocation and lives at most the longest lifetime (plus the verifier's clock tolerance). A minute's margin
 * covers clocks of different instances disagreeing.
 */
const LOOKBACK_MS = (Math.max(...Object.values(ACCESS_TOKEN_TTL_SECONDS)) + CLOCK_TOLERANCE_SECONDS + 60) * 1000

interface RevocationState {
  /** Families revoked within the lookback, as the database last said. */
  families: Set<string>
  fetchedAt: number
  /** The reload in flight: concurrent requests that find the list stale wait for one query, not one each. */
  loading: Promise<void> | undefined
  /** Revocations this instance made itself, by when: refused at once, before the next reload would show them. */
  local: Map<string, number>
}

const states = new WeakMap<Database, RevocationState>()

function stateOf(database: Database): RevocationState {
  let state = states.get(database)
  if (!state) {
    state = { families: new Set(), fetchedAt: Number.NEGATIVE_INFINITY, loading: undefined, local: new Map() }
    states.set(database, state)
  }
  return state
}

/**
 * Whether the access token's family has been revoked. One indexed query per instance every 30 s, whatever the
 * traffic: the list holds only the families revoked in the last quarter hour.
 */
export async function isFamilyRevoked(
  deps: { database: Database; now: () => number },
  familyId: string,
): Promise<boolean> {
  const state = stateOf(deps.database)
  const now = deps.now()
  if (now - state.fetchedAt >= REVOKED_FAMILIES_TTL_MS) {
    state.loading ??= reload(deps.database, state, now).finally(() => {
      state.loading = undefined
    })
    await state.loading
  }
  return state.families.has(familyId) || state.local.has(familyId)
}

async function reload(database: Database, state: RevocationState, now: number): Promise<void> {
  const since = now - LOOKBACK_MS
  const rows = await database.db
    .selectDistinct({ familyId: refreshTokens.familyId })
    .from(refreshTokens)
    .where(gte(refreshTokens.revokedAt, since))
  state.families = new Set(rows.map((row) => row.familyId))
  state.fetchedAt = now
  for (const [familyId, revokedAt] of state.local) if (revokedAt < since) state.local.delete(familyId)
}

/** Records a revocation this instance has just committed, so its own next request already refuses the family. */
export function noteRevokedFamily(database: Database, familyId: string, now: number): void {
  stateOf(database).local.set(familyId, now)
}
