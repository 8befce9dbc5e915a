import type { Database } from '@xinfang/api/db/client'

/*
 * Raw libSQL statements for the storage ceiling and the bulk seeder. Table and column names come from the
 * drizzle schema objects (`api/src/db/schema.ts`), so a renamed column breaks the benchmark's type-check instead
 * of silently writing a different shape than the API does.
 */

export type Client = Database['client']
export type ResultRow = Awaited<ReturnType<Client['execute']>>['rows'][number]
export type SqlValue = string | number | null

/** A drizzle table object seen through its columns: every insertable key has a column with an SQL name. */
export type ColumnsOf<Row> = { [Key in keyof Row]-?: { name: string } }

/** drizzle keeps a table's SQL name under this well-known symbol (what `getTableName` reads). */
const DRIZZLE_NAME = Symbol.for('drizzle:Name')

export function tableNameOf(table: object): string {
  const name: unknown = Reflect.get(table, DRIZZLE_NAME)
  if (typeof name !== 'string') throw new Error('not a drizzle table: no drizzle:Name')
  return name
}

export interface InsertShape<Row> {
  keys: readonly (keyof Row & string)[]
  /** `INSERT INTO "t" ("a", "b") VALUES (?, ?)`: one row per statement, values in `keys` order. */
  valuesSql: string
  /**
   * `INSERT INTO "t" (...) SELECT value ->> 0, … FROM json_each(CAST(? AS TEXT))`: many rows, one argument — a
   * JSON array of arrays, as a string or as its UTF-8 bytes (bytes would otherwise be taken for JSONB).
   */
  jsonSql: string
  /** The row's values in column order, as libSQL binds them (booleans as 0/1, as drizzle stores them). */
  argsOf(row: Row): SqlValue[]
}

export function insertShape<Row>(
  table: ColumnsOf<Row> & object,
  keys: readonly (keyof Row & string)[],
): InsertShape<Row> {
  const name = tableNameOf(table)
  const columns = keys.map((key) => `"${table[key].name}"`).join(', ')
  return {
    keys,
    valuesSql: `INSERT INTO "${name}" (${columns}) VALUES (${keys.map(() => '?').join(', ')})`,
    jsonSql: `INSERT INTO "${name}" (${columns}) SELECT ${keys.map((_, index) => `value ->> ${index}`).join(', ')} FROM json_each(CAST(? AS TEXT))`,
    argsOf: (row) => keys.map((key) => toSqlValue(row[key])),
  }
}

function toSqlValue(value: unknown): SqlValue {
  if (value === null || value === undefined) return null
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'string' || typeof value === 'number') return value
  throw new Error(`cannot bind ${typeof value}`)
}

export function textOf(row: ResultRow | undefined, column: string): string {
  const value = row?.[column]
  if (typeof value !== 'string') throw new Error(`expected text in column ${column}, got ${typeof value}`)
  return value
}

export function integerOf(row: ResultRow | undefined, column: string): number {
  const value = row?.[column]
  if (typeof value === 'bigint') return Number(value)
  if (typeof value !== 'number') throw new Error(`expected a number in column ${column}, got ${typeof value}`)
  return value
}

export async function queryRows(client: Client, sql: string, args: SqlValue[] = []): Promise<ResultRow[]> {
  return (await client.execute({ sql, args })).rows
}
