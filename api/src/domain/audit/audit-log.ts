import { timingSafeEqual } from 'node:crypto'
import type { AuditChainReport } from '@xinfang/shared'
import { asc, desc, gt } from 'drizzle-orm'
import type { Database, Db, WriteTx } from '../../db/client'
import { insertRow, prebuiltSelect } from '../../db/prebuilt'
import { auditLog } from '../../db/schema'
import { hmacSha256, sha256Hex } from '../../lib/digest'
import type { Logger } from '../../lib/log'
import { AppError } from '../app-error'
import type { KeyBytes } from '../privacy/keyring'

/*
 * The audit log (审计日志) is a chain: every entry carries the MAC of the one before it. The MAC is an HMAC under
 * the audit key, which the database never holds, so someone who can write the database file cannot edit an entry
 * and recompute the chain. What the key cannot show — the last entries cut off, or the file swapped for an older
 * copy — the published heads do: every committed append writes the chain's head (sequence number and MAC, signed)
 * to the JSON log, outside the database, and verification given a head reports a chain shorter than it or
 * different at it. docs/decisions/014-audit-chain-anchoring.md.
 */

export const GENESIS_HASH = '0'.repeat(64)

/** How an entry is linked: plain SHA-256 before the chain was keyed (kept as written), HMAC under the key since. */
export const LINK_VERSION = { legacy: 0, keyed: 1 } as const

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
type LinkedFields = Omit<StoredEntry, 'hash' | 'macVersion'>

/** The fields of an entry in a fixed order, the previous link last. */
function fieldsOf(entry: LinkedFields): unknown[] {
  return [
    entry.seq,
    entry.at,
    entry.actorKind,
    entry.actorId,
    entry.action,
    entry.subjectKind,
    entry.subjectId,
    entry.details,
    entry.prevHash,
  ]
}

/** The link of an entry written before the chain was keyed: anyone could recompute it. */
function legacyHashOf(entry: LinkedFields): string {
  return sha256Hex(JSON.stringify(fieldsOf(entry)))
}

/** The link of a keyed entry: HMAC-SHA-256 under the audit key, over the same fields and the version. */
function macOf(key: KeyBytes, entry: LinkedFields): string {
  return Buffer.from(hmacSha256(key, JSON.stringify(['xinfang-audit:v1', ...fieldsOf(entry)]))).toString('hex')
}

// ---------------------------------------------------------------------------------------------------------------
// Heads: the chain's latest link, signed, published outside the database
// ---------------------------------------------------------------------------------------------------------------

/** The chain as it stood after entry `seq`: that entry's MAC, and a signature over both under the audit key. */
export interface AuditHead {
  seq: number
  mac: string
  signature: string
}

const HEAD_PATTERN = /^([1-9][0-9]{0,15})\.([0-9a-f]{64})\.([A-Za-z0-9_-]{43})$/

function headSignature(key: KeyBytes, seq: number, mac: string): string {
  return Buffer.from(hmacSha256(key, `xinfang-audit-head:v1\u0000${seq}\u0000${mac}`)).toString('base64url')
}

export function signAuditHead(key: KeyBytes, seq: number, mac: string): AuditHead {
  return { seq, mac, signature: headSignature(key, seq, mac) }
}

/** `<seq>.<mac>.<signature>`: one token, as the log carries it and the verify endpoint takes it. */
export function formatAuditHead(head: AuditHead): string {
  return `${head.seq}.${head.mac}.${head.signature}`
}

/**
 * A head token back, if it is well formed and signed under this key; null otherwise. A head not signed here could
 * only make verification report a truncation that did not happen, so it is refused rather than believed.
 */
export function parseAuditHead(key: KeyBytes, token: string): AuditHead | null {
  const match = HEAD_PATTERN.exec(token.trim())
  if (!match) return null
  const [, seqText = '', mac = '', signature = ''] = match
  const seq = Number(seqText)
  const expected = Buffer.from(headSignature(key, seq, mac))
  const given = Buffer.from(signature)
  if (!Number.isSafeInteger(seq) || expected.length !== given.length || !timingSafeEqual(expected, given)) return null
  return { seq, mac, signature }
}

/** The head as a request gave it; a malformed or foreign head is the caller's mistake (400). */
export function requireAuditHead(key: KeyBytes, token: string, path: string): AuditHead {
  const head = parseAuditHead(key, token)
  if (!head) {
    throw new AppError('VALIDATION_FAILED', {
      errors: [{ path, message: '不是本系统签发的审计链头（格式为 序号.MAC.签名，取自日志中的 auditHead）' }],
    })
  }
  return head
}

// ---------------------------------------------------------------------------------------------------------------
// The chain bound to a database
// ---------------------------------------------------------------------------------------------------------------

/** The audit key and where heads go: the sink outside the database. */
export interface AuditChain {
  readonly key: KeyBytes
  /** The newest head this process has published, if any: verification checks against it too. */
  latestHead(): AuditHead | undefined
  publish(seq: number, mac: string): void
}

export function createAuditChain(key: KeyBytes, publish: (head: AuditHead) => void): AuditChain {
  let latest: AuditHead | undefined
  return {
    key,
    latestHead: () => latest,
    publish(seq, mac) {
      const head = signAuditHead(key, seq, mac)
      if (latest === undefined || head.seq > latest.seq) latest = head
      publish(head)
    },
  }
}

/** Heads on the JSON log (stdout), at every level but silent: they are the record the chain is checked against. */
export function auditChainLoggingTo(key: KeyBytes, logger: Logger): AuditChain {
  return createAuditChain(key, (head) =>
    logger.record('audit head', { auditSeq: head.seq, auditHead: formatAuditHead(head) }),
  )
}

/** The appends of one write, while it runs: its transaction's handle → its chain and the links it added. */
const openWrites = new WeakMap<WriteTx, { chain: AuditChain; appended: { seq: number; mac: string }[] }>()
const chains = new WeakMap<Database, AuditChain>()

/**
 * The database with its audit chain: `appendAudit` inside any of its writes links entries under the chain's key,
 * and once the write has committed — never before, so a rolled-back append publishes nothing — its last link is
 * published as the new head.
 */
export function withAuditChain(database: Database, chain: AuditChain): Database {
  const audited: Database = {
    ...database,
    write: async (work) => {
      const appended: { seq: number; mac: string }[] = []
      const value = await database.write(async (tx) => {
        openWrites.set(tx, { chain, appended })
        try {
          return await work(tx)
        } finally {
          openWrites.delete(tx)
        }
      })
      const last = appended.at(-1)
      if (last) chain.publish(last.seq, last.mac)
      return value
    },
  }
  chains.set(audited, chain)
  return audited
}

/** The chain a database was opened with (withAuditChain). */
export function auditChainOf(database: Database): AuditChain {
  const chain = chains.get(database)
  if (!chain) throw new Error('this database has no audit chain: wrap it with withAuditChain')
  return chain
}

const selectChainTail = prebuiltSelect([], (tx) =>
  tx
    .select({ seq: auditLog.seq, hash: auditLog.hash, macVersion: auditLog.macVersion })
    .from(auditLog)
    .orderBy(desc(auditLog.seq))
    .limit(1),
)

/**
 * Appends an entry inside the caller's write transaction, so the record and the change it describes commit
 * together or not at all. Writes are serialized (db/client.ts), so reading the tail and appending cannot race.
 */
export async function appendAudit(tx: WriteTx, entry: AuditEntryInput, now: number): Promise<void> {
  const open = openWrites.get(tx)
  if (!open) throw new Error('audit entries are appended only inside a write of a database with an audit chain')
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
  const mac = macOf(open.chain.key, row)
  await insertRow(tx, auditLog, { ...row, macVersion: LINK_VERSION.keyed, hash: mac })
  open.appended.push({ seq: row.seq, mac })
}

/**
 * A chain whose last entry was linked before the chain was keyed gets a keyed entry recording that, at startup:
 * from then on an intact chain always ends in a keyed entry, so relabelling entries as legacy to recompute their
 * plain hashes is itself detected. Returns whether it appended.
 */
export async function markChainKeyed(database: Database, now: number): Promise<boolean> {
  return database.write(async (tx) => {
    const [last] = await selectChainTail(tx, {})
    if (!last || last.macVersion !== LINK_VERSION.legacy) return false
    await appendAudit(
      tx,
      {
        actorKind: 'system',
        actorId: null,
        action: 'audit.chain_keyed',
        subjectKind: 'audit_log',
        subjectId: 'chain',
        details: { legacyEntries: last.seq, legacyHead: last.hash },
      },
      now,
    )
    return true
  })
}

// ---------------------------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------------------------

function broken(
  entries: number,
  brokenAtSeq: number,
  problem: 'rewritten' | 'deleted' | 'truncated',
): AuditChainReport {
  return { isIntact: false, entries, brokenAtSeq, problem }
}

/**
 * Walks the whole chain in pages and reports the first entry that does not hold: a link that does not verify or
 * does not follow from the entry before (`rewritten`), a sequence number skipped (`deleted`), or — given heads
 * published earlier — a chain shorter than a head (`truncated`) or different at it (`rewritten`). Legacy links are
 * accepted only before the first keyed one, and an intact chain ends in a keyed entry.
 */
export async function verifyAuditChain(
  db: Db,
  key: KeyBytes,
  options: { heads?: readonly AuditHead[]; pageSize?: number } = {},
): Promise<AuditChainReport> {
  const pageSize = options.pageSize ?? 1000
  const heads = new Map<number, string>()
  for (const head of options.heads ?? []) heads.set(head.seq, head.mac)
  const anchoredSeq = Math.max(0, ...heads.keys())
  let prevHash = GENESIS_HASH
  let expectedSeq = 1
  let entries = 0
  let lastVersion: number | undefined
  for (;;) {
    const page = await db
      .select()
      .from(auditLog)
      .where(gt(auditLog.seq, expectedSeq - 1))
      .orderBy(asc(auditLog.seq))
      .limit(pageSize)
    for (const entry of page) {
      if (entry.seq !== expectedSeq) return broken(entries, expectedSeq, 'deleted')
      const { hash, macVersion, ...fields } = entry
      const isLinkValid =
        macVersion === LINK_VERSION.keyed
          ? macOf(key, fields) === hash
          : macVersion === LINK_VERSION.legacy && lastVersion !== LINK_VERSION.keyed && legacyHashOf(fields) === hash
      const published = heads.get(entry.seq)
      if (entry.prevHash !== prevHash || !isLinkValid || (published !== undefined && published !== hash)) {
        return broken(entries, entry.seq, 'rewritten')
      }
      prevHash = hash
      lastVersion = macVersion
      expectedSeq++
      entries++
    }
    if (page.length < pageSize) break
  }
  if (lastVersion === LINK_VERSION.legacy) return broken(entries - 1, entries, 'rewritten')
  if (anchoredSeq > entries) return broken(entries, entries + 1, 'truncated')
  return anchoredSeq > 0 ? { isIntact: true, entries, anchoredSeq } : { isIntact: true, entries }
}
