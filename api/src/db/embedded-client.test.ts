import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Transaction } from '@libsql/client'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { isStorageUnavailable } from '../lib/storage-errors'
import { type Database, openDatabase, WRITE_FAILURE_REPORTED_MS } from './client'
import { LOCK_POLL_MAX_MS, type LockWaitClock } from './embedded-client'

/*
 * What the embedded client does when the store fails: a database that cannot grow, and a write lock that another
 * connection (standing in for another process on the same file) keeps.
 */

let dir: string
let database: Database
const opened: Database[] = []

const open = (busyTimeoutMs: number, poolSize = 4, lockWaitClock?: LockWaitClock) => {
  const handle = openDatabase({
    url: `file:${join(dir, 'x.db')}`,
    busyTimeoutMs,
    poolSize,
    ...(lockWaitClock ? { lockWaitClock } : {}),
  })
  opened.push(handle)
  return handle
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'xinfang-faults-'))
  // One connection, so the page cap set below holds for every statement of this handle.
  database = open(300, 1)
  await database.write((tx) => tx.run('CREATE TABLE notes (body BLOB NOT NULL)'))
})

afterEach(() => {
  for (const handle of opened.splice(0)) handle.close()
  rmSync(dir, { recursive: true, force: true })
})

const countNotes = async () => (await database.client.execute('SELECT count(*) AS n FROM notes')).rows[0]?.n

/** Caps the file at its current size, so that the next write needing a new page fails with SQLITE_FULL. */
async function fillTheDatabase() {
  const pages = Number((await database.client.execute('PRAGMA page_count')).rows[0]?.[0])
  await database.client.execute(`PRAGMA max_page_count = ${pages}`)
}

const rejectionOf = async (promise: Promise<unknown>) => {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the write to be refused')
}

test('a write the full database cannot hold is refused as storage unavailable, and nothing of it stays', async () => {
  await fillTheDatabase()
  const error = await rejectionOf(database.write((tx) => tx.run('INSERT INTO notes VALUES (zeroblob(20000))')))
  expect(isStorageUnavailable(error)).toBe(true)
  expect(String(error)).not.toMatch(/^Error: TRANSACTION_CLOSED$/)
  expect(await countNotes()).toBe(0)
})

test('when the database fills up mid-batch, every write of the batch is refused as storage unavailable', async () => {
  await fillTheDatabase()
  // While a first write holds the writer, three more queue up and then share one transaction; the second one's
  // insert makes SQLite roll all of it back.
  let openGate = () => {}
  const gate = new Promise<void>((resolve) => {
    openGate = resolve
  })
  let markStarted = () => {}
  const started = new Promise<void>((resolve) => {
    markStarted = resolve
  })
  const first = database.write(() => {
    markStarted()
    return gate
  })
  await started
  const queued = Promise.allSettled([
    database.write((tx) => tx.run("INSERT INTO notes VALUES (x'00')")),
    database.write((tx) => tx.run('INSERT INTO notes VALUES (zeroblob(20000))')),
    database.write((tx) => tx.run("INSERT INTO notes VALUES (x'01')")),
  ])
  openGate()
  await first
  const results = await queued
  for (const result of results) {
    expect(result.status).toBe('rejected')
    expect(result.status === 'rejected' && isStorageUnavailable(result.reason)).toBe(true)
  }
  expect(await countNotes()).toBe(0)
})

test('once space is freed the same write commits, on the same connections', async () => {
  expect(database.isWriteFailing()).toBe(false)
  await fillTheDatabase()
  await expect(database.write((tx) => tx.run('INSERT INTO notes VALUES (zeroblob(20000))'))).rejects.toThrow()
  expect(database.isWriteFailing()).toBe(true)
  await database.client.execute('PRAGMA max_page_count = 1000000')
  // A write that changes nothing commits even on a full disk: it is no sign the fault has cleared.
  await database.write((tx) => tx.run('DELETE FROM notes WHERE 0'))
  expect(database.isWriteFailing()).toBe(true)
  await database.write((tx) => tx.run('INSERT INTO notes VALUES (zeroblob(20000))'))
  expect(database.isWriteFailing()).toBe(false)
  expect(await countNotes()).toBe(1)
  expect((await database.client.execute('PRAGMA integrity_check')).rows[0]?.[0]).toBe('ok')
})

test('a refused write is reported for a minute at most when no write comes after it', async () => {
  vi.useFakeTimers({ toFake: ['performance'] })
  try {
    await fillTheDatabase()
    await expect(database.write((tx) => tx.run('INSERT INTO notes VALUES (zeroblob(20000))'))).rejects.toThrow()
    vi.advanceTimersByTime(WRITE_FAILURE_REPORTED_MS - 1_000)
    expect(database.isWriteFailing()).toBe(true)
    vi.advanceTimersByTime(1_000)
    expect(database.isWriteFailing()).toBe(false)
  } finally {
    vi.useRealTimers()
  }
})

test('a size cap holds on every pooled connection: growth past it is refused as storage unavailable, reads go on', async () => {
  const pageSize = Number((await database.client.execute('PRAGMA page_size')).rows[0]?.[0])
  const capped = openDatabase({ url: `file:${join(dir, 'x.db')}`, poolSize: 3, maxSizeBytes: 64 * pageSize + 100 })
  opened.push(capped)
  // Three transactions held at once force the pool to open three connections.
  const transactions = await Promise.all([1, 2, 3].map(() => capped.client.transaction('read')))
  for (const transaction of transactions) {
    expect((await transaction.execute('PRAGMA max_page_count')).rows[0]?.[0]).toBe(64)
  }
  await Promise.all(transactions.map((transaction) => transaction.commit()))

  await capped.write((tx) => tx.run('INSERT INTO notes VALUES (zeroblob(4000))'))
  const error = await rejectionOf(capped.write((tx) => tx.run('INSERT INTO notes VALUES (zeroblob(400000))')))
  expect(isStorageUnavailable(error)).toBe(true)
  expect((await capped.client.execute('SELECT count(*) AS n FROM notes')).rows[0]?.n).toBe(1)
})

/** Another handle on the same file takes the write lock and keeps it until released. */
async function holdWriteLock(): Promise<Transaction> {
  const holder = open(5_000)
  const transaction = await holder.client.transaction('write')
  await transaction.execute("INSERT INTO notes VALUES (x'ff')")
  return transaction
}

/**
 * A clock for the wait on a lock held elsewhere that moves only when the writer pauses between tries: each pause
 * passes at once (on a later macrotask), so a whole busy_timeout goes by in a few milliseconds and the same way on
 * any machine. With `holdFirstPause`, the first pause lasts until `resume()`: the writer is then known to have
 * tried, found the lock taken, and handed the event loop back.
 */
function lockWaitClock(options: { holdFirstPause?: boolean } = {}) {
  let elapsed = 0
  const pauses: number[] = []
  let paused = () => {}
  const firstPause = new Promise<void>((resolve) => {
    paused = resolve
  })
  let resume = () => {}
  const resumed = new Promise<void>((resolve) => {
    resume = resolve
  })
  const clock: LockWaitClock = {
    now: () => elapsed,
    async sleep(ms) {
      pauses.push(ms)
      paused()
      if (options.holdFirstPause && pauses.length === 1) await resumed
      await new Promise((resolve) => setImmediate(resolve))
      elapsed += ms
    },
  }
  return {
    clock,
    pauses,
    firstPause,
    resume,
    get elapsed() {
      return elapsed
    },
  }
}

const settledState = (promise: Promise<unknown>) => {
  const state = { isSettled: false }
  promise.then(
    () => {
      state.isSettled = true
    },
    () => {
      state.isSettled = true
    },
  )
  return state
}

test('a write waiting for a lock held elsewhere leaves the event loop free between its tries, then is refused as busy', async () => {
  const wait = lockWaitClock({ holdFirstPause: true })
  // A minute of busy_timeout: had a try slept in SQLite's own busy handler, this test would stall for all of it.
  const writer = open(60_000, 1, wait.clock)
  const held = await holdWriteLock()
  const write = rejectionOf(writer.write((tx) => tx.run("INSERT INTO notes VALUES (x'00')")))
  const writeState = settledState(write)

  await wait.firstPause
  // The writer has tried once and is waiting: another connection's read is answered meanwhile.
  expect(await countNotes()).toBe(0)
  expect(writeState.isSettled).toBe(false)

  wait.resume()
  const error = await write
  await held.rollback()
  expect(isStorageUnavailable(error)).toBe(true)
  expect(String(error)).toContain('SQLITE_BUSY')
  expect(writer.isWriteFailing()).toBe(true)
  // It tried again and again until its whole busy_timeout had passed, pausing at most LOCK_POLL_MAX_MS each time.
  expect(wait.elapsed).toBeGreaterThan(60_000 - LOCK_POLL_MAX_MS)
  expect(Math.max(...wait.pauses)).toBe(LOCK_POLL_MAX_MS)
})

test('writes queued behind a lock held elsewhere are all answered when the first one gives up', async () => {
  const wait = lockWaitClock()
  const writer = open(300, 1, wait.clock)
  const held = await holdWriteLock()
  const answeredAt = await Promise.all(
    Array.from({ length: 5 }, (_, n) =>
      writer
        .write((tx) => tx.run(`INSERT INTO notes VALUES (x'0${n}')`))
        .then(
          () => 'committed',
          (error: unknown) => (isStorageUnavailable(error) ? wait.elapsed : 'other error'),
        ),
    ),
  )
  await held.rollback()
  // The first write waits alone (the others queue behind it); had the others then waited a busy_timeout of
  // their own, the last answers would come after 600 ms of waiting.
  for (const at of answeredAt) {
    expect(typeof at).toBe('number')
    expect(Number(at)).toBeGreaterThan(300 - LOCK_POLL_MAX_MS)
    expect(Number(at)).toBeLessThanOrEqual(300)
  }
  await writer.write((tx) => tx.run("INSERT INTO notes VALUES (x'aa')"))
  expect(await countNotes()).toBe(1)
})

test('a write commits on its next try once the lock held elsewhere is released within busy_timeout', async () => {
  const wait = lockWaitClock({ holdFirstPause: true })
  const patient = open(5_000, 4, wait.clock)
  const held = await holdWriteLock()
  const write = patient.write((tx) => tx.run("INSERT INTO notes VALUES (x'00')"))
  await wait.firstPause
  await held.rollback()
  wait.resume()
  await write
  expect(wait.pauses).toHaveLength(1)
  expect(await countNotes()).toBe(1)
  // The busy_timeout turned off for each try is back on the connection afterwards.
  expect((await patient.client.execute('PRAGMA busy_timeout')).rows[0]?.[0]).toBe(5_000)
})
