import { type Message, type MessageList, type MessageListQuery, toShanghaiIso } from '@xinfang/shared'
import { and, count, desc, eq, isNull, lt, or } from 'drizzle-orm'
import type { Db } from '../../db/client'
import { messages } from '../../db/schema'
import { decodeNumberIdCursor, encodeCursor } from '../../lib/cursor'

type MessageRow = typeof messages.$inferSelect

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    at: toShanghaiIso(row.at),
    subjectKind: row.subjectKind,
    subjectId: row.subjectId,
    title: row.title,
    body: row.body,
    event: row.event,
    isRead: row.readAt !== null,
  }
}

/** The citizen's message centre (消息中心), newest first, with the number of unread messages in all pages. */
export async function listMessages(db: Db, citizenId: string, query: MessageListQuery): Promise<MessageList> {
  const after = query.cursor ? decodeNumberIdCursor(query.cursor) : undefined
  const rows = await db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.citizenId, citizenId),
        after ? or(lt(messages.at, after[0]), and(eq(messages.at, after[0]), lt(messages.id, after[1]))) : undefined,
      ),
    )
    .orderBy(desc(messages.at), desc(messages.id))
    .limit(query.limit + 1)
  const [unread] = await db
    .select({ value: count() })
    .from(messages)
    .where(and(eq(messages.citizenId, citizenId), isNull(messages.readAt)))
  const page = rows.slice(0, query.limit)
  const last = page.at(-1)
  return {
    items: page.map(toMessage),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.at, last.id]) : null,
    unreadCount: unread?.value ?? 0,
  }
}
