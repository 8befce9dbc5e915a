import { addCalendarDays, shanghaiWeekday } from './time'

/**
 * The official calendar of 国务院办公厅 holiday notices: public holidays (放假) and the weekend days that are
 * made working days in exchange (调休上班). Data, not code: the API loads it from a maintained package and an
 * optional local file, so next year's notice is a data update.
 */
export interface HolidayCalendar {
  /** `YYYY-MM-DD` dates off work, weekends of a holiday included. */
  holidays: readonly string[]
  /** `YYYY-MM-DD` weekend dates worked in exchange (调休). */
  workdays: readonly string[]
}

/**
 * The last date the calendar knows: the end of the latest year it lists any holiday or make-up day for. The State
 * Council publishes a year's holidays at the end of the year before; a year not listed yet would be counted as
 * plain weekdays and weekends, which is wrong around New Year and Spring Festival.
 */
export function calendarCoversThrough(calendar: HolidayCalendar): string | null {
  let latest: string | null = null
  for (const date of [...calendar.holidays, ...calendar.workdays]) {
    if (latest === null || date > latest) latest = date
  }
  return latest === null ? null : `${latest.slice(0, 4)}-12-31`
}

/** How far ahead working-day deadlines reach (a few weeks, extensions included): the calendar must know that far. */
export const CALENDAR_LOOKAHEAD_DAYS = 120

/** Whether the calendar covers the next CALENDAR_LOOKAHEAD_DAYS days from `today` (`YYYY-MM-DD`, Shanghai). */
export function isCalendarCurrent(coversThrough: string | null, today: string): boolean {
  return coversThrough !== null && addCalendarDays(today, CALENDAR_LOOKAHEAD_DAYS) <= coversThrough
}

/** Whether an Asia/Shanghai date is a working day: make-up days first, then holidays, then the weekend. */
export function createWorkingDayRule(calendar: HolidayCalendar): (date: string) => boolean {
  const holidays = new Set(calendar.holidays)
  const workdays = new Set(calendar.workdays)
  return (date) => {
    if (workdays.has(date)) return true
    if (holidays.has(date)) return false
    const weekday = shanghaiWeekday(date)
    return weekday !== 0 && weekday !== 6
  }
}
