import { shanghaiWeekday } from './time'

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
