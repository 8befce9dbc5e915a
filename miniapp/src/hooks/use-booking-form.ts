import {
  ATTENDEES_MAX,
  ATTENDEES_MIN,
  type Booking,
  type BookingCreate,
  BookingCreateSchema,
  type WaitlistEntry,
} from '@xinfang/shared'
import { useCallback, useEffect, useRef, useState } from 'react'
import { createBooking, joinWaitlist } from '../services/reception-bookings'
import type { KeyValueStorage } from '../services/storage'
import {
  type BookingDraft,
  type BookingFormValues,
  clearBookingDraft,
  type DraftOrigin,
  newBookingKey,
  openBookingDraft,
  saveBookingDraft,
} from '../utils/booking-draft'
import {
  type BookingFailure,
  type BookingField,
  type BookingFieldErrors,
  type BookingMode,
  bookingFailureOf,
} from '../utils/booking-outcome'

export interface BookingFormOptions {
  /** Whose draft this is: a draft typed under another account is never shown. */
  userId: string
  sessionId: string
  slotId: string
  mode: BookingMode
  onBooked: (booking: Booking) => void
  onJoinedWaitlist: (entry: WaitlistEntry) => void
  storage?: KeyValueStorage
  book?: (sessionId: string, body: BookingCreate, idempotencyKey: string) => Promise<Booking>
  join?: (sessionId: string, body: BookingCreate, idempotencyKey: string) => Promise<WaitlistEntry>
  sleep?: (ms: number) => Promise<void>
}

export interface BookingFormModel {
  values: BookingFormValues
  errors: BookingFieldErrors
  mode: BookingMode
  /** Whether what is on screen came from an earlier visit (this session's draft, or another session's). */
  origin: DraftOrigin
  isSubmitting: boolean
  /** The last attempt's failure, with the way out the page offers; cleared by the next attempt. */
  failure: BookingFailure | undefined
  changeMatter(value: string): void
  /** Adds `delta` (+1 / −1) to the attendees, within 1–5. */
  stepAttendees(delta: number): void
  choosePetition(petitionId: string): void
  /** SLOT_FULL: the same form, now for the waiting list; or back to booking when seats came free. */
  switchMode(mode: BookingMode): void
  submit(): Promise<void>
}

/** 409 IDEMPOTENCY_IN_FLIGHT: the first attempt is still being written; its answer is worth waiting for. */
const IN_FLIGHT_WAIT_MS = 1500
const IN_FLIGHT_WAITS_MAX = 3

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * The booking form (预约信息): the matter, how many people come (Art. 20: at most 5), and optionally the petition the
 * visit is about. Every change is stored at once; the draft and its Idempotency-Key outlive the page until the
 * booking is made.
 */
export function useBookingForm(options: BookingFormOptions): BookingFormModel {
  const { userId, sessionId, slotId, storage } = options
  const [initial] = useState(() => openBookingDraft({ userId, sessionId, slotId }, Date.now(), storage))
  const [draft, setDraft] = useState<BookingDraft>(initial.draft)
  const [errors, setErrors] = useState<BookingFieldErrors>({})
  const [mode, setMode] = useState<BookingMode>(options.mode)
  const [isSubmitting, setSubmitting] = useState(false)
  const [failure, setFailure] = useState<BookingFailure | undefined>()

  // The latest draft, mode and options for callbacks fired from stale closures (a second tap, a slow answer).
  const draftRef = useRef(draft)
  const modeRef = useRef(mode)
  const optionsRef = useRef(options)
  optionsRef.current = options
  const isMounted = useRef(true)
  const isSending = useRef(false)
  useEffect(() => {
    isMounted.current = true
    return () => {
      isMounted.current = false
    }
  }, [])

  /** Every change goes to storage at once: the app may be killed the moment after. */
  const commit = useCallback(
    (next: BookingDraft) => {
      const stamped = { ...next, savedAt: Date.now() }
      draftRef.current = stamped
      setDraft(stamped)
      saveBookingDraft(stamped, storage)
    },
    [storage],
  )

  const changeValues = useCallback(
    (values: Partial<BookingFormValues>) => {
      const next = { ...draftRef.current, values: { ...draftRef.current.values, ...values } }
      commit(next)
      // A message already shown follows the change, so it goes the moment the answer is right.
      setErrors((current) => {
        if (Object.keys(current).length === 0) return current
        const fresh = validate(next)
        const kept: BookingFieldErrors = {}
        for (const field of Object.keys(current) as BookingField[]) {
          const still = fresh.ok ? undefined : fresh.errors[field]
          if (still !== undefined) kept[field] = still
        }
        return kept
      })
    },
    [commit],
  )

  const changeMatter = useCallback((matter: string) => changeValues({ matter }), [changeValues])
  const stepAttendees = useCallback(
    (delta: number) => {
      const attendees = Math.min(ATTENDEES_MAX, Math.max(ATTENDEES_MIN, draftRef.current.values.attendees + delta))
      changeValues({ attendees })
    },
    [changeValues],
  )
  const choosePetition = useCallback((petitionId: string) => changeValues({ petitionId }), [changeValues])

  const switchMode = useCallback((next: BookingMode) => {
    modeRef.current = next
    setMode(next)
    setFailure(undefined)
  }, [])

  const submit = useCallback(async () => {
    // A second tap while the first is on its way (older people often tap twice) must not send twice.
    if (isSending.current) return
    const current = optionsRef.current
    const currentMode = modeRef.current
    setFailure(undefined)
    const validation = validate(draftRef.current)
    if (!validation.ok) {
      setErrors(validation.errors)
      return
    }
    setErrors({})
    isSending.current = true
    setSubmitting(true)
    const sleep = current.sleep ?? defaultSleep
    try {
      for (let waits = 0; ; waits++) {
        const { idempotencyKey } = draftRef.current
        try {
          if (currentMode === 'book') {
            const booking = await (current.book ?? createBooking)(current.sessionId, validation.body, idempotencyKey)
            clearBookingDraft(current.storage)
            current.onBooked(booking)
          } else {
            const entry = await (current.join ?? joinWaitlist)(current.sessionId, validation.body, idempotencyKey)
            clearBookingDraft(current.storage)
            current.onJoinedWaitlist(entry)
          }
          return
        } catch (error) {
          const failed = bookingFailureOf(error, currentMode)
          if (failed.kind === 'in_flight' && waits < IN_FLIGHT_WAITS_MAX) {
            await sleep(IN_FLIGHT_WAIT_MS)
            continue
          }
          // The key is spent on a booking whose answer this device never saw: a new key lets a deliberate new
          // attempt through, after the person was told to look in 我的预约 first.
          if (failed.kind === 'possibly_booked') commit({ ...draftRef.current, idempotencyKey: newBookingKey() })
          if (isMounted.current) {
            setFailure(failed)
            setErrors(failed.fields)
          }
          return
        }
      }
    } finally {
      isSending.current = false
      if (isMounted.current) setSubmitting(false)
    }
  }, [commit])

  return {
    values: draft.values,
    errors,
    mode,
    origin: initial.origin,
    isSubmitting,
    failure,
    changeMatter,
    stepAttendees,
    choosePetition,
    switchMode,
    submit,
  }
}

/** The body to send, checked with the shared schema the API checks it with. */
function validate(draft: BookingDraft): { ok: true; body: BookingCreate } | { ok: false; errors: BookingFieldErrors } {
  const { values } = draft
  const parsed = BookingCreateSchema.safeParse({
    slotId: draft.slotId,
    matter: values.matter,
    attendees: values.attendees,
    ...(values.petitionId !== '' ? { petitionId: values.petitionId } : {}),
  })
  if (parsed.success) return { ok: true, body: parsed.data }
  const errors: BookingFieldErrors = {}
  for (const issue of parsed.error.issues) {
    const field = issue.path[0]
    if ((field === 'matter' || field === 'attendees' || field === 'petitionId') && errors[field] === undefined) {
      errors[field] = issue.message
    }
  }
  return { ok: false, errors }
}
