import {
  BOOKING_SUSPENSION_DAYS,
  bookingSuspendedUntil,
  DAY_MS,
  NO_SHOW_LIMIT,
  NO_SHOW_WINDOW_DAYS,
} from '@xinfang/shared'
import { and, eq, gt } from 'drizzle-orm'
import { bookings, receptionSessions } from '../../db/schema'
import { AppError } from '../app-error'
import { formatSessionTime, type Reader } from './session-view'

/** Only no-shows this recent can still make a suspension reach past `now`. */
export const NO_SHOW_LOOKBACK_MS = (NO_SHOW_WINDOW_DAYS + BOOKING_SUSPENSION_DAYS) * DAY_MS

/** Until when the citizen's booking is suspended for repeated no-shows, or null. */
export async function findBookingSuspension(db: Reader, citizenId: string, now: number): Promise<number | null> {
  const rows = await db
    .select({ at: receptionSessions.startsAt })
    .from(bookings)
    .innerJoin(receptionSessions, eq(receptionSessions.id, bookings.sessionId))
    .where(
      and(
        eq(bookings.citizenId, citizenId),
        eq(bookings.status, 'no_show'),
        gt(receptionSessions.startsAt, now - NO_SHOW_LOOKBACK_MS),
      ),
    )
  return bookingSuspendedUntil(
    rows.map((row) => row.at),
    now,
  )
}

/** 403 BOOKING_SUSPENDED, with the reason and the end date in words the citizen can act on. */
export async function requireBookingAllowed(db: Reader, citizenId: string, now: number): Promise<void> {
  const until = await findBookingSuspension(db, citizenId, now)
  if (until === null) return
  throw new AppError('BOOKING_SUSPENDED', {
    detail: `您在${NO_SHOW_WINDOW_DAYS}天内有${NO_SHOW_LIMIT}次预约未到场，预约功能暂停至${formatSessionTime(until)}。如有特殊情况，请联系接访单位。`,
  })
}
