import { addCalendarDays, DAY_MS, shanghaiDateOf, shanghaiTime } from './time'

/**
 * Legal time limits as data (信访工作条例 2022; provinces vary them, so they are profiles, not constants).
 * A limit of N days from an event ends at the end of the N-th day after the day of the event (Asia/Shanghai):
 * the day of the event itself is not counted, as in civil-law time computation.
 */
export interface DeadlineRule {
  days: number
  unit: 'calendar' | 'working'
}

export interface DeadlineProfile {
  id: string
  name: string
  /** Register and decide 受理 / 不予受理 / 转送 (Art. 22–23). */
  decide: DeadlineRule
  /** Handle and reply, counted from acceptance (Art. 34). */
  reply: DeadlineRule
  /** The longest extension of the reply limit (Art. 34). */
  maxExtensionDays: number
  /** Request 复查 after the reply, or 复核 after the 复查 reply (Art. 35–36). */
  reviewRequest: DeadlineRule
  /** Decide a 复查 or 复核 (Art. 35–36). */
  reviewDecision: DeadlineRule
}

export const NATIONAL_PROFILE: DeadlineProfile = {
  id: 'national',
  name: '信访工作条例（2022）',
  decide: { days: 15, unit: 'calendar' },
  reply: { days: 60, unit: 'calendar' },
  maxExtensionDays: 30,
  reviewRequest: { days: 30, unit: 'calendar' },
  reviewDecision: { days: 30, unit: 'calendar' },
}

/** The last instant (23:59:59.999, Asia/Shanghai) of the N-th calendar day after the day of `from`. */
export function endOfCalendarDaysAfter(from: number, days: number): number {
  return shanghaiTime(addCalendarDays(shanghaiDateOf(from), days)) + DAY_MS - 1
}

/** The deadline `rule` sets for an event at `from`. Working-day rules need the holiday calendar. */
export function deadlineAfter(from: number, rule: DeadlineRule, isWorkingDay?: (date: string) => boolean): number {
  if (rule.unit === 'calendar') return endOfCalendarDaysAfter(from, rule.days)
  if (!isWorkingDay) throw new Error('a working-day deadline needs the working-day calendar')
  let date = shanghaiDateOf(from)
  let remaining = rule.days
  while (remaining > 0) {
    date = addCalendarDays(date, 1)
    if (isWorkingDay(date)) remaining--
  }
  return shanghaiTime(date) + DAY_MS - 1
}

/**
 * The start (00:00, Asia/Shanghai) of the earliest day whose events still have their deadline ahead of them at `now`
 * (`now <= deadlineOf(event)`). A deadline depends only on the day of its event and never comes earlier for a later
 * day, so every event from that instant on is inside its window and every event before it is past: a window becomes
 * one bound on a column. `deadlineOf` is the rule as the caller applies it (a profile's rule with its calendar).
 */
export function earliestEventStillWithin(deadlineOf: (event: number) => number, now: number): number {
  let day = shanghaiDateOf(now)
  // A limit of a few months at most (working days around Spring Festival included): a year of days is plenty.
  for (let steps = 0; steps < 366; steps++) {
    const previous = addCalendarDays(day, -1)
    if (deadlineOf(shanghaiTime(previous)) < now) break
    day = previous
  }
  return shanghaiTime(day)
}

export function isOverdue(deadline: number | null | undefined, now: number): boolean {
  return deadline !== null && deadline !== undefined && now > deadline
}

/** 浙江: decide within 5 working days; reply within 30 days, extensible by up to 60 (DOMAIN.md). */
export const ZHEJIANG_PROFILE: DeadlineProfile = {
  id: 'zhejiang',
  name: '浙江省信访事项办理时限',
  decide: { days: 5, unit: 'working' },
  reply: { days: 30, unit: 'calendar' },
  maxExtensionDays: 60,
  reviewRequest: { days: 30, unit: 'calendar' },
  reviewDecision: { days: 30, unit: 'calendar' },
}

export const DEADLINE_PROFILES: Record<string, DeadlineProfile> = {
  national: NATIONAL_PROFILE,
  zhejiang: ZHEJIANG_PROFILE,
}

/** Days before a deadline at which a petition counts as nearly due for supervisors. */
export const NEARLY_DUE_DAYS = 3
