import type { AuditChainReport } from '@xinfang/shared'
import { asc, desc, gt } from 'drizzle-orm'
import type { Db, WriteTx } from '../../db/client'
import { insertRow, prebuiltSelect } from '../../db/prebuilt'
import { auditLog } from '../../db/schema'
import { sha256Hex } from '../../lib/digest'

export const GENESIS_HASH = '0'.repeat(64)

export interface AuditEntryInput {
  actorKind: 'citizen' | 'staff' | 'system'
  actorId: string | null
  /** Dotted verb, e.g. `personal_data.reveal`, `petition.accept`. */
  action: string
  subjectKind: string
  subjectId: string
  /** Reasons and changed field names; never personal data itself. */
  details?: Record<string, unknown>
}

type StoredEntry = typeof auditLog.$inferSelect

/** The hash of an entry covers every field and the previous hash, in a fixed order. */
function hashOf(entry: Omit<StoredEntry, 'hash'>): string {
  return sha256Hex(
    JSON.stringify([
      entry.seq,
      entry.at,
      entry.actorKind,
      entry.actorId,
      entry.action,
      entry.subjectKind,
      entry.subjectId,
      entry.details,
      entry.prevHash,
    ]),
  )
}

const selectChainTail = prebuiltSelect([], (tx) =>
  tx.select({ seq: auditLog.seq, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1),
)

/**
 * Appends an entry inside the caller's write transaction, so the record and the change it describes commit
 * together or not at all. Writes are serialized (db/client.ts), so reading the tail and appending cannot race.
 */
export async function appendAudit(tx: WriteTx, entry: AuditEntryInput, now: number): Promise<void> {
  const [last] = await selectChainTail(tx, {})
  const row = {
    seq: (last?.seq ?? 0) + 1,
    at: now,
    actorKind: entry.actorKind,
    actorId: entry.actorId,
    action: entry.action,
    subjectKind: entry.subjectKind,
    subjectId: entry.subjectId,
    details: JSON.stringify(entry.details ?? {}),
    prevHash: last?.hash ?? GENESIS_HASH,
  }
  await insertRow(tx, auditLog, { ...row, hash: hashOf(row) })
}

/** Walks the whole chain in pages and reports the first entry whose hash or link does not hold. */
export async function verifyAuditChain(db: Db, pageSize = 1000): Promise<AuditChainReport> {
  let prevHash = GENESIS_HASH
  let expectedSeq = 1
  let entries = 0
  for (;;) {
    const page = await db
      .select()
      .from(auditLog)
      .where(gt(auditLog.seq, expectedSeq - 1))
      .orderBy(asc(auditLog.seq))
      .limit(pageSize)
    for (const entry of page) {
      const { hash, ...rest } = entry
      if (entry.seq !== expectedSeq || entry.prevHash !== prevHash || hashOf(rest) !== hash) {
        return { isIntact: false, entries, brokenAtSeq: expectedSeq }
      }
      prevHash = hash
      expectedSeq++
      entries++
    }
    if (page.length < pageSize) return { isIntact: true, entries }
  }
}
