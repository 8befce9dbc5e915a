import {
  canStaffSee,
  DAY_MS,
  DECIDING_STATUSES,
  decideStaffAction,
  maskAddress,
  maskProfile,
  NEARLY_DUE_DAYS,
  nextDeadlineOf,
  type PlainProfile,
  REPLYING_STATUSES,
  type RevealedPersonalData,
  STAFF_ACTION_TYPES,
  type StaffAction,
  type StaffPetitionDetail,
  type StaffPetitionSummary,
  type StaffQueueQuery,
  toShanghaiIso,
} from '@xinfang/shared'
import { and, asc, desc, eq, gt, lt, lte, ne, or, type SQL, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import type { Database, Db } from '../../db/client'
import { categories, petitionEvents, petitions, units } from '../../db/schema'
import { decodeNumberIdCursor, encodeCursor } from '../../lib/cursor'
import { AppError } from '../app-error'
import { appendAudit } from '../audit/audit-log'
import { loadPlainProfile } from '../identity/citizen-profile'
import { listPetitionAttachments } from '../petitions/petition-views'
import { addressAad, contentAad } from '../petitions/submit-petition'
import { decryptField } from '../privacy/field-crypto'
import type { Keyring } from '../privacy/keyring'
import type { StaffActor } from './apply-staff-action'
import { workflowViewOf } from './apply-staff-action'
import type { DeadlinePolicy } from './deadline-policy'

type PetitionRow = typeof petitions.$inferSelect

const statusIn = (statuses: readonly string[]) =>
  sql`${petitions.status} IN (${sql.join(
    statuses.map((status) => sql`${status}`),
    sql`, `,
  )})`

/**
 * The deadline that runs now: the decision while deciding (unless forwarded outside the system), the reply while
 * a reply is awaited. As SQL for the queue's filters and the overdue sweep, and as TypeScript for the rows read.
 */
export const currentDeadline = sql<number | null>`CASE
  WHEN ${statusIn(DECIDING_STATUSES)} AND ${petitions.externalBody} IS NULL THEN ${petitions.decideBy}
  WHEN ${statusIn(REPLYING_STATUSES)} THEN ${petitions.replyBy}
END`

/**
 * Overdue: the current deadline has passed, or the sweep marked the petition overdue and it still awaits a decision
 * or reply. A transfer gives the receiving unit a fresh limit but keeps the mark (apply-staff-action.ts), so a
 * lapsed petition stays in supervision until it is actually decided.
 */
const isOverdueAt = (now: number) =>
  or(lt(currentDeadline, now), sql`(${petitions.overdueSince} IS NOT NULL AND ${currentDeadline} IS NOT NULL)`)

function clockOf(row: PetitionRow) {
  return { status: row.status, decideBy: row.decideBy, replyBy: row.replyBy, reviewRequestBy: null }
}

function currentDeadlineOf(row: PetitionRow): number | null {
  if (DECIDING_STATUSES.includes(row.status) && row.externalBody === null) return row.decideBy
  if (REPLYING_STATUSES.includes(row.status)) return row.replyBy
  return null
}

const handling = alias(units, 'handling_units')

function summaryOf(
  row: PetitionRow,
  category: { id: string; name: string },
  handlingUnit: { id: string; name: string },
  now: number,
): StaffPetitionSummary {
  const deadline = currentDeadlineOf(row)
  return {
    id: row.id,
    trackingNo: row.trackingNo,
    kind: row.kind,
    category,
    title: row.title,
    status: row.status,
    version: row.version,
    submittedAt: toShanghaiIso(row.submittedAt),
    handlingUnit,
    nextDeadline: nextDeadlineOf(clockOf(row), now),
    isOverdue: deadline !== null && (now > deadline || row.overdueSince !== null),
    possibleRepeatOfId: row.possibleRepeatOfId,
    lastSupervisedAt: row.lastSupervisedAt === null ? null : toShanghaiIso(row.lastSupervisedAt),
  }
}

/** Reports against the caller's own unit never appear in any list (Art. 30 ¶3). */
function notAccusing(actor: StaffActor): SQL {
  return or(
    ne(petitions.kind, 'report'),
    sql`${petitions.targetUnitId} IS NULL`,
    ne(petitions.targetUnitId, actor.unitId),
  ) as SQL
}

async function listWhere(
  db: Db,
  where: SQL | undefined,
  query: { cursor?: string | undefined; limit: number },
  now: number,
) {
  const after = query.cursor ? decodeNumberIdCursor(query.cursor) : undefined
  const rows = await db
    .select({
      petition: petitions,
      category: { id: categories.id, name: categories.name },
      unit: { id: handling.id, name: handling.name },
    })
    .from(petitions)
    .innerJoin(categories, eq(categories.id, petitions.categoryId))
    .innerJoin(handling, eq(handling.id, petitions.handlingUnitId))
    .where(
      and(
        where,
        after
          ? or(
              lt(petitions.submittedAt, after[0]),
              and(eq(petitions.submittedAt, after[0]), lt(petitions.id, after[1])),
            )
          : undefined,
      ),
    )
    .orderBy(desc(petitions.submittedAt), desc(petitions.id))
    .limit(query.limit + 1)
  const page = rows.slice(0, query.limit)
  const last = page.at(-1)
  return {
    items: page.map((r) => summaryOf(r.petition, r.category, r.unit, now)),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.petition.submittedAt, last.petition.id]) : null,
  }
}

/** The queue of the caller's unit, with the filters staff work by. Personal data is not in it at all. */
export function listUnitQueue(db: Db, actor: StaffActor, query: StaffQueueQuery, now: number) {
  return listWhere(
    db,
    and(
      eq(petitions.handlingUnitId, actor.unitId),
      notAccusing(actor),
      query.status ? eq(petitions.status, query.status) : undefined,
      query.categoryId ? eq(petitions.categoryId, query.categoryId) : undefined,
      query.kind ? eq(petitions.kind, query.kind) : undefined,
      query.overdue === true ? isOverdueAt(now) : undefined,
      query.overdue === false ? sql`NOT coalesce(${isOverdueAt(now)}, 0)` : undefined,
      query.dueWithinDays !== undefined
        ? and(gt(currentDeadline, now), lte(currentDeadline, now + query.dueWithinDays * DAY_MS))
        : undefined,
    ),
    query,
    now,
  )
}

/** 督办: every overdue or nearly due petition across units, for supervisors and leaders. */
export function listForSupervision(db: Db, actor: StaffActor, query: { cursor?: string; limit: number }, now: number) {
  return listWhere(
    db,
    and(notAccusing(actor), or(lte(currentDeadline, now + NEARLY_DUE_DAYS * DAY_MS), isOverdueAt(now))),
    query,
    now,
  )
}

async function loadVisible(db: Db, actor: StaffActor, petitionId: string) {
  const targetUnits = alias(units, 'target_units')
  const [row] = await db
    .select({
      petition: petitions,
      category: { id: categories.id, name: categories.name },
      unit: { id: handling.id, name: handling.name },
      target: { id: targetUnits.id, name: targetUnits.name },
    })
    .from(petitions)
    .innerJoin(categories, eq(categories.id, petitions.categoryId))
    .innerJoin(handling, eq(handling.id, petitions.handlingUnitId))
    .leftJoin(targetUnits, eq(targetUnits.id, petitions.targetUnitId))
    .where(eq(petitions.id, petitionId))
    .limit(1)
  if (!row || !canStaffSee(actor, workflowViewOf(row.petition))) throw new AppError('NOT_FOUND')
  return row
}

/**
 * Who a report came from is known only to the discipline body that received it: once a report is forwarded
 * to any other unit, the petitioner is withheld there, masked or not.
 */
async function mayKnowPetitioner(db: Db, actor: StaffActor, row: PetitionRow): Promise<boolean> {
  if (row.kind !== 'report') return true
  const [unit] = await db.select({ kind: units.kind }).from(units).where(eq(units.id, actor.unitId)).limit(1)
  return unit?.kind === 'discipline'
}

export async function getStaffPetition(
  deps: { database: Database; keyring: Keyring; deadlines: DeadlinePolicy },
  actor: StaffActor,
  petitionId: string,
  now: number,
): Promise<StaffPetitionDetail> {
  const db = deps.database.db
  const row = await loadVisible(db, actor, petitionId)
  const { petition } = row
  const profile = (await mayKnowPetitioner(db, actor, petition))
    ? await loadPlainProfile(db, deps.keyring, petition.citizenId)
    : null
  const events = await db
    .select()
    .from(petitionEvents)
    .where(eq(petitionEvents.petitionId, petition.id))
    .orderBy(asc(petitionEvents.at), asc(petitionEvents.id))
  const files = await listPetitionAttachments(db, petition.id)
  const address = petition.addressEnc
    ? await decryptField(deps.keyring, petition.addressEnc, addressAad(petition.id))
    : null
  const profileRules = deps.deadlines.profileOf(petition.deadlineProfile)
  const view = workflowViewOf(petition)
  return {
    ...summaryOf(petition, row.category, row.unit, now),
    content: await decryptField(deps.keyring, petition.contentEnc, contentAad(petition.id)),
    address: address === null ? null : maskAddress(address),
    petitioner: profile ? maskProfile(profile) : null,
    targetUnit: row.target?.id ? { id: row.target.id, name: row.target.name } : null,
    attachments: files,
    events: events.map((event) => ({
      at: toShanghaiIso(event.at),
      type: event.type,
      publicMessage: event.publicMessage,
      internalNote: event.internalNote,
      actorKind: event.actorKind,
    })),
    deadlines: {
      ...(petition.status === 'submitted' || petition.status === 'transferred'
        ? { decideBy: toShanghaiIso(petition.decideBy) }
        : {}),
      ...(petition.replyBy !== null && petition.repliedAt === null ? { replyBy: toShanghaiIso(petition.replyBy) } : {}),
    },
    extendedDays: petition.extendedDays,
    externalBody: petition.externalBody,
    availableActions: STAFF_ACTION_TYPES.filter(
      (type) => decideStaffAction(view, actor, sampleOf(type, petition.version), profileRules).ok,
    ),
  }
}

/** The cheapest valid action of a type, to ask the state machine whether that type is possible at all. */
function sampleOf(type: (typeof STAFF_ACTION_TYPES)[number], version: number): StaffAction {
  switch (type) {
    case 'not_accept':
      return { type, version, reason: '-----', route: 'other_legal_procedure' }
    case 'transfer':
      return { type, version, externalBody: '--' }
    case 'assign':
      return { type, version, unitId: '-' }
    case 'reply':
    case 'review_reply':
    case 'recheck_reply':
      return { type, version, outcome: 'explained', text: '-' }
    case 'extend':
      return { type, version, days: 1, reason: '-----' }
    case 'note':
    case 'supervise':
      return { type, version, text: '-----' }
    default:
      return { type, version }
  }
}

/**
 * Unmasked personal data for a stated reason. The audit entry is written in the same transaction as the
 * read is granted, so no reveal ever happens without its record.
 */
export async function revealPersonalData(
  deps: { database: Database; keyring: Keyring },
  actor: StaffActor,
  petitionId: string,
  reason: string,
  now: number,
): Promise<RevealedPersonalData> {
  const db = deps.database.db
  const { petition } = await loadVisible(db, actor, petitionId)
  if (!(await mayKnowPetitioner(db, actor, petition))) {
    throw new AppError('FORBIDDEN', { detail: '检举控告人的身份信息仅限纪检监察机关查看' })
  }
  const profile: PlainProfile | null = await loadPlainProfile(db, deps.keyring, petition.citizenId)
  if (!profile) throw new AppError('NOT_FOUND', { detail: '信访人尚未登记实名信息' })
  await deps.database.write((tx) =>
    appendAudit(
      tx,
      {
        actorKind: 'staff',
        actorId: actor.id,
        action: 'personal_data.reveal',
        subjectKind: 'petition',
        subjectId: petitionId,
        details: { reason, fields: ['realName', 'idNumber', 'phone', 'address', 'petitionAddress'] },
      },
      now,
    ),
  )
  return {
    ...profile,
    petitionAddress: petition.addressEnc
      ? await decryptField(deps.keyring, petition.addressEnc, addressAad(petition.id))
      : null,
  }
}
