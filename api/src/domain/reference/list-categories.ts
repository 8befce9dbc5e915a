import type { Category } from '@xinfang/shared'
import { asc } from 'drizzle-orm'
import type { Db } from '../../db/client'
import { categories } from '../../db/schema'

export async function listCategories(db: Db): Promise<Category[]> {
  const rows = await db.select().from(categories).orderBy(asc(categories.sortOrder), asc(categories.code))
  return rows.map((row) => ({
    id: row.id,
    code: row.code,
    name: row.name,
    description: row.description,
    defaultUnitId: row.defaultUnitId,
  }))
}
