import type { Unit } from '@xinfang/shared'
import { asc } from 'drizzle-orm'
import type { Db } from '../../db/client'
import { units } from '../../db/schema'

export async function listUnits(db: Db): Promise<Unit[]> {
  const rows = await db.select().from(units).orderBy(asc(units.sortOrder), asc(units.code))
  return rows.map((row) => ({
    id: row.id,
    code: row.code,
    name: row.name,
    shortName: row.shortName,
    kind: row.kind,
    parentId: row.parentId,
  }))
}
