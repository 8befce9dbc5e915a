import { endOfCalendarDaysAfter, RATING_WINDOW_DAYS, type Rating, type RatingCreate } from '@xinfang/shared'
import { and, eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { bookings, receptionSessions } from '../../db/schema'
import { AppError } from '../app-error'
import { insertRating } from './insert-rating'
import { ratingViewOf } from './review-windows'

/** A reception visit is rated once, after the session has ended and within the rating window. */
export async function rateBooking(
  database: Database,
  citizenId: string,
  bookingId: string,
  input: RatingCreate,
  now: number,
): Promise<Rating> {
  return database.write(async (tx) => {
    const [row] = await tx
      .select({ booking: bookings, endsAt: receptionSessions.endsAt })
      .from(bookings)
      .innerJoin(receptionSessions, eq(receptionSessions.id, bookings.sessionId))
      .where(and(eq(bookings.id, bookingId), eq(bookings.citizenId, citizenId)))
      .limit(1)
    if (!row) throw new AppError('NOT_FOUND')
    const attended = row.booking.status === 'confirmed' || row.booking.status === 'checked_in'
    if (!attended || now < row.endsAt || now > endOfCalendarDaysAfter(row.endsAt, RATING_WINDOW_DAYS)) {
      throw new AppError('RATING_NOT_OPEN', { detail: '接访结束后 30 日内可以评价本次接访' })
    }
    const rating = await insertRating(
      tx,
      { subjectKind: 'booking', subjectId: bookingId, stage: 'session', citizenId, input },
      now,
    )
    return ratingViewOf(rating, now, null, now)
  })
}
