import { fileURLToPath } from 'node:url'
import { migrate } from 'drizzle-orm/libsql/migrator'
import type { Database } from './client'

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url))

/**
 * Applies pending migrations in one transaction (drizzle's libSQL migrator batches them), so a failure leaves
 * the schema as it was — never half-applied. When two processes start together, the loser of the race fails
 * inside its transaction and the retry finds the work already done.
 */
export async function runMigrations(database: Database, migrationsFolder = MIGRATIONS_FOLDER): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await migrate(database.db, { migrationsFolder })
      return
    } catch (error) {
      if (attempt >= 3) throw error
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt))
    }
  }
}
