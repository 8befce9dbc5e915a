type Level = 'debug' | 'info' | 'warn' | 'error'
type Fields = Record<string, unknown>

export interface Logger {
  debug(msg: string, fields?: Fields): void
  info(msg: string, fields?: Fields): void
  warn(msg: string, fields?: Fields): void
  error(msg: string, fields?: Fields): void
  /**
   * A line written at every level but `silent`: records other systems keep, such as the audit chain's heads, must
   * not disappear because someone turned the log level down.
   */
  record(msg: string, fields?: Fields): void
}

const RANK: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

/** One JSON object per line on stdout, the format log collectors ingest without parsing rules. */
export function createJsonLogger(
  minLevel: Level | 'silent',
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Logger {
  const log = (level: Level) => (msg: string, fields?: Fields) => {
    if (RANK[level] < RANK[minLevel]) return
    write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }))
  }
  const record = (msg: string, fields?: Fields) => {
    if (minLevel === 'silent') return
    write(JSON.stringify({ time: new Date().toISOString(), level: 'record', msg, ...fields }))
  }
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), record }
}

export const silentLogger: Logger = createJsonLogger('silent')
