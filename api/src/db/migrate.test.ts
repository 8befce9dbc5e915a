import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { type Database, openDatabase } from './client'
import { MIGRATIONS_FOLDER, runMigrations } from './migrate'

let dir: string
let database: Database

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'xinfang-migrate-'))
  database = openDatabase({ url: `file:${join(dir, 'x.db')}` })
})

afterEach(() => {
  database.close()
  rmSync(dir, { recursive: true, force: true })
})

const tableNames = async () =>
  (await database.client.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).rows.map(
    (row) => row.name,
  )

test('migrations create the schema and running them again changes nothing', async () => {
  await runMigrations(database)
  const first = await tableNames()
  expect(first).toEqual(expect.arrayContaining(['units', 'categories', 'reception_sessions', 'reception_slots']))
  await runMigrations(database)
  expect(await tableNames()).toEqual(first)
})

test('a migration that fails part-way is rolled back whole and nothing of it remains', async () => {
  const folder = join(dir, 'migrations')
  cpSync(MIGRATIONS_FOLDER, folder, { recursive: true })
  writeFileSync(
    join(folder, '9999_broken.sql'),
    'CREATE TABLE half_applied (x INTEGER);\n--> statement-breakpoint\nINSERT INTO table_that_does_not_exist VALUES (1);\n',
  )
  const journalPath = join(folder, 'meta', '_journal.json')
  const journal = JSON.parse(readFileSync(journalPath, 'utf8'))
  journal.entries.push({
    idx: journal.entries.length,
    version: '6',
    when: Date.now() + 60_000,
    tag: '9999_broken',
    breakpoints: true,
  })
  writeFileSync(journalPath, JSON.stringify(journal))

  await runMigrations(database)
  expect(await tableNames()).not.toContain('half_applied')

  // Now a database that already has the good migrations gets the broken one on top.
  await expect(runMigrations(database, folder)).rejects.toThrow()
  expect(await tableNames()).not.toContain('half_applied')
  const applied = await database.client.execute('SELECT count(*) AS n FROM __drizzle_migrations')
  expect(applied.rows[0]?.n).toBe(journal.entries.length - 1)
})

/** A copy of the migrations up to and including `lastTag`, as a database of that release had them. */
function migrationsUpTo(lastTag: string): string {
  const folder = join(dir, `migrations-${lastTag}`)
  cpSync(MIGRATIONS_FOLDER, folder, { recursive: true })
  const journalPath = join(folder, 'meta', '_journal.json')
  const journal = JSON.parse(readFileSync(journalPath, 'utf8'))
  const last = journal.entries.findIndex((entry: { tag: string }) => entry.tag === lastTag)
  journal.entries = journal.entries.slice(0, last + 1)
  writeFileSync(journalPath, JSON.stringify(journal))
  return folder
}

test('migration 0009 deletes the replays stored in clear, and no trace of them is left in the file or its WAL', async () => {
  await runMigrations(database, migrationsUpTo('0007_message_event'))
  const response = JSON.stringify({ id: 'p1', trackingNo: 'XF-2026-000001', queryCode: 'QK7MZ2WX' })
  await database.client.execute({
    sql: 'INSERT INTO idempotency_keys (scope, key, operation, request_hash, response_status, response_body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    args: ['citizen:c1', 'draft-1', 'POST /petitions', 'h', 201, response, 1],
  })
  // As on a server that has run a while: the row long since in the main file.
  await database.client.execute('PRAGMA wal_checkpoint(TRUNCATE)')
  expect(readFileSync(join(dir, 'x.db')).includes(Buffer.from('QK7MZ2WX'))).toBe(true)

  await runMigrations(database)
  // What prepareDatabase does after migrating.
  await database.client.execute('PRAGMA wal_checkpoint(TRUNCATE)')
  const rows = await database.client.execute('SELECT count(*) AS n FROM idempotency_keys')
  expect(rows.rows[0]?.n).toBe(0)
  for (const file of ['x.db', 'x.db-wal']) {
    expect(readFileSync(join(dir, file)).includes(Buffer.from('QK7MZ2WX'))).toBe(false)
  }
})
