import { z } from 'zod'

/**
 * `/health`. `degraded` (still HTTP 200): the database reads, but the latest write could not be stored — a full
 * disk, a lock another process keeps. Restarting would not help and would stop the reads too, so an orchestrator
 * should alert on it rather than replace the instance.
 */
export const HealthSchema = z.object({
  status: z.enum(['ok', 'degraded', 'unavailable']),
  db: z.enum(['ok', 'unavailable']),
  writes: z.enum(['ok', 'failing']),
  /**
   * The holiday calendar that working-day deadlines count with: the last date it knows, and `ends_soon` when that
   * is less than 120 days ahead (supply the next year with XINFANG_HOLIDAYS_FILE). It does not change `status`:
   * the service works, but working-day deadlines past that date ignore holidays.
   */
  calendar: z.object({
    coversThrough: z.iso.date().nullable(),
    status: z.enum(['ok', 'ends_soon']),
  }),
})
export type Health = z.infer<typeof HealthSchema>
