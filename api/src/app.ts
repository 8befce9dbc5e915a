import { ATTACHMENT_MAX_BYTES } from '@xinfang/shared'
import { Hono, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import { HTTPException } from 'hono/http-exception'
import { requestId } from 'hono/request-id'
import { AppError } from './domain/app-error'
import type { AppDeps, AppEnv } from './http/context'
import { problemOf, problemResponse } from './http/problem'
import { pathMatches, type RegisteredRoute, type Resource } from './http/route'
import { securityHeaders } from './http/security-headers'
import { isStorageUnavailable } from './lib/storage-errors'
import { authRoutes } from './routes/auth'
import { meRoutes } from './routes/me'
import { messageRoutes } from './routes/messages'
import { metaRoutes } from './routes/meta'
import { petitionRoutes } from './routes/petitions'
import { receptionRoutes } from './routes/receptions'
import { referenceRoutes } from './routes/reference'
import { reviewRoutes } from './routes/reviews'
import { staffAuditRoutes } from './routes/staff-audit'
import { staffPetitionRoutes } from './routes/staff-petitions'
import { staffReceptionRoutes } from './routes/staff-receptions'
import { statisticsRoutes } from './routes/statistics'

export type { AppDeps } from './http/context'

export interface AppOptions {
  /** The mini-program's H5 build, for paths no API route claims (the Node entry passes `serveStatic`). */
  web?: {
    serve: MiddlewareHandler
    /** `'sha256-…'` sources of the inline scripts in its `index.html`, which its CSP allows and nothing else. */
    inlineScriptHashes: readonly string[]
  }
}

/** One attachment plus the multipart envelope around it. */
const UPLOAD_BODY_LIMIT = ATTACHMENT_MAX_BYTES + 64 * 1024

/** The whole HTTP API as a Hono app, with no runtime attached: Node, edge runtimes and tests each wire their own. */
export function createApp(deps: AppDeps, options: AppOptions = {}) {
  const app = new Hono<AppEnv>()
  const routes: RegisteredRoute[] = []
  const mount = (prefix: string, resource: Resource) => {
    app.route(prefix, resource.app)
    for (const route of resource.routes) {
      routes.push({ ...route, fullPath: `${prefix.replace(/\/$/, '')}${route.path}` })
    }
  }

  app.use(requestId({ limitLength: 64 }))
  app.use(accessLog(deps))
  app.use(
    securityHeaders({
      webInlineScriptHashes: options.web?.inlineScriptHashes ?? [],
      trustProxy: deps.config.trustProxy,
    }),
  )
  if (deps.config.corsOrigins.length > 0) {
    app.use(
      '/api/*',
      cors({
        origin: deps.config.corsOrigins,
        allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
        exposeHeaders: ['X-Request-Id', 'Retry-After'],
        maxAge: 600,
      }),
    )
  }
  // One limit for JSON, a larger one for the upload route; both answer 413 before reading past the limit
  // (a declared Content-Length over it is refused without reading the body at all).
  const tooLarge = (limit: number) => () => {
    throw new AppError('PAYLOAD_TOO_LARGE', { detail: `请求体不能超过 ${Math.round(limit / 1024)} KB` })
  }
  const jsonLimit = limitBody(deps.config.bodyLimitBytes, tooLarge(deps.config.bodyLimitBytes))
  const uploadLimit = limitBody(UPLOAD_BODY_LIMIT, tooLarge(UPLOAD_BODY_LIMIT))
  app.use((c, next) => (c.req.path === '/api/v1/attachments' ? uploadLimit(c, next) : jsonLimit(c, next)))

  mount(
    '/',
    metaRoutes(deps, () => routes),
  )
  mount('/api/v1', referenceRoutes(deps))
  mount('/api/v1', authRoutes(deps))
  mount('/api/v1', meRoutes(deps))
  mount('/api/v1', messageRoutes(deps))
  mount('/api/v1', petitionRoutes(deps))
  mount('/api/v1', staffPetitionRoutes(deps))
  mount('/api/v1', reviewRoutes(deps))
  mount('/api/v1', statisticsRoutes(deps))
  mount('/api/v1', staffAuditRoutes(deps))
  mount('/api/v1', receptionRoutes(deps))
  mount('/api/v1', staffReceptionRoutes(deps))

  if (options.web) app.get('*', options.web.serve)

  app.notFound((c) => {
    const allowed = [
      ...new Set(routes.filter((route) => pathMatches(route.fullPath, c.req.path)).map((r) => r.method.toUpperCase())),
    ]
    const requestIdValue = c.get('requestId')
    if (allowed.length > 0) {
      return problemResponse(
        problemOf('METHOD_NOT_ALLOWED', { detail: `允许的方法：${allowed.join(', ')}`, requestId: requestIdValue }),
        { allow: allowed.join(', ') },
      )
    }
    return problemResponse(problemOf('NOT_FOUND', { requestId: requestIdValue }))
  })

  app.onError((error, c) => {
    const requestIdValue = c.get('requestId')
    if (error instanceof AppError) {
      return problemResponse(
        problemOf(error.code, { detail: error.detail, errors: error.errors, requestId: requestIdValue }),
        error.headers,
      )
    }
    if (isStorageUnavailable(error)) {
      deps.logger.warn('storage unavailable', { requestId: requestIdValue, error: String(error) })
      return problemResponse(
        problemOf('SERVICE_UNAVAILABLE', { detail: '数据存储暂时不可用，请稍后重试', requestId: requestIdValue }),
        { 'retry-after': '5' },
      )
    }
    if (isClientDisconnect(error)) {
      // The client stopped sending part-way: nobody will read this answer, and it is not the server's fault.
      deps.logger.info('request body aborted by the client', { requestId: requestIdValue })
      return problemResponse(problemOf('MALFORMED_REQUEST', { requestId: requestIdValue }))
    }
    if (error instanceof HTTPException && error.status < 500) {
      const code = error.status === 413 ? 'PAYLOAD_TOO_LARGE' : error.status === 404 ? 'NOT_FOUND' : 'VALIDATION_FAILED'
      return problemResponse(problemOf(code, { requestId: requestIdValue }))
    }
    deps.logger.error('unhandled error', {
      requestId: requestIdValue,
      error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error),
    })
    return problemResponse(problemOf('INTERNAL_ERROR', { requestId: requestIdValue }))
  })

  return Object.assign(app, { registeredRoutes: routes })
}

export type App = ReturnType<typeof createApp>

/** One structured line per request. The query string is left out: it can carry tracking numbers and codes. */
function accessLog(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now()
    await next()
    deps.logger.info('request', {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    })
  }
}

/** Errors that mean the client went away mid-request (Node reports an aborted body as `aborted`). */
function isClientDisconnect(error: unknown): boolean {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    const code = 'code' in current ? current.code : undefined
    if (current.message === 'aborted' || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE') return true
  }
  return false
}

/**
 * Refuses a body over `limit` with 413 before it is read. A declared Content-Length is checked from the header
 * alone (Node's parser then holds the body to that length), so the request body is never touched here: Hono's
 * `bodyLimit` asks the request for its stream, which on Node builds a full web `Request` and made every JSON
 * request noticeably slower. A body of unknown size (chunked, or a `Request` built in process) is counted as it
 * streams.
 */
function limitBody(limit: number, onTooLarge: () => never): MiddlewareHandler<AppEnv> {
  const streamingLimit = bodyLimit({ maxSize: limit, onError: onTooLarge })
  return (c, next) => {
    if (c.req.header('transfer-encoding') !== undefined) return streamingLimit(c, next)
    const declared = c.req.header('content-length')
    if (declared === undefined) {
      // No framing header: over HTTP/1.1 no body at all; a `Request` built in process may still carry one.
      return c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : streamingLimit(c, next)
    }
    if (Number.parseInt(declared, 10) > limit) onTooLarge()
    return next()
  }
}
