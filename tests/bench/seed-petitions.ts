import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
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
  RATING_SHAPE,
  type SeedPlan,
  trackingYearsOf,
} from './seed-plan'
import type { ChunkReply, ChunkRequest, InitMessage } from './seed-worker'
import { insertShape, integerOf, queryRows, tableNameOf, textOf } from './sql'
import { uuidV7At } from './uuid-v7'

/*
 * Grows the petitions table of a stopped server's database to a target size, fast: seeded citizens (demo
 * accounts: `POST /auth/demo {name}` signs in as whichever of them is named), petitions spread over the last twelve
 * months, each taken through the workflow up to now (seed-plan.ts), with its first timeline event and the citizen's
 * ratings of its replies. Rows are made and encrypted by child processes (seed-worker.ts) and written here, by one
 * writer, in time order, one transaction per chunk. Messages, outbox rows, audit entries, later timeline events
 * and idempotency keys of seeded petitions are not written: none of the measured reads touches them (the
 * statistics read the petitions' own columns and the ratings). Method: docs/decisions/008-benchmarks.md.
 */

const TESTS_DIR = fileURLToPath(new URL('../', import.meta.url))
const WORKER = fileURLToPath(new URL('./seed-worker.ts', import.meta.url))
/** The statistics' default window is the last twelve months: every seeded petition falls inside it. */
const SPAN_DAYS = 365
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
  /** Rows whose content is encrypted bound to their own id (the others carry pooled envelopes: seed-worker.ts). */
  boundRows: number
  /** Ratings of the seeded petitions' replies. */
  ratings: number
  after: number
  citizens: number
  elapsedMs: number
  /** Time the writer spent inserting, and waiting for the row makers: which of the two bounds the seed. */
  insertMs: number
  /** CPU time of the inserts: far below insertMs means the machine was busy with something else. */
  insertCpuMs: number
  /** `memory` when the seed could bypass the WAL (see above). */
  journalMode: string
  waitMs: number
  databaseBytes: number
  plan: SeedPlan
}

/** The demo sign-in name of the i-th citizen of a seed (its openid is `demo:<name>`). */
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
    'petitionsFile' in value &&
    typeof value.petitionsFile === 'string' &&
    'eventsFile' in value &&
    typeof value.eventsFile === 'string' &&
    'ratingsFile' in value &&
    typeof value.ratingsFile === 'string' &&
    'ratings' in value &&
    typeof value.ratings === 'number' &&
    'index' in value &&
    typeof value.index === 'number' &&
    'boundRows' in value &&
    typeof value.boundRows === 'number'
  )
}

export async function seedPetitionsTo(options: SeedOptions): Promise<SeedResult | null> {
  const started = performance.now()
  const file = join(options.dataDir, 'xinfang.db')
  // One connection, so the cache size below applies to every statement of the seed.
  const database = openDatabase({ url: `file:${file}`, poolSize: 1 })
  const { client } = database
  const workers: { child: ChildProcess; exited: Promise<number | null> }[] = []
  // Chunks travel as files: tens of megabytes of JSON per chunk through an IPC pipe cost more CPU than the insert.
  const chunkDir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'xinfang-seed-'))
  try {
    // Settings of this one connection, not of the file or the API: a bulk load touches far more pages than the
    // default 2 MB cache holds, and synthetic rows need no fsync per chunk (a crash only fails this run).
    await client.execute('PRAGMA cache_size = -524288')
    await client.execute('PRAGMA synchronous = OFF')
    // Nobody else has the file open (the server is stopped), so the load can skip the WAL and write each page
    // once instead of twice; the end of the seed (and every API connection) switches the file back to WAL. Should
    // another handle still be open, SQLite refuses, and the seed simply goes through the WAL.
    let journalMode = 'wal'
    try {
      const [mode] = await queryRows(client, 'PRAGMA journal_mode = MEMORY')
      journalMode = textOf(mode, 'journal_mode')
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'SQLITE_BUSY')) throw error
    }
    const [countRow] = await queryRows(client, `SELECT count(*) AS n FROM "${tableNameOf(petitions)}"`)
    const before = integerOf(countRow, 'n')
    const count = options.target - before
    if (count <= 0) return null

    const unitRows = await queryRows(
      client,
      `SELECT "${units.id.name}" AS id, "${units.kind.name}" AS kind, "${units.parentId.name}" AS parent FROM "${tableNameOf(units)}" ORDER BY "${units.sortOrder.name}"`,
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
      units: unitRows.map((row) => ({
        id: textOf(row, 'id'),
        parentId: typeof row.parent === 'string' ? row.parent : null,
      })),
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
      const init: InitMessage = { type: 'init', dataDir: options.dataDir, chunkDir, plan, citizenIds }
      worker.child.send(init)
      workers.push(worker)
    }
    let requested = 0
    let boundRows = 0
    let ratingCount = 0
    let waitMs = 0
    let insertMs = 0
    let insertCpuMs = 0
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
      const waitStarted = performance.now()
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
      boundRows += chunk.boundRows
      ratingCount += chunk.ratings
      const insertStarted = performance.now()
      const cpuBefore = process.cpuUsage().user
      waitMs += insertStarted - waitStarted
      const tx = await client.transaction('write')
      try {
        await tx.execute({ sql: PETITION_SHAPE.jsonSql, args: [readFileSync(chunk.petitionsFile)] })
        await tx.execute({ sql: EVENT_SHAPE.jsonSql, args: [readFileSync(chunk.eventsFile)] })
        await tx.execute({ sql: RATING_SHAPE.jsonSql, args: [readFileSync(chunk.ratingsFile)] })
        await tx.commit()
      } finally {
        tx.close()
        rmSync(chunk.petitionsFile, { force: true })
        rmSync(chunk.eventsFile, { force: true })
        rmSync(chunk.ratingsFile, { force: true })
      }
      insertMs += performance.now() - insertStarted
      insertCpuMs += (process.cpuUsage().user - cpuBefore) / 1000
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
    await client.execute('PRAGMA journal_mode = WAL')
    const [afterRow] = await queryRows(client, `SELECT count(*) AS n FROM "${tableNameOf(petitions)}"`)
    return {
      before,
      added: count,
      boundRows,
      ratings: ratingCount,
      after: integerOf(afterRow, 'n'),
      citizens: citizenCount,
      elapsedMs: performance.now() - started,
      insertMs,
      insertCpuMs,
      journalMode,
      waitMs,
      databaseBytes: statSync(file).size,
      plan,
    }
  } finally {
    for (const worker of workers) {
      if (worker.child.connected) worker.child.disconnect()
    }
    await Promise.all(workers.map((worker) => worker.exited))
    database.close()
    rmSync(chunkDir, { recursive: true, force: true })
  }
}
