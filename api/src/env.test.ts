import { expect, test } from 'vitest'
import { ConfigError, loadConfig } from './env'

test('an empty environment gives a working demo configuration on port 8787 with a file database under data/', () => {
  const config = loadConfig({})
  expect(config.mode).toBe('demo')
  expect(config.port).toBe(8787)
  expect(config.databaseUrl).toMatch(/^file:.*\/data\/xinfang\.db$/)
  expect(config.seedDemoData).toBe(true)
  expect(config.corsOrigins).toEqual([])
})

test('a libSQL server URL and token are taken as given', () => {
  const config = loadConfig({ DATABASE_URL: 'libsql://db.example.internal:8080', DATABASE_AUTH_TOKEN: 'tok' })
  expect(config.databaseUrl).toBe('libsql://db.example.internal:8080')
  expect(config.databaseAuthToken).toBe('tok')
})

test('CORS origins are read as a comma-separated list', () => {
  expect(loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example ,' }).corsOrigins).toEqual([
    'https://a.example',
    'https://b.example',
  ])
})

test('an invalid value is refused with a message naming the variable', () => {
  expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError)
  expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/)
})

test('the database may grow without a ceiling unless DATABASE_MAX_SIZE_MB sets one, read in MB', () => {
  expect(loadConfig({}).databaseMaxSizeBytes).toBeUndefined()
  expect(loadConfig({ DATABASE_MAX_SIZE_MB: '2048' }).databaseMaxSizeBytes).toBe(2048 * 1024 * 1024)
  expect(() => loadConfig({ DATABASE_MAX_SIZE_MB: '0' })).toThrow(/DATABASE_MAX_SIZE_MB/)
  expect(() => loadConfig({ DATABASE_MAX_SIZE_MB: '2GB' })).toThrow(/DATABASE_MAX_SIZE_MB/)
})

test('server timeouts default to 15 s for headers, 2 min for a whole request and 5 s of keep-alive, in ms', () => {
  expect(loadConfig({}).http).toEqual({
    headersTimeoutMs: 15_000,
    requestTimeoutMs: 120_000,
    keepAliveTimeoutMs: 5_000,
  })
  expect(
    loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '200', HTTP_REQUEST_TIMEOUT_MS: '500', HTTP_KEEP_ALIVE_TIMEOUT_MS: '300' })
      .http,
  ).toEqual({ headersTimeoutMs: 200, requestTimeoutMs: 500, keepAliveTimeoutMs: 300 })
  // 0 would mean no timeout at all.
  expect(() => loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '0' })).toThrow(/HTTP_REQUEST_TIMEOUT_MS/)
  expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '60000', HTTP_REQUEST_TIMEOUT_MS: '30000' })).toThrow(
    /HTTP_HEADERS_TIMEOUT_MS .* cannot exceed HTTP_REQUEST_TIMEOUT_MS/,
  )
})

const PRODUCTION = { XINFANG_MODE: 'production', WECHAT_APPID: 'wx0123456789abcdef', WECHAT_SECRET: 's3cret' }

test('production mode never seeds demo data and refuses to be told to', () => {
  expect(loadConfig(PRODUCTION).seedDemoData).toBe(false)
  expect(() => loadConfig({ ...PRODUCTION, XINFANG_SEED: 'true' })).toThrow(/demo data/)
})

test('production mode refuses to start without WeChat credentials and names the missing variables', () => {
  expect(() => loadConfig({ XINFANG_MODE: 'production' })).toThrow(/WECHAT_APPID and WECHAT_SECRET/)
  expect(() => loadConfig({ XINFANG_MODE: 'production', WECHAT_APPID: 'wx1' })).toThrow(/WECHAT_SECRET/)
})

test('the WeChat API base URL defaults to WeChat and can point at a local fake', () => {
  expect(loadConfig({}).wechat.baseUrl).toBe('https://api.weixin.qq.com')
  expect(loadConfig({ WECHAT_API_BASE_URL: 'http://127.0.0.1:9999/' }).wechat.baseUrl).toBe('http://127.0.0.1:9999')
})

test('subscribe-message templates are read as name=id pairs, and none configured means no pushes', () => {
  expect(loadConfig({}).wechat.templates).toEqual({})
  expect(
    loadConfig({ WECHAT_TEMPLATE_IDS: 'petition_progress=TPL_abc, booking_update = TPL-def,' }).wechat.templates,
  ).toEqual({ petition_progress: 'TPL_abc', booking_update: 'TPL-def' })
})

test('a template list that cannot be read is refused with a message naming the variable', () => {
  for (const value of [
    'TPL_abc',
    'petition_progress=',
    'reminder=TPL_abc',
    'petition_progress=a,petition_progress=b',
  ]) {
    expect(() => loadConfig({ WECHAT_TEMPLATE_IDS: value })).toThrow(/WECHAT_TEMPLATE_IDS/)
  }
  expect(() => loadConfig({ WECHAT_TEMPLATE_IDS: 'petition_progress=TPL,booking_update=TPL' })).toThrow(/two templates/)
})

test('the outbox worker runs every 5 s by default and 0 turns it off', () => {
  expect(loadConfig({}).outbox.intervalMs).toBe(5_000)
  expect(loadConfig({ XINFANG_OUTBOX_INTERVAL_MS: '0' }).outbox.intervalMs).toBe(0)
  expect(() => loadConfig({ XINFANG_OUTBOX_LEASE_MS: '10' })).toThrow(/XINFANG_OUTBOX_LEASE_MS/)
})
