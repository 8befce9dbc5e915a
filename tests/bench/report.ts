/*
 * The result table, as aligned text for the console and as Markdown for the README.
 */

export interface TableRow {
  measure: string
  result: string
  p50: string
  p99: string
  /** CPU time the serving process spent per request: steadier than rates on a shared machine. */
  cpu: string
  /** The baseline this row is compared with, measured in the same run. */
  against: string
  ratio: string
  goal: string
}

const HEADERS: TableRow = {
  measure: 'Measure',
  result: 'Result',
  p50: 'p50',
  p99: 'p99',
  cpu: 'CPU/req',
  against: 'Against (same run)',
  ratio: 'Ratio',
  goal: 'Goal',
}
const COLUMNS = ['measure', 'result', 'p50', 'p99', 'cpu', 'against', 'ratio', 'goal'] as const
const RIGHT_ALIGNED = new Set<keyof TableRow>(['result', 'p50', 'p99', 'cpu', 'ratio'])

/** Three significant figures, thousands grouped: 7,480 · 748 · 13.2 · 1.31 · 0.042. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '–'
  const magnitude = Math.abs(value)
  if (magnitude >= 100) return Math.round(value).toLocaleString('en-US')
  if (magnitude >= 10) return value.toFixed(1)
  if (magnitude >= 1) return value.toFixed(2)
  return value.toPrecision(2)
}

/** Ratios with two decimals (three figures past 10): 0.27 · 1.00 · 12.3. */
export function formatRatio(value: number): string {
  if (!Number.isFinite(value)) return '–'
  return Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2)
}

/** Row counts as people say them: 10k, 100k, 1M. */
export function formatCount(value: number): string {
  if (value >= 1_000_000) return `${Number((value / 1_000_000).toPrecision(3))}M`
  if (value >= 1000) return `${Number((value / 1000).toPrecision(3))}k`
  return String(value)
}

export function formatRate(perSecond: number, unit = 'req/s'): string {
  return `${formatNumber(perSecond)} ${unit}`
}

export function formatMs(ms: number): string {
  return Number.isFinite(ms) ? `${formatNumber(ms)} ms` : '–'
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(2)} MB`
  return `${(bytes / 1024).toFixed(1)} KB`
}

export function verdict(isMet: boolean): string {
  return isMet ? '✓' : '✗'
}

export function renderText(rows: readonly TableRow[]): string {
  const widths = COLUMNS.map((column) => Math.max(...[HEADERS, ...rows].map((row) => [...row[column]].length)))
  const line = (row: TableRow) =>
    COLUMNS.map((column, index) => {
      const cell = row[column]
      const padding = ' '.repeat((widths[index] ?? 0) - [...cell].length)
      return RIGHT_ALIGNED.has(column) ? `${padding}${cell}` : `${cell}${padding}`
    })
      .join('  ')
      .trimEnd()
  const rule = COLUMNS.map((_, index) => '─'.repeat(widths[index] ?? 0)).join('  ')
  return [line(HEADERS), rule, ...rows.map(line)].join('\n')
}

export function renderMarkdown(rows: readonly TableRow[]): string {
  const escapePipes = (cell: string) => cell.replaceAll('|', '\\|')
  const line = (row: TableRow) => `| ${COLUMNS.map((column) => escapePipes(row[column])).join(' | ')} |`
  const rule = `|${COLUMNS.map((column) => (RIGHT_ALIGNED.has(column) ? ' ---: ' : ' --- ')).join('|')}|`
  return [line(HEADERS), rule, ...rows.map(line)].join('\n')
}
