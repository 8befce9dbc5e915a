import {
  ATTACHMENT_MIME_TYPES,
  ATTACHMENTS_PER_PETITION_MAX,
  IdSchema,
  type PetitionCreate,
  PetitionCreateSchema,
  PetitionKindSchema,
} from '@xinfang/shared'
import { z } from 'zod'
import { type KeyValueStorage, STORAGE_KEYS, taroStorage } from '../services/storage'
import {
  EMPTY_PETITION_FORM,
  PETITION_STEPS,
  type PetitionFormValues,
  type PetitionStep,
  type UploadedAttachment,
} from './petition-form'

/**
 * The petition being written, kept on the device after every change: a phone call, a locked screen, WeChat killing
 * the mini-program in the background or a dead network never costs an older person what they typed.
 *
 * The draft also carries the submission's Idempotency-Key (docs/decisions/005-idempotent-writes.md): made with the
 * draft, sent on every attempt, replaced only when the petition has been accepted. It must outlive the app, because
 * the attempt whose answer was lost may be retried after a restart — with a new key it would file a second petition.
 *
 * `unansweredBodies` are the bodies sent under the key whose answer never came (no network, a timeout, a 5xx): the
 * API may have stored one of them. If the person then edits the draft, the next attempt is refused with 422
 * IDEMPOTENCY_KEY_REUSED — proof that an earlier one arrived — and sending that earlier body again with the same key
 * replays its answer: the tracking number and query code the person would otherwise never see.
 */
export const PETITION_DRAFT_TTL_MS = 30 * 24 * 60 * 60 * 1000

/** At most this many unanswered bodies are remembered; each edit-and-retry after a lost answer adds one. */
const UNANSWERED_BODIES_MAX = 5

/** The API's rule for keys (1–255 visible ASCII characters). */
const IdempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{1,255}$/)

const UploadedAttachmentSchema = z.object({
  id: IdSchema,
  mime: z.enum(ATTACHMENT_MIME_TYPES),
  size: z.number().int().positive(),
  name: z.string().max(200),
})

const PetitionDraftSchema = z.object({
  userId: IdSchema,
  savedAt: z.number(),
  step: z.enum(PETITION_STEPS),
  values: z.object({
    kind: z.union([PetitionKindSchema, z.literal('')]),
    categoryId: z.string().max(64),
    targetUnitId: z.string().max(64),
    isTargetUnitUnknown: z.boolean(),
    title: z.string().max(1000),
    content: z.string().max(20_000),
    address: z.string().max(1000),
  }),
  attachments: z.array(UploadedAttachmentSchema).max(ATTACHMENTS_PER_PETITION_MAX),
  idempotencyKey: IdempotencyKeySchema,
  unansweredBodies: z.array(PetitionCreateSchema).max(UNANSWERED_BODIES_MAX),
})

export interface PetitionDraft {
  userId: string
  savedAt: number
  step: PetitionStep
  values: PetitionFormValues
  attachments: UploadedAttachment[]
  idempotencyKey: string
  unansweredBodies: PetitionCreate[]
}

/**
 * A fresh key for a new draft. Uniqueness is all a key needs, not secrecy: keys are scoped to the caller, so a clash
 * would take the same citizen, the same millisecond and the same 60 random bits. (`Math.random` because
 * mini-programs have no synchronous `crypto.getRandomValues`.)
 */
export function newIdempotencyKey(now: number = Date.now(), random: () => number = Math.random): string {
  let suffix = ''
  while (suffix.length < 12) suffix += Math.floor(random() * 36).toString(36)
  return `petition-${now.toString(36)}-${suffix}`
}

export function emptyPetitionDraft(
  userId: string,
  now: number = Date.now(),
  key: string = newIdempotencyKey(now),
): PetitionDraft {
  return {
    userId,
    savedAt: now,
    step: 'kind',
    values: { ...EMPTY_PETITION_FORM },
    attachments: [],
    idempotencyKey: key,
    unansweredBodies: [],
  }
}

/** Nothing typed, chosen or uploaded, and nothing sent: not worth keeping. */
export function isPetitionDraftEmpty(draft: PetitionDraft): boolean {
  const { values } = draft
  return (
    values.kind === '' &&
    values.categoryId === '' &&
    values.targetUnitId === '' &&
    !values.isTargetUnitUnknown &&
    values.title === '' &&
    values.content === '' &&
    values.address === '' &&
    draft.attachments.length === 0 &&
    draft.unansweredBodies.length === 0
  )
}

/** The draft of this user, or null: another account's draft (a shared phone) and an abandoned one are removed. */
export function loadPetitionDraft(
  userId: string,
  now: number = Date.now(),
  storage: KeyValueStorage = taroStorage,
): PetitionDraft | null {
  const parsed = PetitionDraftSchema.safeParse(storage.get(STORAGE_KEYS.petitionDraft))
  if (!parsed.success) return null
  if (parsed.data.userId !== userId || now - parsed.data.savedAt > PETITION_DRAFT_TTL_MS) {
    clearPetitionDraft(storage)
    return null
  }
  return parsed.data
}

/** Writes the draft (an empty one is removed instead). False when the device refused to store it. */
export function savePetitionDraft(draft: PetitionDraft, storage: KeyValueStorage = taroStorage): boolean {
  if (isPetitionDraftEmpty(draft)) {
    clearPetitionDraft(storage)
    return true
  }
  try {
    storage.set(STORAGE_KEYS.petitionDraft, draft)
    return true
  } catch {
    // A full storage loses the draft, not the form: what is on screen stays.
    return false
  }
}

export function clearPetitionDraft(storage: KeyValueStorage = taroStorage): void {
  try {
    storage.remove(STORAGE_KEYS.petitionDraft)
  } catch {
    // Nothing stored.
  }
}

function sameBody(a: PetitionCreate, b: PetitionCreate): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/** About to send `body`: until an answer says otherwise, the API may end up holding it under the draft's key. */
export function withBodySent(draft: PetitionDraft, body: PetitionCreate): PetitionDraft {
  if (draft.unansweredBodies.some((sent) => sameBody(sent, body))) return draft
  return { ...draft, unansweredBodies: [...draft.unansweredBodies, body].slice(-UNANSWERED_BODIES_MAX) }
}

/** The API answered `body` with a refusal (a 4xx other than 409/422): it stored nothing for it. */
export function withBodyRefused(draft: PetitionDraft, body: PetitionCreate): PetitionDraft {
  return { ...draft, unansweredBodies: draft.unansweredBodies.filter((sent) => !sameBody(sent, body)) }
}

/** After a 422 for `current`: the earlier bodies that may be the one stored under the key, the latest first. */
export function bodiesToRecover(draft: PetitionDraft, current: PetitionCreate): PetitionCreate[] {
  return draft.unansweredBodies.filter((sent) => !sameBody(sent, current)).reverse()
}

/**
 * The key is spent on a petition whose body is unknown (the draft that held it was lost): a new key, so a deliberate
 * new submission is possible, with the person told to check 我的信访 first.
 */
export function withNewKey(draft: PetitionDraft, now: number = Date.now()): PetitionDraft {
  return { ...draft, idempotencyKey: newIdempotencyKey(now), unansweredBodies: [] }
}

// ——— receipts: the query code is shown once by the API, so the device keeps it ———

/**
 * What the API answered at submission, kept on the device: the query code (查询码) is returned only once, and an
 * older person who loses the success page must still find it (the detail page shows it again). It lives only in the
 * mini-program's own storage (localStorage on H5), for the account that submitted.
 */
const ReceiptSchema = z.object({
  userId: IdSchema,
  petitionId: IdSchema,
  trackingNo: z.string(),
  queryCode: z.string(),
  kind: PetitionKindSchema,
  submittedAt: z.string(),
  decideBy: z.string(),
  /** The petition filed is an earlier version of the draft: edits made after a lost answer were not sent. */
  areLaterEditsMissing: z.boolean(),
})
export type PetitionReceipt = z.infer<typeof ReceiptSchema>

const RECEIPTS_MAX = 20

function readReceipts(storage: KeyValueStorage): PetitionReceipt[] {
  const parsed = z.array(ReceiptSchema).safeParse(storage.get(STORAGE_KEYS.petitionReceipts))
  return parsed.success ? parsed.data : []
}

export function saveReceipt(receipt: PetitionReceipt, storage: KeyValueStorage = taroStorage): void {
  const others = readReceipts(storage).filter((kept) => kept.petitionId !== receipt.petitionId)
  try {
    storage.set(STORAGE_KEYS.petitionReceipts, [receipt, ...others].slice(0, RECEIPTS_MAX))
  } catch {
    // Not kept: the success page still shows it this once, with the advice to write it down.
  }
}

export function findReceipt(
  petitionId: string,
  userId: string | undefined,
  storage: KeyValueStorage = taroStorage,
): PetitionReceipt | undefined {
  return readReceipts(storage).find((kept) => kept.petitionId === petitionId && kept.userId === userId)
}
