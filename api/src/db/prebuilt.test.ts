import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { count, eq } from 'drizzle-orm'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { type Database, openDatabase } from './client'
import { runMigrations } from './migrate'
import { insertRow, prebuiltSelect } from './prebuilt'
import { citizens, messages } from './schema'

let dir: string
let database: Database

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'xinfang-prebuilt-'))
  database = openDatabase({ url: `file:${join(dir, 'x.db')}` })
  await runMigrations(database)
})

afterEach(() => {
  database.close()
  rmSync(dir, { recursive: true, force: true })
})

test('a prebuilt insert stores exactly what the query builder stores: defaults, booleans, nulls', async () => {
  await database.write(async (tx) => {
    await tx.insert(citizens).values({ id: 'c-built', openid: 'o-1', createdAt: 1 })
    await insertRow(tx, citizens, { id: 'c-pre', openid: 'o-2', createdAt: 1 })
    await tx.insert(citizens).values({ id: 'c-built-demo', openid: 'o-3', isDemo: true, createdAt: 2 })
    await insertRow(tx, citizens, { id: 'c-pre-demo', openid: 'o-4', isDemo: true, createdAt: 2 })
    const message: Omit<typeof messages.$inferInsert, 'id'> = {
      citizenId: 'c-pre',
      at: 5,
      subjectKind: 'petition',
      subjectId: 'p',
      title: '受理',
      body: '已受理',
    }
    await tx.insert(messages).values({ id: 'm-built', ...message, event: null, readAt: null })
    await insertRow(tx, messages, { id: 'm-pre', ...message, event: null, readAt: undefined })
  })
  const raw = async (table: string, id: string) =>
    (await database.client.execute({ sql: `SELECT * FROM ${table} WHERE id = ?`, args: [id] })).rows[0]
  const withoutIds = (row: Record<string, unknown> | undefined) => ({ ...row, id: undefined, openid: undefined })
  expect(withoutIds(await raw('citizens', 'c-pre'))).toEqual(withoutIds(await raw('citizens', 'c-built')))
  expect(withoutIds(await raw('citizens', 'c-pre-demo'))).toEqual(withoutIds(await raw('citizens', 'c-built-demo')))
  expect((await raw('citizens', 'c-pre-demo'))?.is_demo).toBe(1)
  expect(withoutIds(await raw('messages', 'm-pre'))).toEqual(withoutIds(await raw('messages', 'm-built')))
})

test('a prebuilt insert with a different set of columns gets its own statement', async () => {
  await database.write(async (tx) => {
    await insertRow(tx, citizens, { id: 'c-1', openid: 'o-1', createdAt: 1 })
    await insertRow(tx, citizens, { id: 'c-2', openid: 'o-2', isDemo: true, createdAt: 2 })
    await insertRow(tx, citizens, { id: 'c-3', openid: 'o-3', createdAt: 3 })
  })
  const rows = await database.db.select().from(citizens).orderBy(citizens.id)
  expect(rows.map((row) => [row.id, row.isDemo, row.createdAt])).toEqual([
    ['c-1', false, 1],
    ['c-2', true, 2],
    ['c-3', false, 3],
  ])
})

test('a prebuilt select decodes as the query builder does and binds new values on every call', async () => {
  await database.write(async (tx) => {
    await insertRow(tx, citizens, { id: 'c-1', openid: 'o-1', createdAt: 1 })
    await insertRow(tx, citizens, { id: 'c-2', openid: 'o-2', isDemo: true, createdAt: 2 })
  })
  const selectCitizen = prebuiltSelect(['id'], (runner, p) =>
    runner
      .select({ id: citizens.id, isDemo: citizens.isDemo })
      .from(citizens)
      .where(eq(citizens.id, p('id'))),
  )
  const countDemo = prebuiltSelect(['isDemo'], (runner, p) =>
    runner
      .select({ total: count() })
      .from(citizens)
      .where(eq(citizens.isDemo, p('isDemo'))),
  )
  for (const id of ['c-1', 'c-2', 'c-none']) {
    const built = await database.db
      .select({ id: citizens.id, isDemo: citizens.isDemo })
      .from(citizens)
      .where(eq(citizens.id, id))
    expect(await selectCitizen(database.db, { id })).toEqual(built)
  }
  expect(await selectCitizen(database.db, { id: 'c-2' })).toEqual([{ id: 'c-2', isDemo: true }])
  // The same statement runs inside a write transaction too.
  await database.write(async (tx) => {
    expect(await countDemo(tx, { isDemo: true })).toEqual([{ total: 1 }])
    expect(await countDemo(tx, { isDemo: false })).toEqual([{ total: 1 }])
  })
})

test('a select whose declared placeholder is not used is refused when first run', async () => {
  const select = prebuiltSelect(['id', 'forgotten'], (runner, p) =>
    runner
      .select({ id: citizens.id })
      .from(citizens)
      .where(eq(citizens.id, p('id'))),
  )
  await expect(select(database.db, { id: 'c-1', forgotten: 1 })).rejects.toThrow(/not every one/)
})
