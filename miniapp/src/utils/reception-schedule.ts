import {
  addCalendarDays,
  bookingWindowPhaseOf,
  isBookingOpen,
  type ReceptionSession,
  type ReceptionSlot,
  SHANGHAI_OFFSET_MS,
  shanghaiDateOf,
} from '@xinfang/shared'
import { formatShanghaiDate, formatShanghaiDateTime } from './format'

/** One day of the 接访预约 list: its heading and the sessions held on it, in the order the API gave them. */
export interface ReceptionDay {
  /** Asia/Shanghai `YYYY-MM-DD`. */
  date: string
  /** `11月24日 周二`. */
  label: string
  /** `今天` / `明天` / `后天`: older people plan by these words more readily than by dates. */
  relative: string | undefined
  sessions: ReceptionSession[]
}

const RELATIVE_DAYS = ['今天', '明天', '后天'] as const

/** Groups sessions under the Asia/Shanghai date they start on, days in order, whatever order they came in. */
export function groupSessionsByDate(sessions: readonly ReceptionSession[], now: number): ReceptionDay[] {
  const byDate = new Map<string, ReceptionSession[]>()
  for (const session of sessions) {
    const date = shanghaiDateOf(Date.parse(session.startsAt))
    const day = byDate.get(date)
    if (day) day.push(session)
    else byDate.set(date, [session])
  }
  const today = shanghaiDateOf(now)
  return [...byDate.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, daySessions]) => ({
      date,
      label: formatShanghaiDate(`${date}T12:00:00+08:00`, now),
      relative: RELATIVE_DAYS.find((_, offset) => addCalendarDays(today, offset) === date),
      sessions: [...daySessions].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt)),
    }))
}

/** `09:00`, the Asia/Shanghai wall-clock time of an instant. */
export function formatShanghaiClock(iso: string): string {
  const shifted = new Date(Date.parse(iso) + SHANGHAI_OFFSET_MS)
  return `${String(shifted.getUTCHours()).padStart(2, '0')}:${String(shifted.getUTCMinutes()).padStart(2, '0')}`
}

/** `09:00–09:30`. */
export function formatSlotTime(slot: Pick<ReceptionSlot, 'startsAt' | 'endsAt'>): string {
  return `${formatShanghaiClock(slot.startsAt)}–${formatShanghaiClock(slot.endsAt)}`
}

/**
 * What a slot offers at `now`:
 * - `bookable`: the window is open and seats are left;
 * - `full`: the window is open and no seat is left — the waiting list (候补) is offered instead;
 * - `unavailable`: the window is not open (not yet, or no longer), or the session was cancelled.
 */
export type SlotOffer = 'bookable' | 'full' | 'unavailable'

export function slotOfferOf(
  session: Pick<ReceptionSession, 'bookingOpensAt' | 'bookingClosesAt'> & { status?: string },
  slot: Pick<ReceptionSlot, 'remaining'>,
  now: number,
): SlotOffer {
  if (session.status === 'cancelled' || !isBookingOpen(session, now)) return 'unavailable'
  return slot.remaining > 0 ? 'bookable' : 'full'
}

/** `剩余 3 个名额` / `已约满`, for one slot. */
export function formatSlotSeats(slot: Pick<ReceptionSlot, 'remaining'>): string {
  return slot.remaining > 0 ? `剩余 ${slot.remaining} 个名额` : '已约满'
}

/**
 * Why a session cannot be booked right now, in one sentence that says what to do instead; undefined while it can.
 */
export function bookingUnavailableReason(
  session: Pick<ReceptionSession, 'bookingOpensAt' | 'bookingClosesAt'> & { status?: string },
  now: number,
): string | undefined {
  if (session.status === 'cancelled') return '本场接访已取消，请选择其他场次。'
  switch (bookingWindowPhaseOf(session, now)) {
    case 'not_yet_open':
      return `本场接访将于 ${formatShanghaiDateTime(session.bookingOpensAt, now)} 开放预约，请届时再来。`
    case 'closed':
      return '本场接访已截止预约，请选择其他场次。'
    case 'open':
      return undefined
  }
}
