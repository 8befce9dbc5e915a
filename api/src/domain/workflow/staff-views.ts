import {
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
import { and, asc, eq, gt, lt, lte, or, type SQL, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import type { Database, Db } from '../../db/client'
import { categories, petitionEvents, petitions, units } from '../../db/schema'
import { keysetPage } from '../../lib/cursor'
import { AppError } from '../app-error'
import { appendAudit } from '../audit/audit-log'
import { loadPlainProfile } from '../identity/citizen-profile'
import { listPetitionAttachments } from '../petitions/petition-views'
import { mayKnowPetitioner, petitionVisibleTo, visibleLinkTarget } from '../petitions/petition-visibility'
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

/**
 * A row as the query read it: the petition with its category and handling unit, and the id of the petition it may
 * repeat only when the reader may see that one (`visibleLinkTarget`), else null.
 */
interface ReadRow {
  petition: PetitionRow
  category: { id: string; name: string }
  unit: { id: string; name: string }
  repeatOfId: string | null
}

function summaryOf(
  { petition: row, category, unit: handlingUnit, repeatOfId }: ReadRow,
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
    possibleRepeatOfId: repeatOfId,
    lastSupervisedAt: row.lastSupervisedAt === null ? null : toShanghaiIso(row.lastSupervisedAt),
  }
}

/**
 * Every read of petitions for staff goes through here: only petitions the actor may see (petition-visibility.ts),
 * each with its repeat link only when the actor may see the petition it points at.
 */
function selectVisible(db: Db, actor: StaffActor) {
  const repeat = visibleLinkTarget(actor, petitions.possibleRepeatOfId, 'repeat_of')
  return {
    query: db
      .select({
        petition: petitions,
        category: { id: categories.id, name: categories.name },
        unit: { id: handling.id, name: handling.name },
        repeatOfId: repeat.target.id,
      })
      .from(petitions)
      .innerJoin(categories, eq(categories.id, petitions.categoryId))
      .innerJoin(handling, eq(handling.id, petitions.handlingUnitId))
      .leftJoin(repeat.target, repeat.on),
    visible: petitionVisibleTo(actor),
  }
}

async function listWhere(
  db: Db,
  actor: StaffActor,
  where: SQL | undefined,
  query: { cursor?: string | undefined; limit: number },
  now: number,
) {
  const keyset = keysetPage({ by: petitions.submittedAt, id: petitions.id, direction: 'desc' }, query)
  const { query: select, visible } = selectVisible(db, actor)
  const rows = await select
    .where(and(visible, where, keyset.after))
    .orderBy(...keyset.orderBy)
    .limit(keyset.limit)
  const { rows: page, nextCursor } = keyset.pageOf(rows, (row) => [row.petition.submittedAt, row.petition.id])
  return {
    items: page.map((row) => summaryOf(row, now)),
    nextCursor,
  }
}

/** The queue of the caller's unit, with the filters staff work by. Personal data is not in it at all. */
export function listUnitQueue(db: Db, actor: StaffActor, query: StaffQueueQuery, now: number) {
  return listWhere(
    db,
    actor,
    and(
      eq(petitions.handlingUnitId, actor.unitId),
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
  return listWhere(db, actor, or(lte(currentDeadline, now + NEARLY_DUE_DAYS * DAY_MS), isOverdueAt(now)), query, now)
}

/** One petition the actor may see; any other does not exist for them (no existence oracle). */
async function loadVisible(db: Db, actor: StaffActor, petitionId: string) {
  const { query, visible } = selectVisible(db, actor)
  const [row] = await query.where(and(eq(petitions.id, petitionId), visible)).limit(1)
  if (!row) throw new AppError('NOT_FOUND')
  return row
}

async function targetUnitOf(db: Db, unitId: string | null) {
  if (unitId === null) return null
  const [unit] = await db.select({ id: units.id, name: units.name }).from(units).where(eq(units.id, unitId)).limit(1)
  return unit ?? null
}

/**
 * The note that flags a likely repeat, written from the link when the reader may follow it. It is never stored as
 * text: a note naming a petition would reach readers the link is withheld from. A link the reader may not follow
 * leaves no note — except that an earlier matter finalized after 复核 still bars the same facts and reasons
 * (Art. 36 ¶3), which whoever decides on the new one must know; that note names no petition, and can never stand
 * for a report, which has no 复查 or 复核 and so is never finalized.
 */
function repeatNoteOf(petition: PetitionRow, visibleRepeatOfId: string | null): string | null {
  if (petition.possibleRepeatOfId === null) return null
  if (petition.repeatKind === 'finalized') {
    const earlier = visibleRepeatOfId === null ? '' : ` ${visibleRepeatOfId} `
    return `该信访人就同一事项的信访${earlier}已经复核终结：同一事实和理由不再受理（《信访工作条例》第三十六条第三款）`
  }
  return visibleRepeatOfId === null ? null : `疑似重复信访：与本人在办事项 ${visibleRepeatOfId} 内容高度相似`
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
  const repeatNote = repeatNoteOf(petition, row.repeatOfId)
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
    ...summaryOf(row, now),
    content: await decryptField(deps.keyring, petition.contentEnc, contentAad(petition.id)),
    address: address === null ? null : maskAddress(address),
    petitioner: profile ? maskProfile(profile) : null,
    targetUnit: await targetUnitOf(db, petition.targetUnitId),
    attachments: files,
    events: events.map((event) => ({
      at: toShanghaiIso(event.at),
      type: event.type,
      publicMessage: event.publicMessage,
      // Submission notes only ever flagged a repeat; older rows stored that note with the id in it.
      internalNote: event.type === 'submitted' ? repeatNote : event.internalNote,
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
