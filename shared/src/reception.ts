import { z } from 'zod'
import { DateSchema, DateTimeSchema, IdSchema, PageQuerySchema, pageOf } from './common'

export const RECEPTION_MODES = ['in_person', 'video'] as const
export const ReceptionModeSchema = z.enum(RECEPTION_MODES)
export type ReceptionMode = z.infer<typeof ReceptionModeSchema>

export const RECEPTION_MODE_LABELS: Record<ReceptionMode, string> = {
  in_person: '现场接访',
  video: '视频接访',
}

/** A timed slot of a reception session, with its own seats. */
export const ReceptionSlotSchema = z.object({
  id: IdSchema,
  startsAt: DateTimeSchema,
  endsAt: DateTimeSchema,
  capacity: z.number().int().min(1),
  remaining: z.number().int().min(0),
})
export type ReceptionSlot = z.infer<typeof ReceptionSlotSchema>

/** A published leader reception session (领导接访日), as citizens see it. */
export const ReceptionSessionSchema = z.object({
  id: IdSchema,
  leader: z.object({ name: z.string(), title: z.string() }),
  unit: z.object({ id: IdSchema, name: z.string() }),
  startsAt: DateTimeSchema,
  endsAt: DateTimeSchema,
  mode: ReceptionModeSchema,
  place: z.string().nullable(),
  topics: z.array(z.string()),
  slots: z.array(ReceptionSlotSchema),
  bookingOpensAt: DateTimeSchema,
  bookingClosesAt: DateTimeSchema,
  requiresConfirmation: z.boolean(),
})
export type ReceptionSession = z.infer<typeof ReceptionSessionSchema>
export const ReceptionSessionListSchema = pageOf(ReceptionSessionSchema)
export type ReceptionSessionList = z.infer<typeof ReceptionSessionListSchema>

export const ReceptionListQuerySchema = PageQuerySchema.extend({
  /** First Asia/Shanghai date to include; defaults to today. */
  from: DateSchema.optional(),
  /** Last Asia/Shanghai date to include. */
  to: DateSchema.optional(),
  unitId: IdSchema.optional(),
})
export type ReceptionListQuery = z.infer<typeof ReceptionListQuerySchema>

/** `:id` of a session, booking or waiting-list entry. */
export const ReceptionIdParamsSchema = z.object({ id: IdSchema })

/** Where `now` falls in a session's booking window: before it opens, inside it, or after it closed. */
export type BookingWindowPhase = 'not_yet_open' | 'open' | 'closed'

/**
 * The booking window (预约时间), the one rule for it: it opens N days before the session, at `opensAt` itself, and
 * closes M hours before, at `closesAt`, which is already outside it. Times in epoch milliseconds. The API's seat
 * guard (`takeSeats`) says the same in SQL and is tested against this function at both edges.
 */
export function bookingWindowPhase(window: { opensAt: number; closesAt: number }, now: number): BookingWindowPhase {
  if (now < window.opensAt) return 'not_yet_open'
  if (now < window.closesAt) return 'open'
  return 'closed'
}

/** bookingWindowPhase of a session as the API sends it (ISO times). */
export function bookingWindowPhaseOf(
  session: Pick<ReceptionSession, 'bookingOpensAt' | 'bookingClosesAt'>,
  now: number,
): BookingWindowPhase {
  const window = { opensAt: Date.parse(session.bookingOpensAt), closesAt: Date.parse(session.bookingClosesAt) }
  return bookingWindowPhase(window, now)
}

/** Whether a session takes bookings at `now`. */
export function isBookingOpen(
  session: Pick<ReceptionSession, 'bookingOpensAt' | 'bookingClosesAt'>,
  now: number,
): boolean {
  return bookingWindowPhaseOf(session, now) === 'open'
}

export function remainingSeats(session: Pick<ReceptionSession, 'slots'>): number {
  return session.slots.reduce((sum, slot) => sum + slot.remaining, 0)
}

// ---------------------------------------------------------------------------------------------------------------
// Sessions as staff see and create them
// ---------------------------------------------------------------------------------------------------------------

export const RECEPTION_SESSION_STATUSES = ['draft', 'published', 'cancelled'] as const
export const ReceptionSessionStatusSchema = z.enum(RECEPTION_SESSION_STATUSES)
export type ReceptionSessionStatus = z.infer<typeof ReceptionSessionStatusSchema>

/** One session by id (`GET /receptions/:id`): published or cancelled, so a link to a cancelled one still explains. */
export const ReceptionSessionDetailSchema = ReceptionSessionSchema.extend({
  status: ReceptionSessionStatusSchema.exclude(['draft']),
})
export type ReceptionSessionDetail = z.infer<typeof ReceptionSessionDetailSchema>

/** A session as staff see it: drafts and cancelled sessions too, with how many are waiting per slot. */
export const StaffReceptionSessionSchema = ReceptionSessionSchema.extend({
  status: ReceptionSessionStatusSchema,
  slots: z.array(ReceptionSlotSchema.extend({ waiting: z.number().int().min(0) })),
})
export type StaffReceptionSession = z.infer<typeof StaffReceptionSessionSchema>
export const StaffReceptionSessionListSchema = pageOf(StaffReceptionSessionSchema)
export type StaffReceptionSessionList = z.infer<typeof StaffReceptionSessionListSchema>

export const StaffReceptionListQuerySchema = ReceptionListQuerySchema.extend({
  status: ReceptionSessionStatusSchema.optional(),
})
export type StaffReceptionListQuery = z.infer<typeof StaffReceptionListQuerySchema>

/** A leader staff may schedule sessions for (`GET /staff/leaders`). */
export const ReceptionLeaderSchema = z.object({
  id: IdSchema,
  name: z.string(),
  title: z.string(),
  unit: z.object({ id: IdSchema, name: z.string() }),
})
export type ReceptionLeader = z.infer<typeof ReceptionLeaderSchema>
export const ReceptionLeaderListSchema = z.object({ items: z.array(ReceptionLeaderSchema) })

/** Bounds of a session's booking window and slots; wide enough for any real schedule, narrow enough to catch typos. */
export const BOOKING_OPENS_DAYS_MAX = 60
export const BOOKING_CLOSES_HOURS_MAX = 7 * 24
export const SLOTS_PER_SESSION_MAX = 24
export const SLOT_CAPACITY_MAX = 500
export const TOPICS_PER_SESSION_MAX = 10

export const SessionSlotInputSchema = z.strictObject({
  startsAt: DateTimeSchema,
  endsAt: DateTimeSchema,
  capacity: z.number().int().min(1, '每个时段至少 1 个名额').max(SLOT_CAPACITY_MAX),
})
export type SessionSlotInput = z.infer<typeof SessionSlotInputSchema>

/**
 * `POST /staff/receptions`: a session of a leader (the unit is the leader's), in person at a place or by video,
 * in timed slots of their own capacity. Booking opens `bookingOpensDaysBefore` days before the start and closes
 * `bookingClosesHoursBefore` hours before it; the same instant is the citizens' cancellation cut-off.
 */
export const SessionCreateSchema = z
  .strictObject({
    leaderId: IdSchema,
    startsAt: DateTimeSchema,
    endsAt: DateTimeSchema,
    mode: ReceptionModeSchema,
    place: z.string().trim().min(2, '请填写接访地点').max(200).optional(),
    topics: z.array(z.string().trim().min(1).max(30)).min(1, '请至少填写一个接访主题').max(TOPICS_PER_SESSION_MAX),
    slots: z.array(SessionSlotInputSchema).min(1, '请至少设置一个时段').max(SLOTS_PER_SESSION_MAX),
    bookingOpensDaysBefore: z.number().int().min(1).max(BOOKING_OPENS_DAYS_MAX),
    bookingClosesHoursBefore: z.number().int().min(0).max(BOOKING_CLOSES_HOURS_MAX),
    requiresConfirmation: z.boolean().default(false),
    /** `false` keeps the session as a draft, published later with `POST /staff/receptions/:id/publish`. */
    publish: z.boolean().default(true),
  })
  .superRefine((input, context) => {
    const starts = Date.parse(input.startsAt)
    const ends = Date.parse(input.endsAt)
    if (!(ends > starts)) context.addIssue({ code: 'custom', path: ['endsAt'], message: '结束时间须晚于开始时间' })
    if (input.mode === 'in_person' && input.place === undefined) {
      context.addIssue({ code: 'custom', path: ['place'], message: '现场接访须填写地点' })
    }
    if (input.mode === 'video' && input.place !== undefined) {
      context.addIssue({ code: 'custom', path: ['place'], message: '视频接访不填写地点' })
    }
    if (input.bookingOpensDaysBefore * 24 <= input.bookingClosesHoursBefore) {
      context.addIssue({
        code: 'custom',
        path: ['bookingClosesHoursBefore'],
        message: '预约截止时间须晚于预约开放时间',
      })
    }
    const slots = input.slots
      .map((slot, index) => ({ index, starts: Date.parse(slot.startsAt), ends: Date.parse(slot.endsAt) }))
      .sort((a, b) => a.starts - b.starts)
    let previousEnd = Number.NEGATIVE_INFINITY
    for (const slot of slots) {
      if (!(slot.ends > slot.starts) || slot.starts < starts || slot.ends > ends) {
        context.addIssue({
          code: 'custom',
          path: ['slots', slot.index],
          message: '时段须在接访时间之内，且结束晚于开始',
        })
      } else if (slot.starts < previousEnd) {
        context.addIssue({ code: 'custom', path: ['slots', slot.index], message: '时段之间不能重叠' })
      }
      previousEnd = Math.max(previousEnd, slot.ends)
    }
  })
export type SessionCreate = z.infer<typeof SessionCreateSchema>

/** Cancelling a session, a booking rejected by staff: the reason is sent to every citizen concerned. */
export const ReasonSchema = z.strictObject({
  reason: z.string().trim().min(2, '请填写原因').max(200, '原因不能超过200个字'),
})
export type Reason = z.infer<typeof ReasonSchema>

// ---------------------------------------------------------------------------------------------------------------
// Bookings (预约)
// ---------------------------------------------------------------------------------------------------------------

export const BOOKING_STATUSES = ['pending', 'confirmed', 'checked_in', 'cancelled', 'rejected', 'no_show'] as const
export const BookingStatusSchema = z.enum(BOOKING_STATUSES)
export type BookingStatus = z.infer<typeof BookingStatusSchema>

export const BOOKING_STATUS_LABELS: Record<BookingStatus, string> = {
  pending: '待确认',
  confirmed: '预约成功',
  checked_in: '已签到',
  cancelled: '已取消',
  rejected: '未通过',
  no_show: '未到场',
}

/** Statuses that hold seats; one of them per citizen per session (the database enforces both). */
export const ACTIVE_BOOKING_STATUSES = [
  'pending',
  'confirmed',
  'checked_in',
] as const satisfies readonly BookingStatus[]

/** A citizen may bring at most 5 people in all (DOMAIN.md); each of them takes a seat. */
export const ATTENDEES_MIN = 1
export const ATTENDEES_MAX = 5
export const BOOKING_MATTER_MAX = 500

export const BookingMatterSchema = z
  .string({ error: '请简要说明要反映的事项' })
  .trim()
  .min(1, '请简要说明要反映的事项')
  .max(BOOKING_MATTER_MAX, `事项说明不能超过${BOOKING_MATTER_MAX}个字`)

export const AttendeesSchema = z
  .number({ error: '请填写到场人数' })
  .int('到场人数须为整数')
  .min(ATTENDEES_MIN, `到场人数至少${ATTENDEES_MIN}人`)
  .max(ATTENDEES_MAX, `到场人数最多${ATTENDEES_MAX}人（含本人）`)

/** `POST /receptions/:id/bookings` and `POST /receptions/:id/waitlist`. */
export const BookingCreateSchema = z.strictObject({
  slotId: IdSchema,
  matter: BookingMatterSchema,
  attendees: AttendeesSchema,
  /** An existing petition of the caller's that the visit is about. */
  petitionId: IdSchema.optional(),
})
export type BookingCreate = z.infer<typeof BookingCreateSchema>
export const WaitlistJoinSchema = BookingCreateSchema
export type WaitlistJoin = BookingCreate

/**
 * 签到码: 10 characters from 32 without look-alikes (no 0/O, no 1/I), i.e. 50 bits, shown as a QR code and
 * readable aloud; `ABCDE-FGHJK` is how it is printed. Staff may type it in either case, with or without the dash.
 */
export const CHECK_IN_CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'
export const CHECK_IN_CODE_LENGTH = 10
const CHECK_IN_CODE_PATTERN = new RegExp(`^[${CHECK_IN_CODE_ALPHABET}]{${CHECK_IN_CODE_LENGTH}}$`)

export function normalizeCheckInCode(value: string): string {
  return value.replace(/[\s-]+/g, '').toUpperCase()
}

export function formatCheckInCode(code: string): string {
  return `${code.slice(0, 5)}-${code.slice(5)}`
}

export const CheckInCodeSchema = z
  .string({ error: '请输入签到码' })
  .transform(normalizeCheckInCode)
  .pipe(z.string().regex(CHECK_IN_CODE_PATTERN, `签到码为${CHECK_IN_CODE_LENGTH}位字母和数字`))

export const CheckInSchema = z.strictObject({ code: CheckInCodeSchema })
export type CheckIn = z.infer<typeof CheckInSchema>

/** The session a booking is for, as the booking shows it. */
export const BookingSessionSummarySchema = z.object({
  id: IdSchema,
  leader: z.object({ name: z.string(), title: z.string() }),
  unit: z.object({ id: IdSchema, name: z.string() }),
  startsAt: DateTimeSchema,
  endsAt: DateTimeSchema,
  mode: ReceptionModeSchema,
  place: z.string().nullable(),
  status: ReceptionSessionStatusSchema,
})
export type BookingSessionSummary = z.infer<typeof BookingSessionSummarySchema>

export const BookingSlotSummarySchema = z.object({ id: IdSchema, startsAt: DateTimeSchema, endsAt: DateTimeSchema })

/** A citizen's own booking. The matter is theirs, so it is shown in full. */
export const BookingSchema = z.object({
  id: IdSchema,
  status: BookingStatusSchema,
  session: BookingSessionSummarySchema,
  slot: BookingSlotSummarySchema,
  attendees: z.number().int().min(ATTENDEES_MIN).max(ATTENDEES_MAX),
  matter: z.string(),
  petitionId: IdSchema.nullable(),
  /** Shown as a QR code while the booking holds a seat; null once it no longer does. */
  checkInCode: z.string().nullable(),
  /** Why staff rejected it or cancelled the session. */
  statusReason: z.string().nullable(),
  /** The citizen may cancel up to this instant (the session's booking close). */
  cancellableUntil: DateTimeSchema,
  checkedInAt: DateTimeSchema.nullable(),
  createdAt: DateTimeSchema,
})
export type Booking = z.infer<typeof BookingSchema>
export const BookingListSchema = pageOf(BookingSchema)
export type BookingList = z.infer<typeof BookingListSchema>
export const BookingListQuerySchema = PageQuerySchema
export type BookingListQuery = z.infer<typeof BookingListQuerySchema>

/** Whether a booking can still be cancelled by its citizen at `now`. */
export function isBookingCancellable(booking: Pick<Booking, 'status' | 'cancellableUntil'>, now: number): boolean {
  return (booking.status === 'pending' || booking.status === 'confirmed') && now < Date.parse(booking.cancellableUntil)
}

export const WAITLIST_STATUSES = ['waiting', 'promoted', 'left'] as const
export const WaitlistStatusSchema = z.enum(WAITLIST_STATUSES)
export type WaitlistStatus = z.infer<typeof WaitlistStatusSchema>

/** A place on the waiting list (候补) of a full slot. */
export const WaitlistEntrySchema = z.object({
  id: IdSchema,
  status: WaitlistStatusSchema,
  session: BookingSessionSummarySchema,
  slot: BookingSlotSummarySchema,
  attendees: z.number().int().min(ATTENDEES_MIN).max(ATTENDEES_MAX),
  /** 1 = next in line; null unless waiting. */
  position: z.number().int().min(1).nullable(),
  /** The booking made when a seat was offered. */
  bookingId: IdSchema.nullable(),
  createdAt: DateTimeSchema,
})
export type WaitlistEntry = z.infer<typeof WaitlistEntrySchema>
export const WaitlistEntryListSchema = pageOf(WaitlistEntrySchema)
export type WaitlistEntryList = z.infer<typeof WaitlistEntryListSchema>

/** A booking as the session's staff see it: the matter to screen it, the person masked (DOMAIN.md, Privacy). */
export const StaffBookingSchema = z.object({
  id: IdSchema,
  status: BookingStatusSchema,
  sessionId: IdSchema,
  slot: BookingSlotSummarySchema,
  citizen: z.object({ realName: z.string(), idNumber: z.string(), phone: z.string() }),
  attendees: z.number().int().min(ATTENDEES_MIN).max(ATTENDEES_MAX),
  matter: z.string(),
  petitionId: IdSchema.nullable(),
  statusReason: z.string().nullable(),
  checkedInAt: DateTimeSchema.nullable(),
  createdAt: DateTimeSchema,
})
export type StaffBooking = z.infer<typeof StaffBookingSchema>
export const StaffBookingListSchema = pageOf(StaffBookingSchema)
export type StaffBookingList = z.infer<typeof StaffBookingListSchema>
export const StaffBookingListQuerySchema = PageQuerySchema.extend({ status: BookingStatusSchema.optional() })
export type StaffBookingListQuery = z.infer<typeof StaffBookingListQuerySchema>

/** `POST /staff/check-in`: who arrived, and whether the code had already been used. */
export const CheckInResultSchema = z.object({
  booking: StaffBookingSchema,
  session: BookingSessionSummarySchema,
  wasAlreadyCheckedIn: z.boolean(),
})
export type CheckInResult = z.infer<typeof CheckInResultSchema>

/** `POST /staff/sweeps/booking-reminders`: how many day-before reminders this run queued. */
export const ReminderSweepResultSchema = z.object({ reminded: z.number().int().min(0) })
export type ReminderSweepResult = z.infer<typeof ReminderSweepResultSchema>

// ---------------------------------------------------------------------------------------------------------------
// No-shows (爽约)
// ---------------------------------------------------------------------------------------------------------------

/** Three no-shows within 90 days suspend booking for 30 days from the third. */
export const NO_SHOW_LIMIT = 3
export const NO_SHOW_WINDOW_DAYS = 90
export const BOOKING_SUSPENSION_DAYS = 30

const DAY = 24 * 60 * 60 * 1000

/**
 * Until when a citizen may not book, given the start times of the sessions they failed to attend; null when
 * they may book at `now`. Any `NO_SHOW_LIMIT` no-shows within `NO_SHOW_WINDOW_DAYS` suspend booking for
 * `BOOKING_SUSPENSION_DAYS` counted from the last of them.
 */
export function bookingSuspendedUntil(noShowTimes: readonly number[], now: number): number | null {
  const times = [...noShowTimes].sort((a, b) => a - b)
  let until: number | null = null
  for (let i = NO_SHOW_LIMIT - 1; i < times.length; i++) {
    const last = times[i]!
    const first = times[i - (NO_SHOW_LIMIT - 1)]!
    if (last - first <= NO_SHOW_WINDOW_DAYS * DAY) {
      const end = last + BOOKING_SUSPENSION_DAYS * DAY
      if (until === null || end > until) until = end
    }
  }
  return until !== null && until > now ? until : null
}
