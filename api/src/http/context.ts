import type { Database } from '../db/client'
import type { Principal } from '../domain/auth/tokens'
import type { Keyring } from '../domain/privacy/keyring'
import type { Config } from '../env'
import type { WeChatClient } from '../integrations/wechat'
import type { Logger } from '../lib/log'

/** Everything the app needs from the outside world; the Node and edge entries build it, tests build their own. */
export interface AppDeps {
  config: Config
  database: Database
  logger: Logger
  keyring: Keyring
  wechat: WeChatClient
  /** The current instant in epoch ms; tests pin it. */
  now: () => number
}

export type AppEnv = {
  Variables: {
    requestId: string
    /** Set by the route's policy check; absent on public routes. */
    principal: Principal
  }
}
