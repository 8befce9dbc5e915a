import { type Client, createClient } from '@libsql/client'
import { ConnectionPool } from '@libsql/client/sqlite3'
import { sql } from 'drizzle-orm'
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql'
import { isStorageUnavailable } from '../lib/storage-errors'
import { EmbeddedClient, type LockWaitClock } from './embedded-client'

/**
 * Without the relational query API (`db.query.*`, unused): with a schema, every transaction and savepoint builds a
 * query helper for each table, a measurable share of a short write.
 */
export type Db = LibSQLDatabase
/** The handle given to a write: the same query builder, bound to one open transaction. */
export type WriteTx = Parameters<Parameters<Db['transaction']>[0]>[0]

export interface Database {
  /** For reads. In WAL mode readers never wait for the writer. */
  db: Db
  client: Client
  /**
   * Runs `work` in one `BEGIN IMMEDIATE` transaction. Writes in this process go one at a time: the embedded
   * driver is synchronous, so a second connection waiting on SQLite's busy handler would block the event loop
   * that the first transaction needs to finish — a deadlock until `busy_timeout`. A lock held by another process
   * on the same file is waited for on a timer, up to `busy_timeout` (see `EmbeddedClient`).
   */
  write<T>(work: (tx: WriteTx) => Promise<T>): Promise<T>
  /**
   * Whether a write was refused for a storage reason within the last minute and none has changed a row since —
   * what `/health` reports, since reads alone would look fine.
   */
  isWriteFailing(): boolean
  close(): void
}

export interface DatabaseOptions {
  url: string
  authToken?: string | undefined
  poolSize?: number
  busyTimeoutMs?: number
  /**
   * The most the embedded file may grow to, in bytes (`PRAGMA max_page_count` on every connection); past it writes
   * fail with SQLITE_FULL, answered 503, while reads go on. Unset: as large as the disk allows.
   */
  maxSizeBytes?: number | undefined
  /** What a write waiting for another process's lock measures its wait by; real time unless a test drives it. */
  lockWaitClock?: LockWaitClock
}

/**
 * Durability and hygiene settings for every connection to an embedded file. `synchronous=FULL` because in WAL mode NORMAL
 * can lose acknowledged commits on power loss. Applied per connection: these settings do not persist in the file
 * (except `journal_mode`), and the client opens new connections whenever its pool grows or drops a broken one.
 */
export function connectionPragmas(busyTimeoutMs: number): string[] {
  return [
    'PRAGMA journal_mode = WAL',
    'PRAGMA synchronous = FULL',
    // Deleted rows are zeroed on the pages being written anyway, so what was deleted (expired idempotency keys,
    // replays purged by a migration) does not linger in free space of the file. FAST adds no I/O.
    'PRAGMA secure_delete = FAST',
    `PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}`,
    'PRAGMA foreign_keys = ON',
  ]
}

/**
 * `@libsql/client`'s pool opens connections lazily and offers no hook for per-connection setup; this subclass
 * applies the pragmas the first time each connection is handed out. Pinned client version: see
 * docs/decisions/002-durable-embedded-libsql.md.
 */
class ConfiguredConnectionPool extends ConnectionPool {
  readonly #configured = new WeakSet<object>()
  readonly #pragmas: string
  readonly #schema: SchemaVersion = { generation: 0 }
  readonly #maxSizeBytes: number | undefined

  constructor(path: string, options: object, maxConnections: number, pragmas: string[], maxSizeBytes?: number) {
    super(path, options, maxConnections)
    this.#pragmas = `${pragmas.join(';\n')};`
    this.#maxSizeBytes = maxSizeBytes
  }

  override acquireSync(forTransaction?: boolean) {
    const connection = super.acquireSync(forTransaction)
    if (!this.#configured.has(connection)) {
      connection.exec(this.#pragmas)
      if (this.#maxSizeBytes !== undefined) {
        // A cap in pages, so in bytes only through the file's page size. SQLite never sets it below the file's
        // current size: a file already past the cap takes no more pages, but keeps those it has.
        const pageSize = pageSizeOf(connection.pragma('page_size'))
        connection.exec(`PRAGMA max_page_count = ${Math.max(1, Math.floor(this.#maxSizeBytes / pageSize))}`)
      }
      cacheStatements(connection, STATEMENT_CACHE_SIZE, this.#schema)
      this.#configured.add(connection)
    }
    return connection
  }
}

/** The page size from `PRAGMA page_size` rows; the driver's `simple` option does not return a bare value. */
function pageSizeOf(rows: unknown): number {
  const pageSize = Array.isArray(rows) ? Number(Reflect.get(Object(rows[0]), 'page_size')) : Number.NaN
  // A cap computed from anything else would silently be no cap at all.
  if (!Number.isInteger(pageSize) || pageSize <= 0) throw new Error('PRAGMA page_size returned no page size')
  return pageSize
}

/** Distinct SQL texts kept prepared per connection: the application issues a few hundred at most. */
export const STATEMENT_CACHE_SIZE = 500

interface PreparingConnection {
  prepare(sql: string): unknown
}

/** The parts of a prepared statement the client calls on every use, as `@libsql/client` 0.18 does. */
interface ReusedStatement {
  raw(toggle?: boolean): unknown
  columns(): unknown
}

const isReusedStatement = (value: unknown): value is ReusedStatement =>
  typeof value === 'object' &&
  value !== null &&
  typeof Reflect.get(value, 'raw') === 'function' &&
  typeof Reflect.get(value, 'columns') === 'function'

/** Thrown, as libSQL does, when a statement that returns no rows is asked for raw rows; built once, not per use. */
class NotAReaderError extends Error {}
const NOT_A_READER = new NotAReaderError('The raw() method is only for statements that return data')

/** Shared by the connections of one pool: bumped by any schema change made through it. */
export interface SchemaVersion {
  generation: number
}

const SCHEMA_CHANGE = /^\s*(create|alter|drop)\b/i

/**
 * The client prepares every statement afresh, which was the largest single cost of a petition submission (about
 * a sixth of its CPU time, in the profile behind docs/decisions/008). Keeping prepared statements per connection,
 * keyed by SQL text, removes it: the queries come from the query builder with values bound as parameters, so the
 * texts repeat. Safe because the client runs each statement to completion synchronously (`all()` or `run()`)
 * and sets its modes again before every use, so no state carries from one use to the next.
 *
 * A prepared statement keeps the column names it was prepared with, so a schema change (migrations, run through
 * this pool at start) empties every connection's cache. Least recently used statements are dropped past `limit`.
 */
export function cacheStatements(connection: PreparingConnection, limit: number, schema: SchemaVersion): void {
  const prepare = connection.prepare.bind(connection)
  const cache = new Map<string, unknown>()
  let generation = schema.generation
  connection.prepare = (sql: string) => {
    if (SCHEMA_CHANGE.test(sql)) {
      schema.generation++
      return prepare(sql)
    }
    if (generation !== schema.generation) {
      cache.clear()
      generation = schema.generation
    }
    const cached = cache.get(sql)
    if (cached !== undefined) {
      cache.delete(sql)
      cache.set(sql, cached)
      return cached
    }
    const statement = remembering(prepare(sql))
    cache.set(sql, statement)
    if (cache.size > limit) {
      const oldest = cache.keys().next()
      if (!oldest.done) cache.delete(oldest.value)
    }
    return statement
  }
}

/**
 * The client asks a statement for its columns twice per use and learns that a write returns no rows by catching
 * the exception `raw()` throws. Neither answer changes for a statement's lifetime (a schema change empties the
 * cache), so a cached statement remembers them: the columns once, and for a write an exception allocated once.
 */
function remembering(statement: unknown): unknown {
  if (!isReusedStatement(statement)) return statement
  const raw = statement.raw.bind(statement)
  const columns = statement.columns.bind(statement)
  let isReader: boolean | undefined
  let knownColumns: unknown
  statement.raw = (toggle?: boolean) => {
    if (isReader === false) throw NOT_A_READER
    try {
      raw(toggle)
      isReader = true
    } catch (error) {
      isReader = false
      throw error
    }
    return statement
  }
  statement.columns = () => {
    knownColumns ??= columns()
    return knownColumns
  }
  return statement
}

function openEmbedded(url: string, poolSize: number, busyTimeoutMs: number, options: DatabaseOptions): Client {
  const path = decodeURIComponent(new URL(url).pathname)
  const pragmas = connectionPragmas(busyTimeoutMs)
  const pool = new ConfiguredConnectionPool(path, {}, poolSize, pragmas, options.maxSizeBytes)
  return new EmbeddedClient(pool, busyTimeoutMs, options.lockWaitClock)
}

export function openDatabase(options: DatabaseOptions): Database {
  const isFile = options.url.startsWith('file:')
  const client = isFile
    ? openEmbedded(options.url, options.poolSize ?? 4, options.busyTimeoutMs ?? 5_000, options)
    : createClient({ url: options.url, authToken: options.authToken, intMode: 'number' })
  const db = drizzle(client)

  const { write, isWriteFailing } = createGroupCommitter(db)
  return { db, client, write, isWriteFailing, close: () => client.close() }
}

interface Job {
  work: (tx: WriteTx) => Promise<unknown>
  resolve: (value: unknown) => void
  reject: (reason: unknown) => void
}

/** Writes committed together at most: bounds the latency the first job of a batch can pay for the others. */
export const GROUP_COMMIT_MAX_JOBS = 64

/** Event-loop turns a batch waits at most for writes still arriving: each turn costs microseconds when idle. */
const GATHER_TURNS_MAX = 4

/** How long a write refused for a storage reason keeps `/health` degraded when no write comes after it. */
export const WRITE_FAILURE_REPORTED_MS = 60_000

/**
 * Group commit: writes that queue up while a transaction is committing are run together in the next one, each
 * in its own savepoint, so one fsync acknowledges many. A job that throws is rolled back to its savepoint alone
 * and rejected; the others commit. Every caller is answered only after the COMMIT that holds its writes has
 * returned, so nothing is acknowledged before it is durable. With no concurrency a batch is one job, exactly as
 * before. See docs/decisions/006-group-commit.md.
 */
function createGroupCommitter(db: Db) {
  const pending: Job[] = []
  let isDraining = false
  /** When a write was last refused for a storage reason, until a batch that changed rows commits. */
  let failedAt: number | undefined

  const drain = async () => {
    isDraining = true
    while (pending.length > 0) {
      // The embedded driver runs COMMIT's fsync on this thread, so requests that arrived meanwhile are still
      // waiting in the event loop, not yet in `pending`. Let them in first — a few turns, while the queue grows.
      for (let turn = 0; turn < GATHER_TURNS_MAX; turn++) {
        const before = pending.length
        await new Promise((resolve) => setImmediate(resolve))
        if (pending.length === before || pending.length >= GROUP_COMMIT_MAX_JOBS) break
      }
      const batch = pending.splice(0, GROUP_COMMIT_MAX_JOBS)
      const outcomes: { ok: boolean; value: unknown }[] = []
      let hasBegun = false
      let hasChangedRows = false
      try {
        await db.transaction(async (tx) => {
          hasBegun = true
          // Only after a fault: a batch that changed nothing (the outbox finding no work) commits even on a full
          // disk, so it proves nothing; one that changed rows does.
          const changesBefore = failedAt === undefined ? 0 : await totalChanges(tx)
          for (const job of batch) {
            try {
              outcomes.push({ ok: true, value: await tx.transaction((savepoint) => job.work(savepoint)) })
            } catch (error) {
              outcomes.push({ ok: false, value: error })
            }
          }
          hasChangedRows = failedAt === undefined || (await totalChanges(tx)) > changesBefore
        })
      } catch (error) {
        // The COMMIT itself failed (disk full, I/O error): none of the batch is durable. If the transaction could
        // not even begin for a storage reason (another process held the write lock for all of busy_timeout), every
        // write still queued would wait as long and fail alike: answer them now, so each is told within one
        // busy_timeout rather than after every write ahead of it has waited its own.
        const failed = !hasBegun && isStorageUnavailable(error) ? [...batch, ...pending.splice(0)] : batch
        for (const job of failed) job.reject(error)
        if (isStorageUnavailable(error)) failedAt = performance.now()
        continue
      }
      if (outcomes.some((outcome) => !outcome.ok && isStorageUnavailable(outcome.value))) failedAt = performance.now()
      else if (hasChangedRows) failedAt = undefined
      batch.forEach((job, index) => {
        const outcome = outcomes[index]
        if (outcome?.ok) job.resolve(outcome.value)
        else job.reject(outcome?.value)
      })
    }
    isDraining = false
  }

  const write = <T>(work: (tx: WriteTx) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      pending.push({ work, resolve: (value) => resolve(value as T), reject })
      if (!isDraining) void drain()
    })
  const isWriteFailing = () => failedAt !== undefined && performance.now() - failedAt < WRITE_FAILURE_REPORTED_MS
  return { write, isWriteFailing }
}

async function totalChanges(tx: WriteTx): Promise<number> {
  const [row] = await tx.all<{ n: number }>(sql`select total_changes() as n`)
  return Number(row?.n)
}

/** `SELECT 1` through the pool: what `/health` reports. */
export async function pingDatabase(database: Database): Promise<boolean> {
  try {
    await database.db.run(sql`select 1`)
    return true
  } catch {
    return false
  }
}
