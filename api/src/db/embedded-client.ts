import { type InStatement, LibsqlError, type ResultSet, type Transaction, type TransactionMode } from '@libsql/client'
import { type ConnectionPool, Sqlite3Client, Sqlite3Transaction } from '@libsql/client/sqlite3'

/** Longest pause between two tries for a write lock another process holds. */
export const LOCK_POLL_MAX_MS = 50

/** The time a write waiting for another process's lock goes by: the real one, or a test's that it moves itself. */
export interface LockWaitClock {
  now(): number
  /** The pause between two tries; the event loop is free meanwhile. */
  sleep(ms: number): Promise<void>
}

const REAL_CLOCK: LockWaitClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}

/**
 * The embedded client, changed only where the store fails (docs/decisions/010-storage-faults.md):
 *
 * - A write transaction waits for another process's write lock off the event loop. SQLite's own busy handler
 *   sleeps inside the synchronous driver, so while a backup, a second server process or an operator's `sqlite3`
 *   shell held the lock, every request of this process — reads and `/health` included — stalled for up to
 *   `busy_timeout` per write. Here `BEGIN IMMEDIATE` runs with no busy wait and is tried again after a short timer
 *   until `busyTimeoutMs` has passed, then fails with SQLITE_BUSY as before.
 * - Every transaction reports why SQLite ended it (see `RollbackAwareTransaction`).
 */
export class EmbeddedClient extends Sqlite3Client {
  readonly #pool: ConnectionPool
  readonly #busyTimeoutMs: number
  readonly #clock: LockWaitClock

  /** `busyTimeoutMs` must be the `busy_timeout` every pooled connection was configured with: it is restored. */
  constructor(pool: ConnectionPool, busyTimeoutMs: number, clock: LockWaitClock = REAL_CLOCK) {
    super(pool, 'number')
    this.#pool = pool
    this.#busyTimeoutMs = Math.trunc(busyTimeoutMs)
    this.#clock = clock
  }

  override async transaction(mode: TransactionMode = 'write'): Promise<Transaction> {
    const transaction = mode === 'write' ? await this.#beginImmediate() : await super.transaction(mode)
    return new RollbackAwareTransaction(transaction)
  }

  async #beginImmediate(): Promise<Transaction> {
    const giveUpAt = this.#clock.now() + this.#busyTimeoutMs
    for (let pause = 1; ; pause = Math.min(pause * 2, LOCK_POLL_MAX_MS)) {
      if (this.closed) throw new LibsqlError('The client is closed', 'CLIENT_CLOSED')
      const connection = await this.#pool.acquire(true)
      try {
        if (!connection.open) {
          throw new LibsqlError('The connection was closed while this operation was in flight', 'CLIENT_CLOSED')
        }
        connection.exec('PRAGMA busy_timeout = 0')
        try {
          connection.exec('BEGIN IMMEDIATE')
        } finally {
          connection.exec(`PRAGMA busy_timeout = ${this.#busyTimeoutMs}`)
        }
        return new Sqlite3Transaction(connection, 'number', (used) => this.#pool.release(used))
      } catch (error) {
        this.#pool.release(connection)
        if (!isLockHeldElsewhere(error) || this.#clock.now() + pause > giveUpAt) throw asLibsqlError(error)
      }
      await this.#clock.sleep(pause)
    }
  }
}

const sqliteCodeOf = (error: unknown) => {
  const code = error instanceof Error ? Reflect.get(error, 'code') : undefined
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined
}

function isLockHeldElsewhere(error: unknown): boolean {
  return sqliteCodeOf(error)?.startsWith('SQLITE_BUSY') ?? false
}

/** The driver's own error, in the shape the client gives every other statement's (`SQLITE_BUSY: database is locked`). */
function asLibsqlError(error: unknown): unknown {
  const extendedCode = sqliteCodeOf(error)
  if (extendedCode === undefined || !(error instanceof Error) || error instanceof LibsqlError) return error
  // Primary result codes are one word (SQLITE_BUSY); extended ones add another (SQLITE_BUSY_RECOVERY).
  const code = extendedCode.split('_').slice(0, 2).join('_')
  const rawCode = Reflect.get(error, 'rawCode')
  return new LibsqlError(error.message, code, extendedCode, typeof rawCode === 'number' ? rawCode : undefined, error)
}

/**
 * On SQLITE_FULL and on most I/O errors SQLite rolls the whole transaction back by itself. The client then answers
 * every later statement — drizzle's `ROLLBACK TO SAVEPOINT`, the next write's `SAVEPOINT`, the `COMMIT` — with
 * TRANSACTION_CLOSED, which names no cause, and that error replaces the real one on its way up: a full disk reached
 * citizens as a 500 instead of a 503. This transaction remembers the error that ended it and gives it as the cause
 * of every later failure; rolling back what SQLite already rolled back only returns the connection to the pool.
 */
export class RollbackAwareTransaction implements Transaction {
  readonly #inner: Transaction
  #endedBy: Error | undefined

  constructor(inner: Transaction) {
    this.#inner = inner
  }

  get closed(): boolean {
    return this.#inner.closed
  }

  execute(stmt: InStatement): Promise<ResultSet> {
    return this.#run(() => this.#inner.execute(stmt))
  }

  batch(stmts: InStatement[]): Promise<ResultSet[]> {
    return this.#run(() => this.#inner.batch(stmts))
  }

  executeMultiple(sql: string): Promise<void> {
    return this.#run(() => this.#inner.executeMultiple(sql))
  }

  async commit(): Promise<void> {
    if (this.#endedBy) this.#inner.close()
    return this.#run(() => this.#inner.commit())
  }

  async rollback(): Promise<void> {
    if (this.#endedBy) {
      this.#inner.close()
      return
    }
    await this.#inner.rollback()
  }

  close(): void {
    this.#inner.close()
  }

  async #run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.#endedBy) {
      throw new LibsqlError(
        `The database rolled this transaction back: ${this.#endedBy.message}`,
        'TRANSACTION_CLOSED',
        undefined,
        undefined,
        this.#endedBy,
      )
    }
    const wasOpen = !this.#inner.closed
    try {
      return await operation()
    } catch (error) {
      if (wasOpen && this.#inner.closed && error instanceof Error) this.#endedBy = error
      throw error
    }
  }
}
