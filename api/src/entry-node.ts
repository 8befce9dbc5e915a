import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { join, relative } from 'node:path'
import type { Duplex } from 'node:stream'
import { getRequestListener, RequestError } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import type { ErrorCode } from '@xinfang/shared'
import { createApp } from './app'
import { createLocalAttachmentStorage } from './domain/attachments/storage'
import { purgeExpiredIdempotencyKeys } from './domain/idempotency'
import { type OutboxWorker, startOutboxWorker } from './domain/notifications/outbox-worker'
import { KeyringError, loadKeyring } from './domain/privacy/keyring'
import { sendBookingReminders } from './domain/receptions/send-booking-reminders'
import { closeLapsedPetitions } from './domain/reviews/close-lapsed'
import { calendarHealthOf, createDeadlinePolicy, loadHolidayCalendar } from './domain/workflow/deadline-policy'
import { sweepOverdue } from './domain/workflow/sweep-overdue'
import { ConfigError, loadConfig } from './env'
import { problemOf, problemResponse } from './http/problem'
import { BASELINE_SECURITY_HEADERS, inlineScriptHashesOf } from './http/security-headers'
import { createWeChatClient } from './integrations/wechat'
import { createJsonLogger } from './lib/log'
import { createMemoryLimitStore } from './lib/rate-limit'
import { prepareDatabase } from './prepare'

const SWEEP_INTERVAL_MS = 10 * 60 * 1000

/** Node's parser and timeout errors that have a code of their own; everything else is a malformed request. */
const CLIENT_ERROR_CODES: Partial<Record<string, ErrorCode>> = {
  HPE_HEADER_OVERFLOW: 'REQUEST_HEADERS_TOO_LARGE',
  ERR_HTTP_REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
}
const STATUS_LINES: Partial<Record<ErrorCode, string>> = {
  REQUEST_HEADERS_TOO_LARGE: 'Request Header Fields Too Large',
  REQUEST_TIMEOUT: 'Request Timeout',
}

/** Whether the app already wrote a response head on this connection (Node keeps it as `_httpMessage`). */
function hasAnswerBegun(socket: Duplex): boolean {
  const message: unknown = '_httpMessage' in socket ? socket._httpMessage : undefined
  return typeof message === 'object' && message !== null && 'headersSent' in message && message.headersSent === true
}

async function main(): Promise<void> {
  const config = loadConfig()
  const logger = createJsonLogger(config.logLevel)
  // Keys before the database: production without keys must stop before touching anything.
  const keyring = loadKeyring({ mode: config.mode, dataDir: config.dataDir, keys: config.keys })
  const database = await prepareDatabase(config, keyring, logger)
  const deadlines = createDeadlinePolicy(config.deadlineProfile, loadHolidayCalendar(config.holidaysFile))
  const calendar = calendarHealthOf(deadlines, Date.now())
  if (calendar.status === 'ends_soon') {
    // Working-day deadlines past that date would treat New Year and Spring Festival as working days, silently.
    logger.warn('holiday calendar ends soon', {
      coversThrough: calendar.coversThrough,
      fix: 'supply the next year as XINFANG_HOLIDAYS_FILE (see README, Configuration)',
    })
  }
  const wechat = createWeChatClient({ ...config.wechat, logger })
  const hasWeb = existsSync(`${config.webRoot}/index.html`)
  // Crash tests only: the process dies right after the named operation commits (an HTTP write, or `outbox.push`).
  const afterCommit = config.crashAfterCommit
    ? (operation: string) => {
        if (operation === config.crashAfterCommit) process.kill(process.pid, 'SIGKILL')
      }
    : undefined
  const app = createApp(
    {
      config,
      database,
      logger,
      keyring,
      wechat,
      attachments: createLocalAttachmentStorage(join(config.dataDir, 'attachments')),
      deadlines,
      limits: createMemoryLimitStore(),
      now: Date.now,
      afterCommit,
    },
    hasWeb
      ? {
          web: {
            serve: serveStatic({ root: config.webRoot }),
            // Read once: a rebuilt H5 app is picked up with the next start, its first-paint script's hash with it.
            inlineScriptHashes: inlineScriptHashesOf(readFileSync(join(config.webRoot, 'index.html'), 'utf8')),
          },
        }
      : {},
  )

  // Requests too broken to become a Request (a Host header with a bad port, say) get the same problem+json
  // shape as everything else rather than the adapter's bare 400.
  const listener = getRequestListener(app.fetch, {
    errorHandler: (error) => {
      const isClientFault = error instanceof RequestError
      if (!isClientFault) logger.error('request failed before routing', { error: String(error) })
      return problemResponse(
        problemOf(isClientFault ? 'MALFORMED_REQUEST' : 'INTERNAL_ERROR'),
        BASELINE_SECURITY_HEADERS,
      )
    },
  })
  // Node's defaults let a client take five minutes to send one request; a few hundred slow ones then hold every
  // connection the process can keep. Timeouts are checked on an interval (30 s by default, which would blur a
  // 15 s limit into 45 s): four checks per the shorter timeout, at most one a second.
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs } = config.http
  const server = createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      keepAliveTimeout: keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, Math.ceil(Math.min(headersTimeoutMs, requestTimeoutMs) / 4)),
    },
    listener,
  )
  server.listen(config.port, config.host, () => {
    const address = server.address()
    const info = { port: typeof address === 'object' && address !== null ? address.port : config.port }
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

  // Notification outbox (docs/decisions/003-notification-outbox.md): delivers WeChat pushes once listening;
  // XINFANG_OUTBOX_INTERVAL_MS=0 leaves it to another process.
  let outboxWorker: OutboxWorker | undefined
  server.once('listening', () => {
    if (config.outbox.intervalMs === 0 || outboxWorker) return
    outboxWorker = startOutboxWorker(
      { config, database, logger, wechat, now: Date.now, afterCommit },
      { intervalMs: config.outbox.intervalMs, leaseMs: config.outbox.leaseMs },
    )
  })

  // Requests Node's HTTP parser refuses (bad framing, control characters in headers, oversized headers) or that
  // did not arrive within the timeouts never reach the app; answer them in the same problem+json shape instead of
  // Node's bare status line — unless an answer has already begun on this connection, which nothing may corrupt.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || hasAnswerBegun(socket)) {
      socket.destroy()
      return
    }
    const code = CLIENT_ERROR_CODES[error.code ?? ''] ?? 'MALFORMED_REQUEST'
    const problem = problemOf(code)
    const body = JSON.stringify(problem)
    const headers = Object.entries(BASELINE_SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`)
    socket.end(
      `HTTP/1.1 ${problem.status} ${STATUS_LINES[code] ?? 'Bad Request'}\r\n` +
        `content-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${headers.join('')}` +
        `connection: close\r\n\r\n${body}`,
    )
  })

  // Scheduled work every ten minutes: the overdue sweep (督办), the day-before booking reminders and the expiry of
  // idempotency keys. Cron-style platforms call POST /api/v1/staff/sweeps/overdue and /booking-reminders instead.
  const sweepTimer = setInterval(() => {
    const now = Date.now()
    sweepOverdue(database, now).catch((error: unknown) => logger.warn('overdue sweep failed', { error: String(error) }))
    closeLapsedPetitions({ database, deadlines }, now).catch((error: unknown) =>
      logger.warn('closing lapsed petitions failed', { error: String(error) }),
    )
    sendBookingReminders({ database }, now).catch((error: unknown) =>
      logger.warn('booking reminders failed', { error: String(error) }),
    )
    purgeExpiredIdempotencyKeys(database, now).catch((error: unknown) =>
      logger.warn('purging expired idempotency keys failed', { error: String(error) }),
    )
  }, SWEEP_INTERVAL_MS)
  sweepTimer.unref()

  // SIGTERM (orchestrators) and SIGINT (Ctrl-C): stop accepting, let requests in flight finish, then close the db.
  let isStopping = false
  const stop = (signal: string) => {
    if (isStopping) return
    isStopping = true
    logger.info('stopping', { signal })
    // No new pushes; a batch in flight records its outcomes before the database closes.
    const outboxStopped = outboxWorker?.stop()
    clearInterval(sweepTimer)
    server.close(() => {
      void Promise.resolve(outboxStopped).then(() => {
        database.close()
        process.exit(0)
      })
    })
    // Keep-alive sockets with no request in flight would hold close() open until the client drops them.
    if ('closeIdleConnections' in server) server.closeIdleConnections()
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
