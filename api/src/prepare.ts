import { mkdirSync } from 'node:fs'
import { type Database, openDatabase } from './db/client'
import { runKeyedUpgrades } from './db/keyed-upgrades'
import { runMigrations } from './db/migrate'
import { seedDemoData } from './db/seed/seed-demo'
import { auditChainLoggingTo, withAuditChain } from './domain/audit/audit-log'
import type { Keyring } from './domain/privacy/keyring'
import type { Config } from './env'
import type { Logger } from './lib/log'

/**
 * Opens the configured database with its audit chain (heads published on the log), applies pending migrations and
 * the upgrades that need the keys, and, in demo mode, seeds 江城市.
 */
export async function prepareDatabase(
  config: Config,
  keyring: Keyring,
  logger: Logger,
  now = Date.now(),
): Promise<Database> {
  if (config.databaseUrl.startsWith('file:')) {
    mkdirSync(config.dataDir, { recursive: true })
  }
  const opened = openDatabase({
    url: config.databaseUrl,
    authToken: config.databaseAuthToken,
    poolSize: config.databasePoolSize,
    busyTimeoutMs: config.databaseBusyTimeoutMs,
    maxSizeBytes: config.databaseMaxSizeBytes,
  })
  const database = withAuditChain(opened, auditChainLoggingTo(keyring.auditKey, logger))
  try {
    await runMigrations(database)
    await runKeyedUpgrades({ database, keyring, logger }, now)
    if (config.databaseUrl.startsWith('file:')) {
      // Pages a migration rewrote (replays purged for holding secrets in clear) reach the main file now, and the
      // WAL that held their earlier versions is emptied.
      await database.client.execute('PRAGMA wal_checkpoint(TRUNCATE)')
    }
    if (config.seedDemoData) {
      const summary = await seedDemoData(database, now)
      logger.info('demo data seeded', { inserted: summary })
    }
    return database
  } catch (error) {
    database.close()
    throw error
  }
}
