import { fileURLToPath } from 'node:url'
import { z } from 'zod'

/** The repository root: `data/` and the H5 build are found relative to it when nothing is configured. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

const booleanFromString = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1')

const ConfigSchema = z.object({
  XINFANG_MODE: z.enum(['demo', 'production']).default('demo'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  XINFANG_DATA_DIR: z.string().min(1).default(`${REPO_ROOT}data`),
  DATABASE_URL: z.string().min(1).optional(),
  DATABASE_AUTH_TOKEN: z.string().min(1).optional(),
  /** Connections the embedded database may open; writes are serialized anyway, extra ones serve reads. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(64).default(4),
  DATABASE_BUSY_TIMEOUT_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  /** The mini-program's H5 build, served at `/` when it exists. */
  XINFANG_WEB_ROOT: z.string().min(1).default(`${REPO_ROOT}miniapp/dist/h5`),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    ),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  XINFANG_SEED: booleanFromString.optional(),
  WECHAT_APPID: z.string().min(1).optional(),
  WECHAT_SECRET: z.string().min(1).optional(),
  WECHAT_API_BASE_URL: z.url().default('https://api.weixin.qq.com'),
  /** Subscribe-message template ids the mini-program asks citizens to accept, comma-separated. */
  WECHAT_TEMPLATE_IDS: z.string().default(''),
})

export type Config = {
  mode: 'demo' | 'production'
  host: string
  port: number
  dataDir: string
  databaseUrl: string
  databaseAuthToken: string | undefined
  databasePoolSize: number
  databaseBusyTimeoutMs: number
  webRoot: string
  corsOrigins: string[]
  bodyLimitBytes: number
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent'
  /** Whether demo data is seeded on start: on by default in demo mode, never in production. */
  seedDemoData: boolean
  wechat: { appId: string; secret: string; baseUrl: string }
  /** The raw environment, for the keyring loader, which reads key variables itself. */
  env: Record<string, string | undefined>
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/**
 * Parses the environment once (STYLE.md rule 7). Every default makes `npm start` work on a fresh machine;
 * production mode refuses defaults that would be unsafe.
 */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(source)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
  }
  const env = parsed.data
  const config: Config = {
    mode: env.XINFANG_MODE,
    host: env.HOST,
    port: env.PORT,
    dataDir: env.XINFANG_DATA_DIR,
    databaseUrl: env.DATABASE_URL ?? `file:${env.XINFANG_DATA_DIR}/xinfang.db`,
    databaseAuthToken: env.DATABASE_AUTH_TOKEN,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    databaseBusyTimeoutMs: env.DATABASE_BUSY_TIMEOUT_MS,
    webRoot: env.XINFANG_WEB_ROOT,
    corsOrigins: env.CORS_ORIGINS,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    logLevel: env.LOG_LEVEL,
    seedDemoData: env.XINFANG_MODE === 'demo' && (env.XINFANG_SEED ?? true),
    // Demo mode talks to a WeChat that will refuse these placeholders; demo login does not need WeChat at all.
    wechat: {
      appId: env.WECHAT_APPID ?? 'demo-appid',
      secret: env.WECHAT_SECRET ?? 'demo-secret',
      baseUrl: env.WECHAT_API_BASE_URL.replace(/\/$/, ''),
    },
    env: source,
  }
  if (config.mode === 'production') {
    if (env.XINFANG_SEED) {
      throw new ConfigError('XINFANG_SEED=true is refused in production mode: demo data must never reach production.')
    }
    const missing = (['WECHAT_APPID', 'WECHAT_SECRET'] as const).filter((name) => !env[name])
    if (missing.length > 0) {
      throw new ConfigError(
        `Production mode needs the mini-program's WeChat credentials: set ${missing.join(' and ')} (微信公众平台 → 开发管理 → 开发设置).`,
      )
    }
  }
  return config
}
