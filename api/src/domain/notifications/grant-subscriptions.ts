import type { SubscriptionCredit } from '@xinfang/shared'
import { sql } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { subscriptionCredits } from '../../db/schema'
import type { SubscribeTemplateIds } from '../../env'
import { AppError } from '../app-error'
import { configuredTemplates, creditsOf } from './subscription-credits'

/**
 * Records one `wx.requestSubscribeMessage` tap: one more credit for each template the citizen accepted. WeChat
 * tells only the mini-program what was accepted, so the server takes the client's word; an inflated count
 * costs nothing worse than a push WeChat refuses with 43101, which resets the count (dispatch-outbox.ts).
 * Only configured templates are accepted: credits for anything else could never be spent.
 */
export async function grantSubscriptions(
  deps: { database: Database; templates: SubscribeTemplateIds },
  citizenId: string,
  templateIds: readonly string[],
  now: number,
): Promise<SubscriptionCredit[]> {
  const known = new Set(configuredTemplates(deps.templates).map((template) => template.templateId))
  const errors = templateIds.flatMap((templateId, index) =>
    known.has(templateId) ? [] : [{ path: `body.templateIds.${index}`, message: '不是本服务使用的订阅消息模板' }],
  )
  if (errors.length > 0) throw new AppError('VALIDATION_FAILED', { errors })
  return deps.database.write(async (tx) => {
    for (const templateId of templateIds) {
      await tx
        .insert(subscriptionCredits)
        .values({ citizenId, templateId, credits: 1, updatedAt: now })
        .onConflictDoUpdate({
          target: [subscriptionCredits.citizenId, subscriptionCredits.templateId],
          set: { credits: sql`${subscriptionCredits.credits} + 1`, updatedAt: now },
        })
    }
    return creditsOf(tx, citizenId, deps.templates)
  })
}
