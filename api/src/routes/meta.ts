import { type Health, HealthSchema } from '@xinfang/shared'
import { z } from 'zod'
import { pingDatabase } from '../db/client'
import { calendarHealthOf } from '../domain/workflow/deadline-policy'
import type { AppDeps } from '../http/context'
import { buildOpenApiDocument, renderDocsPage } from '../http/openapi'
import { createResource, defineRoute, type RegisteredRoute } from '../http/route'

const OpenApiDocumentSchema = z.record(z.string(), z.unknown()).meta({ description: 'OpenAPI 3.1 document' })

export function metaRoutes(deps: AppDeps, allRoutes: () => RegisteredRoute[]) {
  const resource = createResource(deps)
  let cached: { document: Record<string, unknown>; html: string } | undefined
  const docs = () => {
    cached ??= (() => {
      const routes = allRoutes()
      const document = buildOpenApiDocument(routes)
      return { document, html: renderDocsPage(routes, document) }
    })()
    return cached
  }

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/health',
      summary: '健康检查（含数据库）',
      tags: ['meta'],
      policy: 'public',
      responses: {
        200: { description: '数据库可读；最近一次写入失败时 status 为 degraded', schema: HealthSchema },
        503: { description: '数据库不可用', schema: HealthSchema },
      },
    },
    async (c) => {
      const isDbOk = await pingDatabase(deps.database)
      c.header('cache-control', 'no-store')
      const calendar = calendarHealthOf(deps.deadlines, deps.now())
      if (!isDbOk) {
        return c.json({ status: 'unavailable', db: 'unavailable', writes: 'failing', calendar } satisfies Health, 503)
      }
      const writes = deps.database.isWriteFailing() ? 'failing' : 'ok'
      return c.json({ status: writes === 'ok' ? 'ok' : 'degraded', db: 'ok', writes, calendar } satisfies Health, 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/api/v1/openapi.json',
      summary: 'OpenAPI 3.1 接口定义',
      tags: ['meta'],
      policy: 'public',
      responses: { 200: { description: '由共享 zod 契约生成的接口定义', schema: OpenApiDocumentSchema } },
    },
    (c) => c.json(docs().document, 200),
  )

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/api/docs',
      summary: '接口文档页面',
      tags: ['meta'],
      policy: 'public',
      responses: { 200: { description: 'HTML 文档', contentType: 'text/html' } },
    },
    // Its Content-Security-Policy comes from http/security-headers.ts, with every other header.
    (c) => c.html(docs().html, 200),
  )

  return resource
}
