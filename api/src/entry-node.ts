import { existsSync } from 'node:fs'
import { relative } from 'node:path'
import { serve } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import { createApp } from './app'
import { KeyringError, loadKeyring } from './domain/privacy/keyring'
import { ConfigError, loadConfig } from './env'
import { createWeChatClient } from './integrations/wechat'
import { createJsonLogger } from './lib/log'
import { prepareDatabase } from './prepare'

async function main(): Promise<void> {
  const config = loadConfig()
  const logger = createJsonLogger(config.logLevel)
  // Keys before the database: production without keys must stop before touching anything.
  const keyring = loadKeyring({ mode: config.mode, dataDir: config.dataDir, env: config.env })
  const database = await prepareDatabase(config, logger)
  const wechat = createWeChatClient({ ...config.wechat, logger })
  const hasWeb = existsSync(`${config.webRoot}/index.html`)
  const app = createApp(
    { config, database, logger, keyring, wechat, now: Date.now },
    hasWeb ? { web: serveStatic({ root: config.webRoot }) } : {},
  )

  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
    logger.info('listening', { host: config.host, port: info.port, mode: config.mode })
    const origin = `http://${config.host === '127.0.0.1' || config.host === '0.0.0.0' ? 'localhost' : config.host}:${info.port}`
    const weapp = relative(process.cwd(), `${config.webRoot}/../weapp`) || '.'
    process.stderr.write(
      [
        '',
        `  Xinfang 信访服务已启动（${config.mode === 'demo' ? '演示模式' : '生产模式'}）`,
        hasWeb ? `  H5 应用：     ${origin}/` : '  H5 应用：     尚未构建（pnpm --filter @xinfang/miniapp build:h5）',
        `  API 文档：    ${origin}/api/docs`,
        `  健康检查：    ${origin}/health`,
        `  小程序构建：  ${weapp}（在微信开发者工具中导入此目录）`,
        '',
      ].join('\n'),
    )
  })

  // SIGTERM (orchestrators) and SIGINT (Ctrl-C): stop accepting, let requests in flight finish, then close the db.
  let isStopping = false
  const stop = (signal: string) => {
    if (isStopping) return
    isStopping = true
    logger.info('stopping', { signal })
    server.close(() => {
      database.close()
      process.exit(0)
    })
    setTimeout(() => process.exit(1), 10_000).unref()
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof KeyringError) {
    process.stderr.write(`${error.message}\n`)
  } else {
    process.stderr.write(
      `Xinfang failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
  }
  process.exit(1)
})
