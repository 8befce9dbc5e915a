import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Client, Transaction } from '@libsql/client'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { cacheStatements, type Database, openDatabase } from './client'
import { runMigrations } from './migrate'

let dir: string
let database: Database

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'xinfang-db-'))
  database = openDatabase({ url: `file:${join(dir, 'x.db')}`, poolSize: 3, busyTimeoutMs: 4321 })
  await runMigrations(database)
})

afterEach(() => {
  database.close()
  rmSync(dir, { recursive: true, force: true })
})

type Executor = Pick<Client, 'execute'> | Pick<Transaction, 'execute'>

async function pragmasOf(executor: Executor) {
  const read = async (name: string) => (await executor.execute(`PRAGMA ${name}`)).rows[0]?.[0]
  return {
    journalMode: await read('journal_mode'),
    synchronous: await read('synchronous'),
    busyTimeout: await read('busy_timeout'),
    foreignKeys: await read('foreign_keys'),
  }
}

const DURABLE = { journalMode: 'wal', synchronous: 2, busyTimeout: 4321, foreignKeys: 1 }

test('every pooled connection runs in WAL mode with synchronous=FULL, the busy timeout and foreign keys', async () => {
  // Three transactions held at once force the pool to open three separate connections.
  const transactions = await Promise.all([
    database.client.transaction('read'),
    database.client.transaction('read'),
    database.client.transaction('read'),
  ])
  for (const tx of transactions) {
    expect(await pragmasOf(tx)).toEqual(DURABLE)
  }
  await Promise.all(transactions.map((tx) => tx.commit()))
})

test('the settings still hold on the connections used after write transactions commit and roll back', async () => {
  await database.write(async (tx) => {
    await tx.run('CREATE TABLE scratch (x INTEGER)')
  })
  await expect(
    database.write(async (tx) => {
      await tx.run('INSERT INTO scratch VALUES (1)')
      throw new Error('roll back')
    }),
  ).rejects.toThrow('roll back')
  for (let i = 0; i < 5; i++) {
    expect(await pragmasOf(database.client)).toEqual(DURABLE)
  }
  expect((await database.client.execute('SELECT count(*) FROM scratch')).rows[0]?.[0]).toBe(0)
})

test('writes from concurrent callers are serialized and all of them commit', async () => {
  await database.write((tx) => tx.run('CREATE TABLE counter (n INTEGER NOT NULL)'))
  await database.write((tx) => tx.run('INSERT INTO counter VALUES (0)'))
  await Promise.all(
    Array.from({ length: 40 }, () =>
      database.write(async (tx) => {
        const current = await tx.get<{ n: number }>('SELECT n FROM counter')
        await new Promise((resolve) => setTimeout(resolve, 1))
        await tx.run(`UPDATE counter SET n = ${(current?.n ?? 0) + 1}`)
      }),
    ),
  )
  expect((await database.client.execute('SELECT n FROM counter')).rows[0]?.[0]).toBe(40)
})

test('a failed write leaves the queue usable for the next one', async () => {
  await expect(database.write((tx) => tx.run('INSERT INTO no_such_table VALUES (1)'))).rejects.toThrow()
  await expect(database.write(async () => 'still working')).resolves.toBe('still working')
})

test('the seat check constraint refuses more bookings than a slot has seats', async () => {
  await database.client.executeMultiple(`
    INSERT INTO units (id, code, name, short_name, kind, created_at) VALUES ('u', 'u', 'U', 'U', 'department', 0);
    INSERT INTO leaders (id, code, name, title, unit_id, created_at) VALUES ('l', 'l', 'L', 'T', 'u', 0);
    INSERT INTO reception_sessions (id, leader_id, unit_id, starts_at, ends_at, mode, status, booking_opens_at,
      booking_closes_at, created_at, updated_at) VALUES ('s', 'l', 'u', 10, 20, 'video', 'published', 0, 5, 0, 0);
    INSERT INTO reception_slots (id, session_id, starts_at, ends_at, capacity, booked) VALUES ('t', 's', 10, 20, 2, 2);
  `)
  await expect(
    database.client.execute("UPDATE reception_slots SET booked = booked + 1 WHERE id = 't'"),
  ).rejects.toThrow(/CHECK constraint failed/)
})

test('writes queued together commit together, and one that fails is rolled back alone', async () => {
  await database.write((tx) => tx.run('CREATE TABLE items (n INTEGER NOT NULL)'))
  const results = await Promise.allSettled(
    Array.from({ length: 10 }, (_, n) =>
      database.write(async (tx) => {
        await tx.run(`INSERT INTO items VALUES (${n})`)
        if (n === 5) throw new Error('job five fails after writing')
        return n
      }),
    ),
  )
  expect(results.map((r) => r.status)).toEqual([
    ...Array(5).fill('fulfilled'),
    'rejected',
    ...Array(4).fill('fulfilled'),
  ])
  const rows = await database.client.execute('SELECT n FROM items ORDER BY n')
  expect(rows.rows.map((row) => row.n)).toEqual([0, 1, 2, 3, 4, 6, 7, 8, 9])
})

test('a caller is answered only after the commit that holds its write', async () => {
  await database.write((tx) => tx.run('CREATE TABLE seen (n INTEGER NOT NULL)'))
  const observer = openDatabase({ url: `file:${join(dir, 'x.db')}` })
  try {
    await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        database
          .write((tx) => tx.run(`INSERT INTO seen VALUES (${n})`))
          .then(async () => {
            // Another connection sees the row as soon as the write is acknowledged: it is committed.
            const row = await observer.client.execute(`SELECT count(*) AS c FROM seen WHERE n = ${n}`)
            expect(row.rows[0]?.c).toBe(1)
          }),
      ),
    )
  } finally {
    observer.close()
  }
})

test('prepared statements are reused per connection, dropped least recently used first', () => {
  const prepared: string[] = []
  const connection = {
    prepare(sql: string) {
      prepared.push(sql)
      return { sql }
    },
  }
  cacheStatements(connection, 2, { generation: 0 })
  const first = connection.prepare('select 1')
  expect(connection.prepare('select 1')).toBe(first)
  connection.prepare('select 2')
  connection.prepare('select 1') // now the most recent: 'select 2' is the oldest
  connection.prepare('select 3') // over the limit: drops 'select 2'
  connection.prepare('select 1')
  connection.prepare('select 2')
  expect(prepared).toEqual(['select 1', 'select 2', 'select 3', 'select 2'])
})

test('a schema change made on one connection empties the statement cache of every connection', () => {
  const schema = { generation: 0 }
  const connectionOf = (prepared: string[]) => ({
    prepare(sql: string) {
      prepared.push(sql)
      return { sql }
    },
  })
  const preparedByA: string[] = []
  const preparedByB: string[] = []
  const a = connectionOf(preparedByA)
  const b = connectionOf(preparedByB)
  cacheStatements(a, 10, schema)
  cacheStatements(b, 10, schema)
  a.prepare('select x from t')
  b.prepare('select x from t')
  a.prepare('  ALTER TABLE t ADD COLUMN y')
  a.prepare('select x from t')
  b.prepare('select x from t')
  b.prepare('select x from t')
  expect(preparedByA).toEqual(['select x from t', '  ALTER TABLE t ADD COLUMN y', 'select x from t'])
  expect(preparedByB).toEqual(['select x from t', 'select x from t'])
})

test('a cached statement sees rows written since, and follows a change to its table', async () => {
  await database.write(async (tx) => {
    await tx.run('CREATE TABLE scratch (x INTEGER)')
  })
  const read = async () =>
    (await database.client.execute('SELECT * FROM scratch ORDER BY x')).rows.map((row) => ({ ...row }))
  expect(await read()).toEqual([])
  await database.write(async (tx) => {
    await tx.run('INSERT INTO scratch VALUES (1), (2)')
  })
  expect(await read()).toEqual([{ x: 1 }, { x: 2 }])
  await database.write(async (tx) => {
    await tx.run('ALTER TABLE scratch ADD COLUMN y TEXT')
    await tx.run("UPDATE scratch SET y = 'a'")
  })
  expect(await read()).toEqual([
    { x: 1, y: 'a' },
    { x: 2, y: 'a' },
  ])
})

test('a cached statement answers its columns and whether it returns rows from the first use', () => {
  const calls = { raw: 0, columns: 0 }
  const statementOf = (isReader: boolean) => ({
    raw() {
      calls.raw++
      if (!isReader) throw new TypeError('not a reader')
    },
    columns() {
      calls.columns++
      return [{ name: 'x' }]
    },
  })
  const connection = { prepare: (sql: string) => statementOf(sql.startsWith('select')) }
  cacheStatements(connection, 10, { generation: 0 })
  const write = connection.prepare('insert into t values (1)') as ReturnType<typeof statementOf>
  expect(() => write.raw()).toThrow('not a reader')
  expect(() => connection.prepare('insert into t values (1)').raw()).toThrow('only for statements that return data')
  const read = connection.prepare('select x from t') as ReturnType<typeof statementOf>
  read.raw()
  expect(read.columns()).toEqual([{ name: 'x' }])
  expect(connection.prepare('select x from t').columns()).toEqual([{ name: 'x' }])
  expect(calls).toEqual({ raw: 2, columns: 1 })
})

test('writes through cached statements report their changes and reads see them, run after run', async () => {
  await database.write(async (tx) => {
    await tx.run('CREATE TABLE scratch (x INTEGER)')
  })
  for (let i = 1; i <= 3; i++) {
    const inserted = await database.client.execute({ sql: 'INSERT INTO scratch VALUES (?), (?)', args: [i, i] })
    expect(inserted.rowsAffected).toBe(2)
    const counted = await database.client.execute({ sql: 'SELECT count(*) AS n FROM scratch WHERE x <= ?', args: [i] })
    expect(counted.columns).toEqual(['n'])
    expect(counted.rows[0]?.n).toBe(2 * i)
  }
})
