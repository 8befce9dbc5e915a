import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inject } from 'vitest'
import { type App, createApp } from '../src/app'
import { type Database, openDatabase } from '../src/db/client'
import { type Config, loadConfig } from '../src/env'
import { createJsonLogger } from '../src/lib/log'
import { FIXED_NOW } from './fixed-clock'

export interface TestContext {
  app: App
  database: Database
  config: Config
  /** Structured log lines the app wrote, parsed. */
  logs: Record<string, unknown>[]
  dataDir: string
  /** Moves the app's clock. */
  setNow(epochMs: number): void
  close(): void
}

/** A real app on its own copy of the migrated, seeded template database, at the fixed clock. */
export function createTestContext(env: Record<string, string> = {}): TestContext {
  const dataDir = mkdtempSync(join(tmpdir(), 'xinfang-test-'))
  const path = join(dataDir, 'xinfang.db')
  copyFileSync(inject('templateDatabasePath'), path)
  const config = loadConfig({ XINFANG_DATA_DIR: dataDir, DATABASE_URL: `file:${path}`, LOG_LEVEL: 'debug', ...env })
  const database = openDatabase({ url: config.databaseUrl })
  const logs: Record<string, unknown>[] = []
  const logger = createJsonLogger('debug', (line) => logs.push(JSON.parse(line)))
  let now = FIXED_NOW
  const app = createApp({ config, database, logger, now: () => now })
  return {
    app,
    database,
    config,
    logs,
    dataDir,
    setNow: (epochMs) => {
      now = epochMs
    },
    close: () => {
      database.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
