import {
  ACTIVE_BOOKING_STATUSES,
  BOOKING_STATUS_LABELS,
  type Booking,
  type BookingStatus,
  isBookingCancellable,
  type WaitlistEntry,
} from '@xinfang/shared'
import { formatShanghaiDateTime } from './format'

/** The colour family of a status badge; every one of them is dark text on a light tint, ≥ 4.5:1. */
export type StatusTone = 'success' | 'pending' | 'muted' | 'danger'

export const BOOKING_STATUS_TONES: Record<BookingStatus, StatusTone> = {
  pending: 'pending',
  confirmed: 'success',
  checked_in: 'success',
  cancelled: 'muted',
  rejected: 'danger',
  no_show: 'danger',
}

export function bookingStatusLabel(status: BookingStatus): string {
  return BOOKING_STATUS_LABELS[status]
}

export function isActiveBooking(booking: Pick<Booking, 'status'>): boolean {
  return (ACTIVE_BOOKING_STATUSES as readonly BookingStatus[]).includes(booking.status)
}

/**
 * 我的预约 in two parts: what is still ahead (a booking holding a seat whose slot has not ended), soonest first, and
 * everything else, newest first as the API lists it.
 */
export function splitBookings(bookings: readonly Booking[], now: number): { upcoming: Booking[]; past: Booking[] } {
  const upcoming: Booking[] = []
  const past: Booking[] = []
  for (const booking of bookings) {
    if (isActiveBooking(booking) && Date.parse(booking.slot.endsAt) > now) upcoming.push(booking)
    else past.push(booking)
  }
  upcoming.sort((a, b) => Date.parse(a.slot.startsAt) - Date.parse(b.slot.startsAt))
  return { upcoming, past }
}

/** The sentence about cancelling, or undefined when the booking no longer holds a seat anyway. */
export function cancellationNote(
  booking: Pick<Booking, 'status' | 'cancellableUntil'>,
  now: number,
): string | undefined {
  if (booking.status !== 'pending' && booking.status !== 'confirmed') return undefined
  const until = formatShanghaiDateTime(booking.cancellableUntil, now)
  return isBookingCancellable(booking, now)
    ? `如不能到场，请在 ${until} 前取消，把名额让给其他群众。`
    : `已过取消截止时间（${until}）。如不能到场，请联系接访单位说明。`
}

/** What a booking asks of the person next, under its status. */
export function bookingNextStep(booking: Pick<Booking, 'status' | 'session'>): string | undefined {
  switch (booking.status) {
    case 'pending':
      return '预约已提交，需工作人员审核。审核结果会通过消息通知您。'
    case 'confirmed':
      return booking.session.mode === 'video'
        ? '视频接访：请在预约时段前保持手机畅通，工作人员会与您联系。'
        : '接访当天请提前到场，向工作人员出示签到二维码，或报出签到码。'
    case 'checked_in':
      return '您已签到，请听从工作人员安排。'
    default:
      return undefined
  }
}

export interface WaitlistView {
  label: string
  tone: StatusTone
  note: string
  /** 退出候补 is offered only while waiting. */
  canLeave: boolean
}

export function describeWaitlistEntry(entry: Pick<WaitlistEntry, 'status' | 'position'>): WaitlistView {
  switch (entry.status) {
    case 'waiting':
      return {
        label: entry.position === null ? '候补中' : `候补第 ${entry.position} 位`,
        tone: 'pending',
        note: '有人取消时，会按先后顺序自动为您预约，并发消息通知您。',
        canLeave: true,
      }
    case 'promoted':
      return { label: '已转为预约', tone: 'success', note: '已为您自动预约，请查看预约和签到码。', canLeave: false }
    case 'left':
      return { label: '已退出候补', tone: 'muted', note: '您已不在候补名单中。', canLeave: false }
  }
}
