import { STAFF_ROLES, type StaffRole } from '@xinfang/shared'
import { isRecord, type JsonSchema, parseJsonSchema } from './json-schema'

/**
 * The routes as the running API publishes them in `/api/v1/openapi.json`: the fuzzer and the ownership matrix
 * are generated from this document, so a route added tomorrow is attacked tomorrow without editing a test.
 */

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete'
const HTTP_METHODS: readonly HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete']

/** `x-policy`: who may call the route. */
export type Policy =
  | { kind: 'public' }
  | { kind: 'citizen' }
  | { kind: 'authenticated' }
  /** `roles` undefined: any active staff member. */
  | { kind: 'staff'; roles?: StaffRole[] }

export interface Parameter {
  name: string
  required: boolean
  schema: JsonSchema
}

export type RequestBody = { kind: 'json'; schema: JsonSchema } | { kind: 'multipart'; field: string }

export interface Operation {
  /** `POST /api/v1/petitions/{id}/withdraw` */
  key: string
  method: HttpMethod
  /** OpenAPI form, `{id}` for path parameters. */
  path: string
  policy: Policy
  pathParams: Parameter[]
  queryParams: Parameter[]
  body: RequestBody | null
}

function isStaffRole(value: string): value is StaffRole {
  return (STAFF_ROLES as readonly string[]).includes(value)
}

export function parsePolicy(value: unknown, where: string): Policy {
  if (value === 'public' || value === 'citizen' || value === 'authenticated') return { kind: value }
  if (value === 'staff') return { kind: 'staff' }
  if (typeof value === 'string' && value.startsWith('staff:')) {
    const roles = value.slice('staff:'.length).split(',')
    const known = roles.filter(isStaffRole)
    if (known.length === roles.length && known.length > 0) return { kind: 'staff', roles: known }
  }
  throw new Error(`${where}: x-policy ${JSON.stringify(value)} is not understood`)
}

function parseParameters(value: unknown, where: string): { path: Parameter[]; query: Parameter[] } {
  const path: Parameter[] = []
  const query: Parameter[] = []
  if (value === undefined) return { path, query }
  if (!Array.isArray(value)) throw new Error(`${where}.parameters is not an array`)
  for (const [index, entry] of value.entries()) {
    const at = `${where}.parameters[${index}]`
    if (!isRecord(entry) || typeof entry.name !== 'string') throw new Error(`${at} has no name`)
    const parameter = {
      name: entry.name,
      required: entry.required === true,
      schema: parseJsonSchema(entry.schema ?? {}, `${at}.schema`),
    }
    if (entry.in === 'path') path.push(parameter)
    else if (entry.in === 'query') query.push(parameter)
    // Header and cookie parameters are attacked by the header generators instead.
  }
  return { path, query }
}

function parseBody(value: unknown, where: string): RequestBody | null {
  if (value === undefined) return null
  if (!isRecord(value) || !isRecord(value.content)) throw new Error(`${where}.requestBody has no content`)
  const json = value.content['application/json']
  if (isRecord(json)) return { kind: 'json', schema: parseJsonSchema(json.schema, `${where}.requestBody`) }
  const multipart = value.content['multipart/form-data']
  if (isRecord(multipart) && isRecord(multipart.schema) && Array.isArray(multipart.schema.required)) {
    const [field] = multipart.schema.required
    if (typeof field === 'string') return { kind: 'multipart', field }
  }
  throw new Error(`${where}.requestBody has a content type this fuzzer does not know`)
}

/** Every operation of the document, in document order; throws on anything it cannot read. */
export function parseOperations(document: unknown): Operation[] {
  if (!isRecord(document) || !isRecord(document.paths)) throw new Error('the OpenAPI document has no paths')
  if (typeof document.openapi !== 'string' || !document.openapi.startsWith('3.1')) {
    throw new Error('the OpenAPI document is not version 3.1')
  }
  const operations: Operation[] = []
  for (const [path, item] of Object.entries(document.paths)) {
    if (!isRecord(item)) throw new Error(`paths.${path} is not an object`)
    for (const method of HTTP_METHODS) {
      const operation = item[method]
      if (operation === undefined) continue
      const where = `${method.toUpperCase()} ${path}`
      if (!isRecord(operation)) throw new Error(`${where} is not an object`)
      const parameters = parseParameters(operation.parameters, where)
      operations.push({
        key: where,
        method,
        path,
        policy: parsePolicy(operation['x-policy'], where),
        pathParams: parameters.path,
        queryParams: parameters.query,
        body: parseBody(operation.requestBody, where),
      })
    }
  }
  return operations
}

export async function loadOperations(baseUrl: string): Promise<Operation[]> {
  const response = await fetch(`${baseUrl}/api/v1/openapi.json`)
  if (!response.ok) throw new Error(`GET /api/v1/openapi.json answered ${response.status}`)
  return parseOperations(await response.json())
}

/** The methods the document lists for a path, to know which others must be refused with 405. */
export function methodsByPath(operations: readonly Operation[]): Map<string, Set<HttpMethod>> {
  const byPath = new Map<string, Set<HttpMethod>>()
  for (const operation of operations) {
    const methods = byPath.get(operation.path) ?? new Set<HttpMethod>()
    methods.add(operation.method)
    byPath.set(operation.path, methods)
  }
  return byPath
}

export { HTTP_METHODS }
