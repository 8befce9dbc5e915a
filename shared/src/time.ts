/**
 * Every date in the petition domain is an Asia/Shanghai date (../shared/DOMAIN.md). China has kept UTC+8 without
 * daylight saving since 1991, so a fixed offset is exact and needs no time-zone database on a phone.
 */
export const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000
export const DAY_MS = 24 * 60 * 60 * 1000

/** `2026-11-22T09:30:00.000+08:00` for an instant given in epoch milliseconds. */
export function toShanghaiIso(epochMs: number): string {
  return new Date(epochMs + SHANGHAI_OFFSET_MS).toISOString().replace('Z', '+08:00')
}

/** The Asia/Shanghai calendar date (`2026-11-22`) of an instant. */
export function shanghaiDateOf(epochMs: number): string {
  return new Date(epochMs + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10)
}

/** The instant at which an Asia/Shanghai wall-clock time occurs: `shanghaiTime('2026-11-22', '09:30')`. */
export function shanghaiTime(date: string, hhmm = '00:00'): number {
  const ms = Date.parse(`${date}T${hhmm}:00.000+08:00`)
  if (Number.isNaN(ms)) throw new RangeError(`not a Shanghai date/time: ${date} ${hhmm}`)
  return ms
}

/** Adds whole calendar days to a `YYYY-MM-DD` date. */
export function addCalendarDays(date: string, days: number): string {
  return shanghaiDateOf(shanghaiTime(date) + days * DAY_MS)
}

/** Day of the week of an Asia/Shanghai date: 0 = Sunday … 6 = Saturday. */
export function shanghaiWeekday(date: string): number {
  return new Date(shanghaiTime(date) + SHANGHAI_OFFSET_MS).getUTCDay()
}

/** `2026年11月8日`: the date as Chinese readers — older ones especially — read it in running text. */
export function chineseDateOf(epochMs: number): string {
  const [year, month, day] = shanghaiDateOf(epochMs).split('-').map(Number)
  return `${year}年${month}月${day}日`
}
