import type { TrackResult } from '@xinfang/shared'
import { ABUSE_LIMITS, type LimitStore, TRACK_SATURATED_FAILURE_COST, windowLimiter } from '../../lib/rate-limit'
import { AppError } from '../app-error'
import { type PetitionReadDeps, trackPetition } from './petition-views'

/**
 * `/track` with its guessing limits (docs/decisions/015-abuse-limits.md). Tracking numbers are sequential, so the
 * query code alone keeps a petition's progress private: 8 characters from a 31-letter alphabet, 31^8 ≈ 8.5 × 10^11
 * (≈ 39.6 bits). Only failed lookups are counted, in the limit store and never in the database, so the read path
 * writes nothing:
 * - per caller address: past the bound every lookup from it is refused, the guesser's right answers included;
 * - per tracking number, from anywhere: past a generous bound a wrong guess is answered 429 and costs its address
 *   several failures, which slows a crowd converging on one number. The right query code is still answered —
 *   others' failures must never lock the owner out, and the code's size is what makes guessing hopeless.
 */
export async function lookUpTracking(
  deps: PetitionReadDeps & { limits: LimitStore },
  query: { trackingNo: string; queryCode: string },
  options: { address: string; now: number },
): Promise<TrackResult> {
  const { address, now } = options
  const byAddress = windowLimiter(deps.limits, ABUSE_LIMITS.trackFailuresByAddress)
  const byNumber = windowLimiter(deps.limits, ABUSE_LIMITS.trackFailuresByNumber)
  const addressWait = await byAddress.waitFor(address, now)
  if (addressWait > 0) throw tooManyLookups(addressWait)
  try {
    return await trackPetition(deps, query.trackingNo, query.queryCode, now)
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'NOT_FOUND') throw error
    const number = await byNumber.count(query.trackingNo, now)
    await byAddress.count(address, now, number.wait > 0 ? TRACK_SATURATED_FAILURE_COST : 1)
    if (number.wait > 0) throw tooManyLookups(number.wait)
    throw error
  }
}

function tooManyLookups(wait: number): AppError {
  return new AppError('RATE_LIMITED', { detail: '查询过于频繁，请稍后再试', headers: { 'retry-after': String(wait) } })
}
