import { execFileSync } from 'node:child_process'
import { readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { LibsqlError } from '@libsql/client'
import { type Database, openDatabase } from '@xinfang/api/db/client'
import {
  AttachmentSchema,
  AuthResultSchema,
  CategoryListSchema,
  HealthSchema,
  PetitionCreatedSchema,
  PetitionListSchema,
  ProblemSchema,
} from '@xinfang/shared'
import { afterEach, expect, onTestFinished, test } from 'vitest'
import { type RunningApi, startApi } from '../support/api-server'

/*
 * Done-when of the storage faults: when the database cannot be written — the disk is full, the file is at its
 * size cap, another process holds the write lock — writes are answered 503 with a stable code and Retry-After,
 * reads go on, nothing is half-written, and once the fault clears the service takes writes again by itself, with
 * no restart: the client's retry under the same Idempotency-Key lands exactly once.
 *
 * How each fault is made, for real and without root (CI runners have neither root nor a spare file system):
 *
 * - Disk full: `prlimit --pid` sets RLIMIT_FSIZE on the running server to the current length of its WAL. Every
 *   commit appends frames to the WAL, and the kernel refuses any write past that offset (EFBIG; SQLite reports
 *   SQLITE_IOERR_WRITE, where a truly full disk gives ENOSPC and SQLITE_FULL: the same failed write() inside
 *   SQLite's commit). Files keep what they have and can be rewritten in place, as on a full disk. Raising the
 *   limit again is the disk getting space back. Node ignores SIGXFSZ, so the process is not killed by it.
 *   A loop-mounted or tmpfs file system of a given size would need mount rights; filling the real disk would
 *   harm everything else on the machine.
 * - Size cap reached: the server runs with DATABASE_MAX_SIZE_MB, and the test fills the file up to exactly that
 *   cap with ballast rows of its own (standing in for months of petitions). This is the path a full disk takes
 *   inside SQLite: SQLITE_FULL, on which SQLite rolls the whole transaction back by itself. Deleting the ballast
 *   frees pages inside the file, which is how an operator's clean-up makes room.
 * - Database unavailable: this test process opens the same file and holds its write lock (BEGIN IMMEDIATE, which
 *   in WAL mode is what BEGIN EXCLUSIVE is too) for longer than the server's busy_timeout, as a backup tool or an
 *   operator's sqlite3 shell would. Not chmod: tests may run as root, which ignores file permissions.
 */

const PROFILE = {
  realName: '赵淑芬',
  idNumber: '11010519491231002X',
  phone: '13700003333',
  address: '江城市东湖区湖滨路 9 号 2 幢 301 室',
  privacyVersion: '2026-11-01',
}

let api: RunningApi | undefined
const handles: Database[] = []

afterEach(async () => {
  for (const handle of handles.splice(0)) handle.close()
  await api?.stop()
  api = undefined
})

function openFile(server: RunningApi, options: { maxSizeBytes?: number; poolSize?: number } = {}): Database {
  const handle = openDatabase({ url: `file:${join(server.dataDir, 'xinfang.db')}`, ...options })
  handles.push(handle)
  return handle
}

async function call(
  server: RunningApi,
  path: string,
  init: { method?: string; body?: unknown; token?: string; key?: string } = {},
) {
  return fetch(`${server.baseUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.key ? { 'idempotency-key': init.key } : {}),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    signal: AbortSignal.timeout(30_000),
  })
}

/** A citizen with a real-name profile, and a petition body they can submit. */
async function citizen(server: RunningApi, name: string) {
  const login = await call(server, '/api/v1/auth/demo', { body: { name } })
  expect(login.status).toBe(200)
  const token = AuthResultSchema.parse(await login.json()).accessToken
  expect((await call(server, '/api/v1/me/profile', { method: 'PUT', body: PROFILE, token })).status).toBe(200)
  const categories = CategoryListSchema.parse(await (await call(server, '/api/v1/categories')).json())
  const petition = (n: number, contentLength = 60) => ({
    kind: 'complaint',
    categoryId: categories.items[n % categories.items.length]?.id,
    title: `第${n}件：小区污水外溢无人处理`,
    content: `小区东门附近污水井外溢已经两周，气味很大，多次向物业反映未果，请求有关部门处理。`
      .repeat(Math.ceil(contentLength / 40))
      .slice(0, contentLength),
  })
  return { token, petition }
}

async function expectUnavailable(response: Response) {
  expect(response.status).toBe(503)
  expect(response.headers.get('content-type')).toContain('application/problem+json')
  const retryAfter = response.headers.get('retry-after')
  expect(retryAfter).toMatch(/^[1-9]\d*$/)
  const problem = ProblemSchema.parse(await response.json())
  expect(problem.code).toBe('SERVICE_UNAVAILABLE')
  expect(problem.status).toBe(503)
}

/** The retry lands once: the first retry creates the petition, the next one replays it. */
async function expectRetryLandsOnce(server: RunningApi, token: string, key: string, body: unknown) {
  const retry = await call(server, '/api/v1/petitions', { body, token, key })
  expect(retry.status).toBe(201)
  expect(retry.headers.get('idempotent-replayed')).toBeNull()
  const created = PetitionCreatedSchema.parse(await retry.json())
  const again = await call(server, '/api/v1/petitions', { body, token, key })
  expect(again.status).toBe(201)
  expect(again.headers.get('idempotent-replayed')).toBe('true')
  expect(PetitionCreatedSchema.parse(await again.json()).id).toBe(created.id)
  return created.id
}

/** Reads answer, and `/health` says whether writes are failing (200 either way: restarting would not help). */
async function expectReadsGoOn(server: RunningApi, token: string, writes: 'ok' | 'failing') {
  const health = await call(server, '/health')
  expect(health.status).toBe(200)
  expect(HealthSchema.parse(await health.json())).toMatchObject({
    status: writes === 'ok' ? 'ok' : 'degraded',
    db: 'ok',
    writes,
  })
  const mine = await call(server, '/api/v1/petitions', { token })
  expect(mine.status).toBe(200)
  return PetitionListSchema.parse(await mine.json()).items
}

async function expectIntact(server: RunningApi) {
  const file = openFile(server)
  expect((await file.client.execute('PRAGMA integrity_check')).rows.map((row) => row[0])).toEqual(['ok'])
  expect((await file.client.execute('PRAGMA foreign_key_check')).rows).toEqual([])
}

async function rowCount(server: RunningApi, table: string) {
  return Number((await openFile(server).client.execute(`SELECT count(*) FROM ${table}`)).rows[0]?.[0])
}

/** A scanned document of `size` bytes, as the attachment check accepts it. */
function scannedPdf(size: number): Blob {
  const head = '%PDF-1.4\n%'
  const tail = '\ntrailer<</Root 1 0 R>>\n%%EOF\n'
  return new Blob([head, 'x'.repeat(size - head.length - tail.length), tail], { type: 'application/pdf' })
}

function upload(server: RunningApi, token: string, file: Blob) {
  const form = new FormData()
  form.set('file', file, 'scan.pdf')
  return fetch(`${server.baseUrl}/api/v1/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
    signal: AbortSignal.timeout(30_000),
  })
}

/** Every regular file under a directory, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
}

function setFileSizeLimit(server: RunningApi, bytes: number | 'unlimited') {
  try {
    // Soft limit only: an unprivileged process may raise it again up to the (unlimited) hard limit.
    execFileSync('prlimit', ['--pid', String(server.pid), `--fsize=${bytes}:`], { stdio: 'pipe' })
  } catch (error) {
    throw new Error('the disk-full fault needs prlimit from util-linux (apt-get install util-linux)', { cause: error })
  }
}

test('on a full disk submissions and uploads answer 503 with Retry-After, reads go on, and the retry lands once when space is back', async () => {
  // The longest busy_timeout there is: a full disk mistaken for a lock to wait out would hold the first answer for a
  // minute, past this test's own limit, instead of refusing it at once.
  api = await startApi({ env: { XINFANG_OUTBOX_INTERVAL_MS: '100', DATABASE_BUSY_TIMEOUT_MS: '60000' } })
  const server = api
  const { token, petition } = await citizen(server, 'disk-full')
  const attachmentsDir = join(server.dataDir, 'attachments')
  const attachmentsBefore = filesUnder(server.dataDir).filter((path) => path.startsWith(attachmentsDir))

  const walLength = statSync(join(server.dataDir, 'xinfang.db-wal')).size
  expect(walLength).toBeGreaterThan(0)
  setFileSizeLimit(server, walLength)

  // One submission alone, then three at once (they share one group commit, which fails as a whole).
  await expectUnavailable(await call(server, '/api/v1/petitions', { body: petition(1), token, key: 'full-1' }))
  const burst = await Promise.all(
    [2, 3, 4].map((n) => call(server, '/api/v1/petitions', { body: petition(n), token, key: `full-${n}` })),
  )
  for (const response of burst) await expectUnavailable(response)
  // An attachment larger than what the disk has left: its bytes cannot be stored either.
  await expectUnavailable(await upload(server, token, scannedPdf(walLength + 64 * 1024)))

  // The process lives on: reads are answered, and health says writes are failing.
  expect(await expectReadsGoOn(server, token, 'failing')).toEqual([])
  expect(filesUnder(server.dataDir).filter((path) => path.startsWith(attachmentsDir))).toEqual(attachmentsBefore)

  setFileSizeLimit(server, 'unlimited')
  const ids = []
  for (const n of [1, 2, 3, 4]) ids.push(await expectRetryLandsOnce(server, token, `full-${n}`, petition(n)))
  expect((await expectReadsGoOn(server, token, 'ok')).map((item) => item.id).sort()).toEqual([...ids].sort())
  const stored = await upload(server, token, scannedPdf(walLength + 64 * 1024))
  expect(stored.status).toBe(201)
  expect(AttachmentSchema.parse(await stored.json()).size).toBe(walLength + 64 * 1024)

  await expectIntact(server)
  expect(await rowCount(server, 'petitions')).toBe(4)
  expect(await rowCount(server, 'attachments')).toBe(1)
})

test('a database at its size cap answers 503 to submissions, reads go on, and once space is freed the retry lands once', async () => {
  const capBytes = 2 * 1024 * 1024
  api = await startApi({ env: { DATABASE_MAX_SIZE_MB: '2' } })
  const server = api
  const { token, petition } = await citizen(server, 'size-cap')

  // Fill the file to exactly the server's cap, through a connection with the same cap.
  const ballast = openFile(server, { maxSizeBytes: capBytes, poolSize: 1 })
  await ballast.client.execute('CREATE TABLE fault_ballast (bytes BLOB NOT NULL)')
  for (const size of [64 * 1024, 4 * 1024, 256]) {
    for (;;) {
      const inserted = await ballast.client.execute(`INSERT INTO fault_ballast VALUES (zeroblob(${size}))`).then(
        () => true,
        (error: unknown) => {
          if (error instanceof LibsqlError && error.code === 'SQLITE_FULL') return false
          throw error
        },
      )
      if (!inserted) break
    }
  }
  const pragma = async (name: string) => Number((await ballast.client.execute(`PRAGMA ${name}`)).rows[0]?.[0])
  expect((await pragma('page_count')) * (await pragma('page_size'))).toBe(capBytes)
  expect(await pragma('freelist_count')).toBe(0)

  // A long account of the matter needs pages of its own, which the capped file cannot give.
  const body = petition(1, 3_000)
  await expectUnavailable(await call(server, '/api/v1/petitions', { body, token, key: 'cap-1' }))
  await expectUnavailable(await call(server, '/api/v1/petitions', { body, token, key: 'cap-1' }))
  expect(await expectReadsGoOn(server, token, 'failing')).toEqual([])
  expect(await rowCount(server, 'petitions')).toBe(0)
  expect(await rowCount(server, 'idempotency_keys')).toBe(0)

  await ballast.client.execute('DELETE FROM fault_ballast')
  const id = await expectRetryLandsOnce(server, token, 'cap-1', body)
  expect((await expectReadsGoOn(server, token, 'ok')).map((item) => item.id)).toEqual([id])
  await expectIntact(server)
})

/** Whether a promise has settled, read at a known point rather than waited for. */
function settledState(promise: Promise<unknown>) {
  const state = { isSettled: false }
  const settle = () => {
    state.isSettled = true
  }
  promise.then(settle, settle)
  return state
}

test('while another process holds the write lock, writes wait for it and reads are answered meanwhile; past busy_timeout writes answer 503, and the retry lands once after', async () => {
  // First life, with the longest busy_timeout: writes wait for a lock held elsewhere and commit once it is released.
  api = await startApi({ env: { DATABASE_BUSY_TIMEOUT_MS: '60000', XINFANG_OUTBOX_INTERVAL_MS: '100' } })
  const patientServer = api
  const { token, petition } = await citizen(patientServer, 'locked-out')
  const holder = openFile(patientServer)
  let held = await holder.client.transaction('write')
  // Two writes here and two in the second life: a citizen may file five petitions a day.
  const patient = [1, 2].map((n) =>
    call(patientServer, '/api/v1/petitions', { body: petition(n), token, key: `lock-${n}` }),
  )
  const waiting = patient.map(settledState)
  // Reads are answered while the writes wait (SQLite's own busy handler blocked the whole event loop instead).
  expect(await expectReadsGoOn(patientServer, token, 'ok')).toEqual([])
  expect(waiting.map((state) => state.isSettled)).toEqual([false, false])
  await held.rollback()
  const ids: string[] = []
  for (const response of await Promise.all(patient)) {
    expect(response.status).toBe(201)
    ids.push(PetitionCreatedSchema.parse(await response.json()).id)
  }
  for (const handle of handles.splice(0)) handle.close()
  expect(await patientServer.terminate()).toBe(0)
  onTestFinished(() => rmSync(patientServer.dataDir, { recursive: true, force: true }))

  // Second life on the same file, with a busy_timeout of 1.5 s: a lock kept past it makes the writes give up.
  const busyTimeoutMs = 1_500
  api = await startApi({
    dataDir: patientServer.dataDir,
    env: { DATABASE_BUSY_TIMEOUT_MS: String(busyTimeoutMs), XINFANG_OUTBOX_INTERVAL_MS: '100' },
  })
  const server = api
  held = await openFile(server).client.transaction('write')
  const started = performance.now()
  const answers = await Promise.all(
    [3, 4].map(async (n) => {
      const response = await call(server, '/api/v1/petitions', { body: petition(n), token, key: `lock-${n}` })
      return { response, afterMs: performance.now() - started }
    }),
  )
  for (const { response, afterMs } of answers) {
    await expectUnavailable(response)
    // It waited for the lock before giving up (a lower bound only: a busy machine makes the wait longer, never shorter).
    expect(afterMs).toBeGreaterThanOrEqual(busyTimeoutMs - 100)
  }
  // The outbox worker meets the same lock, logs it, and goes on.
  await server.waitForLine((line) => line.includes('outbox dispatch failed'))
  expect(await expectReadsGoOn(server, token, 'failing')).toHaveLength(2)

  await held.rollback()
  for (const n of [3, 4]) ids.push(await expectRetryLandsOnce(server, token, `lock-${n}`, petition(n)))
  expect((await expectReadsGoOn(server, token, 'ok')).map((item) => item.id).sort()).toEqual([...ids].sort())
  await expectIntact(server)
})
