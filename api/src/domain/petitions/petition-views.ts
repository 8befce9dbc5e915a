import {
  nextDeadlineOf,
  type PageQuery,
  type PetitionDetail,
  type PetitionSummary,
  REPLYING_STATUSES,
  type TimelineEvent,
  type TrackResult,
  toShanghaiIso,
  WITHDRAWABLE_STATUSES,
} from '@xinfang/shared'
import { and, asc, eq, isNotNull } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import type { Db } from '../../db/client'
import { attachments, categories, petitionEvents, petitions, units } from '../../db/schema'
import { keysetPage } from '../../lib/cursor'
import { AppError } from '../app-error'
import { blindIndex, decryptField } from '../privacy/field-crypto'
import type { Keyring } from '../privacy/keyring'
import { latestReplyRating, rateByOf, reviewRequestByOf } from '../reviews/review-windows'
import type { DeadlinePolicy } from '../workflow/deadline-policy'
import { addressAad, contentAad, QUERY_CODE_INDEX } from './submit-petition'

type PetitionRow = typeof petitions.$inferSelect

/** What reading a citizen's petitions needs: the review window depends on the petition's deadline profile. */
export interface PetitionReadDeps {
  db: Db
  keyring: Keyring
  deadlines: DeadlinePolicy
}

function clockOf(row: PetitionRow, deadlines: DeadlinePolicy) {
  return {
    status: row.status,
    decideBy: row.decideBy,
    replyBy: row.replyBy,
    reviewRequestBy: reviewRequestByOf(row, deadlines),
  }
}

function deadlinesOf(row: PetitionRow, deadlines: DeadlinePolicy) {
  const reviewRequestBy = reviewRequestByOf(row, deadlines)
  return {
    ...(row.status === 'submitted' ? { decideBy: toShanghaiIso(row.decideBy) } : {}),
    ...(row.replyBy !== null && REPLYING_STATUSES.includes(row.status) ? { replyBy: toShanghaiIso(row.replyBy) } : {}),
    ...(reviewRequestBy !== null ? { reviewRequestBy: toShanghaiIso(reviewRequestBy) } : {}),
  }
}

async function publicTimeline(db: Db, petitionId: string): Promise<TimelineEvent[]> {
  const events = await db
    .select()
    .from(petitionEvents)
    .where(and(eq(petitionEvents.petitionId, petitionId), isNotNull(petitionEvents.publicMessage)))
    .orderBy(asc(petitionEvents.at), asc(petitionEvents.id))
  return events.map((event) => ({ at: toShanghaiIso(event.at), type: event.type, message: event.publicMessage ?? '' }))
}

/** A petition's attachments in upload order, as both the citizen's and the staff detail show them. */
export function listPetitionAttachments(db: Db, petitionId: string) {
  return db
    .select({ id: attachments.id, mime: attachments.mime, size: attachments.size })
    .from(attachments)
    .where(eq(attachments.petitionId, petitionId))
    .orderBy(asc(attachments.createdAt))
}

/** The citizen's own petitions, newest first. */
export async function listOwnPetitions(
  { db, deadlines }: Pick<PetitionReadDeps, 'db' | 'deadlines'>,
  citizenId: string,
  query: PageQuery,
  now: number,
) {
  const keyset = keysetPage({ by: petitions.submittedAt, id: petitions.id, direction: 'desc' }, query)
  const rows = await db
    .select({ petition: petitions, category: { id: categories.id, name: categories.name } })
    .from(petitions)
    .innerJoin(categories, eq(categories.id, petitions.categoryId))
    .where(and(eq(petitions.citizenId, citizenId), keyset.after))
    .orderBy(...keyset.orderBy)
    .limit(keyset.limit)
  const { rows: page, nextCursor } = keyset.pageOf(rows, (row) => [row.petition.submittedAt, row.petition.id])
  const items: PetitionSummary[] = page.map(({ petition, category }) => summaryOf(petition, category, deadlines, now))
  return {
    items,
    nextCursor,
  }
}

function summaryOf(
  row: PetitionRow,
  category: { id: string; name: string },
  deadlines: DeadlinePolicy,
  now: number,
): PetitionSummary {
  return {
    id: row.id,
    trackingNo: row.trackingNo,
    kind: row.kind,
    category,
    title: row.title,
    status: row.status,
    submittedAt: toShanghaiIso(row.submittedAt),
    nextDeadline: nextDeadlineOf(clockOf(row, deadlines), now),
  }
}

/** One petition for its owner: another citizen's id answers 404, exactly like an id that does not exist. */
export async function getOwnPetition(
  { db, keyring, deadlines }: PetitionReadDeps,
  citizenId: string,
  petitionId: string,
  now: number,
): Promise<PetitionDetail> {
  const targetUnits = alias(units, 'target_units')
  const [row] = await db
    .select({
      petition: petitions,
      category: { id: categories.id, name: categories.name },
      handlingUnit: { id: units.id, name: units.name },
      targetUnit: { id: targetUnits.id, name: targetUnits.name },
    })
    .from(petitions)
    .innerJoin(categories, eq(categories.id, petitions.categoryId))
    .innerJoin(units, eq(units.id, petitions.handlingUnitId))
    .leftJoin(targetUnits, eq(targetUnits.id, petitions.targetUnitId))
    .where(and(eq(petitions.id, petitionId), eq(petitions.citizenId, citizenId)))
    .limit(1)
  if (!row) throw new AppError('NOT_FOUND')
  const { petition } = row
  const files = await listPetitionAttachments(db, petition.id)
  const rating = await latestReplyRating(db, petition, deadlines, now)
  const rateBy = rateByOf(petition)
  return {
    ...summaryOf(petition, row.category, deadlines, now),
    content: await decryptField(keyring, petition.contentEnc, contentAad(petition.id)),
    address: petition.addressEnc ? await decryptField(keyring, petition.addressEnc, addressAad(petition.id)) : null,
    targetUnit: row.targetUnit?.id ? { id: row.targetUnit.id, name: row.targetUnit.name } : null,
    handlingUnit: row.handlingUnit,
    attachments: files,
    timeline: await publicTimeline(db, petition.id),
    deadlines: {
      ...deadlinesOf(petition, deadlines),
      ...(rating === null && rateBy !== null && now <= rateBy ? { rateBy: toShanghaiIso(rateBy) } : {}),
    },
    canWithdraw: WITHDRAWABLE_STATUSES.includes(petition.status),
    ...(rating ? { rating } : {}),
  }
}

/**
 * Progress by tracking number and query code, without login. Nothing personal: not the name, not the title or
 * text the citizen wrote, not the units involved — only kind, category, status, dates and the public timeline.
 * A wrong pair answers 404 whether or not the tracking number exists.
 */
export async function trackPetition(
  { db, keyring, deadlines }: PetitionReadDeps,
  trackingNo: string,
  queryCode: string,
  now: number,
): Promise<TrackResult> {
  const [row] = await db
    .select({ petition: petitions, category: { id: categories.id, name: categories.name } })
    .from(petitions)
    .innerJoin(categories, eq(categories.id, petitions.categoryId))
    .where(eq(petitions.trackingNo, trackingNo))
    .limit(1)
  const codeHash = await blindIndex(keyring, queryCode, QUERY_CODE_INDEX)
  if (!row || !timingSafeEqual(row.petition.queryCodeHash, codeHash)) {
    throw new AppError('NOT_FOUND', { detail: '受理编号或查询码不正确，请核对后再试' })
  }
  const { petition } = row
  return {
    trackingNo: petition.trackingNo,
    kind: petition.kind,
    category: row.category,
    status: petition.status,
    submittedAt: toShanghaiIso(petition.submittedAt),
    deadlines: deadlinesOf(petition, deadlines),
    nextDeadline: nextDeadlineOf(clockOf(petition, deadlines), now),
    timeline: await publicTimeline(db, petition.id),
  }
}

function timingSafeEqual(a: string, b: string): boolean {
  let difference = a.length ^ b.length
  for (let i = 0; i < Math.max(a.length, b.length); i++) difference |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0)
  return difference === 0
}
