import type { Database } from '../db/client'
import type { Config } from '../env'
import type { Logger } from '../lib/log'

/** Everything the app needs from the outside world; the Node and edge entries build it, tests build their own. */
export interface AppDeps {
  config: Config
  database: Database
  logger: Logger
  /** The current instant in epoch ms; tests pin it. */
  now: () => number
}

export type AppEnv = {
  Variables: {
    requestId: string
  }
}
