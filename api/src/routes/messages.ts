import {
  MessageIdParamsSchema,
  MessageListQuerySchema,
  MessageListSchema,
  MessageSchema,
  SubscriptionCreditsSchema,
  SubscriptionGrantSchema,
  SubscriptionsSchema,
} from '@xinfang/shared'
import { grantSubscriptions } from '../domain/notifications/grant-subscriptions'
import { listMessages } from '../domain/notifications/list-messages'
import { listSubscriptions } from '../domain/notifications/list-subscriptions'
import { markMessageRead } from '../domain/notifications/mark-message-read'
import type { AppDeps } from '../http/context'
import { createResource, defineRoute } from '../http/route'

/** The in-app message centre (消息中心) and WeChat subscribe-message credits (订阅消息). */
export function messageRoutes(deps: AppDeps) {
  const resource = createResource(deps)
  const subscriptionDeps = { database: deps.database, templates: deps.config.wechat.templates }

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/messages',
      summary: '我的消息（信访事项和接访预约的每一次状态变化）',
      description: '按时间倒序；unreadCount 为全部未读消息数。',
      tags: ['messages'],
      policy: 'citizen',
      query: MessageListQuerySchema,
      responses: { 200: { description: '消息列表', schema: MessageListSchema } },
    },
    async (c, { principal, query }) => {
      c.header('cache-control', 'no-store')
      return c.json(await listMessages(deps.database.db, principal.id, query), 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/messages/:id/read',
      summary: '标记消息已读（可重复调用）',
      tags: ['messages'],
      policy: 'citizen',
      params: MessageIdParamsSchema,
      responses: { 200: { description: '已读的消息', schema: MessageSchema } },
    },
    async (c, { principal, params }) => {
      c.header('cache-control', 'no-store')
      return c.json(await markMessageRead(deps, principal.id, params.id, deps.now()), 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/subscriptions',
      summary: '订阅消息模板与剩余可推送次数',
      description: '把 templates 中的 templateId 传给 wx.requestSubscribeMessage；templates 为空表示未开通微信推送。',
      tags: ['messages'],
      policy: 'citizen',
      responses: { 200: { description: '模板与剩余次数', schema: SubscriptionsSchema } },
    },
    async (c, { principal }) => {
      c.header('cache-control', 'no-store')
      return c.json(await listSubscriptions(subscriptionDeps, principal.id), 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/subscriptions',
      summary: '登记用户在 wx.requestSubscribeMessage 中同意的模板（每个模板加一次推送机会）',
      description: '一次最多 5 个模板，不可重复；非本服务配置的模板返回 400 VALIDATION_FAILED。',
      tags: ['messages'],
      policy: 'citizen',
      body: SubscriptionGrantSchema,
      responses: { 200: { description: '各模板剩余次数', schema: SubscriptionCreditsSchema } },
    },
    async (c, { principal, body }) => {
      const credits = await grantSubscriptions(subscriptionDeps, principal.id, body.templateIds, deps.now())
      c.header('cache-control', 'no-store')
      return c.json({ credits }, 200)
    },
  )

  return resource
}
