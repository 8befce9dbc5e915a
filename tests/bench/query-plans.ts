import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openDatabase } from '@xinfang/api/db/client'
import { staffAccounts } from '@xinfang/api/db/schema'
import { getOwnPetition, listOwnPetitions, trackPetition } from '@xinfang/api/domain/petitions/petition-views'
import type { Keyring } from '@xinfang/api/domain/privacy/keyring'
import { computeStats, rangeOf } from '@xinfang/api/domain/statistics/compute-stats'
import type { StaffActor } from '@xinfang/api/domain/workflow/apply-staff-action'
import { createDeadlinePolicy, loadHolidayCalendar } from '@xinfang/api/domain/workflow/deadline-policy'
import { listUnitQueue } from '@xinfang/api/domain/workflow/staff-views'
import { PageQuerySchema, StaffQueueQuerySchema, StaffRoleSchema } from '@xinfang/shared'
import { type Client, queryRows, tableNameOf, textOf } from './sql'

/*
 * The SQL behind each measured read, taken from the domain functions themselves (not rewritten here): the
 * client's `execute` is wrapped while `listOwnPetitions`, `getOwnPetition`, `trackPetition`, `listUnitQueue` and
 * `computeStats` run against the seeded file, then every captured statement is timed on its own and explained with
 * `EXPLAIN QUERY PLAN`. Comparing the times at 10 thousand and 1 million rows says which statement grows with
 * the table; the plan says why.
 */

type InStatement = Exclude<Parameters<Client['batch']>[0][number], readonly unknown[]>
type InArgs = NonNullable<Exclude<InStatement, string>['args']>
type ResultSet = Awaited<ReturnType<Client['execute']>>

export interface ReadSample {
  citizenId: string
  petitionId: string
  trackingNo: string
  queryCode: string
  staff: StaffActor
}

/** What the bench hands the child process that explains the reads (see explain-reads.ts). */
export interface ExplainRequest {
  /** The files to compare; the first one supplies the keyring and the staff account. */
  dataDirs: string[]
  sample: Omit<ReadSample, 'staff'> & { staffUsername: string }
  repeat: number
}

export interface ExplainedQuery {
  read:
    | 'citizen list'
    | 'citizen detail'
    | 'track'
    | 'staff queue'
    | 'staff queue, one rare status'
    | 'public statistics'
    | 'staff statistics by unit'
  /** Position among the statements of that read. */
  step: number
  sql: string
  /** Per database file, in the order given: median time of the statement run on its own, and its plan. */
  medianMs: number[]
  plans: string[][]
  /** Plan lines (on the last file) that touch every row of a large table or sort every matching row: hints. */
  warnings: string[]
}

/** Reference tables with a handful of rows (and their aliases in the queries): scanning them costs nothing. */
const SMALL_TABLES = new Set(['units', 'categories', 'handling_units', 'target_units'])

function warningsOf(plan: string[]): string[] {
  return plan.filter((line) => {
    const scan = /^SCAN (\S+)/.exec(line)
    if (scan) return !SMALL_TABLES.has(scan[1] ?? '')
    return line.startsWith('USE TEMP B-TREE FOR ORDER BY')
  })
}

/**
 * Captures the statements of the four reads on the first file, then explains each on every file and times it,
 * alternating between the files run by run so that both see the same machine.
 */
export async function explainReads(
  dataDirs: readonly string[],
  keyring: Keyring,
  sample: ReadSample,
  repeat: number,
): Promise<ExplainedQuery[]> {
  const databases = dataDirs.map((dir) => openDatabase({ url: `file:${join(dir, 'xinfang.db')}`, poolSize: 1 }))
  const first = databases[0]
  if (!first) throw new Error('no database to explain')
  const { client, db } = first
  const original = client.execute.bind(client)
  let current: ExplainedQuery['read'] = 'citizen list'
  const captured: { read: ExplainedQuery['read']; sql: string; args: InArgs }[] = []
  function recording(stmt: InStatement): Promise<ResultSet>
  function recording(sql: string, args?: InArgs): Promise<ResultSet>
  function recording(stmtOrSql: InStatement, args?: InArgs): Promise<ResultSet> {
    const statement = typeof stmtOrSql === 'string' ? { sql: stmtOrSql, args: args ?? [] } : stmtOrSql
    captured.push({ read: current, sql: statement.sql, args: statement.args ?? [] })
    return original(statement)
  }
  try {
    client.execute = recording
    const now = Date.now()
    const reads = { db, keyring, deadlines: createDeadlinePolicy('national', loadHolidayCalendar(undefined)) }
    current = 'citizen list'
    await listOwnPetitions(reads, sample.citizenId, PageQuerySchema.parse({}), now)
    current = 'citizen detail'
    await getOwnPetition(reads, sample.citizenId, sample.petitionId, now)
    current = 'track'
    await trackPetition(reads, sample.trackingNo, sample.queryCode, now)
    current = 'staff queue'
    await listUnitQueue(db, sample.staff, StaffQueueQuerySchema.parse({}), now)
    // Not measured over HTTP, but the queue's status filter must stay index-driven too: a status few petitions
    // have is where a plan that walks the unit's whole queue in date order shows.
    current = 'staff queue, one rare status'
    await listUnitQueue(db, sample.staff, StaffQueueQuerySchema.parse({ status: 'recheck_requested' }), now)
    // The statements of the statistics, as the routes call them (overall and by month; a breakdown by unit).
    const range = rangeOf({}, now)
    current = 'public statistics'
    await computeStats(reads, { range, group: 'none', now })
    await computeStats(reads, { range, group: 'month', now })
    current = 'staff statistics by unit'
    await computeStats(reads, { range, group: 'unit', now })
    client.execute = original

    const steps = new Map<string, number>()
    const explained: ExplainedQuery[] = []
    for (const query of captured) {
      const step = steps.get(query.read) ?? 0
      steps.set(query.read, step + 1)
      const times = databases.map(() => [] as number[])
      for (let i = 0; i < repeat; i++) {
        for (const [index, database] of databases.entries()) {
          const before = performance.now()
          await database.client.execute({ sql: query.sql, args: query.args })
          times[index]?.push(performance.now() - before)
        }
      }
      const plans: string[][] = []
      for (const database of databases) {
        const rows = (await database.client.execute({ sql: `EXPLAIN QUERY PLAN ${query.sql}`, args: query.args })).rows
        plans.push(rows.map((row) => String(row.detail)))
      }
      explained.push({
        read: query.read,
        step,
        sql: query.sql,
        medianMs: times.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? Number.NaN),
        plans,
        warnings: warningsOf(plans[plans.length - 1] ?? []),
      })
    }
    return explained
  } finally {
    client.execute = original
    for (const database of databases) database.close()
  }
}

/** The staff member the queue is measured as, read from the file (the API's own principal carries the same). */
export async function staffActorOf(dataDir: string, username: string): Promise<StaffActor> {
  const database = openDatabase({ url: `file:${join(dataDir, 'xinfang.db')}`, poolSize: 1 })
  try {
    const [row] = await queryRows(
      database.client,
      `SELECT "${staffAccounts.id.name}" AS id, "${staffAccounts.role.name}" AS role, "${staffAccounts.unitId.name}" AS unit
       FROM "${tableNameOf(staffAccounts)}" WHERE "${staffAccounts.username.name}" = ?`,
      [username],
    )
    if (!row) throw new Error(`no staff account ${username}`)
    return { id: textOf(row, 'id'), role: StaffRoleSchema.parse(row.role), unitId: textOf(row, 'unit') }
  } finally {
    database.close()
  }
}

const EXPLAIN_CHILD = fileURLToPath(new URL('./explain-reads.ts', import.meta.url))
const TESTS_DIR = fileURLToPath(new URL('../', import.meta.url))

/**
 * Runs `explainReads` in a child process. libSQL releases a closed connection's file handle only when the
 * garbage collector gets to it, and an open handle on the file (even idle) keeps the next bulk seed from taking
 * the file out of WAL mode; a child that exits releases everything.
 */
export function explainReadsInChild(request: ExplainRequest): Promise<ExplainedQuery[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', EXPLAIN_CHILD], {
    cwd: TESTS_DIR,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    let result: ExplainedQuery[] | undefined
    child.on('message', (message: unknown) => {
      if (Array.isArray(message)) result = message.filter(isExplainedQuery)
    })
    child.once('exit', (code) =>
      result && result.length > 0 && code === 0
        ? resolve(result)
        : reject(new Error(`explaining the reads failed (exit code ${code}, ${result?.length ?? 0} statements)`)),
    )
    child.send(request)
  })
}

function isExplainedQuery(value: unknown): value is ExplainedQuery {
  return (
    typeof value === 'object' &&
    value !== null &&
    'read' in value &&
    'sql' in value &&
    typeof value.sql === 'string' &&
    'plans' in value &&
    Array.isArray(value.plans) &&
    'medianMs' in value &&
    Array.isArray(value.medianMs)
  )
}
