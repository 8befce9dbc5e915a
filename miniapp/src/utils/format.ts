import { bookingWindowPhaseOf, type ReceptionSession, remainingSeats, SHANGHAI_OFFSET_MS } from '@xinfang/shared'

const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'] as const

/** Wall-clock parts of an instant in Asia/Shanghai, whatever the phone's own time zone is. */
function shanghaiPartsOf(iso: string) {
  const epochMs = Date.parse(iso)
  if (Number.isNaN(epochMs)) throw new RangeError(`not an ISO date-time: ${iso}`)
  const shifted = new Date(epochMs + SHANGHAI_OFFSET_MS)
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    weekday: WEEKDAYS[shifted.getUTCDay()] ?? '',
    time: `${pad2(shifted.getUTCHours())}:${pad2(shifted.getUTCMinutes())}`,
  }
}

function pad2(value: number): string {
  return String(value).padStart(2, '0')
}

/** `11月24日 周二`, with the year in front when it is not the current (Asia/Shanghai) year. */
export function formatShanghaiDate(iso: string, now: number): string {
  const parts = shanghaiPartsOf(iso)
  const currentYear = new Date(now + SHANGHAI_OFFSET_MS).getUTCFullYear()
  const year = parts.year === currentYear ? '' : `${parts.year}年`
  return `${year}${parts.month}月${parts.day}日 ${parts.weekday}`
}

/** `11月24日（周二）`, for a date inside a sentence ("… 前告知"), where a bare weekday would read as a new word. */
export function formatShanghaiDay(iso: string, now: number): string {
  const parts = shanghaiPartsOf(iso)
  const currentYear = new Date(now + SHANGHAI_OFFSET_MS).getUTCFullYear()
  const year = parts.year === currentYear ? '' : `${parts.year}年`
  return `${year}${parts.month}月${parts.day}日（${parts.weekday}）`
}

/** `11月24日 09:00`, for deadlines shown in a sentence. */
export function formatShanghaiDateTime(iso: string, now: number): string {
  const parts = shanghaiPartsOf(iso)
  const currentYear = new Date(now + SHANGHAI_OFFSET_MS).getUTCFullYear()
  const year = parts.year === currentYear ? '' : `${parts.year}年`
  return `${year}${parts.month}月${parts.day}日 ${parts.time}`
}

/**
 * `11月24日 周二 09:00–11:30`. A session that runs past midnight names the end date too, so nobody reads
 * `22:00–01:00` as a time that goes backwards.
 */
export function formatSessionTime(startsAt: string, endsAt: string, now: number): string {
  const start = shanghaiPartsOf(startsAt)
  const end = shanghaiPartsOf(endsAt)
  const sameDay = start.year === end.year && start.month === end.month && start.day === end.day
  const endText = sameDay ? end.time : `${formatShanghaiDate(endsAt, now)} ${end.time}`
  return `${formatShanghaiDate(startsAt, now)} ${start.time}–${endText}`
}

/** `剩余 3 个名额`, or `已约满` when no slot has a seat left. */
export function formatRemainingSeats(session: Pick<ReceptionSession, 'slots'>): string {
  const remaining = remainingSeats(session)
  return remaining > 0 ? `剩余 ${remaining} 个名额` : '已约满'
}

export type BookingState = 'open' | 'not_open_yet' | 'closed'

export const BOOKING_STATE_LABELS: Record<BookingState, string> = {
  open: '可预约',
  not_open_yet: '未开放',
  closed: '已截止',
}

export function bookingStateOf(
  session: Pick<ReceptionSession, 'bookingOpensAt' | 'bookingClosesAt'>,
  now: number,
): BookingState {
  const phase = bookingWindowPhaseOf(session, now)
  return phase === 'not_yet_open' ? 'not_open_yet' : phase
}

/** The sentence under the booking state: when the window opens or closes, so nobody has to guess. */
export function formatBookingWindow(
  session: Pick<ReceptionSession, 'bookingOpensAt' | 'bookingClosesAt'>,
  now: number,
): string {
  switch (bookingStateOf(session, now)) {
    case 'open':
      return `${formatShanghaiDateTime(session.bookingClosesAt, now)} 截止预约`
    case 'not_open_yet':
      return `${formatShanghaiDateTime(session.bookingOpensAt, now)} 开放预约`
    case 'closed':
      return '预约时间已过'
  }
}

/** `劳动保障、社会救助`, the way Chinese lists are written. */
export function formatTopics(topics: readonly string[]): string {
  return topics.join('、')
}
