import fc from 'fast-check'
import {
  hostileValue,
  NUMBER_EDGE_CASES,
  RawJson,
  repeatToLength,
  UNKNOWN_PROPERTY_NAMES,
  withOwnKey,
} from './hostile-values'
import type { JsonSchema } from './json-schema'

/**
 * fast-check arbitraries derived from a JSON Schema: values inside it, values on and just past its edges, and
 * values broken on purpose. Whether a generated value conforms is decided afterwards by `schemaViolation` on what
 * the server will parse, not assumed from how it was made.
 */

export interface GenerationContext {
  /** Real ids for a property or path segment name (`categoryId`, `attachmentIds`, `petitions`), or none. */
  idsFor(name: string): readonly string[]
  /** The test's clock, so dates land near today, where the domain rules are. */
  now: number
}

const DAY_MS = 24 * 60 * 60 * 1000
const VALID_STRING_CAP = 120
const VALID_ARRAY_CAP = 4

const textUnit = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCXYZ0123456789 -_.') },
  { weight: 4, arbitrary: fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((code) => String.fromCharCode(code)) },
  { weight: 1, arbitrary: fc.constantFrom('，', '。', '、', '（', '）', '·', '\n') },
)

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

function nearNow(ctx: GenerationContext): fc.Arbitrary<number> {
  return fc.integer({ min: ctx.now - 30 * DAY_MS, max: ctx.now + 60 * DAY_MS })
}

function primaryType(schema: JsonSchema): JsonSchema['types'][number] | undefined {
  return schema.types.find((type) => type !== 'null') ?? schema.types[0]
}

function withinLength(schema: JsonSchema) {
  return (text: string) =>
    (schema.minLength === undefined || text.length >= schema.minLength) &&
    (schema.maxLength === undefined || text.length <= schema.maxLength)
}

function validString(schema: JsonSchema, ctx: GenerationContext, name: string): fc.Arbitrary<string> {
  let generic: fc.Arbitrary<string>
  if (schema.format === 'date-time') {
    generic = fc.oneof(
      nearNow(ctx).map((ms) => new Date(ms).toISOString()),
      schema.pattern
        ? fc.stringMatching(new RegExp(schema.pattern, 'u'))
        : fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    )
  } else if (schema.format === 'date') {
    generic = nearNow(ctx).map(isoDate)
  } else if (schema.pattern !== undefined) {
    const maxLength = Math.min(schema.maxLength ?? VALID_STRING_CAP, VALID_STRING_CAP)
    generic = fc.stringMatching(new RegExp(schema.pattern, 'u'), { maxLength }).filter(withinLength(schema))
  } else {
    const minLength = schema.minLength ?? 0
    const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? VALID_STRING_CAP, VALID_STRING_CAP))
    generic = fc.string({ unit: textUnit, minLength, maxLength }).filter(withinLength(schema))
  }
  const ids = ctx.idsFor(name)
  return ids.length > 0
    ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: generic })
    : generic
}

function numberBounds(schema: JsonSchema): { min: number; max: number } {
  const min = Math.max(schema.minimum ?? (schema.exclusiveMinimum ?? -1e9) + 1, Number.MIN_SAFE_INTEGER)
  const max = Math.min(schema.maximum ?? (schema.exclusiveMaximum ?? 1e9) - 1, Number.MAX_SAFE_INTEGER)
  return { min, max }
}

const INT32_MIN = -(2 ** 31)
const INT32_MAX = 2 ** 31 - 1

/** Integers in [min, max]; fast-check's `integer` stops at 32 bits, beyond that doubles are truncated. */
function integerIn(min: number, max: number): fc.Arbitrary<number> {
  const low = Math.ceil(min)
  const high = Math.floor(max)
  if (low >= INT32_MIN && high <= INT32_MAX) return fc.integer({ min: low, max: high })
  return fc.double({ min: low, max: high, noNaN: true, noDefaultInfinity: true }).map(Math.trunc)
}

function validInteger(schema: JsonSchema): fc.Arbitrary<number> {
  const { min, max } = numberBounds(schema)
  // Small values first: versions, days and seat counts that mean something to the domain are small.
  return fc.oneof(
    { weight: 3, arbitrary: integerIn(min, Math.min(max, Math.max(min, 0) + 5)) },
    { weight: 1, arbitrary: integerIn(min, max) },
  )
}

/** A value inside the schema (as far as the document tells). */
export function validValue(schema: JsonSchema, ctx: GenerationContext, name = ''): fc.Arbitrary<unknown> {
  const alternatives = [...schema.oneOf, ...schema.anyOf]
  if (alternatives.length > 0) return fc.oneof(...alternatives.map((branch) => validValue(branch, ctx, name)))
  const [first] = schema.allOf
  if (first) return validValue(first, ctx, name)
  if (schema.hasConst) return fc.constant(schema.const)
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum)
  switch (primaryType(schema)) {
    case 'string':
      return validString(schema, ctx, name)
    case 'integer':
      return validInteger(schema)
    case 'number': {
      const { min, max } = numberBounds(schema)
      return fc.double({ min, max, noNaN: true, noDefaultInfinity: true })
    }
    case 'boolean':
      return fc.boolean()
    case 'null':
      return fc.constant(null)
    case 'array': {
      const items = schema.items ? validValue(schema.items, ctx, name) : fc.jsonValue({ maxDepth: 1 })
      const minLength = schema.minItems ?? 0
      return fc.array(items, {
        minLength,
        maxLength: Math.max(minLength, Math.min(schema.maxItems ?? VALID_ARRAY_CAP, VALID_ARRAY_CAP)),
      })
    }
    case 'object': {
      const model: Record<string, fc.Arbitrary<unknown>> = {}
      for (const [key, property] of Object.entries(schema.properties)) model[key] = validValue(property, ctx, key)
      return fc.record(model, { requiredKeys: schema.required.filter((key) => key in model) })
    }
    default:
      return fc.jsonValue({ maxDepth: 2 })
  }
}

/** A character the schema's pattern accepts, to build strings of a chosen length that still look right. */
function patternUnit(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.pattern === undefined) return fc.constantFrom('a', '中', '😀', 'e\u0301')
  return fc
    .stringMatching(new RegExp(schema.pattern, 'u'))
    .map((sample) => [...sample][0] ?? 'a')
    .filter((unit) => unit !== '·')
}

function lengthEdges(schema: JsonSchema): number[] {
  const edges = new Set<number>()
  const min = schema.minLength ?? 0
  edges.add(min)
  if (min > 0) edges.add(min - 1)
  if (schema.maxLength !== undefined) {
    edges.add(schema.maxLength)
    edges.add(schema.maxLength + 1)
  } else edges.add(10_000)
  return [...edges]
}

function stringEdges(schema: JsonSchema, ctx: GenerationContext, name: string): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [
    fc
      .tuple(fc.constantFrom(...lengthEdges(schema)), patternUnit(schema))
      .map(([length, unit]) => repeatToLength(unit, length)),
  ]
  const named = [...(schema.enum ?? []), ...(schema.hasConst ? [schema.const] : [])].filter(
    (v) => typeof v === 'string',
  )
  if (named.length > 0) {
    options.push(
      fc
        .tuple(fc.constantFrom(...named), fc.constantFrom('upper', 'space', 'nul', 'zero-width', 'fullwidth'))
        .map(([value, how]) => {
          if (how === 'upper') return value.toUpperCase()
          if (how === 'space') return ` ${value} `
          if (how === 'nul') return `${value}\u0000`
          if (how === 'zero-width') return `${value}\u200b`
          return value.replace(/[a-z]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0))
        }),
    )
  }
  if (schema.format === 'date' || schema.format === 'date-time') {
    options.push(
      fc.constantFrom(
        '2023-02-29',
        '2024-02-29',
        '0000-01-01',
        '9999-12-31',
        '2026-13-01',
        '2026-01-32',
        '2026-01-01T24:00:00Z',
        '2026-01-01T00:00:00+24:00',
        '2026-01-01T00:00:00',
        '2026-01-01T00:00:60Z',
        '+275760-09-13T00:00:00.000Z',
        '1970-01-01T00:00:00.000000000001Z',
        new Date(ctx.now).toISOString(),
      ),
    )
  }
  const ids = ctx.idsFor(name)
  if (ids.length > 0)
    options.push(
      fc.constantFrom(...ids).map((id) => `${id} `),
      fc.constantFrom(...ids).map((id) => id.toUpperCase()),
    )
  return fc.oneof(...options)
}

function numberEdges(schema: JsonSchema): fc.Arbitrary<unknown> {
  const edges: unknown[] = [...NUMBER_EDGE_CASES]
  for (const bound of [schema.minimum, schema.maximum, schema.exclusiveMinimum, schema.exclusiveMaximum]) {
    if (bound === undefined) continue
    edges.push(bound, bound - 1, bound + 1, bound - 0.5, bound + 0.5, String(bound), new RawJson(`${bound}.0`))
  }
  return fc.constantFrom(...edges)
}

/**
 * A value on or just past an edge of the schema — lengths and bounds ± 1, near-miss enum values, impossible
 * dates, item counts ± 1 — or, inside objects and arrays, a valid container with one member at an edge.
 */
export function edgeValue(schema: JsonSchema, ctx: GenerationContext, name = ''): fc.Arbitrary<unknown> {
  const alternatives = [...schema.oneOf, ...schema.anyOf]
  if (alternatives.length > 0) return fc.oneof(...alternatives.map((branch) => edgeValue(branch, ctx, name)))
  switch (primaryType(schema)) {
    case 'string':
      return stringEdges(schema, ctx, name)
    case 'integer':
    case 'number':
      return numberEdges(schema)
    case 'boolean':
      return fc.constantFrom('true', 0, 1, 'yes', null)
    case 'array': {
      const items = schema.items ? validValue(schema.items, ctx, name) : fc.jsonValue({ maxDepth: 1 })
      const counts = [
        schema.minItems ?? 0,
        (schema.minItems ?? 0) - 1,
        schema.maxItems ?? 50,
        (schema.maxItems ?? 50) + 1,
      ]
      const byCount = fc
        .constantFrom(...counts.filter((count) => count >= 0))
        .chain((count) => fc.array(items, { minLength: count, maxLength: count }))
      const byItem = schema.items
        ? fc
            .tuple(validValue(schema, ctx, name), edgeValue(schema.items, ctx, name))
            .map(([array, item]) => (Array.isArray(array) ? [...array, item] : [item]))
        : byCount
      const duplicated = validValue(schema, ctx, name).map((array) =>
        Array.isArray(array) ? [...array, ...array] : array,
      )
      return fc.oneof(byCount, byItem, duplicated)
    }
    case 'object': {
      const keys = Object.keys(schema.properties)
      if (keys.length === 0) return validValue(schema, ctx, name)
      return fc.tuple(validValue(schema, ctx, name), fc.constantFrom(...keys)).chain(([object, key]) => {
        const property = schema.properties[key]
        if (!property) return fc.constant(object)
        return edgeValue(property, ctx, key).map((value) => ({ ...asRecord(object), [key]: value }))
      })
    }
    default:
      return hostileValue
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value } : {}
}

export interface MutatedBody {
  mutation: string
  value: unknown
}

/**
 * A body broken on purpose: a required property dropped, an unknown one added (mass assignment, `__proto__`),
 * a property replaced by a hostile value of any type or by null, or no object at all.
 */
export function mutatedBody(schema: JsonSchema, ctx: GenerationContext): fc.Arbitrary<MutatedBody> {
  const valid = validValue(schema, ctx).map(asRecord)
  const keys = Object.keys(schema.properties)
  const options: fc.Arbitrary<MutatedBody>[] = [
    fc.tuple(valid, fc.constantFrom(...UNKNOWN_PROPERTY_NAMES), hostileValue).map(([object, key, value]) => ({
      mutation: `unknown property ${JSON.stringify(key.slice(0, 20))}`,
      value: withOwnKey(object, key, value),
    })),
    hostileValue.map((value) => ({ mutation: 'not an object', value })),
  ]
  if (schema.required.length > 0) {
    options.push(
      fc.tuple(valid, fc.constantFrom(...schema.required)).map(([object, key]) => {
        const { [key]: _dropped, ...rest } = object
        return { mutation: `required ${key} missing`, value: rest }
      }),
    )
  }
  if (keys.length > 0) {
    const several = fc.subarray(keys, { minLength: Math.min(2, keys.length) })
    options.push(
      fc.tuple(valid, fc.constantFrom(...keys), hostileValue).map(([object, key, value]) => ({
        mutation: `${key} replaced by a hostile value`,
        value: { ...object, [key]: value },
      })),
      fc
        .tuple(valid, fc.constantFrom(...keys))
        .map(([object, key]) => ({ mutation: `${key} null`, value: { ...object, [key]: null } })),
      fc.tuple(valid, several, hostileValue).map(([object, chosen, value]) => ({
        mutation: `${chosen.join(', ')} replaced`,
        value: { ...object, ...Object.fromEntries(chosen.map((key) => [key, value])) },
      })),
    )
  }
  return fc.oneof(...options)
}
