import type { Database } from '../db/client'
import type { AttachmentStorage } from '../domain/attachments/storage'
import type { Keyring } from '../domain/privacy/keyring'
import type { DeadlinePolicy } from '../domain/workflow/deadline-policy'
import type { Config } from '../env'
import type { WeChatClient } from '../integrations/wechat'
import type { Logger } from '../lib/log'
import type { LimitStore } from '../lib/rate-limit'

/** Everything the app needs from the outside world; the Node and edge entries build it, tests build their own. */
export interface AppDeps {
  config: Config
  database: Database
  logger: Logger
  keyring: Keyring
  attachments: AttachmentStorage
  deadlines: DeadlinePolicy
  wechat: WeChatClient
  /**
   * Where every abuse limit keeps its counters (docs/decisions/015-abuse-limits.md): in this process's memory,
   * or a store shared by every instance.
   */
  limits: LimitStore
  /**
   * Called after an acknowledged write has committed and before the answer is sent; crash tests use it to die
   * exactly there. A no-op unless configured.
   */
  afterCommit?: (operation: string) => void
  /**
   * Checks every successful answer against the schema its route declares for that status (http/route.ts), so the
   * OpenAPI document cannot drift from what is sent. The API's own tests turn it on; a mismatch fails the request.
   */
  checkResponses?: boolean
  /** The current instant in epoch ms; tests pin it. */
  now: () => number
}

export type AppEnv = {
  Variables: {
    requestId: string
  }
}
