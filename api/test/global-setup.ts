import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { openDatabase } from '../src/db/client'
import { runMigrations } from '../src/db/migrate'
import { seedDemoData } from '../src/db/seed/seed-demo'
import { FIXED_NOW } from './fixed-clock'

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabasePath: string
  }
}

/**
 * Migrates and seeds one database file at the fixed clock; every test copies it, so each gets a real, migrated
 * libSQL file of its own without paying for migrations and password hashing again.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'xinfang-template-'))
  const path = join(dir, 'template.db')
  const database = openDatabase({ url: `file:${path}` })
  await runMigrations(database)
  await seedDemoData(database, FIXED_NOW)
  // Fold the WAL into the main file so that copying the one file copies everything.
  await database.client.execute('PRAGMA wal_checkpoint(TRUNCATE)')
  database.close()
  project.provide('templateDatabasePath', path)
  return () => rmSync(dir, { recursive: true, force: true })
}
