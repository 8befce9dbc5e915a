import { type Message, type MessageList, type MessageListQuery, toShanghaiIso } from '@xinfang/shared'
import { and, count, eq, isNull } from 'drizzle-orm'
import type { Db } from '../../db/client'
import { messages } from '../../db/schema'
import { keysetPage } from '../../lib/cursor'

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
  const keyset = keysetPage({ by: messages.at, id: messages.id, direction: 'desc' }, query)
  const rows = await db
    .select()
    .from(messages)
    .where(and(eq(messages.citizenId, citizenId), keyset.after))
    .orderBy(...keyset.orderBy)
    .limit(keyset.limit)
  const [unread] = await db
    .select({ value: count() })
    .from(messages)
    .where(and(eq(messages.citizenId, citizenId), isNull(messages.readAt)))
  const { rows: page, nextCursor } = keyset.pageOf(rows, (row) => [row.at, row.id])
  return {
    items: page.map(toMessage),
    nextCursor,
    unreadCount: unread?.value ?? 0,
  }
}
