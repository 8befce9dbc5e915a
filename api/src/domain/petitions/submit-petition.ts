import {
  chineseDateOf,
  DAILY_SUBMISSION_LIMIT,
  FINAL_STATUSES,
  OPEN_STATUSES,
  PETITION_KIND_LABELS,
  type PetitionCreate,
  type PetitionCreated,
  QUERY_CODE_ALPHABET,
  QUERY_CODE_LENGTH,
  shanghaiDateOf,
  shanghaiTime,
  toShanghaiIso,
} from '@xinfang/shared'
import { and, count, eq, gte, inArray, isNull, sql } from 'drizzle-orm'
import type { Database, Db, WriteTx } from '../../db/client'
import { insertRow, prebuiltSelect } from '../../db/prebuilt'
import { attachments, counters, petitions } from '../../db/schema'
import { newId } from '../../lib/ids'
import { AppError } from '../app-error'
import { blindIndex, decryptField, encryptField, fieldAad } from '../privacy/field-crypto'
import type { Keyring } from '../privacy/keyring'
import { type ReferenceSnapshot, referenceSnapshot } from '../reference/reference-snapshot'
import type { DeadlinePolicy } from '../workflow/deadline-policy'
import { recordPetitionStep } from './record-step'
import { REPEAT_SIMILARITY_THRESHOLD, textSimilarity } from './similarity'

export const QUERY_CODE_INDEX = 'petitions.query_code'

/** The largest multiple of the alphabet's size below 256: bytes above it are drawn again, so no letter is likelier. */
const UNBIASED_BYTE_LIMIT = 256 - (256 % QUERY_CODE_ALPHABET.length)

export function newQueryCode(): string {
  let code = ''
  while (code.length < QUERY_CODE_LENGTH) {
    for (const byte of crypto.getRandomValues(new Uint8Array(QUERY_CODE_LENGTH))) {
      if (byte < UNBIASED_BYTE_LIMIT && code.length < QUERY_CODE_LENGTH) {
        code += QUERY_CODE_ALPHABET[byte % QUERY_CODE_ALPHABET.length]
      }
    }
  }
  return code
}

export const contentAad = (petitionId: string) => fieldAad('petitions', 'content', petitionId)
export const addressAad = (petitionId: string) => fieldAad('petitions', 'address', petitionId)

/**
 * A submission in two parts. `preparePetitionSubmission` does, before any lock is taken, what needs none: the new
 * row's id and query code, the ciphertexts bound to that id, the code's blind index, and the citizen's earlier
 * petitions decrypted for the repeat check. The `register` it returns records the petition inside the caller's
 * write transaction (which also holds the idempotency key); the query code is returned too, so that the caller can
 * seal it for the stored replay before the lock as well. Writes are serialized in one writer (decision 006),
 * so whatever a submission spends inside it holds up every other write; see docs/decisions/011-write-path-cpu.md.
 *
 * Reports (检举控告) go to the discipline commission and everything else to the petition bureau, whose staff decide
 * within the limit whether to accept, transfer or refuse it (Art. 22). The daily limit is counted inside the
 * serialized transaction, so concurrent submissions cannot both slip under it.
 */
export async function preparePetitionSubmission(
  deps: { database: Database; keyring: Keyring; deadlines: DeadlinePolicy },
  citizenId: string,
  input: PetitionCreate,
  now: number,
): Promise<{ register: (tx: WriteTx) => Promise<PetitionCreated>; queryCode: string }> {
  const id = newId(now)
  const queryCode = newQueryCode()
  const [queryCodeHash, contentEnc, addressEnc, earlier] = await Promise.all([
    blindIndex(deps.keyring, queryCode, QUERY_CODE_INDEX),
    encryptField(deps.keyring, input.content, contentAad(id)),
    input.address ? encryptField(deps.keyring, input.address, addressAad(id)) : null,
    similarityOfEarlier(deps.database.db, deps.keyring, citizenId, input),
  ])

  const register = async (tx: WriteTx): Promise<PetitionCreated> => {
    const reference = await referenceSnapshot(deps.database, now)
    if (!reference.hasCategory(input.categoryId)) throw fieldError('categoryId', '请选择列表中的事项分类')
    if (input.targetUnitId && !reference.hasUnit(input.targetUnitId)) {
      throw fieldError('targetUnitId', '请选择列表中的单位')
    }

    const [today] = await countSubmittedSince(tx, { citizenId, since: shanghaiTime(shanghaiDateOf(now)) })
    if ((today?.n ?? 0) >= DAILY_SUBMISSION_LIMIT) {
      throw new AppError('RATE_LIMITED', {
        detail: `每人每天最多提交 ${DAILY_SUBMISSION_LIMIT} 件信访事项，请明天再提交；紧急情况请拨打 12345 热线`,
      })
    }

    const attachmentIds = input.attachmentIds ?? []
    if (attachmentIds.length > 0) {
      const owned = await tx
        .select({ id: attachments.id })
        .from(attachments)
        .where(
          and(
            inArray(attachments.id, attachmentIds),
            eq(attachments.ownerCitizenId, citizenId),
            isNull(attachments.petitionId),
          ),
        )
      if (owned.length !== attachmentIds.length)
        throw fieldError('attachmentIds', '附件不存在或已用于其他信访事项，请重新上传')
    }

    const handlingUnitId = routeOnSubmission(reference, input.kind)
    const trackingNo = await nextTrackingNo(tx, now)
    const profile = deps.deadlines.profile
    const decideBy = deps.deadlines.after(now, profile.decide)
    // Kept as a link only, never as a note naming the earlier petition: staff read the note where they may see the
    // petition it names (workflow/staff-views.ts, docs/decisions/012-confidentiality-policy.md).
    const repeat = await findLikelyRepeat(tx, deps.keyring, citizenId, input, earlier)
    const possibleRepeatOfId = repeat?.id ?? null

    await insertRow(tx, petitions, {
      id,
      trackingNo,
      queryCodeHash,
      citizenId,
      kind: input.kind,
      categoryId: input.categoryId,
      title: input.title,
      contentEnc,
      addressEnc,
      targetUnitId: input.targetUnitId ?? null,
      handlingUnitId,
      status: 'submitted',
      submittedAt: now,
      decideBy,
      possibleRepeatOfId,
      repeatKind: repeat?.kind ?? null,
      deadlineProfile: profile.id,
      updatedAt: now,
    })
    if (attachmentIds.length > 0) {
      await tx.update(attachments).set({ petitionId: id }).where(inArray(attachments.id, attachmentIds))
    }
    const decideDate = chineseDateOf(decideBy)
    const message = `您的${PETITION_KIND_LABELS[input.kind]}已提交，受理编号 ${trackingNo}。信访部门将在 ${decideDate} 前告知是否受理（《信访工作条例》第二十二条）。`
    await recordPetitionStep(
      tx,
      {
        petition: { id, citizenId, trackingNo },
        type: 'submitted',
        actor: { kind: 'citizen', id: citizenId },
        publicMessage: message,
        notice: { title: '信访事项已提交', status: '已提交', date: decideDate },
        audit: {
          action: 'petition.submit',
          details: { kind: input.kind, attachments: attachmentIds.length, possibleRepeat: possibleRepeatOfId !== null },
        },
      },
      now,
    )
    return {
      id,
      trackingNo,
      queryCode,
      status: 'submitted',
      submittedAt: toShanghaiIso(now),
      deadlines: { decideBy: toShanghaiIso(decideBy) },
    }
  }
  return { register, queryCode }
}

function fieldError(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', { errors: [{ path: `body.${field}`, message }] })
}

/** 检举控告 goes to 纪检监察, never through the units it may accuse (Art. 30); the rest to the 信访部门. */
function routeOnSubmission(reference: ReferenceSnapshot, kind: PetitionCreate['kind']): string {
  const unitKind = kind === 'report' ? 'discipline' : 'petition_bureau'
  const unitId = reference.firstUnitOf(unitKind)
  if (!unitId) throw new Error(`no ${unitKind} unit is configured`)
  return unitId
}

/** XF-<year>-<six digits>, sequential per Shanghai year, advanced inside the write transaction. */
async function nextTrackingNo(tx: WriteTx, now: number): Promise<string> {
  const year = shanghaiDateOf(now).slice(0, 4)
  const [row] = await tx
    .insert(counters)
    .values({ name: `tracking:${year}`, value: 1 })
    .onConflictDoUpdate({ target: counters.name, set: { value: sql`${counters.value} + 1` } })
    .returning({ value: counters.value })
  return `XF-${year}-${String(row?.value ?? 1).padStart(6, '0')}`
}

/** Earlier petitions that can make a new one a repeat: still open, or finalized after 复核. */
const REPEAT_CANDIDATE_STATUSES = [...OPEN_STATUSES, ...FINAL_STATUSES]

const countSubmittedSince = prebuiltSelect(['citizenId', 'since'], (tx, p) =>
  tx
    .select({ n: count() })
    .from(petitions)
    .where(and(eq(petitions.citizenId, p('citizenId')), gte(petitions.submittedAt, p('since')))),
)

/** The citizen's earlier petitions in the same category that can make a new one a repeat. */
const selectRepeatCandidates = prebuiltSelect(['citizenId', 'categoryId'], (runner, p) =>
  runner
    .select({ id: petitions.id, title: petitions.title, status: petitions.status, contentEnc: petitions.contentEnc })
    .from(petitions)
    .where(
      and(
        eq(petitions.citizenId, p('citizenId')),
        eq(petitions.categoryId, p('categoryId')),
        inArray(petitions.status, [...REPEAT_CANDIDATE_STATUSES]),
      ),
    ),
)

type RepeatCandidate = { id: string; title: string; contentEnc: string }

async function readsLike(keyring: Keyring, candidate: RepeatCandidate, input: PetitionCreate): Promise<boolean> {
  const content = await decryptField(keyring, candidate.contentEnc, contentAad(candidate.id))
  return textSimilarity(`${candidate.title}${content}`, `${input.title}${input.content}`) >= REPEAT_SIMILARITY_THRESHOLD
}

/** Whether each of the citizen's candidate petitions reads like this one, by id: decrypted outside the writer. */
async function similarityOfEarlier(
  db: Db,
  keyring: Keyring,
  citizenId: string,
  input: PetitionCreate,
): Promise<Map<string, boolean>> {
  const rows = await selectRepeatCandidates(db, { citizenId, categoryId: input.categoryId })
  const similar = await Promise.all(rows.map((row) => readsLike(keyring, row, input)))
  return new Map(rows.map((row, index) => [row.id, similar[index] ?? false]))
}

/**
 * The citizen's own earlier petition in the same category with very similar text, if any: still open (a likely
 * repeat) or already finalized after 复核, whose facts and reasons are not accepted again (Art. 36 ¶3). Flagged
 * for staff, never dropped. Read again inside the transaction for the current statuses; only a candidate that
 * arrived since `known` was taken (a concurrent submission of the same citizen) is decrypted here.
 */
async function findLikelyRepeat(
  tx: WriteTx,
  keyring: Keyring,
  citizenId: string,
  input: PetitionCreate,
  known: ReadonlyMap<string, boolean>,
): Promise<{ id: string; kind: 'open' | 'finalized' } | null> {
  const candidates = await selectRepeatCandidates(tx, { citizenId, categoryId: input.categoryId })
  for (const candidate of candidates) {
    if (known.get(candidate.id) ?? (await readsLike(keyring, candidate, input))) {
      return { id: candidate.id, kind: FINAL_STATUSES.includes(candidate.status) ? 'finalized' : 'open' }
    }
  }
  return null
}
