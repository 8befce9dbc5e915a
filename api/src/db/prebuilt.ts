import { Column, getTableColumns, is, Param, Placeholder, SQL, sql } from 'drizzle-orm'
import type { SQLiteTable } from 'drizzle-orm/sqlite-core'
import type { Db, WriteTx } from './client'

/*
 * Drizzle builds a statement's SQL text anew on every call, walking the query tree with a prototype-chain check
 * per node: for the 19-column petition row, more CPU than SQLite spends inserting it. The statements of every
 * petition step (timeline event, message, outbox row, audit entry, idempotency key, the petition itself, and
 * the reads that guard them) run inside the single writer (decision 006), where that time holds up every other
 * write. Here drizzle builds each text once — the same text, defaults and value encoding as the query builder —
 * and every call only binds its values. Drizzle's own prepared queries cannot be used: they are bound to the
 * session that prepared them, and every write transaction is a new session.
 */

type Runner = Db | WriteTx

interface Query {
  sql: string
  params: unknown[]
}

/** Per parameter of a built text: a named value (with its column's encoding) or a constant of the query. */
type BuiltParam = { name: string; encode: (value: unknown) => unknown } | { constant: unknown }

interface BuiltStatement {
  /** The text split at its parameters, as a template literal's strings are. */
  parts: TemplateStringsArray
  params: BuiltParam[]
}

function buildStatement(query: Query): BuiltStatement {
  const strings = query.sql.split('?')
  // Identifiers are quoted and values bound, so every `?` in the text is a parameter.
  if (strings.length !== query.params.length + 1) throw new Error(`cannot prebuild: ${query.sql}`)
  return {
    parts: Object.assign(strings, { raw: strings }),
    params: query.params.map((param): BuiltParam => {
      if (param instanceof Param && param.value instanceof Placeholder) {
        const { encoder } = param
        return { name: param.value.name, encode: (value) => encoder.mapToDriverValue(value) }
      }
      if (param instanceof Placeholder) return { name: param.name, encode: (value) => value }
      return { constant: param }
    }),
  }
}

function bind(statement: BuiltStatement, values: Record<string, unknown>): SQL {
  const bound = statement.params.map((param) => {
    if ('constant' in param) return param.constant
    const value = values[param.name]
    return value === null || value === undefined ? null : param.encode(value)
  })
  return sql(statement.parts, ...bound)
}

// ---------------------------------------------------------------------------------------------------------------
// Inserts
// ---------------------------------------------------------------------------------------------------------------

const builtInserts = new WeakMap<SQLiteTable, Map<string, BuiltStatement>>()

/** `tx.insert(table).values(row)`, with the SQL text built once per table and set of columns. */
export async function insertRow<T extends SQLiteTable>(tx: WriteTx, table: T, row: T['$inferInsert']): Promise<void> {
  const values: Record<string, unknown> = row
  const names = Object.keys(values).filter((name) => values[name] !== undefined)
  // SQL expressions as values are rare, and built per call anyway.
  if (names.some((name) => is(values[name], SQL))) {
    await tx.insert(table).values(row)
    return
  }
  let byNames = builtInserts.get(table)
  if (!byNames) {
    byNames = new Map()
    builtInserts.set(table, byNames)
  }
  const cacheKey = names.join(',')
  let statement = byNames.get(cacheKey)
  if (!statement) {
    const columns: Record<string, unknown> = getTableColumns(table)
    for (const name of names) if (!(columns[name] instanceof Column)) throw new Error(`no column ${name}`)
    const placeholders = Object.fromEntries(names.map((name) => [name, sql.placeholder(name)]))
    statement = buildStatement(
      tx
        .insert(table)
        .values(placeholders as T['$inferInsert'])
        .toSQL(),
    )
    byNames.set(cacheKey, statement)
  }
  await tx.run(bind(statement, values))
}

// ---------------------------------------------------------------------------------------------------------------
// Selects
// ---------------------------------------------------------------------------------------------------------------

/** What a drizzle select offers that this needs: its text and the fields it selects, in order. */
interface BuildableSelect {
  toSQL(): Query
  _: { selectedFields: Record<string, unknown> }
}

type RowOf<Q> = Awaited<Q> extends (infer R)[] ? R : never

/**
 * A select built once with the named placeholders it declares (`['citizenId']`, used as `p('citizenId')`), and
 * run on any runner — the reader or an open write transaction — with values for them. Selected fields must be columns (decoded as drizzle decodes them) or
 * SQL expressions whose driver value is already the answer (`count()`).
 */
export function prebuiltSelect<const Name extends string, Q extends BuildableSelect>(
  names: readonly Name[],
  build: (runner: Runner, p: (name: Name) => Placeholder<Name>) => Q,
): (runner: Runner, values: Record<Name, unknown>) => Promise<RowOf<Q>[]> {
  let built: { statement: BuiltStatement; fields: [string, (value: unknown) => unknown][] } | undefined
  return async (runner, values) => {
    if (!built) {
      const query = build(runner, (name) => sql.placeholder(name))
      const fields = Object.entries(query._.selectedFields).map(([key, field]): [string, (v: unknown) => unknown] => {
        if (field instanceof Column) return [key, (value) => field.mapFromDriverValue(value)]
        if (is(field, SQL) || is(field, SQL.Aliased)) return [key, (value) => value]
        throw new Error(`prebuiltSelect: field ${key} is neither a column nor an expression`)
      })
      const statement = buildStatement(query.toSQL())
      const used = new Set(statement.params.flatMap((param) => ('name' in param ? [param.name] : [])))
      if (names.some((name) => !used.has(name))) throw new Error(`prebuiltSelect: not every one of ${names} is used`)
      built = { statement, fields }
    }
    const { statement, fields } = built
    const rows = await runner.values(bind(statement, values))
    return rows.map((row) => {
      const mapped: Record<string, unknown> = {}
      fields.forEach(([key, decode], index) => {
        const value = row[index]
        mapped[key] = value === null || value === undefined ? null : decode(value)
      })
      return mapped as RowOf<Q>
    })
  }
}
