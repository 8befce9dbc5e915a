import { fileURLToPath } from 'node:url'
import { SUBSCRIBE_TEMPLATE_KEYS, type SubscribeTemplateKey, WeChatTemplateIdSchema } from '@xinfang/shared'
import { z } from 'zod'

/** The repository root: `data/` and the H5 build are found relative to it when nothing is configured. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** A variable set to only spaces is as good as unset. */
const optionalTrimmed = z
  .string()
  .optional()
  .transform((value) => value?.trim() || undefined)

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
  /** A ceiling on the embedded database file, in MB, below the disk's own (docs/decisions/010-storage-faults.md). */
  DATABASE_MAX_SIZE_MB: z.coerce.number().int().min(1).optional(),
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
  /**
   * How long a client may take to send its request headers and its whole request (two minutes: a 10 MB upload
   * at 0.7 Mbit/s), and how long an idle keep-alive connection is kept; see
   * docs/decisions/016-hostile-input-bounds.md.
   */
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(120_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /**
   * How many reverse proxies in front of the API append the caller's address to `X-Forwarded-For` / `Forwarded`;
   * 0 reads the socket only (docs/decisions/015-abuse-limits.md).
   */
  TRUST_PROXY: z.coerce.number().int().min(0).max(16).default(0),
  XINFANG_SEED: booleanFromString.optional(),
  /** Personal-data, blind-index, token and audit keys, or a directory with keys.json (domain/privacy/keyring.ts). */
  XINFANG_DATA_KEYS: optionalTrimmed,
  XINFANG_INDEX_KEY: optionalTrimmed,
  XINFANG_TOKEN_SECRET: optionalTrimmed,
  XINFANG_AUDIT_KEY: optionalTrimmed,
  XINFANG_SECRETS_DIR: optionalTrimmed,
  WECHAT_APPID: z.string().min(1).optional(),
  WECHAT_SECRET: z.string().min(1).optional(),
  WECHAT_API_BASE_URL: z.url().default('https://api.weixin.qq.com'),
  /**
   * Which WeChat subscribe-message template (公众平台 → 订阅消息 → 我的模板) carries each notice:
   * `petition_progress=<id>,booking_update=<id>`. Unset: no pushes, the in-app message centre only.
   */
  WECHAT_TEMPLATE_IDS: z.string().default('').transform(parseTemplateIds),
  /** How often the notification outbox is delivered, in ms; 0 turns the worker off (another process runs it). */
  XINFANG_OUTBOX_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  /** After this long a push claimed by a process that never recorded its outcome counts as interrupted. */
  XINFANG_OUTBOX_LEASE_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(120_000),
  /** Which legal time limits apply (`national`, `zhejiang`); provinces set their own (DOMAIN.md). */
  XINFANG_DEADLINE_PROFILE: z.enum(['national', 'zhejiang']).default('national'),
  /** Extra holiday-calendar JSON for a year the bundled calendar does not cover yet. */
  XINFANG_HOLIDAYS_FILE: z.string().min(1).optional(),
  /** Fault injection for crash tests: the process kills itself right after this operation commits. */
  XINFANG_CRASH_AFTER_COMMIT: z.string().min(1).optional(),
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
  /** Unset: the embedded file may grow until the disk is full. */
  databaseMaxSizeBytes: number | undefined
  webRoot: string
  corsOrigins: string[]
  bodyLimitBytes: number
  /** Node's server timeouts, in ms: headers, the whole request, an idle keep-alive connection. */
  http: { headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number }
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent'
  /** Reverse-proxy hops whose forwarded address is believed, for abuse limits. */
  trustProxy: number
  /** Whether demo data is seeded on start: on by default in demo mode, never in production. */
  seedDemoData: boolean
  wechat: { appId: string; secret: string; baseUrl: string; templates: SubscribeTemplateIds }
  /** The notification outbox worker (docs/decisions/003-notification-outbox.md). */
  outbox: { intervalMs: number; leaseMs: number }
  deadlineProfile: 'national' | 'zhejiang'
  holidaysFile: string | undefined
  /** Crash tests only (demo mode): the operation after whose commit the process dies with SIGKILL. */
  crashAfterCommit: string | undefined
  /** Where the keys come from, as configured; the keyring checks and decodes them (domain/privacy/keyring.ts). */
  keys: KeySettings
}

/** The key variables, unchecked: `loadKeyring` decides which source applies and validates it. */
export interface KeySettings {
  dataKeys?: string | undefined
  indexKey?: string | undefined
  tokenSecret?: string | undefined
  auditKey?: string | undefined
  secretsDir?: string | undefined
}

/** The real WeChat template id of each logical notice template that is configured. */
export type SubscribeTemplateIds = Partial<Record<SubscribeTemplateKey, string>>

function isTemplateKey(value: string): value is SubscribeTemplateKey {
  return SUBSCRIBE_TEMPLATE_KEYS.some((key) => key === value)
}

function parseTemplateIds(value: string, ctx: z.RefinementCtx<string>): SubscribeTemplateIds {
  const templates: SubscribeTemplateIds = {}
  const fail = (message: string) => {
    ctx.addIssue({ code: 'custom', message })
    return z.NEVER
  }
  for (const entry of value.split(',').map((part) => part.trim())) {
    if (!entry) continue
    const [key = '', templateId = '', ...rest] = entry.split('=').map((part) => part.trim())
    if (rest.length > 0 || !templateId) {
      return fail(`expected name=templateId pairs such as petition_progress=<id>, got "${entry}"`)
    }
    if (!isTemplateKey(key)) return fail(`unknown template "${key}"; known: ${SUBSCRIBE_TEMPLATE_KEYS.join(', ')}`)
    if (templates[key] !== undefined) return fail(`template "${key}" is given twice`)
    if (!WeChatTemplateIdSchema.safeParse(templateId).success) return fail(`"${templateId}" is not a template id`)
    // Credits are counted per WeChat template, so two notices sharing one id would spend each other's.
    if (Object.values(templates).includes(templateId)) return fail(`"${templateId}" is given for two templates`)
    templates[key] = templateId
  }
  return templates
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
    databaseMaxSizeBytes: env.DATABASE_MAX_SIZE_MB === undefined ? undefined : env.DATABASE_MAX_SIZE_MB * 1024 * 1024,
    webRoot: env.XINFANG_WEB_ROOT,
    corsOrigins: env.CORS_ORIGINS,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    http: {
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    },
    logLevel: env.LOG_LEVEL,
    trustProxy: env.TRUST_PROXY,
    seedDemoData: env.XINFANG_MODE === 'demo' && (env.XINFANG_SEED ?? true),
    // Demo mode talks to a WeChat that will refuse these placeholders; demo login does not need WeChat at all.
    wechat: {
      appId: env.WECHAT_APPID ?? 'demo-appid',
      secret: env.WECHAT_SECRET ?? 'demo-secret',
      baseUrl: env.WECHAT_API_BASE_URL.replace(/\/$/, ''),
      templates: env.WECHAT_TEMPLATE_IDS,
    },
    outbox: { intervalMs: env.XINFANG_OUTBOX_INTERVAL_MS, leaseMs: env.XINFANG_OUTBOX_LEASE_MS },
    deadlineProfile: env.XINFANG_DEADLINE_PROFILE,
    holidaysFile: env.XINFANG_HOLIDAYS_FILE,
    crashAfterCommit: env.XINFANG_CRASH_AFTER_COMMIT,
    keys: {
      dataKeys: env.XINFANG_DATA_KEYS,
      indexKey: env.XINFANG_INDEX_KEY,
      tokenSecret: env.XINFANG_TOKEN_SECRET,
      auditKey: env.XINFANG_AUDIT_KEY,
      secretsDir: env.XINFANG_SECRETS_DIR,
    },
  }
  // Node refuses a headers timeout longer than the request's, which already includes the headers.
  if (config.http.headersTimeoutMs > config.http.requestTimeoutMs) {
    throw new ConfigError(
      `HTTP_HEADERS_TIMEOUT_MS (${config.http.headersTimeoutMs}) cannot exceed HTTP_REQUEST_TIMEOUT_MS (${config.http.requestTimeoutMs}).`,
    )
  }
  if (config.mode === 'production') {
    if (env.XINFANG_CRASH_AFTER_COMMIT) {
      throw new ConfigError('XINFANG_CRASH_AFTER_COMMIT is a crash-test switch and is refused in production mode.')
    }
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
