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

test('production mode never seeds demo data and refuses to be told to', () => {
  expect(loadConfig({ XINFANG_MODE: 'production' }).seedDemoData).toBe(false)
  expect(() => loadConfig({ XINFANG_MODE: 'production', XINFANG_SEED: 'true' })).toThrow(/demo data/)
})
