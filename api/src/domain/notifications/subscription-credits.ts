import {
  SUBSCRIBE_TEMPLATE_KEYS,
  SUBSCRIBE_TEMPLATE_TITLES,
  type SubscribeTemplate,
  type SubscriptionCredit,
} from '@xinfang/shared'
import { and, eq, inArray } from 'drizzle-orm'
import type { Db, WriteTx } from '../../db/client'
import { subscriptionCredits } from '../../db/schema'
import type { SubscribeTemplateIds } from '../../env'

/** The configured templates in a stable order, with the WeChat ids the mini-program must ask for. */
export function configuredTemplates(templates: SubscribeTemplateIds): SubscribeTemplate[] {
  return SUBSCRIBE_TEMPLATE_KEYS.flatMap((key) => {
    const templateId = templates[key]
    return templateId === undefined ? [] : [{ key, templateId, title: SUBSCRIBE_TEMPLATE_TITLES[key] }]
  })
}

/** Credits left per configured template, 0 where the citizen never subscribed. */
export async function creditsOf(db: Db | WriteTx, citizenId: string, templates: SubscribeTemplateIds) {
  const configured = configuredTemplates(templates)
  if (configured.length === 0) return []
  const rows = await db
    .select({ templateId: subscriptionCredits.templateId, credits: subscriptionCredits.credits })
    .from(subscriptionCredits)
    .where(
      and(
        eq(subscriptionCredits.citizenId, citizenId),
        inArray(
          subscriptionCredits.templateId,
          configured.map((template) => template.templateId),
        ),
      ),
    )
  const held = new Map(rows.map((row) => [row.templateId, row.credits]))
  return configured.map(({ templateId }): SubscriptionCredit => ({ templateId, credits: held.get(templateId) ?? 0 }))
}
