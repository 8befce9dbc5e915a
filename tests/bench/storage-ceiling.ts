import { join } from 'node:path'
import { type Database, openDatabase } from '@xinfang/api/db/client'
import { runMigrations } from '@xinfang/api/db/migrate'
import {
  auditLog,
  categories,
  citizens,
  counters,
  idempotencyKeys,
  messages,
  notificationOutbox,
  petitionEvents,
  petitions,
  units,
} from '@xinfang/api/db/schema'
import { addressAad, contentAad } from '@xinfang/api/domain/petitions/submit-petition'
import { encryptField } from '@xinfang/api/domain/privacy/field-crypto'
import { createKeyringFile, keyringFromFile } from '@xinfang/api/domain/privacy/keyring'
import { newId } from '@xinfang/api/lib/ids'
import { chineseDateOf, DAY_MS, shanghaiDateOf, toShanghaiIso } from '@xinfang/shared'
import { LatencyHistogram, type LatencySummary } from './load'
import { insertShape, integerOf, queryRows, tableNameOf, textOf } from './sql'

/*
 * The storage ceiling: exactly the rows one petition submission writes (submit-petition.ts, notify-citizen.ts,
 * audit-log.ts, idempotency.ts) — the tracking-number counter, the petition, its first timeline event, the in-app
 * message, its outbox row, the audit entry and the idempotency key — one `BEGIN IMMEDIATE … COMMIT` per
 * submission, one writer, through `@libsql/client` on its own migrated file with the API's own per-connection
 * pragmas (`openDatabase`: WAL, synchronous=FULL, busy_timeout, foreign_keys). No HTTP, no validation, no reads
 * beyond the counter's RETURNING, no encryption or hashing inside the loop (ciphertexts and hashes are made
 * beforehand, with the sizes the API produces): what the disk and SQLite allow, and nothing else.
 */

export interface StorageCeilingResult {
  submissions: number
  elapsedMs: number
  perSecond: number
  latencyMs: LatencySummary
  statementsPerSubmission: number
  /** Read back inside a transaction, i.e. on the connection that wrote: the settings actually in force. */
  pragmas: { journalMode: string; synchronous: number; foreignKeys: number }
}

export interface StorageCeiling {
  /** Submits in a loop for `durationMs` or `maxSubmissions`, latencies into `histogram` when given. */
  measure(durationMs: number, maxSubmissions: number, histogram?: LatencyHistogram): Promise<StorageCeilingResult>
  close(): void
}

const PETITION = insertShape<typeof petitions.$inferInsert>(petitions, [
  'id',
  'trackingNo',
  'queryCodeHash',
  'citizenId',
  'kind',
  'categoryId',
  'title',
  'contentEnc',
  'addressEnc',
  'targetUnitId',
  'handlingUnitId',
  'status',
  'version',
  'submittedAt',
  'decideBy',
  'possibleRepeatOfId',
  'repeatKind',
  'deadlineProfile',
  'extendedDays',
  'updatedAt',
])
const EVENT = insertShape<typeof petitionEvents.$inferInsert>(petitionEvents, [
  'id',
  'petitionId',
  'at',
  'type',
  'publicMessage',
  'internalNote',
  'actorKind',
  'actorId',
])
const MESSAGE = insertShape<typeof messages.$inferInsert>(messages, [
  'id',
  'citizenId',
  'at',
  'subjectKind',
  'subjectId',
  'title',
  'body',
])
const OUTBOX = insertShape<typeof notificationOutbox.$inferInsert>(notificationOutbox, [
  'id',
  'messageId',
  'citizenId',
  'template',
  'payload',
  'status',
  'attempts',
  'nextAttemptAt',
  'createdAt',
])
const AUDIT = insertShape<typeof auditLog.$inferInsert>(auditLog, [
  'seq',
  'at',
  'actorKind',
  'actorId',
  'action',
  'subjectKind',
  'subjectId',
  'details',
  'prevHash',
  'hash',
])
const IDEMPOTENCY = insertShape<typeof idempotencyKeys.$inferInsert>(idempotencyKeys, [
  'scope',
  'key',
  'operation',
  'requestHash',
  'responseStatus',
  'responseBody',
  'createdAt',
])
const UNIT = insertShape<typeof units.$inferInsert>(units, [
  'id',
  'code',
  'name',
  'shortName',
  'kind',
  'sortOrder',
  'createdAt',
])
const CATEGORY = insertShape<typeof categories.$inferInsert>(categories, [
  'id',
  'code',
  'name',
  'description',
  'defaultUnitId',
  'sortOrder',
  'createdAt',
])
const CITIZEN = insertShape<typeof citizens.$inferInsert>(citizens, ['id', 'openid', 'isDemo', 'createdAt'])

/** nextTrackingNo in submit-petition.ts: one upsert that advances and returns the yearly sequence. */
const COUNTER_SQL = `INSERT INTO "${tableNameOf(counters)}" ("${counters.name.name}", "${counters.value.name}") VALUES (?, 1)
  ON CONFLICT ("${counters.name.name}") DO UPDATE SET "${counters.value.name}" = "${counters.value.name}" + 1
  RETURNING "${counters.value.name}" AS value`

const CONTENT =
  '我是东湖区湖滨街道居民，小区东门附近的污水井从上个月开始反复外溢，污水漫到人行道上，气味很大，老人和孩子出行很不方便。' +
  '我们多次向物业和社区反映，物业说管网属于市政，社区说需要上级协调，至今没有人来处理。请求有关部门尽快查明原因、疏通管网，并告知处理结果。'

function randomHex(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex')
}

export async function openStorageCeiling(dir: string): Promise<StorageCeiling> {
  const database: Database = openDatabase({ url: `file:${join(dir, 'storage-ceiling.db')}` })
  await runMigrations(database)
  const { client } = database
  const keyring = keyringFromFile(createKeyringFile(), 'demo-file')
  const now = Date.now()
  const unitId = newId(now)
  const categoryId = newId(now)
  const citizenId = newId(now)
  await client.batch(
    [
      {
        sql: UNIT.valuesSql,
        args: UNIT.argsOf({
          id: unitId,
          code: 'ceiling',
          name: '江城市信访局',
          shortName: '市信访局',
          kind: 'petition_bureau',
          sortOrder: 0,
          createdAt: now,
        }),
      },
      {
        sql: CATEGORY.valuesSql,
        args: CATEGORY.argsOf({
          id: categoryId,
          code: 'ceiling',
          name: '其他',
          description: '基准测试',
          defaultUnitId: unitId,
          sortOrder: 0,
          createdAt: now,
        }),
      },
      {
        sql: CITIZEN.valuesSql,
        args: CITIZEN.argsOf({ id: citizenId, openid: 'demo:storage-ceiling', isDemo: true, createdAt: now }),
      },
    ],
    'write',
  )
  // Real envelopes of the sizes the API writes; made once, since encryption is CPU, not storage.
  const probeId = newId(now)
  const contentEnc = await encryptField(keyring, CONTENT, contentAad(probeId))
  const addressEnc = await encryptField(keyring, '江城市东湖区湖滨路 6 号 3 幢 201 室', addressAad(probeId))
  let auditSeq = 0
  let prevHash = '0'.repeat(64)

  async function submitOnce(at: number): Promise<void> {
    const tx = await client.transaction('write')
    try {
      const year = shanghaiDateOf(at).slice(0, 4)
      const [counter] = (await tx.execute({ sql: COUNTER_SQL, args: [`tracking:${year}`] })).rows
      const trackingNo = `XF-${year}-${String(integerOf(counter, 'value')).padStart(6, '0')}`
      const petitionId = newId(at)
      const decideBy = at + 15 * DAY_MS
      const message = `您的投诉请求已提交，受理编号 ${trackingNo}。信访部门将在 ${chineseDateOf(decideBy)} 前告知是否受理（《信访工作条例》第二十二条）。`
      await tx.execute({
        sql: PETITION.valuesSql,
        args: PETITION.argsOf({
          id: petitionId,
          trackingNo,
          queryCodeHash: randomHex(32),
          citizenId,
          kind: 'complaint',
          categoryId,
          title: '小区污水井反复外溢无人处理',
          contentEnc,
          addressEnc,
          targetUnitId: null,
          handlingUnitId: unitId,
          status: 'submitted',
          version: 1,
          submittedAt: at,
          decideBy,
          possibleRepeatOfId: null,
          repeatKind: null,
          deadlineProfile: 'national',
          extendedDays: 0,
          updatedAt: at,
        }),
      })
      await tx.execute({
        sql: EVENT.valuesSql,
        args: EVENT.argsOf({
          id: newId(at),
          petitionId,
          at,
          type: 'submitted',
          publicMessage: message,
          internalNote: null,
          actorKind: 'citizen',
          actorId: citizenId,
        }),
      })
      const messageId = newId(at)
      await tx.execute({
        sql: MESSAGE.valuesSql,
        args: MESSAGE.argsOf({
          id: messageId,
          citizenId,
          at,
          subjectKind: 'petition',
          subjectId: petitionId,
          title: '信访事项已提交',
          body: message,
        }),
      })
      await tx.execute({
        sql: OUTBOX.valuesSql,
        args: OUTBOX.argsOf({
          id: newId(at),
          messageId,
          citizenId,
          template: 'petition_progress',
          payload: JSON.stringify({ trackingNo, status: '已提交', date: chineseDateOf(decideBy) }),
          status: 'pending',
          attempts: 0,
          nextAttemptAt: at,
          createdAt: at,
        }),
      })
      const hash = randomHex(32)
      auditSeq++
      await tx.execute({
        sql: AUDIT.valuesSql,
        args: AUDIT.argsOf({
          seq: auditSeq,
          at,
          actorKind: 'citizen',
          actorId: citizenId,
          action: 'petition.submit',
          subjectKind: 'petition',
          subjectId: petitionId,
          details: JSON.stringify({ kind: 'complaint', attachments: 0, possibleRepeat: false }),
          prevHash,
          hash,
        }),
      })
      prevHash = hash
      await tx.execute({
        sql: IDEMPOTENCY.valuesSql,
        args: IDEMPOTENCY.argsOf({
          scope: `citizen:${citizenId}`,
          key: crypto.randomUUID(),
          operation: 'POST /petitions',
          requestHash: randomHex(32),
          responseStatus: 201,
          responseBody: JSON.stringify({
            id: petitionId,
            trackingNo,
            queryCode: 'ABCDEFGH',
            status: 'submitted',
            submittedAt: toShanghaiIso(at),
            deadlines: { decideBy: toShanghaiIso(decideBy) },
          }),
          createdAt: at,
        }),
      })
      await tx.commit()
    } finally {
      tx.close()
    }
  }

  async function readPragmas(): Promise<StorageCeilingResult['pragmas']> {
    const tx = await client.transaction('read')
    try {
      const journal = (await tx.execute('PRAGMA journal_mode')).rows[0]
      const synchronous = (await tx.execute('PRAGMA synchronous')).rows[0]
      const foreignKeys = (await tx.execute('PRAGMA foreign_keys')).rows[0]
      return {
        journalMode: textOf(journal, 'journal_mode'),
        synchronous: integerOf(synchronous, 'synchronous'),
        foreignKeys: integerOf(foreignKeys, 'foreign_keys'),
      }
    } finally {
      tx.close()
    }
  }

  // Continue the audit chain of an earlier measurement on the same file.
  const [lastAudit] = await queryRows(
    client,
    `SELECT max("${auditLog.seq.name}") AS seq FROM "${tableNameOf(auditLog)}"`,
  )
  auditSeq = lastAudit?.seq === null ? 0 : integerOf(lastAudit, 'seq')

  return {
    async measure(durationMs, maxSubmissions, histogram = new LatencyHistogram()) {
      const started = performance.now()
      const deadline = started + durationMs
      let submissions = 0
      while (submissions < maxSubmissions && performance.now() < deadline) {
        const before = performance.now()
        await submitOnce(Date.now())
        histogram.record(performance.now() - before)
        submissions++
      }
      const elapsedMs = performance.now() - started
      return {
        submissions,
        elapsedMs,
        perSecond: (submissions / elapsedMs) * 1000,
        latencyMs: histogram.summary(),
        statementsPerSubmission: 7,
        pragmas: await readPragmas(),
      }
    },
    close: () => database.close(),
  }
}
