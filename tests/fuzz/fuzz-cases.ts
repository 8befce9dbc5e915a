import { ATTACHMENT_IMAGE_MAX_SIDE, JSON_MAX_DEPTH } from '@xinfang/shared'
import fc from 'fast-check'
import { type Actor, type AuthorizationVariant, isAllowed } from './actors'
import { malformedBodies, nestingDepth, RawJson, serverJsonView, TOO_DEEP_BODIES, toJsonText } from './hostile-values'
import { type JsonSchema, schemaViolation } from './json-schema'
import { BOUNDARY, type FormPart, HOSTILE_FILES, jpegDeclaring, multipartBody, tinyPdf, tinyPng } from './multipart'
import type { Operation } from './openapi-document'
import type { FuzzCase, Refusal } from './oracle'
import type { RawRequest } from './raw-http'
import { edgeValue, type GenerationContext, mutatedBody, validValue } from './schema-arbitraries'

/**
 * Requests generated from one operation of the OpenAPI document for one actor. Two families:
 * - `schema`: every input from the operation's schemas — valid, on the edges, or mutated — under the actor's token;
 * - `hostile`: a valid request with exactly one part made hostile (token, body bytes, content type, idempotency
 *   key, declared length, path, query, other headers, upload), so each attack reaches the code it aims at.
 */

export interface FuzzWorld {
  generation: GenerationContext
  /** Forged and damaged Authorization headers, per actor name (anonymous borrows a citizen's). */
  authorizations: ReadonlyMap<string, readonly AuthorizationVariant[]>
}

const encoder = new TextEncoder()
const utf8 = (text: string) => encoder.encode(text)

function tokenOf(actor: Actor): string | null {
  return actor.kind === 'anonymous' ? null : actor.accessToken
}

/** `/api/v1/petitions/{id}/withdraw` → `petitions`: what kind of id the parameter names. */
export function segmentBefore(path: string, parameter: string): string {
  const segments = path.split('/')
  const index = segments.indexOf(`{${parameter}}`)
  return index > 0 ? (segments[index - 1] ?? parameter) : parameter
}

function fillPath(path: string, values: Readonly<Record<string, string>>): string {
  return path.replace(/\{([^}]+)\}/g, (_match, name: string) => values[name] ?? 'missing')
}

/** How a generated value is written into a URL: strings as they are, everything else as JSON text. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value
  if (value instanceof RawJson) return value.text
  return toJsonText(value)
}

const inUrl = (value: unknown) => encodeURIComponent(asText(value))

/**
 * Node refuses request heads over 16 KB before the application runs (the protocol test covers that); generated
 * parameters stay well below, so that they reach the route.
 */
const fitsUrl = (encoded: string) => encoded.length <= 4_096

interface Parts {
  pathValues: Record<string, string>
  query: Array<[string, string]>
  headers: Array<[string, string]>
  body?: Uint8Array
  contentLength?: number | 'omit'
  /** The valid body's JSON text, for the malformations built from it. */
  validText: string
  /** A last rewrite of the whole request target (trailing slash, case, dot segments). */
  targetMutation?: (target: string) => string
}

function toRequest(operation: Operation, parts: Parts): RawRequest {
  const query = parts.query.map(([name, value]) => `${encodeURIComponent(name)}=${value}`).join('&')
  return {
    method: operation.method.toUpperCase(),
    target: `${fillPath(operation.path, parts.pathValues)}${query ? `?${query}` : ''}`,
    headers: parts.headers,
    ...(parts.body ? { body: parts.body } : {}),
    ...(parts.contentLength !== undefined ? { contentLength: parts.contentLength } : {}),
  }
}

const PNG = tinyPng()
const PDF = tinyPdf()

function uploadOf(field: string, file: FormPart['data'], filename = 'photo.png', contentType = 'image/png') {
  return multipartBody([{ name: field, filename, contentType, data: file }])
}

/** The creating POSTs the contract guards with `Idempotency-Key` (API.md, Conventions). */
export function requiresIdempotencyKey(operation: Operation): boolean {
  return operation.method === 'post' && /\/(petitions|bookings)$/.test(operation.path)
}

/** A well-formed request for this operation and actor; the families below spoil one part of it. */
function validParts(operation: Operation, actor: Actor, world: FuzzWorld): fc.Arbitrary<Parts> {
  const { generation } = world
  const pathValues = fc.record(
    Object.fromEntries(
      operation.pathParams.map((param) => [
        param.name,
        validValue(param.schema, generation, segmentBefore(operation.path, param.name)).map((value) =>
          encodeURIComponent(asText(value)),
        ),
      ]),
    ),
  )
  const query = fc.tuple(
    ...operation.queryParams.map((param) => {
      const value = validValue(param.schema, generation, param.name).map((v): [string, string] => [
        param.name,
        encodeURIComponent(asText(v)),
      ])
      return param.required
        ? value.map((pair) => [pair])
        : fc.option(value, { nil: undefined }).map((pair) => (pair ? [pair] : []))
    }),
  )
  const body: fc.Arbitrary<{ text: string; bytes?: Uint8Array; contentType?: string }> =
    operation.body?.kind === 'json'
      ? validValue(operation.body.schema, generation).map((value) => {
          const text = toJsonText(value)
          return { text, bytes: utf8(text), contentType: 'application/json' }
        })
      : operation.body?.kind === 'multipart'
        ? fc.constant({
            text: '{}',
            bytes: uploadOf(operation.body.field, PNG),
            contentType: `multipart/form-data; boundary=${BOUNDARY}`,
          })
        : fc.constant({ text: '{}' })
  const token = tokenOf(actor)
  return fc.record({ pathValues, query, body, key: fc.uuid() }).map(({ pathValues, query, body, key }) => {
    const headers: Array<[string, string]> = []
    if (token) headers.push(['Authorization', `Bearer ${token}`])
    if (operation.method !== 'get') headers.push(['Idempotency-Key', key])
    if (body.contentType) headers.push(['Content-Type', body.contentType])
    return {
      pathValues,
      query: query.flat(),
      headers,
      ...(body.bytes ? { body: body.bytes } : {}),
      validText: body.text,
    }
  })
}

const refuse = (reason: string, ...statuses: number[]): Refusal => ({ reason, statuses })

/** The policy is enforced before anything else: 401 without an identity, 403 with the wrong one. */
function roleRefusal(operation: Operation, actor: Actor): Refusal | null {
  if (isAllowed(operation.policy, actor)) return null
  return refuse(`${actor.name} may not call a ${operation.policy.kind} route`, actor.kind === 'anonymous' ? 401 : 403)
}

const forgedRefusal = (variant: AuthorizationVariant) => refuse(`the token is unusable (${variant.label})`, 401)

/** Why the server must refuse this JSON body (400), or null when the document has no objection to it. */
function jsonBodyRefusal(schema: JsonSchema, bytes: Uint8Array): Refusal | null {
  const view = serverJsonView(bytes)
  if (!view.parsed) return refuse('the body is not JSON', 400)
  if (nestingDepth(view.value) > JSON_MAX_DEPTH) {
    return { ...refuse(`the body nests deeper than ${JSON_MAX_DEPTH}`, 400), code: 'JSON_TOO_DEEP' }
  }
  const broken = schemaViolation(schema, view.value)
  return broken ? refuse(`the body breaks its schema (${broken})`, 400) : null
}

function withHeader(
  headers: ReadonlyArray<[string, string]>,
  name: string,
  value: string | null,
): Array<[string, string]> {
  const kept = headers.filter(([existing]) => existing.toLowerCase() !== name.toLowerCase())
  return value === null ? kept : [...kept, [name, value]]
}

function firstOf(...reasons: Array<Refusal | null>): Refusal | null {
  return reasons.find((reason) => reason !== null) ?? null
}

// ---------------------------------------------------------------------------------------------------------------
// Family `schema`
// ---------------------------------------------------------------------------------------------------------------

export function schemaCases(operation: Operation, actor: Actor, world: FuzzWorld): fc.Arbitrary<FuzzCase> {
  const { generation } = world
  const base = validParts(operation, actor, world)
  const jsonSchema = operation.body?.kind === 'json' ? operation.body.schema : undefined
  const body: fc.Arbitrary<{ label: string; value: unknown } | null> = jsonSchema
    ? fc.oneof(
        { weight: 4, arbitrary: validValue(jsonSchema, generation).map((value) => ({ label: 'valid body', value })) },
        {
          weight: 3,
          arbitrary: edgeValue(jsonSchema, generation).map((value) => ({ label: 'body on an edge', value })),
        },
        {
          weight: 3,
          arbitrary: mutatedBody(jsonSchema, generation).map(({ mutation, value }) => ({
            label: `body: ${mutation}`,
            value,
          })),
        },
      )
    : fc.constant(null)
  const queryEdges = fc.tuple(
    ...operation.queryParams.map((param) =>
      fc
        .option(
          fc
            .oneof(validValue(param.schema, generation, param.name), edgeValue(param.schema, generation, param.name))
            .map(inUrl)
            .filter(fitsUrl),
          { nil: undefined, freq: 2 },
        )
        .map((value): Array<[string, string]> => (value === undefined ? [] : [[param.name, value]])),
    ),
  )
  const pathEdges = fc.record(
    Object.fromEntries(
      operation.pathParams.map((param) => [
        param.name,
        fc.option(
          edgeValue(param.schema, generation, segmentBefore(operation.path, param.name)).map(inUrl).filter(fitsUrl),
          {
            nil: undefined,
            freq: 3,
          },
        ),
      ]),
    ),
  )
  return fc
    .record({ base, body, queryEdges, pathEdges, edgeQuery: fc.boolean() })
    .map(({ base, body, queryEdges, pathEdges, edgeQuery }) => {
      const pathValues = { ...base.pathValues }
      let onEdges = edgeQuery && operation.queryParams.length > 0
      for (const [name, value] of Object.entries(pathEdges)) {
        if (value === undefined) continue
        pathValues[name] = value
        onEdges = true
      }
      const parts: Parts = { ...base, pathValues, query: edgeQuery ? queryEdges.flat() : base.query }
      let bodyRefusal: Refusal | null = null
      if (body && jsonSchema) {
        parts.body = utf8(toJsonText(body.value))
        bodyRefusal = jsonBodyRefusal(jsonSchema, parts.body)
        // Parameters are checked before the body: with one of them off its schema, the body's code is not due.
        if (onEdges && bodyRefusal) bodyRefusal = { reason: bodyRefusal.reason, statuses: bodyRefusal.statuses }
      }
      return {
        family: 'schema',
        label: [
          body?.label ?? (operation.body?.kind === 'multipart' ? 'valid upload' : 'no body'),
          onEdges ? 'parameters on edges' : 'valid parameters',
        ].join(', '),
        operation: operation.key,
        actor: actor.name,
        request: toRequest(operation, parts),
        // An empty segment leads to no route (or to another one of the same path): routing answers first.
        refusal: Object.values(pathValues).includes('')
          ? refuse('a path parameter is empty, so no route matches', 404, 405)
          : firstOf(roleRefusal(operation, actor), bodyRefusal),
      }
    })
}

// ---------------------------------------------------------------------------------------------------------------
// Family `hostile`
// ---------------------------------------------------------------------------------------------------------------

const NON_JSON_CONTENT_TYPES: readonly (string | null)[] = [
  null,
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'application/xml',
  'application/octet-stream',
]
const ODD_JSON_CONTENT_TYPES: readonly string[] = [
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/json;;;',
  'application/vnd.api+json',
  'application/jsonx',
  'application/json, text/plain',
  ` application/json${' '.repeat(10)}`,
  `application/json; ${'x'.repeat(5_000)}`,
  'application/json; boundary=--',
]

const HOSTILE_PATH_VALUES: readonly string[] = [
  '..',
  '.',
  '%2e%2e',
  '..%2f..%2f..%2fetc%2fpasswd',
  '%2F',
  '%2f%2f',
  '%00',
  '%ZZ',
  '%',
  '%c0%ae%c0%ae',
  '%ff%fe',
  '%E4%B8%AD%E6%96%87',
  '%F0%9F%98%80',
  '%ED%A0%80',
  '%20',
  '+',
  ';',
  'id;jsessionid=1',
  '%3Bx',
  '%5C',
  '%27%20OR%201%3D1--',
  'null',
  'undefined',
  'NaN',
  '__proto__',
  'constructor',
  '%5Bobject%20Object%5D',
  '0',
  '-1',
  '1e308',
  'a'.repeat(64),
  'a'.repeat(65),
  'a'.repeat(2_000),
  '%u0041',
  '%25',
  '%252e%252e',
  '%0d%0aX-Injected:%201',
  '%09',
  '*',
  '~',
]

const PATH_MUTATIONS: ReadonlyArray<{ label: string; apply: (target: string) => string }> = [
  { label: 'trailing slash', apply: (target) => target.replace(/(\?|$)/, '/$1') },
  { label: 'double slashes', apply: (target) => target.replaceAll('/', '//') },
  { label: 'upper-case path', apply: (target) => target.toUpperCase() },
  { label: 'dot segment', apply: (target) => target.replace('/api/v1/', '/api/v1/./') },
  { label: 'parent segment', apply: (target) => target.replace('/api/v1/', '/api/x/../v1/') },
  { label: 'encoded slashes', apply: (target) => target.replace('/api/v1/', '/api%2Fv1%2F') },
  { label: 'matrix parameter', apply: (target) => target.replace(/(\?|$)/, ';x=1$1') },
  { label: 'extra segment', apply: (target) => target.replace(/(\?|$)/, '/extra$1') },
]

const HOSTILE_QUERY_VALUES: readonly string[] = [
  '',
  '%20',
  '-1',
  '0',
  '51',
  '1e2',
  '0x10',
  '1.5',
  'NaN',
  'Infinity',
  '9'.repeat(400),
  '%ZZ',
  '%00',
  '%E4%B8',
  encodeURIComponent('中文'),
  '%F0%9F%98%80',
  'true',
  'null',
  '%5B%5D',
  '%7B%7D',
  encodeURIComponent("' OR 1=1 --"),
  'a'.repeat(5_000),
  '2023-02-29',
  '0000-01-01',
  '9999-12-31',
]

const base64url = (text: string) => Buffer.from(text).toString('base64url')
const HOSTILE_CURSORS: readonly string[] = [
  base64url('[1e308,"x"]'),
  base64url('[-0,""]'),
  base64url('["a",1]'),
  base64url('[null,null]'),
  base64url('{"a":1}'),
  base64url('[1,"x",3]'),
  base64url('[NaN,"x"]'),
  base64url('[9007199254740993,"id"]'),
  base64url(`[1,"${"' OR 1=1 --"}"]`),
  base64url(`[1,"${'x'.repeat(150)}"]`),
  base64url('['.repeat(60)),
  '====',
  '!!!',
]

const HOSTILE_HEADERS: ReadonlyArray<ReadonlyArray<[string, string]>> = [
  [['Accept', 'text/csv']],
  [['Accept', '*/*;q=garbage']],
  [['Accept', 'application/problem+json']],
  [['Accept-Language', '中文;q=2, *;q=-1']],
  [['Accept-Encoding', 'gzip;q=1e309, br']],
  [['X-Forwarded-For', '1.1.1.1, <script>, ::1, 999.999.999.999']],
  [['X-Real-IP', 'not-an-ip']],
  [['Forwarded', 'for="_gazonk";proto=gopher']],
  [['Cookie', 'a=b; '.repeat(1_500)]],
  [['Origin', 'http://evil.example']],
  [['Origin', 'null']],
  [['Referer', 'javascript:alert(1)']],
  [['Content-Encoding', 'gzip']],
  [['Content-Encoding', 'br, deflate, identity']],
  [['Range', 'bytes=0-1,2-3']],
  [['If-None-Match', '*']],
  [['If-Modified-Since', 'yesterday']],
  [['X-HTTP-Method-Override', 'DELETE']],
  [['X-Request-Id', 'x'.repeat(5_000)]],
  [['X-Request-Id', '../../etc\u200b']],
  [['User-Agent', '']],
  [['Expect', '100-continue']],
  [['Upgrade', 'websocket']],
  [['Accept', `${'text/html, '.repeat(1_000)}*/*`]],
  [
    ['Content-Type', 'application/json'],
    ['Content-Type', 'text/plain'],
  ],
]

interface IdempotencyVariant {
  label: string
  headers: Array<[string, string]>
  /** Outside the contract's 1–255 characters (or absent) on a route that requires a key. */
  isOutsideContract: boolean
}

const IDEMPOTENCY_VARIANTS: readonly IdempotencyVariant[] = [
  { label: 'no Idempotency-Key', headers: [], isOutsideContract: true },
  { label: 'empty Idempotency-Key', headers: [['Idempotency-Key', '']], isOutsideContract: true },
  { label: 'blank Idempotency-Key', headers: [['Idempotency-Key', '   ']], isOutsideContract: false },
  { label: 'Idempotency-Key of 255', headers: [['Idempotency-Key', 'k'.repeat(255)]], isOutsideContract: false },
  { label: 'Idempotency-Key of 256', headers: [['Idempotency-Key', 'k'.repeat(256)]], isOutsideContract: true },
  { label: 'Idempotency-Key of 10000', headers: [['Idempotency-Key', 'k'.repeat(10_000)]], isOutsideContract: true },
  { label: 'unicode Idempotency-Key', headers: [['Idempotency-Key', '钥匙🔑\u202e']], isOutsideContract: false },
  { label: 'Idempotency-Key with a tab', headers: [['Idempotency-Key', 'a\tb']], isOutsideContract: false },
  { label: 'Idempotency-Key list', headers: [['Idempotency-Key', 'one, two']], isOutsideContract: false },
  {
    label: 'two Idempotency-Keys',
    headers: [
      ['Idempotency-Key', 'first'],
      ['Idempotency-Key', 'second'],
    ],
    isOutsideContract: false,
  },
  // The same key for every request that draws it: replays, 422 reuse and 409 in-flight races, under concurrency.
  {
    label: 'a key shared across requests',
    headers: [['Idempotency-Key', 'fuzz-shared-key']],
    isOutsideContract: false,
  },
  { label: 'a key like a path', headers: [['Idempotency-Key', '../../etc/passwd']], isOutsideContract: false },
]

interface Spoiled {
  label: string
  parts: Parts
  /** How the spoiled request must be refused, or null. */
  refusal: Refusal | null
  /**
   * Whether the policy still decides first: the actor's own token is sent, and the path still leads to the route
   * (a hostile path may lead anywhere, a public route included).
   */
  keepsRoleRefusal: boolean
  mayStaySilent?: boolean
}

const tooManyPixels = (what: string): Refusal => ({
  ...refuse(`the image declares ${what}, past the pixel limits`, 422),
  code: 'IMAGE_TOO_LARGE',
})

/** Small files declaring huge images, which the upload route must refuse by what they declare. */
function imageBombs(field: string) {
  const multipart = `multipart/form-data; boundary=${BOUNDARY}`
  return [
    {
      label: 'PNG declaring 50000×50000',
      body: uploadOf(field, tinyPng({ width: 50_000, height: 50_000 })),
      contentType: multipart,
      refusal: tooManyPixels('50000×50000'),
    },
    {
      label: 'JPEG declaring 50000×50000',
      body: uploadOf(field, jpegDeclaring(50_000, 50_000), 'photo.jpg', 'image/jpeg'),
      contentType: multipart,
      refusal: tooManyPixels('50000×50000'),
    },
    {
      label: 'PNG one pixel wider than the side limit',
      body: uploadOf(field, tinyPng({ width: ATTACHMENT_IMAGE_MAX_SIDE + 1, height: 1 })),
      contentType: multipart,
      refusal: tooManyPixels(`${ATTACHMENT_IMAGE_MAX_SIDE + 1}×1`),
    },
    {
      label: 'JPEG within each side but over the pixel count',
      body: uploadOf(
        field,
        jpegDeclaring(ATTACHMENT_IMAGE_MAX_SIDE, ATTACHMENT_IMAGE_MAX_SIDE),
        'scan.jpg',
        'image/jpeg',
      ),
      contentType: multipart,
      refusal: tooManyPixels(`${ATTACHMENT_IMAGE_MAX_SIDE}×${ATTACHMENT_IMAGE_MAX_SIDE}`),
    },
  ]
}

function uploadVariants(
  field: string,
): ReadonlyArray<{ label: string; body: Uint8Array; contentType: string | null; refusal: Refusal | null }> {
  const multipart = `multipart/form-data; boundary=${BOUNDARY}`
  const notAFile = refuse('the upload is not a JPEG, PNG or PDF file', 400, 415)
  const noFile = refuse('there is no file in the file field', 400)
  const unreadable = refuse('the multipart body cannot be read', 400)
  const notMultipart = refuse('the body is not multipart', 415)
  const variants: Array<{ label: string; body: Uint8Array; contentType: string | null; refusal: Refusal | null }> = [
    ...imageBombs(field),
    {
      label: 'valid PDF',
      body: uploadOf(field, PDF, 'letter.pdf', 'application/pdf'),
      contentType: multipart,
      refusal: null,
    },
    {
      label: 'PNG named like a path',
      body: uploadOf(field, PNG, '../../../etc/passwd'),
      contentType: multipart,
      refusal: null,
    },
    {
      label: 'PNG with a quoted name',
      body: uploadOf(field, PNG, 'a";b=".png'),
      contentType: multipart,
      refusal: null,
    },
    {
      label: 'PNG with a Chinese name',
      body: uploadOf(field, PNG, '证据照片.png'),
      contentType: multipart,
      refusal: null,
    },
    {
      label: 'PNG with a 5000-character name',
      body: uploadOf(field, PNG, `${'x'.repeat(5_000)}.png`),
      contentType: multipart,
      refusal: null,
    },
    {
      label: 'PNG with a NUL in its name',
      body: uploadOf(field, PNG, 'a\u0000.png'),
      contentType: multipart,
      refusal: null,
    },
    {
      label: 'PNG declared as text/html',
      body: uploadOf(field, PNG, 'x.png', 'text/html'),
      contentType: multipart,
      refusal: null,
    },
    {
      label: 'HTML declared as image/png',
      body: uploadOf(field, HOSTILE_FILES.html ?? PNG, 'x.png', 'image/png'),
      contentType: multipart,
      refusal: notAFile,
    },
    {
      label: 'SVG with script',
      body: uploadOf(field, HOSTILE_FILES.svg ?? PNG, 'x.svg', 'image/svg+xml'),
      contentType: multipart,
      refusal: notAFile,
    },
    {
      label: 'JPEG signature then HTML',
      body: uploadOf(field, HOSTILE_FILES.jpegSignatureThenHtml ?? PNG, 'x.jpg', 'image/jpeg'),
      contentType: multipart,
      refusal: null,
    },
    {
      label: 'PNG signature only',
      body: uploadOf(field, HOSTILE_FILES.pngSignatureOnly ?? PNG, 'x.png'),
      contentType: multipart,
      refusal: notAFile,
    },
    {
      label: 'empty file',
      body: uploadOf(field, new Uint8Array(), 'x.png'),
      contentType: multipart,
      refusal: notAFile,
    },
    {
      label: 'file under another field name',
      body: uploadOf(`${field}s`, PNG),
      contentType: multipart,
      refusal: noFile,
    },
    {
      label: 'the file field as text',
      body: multipartBody([{ name: field, data: utf8('not a file') }]),
      contentType: multipart,
      refusal: noFile,
    },
    {
      label: 'two files',
      body: multipartBody([
        { name: field, filename: 'a.png', contentType: 'image/png', data: PNG },
        { name: field, filename: 'b.pdf', contentType: 'application/pdf', data: PDF },
      ]),
      contentType: multipart,
      refusal: null,
    },
    {
      label: 'no boundary parameter',
      body: uploadOf(field, PNG),
      contentType: 'multipart/form-data',
      refusal: unreadable,
    },
    {
      label: 'another boundary',
      body: uploadOf(field, PNG),
      contentType: 'multipart/form-data; boundary=other',
      refusal: unreadable,
    },
    {
      label: 'unterminated',
      body: multipartBody([{ name: field, filename: 'a.png', data: PNG }], { terminated: false }),
      contentType: multipart,
      refusal: null,
    },
    {
      label: '1000 text parts and no file',
      body: multipartBody(Array.from({ length: 1_000 }, (_, i) => ({ name: `f${i}`, data: utf8('x') }))),
      contentType: multipart,
      refusal: noFile,
    },
    {
      label: 'an 11 MB file',
      body: uploadOf(field, new Uint8Array(11 * 1024 * 1024).fill(0x41), 'big.png'),
      contentType: multipart,
      refusal: refuse('the file is larger than 10 MB', 413),
    },
    {
      label: 'JSON instead of a form',
      body: utf8('{"file":"x"}'),
      contentType: 'application/json',
      refusal: notMultipart,
    },
    { label: 'no content type', body: uploadOf(field, PNG), contentType: null, refusal: notMultipart },
  ]
  return variants
}

function spoilers(operation: Operation, actor: Actor, world: FuzzWorld): fc.Arbitrary<Spoiled>[] {
  const base = validParts(operation, actor, world)
  const jsonSchema = operation.body?.kind === 'json' ? operation.body.schema : undefined
  const isPublic = operation.policy.kind === 'public'
  const options: fc.Arbitrary<Spoiled>[] = []

  const authorizations = world.authorizations.get(actor.name) ?? []
  if (authorizations.length > 0) {
    options.push(
      fc.tuple(base, fc.constantFrom(...authorizations)).map(([parts, variant]) => ({
        label: `Authorization: ${variant.label}`,
        parts: { ...parts, headers: withHeader(parts.headers, 'Authorization', variant.value) },
        refusal: variant.isForged && !isPublic ? forgedRefusal(variant) : null,
        keepsRoleRefusal: false,
      })),
    )
  }

  options.push(
    base.chain((parts) =>
      malformedBodies(parts.validText).map((raw) => ({
        label: `body: ${raw.label}`,
        parts: { ...parts, body: raw.bytes, headers: withHeader(parts.headers, 'Content-Type', 'application/json') },
        refusal: jsonSchema
          ? jsonBodyRefusal(jsonSchema, raw.bytes)
          : operation.body?.kind === 'multipart'
            ? refuse('the body is not multipart', 415)
            : null,
        keepsRoleRefusal: true,
      })),
    ),
  )

  if (operation.body?.kind !== 'multipart') {
    options.push(
      fc
        .tuple(base, fc.constantFrom(...NON_JSON_CONTENT_TYPES, ...ODD_JSON_CONTENT_TYPES))
        .map(([parts, contentType]) => ({
          label: `Content-Type: ${JSON.stringify(contentType?.slice(0, 40) ?? null)}`,
          parts: {
            ...parts,
            body: parts.body ?? utf8(parts.validText),
            headers: withHeader(parts.headers, 'Content-Type', contentType),
          },
          refusal:
            jsonSchema && NON_JSON_CONTENT_TYPES.includes(contentType)
              ? refuse('the body is not declared as JSON', 415)
              : null,
          keepsRoleRefusal: true,
        })),
    )
  }

  options.push(
    fc.tuple(base, fc.constantFrom(...IDEMPOTENCY_VARIANTS)).map(([parts, variant]) => ({
      label: variant.label,
      parts: { ...parts, headers: [...withHeader(parts.headers, 'Idempotency-Key', null), ...variant.headers] },
      refusal:
        variant.isOutsideContract && requiresIdempotencyKey(operation)
          ? refuse('the Idempotency-Key is missing or longer than 255', 400)
          : null,
      keepsRoleRefusal: true,
    })),
    base.map((parts) => ({
      label: 'Content-Length of a terabyte',
      parts: { ...parts, body: parts.body ?? utf8(parts.validText), contentLength: 999_999_999_999 },
      refusal: operation.body ? refuse('the declared body is larger than any limit', 413) : null,
      // The body limit is enforced before the policy.
      keepsRoleRefusal: false,
      // Without a body limit on a route, a server may wait for the promised bytes.
      mayStaySilent: operation.body === null,
    })),
  )

  if (operation.pathParams.length > 0) {
    const hostileId = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_PATH_VALUES) },
      { weight: 1, arbitrary: fc.uuid() },
      { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/) },
    )
    options.push(
      fc
        .tuple(base, fc.constantFrom(...operation.pathParams.map((p) => p.name)), hostileId)
        .map(([parts, name, value]) => ({
          label: `path ${name} = ${JSON.stringify(value.slice(0, 40))}`,
          parts: { ...parts, pathValues: { ...parts.pathValues, [name]: value } },
          refusal: null,
          keepsRoleRefusal: false,
        })),
    )
  }

  options.push(
    fc.tuple(base, fc.constantFrom(...PATH_MUTATIONS)).map(([parts, mutation]) => ({
      label: `path: ${mutation.label}`,
      parts: { ...parts, targetMutation: mutation.apply },
      refusal: null,
      keepsRoleRefusal: false,
    })),
  )

  const names = [...operation.queryParams.map((p) => p.name), 'limit', 'cursor', '__proto__[admin]', 'a'.repeat(300)]
  const hostileQueryValue = fc.oneof(fc.constantFrom(...HOSTILE_QUERY_VALUES), fc.constantFrom(...HOSTILE_CURSORS))
  options.push(
    fc
      .tuple(base, fc.array(fc.tuple(fc.constantFrom(...names), hostileQueryValue), { minLength: 1, maxLength: 4 }))
      .map(([parts, pairs]) => ({
        label: `query ${pairs.map(([n, v]) => `${n.slice(0, 20)}=${v.slice(0, 20)}`).join('&')}`,
        parts: { ...parts, query: [...parts.query, ...pairs.map(([n, v]): [string, string] => [n, v])] },
        refusal: null,
        keepsRoleRefusal: true,
      })),
    fc.tuple(base, fc.constantFrom(...HOSTILE_HEADERS)).map(([parts, extra]) => ({
      label: `headers ${extra.map(([n, v]) => `${n}: ${v.slice(0, 30)}`).join(', ')}`,
      parts: {
        ...parts,
        headers: [
          ...parts.headers.filter(([n]) => !extra.some(([e]) => e.toLowerCase() === n.toLowerCase())),
          ...extra,
        ],
      },
      refusal: null,
      keepsRoleRefusal: true,
    })),
  )

  if (operation.body?.kind === 'multipart') {
    const variants = uploadVariants(operation.body.field)
    options.push(
      fc.tuple(base, fc.constantFrom(...variants)).map(([parts, variant]) => ({
        label: `upload: ${variant.label}`,
        parts: {
          ...parts,
          body: variant.body,
          headers: withHeader(parts.headers, 'Content-Type', variant.contentType),
        },
        refusal: variant.refusal,
        keepsRoleRefusal: true,
      })),
    )
  }
  return options
}

/**
 * The operation's valid request as `actor` (one sample, fixed by `seed`) under each forged or damaged
 * Authorization header in turn: every token check on every route, not left to chance.
 */
export function tokenSweep(operation: Operation, actor: Actor, world: FuzzWorld, seed: number): FuzzCase[] {
  const [parts] = fc.sample(validParts(operation, actor, world), { seed, numRuns: 1 })
  if (!parts) return []
  const isPublic = operation.policy.kind === 'public'
  return (world.authorizations.get(actor.name) ?? []).map((variant) => ({
    family: 'tokens',
    label: `Authorization: ${variant.label}`,
    operation: operation.key,
    actor: actor.name,
    request: toRequest(operation, { ...parts, headers: withHeader(parts.headers, 'Authorization', variant.value) }),
    refusal: variant.isForged && !isPublic ? forgedRefusal(variant) : null,
  }))
}

/**
 * The operation's valid request as `actor` (one sample, fixed by `seed`) with each body past a limit in turn: every
 * nesting past JSON_MAX_DEPTH on a JSON route, every image declaring too many pixels on an upload route. Drawn at
 * random these would reach a route only now and then; the limits must hold on all of them.
 */
export function limitCases(operation: Operation, actor: Actor, world: FuzzWorld, seed: number): FuzzCase[] {
  const [parts] = fc.sample(validParts(operation, actor, world), { seed, numRuns: 1 })
  if (!parts || !operation.body) return []
  const { body: expected } = operation
  const bodies =
    expected.kind === 'json'
      ? TOO_DEEP_BODIES.map((body) => ({
          label: `body: ${body.label}`,
          body: body.bytes,
          contentType: 'application/json',
          refusal: jsonBodyRefusal(expected.schema, body.bytes),
        }))
      : imageBombs(expected.field).map((bomb) => ({ ...bomb, label: `upload: ${bomb.label}` }))
  return bodies.map(({ label, body, contentType, refusal }) => ({
    family: 'limits',
    label,
    operation: operation.key,
    actor: actor.name,
    request: toRequest(operation, { ...parts, body, headers: withHeader(parts.headers, 'Content-Type', contentType) }),
    refusal: firstOf(roleRefusal(operation, actor), refusal),
  }))
}

export function hostileCases(operation: Operation, actor: Actor, world: FuzzWorld): fc.Arbitrary<FuzzCase> {
  return fc.oneof(...spoilers(operation, actor, world)).map((spoiled) => {
    const request = toRequest(operation, spoiled.parts)
    const mutate = spoiled.parts.targetMutation
    return {
      family: 'hostile',
      label: spoiled.label,
      operation: operation.key,
      actor: actor.name,
      request: mutate ? { ...request, target: mutate(request.target) } : request,
      refusal: firstOf(spoiled.keepsRoleRefusal ? roleRefusal(operation, actor) : null, spoiled.refusal),
      ...(spoiled.mayStaySilent ? { mayStaySilent: true } : {}),
    }
  })
}
