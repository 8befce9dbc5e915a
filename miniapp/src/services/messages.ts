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
import type { HttpClient } from './http'

/** The message centre (消息中心), newest first, with the unread count: `GET /api/v1/messages`. */
export function listMessages(
  query: { cursor?: string; limit?: number } = {},
  client: HttpClient = http,
): Promise<MessageList> {
  return client.request({ path: '/api/v1/messages', query, schema: MessageListSchema, authenticated: true })
}

/** Marks one message read (safe to repeat): `POST /api/v1/messages/:id/read`. */
export function markMessageRead(id: string, client: HttpClient = http): Promise<Message> {
  return client.request({
    method: 'POST',
    path: `/api/v1/messages/${encodeURIComponent(id)}/read`,
    schema: MessageSchema,
    authenticated: true,
  })
}

/** The WeChat subscribe-message templates configured (empty: pushes are off) and the credits left. */
export function fetchSubscriptions(client: HttpClient = http): Promise<Subscriptions> {
  return client.request({ path: '/api/v1/subscriptions', schema: SubscriptionsSchema, authenticated: true })
}

/** Records the templates the citizen just accepted in `requestSubscribeMessage`: one credit each. */
export function grantSubscriptions(templateIds: string[], client: HttpClient = http): Promise<SubscriptionCredits> {
  return client.request({
    method: 'POST',
    path: '/api/v1/subscriptions',
    body: { templateIds },
    schema: SubscriptionCreditsSchema,
    authenticated: true,
  })
}
