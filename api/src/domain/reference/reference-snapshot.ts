import { asc } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { categories, units } from '../../db/schema'

/**
 * Categories and units change only when an operator edits them, never through a citizen's request, yet every
 * submission checks both and routes by unit kind. Requests read them from a snapshot in memory, taken again
 * after this long, so an operator's change is seen within a minute.
 */
export const REFERENCE_SNAPSHOT_TTL_MS = 60_000

type UnitKind = (typeof units.$inferSelect)['kind']

export interface ReferenceSnapshot {
  hasCategory(id: string): boolean
  hasUnit(id: string): boolean
  /** The first unit of a kind in the configured order, e.g. the petition bureau. */
  firstUnitOf(kind: UnitKind): string | undefined
}

const snapshots = new WeakMap<Database, { snapshot: Promise<ReferenceSnapshot>; takenAt: number }>()

export function referenceSnapshot(database: Database, now: number): Promise<ReferenceSnapshot> {
  const current = snapshots.get(database)
  if (current && now - current.takenAt < REFERENCE_SNAPSHOT_TTL_MS && now >= current.takenAt) return current.snapshot
  const snapshot = takeSnapshot(database)
  snapshots.set(database, { snapshot, takenAt: now })
  // A failed read must not be served to the next request.
  snapshot.catch(() => snapshots.delete(database))
  return snapshot
}

async function takeSnapshot(database: Database): Promise<ReferenceSnapshot> {
  const [categoryRows, unitRows] = await Promise.all([
    database.db.select({ id: categories.id }).from(categories),
    database.db.select({ id: units.id, kind: units.kind }).from(units).orderBy(asc(units.sortOrder), asc(units.code)),
  ])
  const categoryIds = new Set(categoryRows.map((row) => row.id))
  const unitIds = new Set(unitRows.map((row) => row.id))
  const firstOfKind = new Map<UnitKind, string>()
  for (const row of unitRows) if (!firstOfKind.has(row.kind)) firstOfKind.set(row.kind, row.id)
  return {
    hasCategory: (id) => categoryIds.has(id),
    hasUnit: (id) => unitIds.has(id),
    firstUnitOf: (kind) => firstOfKind.get(kind),
  }
}
