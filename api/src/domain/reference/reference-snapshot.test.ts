import { eq } from 'drizzle-orm'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { FIXED_NOW } from '../../../test/fixed-clock'
import { createTestContext, type TestContext } from '../../../test/test-app'
import { categories, units } from '../../db/schema'
import { REFERENCE_SNAPSHOT_TTL_MS, referenceSnapshot } from './reference-snapshot'

let context: TestContext

beforeEach(() => {
  context = createTestContext()
})

afterEach(() => context.close())

async function unitIdOf(code: string): Promise<string> {
  const [row] = await context.database.db.select({ id: units.id }).from(units).where(eq(units.code, code))
  if (!row) throw new Error(`no unit ${code}`)
  return row.id
}

test('the snapshot knows the seeded categories and units and routes by unit kind', async () => {
  const snapshot = await referenceSnapshot(context.database, FIXED_NOW)
  const [category] = await context.database.db.select({ id: categories.id }).from(categories).limit(1)
  expect(snapshot.hasCategory(category?.id ?? '')).toBe(true)
  expect(snapshot.hasCategory('no-such-category')).toBe(false)
  expect(snapshot.hasUnit(await unitIdOf('city-xfj'))).toBe(true)
  expect(snapshot.hasUnit('no-such-unit')).toBe(false)
  expect(snapshot.firstUnitOf('petition_bureau')).toBe(await unitIdOf('city-xfj'))
  expect(snapshot.firstUnitOf('discipline')).toBe(await unitIdOf('city-jw'))
})

test("an operator's new category is seen once the snapshot is older than its time to live", async () => {
  const first = await referenceSnapshot(context.database, FIXED_NOW)
  await context.database.write(async (tx) => {
    await tx.insert(categories).values({
      id: 'category-new',
      code: 'new',
      name: '新分类',
      description: '运维人员新增的分类',
      sortOrder: 99,
      createdAt: FIXED_NOW,
    })
  })
  const soon = await referenceSnapshot(context.database, FIXED_NOW + REFERENCE_SNAPSHOT_TTL_MS - 1)
  expect(soon).toBe(first)
  expect(soon.hasCategory('category-new')).toBe(false)
  const later = await referenceSnapshot(context.database, FIXED_NOW + REFERENCE_SNAPSHOT_TTL_MS)
  expect(later.hasCategory('category-new')).toBe(true)
})
