/** A CSV cell: text, a number (written as is), or nothing. */
export type CsvCell = string | number | null | undefined

/**
 * Characters with which a spreadsheet starts a formula (`=`, `+`, `-`, `@`) or which it skips before looking for
 * one (tab, carriage return). A cell of text that starts with one of them is opened in Excel or WPS as a formula
 * — `=HYPERLINK(…)` that sends a click elsewhere, or worse — so it gets a leading apostrophe, which the
 * spreadsheet shows as nothing and which turns the cell into text (OWASP, "CSV Injection").
 */
const FORMULA_START = /^[=+\-@\t\r]/

/** Quoting is needed for a separator, a quote or a line break inside the cell (RFC 4180 §2.6). */
const NEEDS_QUOTES = /[",\r\n]/

/**
 * One cell as written into the file. Numbers cannot be formulas and keep their sign; text is neutralised and then
 * quoted — quoting alone does not help, as the spreadsheet removes the quotes before it reads the cell.
 */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  const text = FORMULA_START.test(value) ? `'${value}` : value
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/**
 * A whole CSV file for staff to open in a spreadsheet: CRLF line ends, and a byte-order mark so that Excel, which
 * most offices open CSV with, reads the Chinese as UTF-8. Every CSV the API writes goes through here.
 */
export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return `\uFEFF${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`
}
