import { type ErrorCode, JSON_MAX_DEPTH } from '@xinfang/shared'
import { type Context, Hono } from 'hono'
import { z } from 'zod'
import { AppError } from '../domain/app-error'
import { exceedsJsonDepth } from '../lib/json-depth'
import type { AppDeps, AppEnv } from './context'
import { enforcePolicy, type Policy, type PrincipalOf } from './policy'
import { fieldErrorsOf, validationError } from './problem'

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete'

export interface ResponseSpec {
  description: string
  schema?: z.ZodType
  /** Defaults to application/json. */
  contentType?: string
}

export interface RouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: HttpMethod
  /** Hono path relative to the router's mount point, e.g. `/receptions/:id`. */
  path: string
  summary: string
  description?: string
  tags: string[]
  policy: Policy
  params?: P
  query?: Q
  body?: B
  responses: Record<number, ResponseSpec>
  /**
   * A dedicated error code for a body field whose rule has one in the contract (e.g. `idNumber` →
   * `ID_NUMBER_INVALID`), used when that field is the only thing wrong with the request.
   */
  fieldErrorCodes?: Record<string, ErrorCode>
  /** A multipart upload read by the handler itself; documented as a binary form field. */
  multipart?: { field: string }
}

/** A route as published: the full path under which it is mounted. */
export type RegisteredRoute = RouteSpec & { fullPath: string }

type Infer<T> = T extends z.ZodType ? z.output<T> : undefined

export interface RouteInput<P, Q, B, Pol extends Policy = Policy> {
  /** Who is calling, as the route's policy admits them: undefined on public routes. */
  principal: PrincipalOf<Pol>
  params: Infer<P>
  query: Infer<Q>
  body: Infer<B>
}

/** One Hono instance per resource, with the specs of its routes kept beside it for OpenAPI and policy checks. */
export interface Resource {
  app: Hono<AppEnv>
  routes: RouteSpec[]
  deps: AppDeps
}

/**
 * Registers a route whose every input is parsed with a shared schema before the handler runs and whose policy
 * is enforced first. Handlers stay inline so the parsed input keeps its types.
 */
export function defineRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  const Pol extends Policy = Policy,
>(
  resource: Resource,
  spec: Omit<RouteSpec, 'params' | 'query' | 'body' | 'policy'> & { params?: P; query?: Q; body?: B; policy: Pol },
  handler: (c: Context<AppEnv>, input: RouteInput<P, Q, B, Pol>) => Response | Promise<Response>,
): void {
  resource.routes.push(spec as RouteSpec)
  resource.app.on(spec.method.toUpperCase(), spec.path, async (c) => {
    // enforcePolicy answers only with a principal of the kind the policy admits (and none when it is public).
    const principal = (await enforcePolicy(resource.deps, spec.policy, c)) as PrincipalOf<Pol>
    const params = spec.params ? parseOrThrow(spec.params, c.req.param(), 'params') : undefined
    const query = spec.query ? parseOrThrow(spec.query, c.req.query(), 'query') : undefined
    const body = spec.body ? parseOrThrow(spec.body, await readJsonBody(c), 'body', spec.fieldErrorCodes) : undefined
    const response = await handler(c, { principal, params, query, body } as RouteInput<P, Q, B, Pol>)
    if (resource.deps.checkResponses) await checkResponseContract(spec, response)
    return response
  })
}

/**
 * Throws when a successful answer is not what the route declares: a status it does not list, or a JSON body its
 * schema for that status refuses. Error answers have the one problem shape, checked where they are written.
 */
async function checkResponseContract(spec: Pick<RouteSpec, 'method' | 'path' | 'responses'>, response: Response) {
  if (response.status >= 400) return
  const route = `${spec.method.toUpperCase()} ${spec.path}`
  const declared = spec.responses[response.status]
  if (!declared) throw new Error(`${route} answered ${response.status}, which it does not declare`)
  const contentType = response.headers.get('content-type') ?? ''
  if (!declared.schema || !/\bjson\b/.test(contentType)) return
  const parsed = declared.schema.safeParse(await response.clone().json())
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    throw new Error(`${route} answered ${response.status} with a body its schema refuses: ${issues.join('; ')}`)
  }
}

function parseOrThrow<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: 'body' | 'query' | 'params',
  fieldErrorCodes: Record<string, ErrorCode> = {},
): z.output<T> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const fields = new Set(parsed.error.issues.map((issue) => issue.path.map(String).join('.')))
  const [onlyField] = fields
  const dedicated = fields.size === 1 && onlyField !== undefined ? fieldErrorCodes[onlyField] : undefined
  if (dedicated) throw new AppError(dedicated, { errors: fieldErrorsOf(parsed.error, where) })
  throw validationError(parsed.error, where)
}

async function readJsonBody(c: Context<AppEnv>): Promise<unknown> {
  const contentType = c.req.header('content-type') ?? ''
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(contentType.trim())) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', { detail: '请求内容须为 application/json' })
  }
  let text: string
  try {
    text = await c.req.text()
  } catch {
    // The client stopped sending part-way (connection dropped, broken chunking): nothing to parse.
    throw new AppError('VALIDATION_FAILED', { errors: [{ path: 'body', message: '请求内容不完整，请重新提交' }] })
  }
  if (exceedsJsonDepth(text, JSON_MAX_DEPTH)) {
    throw new AppError('JSON_TOO_DEEP', { detail: `数组和对象最多嵌套 ${JSON_MAX_DEPTH} 层` })
  }
  try {
    return JSON.parse(text)
  } catch {
    throw new AppError('MALFORMED_JSON')
  }
}

export function createResource(deps: AppDeps): Resource {
  return { app: new Hono<AppEnv>(), routes: [], deps }
}

/** Hono's `:id` path parameters in OpenAPI's `{id}` form. */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}')
}

/** Whether a concrete request path matches a route pattern, to tell 405 from 404. */
export function pathMatches(pattern: string, path: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('/')
      .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/')}/?$`,
  )
  return regex.test(path)
}

export const EmptySchema = z.strictObject({})
