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

/** Whether a session takes bookings at `now`: the window opens N days before and closes M hours before. */
export function isBookingOpen(
  session: Pick<ReceptionSession, 'bookingOpensAt' | 'bookingClosesAt'>,
  now: number,
): boolean {
  return Date.parse(session.bookingOpensAt) <= now && now < Date.parse(session.bookingClosesAt)
}

export function remainingSeats(session: Pick<ReceptionSession, 'slots'>): number {
  return session.slots.reduce((sum, slot) => sum + slot.remaining, 0)
}
