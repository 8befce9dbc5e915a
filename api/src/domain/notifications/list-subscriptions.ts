import type { Subscriptions } from '@xinfang/shared'
import type { Database } from '../../db/client'
import type { SubscribeTemplateIds } from '../../env'
import { configuredTemplates, creditsOf } from './subscription-credits'

/** What the mini-program shows before asking for subscriptions: the templates to request and the credits left. */
export async function listSubscriptions(
  deps: { database: Database; templates: SubscribeTemplateIds },
  citizenId: string,
): Promise<Subscriptions> {
  return {
    templates: configuredTemplates(deps.templates),
    credits: await creditsOf(deps.database.db, citizenId, deps.templates),
  }
}
