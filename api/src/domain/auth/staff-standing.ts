import type { StaffRole } from '@xinfang/shared'
import { eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { prebuiltSelect } from '../../db/prebuilt'
import { citizens, staffAccounts } from '../../db/schema'

/** How long a staff member's role, unit and active flag may be served from memory: under the 60 s promise. */
export const STAFF_STANDING_TTL_MS = 30_000

export interface StaffStanding {
  isActive: boolean
  role: StaffRole
  unitId: string
}

const caches = new WeakMap<Database, Map<string, { standing: StaffStanding | null; fetchedAt: number }>>()

export async function loadStaffStanding(
  deps: { database: Database; now: () => number },
  staffId: string,
): Promise<StaffStanding | null> {
  let cache = caches.get(deps.database)
  if (!cache) {
    cache = new Map()
    caches.set(deps.database, cache)
  }
  const now = deps.now()
  const cached = cache.get(staffId)
  if (cached && now - cached.fetchedAt < STAFF_STANDING_TTL_MS) return cached.standing
  const [row] = await deps.database.db
    .select({ isActive: staffAccounts.isActive, role: staffAccounts.role, unitId: staffAccounts.unitId })
    .from(staffAccounts)
    .where(eq(staffAccounts.id, staffId))
    .limit(1)
  const standing = row ?? null
  cache.set(staffId, { standing, fetchedAt: now })
  return standing
}

const knownCitizens = new WeakMap<Database, Map<string, number>>()
const KNOWN_CITIZENS_CACHE_SIZE = 100_000

const selectCitizenId = prebuiltSelect(['citizenId'], (db, p) =>
  db
    .select({ id: citizens.id })
    .from(citizens)
    .where(eq(citizens.id, p('citizenId')))
    .limit(1),
)

/**
 * Whether a citizen token's subject is an account that exists. A validly signed token for no account can only come
 * from a leaked key or a deleted account; either way it must not reach the data layer. Positive answers are
 * cached like staff standings.
 */
export async function citizenExists(
  deps: { database: Database; now: () => number },
  citizenId: string,
): Promise<boolean> {
  let cache = knownCitizens.get(deps.database)
  if (!cache) {
    cache = new Map()
    knownCitizens.set(deps.database, cache)
  }
  const now = deps.now()
  const seenAt = cache.get(citizenId)
  if (seenAt !== undefined && now - seenAt < STAFF_STANDING_TTL_MS) return true
  const [row] = await selectCitizenId(deps.database.db, { citizenId })
  if (!row) return false
  // Past the bound the oldest entry goes, not all of them: emptying the cache sent every citizen back to the database.
  cache.delete(citizenId)
  cache.set(citizenId, now)
  if (cache.size > KNOWN_CITIZENS_CACHE_SIZE) {
    const oldest = cache.keys().next()
    if (!oldest.done) cache.delete(oldest.value)
  }
  return true
}
