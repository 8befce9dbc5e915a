import type { Message } from '@xinfang/shared'
import { and, eq, isNull } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { messages } from '../../db/schema'
import { AppError } from '../app-error'
import { toMessage } from './list-messages'

/**
 * Marks one of the citizen's messages read. Idempotent: reading it again keeps the first read time. Another
 * citizen's message answers 404, exactly like one that does not exist.
 */
export async function markMessageRead(
  deps: { database: Database },
  citizenId: string,
  messageId: string,
  now: number,
): Promise<Message> {
  return deps.database.write(async (tx) => {
    const owned = and(eq(messages.id, messageId), eq(messages.citizenId, citizenId))
    await tx
      .update(messages)
      .set({ readAt: now })
      .where(and(owned, isNull(messages.readAt)))
    const [row] = await tx.select().from(messages).where(owned).limit(1)
    if (!row) throw new AppError('NOT_FOUND')
    return toMessage(row)
  })
}
