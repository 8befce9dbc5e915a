import type { WaitlistEntry } from '@xinfang/shared'
import { and, eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { waitlistEntries } from '../../db/schema'
import { AppError } from '../app-error'
import { findOwnWaitlistEntry, toWaitlistEntry } from './waitlist-view'

/** Leaves the waiting list. Leaving twice is harmless; an entry already promoted has a booking to cancel instead. */
export async function leaveWaitlist(
  database: Database,
  citizenId: string,
  entryId: string,
  now: number,
): Promise<WaitlistEntry> {
  return database.write(async (tx) => {
    const found = await findOwnWaitlistEntry(tx, citizenId, entryId)
    if (found.entry.status === 'promoted') {
      throw new AppError('INVALID_TRANSITION', { detail: '候补已成功转为预约，如不能到场请取消该预约' })
    }
    if (found.entry.status === 'waiting') {
      await tx
        .update(waitlistEntries)
        .set({ status: 'left', updatedAt: now })
        .where(and(eq(waitlistEntries.id, entryId), eq(waitlistEntries.status, 'waiting')))
    }
    return toWaitlistEntry(tx, { ...found, entry: { ...found.entry, status: 'left', updatedAt: now } })
  })
}
