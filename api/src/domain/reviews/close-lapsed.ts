import { DAY_MS, RATING_WINDOW_DAYS, SYSTEM_TRANSITION_RULES } from '@xinfang/shared'
import { and, eq, inArray, isNotNull, lt, ne, or } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { petitionEvents, petitions } from '../../db/schema'
import { newId } from '../../lib/ids'
import type { DeadlinePolicy } from '../workflow/deadline-policy'

/**
 * Ends petitions whose windows have lapsed: a reply nobody asked to review within its window is 办结 (`closed`);
 * a 复核 reply is 终结 (`finalized`) once its rating window is over. Idempotent and batched.
 */
export async function closeLapsedPetitions(
  deps: { database: Database; deadlines: DeadlinePolicy },
  now: number,
): Promise<{ closed: number; finalized: number }> {
  const { close, finalize } = SYSTEM_TRANSITION_RULES
  // Review windows are calendar days in every profile (30 days, Art. 35–36).
  const reviewDays = deps.deadlines.profile.reviewRequest.days
  // A cheap bound for the index; the exact end of each window is checked below.
  const repliedBefore = now - reviewDays * DAY_MS
  return deps.database.write(async (tx) => {
    const lapsed = await tx
      .select({
        id: petitions.id,
        status: petitions.status,
        repliedAt: petitions.repliedAt,
        kind: petitions.kind,
        profile: petitions.deadlineProfile,
      })
      .from(petitions)
      .where(
        and(
          isNotNull(petitions.repliedAt),
          or(
            and(inArray(petitions.status, close.from), lt(petitions.repliedAt, repliedBefore)),
            and(inArray(petitions.status, finalize.from), lt(petitions.repliedAt, now - RATING_WINDOW_DAYS * DAY_MS)),
          ),
          ne(petitions.status, 'closed'),
        ),
      )
      .limit(500)
    let closed = 0
    let finalized = 0
    for (const row of lapsed) {
      const isFinal = finalize.from.includes(row.status)
      if (!isFinal && row.kind === 'complaint' && row.repliedAt !== null) {
        const deadline = deps.deadlines.after(row.repliedAt, deps.deadlines.profileOf(row.profile).reviewRequest)
        if (now <= deadline) continue
      }
      const to = isFinal ? finalize.to : close.to
      await tx.update(petitions).set({ status: to, closedAt: now, updatedAt: now }).where(eq(petitions.id, row.id))
      await tx.insert(petitionEvents).values({
        id: newId(now),
        petitionId: row.id,
        at: now,
        type: to,
        publicMessage:
          to === 'finalized'
            ? '本事项已经复核，信访程序终结（《信访工作条例》第三十六条）。'
            : '申请复查（复核）的期限已过，本事项办结。感谢您的监督。',
        actorKind: 'system',
      })
      if (to === 'finalized') finalized++
      else closed++
    }
    return { closed, finalized }
  })
}
