import { ATTENDEES_MAX, ATTENDEES_MIN, IdSchema } from '@xinfang/shared'
import { z } from 'zod'
import { type KeyValueStorage, taroStorage } from '../services/storage'

/**
 * The booking form as it is being filled, kept on the device after every change until the booking (or the place on
 * the waiting list) is made: a phone call, a locked screen, a detour to 我的 to register the real name, or WeChat
 * killing the mini-program never costs an older person what they typed.
 *
 * It also carries the booking's Idempotency-Key: made with the draft, sent on every attempt (the client's own retries
 * and the person's taps alike), replaced only once a booking was made. The API stores a key only with a booking it
 * made (docs/decisions/005-idempotent-writes.md), so a refusal (SLOT_FULL, PROFILE_REQUIRED…) leaves the key unused
 * and the next attempt may carry it again, even for another slot.
 */
export const BOOKING_DRAFT_STORAGE_KEY = 'xinfang.bookingDraft'

export const BOOKING_DRAFT_TTL_MS = 30 * 24 * 60 * 60 * 1000

/** The API's rule for keys (1–255 visible ASCII characters). */
const IdempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{1,255}$/)

/** What has been typed or chosen, as typed: trimming and checks happen on submit. */
export interface BookingFormValues {
  matter: string
  attendees: number
  /** One of the citizen's petitions the visit is about; '' for none. */
  petitionId: string
}

export const EMPTY_BOOKING_FORM: BookingFormValues = { matter: '', attendees: ATTENDEES_MIN, petitionId: '' }

const BookingDraftSchema = z.object({
  userId: IdSchema,
  savedAt: z.number(),
  sessionId: IdSchema,
  slotId: IdSchema,
  values: z.object({
    matter: z.string().max(5000),
    attendees: z.number().int().min(ATTENDEES_MIN).max(ATTENDEES_MAX),
    petitionId: z.union([IdSchema, z.literal('')]),
  }),
  idempotencyKey: IdempotencyKeySchema,
})
export type BookingDraft = z.infer<typeof BookingDraftSchema>

/**
 * How the form starts:
 * - `fresh`: nothing kept;
 * - `restored`: the draft of this very session, key included — a retry of the same booking;
 * - `carried_over`: what was typed for another session, with a new key — the matter is the person's, whichever
 *   leader hears it, but a booking of another session is another booking.
 */
export type DraftOrigin = 'fresh' | 'restored' | 'carried_over'

/**
 * A fresh key. Uniqueness is all a key needs, not secrecy: keys are scoped to the caller, so a clash would take the
 * same citizen, the same millisecond and the same 60 random bits (`Math.random`: mini-programs have no synchronous
 * `crypto.getRandomValues`).
 */
export function newBookingKey(now: number = Date.now(), random: () => number = Math.random): string {
  let suffix = ''
  while (suffix.length < 12) suffix += Math.floor(random() * 36).toString(36)
  return `booking-${now.toString(36)}-${suffix}`
}

export interface DraftTarget {
  userId: string
  sessionId: string
  slotId: string
}

/** The draft the form for `target` starts from: this user's own, or an empty one; anything else is removed. */
export function openBookingDraft(
  target: DraftTarget,
  now: number = Date.now(),
  storage: KeyValueStorage = taroStorage,
): { draft: BookingDraft; origin: DraftOrigin } {
  const fresh: BookingDraft = {
    ...target,
    savedAt: now,
    values: { ...EMPTY_BOOKING_FORM },
    idempotencyKey: newBookingKey(now),
  }
  const parsed = BookingDraftSchema.safeParse(storage.get(BOOKING_DRAFT_STORAGE_KEY))
  if (!parsed.success) return { draft: fresh, origin: 'fresh' }
  const kept = parsed.data
  // Another account's draft (a shared phone) or an abandoned one is never shown.
  if (kept.userId !== target.userId || now - kept.savedAt > BOOKING_DRAFT_TTL_MS) {
    clearBookingDraft(storage)
    return { draft: fresh, origin: 'fresh' }
  }
  if (kept.sessionId === target.sessionId) {
    return { draft: { ...kept, slotId: target.slotId }, origin: 'restored' }
  }
  return { draft: { ...fresh, values: kept.values }, origin: 'carried_over' }
}

/** Nothing typed or chosen: not worth keeping. */
export function isBookingDraftEmpty(draft: Pick<BookingDraft, 'values'>): boolean {
  const { values } = draft
  return values.matter === '' && values.attendees === EMPTY_BOOKING_FORM.attendees && values.petitionId === ''
}

/** Writes the draft (an empty one is removed instead). False when the device refused to store it. */
export function saveBookingDraft(draft: BookingDraft, storage: KeyValueStorage = taroStorage): boolean {
  if (isBookingDraftEmpty(draft)) {
    clearBookingDraft(storage)
    return true
  }
  try {
    storage.set(BOOKING_DRAFT_STORAGE_KEY, draft)
    return true
  } catch {
    // A full storage loses the draft, not the form: what is on screen stays.
    return false
  }
}

export function clearBookingDraft(storage: KeyValueStorage = taroStorage): void {
  try {
    storage.remove(BOOKING_DRAFT_STORAGE_KEY)
  } catch {
    // Nothing stored.
  }
}
