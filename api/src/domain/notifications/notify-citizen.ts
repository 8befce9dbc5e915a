import { SUBSCRIBE_TEMPLATE_KEYS, type SubscribeTemplateKey } from '@xinfang/shared'
import type { WriteTx } from '../../db/client'
import { insertRow } from '../../db/prebuilt'
import { messages, notificationOutbox } from '../../db/schema'
import { newId } from '../../lib/ids'

/** The WeChat subscribe-message templates the service uses; their real ids come from configuration. */
export const NOTICE_TEMPLATES = SUBSCRIBE_TEMPLATE_KEYS
export type NoticeTemplate = SubscribeTemplateKey

export interface CitizenNotice {
  citizenId: string
  subjectKind: 'petition' | 'booking'
  subjectId: string
  /** What happened: the petition's timeline event type (`accept`, `reply`, …) or the booking notice kind. */
  event: string
  /** Short Chinese headline, e.g. '信访事项已受理'. */
  title: string
  /** One or two plain sentences: what happened and what comes next. */
  body: string
  template: NoticeTemplate
  /** The template's fields for the WeChat push (no personal data beyond what the citizen already knows). */
  payload: Record<string, string>
}

/**
 * Tells a citizen about a change, inside the transaction that makes the change: the in-app message and the
 * outbox row for the WeChat push commit with it or not at all. Delivery of the push happens later
 * (notification dispatcher); the in-app copy exists whatever happens to the push.
 */
export async function notifyCitizen(tx: WriteTx, notice: CitizenNotice, now: number): Promise<string> {
  const messageId = newId(now)
  await insertRow(tx, messages, {
    id: messageId,
    citizenId: notice.citizenId,
    at: now,
    subjectKind: notice.subjectKind,
    subjectId: notice.subjectId,
    title: notice.title,
    body: notice.body,
    event: notice.event,
  })
  await insertRow(tx, notificationOutbox, {
    id: newId(now),
    messageId,
    citizenId: notice.citizenId,
    template: notice.template,
    payload: JSON.stringify(notice.payload),
    status: 'pending',
    nextAttemptAt: now,
    createdAt: now,
  })
  return messageId
}
