import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import {
  calendarCoversThrough,
  createWorkingDayRule,
  DEADLINE_PROFILES,
  type DeadlineProfile,
  type DeadlineRule,
  deadlineAfter,
  type Health,
  type HolidayCalendar,
  isCalendarCurrent,
  shanghaiDateOf,
} from '@xinfang/shared'
import { z } from 'zod'

/** The deadline rules in force and the working-day calendar they count with. */
export interface DeadlinePolicy {
  profile: DeadlineProfile
  /** The last date the holiday calendar knows (calendarCoversThrough). */
  calendarCoversThrough: string | null
  isWorkingDay: (date: string) => boolean
  /** The deadline `rule` sets for an event at `from` under `profileId` (the petition's own profile). */
  after(from: number, rule: DeadlineRule): number
  profileOf(profileId: string): DeadlineProfile
}

const DateList = z.array(z.iso.date())
const CalendarFileSchema = z.object({
  holidays: z.union([DateList, z.record(z.iso.date(), z.unknown())]),
  workdays: z.union([DateList, z.record(z.iso.date(), z.unknown())]),
})

function calendarOf(json: unknown, source: string): HolidayCalendar {
  const parsed = CalendarFileSchema.safeParse(json)
  if (!parsed.success) throw new Error(`${source} is not a holiday calendar: ${parsed.error.message}`)
  const dates = (value: string[] | Record<string, unknown>) => (Array.isArray(value) ? value : Object.keys(value))
  return { holidays: dates(parsed.data.holidays), workdays: dates(parsed.data.workdays) }
}

/**
 * The official holiday calendar from the maintained `chinese-days` package (updated with each State Council
 * notice), plus an optional local JSON file `{ holidays: [...], workdays: [...] }` for a year the installed
 * package does not know yet — a data update, not a code change.
 */
export function loadHolidayCalendar(extraFile?: string): HolidayCalendar {
  const require = createRequire(import.meta.url)
  const packaged = calendarOf(require('chinese-days/dist/chinese-days.json'), 'chinese-days')
  if (!extraFile) return packaged
  const extra = calendarOf(JSON.parse(readFileSync(extraFile, 'utf8')), extraFile)
  return { holidays: [...packaged.holidays, ...extra.holidays], workdays: [...packaged.workdays, ...extra.workdays] }
}

export function createDeadlinePolicy(profileId: string, calendar: HolidayCalendar): DeadlinePolicy {
  const profileOf = (id: string) => {
    const profile = DEADLINE_PROFILES[id]
    if (!profile) throw new Error(`unknown deadline profile: ${id}`)
    return profile
  }
  const isWorkingDay = createWorkingDayRule(calendar)
  return {
    profile: profileOf(profileId),
    calendarCoversThrough: calendarCoversThrough(calendar),
    isWorkingDay,
    after: (from, rule) => deadlineAfter(from, rule, isWorkingDay),
    profileOf,
  }
}

/** What `/health` says of the holiday calendar at `now`: how far it reaches, and whether that is far enough. */
export function calendarHealthOf(
  deadlines: Pick<DeadlinePolicy, 'calendarCoversThrough'>,
  now: number,
): Health['calendar'] {
  const coversThrough = deadlines.calendarCoversThrough
  return { coversThrough, status: isCalendarCurrent(coversThrough, shanghaiDateOf(now)) ? 'ok' : 'ends_soon' }
}
