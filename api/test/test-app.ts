import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inject } from 'vitest'
import { type App, type AppOptions, createApp } from '../src/app'
import { type Database, openDatabase } from '../src/db/client'
import { createLocalAttachmentStorage } from '../src/domain/attachments/storage'
import { auditChainLoggingTo, withAuditChain } from '../src/domain/audit/audit-log'
import { type Keyring, loadKeyring } from '../src/domain/privacy/keyring'
import { createDeadlinePolicy, type DeadlinePolicy, loadHolidayCalendar } from '../src/domain/workflow/deadline-policy'
import { type Config, loadConfig } from '../src/env'
import type { AppDeps } from '../src/http/context'
import { createWeChatClient, type WeChatClient } from '../src/integrations/wechat'
import { createJsonLogger } from '../src/lib/log'
import { createMemoryLimitStore, type LimitStore } from '../src/lib/rate-limit'
import { FIXED_NOW } from './fixed-clock'
import { type ManualDeadlines, manualDeadlines } from './manual-deadlines'

export interface TestContext {
  app: App
  /** What the app was made of, for a test that builds a router of its own. */
  deps: AppDeps
  database: Database
  config: Config
  keyring: Keyring
  deadlines: DeadlinePolicy
  /** Ends the app's WeChat calls still waiting, as their timeout would (unused when `options.wechat` is given). */
  wechatTimeouts: ManualDeadlines
  /** Structured log lines the app wrote, parsed. */
  logs: Record<string, unknown>[]
  dataDir: string
  /** The app's abuse-limit counters. */
  limits: LimitStore
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
  options: { wechat?: WeChatClient; limits?: LimitStore; web?: AppOptions['web'] } = {},
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
  const keyring = loadKeyring({ mode: config.mode, dataDir, keys: config.keys })
  const logs: Record<string, unknown>[] = []
  const logger = createJsonLogger('debug', (line) => logs.push(JSON.parse(line)))
  const database = withAuditChain(
    openDatabase({ url: config.databaseUrl }),
    auditChainLoggingTo(keyring.auditKey, logger),
  )
  let now = FIXED_NOW
  const clock = () => now
  const wechatTimeouts = manualDeadlines()
  const wechat =
    options.wechat ??
    createWeChatClient({ ...config.wechat, logger, now: clock, timeoutSignal: wechatTimeouts.timeoutSignal })
  const attachments = createLocalAttachmentStorage(join(dataDir, 'attachments'))
  const deadlines = createDeadlinePolicy(config.deadlineProfile, loadHolidayCalendar(config.holidaysFile))
  const limits = options.limits ?? createMemoryLimitStore()
  const deps: AppDeps = {
    config,
    database,
    logger,
    keyring,
    wechat,
    attachments,
    deadlines,
    limits,
    now: clock,
    checkResponses: true,
  }
  const app = createApp(deps, options.web ? { web: options.web } : {})
  return {
    app,
    deps,
    database,
    config,
    keyring,
    deadlines,
    wechatTimeouts,
    logs,
    dataDir,
    limits,
    setNow: (epochMs) => {
      now = epochMs
    },
    close: () => {
      database.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
