import { eq, isNull } from 'drizzle-orm'
import { markChainKeyed } from '../domain/audit/audit-log'
import type { Keyring } from '../domain/privacy/keyring'
import { checkInCodeFor, checkInCodeIndexFor } from '../domain/receptions/check-in-code'
import type { Logger } from '../lib/log'
import type { Database } from './client'
import { bookings } from './schema'

/** Rows changed per write transaction, so an upgrade never holds the writer for long. */
const BATCH = 500

/**
 * The parts of an upgrade that need the application's keys, which SQL migrations never see: run at startup
 * after the migrations, each idempotent, so every process may run them and a crash part-way loses nothing. The
 * database must carry its audit chain (withAuditChain).
 */
export async function runKeyedUpgrades(
  deps: { database: Database; keyring: Keyring; logger: Logger },
  now: number,
): Promise<void> {
  const indexed = await indexCheckInCodes(deps)
  if (indexed > 0) deps.logger.info('check-in codes indexed', { bookings: indexed })
  if (await markChainKeyed(deps.database, now)) deps.logger.info('audit chain keyed after its legacy entries')
}

/**
 * Migration 0009 dropped the check-in codes stored in clear; a booking made before it gets the blind index of its
 * code, which is derived from its id under the index key.
 */
async function indexCheckInCodes({ database, keyring }: { database: Database; keyring: Keyring }): Promise<number> {
  let indexed = 0
  for (;;) {
    const batch = await database.write(async (tx) => {
      const rows = await tx
        .select({ id: bookings.id })
        .from(bookings)
        .where(isNull(bookings.checkInCodeIndex))
        .limit(BATCH)
      for (const row of rows) {
        const index = await checkInCodeIndexFor(keyring, await checkInCodeFor(keyring, row.id))
        await tx.update(bookings).set({ checkInCodeIndex: index }).where(eq(bookings.id, row.id))
      }
      return rows.length
    })
    indexed += batch
    if (batch < BATCH) return indexed
  }
}
