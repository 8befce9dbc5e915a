/**
 * The part of JSON Schema (2020-12, as zod's `toJSONSchema` writes it) that the OpenAPI document uses, read
 * from untrusted JSON with checks rather than casts, and a validator for that part. The validator is the
 * fuzzer's oracle for bodies: a value it finds outside the schema must never be answered with a 2xx.
 */

export type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' | 'null'

export interface JsonSchema {
  /** Empty when the schema does not restrict the type. */
  types: JsonType[]
  enum?: unknown[]
  const?: unknown
  hasConst: boolean
  minLength?: number
  maxLength?: number
  pattern?: string
  format?: string
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
  items?: JsonSchema
  minItems?: number
  maxItems?: number
  properties: Record<string, JsonSchema>
  required: string[]
  /** False when unknown properties are refused (zod's strict objects). */
  additionalProperties: boolean
  oneOf: JsonSchema[]
  anyOf: JsonSchema[]
  allOf: JsonSchema[]
  hasDefault: boolean
}

const JSON_TYPES: readonly JsonType[] = ['string', 'integer', 'number', 'boolean', 'array', 'object', 'null']

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isJsonType(value: unknown): value is JsonType {
  return typeof value === 'string' && (JSON_TYPES as readonly string[]).includes(value)
}

function optionalNumber(source: Record<string, unknown>, key: string, where: string): number | undefined {
  const value = source[key]
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${where}.${key} is not a number`)
  return value
}

function optionalString(source: Record<string, unknown>, key: string, where: string): string | undefined {
  const value = source[key]
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw new Error(`${where}.${key} is not a string`)
  return value
}

function schemaList(source: Record<string, unknown>, key: string, where: string): JsonSchema[] {
  const value = source[key]
  if (value === undefined) return []
  if (!Array.isArray(value)) throw new Error(`${where}.${key} is not an array`)
  return value.map((entry, index) => parseJsonSchema(entry, `${where}.${key}[${index}]`))
}

/** Reads one schema of the document; throws, naming the place, on a shape this fuzzer does not understand. */
export function parseJsonSchema(value: unknown, where: string): JsonSchema {
  if (value === true || (isRecord(value) && Object.keys(value).length === 0)) {
    return {
      types: [],
      hasConst: false,
      properties: {},
      required: [],
      additionalProperties: true,
      oneOf: [],
      anyOf: [],
      allOf: [],
      hasDefault: false,
    }
  }
  if (!isRecord(value)) throw new Error(`${where} is not a schema object`)

  const rawType = value.type
  const types: JsonType[] = []
  if (isJsonType(rawType)) types.push(rawType)
  else if (Array.isArray(rawType)) {
    for (const entry of rawType) {
      if (!isJsonType(entry)) throw new Error(`${where}.type has an unknown entry`)
      types.push(entry)
    }
  } else if (rawType !== undefined) throw new Error(`${where}.type is not understood`)

  // No prototype: a property named `constructor` or `__proto__` must be a property like any other.
  const properties: Record<string, JsonSchema> = Object.create(null)
  if (value.properties !== undefined) {
    if (!isRecord(value.properties)) throw new Error(`${where}.properties is not an object`)
    for (const [name, property] of Object.entries(value.properties)) {
      properties[name] = parseJsonSchema(property, `${where}.properties.${name}`)
    }
  }
  const required: string[] = []
  if (value.required !== undefined) {
    if (!Array.isArray(value.required)) throw new Error(`${where}.required is not an array`)
    for (const name of value.required) {
      if (typeof name !== 'string') throw new Error(`${where}.required has a non-string entry`)
      required.push(name)
    }
  }
  if (value.enum !== undefined && !Array.isArray(value.enum)) throw new Error(`${where}.enum is not an array`)

  const schema: JsonSchema = {
    types,
    hasConst: 'const' in value,
    const: value.const,
    properties,
    required,
    additionalProperties: value.additionalProperties !== false,
    oneOf: schemaList(value, 'oneOf', where),
    anyOf: schemaList(value, 'anyOf', where),
    allOf: schemaList(value, 'allOf', where),
    hasDefault: 'default' in value,
  }
  if (Array.isArray(value.enum)) schema.enum = value.enum
  const minLength = optionalNumber(value, 'minLength', where)
  if (minLength !== undefined) schema.minLength = minLength
  const maxLength = optionalNumber(value, 'maxLength', where)
  if (maxLength !== undefined) schema.maxLength = maxLength
  const pattern = optionalString(value, 'pattern', where)
  if (pattern !== undefined) schema.pattern = pattern
  const format = optionalString(value, 'format', where)
  if (format !== undefined) schema.format = format
  const minimum = optionalNumber(value, 'minimum', where)
  if (minimum !== undefined) schema.minimum = minimum
  const maximum = optionalNumber(value, 'maximum', where)
  if (maximum !== undefined) schema.maximum = maximum
  const exclusiveMinimum = optionalNumber(value, 'exclusiveMinimum', where)
  if (exclusiveMinimum !== undefined) schema.exclusiveMinimum = exclusiveMinimum
  const exclusiveMaximum = optionalNumber(value, 'exclusiveMaximum', where)
  if (exclusiveMaximum !== undefined) schema.exclusiveMaximum = exclusiveMaximum
  const minItems = optionalNumber(value, 'minItems', where)
  if (minItems !== undefined) schema.minItems = minItems
  const maxItems = optionalNumber(value, 'maxItems', where)
  if (maxItems !== undefined) schema.maxItems = maxItems
  if (value.items !== undefined) schema.items = parseJsonSchema(value.items, `${where}.items`)
  return schema
}

/** The JSON type of a parsed JSON value (integers are also numbers). */
export function jsonTypeOf(value: unknown): JsonType | 'unrepresentable' {
  if (value === null) return 'null'
  if (typeof value === 'string') return 'string'
  if (typeof value === 'boolean') return 'boolean'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  if (Array.isArray(value)) return 'array'
  if (isRecord(value)) return 'object'
  return 'unrepresentable'
}

function matchesType(types: readonly JsonType[], value: unknown): boolean {
  if (types.length === 0) return true
  const actual = jsonTypeOf(value)
  return types.some((type) => type === actual || (type === 'number' && actual === 'integer'))
}

/** Code units (what zod counts) and code points (what JSON Schema counts) must agree that the length is wrong. */
function lengthBreaks(text: string, schema: JsonSchema): boolean {
  const units = text.length
  const points = [...text].length
  const breaks = (length: number) =>
    (schema.minLength !== undefined && length < schema.minLength) ||
    (schema.maxLength !== undefined && length > schema.maxLength)
  return breaks(units) && breaks(points)
}

/**
 * The first way `value` (as the server's JSON.parse sees it) breaks `schema`, or null when it conforms to every
 * keyword read here. Conforming does not mean the server must accept it: refinements (an ID number's checksum,
 * an end after a start) are not in the document.
 */
export function schemaViolation(schema: JsonSchema, value: unknown, path = 'body'): string | null {
  if (!matchesType(schema.types, value))
    return `${path}: ${jsonTypeOf(value)} where ${schema.types.join('|')} is expected`
  if (schema.hasConst && value !== schema.const) return `${path}: not the constant ${JSON.stringify(schema.const)}`
  if (schema.enum && !schema.enum.includes(value)) return `${path}: not one of the enumerated values`
  if (typeof value === 'string') {
    if (lengthBreaks(value, schema)) return `${path}: length ${value.length} outside the allowed range`
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) {
      return `${path}: does not match ${schema.pattern.slice(0, 40)}`
    }
  }
  if (typeof value === 'number') {
    if (schema.types.length > 0 && schema.types.every((type) => type === 'integer') && !Number.isInteger(value)) {
      return `${path}: not an integer`
    }
    if (schema.minimum !== undefined && value < schema.minimum) return `${path}: below ${schema.minimum}`
    if (schema.maximum !== undefined && value > schema.maximum) return `${path}: above ${schema.maximum}`
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) return `${path}: too small`
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) return `${path}: too large`
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      return `${path}: fewer than ${schema.minItems} items`
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      return `${path}: more than ${schema.maxItems} items`
    if (schema.items) {
      for (const [index, item] of value.entries()) {
        const broken = schemaViolation(schema.items, item, `${path}[${index}]`)
        if (broken) return broken
      }
    }
  }
  if (isRecord(value)) {
    for (const name of schema.required) {
      if (!Object.hasOwn(value, name)) return `${path}.${name}: required but missing`
    }
    for (const [name, entry] of Object.entries(value)) {
      const property = Object.hasOwn(schema.properties, name) ? schema.properties[name] : undefined
      if (property) {
        const broken = schemaViolation(property, entry, `${path}.${name}`)
        if (broken) return broken
      } else if (!schema.additionalProperties) return `${path}.${name}: unknown property`
    }
  }
  for (const part of schema.allOf) {
    const broken = schemaViolation(part, value, path)
    if (broken) return broken
  }
  const alternatives = [...schema.oneOf, ...schema.anyOf]
  if (alternatives.length > 0 && alternatives.every((branch) => schemaViolation(branch, value, path) !== null)) {
    return `${path}: matches none of the alternatives`
  }
  return null
}
