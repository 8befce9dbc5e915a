import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openDatabase } from '@xinfang/api/db/client'
import { getOwnPetition, listOwnPetitions, trackPetition } from '@xinfang/api/domain/petitions/petition-views'
import type { Keyring } from '@xinfang/api/domain/privacy/keyring'
import type { StaffActor } from '@xinfang/api/domain/workflow/apply-staff-action'
import { listUnitQueue } from '@xinfang/api/domain/workflow/staff-views'
import { staffAccounts } from '@xinfang/api/db/schema'
import { PageQuerySchema, StaffQueueQuerySchema, StaffRoleSchema } from '@xinfang/shared'
import { type Client, queryRows, tableNameOf, textOf } from './sql'

/*
 * The SQL behind each measured read, taken from the domain functions themselves (not rewritten here): the
 * client's `execute` is wrapped while `listOwnPetitions`, `getOwnPetition`, `trackPetition` and `listUnitQueue`
 * run against the seeded file, then every captured statement is timed on its own and explained with
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
  dataDir: string
  sample: Omit<ReadSample, 'staff'> & { staffUsername: string }
  repeat: number
}

export interface ExplainedQuery {
  read: 'citizen list' | 'citizen detail' | 'track' | 'staff queue'
  /** Position among the statements of that read. */
  step: number
  sql: string
  medianMs: number
  plan: string[]
  /** Plan lines that touch every row of a large table or sort every matching row (hints, not verdicts). */
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

export async function explainReads(dataDir: string, keyring: Keyring, sample: ReadSample, repeat: number): Promise<ExplainedQuery[]> {
  const database = openDatabase({ url: `file:${join(dataDir, 'xinfang.db')}`, poolSize: 1 })
  const { client, db } = database
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
    current = 'citizen list'
    await listOwnPetitions(db, sample.citizenId, PageQuerySchema.parse({}), now)
    current = 'citizen detail'
    await getOwnPetition(db, keyring, sample.citizenId, sample.petitionId, now)
    current = 'track'
    await trackPetition(db, keyring, sample.trackingNo, sample.queryCode, now)
    current = 'staff queue'
    await listUnitQueue(db, sample.staff, StaffQueueQuerySchema.parse({}), now)
    client.execute = original

    const steps = new Map<string, number>()
    const explained: ExplainedQuery[] = []
    for (const query of captured) {
      const step = steps.get(query.read) ?? 0
      steps.set(query.read, step + 1)
      const times: number[] = []
      for (let i = 0; i < repeat; i++) {
        const before = performance.now()
        await original({ sql: query.sql, args: query.args })
        times.push(performance.now() - before)
      }
      times.sort((a, b) => a - b)
      const plan = (await original({ sql: `EXPLAIN QUERY PLAN ${query.sql}`, args: query.args })).rows.map((row) =>
        String(row.detail),
      )
      explained.push({
        read: query.read,
        step,
        sql: query.sql,
        medianMs: times[Math.floor(times.length / 2)] ?? Number.NaN,
        plan,
        warnings: warningsOf(plan),
      })
    }
    return explained
  } finally {
    client.execute = original
    database.close()
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
      result && code === 0 ? resolve(result) : reject(new Error(`explaining the reads failed (exit code ${code})`)),
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
    'plan' in value &&
    Array.isArray(value.plan) &&
    'medianMs' in value &&
    typeof value.medianMs === 'number'
  )
}
