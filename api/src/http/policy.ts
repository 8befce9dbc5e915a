import type { Context } from 'hono'
import type { AppEnv } from './context'

/**
 * Who may call a route. Every route declares one (deny by default: a route without a policy cannot be
 * registered), and the OpenAPI document publishes it as `x-policy`.
 */
export type Policy = 'public'

export const POLICY_DESCRIPTIONS: Record<Policy, string> = {
  public: '无需登录',
}

export async function enforcePolicy(policy: Policy, _c: Context<AppEnv>): Promise<void> {
  switch (policy) {
    case 'public':
      return
  }
}
