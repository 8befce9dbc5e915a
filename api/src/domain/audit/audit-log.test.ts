import { AuditChainReportSchema, CategoryListSchema } from '@xinfang/shared'
import { asc } from 'drizzle-orm'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { citizenWithProfile, json, staffLogin } from '../../../test/auth-helpers'
import { FIXED_NOW } from '../../../test/fixed-clock'
import { createTestContext, type TestContext } from '../../../test/test-app'
import { auditLog } from '../../db/schema'
import { sha256Hex } from '../../lib/digest'
import {
  appendAudit,
  formatAuditHead,
  markChainKeyed,
  parseAuditHead,
  signAuditHead,
  verifyAuditChain,
} from './audit-log'

let context: TestContext

beforeEach(() => {
  context = createTestContext()
})
afterEach(() => context.close())

/**
 * Five entries: two profiles, a petition, a reveal of its petitioner with a reason, one more profile. Returns the
 * reveal's seq.
 */
async function auditedHistory(): Promise<number> {
  await citizenWithProfile(context, 'history-1')
  const citizen = await citizenWithProfile(context, 'history-2')
  const categories = CategoryListSchema.parse(await (await context.app.request('/api/v1/categories')).json())
  const submitted = await context.app.request('/api/v1/petitions', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${citizen.accessToken}`,
      'idempotency-key': 'history',
    },
    body: JSON.stringify({
      kind: 'complaint',
      categoryId: categories.items[0]?.id,
      title: '公司拖欠三个月工资',
      content: '本人在江城市某建筑公司工作，2026年8月至10月的工资至今未发，请求协调解决。',
    }),
  })
  const { id } = (await submitted.json()) as { id: string }
  const intake = await staffLogin(context, 'demo-intake')
  const reveal = await json(context, `/api/v1/staff/petitions/${id}/reveal`, {
    body: { reason: '需电话联系信访人核实欠薪金额' },
    token: intake.accessToken,
  })
  expect(reveal.status).toBe(200)
  await citizenWithProfile(context, 'history-3')
  const rows = await context.database.db.select().from(auditLog).orderBy(asc(auditLog.seq))
  return rows.find((row) => row.action === 'personal_data.reveal')?.seq ?? 0
}

const verify = async (query = '') => {
  const admin = await staffLogin(context, 'demo-admin')
  const response = await json(context, `/api/v1/staff/audit/verify${query}`, { token: admin.accessToken })
  return { status: response.status, body: await response.json() }
}

/** The newest head the service published on its log. */
function latestLoggedHead(): string {
  const heads = context.logs.flatMap((line) => (typeof line.auditHead === 'string' ? [line.auditHead] : []))
  const last = heads.at(-1)
  if (!last) throw new Error('no audit head was logged')
  return last
}

/**
 * What someone who can write the file but holds no key can do: with the guards dropped, relink every entry from
 * `fromSeq` on with plain SHA-256 — the scheme anyone can compute — and mark them as written that way.
 */
async function relinkWithPlainHashes(fromSeq: number) {
  await context.database.client.executeMultiple(
    'DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;',
  )
  const rows = await context.database.db.select().from(auditLog).orderBy(asc(auditLog.seq))
  let prevHash = rows.find((row) => row.seq === fromSeq - 1)?.hash ?? '0'.repeat(64)
  for (const row of rows.filter((entry) => entry.seq >= fromSeq)) {
    const { seq, at, actorKind, actorId, action, subjectKind, subjectId, details } = row
    const hash = sha256Hex(
      JSON.stringify([seq, at, actorKind, actorId, action, subjectKind, subjectId, details, prevHash]),
    )
    await context.database.client.execute({
      sql: 'UPDATE audit_log SET prev_hash = ?, hash = ?, mac_version = 0 WHERE seq = ?',
      args: [prevHash, hash, seq],
    })
    prevHash = hash
  }
}

test('a reveal’s reason edited and the chain recomputed with plain SHA-256 is reported as rewritten at the reveal', async () => {
  const revealSeq = await auditedHistory()
  expect((await verify()).body).toMatchObject({ isIntact: true, entries: 5 })

  await context.database.client.executeMultiple('DROP TRIGGER IF EXISTS audit_log_no_update;')
  await context.database.client.execute({
    sql: 'UPDATE audit_log SET details = ? WHERE seq = ?',
    args: [JSON.stringify({ reason: '例行抽查' }), revealSeq],
  })
  await relinkWithPlainHashes(revealSeq)

  const report = AuditChainReportSchema.parse((await verify()).body)
  expect(report).toMatchObject({ isIntact: false, brokenAtSeq: revealSeq, problem: 'rewritten' })
})

test('every entry relinked with plain SHA-256, so that none claims the key, is reported', async () => {
  await auditedHistory()
  await relinkWithPlainHashes(1)
  const report = await verifyAuditChain(context.database.db, context.keyring.auditKey)
  expect(report).toMatchObject({ isIntact: false, problem: 'rewritten' })
})

test('a reveal deleted, and the entries after it renumbered and relinked, is reported', async () => {
  const revealSeq = await auditedHistory()
  await context.database.client.executeMultiple(
    'DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;',
  )
  await context.database.client.execute({ sql: 'DELETE FROM audit_log WHERE seq = ?', args: [revealSeq] })
  const plainGap = await verifyAuditChain(context.database.db, context.keyring.auditKey)
  expect(plainGap).toMatchObject({ isIntact: false, brokenAtSeq: revealSeq, problem: 'deleted' })

  await context.database.client.execute({ sql: 'UPDATE audit_log SET seq = seq - 1 WHERE seq > ?', args: [revealSeq] })
  await relinkWithPlainHashes(revealSeq)
  const report = await verifyAuditChain(context.database.db, context.keyring.auditKey)
  expect(report).toMatchObject({ isIntact: false, problem: 'rewritten' })
})

test('the tail cut off with the triggers dropped is reported as truncated given the latest published head', async () => {
  await auditedHistory()
  const head = latestLoggedHead()
  expect(parseAuditHead(context.keyring.auditKey, head)?.seq).toBe(5)
  await context.database.client.executeMultiple(
    'DROP TRIGGER IF EXISTS audit_log_no_delete; DELETE FROM audit_log WHERE seq >= 3;',
  )

  // What is left is a well-formed chain: only the head shows that it used to be longer.
  expect(await verifyAuditChain(context.database.db, context.keyring.auditKey)).toEqual({ isIntact: true, entries: 2 })
  const given = parseAuditHead(context.keyring.auditKey, head)
  expect(
    await verifyAuditChain(context.database.db, context.keyring.auditKey, { heads: given ? [given] : [] }),
  ).toEqual({ isIntact: false, entries: 2, brokenAtSeq: 3, problem: 'truncated' })
  expect((await verify(`?head=${head}`)).body).toEqual({
    isIntact: false,
    entries: 2,
    brokenAtSeq: 3,
    problem: 'truncated',
  })
})

test('a head checks the entry it names: the chain given matches it, a replaced one does not', async () => {
  await auditedHistory()
  const head = latestLoggedHead()
  expect((await verify(`?head=${head}`)).body).toEqual({ isIntact: true, entries: 5, anchoredSeq: 5 })
  const forgedSignature = formatAuditHead({ ...signAuditHead(context.keyring.auditKey, 9, 'a'.repeat(64)), seq: 10 })
  const refused = await verify(`?head=${forgedSignature}`)
  expect(refused.status).toBe(400)
  expect(refused.body.code).toBe('VALIDATION_FAILED')
  const otherKey = new Uint8Array(32).fill(7)
  const foreign = formatAuditHead(signAuditHead(otherKey, 4, 'b'.repeat(64)))
  expect((await verify(`?head=${foreign}`)).status).toBe(400)
})

test('an append that rolls back publishes no head', async () => {
  await citizenWithProfile(context, 'published')
  const before = latestLoggedHead()
  await expect(
    context.database.write(async (tx) => {
      await appendAudit(
        tx,
        { actorKind: 'system', actorId: null, action: 'test.rolled_back', subjectKind: 'test', subjectId: 'x' },
        FIXED_NOW,
      )
      throw new Error('the change it records failed')
    }),
  ).rejects.toThrow('the change it records failed')
  expect(latestLoggedHead()).toBe(before)
  expect((await verify()).body).toEqual({ isIntact: true, entries: 1, anchoredSeq: 1 })
})

test('entries linked before the chain was keyed verify once sealed by the startup entry, and cannot be rewritten', async () => {
  let prevHash = '0'.repeat(64)
  for (const seq of [1, 2]) {
    const fields = [
      seq,
      FIXED_NOW,
      'staff',
      'staff-1',
      'personal_data.reveal',
      'petition',
      `p${seq}`,
      '{"reason":"核实"}',
    ]
    const hash = sha256Hex(JSON.stringify([...fields, prevHash]))
    await context.database.client.execute({
      sql: 'INSERT INTO audit_log (seq, at, actor_kind, actor_id, action, subject_kind, subject_id, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      args: [...fields, prevHash, hash] as (string | number)[],
    })
    prevHash = hash
  }
  expect(await verifyAuditChain(context.database.db, context.keyring.auditKey)).toMatchObject({ isIntact: false })

  expect(await markChainKeyed(context.database, FIXED_NOW)).toBe(true)
  expect(await markChainKeyed(context.database, FIXED_NOW)).toBe(false)
  expect(await verifyAuditChain(context.database.db, context.keyring.auditKey)).toEqual({ isIntact: true, entries: 3 })

  await context.database.client.executeMultiple('DROP TRIGGER IF EXISTS audit_log_no_update;')
  await context.database.client.execute(`UPDATE audit_log SET details = '{"reason":"例行抽查"}' WHERE seq = 1`)
  const [first] = await context.database.db.select().from(auditLog).orderBy(asc(auditLog.seq)).limit(1)
  expect(first?.details).toContain('例行抽查')
  await relinkWithPlainHashes(1)
  const report = await verifyAuditChain(context.database.db, context.keyring.auditKey)
  expect(report).toMatchObject({ isIntact: false, problem: 'rewritten' })
})
