import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inject } from 'vitest'
import { type App, createApp } from '../src/app'
import { type Database, openDatabase } from '../src/db/client'
import { createLocalAttachmentStorage } from '../src/domain/attachments/storage'
import { type Keyring, loadKeyring } from '../src/domain/privacy/keyring'
import { createDeadlinePolicy, type DeadlinePolicy, loadHolidayCalendar } from '../src/domain/workflow/deadline-policy'
import { type Config, loadConfig } from '../src/env'
import { createWeChatClient, type WeChatClient } from '../src/integrations/wechat'
import { createJsonLogger } from '../src/lib/log'
import { FIXED_NOW } from './fixed-clock'
import { type ManualDeadlines, manualDeadlines } from './manual-deadlines'

export interface TestContext {
  app: App
  database: Database
  config: Config
  keyring: Keyring
  deadlines: DeadlinePolicy
  /** Ends the app's WeChat calls still waiting, as their timeout would (unused when `options.wechat` is given). */
  wechatTimeouts: ManualDeadlines
  /** Structured log lines the app wrote, parsed. */
  logs: Record<string, unknown>[]
  dataDir: string
  /** Moves the app's clock. */
  setNow(epochMs: number): void
  close(): void
}

/**
 * A real app on its own copy of the migrated, seeded template database, at the fixed clock. WeChat calls go to
 * `WECHAT_API_BASE_URL` (a fake server the test starts) or, unset, to a closed local port.
 */
export function createTestContext(
  env: Record<string, string> = {},
  options: { wechat?: WeChatClient } = {},
): TestContext {
  const dataDir = mkdtempSync(join(tmpdir(), 'xinfang-test-'))
  const path = join(dataDir, 'xinfang.db')
  copyFileSync(inject('templateDatabasePath'), path)
  const config = loadConfig({
    XINFANG_DATA_DIR: dataDir,
    DATABASE_URL: `file:${path}`,
    LOG_LEVEL: 'debug',
    WECHAT_API_BASE_URL: 'http://127.0.0.1:9',
    ...env,
  })
  const database = openDatabase({ url: config.databaseUrl })
  const keyring = loadKeyring({ mode: config.mode, dataDir, env: config.env })
  const logs: Record<string, unknown>[] = []
  const logger = createJsonLogger('debug', (line) => logs.push(JSON.parse(line)))
  let now = FIXED_NOW
  const clock = () => now
  const wechatTimeouts = manualDeadlines()
  const wechat =
    options.wechat ??
    createWeChatClient({ ...config.wechat, logger, now: clock, timeoutSignal: wechatTimeouts.timeoutSignal })
  const attachments = createLocalAttachmentStorage(join(dataDir, 'attachments'))
  const deadlines = createDeadlinePolicy(config.deadlineProfile, loadHolidayCalendar(config.holidaysFile))
  const app = createApp({ config, database, logger, keyring, wechat, attachments, deadlines, now: clock })
  return {
    app,
    database,
    config,
    keyring,
    deadlines,
    wechatTimeouts,
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
