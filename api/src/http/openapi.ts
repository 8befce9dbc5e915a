import { ERROR_CODES, ProblemSchema } from '@xinfang/shared'
import { z } from 'zod'
import { describePolicy, policyKey } from './policy'
import { type RegisteredRoute, toOpenApiPath } from './route'

type JsonSchema = Record<string, unknown>

function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema
  return rest
}

/** Path or query parameters: one OpenAPI parameter per property of an object schema. */
function parametersOf(schema: z.ZodType | undefined, location: 'path' | 'query'): JsonSchema[] {
  if (!schema) return []
  const json = jsonSchemaOf(schema, 'input')
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>
  const required = new Set((json.required ?? []) as string[])
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }))
}

/** The OpenAPI 3.1 document, generated from the routes' own specs so it can never disagree with the router. */
export function buildOpenApiDocument(routes: RegisteredRoute[]): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of routes) {
    const path = toOpenApiPath(route.fullPath)
    const responses: Record<string, unknown> = {}
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema
          ? {
              content: {
                [response.contentType ?? 'application/json']: { schema: jsonSchemaOf(response.schema, 'output') },
              },
            }
          : {}),
      }
    }
    responses.default = {
      description: '错误（problem+json），code 见 components.x-error-codes',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    }
    paths[path] ??= {}
    paths[path][route.method] = {
      operationId: `${route.method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: route.tags,
      'x-policy': policyKey(route.policy),
      ...(route.policy === 'public' ? {} : { security: [{ bearer: [] }] }),
      parameters: [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')],
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchemaOf(route.body, 'input') } },
            },
          }
        : {}),
      ...(route.multipart
        ? {
            requestBody: {
              required: true,
              content: {
                'multipart/form-data': {
                  schema: {
                    type: 'object',
                    required: [route.multipart.field],
                    properties: { [route.multipart.field]: { type: 'string', format: 'binary' } },
                  },
                },
              },
            },
          }
        : {}),
      responses,
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Xinfang 信访服务 API',
      version: '1.0.0',
      description: '信访事项提交、办理、领导接访预约与评价的公开 HTTP 接口。错误均为 RFC 9457 problem+json。',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { Problem: jsonSchemaOf(ProblemSchema, 'output') },
      'x-error-codes': Object.fromEntries(Object.entries(ERROR_CODES).map(([code, value]) => [code, value])),
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  }
}

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch)

/**
 * A readable reference rendered on the server from the same document: no script and no CDN, so it works on an
 * offline intranet and under a `default-src 'none'` policy.
 */
/** The docs page's only style sheet, inline; its hash is what the page's Content-Security-Policy allows. */
export const DOCS_PAGE_STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1a1a1a}' +
  'pre{background:#f5f5f5;padding:.75rem;overflow:auto;font-size:13px}section{border-top:1px solid #ddd;margin-top:1.5rem}' +
  'table{border-collapse:collapse}td{border:1px solid #ddd;padding:.25rem .5rem}'

export function renderDocsPage(routes: RegisteredRoute[], document: JsonSchema): string {
  const operations = routes
    .map((route) => {
      const op = (document.paths as Record<string, Record<string, JsonSchema>>)[toOpenApiPath(route.fullPath)]?.[
        route.method
      ]
      const body = op?.requestBody
        ? `<h4>请求体</h4><pre>${escapeHtml(JSON.stringify(op.requestBody, null, 2))}</pre>`
        : ''
      const params =
        Array.isArray(op?.parameters) && op.parameters.length > 0
          ? `<h4>参数</h4><pre>${escapeHtml(JSON.stringify(op.parameters, null, 2))}</pre>`
          : ''
      return `<section id="${escapeHtml(String(op?.operationId ?? ''))}"><h3><code>${route.method.toUpperCase()} ${escapeHtml(
        route.fullPath,
      )}</code></h3><p>${escapeHtml(route.summary)} · 权限：${escapeHtml(describePolicy(route.policy))}</p>${params}${body}<h4>响应</h4><pre>${escapeHtml(
        JSON.stringify(op?.responses ?? {}, null, 2),
      )}</pre></section>`
    })
    .join('\n')
  const codes = Object.entries(ERROR_CODES)
    .map(
      ([code, { status, title }]) =>
        `<tr><td><code>${code}</code></td><td>${status}</td><td>${escapeHtml(title)}</td></tr>`,
    )
    .join('')
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Xinfang API 文档</title><style>${DOCS_PAGE_STYLE}</style></head>
<body><h1>Xinfang 信访服务 API</h1><p>机器可读的完整定义：<a href="/api/v1/openapi.json">/api/v1/openapi.json</a>（OpenAPI 3.1）。</p>
<h2>接口</h2>${operations}<h2 id="errors">错误代码</h2><table><tr><th>code</th><th>HTTP</th><th>含义</th></tr>${codes}</table></body></html>`
}
