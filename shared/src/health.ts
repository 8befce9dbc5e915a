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
})
export type Health = z.infer<typeof HealthSchema>
