import { z } from 'zod'
import { DateTimeSchema, IdSchema, PageQuerySchema, pageOf } from './common'

/*
 * The in-app message centre (消息中心) and WeChat subscribe messages (订阅消息). Every status change of a
 * citizen's petitions and bookings lands in the message centre; a WeChat push follows where the citizen has a
 * subscription left (../shared/DOMAIN.md, "Progress tracking").
 */

export const MESSAGE_SUBJECT_KINDS = ['petition', 'booking'] as const
export const MessageSubjectKindSchema = z.enum(MESSAGE_SUBJECT_KINDS)
export type MessageSubjectKind = z.infer<typeof MessageSubjectKindSchema>

export const MessageSchema = z.object({
  id: IdSchema,
  at: DateTimeSchema,
  subjectKind: MessageSubjectKindSchema,
  /** The petition or booking the message is about (for a waiting-list notice, the waiting-list entry). */
  subjectId: IdSchema,
  title: z.string(),
  body: z.string(),
  /**
   * What happened, for a client to act on: for a petition, the type of the timeline event announced (`reply`,
   * `review_reply` and `recheck_reply` invite a rating); for a booking, the notice kind. Null on messages written
   * before the field existed.
   */
  event: z.string().nullable(),
  isRead: z.boolean(),
})
export type Message = z.infer<typeof MessageSchema>

/** Newest first; `unreadCount` covers every message of the caller, not just this page (the badge on the tab). */
export const MessageListSchema = pageOf(MessageSchema).extend({ unreadCount: z.number().int().min(0) })
export type MessageList = z.infer<typeof MessageListSchema>
export const MessageListQuerySchema = PageQuerySchema
export type MessageListQuery = z.infer<typeof MessageListQuerySchema>
export const MessageIdParamsSchema = z.object({ id: IdSchema })

/**
 * The subscribe-message templates the service sends, by logical name; the real WeChat template ids are
 * deployment configuration (`WECHAT_TEMPLATE_IDS`), since each mini-program picks its own from WeChat's library.
 */
export const SUBSCRIBE_TEMPLATE_KEYS = ['petition_progress', 'booking_update'] as const
export const SubscribeTemplateKeySchema = z.enum(SUBSCRIBE_TEMPLATE_KEYS)
export type SubscribeTemplateKey = z.infer<typeof SubscribeTemplateKeySchema>

export const SUBSCRIBE_TEMPLATE_TITLES: Record<SubscribeTemplateKey, string> = {
  petition_progress: '信访事项办理进度提醒',
  booking_update: '接访预约状态提醒',
}

/** `wx.requestSubscribeMessage` takes at most this many template ids per call (DOMAIN.md, WeChat facts). */
export const SUBSCRIBE_TEMPLATES_PER_REQUEST_MAX = 5

/** A WeChat template id as the 公众平台 shows it, e.g. `bDmywsp2oEHjwAadTGKkUHpC0RgBVPvfAVCChGBFp1c`. */
export const WeChatTemplateIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, '模板编号格式不正确')

/**
 * The template ids the citizen accepted in one `requestSubscribeMessage` tap (the keys whose value was `accept`).
 * One tap allows one message per template, so a repeated id is a client mistake, not two credits.
 */
export const SubscriptionGrantSchema = z.strictObject({
  templateIds: z
    .array(WeChatTemplateIdSchema)
    .min(1)
    .max(SUBSCRIBE_TEMPLATES_PER_REQUEST_MAX)
    .refine((ids) => new Set(ids).size === ids.length, '同一模板在一次订阅中只能出现一次'),
})
export type SubscriptionGrant = z.infer<typeof SubscriptionGrantSchema>

/** How many more subscribe messages of this template may be pushed to the citizen. */
export const SubscriptionCreditSchema = z.object({
  templateId: WeChatTemplateIdSchema,
  credits: z.number().int().min(0),
})
export type SubscriptionCredit = z.infer<typeof SubscriptionCreditSchema>

export const SubscriptionCreditsSchema = z.object({ credits: z.array(SubscriptionCreditSchema) })
export type SubscriptionCredits = z.infer<typeof SubscriptionCreditsSchema>

export const SubscribeTemplateSchema = z.object({
  key: SubscribeTemplateKeySchema,
  templateId: WeChatTemplateIdSchema,
  title: z.string(),
})
export type SubscribeTemplate = z.infer<typeof SubscribeTemplateSchema>

/**
 * What the mini-program needs before it asks: the configured templates (pass their `templateId`s to
 * `requestSubscribeMessage`) and the credits left for each. An empty `templates` list means pushes are off.
 */
export const SubscriptionsSchema = SubscriptionCreditsSchema.extend({ templates: z.array(SubscribeTemplateSchema) })
export type Subscriptions = z.infer<typeof SubscriptionsSchema>

/**
 * The page a subscribe message opens. Tab pages, because WeChat refuses a push whose page is missing from the
 * released version (errcode 41030); the query tells the page which message and subject to show.
 */
export const MESSAGE_PAGES: Record<MessageSubjectKind, string> = {
  petition: 'pages/petitions/index',
  booking: 'pages/receptions/index',
}

export function messagePageOf(subjectKind: MessageSubjectKind, messageId: string, subjectId: string): string {
  return `${MESSAGE_PAGES[subjectKind]}?messageId=${encodeURIComponent(messageId)}&subjectId=${encodeURIComponent(subjectId)}`
}
