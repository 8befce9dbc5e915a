import { JSON_MAX_DEPTH } from '@xinfang/shared'
import fc from 'fast-check'
import { isRecord } from './json-schema'

/**
 * What attackers and broken clients put where a well-formed value belongs: huge and deeply nested values,
 * Unicode that breaks naive code (lone surrogates, bidi overrides, NUL), numbers JSON cannot round-trip, and
 * bytes that are not JSON at all.
 */

/** A JSON fragment written as is, for numbers `JSON.stringify` cannot produce (`-0`, `1e309`, 2^53 + 1). */
export class RawJson {
  constructor(readonly text: string) {}
}

export const HUGE_STRING_BYTES = 100 * 1024
export const DEEP_NESTING = 500

/** JSON text of a value that may contain `RawJson` fragments and own `__proto__` keys. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined ? 'null' : toJsonText(item))).join(',')}]`
  if (isRecord(value)) {
    const members: string[] = []
    for (const key of Object.keys(value)) {
      const member = value[key]
      if (member !== undefined) members.push(`${JSON.stringify(key)}:${toJsonText(member)}`)
    }
    return `{${members.join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** An object with an own, enumerable `__proto__` key, as `JSON.parse` builds from `{"__proto__": …}`. */
export function withOwnKey(base: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...base }
  Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true })
  return copy
}

function nestedArrays(depth: number): unknown {
  let value: unknown = 'bottom'
  for (let level = 0; level < depth; level++) value = [value]
  return value
}

function nestedObjects(depth: number): unknown {
  let value: unknown = 'bottom'
  for (let level = 0; level < depth; level++) value = { a: value }
  return value
}

/** `length` UTF-16 code units of `unit` repeated (a surrogate pair is never cut in half). */
export function repeatToLength(unit: string, length: number): string {
  if (length <= 0 || unit.length === 0) return ''
  const whole = unit.repeat(Math.floor(length / unit.length))
  return whole + 'a'.repeat(length - whole.length)
}

export const UNICODE_EDGE_CASES: readonly string[] = [
  '\ud800',
  '\udfff',
  'a\ud800b',
  '\udc00\ud800',
  '\u202eevil\u202c',
  '\u200f\u200e\u061c',
  '\u0000',
  'a\u0000b',
  '\ufeff',
  '\uffff\ufffe',
  'e\u0301'.repeat(200),
  '👨‍👩‍👧‍👦',
  '🇨🇳😀',
  '１２３４５',
  '\u3000\u00a0',
  'İıẞß',
  '\r\nX-Injected: 1',
  '\u001b[31mred',
  '𠀀𪚥',
]

export const INJECTION_STRINGS: readonly string[] = [
  "' OR 1=1 --",
  '"; DROP TABLE petitions; --',
  '%_\\',
  '../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, meant literally
  '${7*7}{{7*7}}<%= 7*7 %>',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-0',
  '1e308',
  '0x10',
  '',
  ' ',
  '\t\n',
]

/** Numbers the wire allows but JavaScript bends: overflow to Infinity, negative zero, beyond 2^53, denormals. */
export const NUMBER_EDGE_CASES: readonly unknown[] = [
  new RawJson('1e309'),
  new RawJson('-1e309'),
  new RawJson('-0'),
  new RawJson('1e308'),
  new RawJson('-1e308'),
  new RawJson('5e-324'),
  new RawJson('1e-400'),
  new RawJson('9007199254740993'),
  new RawJson('123456789012345678901234567890'),
  new RawJson('1.0'),
  new RawJson('1E0'),
  -1,
  0,
  0.5,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53,
]

function manyKeys(count: number): Record<string, number> {
  const object: Record<string, number> = {}
  for (let i = 0; i < count; i++) object[`k${i}`] = i
  return object
}

/** Large values are built once: fast-check hands out the same instance, which is fine for values only read. */
const LARGE_VALUES: readonly unknown[] = [
  'A'.repeat(HUGE_STRING_BYTES),
  '中'.repeat(Math.floor(HUGE_STRING_BYTES / 3)),
  '😀'.repeat(Math.floor(HUGE_STRING_BYTES / 4)),
  nestedArrays(DEEP_NESTING),
  nestedObjects(DEEP_NESTING),
  new Array(10_000).fill(0),
  manyKeys(1_000),
]

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code))

/** Any hostile value, of any JSON type. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...UNICODE_EDGE_CASES, ...INJECTION_STRINGS) },
  { weight: 3, arbitrary: fc.constantFrom(...NUMBER_EDGE_CASES) },
  { weight: 2, arbitrary: fc.constantFrom(...LARGE_VALUES) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [null], { '': '' }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 1,
    arbitrary: fc.string({ unit: fc.oneof(loneSurrogate, fc.constantFrom('a', '中', '\u0000')), maxLength: 20 }),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
)

/** Property names a mass-assignment attack tries, and names that are merely odd. */
export const UNKNOWN_PROPERTY_NAMES: readonly string[] = [
  'isAdmin',
  'role',
  'citizenId',
  'ownerId',
  'status',
  'id',
  'version',
  'unitId',
  '__proto__',
  'constructor',
  'prototype',
  '',
  ' ',
  '中文键',
  'a'.repeat(1_000),
  '\u0000',
  '$where',
]

// ---------------------------------------------------------------------------------------------------------------
// Whole bodies that are not the JSON they claim to be
// ---------------------------------------------------------------------------------------------------------------

export interface RawBody {
  label: string
  bytes: Uint8Array
}

const utf8 = (text: string) => new TextEncoder().encode(text)

function utf16le(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2)
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    bytes[i * 2] = code & 0xff
    bytes[i * 2 + 1] = code >> 8
  }
  return bytes
}

const DEEP_RAW_DEPTH = 100_000

/**
 * Bodies nested past `JSON_MAX_DEPTH`, built once: a megabyte of `[[[…]]]` (just within the body limit), which
 * held the event loop for a second or more when it was parsed, and objects one level too deep. Every JSON route
 * must refuse them with JSON_TOO_DEEP, whoever may call it.
 */
export const TOO_DEEP_BODIES: readonly RawBody[] = [
  { label: '1 MB of nested arrays', bytes: utf8(`${'['.repeat(512 * 1024)}${']'.repeat(512 * 1024)}`) },
  {
    label: `objects nested ${JSON_MAX_DEPTH + 1} deep`,
    bytes: utf8(`${'{"a":'.repeat(JSON_MAX_DEPTH + 1)}1${'}'.repeat(JSON_MAX_DEPTH + 1)}`),
  },
]

/** Bodies derived from a valid JSON text: cut short, wrapped, re-encoded, made almost-JSON. */
export function malformedBodies(validText: string): fc.Arbitrary<RawBody> {
  const firstKey = /^\{"([^"]*)"/.exec(validText)?.[1] ?? 'a'
  return fc.oneof(
    fc
      .integer({ min: 0, max: Math.max(0, validText.length - 1) })
      .map((cut) => ({ label: `truncated at ${cut}`, bytes: utf8(validText.slice(0, cut)) })),
    fc.constantFrom<RawBody>(
      { label: 'empty', bytes: new Uint8Array() },
      { label: 'whitespace only', bytes: utf8(' \n\t ') },
      { label: 'byte-order mark then JSON', bytes: utf8(`\ufeff${validText}`) },
      { label: 'JSON then garbage', bytes: utf8(`${validText}xyz`) },
      { label: 'two JSON documents', bytes: utf8(`${validText}${validText}`) },
      {
        label: 'duplicate key',
        bytes: utf8(validText.startsWith('{"') ? `{"${firstKey}":{"nested":true},${validText.slice(1)}` : validText),
      },
      { label: 'trailing comma', bytes: utf8(validText.replace(/}$/, ',}')) },
      { label: 'single quotes', bytes: utf8(validText.replaceAll('"', "'")) },
      { label: 'comment', bytes: utf8(`/* c */${validText}`) },
      { label: 'NaN literal', bytes: utf8('{"a":NaN}') },
      { label: 'unquoted keys', bytes: utf8('{a:1}') },
      { label: 'JSON null', bytes: utf8('null') },
      { label: 'JSON string', bytes: utf8('"body"') },
      { label: 'JSON number', bytes: utf8('1e309') },
      { label: 'JSON array', bytes: utf8(`[${validText}]`) },
      { label: 'UTF-16LE encoded', bytes: utf16le(validText) },
      {
        label: 'invalid UTF-8 inside a string',
        bytes: Uint8Array.from([...utf8('{"a":"'), 0xff, 0xfe, 0xc0, 0xaf, ...utf8('"}')]),
      },
      { label: 'NUL bytes', bytes: Uint8Array.from([0, 0, 0, 0]) },
      { label: 'arrays nested 100000 deep', bytes: utf8(`${'['.repeat(DEEP_RAW_DEPTH)}${']'.repeat(DEEP_RAW_DEPTH)}`) },
      {
        label: 'objects nested 100000 deep',
        bytes: utf8(`${'{"a":'.repeat(DEEP_RAW_DEPTH)}1${'}'.repeat(DEEP_RAW_DEPTH)}`),
      },
      { label: 'unterminated deep nesting', bytes: utf8('['.repeat(DEEP_RAW_DEPTH)) },
      { label: '2 MB of spaces around JSON', bytes: utf8(`${' '.repeat(2 * 1024 * 1024)}${validText}`) },
      ...TOO_DEEP_BODIES,
    ),
    fc.uint8Array({ minLength: 1, maxLength: 512 }).map((bytes) => ({ label: 'random bytes', bytes })),
  )
}

type JsonView = { parsed: true; value: unknown } | { parsed: false }

/** Views of bodies built once and drawn many times (a megabyte of nesting takes a while to parse). */
const jsonViews = new WeakMap<Uint8Array, JsonView>()

/** How the server reads a JSON body: UTF-8 with replacement characters, a leading byte-order mark dropped. */
export function serverJsonView(bytes: Uint8Array): JsonView {
  const known = jsonViews.get(bytes)
  if (known) return known
  const text = new TextDecoder('utf-8').decode(bytes)
  let view: JsonView
  try {
    view = { parsed: true, value: JSON.parse(text) }
  } catch {
    view = { parsed: false }
  }
  jsonViews.set(bytes, view)
  return view
}

/** How deeply a parsed JSON value nests arrays and objects (a scalar is 0), without recursion. */
export function nestingDepth(value: unknown): number {
  let deepest = 0
  const pending: Array<[unknown, number]> = [[value, 0]]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [current, depth] = next
    if (current === null || typeof current !== 'object') continue
    deepest = Math.max(deepest, depth + 1)
    for (const child of Object.values(current)) pending.push([child, depth + 1])
  }
  return deepest
}
