import { type ChildProcess, spawn } from 'node:child_process'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openDatabase } from '@xinfang/api/db/client'
import { categories, citizens, counters, petitions, units } from '@xinfang/api/db/schema'
import { QUERY_CODE_INDEX } from '@xinfang/api/domain/petitions/submit-petition'
import { blindIndex } from '@xinfang/api/domain/privacy/field-crypto'
import { demoKeyringPath, keyringFromFile, readKeyringFile } from '@xinfang/api/domain/privacy/keyring'
import { DAY_MS } from '@xinfang/shared'
import {
  countersAfter,
  EVENT_SHAPE,
  PETITION_SHAPE,
  pooledQueryCode,
  QUERY_CODE_POOL,
  type SeedPlan,
  trackingYearsOf,
} from './seed-plan'
import type { ChunkReply, ChunkRequest, InitMessage } from './seed-worker'
import { insertShape, integerOf, queryRows, tableNameOf, textOf } from './sql'
import { uuidV7At } from './uuid-v7'

/*
 * Grows the petitions table of a stopped server's database to a target size, fast: seeded citizens (demo
 * accounts, so the benchmark can sign in as them), petitions spread over the last two years with statuses by age,
 * and each petition's first timeline event. Rows are made and encrypted by child processes and written here, in
 * time order, one large transaction per chunk, through the API's own connection setup (WAL, synchronous=FULL).
 * Messages, outbox rows, audit entries and idempotency keys of seeded petitions are not written: none of the
 * measured reads touches them.
 */

const TESTS_DIR = fileURLToPath(new URL('../', import.meta.url))
const WORKER = fileURLToPath(new URL('./seed-worker.ts', import.meta.url))
const SPAN_DAYS = 730
const PETITIONS_PER_CITIZEN = 2.5

const CITIZEN_SHAPE = insertShape<typeof citizens.$inferInsert>(citizens, ['id', 'openid', 'isDemo', 'createdAt'])

export interface SeedOptions {
  dataDir: string
  target: number
  /** Distinguishes the citizens of this seed from those of another one on the same file (≤ 6 characters). */
  tag: string
  workers: number
  chunkRows: number
  /** Give up (throw) when this instant (performance.now()) passes. */
  deadline: number
}

export interface SeedResult {
  before: number
  added: number
  after: number
  citizens: number
  elapsedMs: number
  databaseBytes: number
  plan: SeedPlan
  /** The demo sign-in name of the i-th seeded citizen: `POST /auth/demo {name}` signs in as them. */
  citizenName(i: number): string
}

export function seededCitizenName(tag: string, i: number): string {
  return `bench-${tag}-${i}`
}

function startWorker(): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    cwd: TESTS_DIR,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  })
  return { child, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) }
}

function isChunkReply(value: unknown): value is ChunkReply {
  return (
    typeof value === 'object' &&
    value !== null &&
    'type' in value &&
    value.type === 'chunk' &&
    'petitions' in value &&
    typeof value.petitions === 'string' &&
    'events' in value &&
    typeof value.events === 'string' &&
    'index' in value &&
    typeof value.index === 'number'
  )
}

export async function seedPetitionsTo(options: SeedOptions): Promise<SeedResult | null> {
  const started = performance.now()
  const file = join(options.dataDir, 'xinfang.db')
  // One connection, so the cache size below applies to every statement of the seed.
  const database = openDatabase({ url: `file:${file}`, poolSize: 1 })
  const { client } = database
  const workers: { child: ChildProcess; exited: Promise<number | null> }[] = []
  try {
    // A bulk load touches far more pages than the default 2 MB cache holds; a per-connection setting, not the API's.
    await client.execute('PRAGMA cache_size = -524288')
    const [countRow] = await queryRows(client, `SELECT count(*) AS n FROM "${tableNameOf(petitions)}"`)
    const before = integerOf(countRow, 'n')
    const count = options.target - before
    if (count <= 0) return null

    const unitRows = await queryRows(
      client,
      `SELECT "${units.id.name}" AS id, "${units.kind.name}" AS kind FROM "${tableNameOf(units)}" ORDER BY "${units.sortOrder.name}"`,
    )
    const unitOfKind = (kind: string) => {
      const row = unitRows.find((candidate) => candidate.kind === kind)
      if (!row) throw new Error(`the database has no ${kind} unit: was it seeded by the API in demo mode?`)
      return textOf(row, 'id')
    }
    const categoryRows = await queryRows(
      client,
      `SELECT "${categories.id.name}" AS id, "${categories.code.name}" AS code, "${categories.defaultUnitId.name}" AS unit FROM "${tableNameOf(categories)}"`,
    )
    const counterRows = await queryRows(
      client,
      `SELECT "${counters.name.name}" AS name, "${counters.value.name}" AS value FROM "${tableNameOf(counters)}"`,
    )
    const keyring = keyringFromFile(readKeyringFile(demoKeyringPath(options.dataDir)), 'demo-file')
    const now = Date.now()
    const span = { count, spanStart: now - SPAN_DAYS * DAY_MS, spanEnd: now - 2 * 60 * 60 * 1000 }
    const queryCodes = await Promise.all(
      Array.from({ length: QUERY_CODE_POOL }, async (_, j) => {
        const code = pooledQueryCode(j)
        return { code, hash: await blindIndex(keyring, code, QUERY_CODE_INDEX) }
      }),
    )
    const citizenCount = Math.max(1, Math.ceil(count / PETITIONS_PER_CITIZEN))
    const plan: SeedPlan = {
      ...span,
      now,
      intakeUnitId: unitOfKind('petition_bureau'),
      disciplineUnitId: unitOfKind('discipline'),
      categories: categoryRows.map((row) => ({
        id: textOf(row, 'id'),
        code: textOf(row, 'code'),
        defaultUnitId: typeof row.unit === 'string' ? row.unit : unitOfKind('petition_bureau'),
      })),
      trackingYears: trackingYearsOf(
        span,
        new Map(counterRows.map((row) => [textOf(row, 'name'), integerOf(row, 'value')])),
      ),
      queryCodes,
      citizenCount,
    }

    // Citizens first (the petitions refer to them), in one transaction.
    const citizenIds: string[] = []
    const citizenRows: unknown[][] = []
    for (let i = 0; i < citizenCount; i++) {
      const id = uuidV7At(span.spanStart)
      citizenIds.push(id)
      citizenRows.push(
        CITIZEN_SHAPE.argsOf({
          id,
          openid: `demo:${seededCitizenName(options.tag, i)}`,
          isDemo: true,
          createdAt: span.spanStart,
        }),
      )
    }
    const citizenTx = await client.transaction('write')
    try {
      for (let from = 0; from < citizenRows.length; from += 50_000) {
        await citizenTx.execute({
          sql: CITIZEN_SHAPE.jsonSql,
          args: [JSON.stringify(citizenRows.slice(from, from + 50_000))],
        })
      }
      await citizenTx.commit()
    } finally {
      citizenTx.close()
    }

    // Petitions and events: made by the workers, written here in order.
    const chunkCount = Math.ceil(count / options.chunkRows)
    const workerCount = Math.max(1, Math.min(options.workers, chunkCount))
    const ready = new Map<number, ChunkReply>()
    let wake: (() => void) | undefined
    let failure: Error | undefined
    for (let w = 0; w < workerCount; w++) {
      const worker = startWorker()
      worker.child.on('message', (message: unknown) => {
        if (isChunkReply(message)) {
          ready.set(message.index, message)
          wake?.()
        }
      })
      void worker.exited.then((code) => {
        if (code !== 0 && code !== null) failure ??= new Error(`a seed worker exited with code ${code}`)
        wake?.()
      })
      const init: InitMessage = { type: 'init', dataDir: options.dataDir, plan, citizenIds }
      worker.child.send(init)
      workers.push(worker)
    }
    let requested = 0
    const requestUpTo = (limit: number) => {
      while (requested < Math.min(limit, chunkCount)) {
        const from = requested * options.chunkRows
        const request: ChunkRequest = {
          type: 'chunk',
          index: requested,
          from,
          to: Math.min(count, from + options.chunkRows),
        }
        workers[requested % workers.length]?.child.send(request)
        requested++
      }
    }
    for (let index = 0; index < chunkCount; index++) {
      requestUpTo(index + 2 * workers.length)
      let chunk = ready.get(index)
      while (!chunk) {
        if (failure) throw failure
        if (performance.now() > options.deadline) throw new Error(`seeding to ${options.target} ran out of time`)
        await new Promise<void>((resolve) => {
          wake = resolve
          setTimeout(resolve, 1000)
        })
        chunk = ready.get(index)
      }
      ready.delete(index)
      const tx = await client.transaction('write')
      try {
        await tx.execute({ sql: PETITION_SHAPE.jsonSql, args: [chunk.petitions] })
        await tx.execute({ sql: EVENT_SHAPE.jsonSql, args: [chunk.events] })
        await tx.commit()
      } finally {
        tx.close()
      }
    }

    // The yearly tracking-number sequences continue after the seeded numbers, so later submissions never collide.
    const counterTx = await client.transaction('write')
    try {
      for (const [name, value] of countersAfter(plan)) {
        await counterTx.execute({
          sql: `INSERT INTO "${tableNameOf(counters)}" ("${counters.name.name}", "${counters.value.name}") VALUES (?, ?)
            ON CONFLICT ("${counters.name.name}") DO UPDATE SET "${counters.value.name}" = max("${counters.value.name}", excluded."${counters.value.name}")`,
          args: [name, value],
        })
      }
      await counterTx.commit()
    } finally {
      counterTx.close()
    }
    // Fold the WAL into the database file so the server starts on a compact file.
    await client.execute('PRAGMA wal_checkpoint(TRUNCATE)')
    const [afterRow] = await queryRows(client, `SELECT count(*) AS n FROM "${tableNameOf(petitions)}"`)
    return {
      before,
      added: count,
      after: integerOf(afterRow, 'n'),
      citizens: citizenCount,
      elapsedMs: performance.now() - started,
      databaseBytes: statSync(file).size,
      plan,
      citizenName: (i) => seededCitizenName(options.tag, i),
    }
  } finally {
    for (const worker of workers) {
      if (worker.child.connected) worker.child.disconnect()
    }
    await Promise.all(workers.map((worker) => worker.exited))
    database.close()
  }
}
