import {
  type Message,
  type MessageList,
  MessageListSchema,
  MessageSchema,
  type SubscriptionCredits,
  SubscriptionCreditsSchema,
  type Subscriptions,
  SubscriptionsSchema,
} from '@xinfang/shared'
import { http } from './api'
import type { CallOptions } from './http'

/** The message centre (消息中心), newest first, with the unread count: `GET /api/v1/messages`. */
export function listMessages(
  query: { cursor?: string; limit?: number } = {},
  { client = http, signal }: CallOptions = {},
): Promise<MessageList> {
  return client.request({ signal, path: '/api/v1/messages', query, schema: MessageListSchema, authenticated: true })
}

/** Marks one message read (safe to repeat): `POST /api/v1/messages/:id/read`. */
export function markMessageRead(id: string, { client = http, signal }: CallOptions = {}): Promise<Message> {
  return client.request({
    signal,
    method: 'POST',
    path: `/api/v1/messages/${encodeURIComponent(id)}/read`,
    schema: MessageSchema,
    authenticated: true,
  })
}

/** The WeChat subscribe-message templates configured (empty: pushes are off) and the credits left. */
export function fetchSubscriptions({ client = http, signal }: CallOptions = {}): Promise<Subscriptions> {
  return client.request({ signal, path: '/api/v1/subscriptions', schema: SubscriptionsSchema, authenticated: true })
}

/** Records the templates the citizen just accepted in `requestSubscribeMessage`: one credit each. */
export function grantSubscriptions(
  templateIds: string[],
  { client = http, signal }: CallOptions = {},
): Promise<SubscriptionCredits> {
  return client.request({
    signal,
    method: 'POST',
    path: '/api/v1/subscriptions',
    body: { templateIds },
    schema: SubscriptionCreditsSchema,
    authenticated: true,
  })
}
