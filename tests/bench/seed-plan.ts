import { petitionEvents, petitions, ratings } from '@xinfang/api/db/schema'
import {
  chineseDateOf,
  DAY_MS,
  type DeadlineRule,
  deadlineAfter,
  NATIONAL_PROFILE,
  PETITION_KIND_LABELS,
  type PetitionKind,
  type PetitionStatus,
  RATING_WINDOW_DAYS,
  shanghaiDateOf,
} from '@xinfang/shared'
import { insertShape } from './sql'
import { uuidV7At, uuidV7With } from './uuid-v7'

/*
 * What a bulk seed writes, as pure functions of a plan and a row number, so that several processes can make
 * disjoint ranges of rows (the encryption is the slow part) while one process writes them in order — and so the
 * benchmark can later name any seeded petition's tracking number and query code without reading it back.
 */

export type PetitionInsert = typeof petitions.$inferInsert
export type EventInsert = typeof petitionEvents.$inferInsert
export type RatingInsert = typeof ratings.$inferInsert

/** Every column a submission writes, plus those later workflow steps set (accepted, replied, closed …). */
export const PETITION_SHAPE = insertShape<PetitionInsert>(petitions, [
  'id',
  'trackingNo',
  'queryCodeHash',
  'citizenId',
  'kind',
  'categoryId',
  'title',
  'contentEnc',
  'addressEnc',
  'targetUnitId',
  'handlingUnitId',
  'status',
  'version',
  'submittedAt',
  'decideBy',
  'acceptedAt',
  'replyBy',
  'repliedAt',
  'closedAt',
  'possibleRepeatOfId',
  'deadlineProfile',
  'extendedDays',
  'externalBody',
  'overdueSince',
  'lastSupervisedAt',
  'decidedAt',
  'isDecidedOnTime',
  'firstRepliedAt',
  'isFirstReplyOnTime',
  'reviewRequestedAt',
  'repeatKind',
  'updatedAt',
])

export const EVENT_SHAPE = insertShape<EventInsert>(petitionEvents, [
  'id',
  'petitionId',
  'at',
  'type',
  'publicMessage',
  'internalNote',
  'actorKind',
  'actorId',
])

export const RATING_SHAPE = insertShape<RatingInsert>(ratings, [
  'id',
  'subjectKind',
  'subjectId',
  'stage',
  'citizenId',
  'level',
  'comment',
  'tags',
  'createdAt',
])

export interface SeedCategory {
  id: string
  code: string
  defaultUnitId: string
}

/** A unit of the city: matters go down to the units below the competent one and up for review (复查, 复核). */
export interface SeedUnit {
  id: string
  parentId: string | null
}

export interface TrackingYear {
  year: string
  /** The first row (global index) submitted in this year. */
  firstIndex: number
  /** The year's counter before the seed: its rows continue the sequence from here. */
  counterStart: number
}

export interface QueryCodeEntry {
  code: string
  hash: string
}

export interface SeedPlan {
  /** Rows already in the table before this seed: only for naming (tracking numbers come from the counters). */
  count: number
  spanStart: number
  spanEnd: number
  /** "Now" for the statuses: a petition's age decides how far along the workflow it is. */
  now: number
  intakeUnitId: string
  disciplineUnitId: string
  units: SeedUnit[]
  categories: SeedCategory[]
  trackingYears: TrackingYear[]
  /**
   * Query codes come from a pool whose blind indexes are computed once: `/track` finds the row by tracking number
   * (unique index) and only then compares the hash, so distinct codes would cost HMACs and change nothing measured.
   */
  queryCodes: QueryCodeEntry[]
  /** Seeded citizens; row g belongs to citizen g mod n, so each has 2–3 petitions spread over the span. */
  citizenCount: number
}

export const QUERY_CODE_POOL = 1024

/**
 * Rows of the first this many citizens of a seed have their content encrypted bound to their own id (the rest carry
 * pooled envelopes, see seed-worker.ts), so any of them may be read back through the API.
 */
export const BOUND_CITIZENS = 1000
const QUERY_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'

/** The j-th pooled query code: 8 characters of the API's own alphabet. */
export function pooledQueryCode(j: number): string {
  let value = (j + 1) * 7_919_731
  let code = ''
  for (let i = 0; i < 8; i++) {
    code += QUERY_CODE_ALPHABET[value % QUERY_CODE_ALPHABET.length]
    value = Math.floor(value / QUERY_CODE_ALPHABET.length) + i * 131
  }
  return code
}

export function submittedAtOf(plan: Pick<SeedPlan, 'count' | 'spanStart' | 'spanEnd'>, g: number): number {
  return plan.spanStart + Math.floor(((g + 0.5) * (plan.spanEnd - plan.spanStart)) / plan.count)
}

export function trackingNoOf(plan: Pick<SeedPlan, 'trackingYears'>, g: number): string {
  let entry = plan.trackingYears[0]
  for (const candidate of plan.trackingYears) if (candidate.firstIndex <= g) entry = candidate
  if (!entry) throw new Error('a seed plan needs at least one tracking year')
  return `XF-${entry.year}-${String(entry.counterStart + (g - entry.firstIndex) + 1).padStart(6, '0')}`
}

export function queryCodeOf(plan: Pick<SeedPlan, 'queryCodes'>, g: number): QueryCodeEntry {
  const entry = plan.queryCodes[g % plan.queryCodes.length]
  if (!entry) throw new Error('empty query-code pool')
  return entry
}

/** The years the span touches, with the first row of each (the rows are in time order). */
export function trackingYearsOf(
  plan: Pick<SeedPlan, 'count' | 'spanStart' | 'spanEnd'>,
  counters: ReadonlyMap<string, number>,
): TrackingYear[] {
  const yearOf = (g: number) => shanghaiDateOf(submittedAtOf(plan, g)).slice(0, 4)
  const years: TrackingYear[] = []
  let g = 0
  while (g < plan.count) {
    const year = yearOf(g)
    years.push({ year, firstIndex: g, counterStart: counters.get(`tracking:${year}`) ?? 0 })
    // Binary search for the first row of a later year.
    let low = g
    let high = plan.count
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2)
      if (yearOf(middle) === year) low = middle
      else high = middle
    }
    g = high
  }
  return years
}

/** The counters after the seed: each year advanced by its rows. */
export function countersAfter(plan: Pick<SeedPlan, 'count' | 'trackingYears'>): Map<string, number> {
  const result = new Map<string, number>()
  plan.trackingYears.forEach((entry, index) => {
    const end = plan.trackingYears[index + 1]?.firstIndex ?? plan.count
    result.set(`tracking:${entry.year}`, entry.counterStart + (end - entry.firstIndex))
  })
  return result
}

/** A small, fast, deterministic generator per row (mulberry32), so a row is the same whoever makes it. */
function randomFor(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

function pick<T>(items: readonly T[], random: number): T {
  const item = items[Math.min(items.length - 1, Math.floor(random * items.length))]
  if (item === undefined) throw new Error('pick from an empty list')
  return item
}

/** A value in [low, high). */
function between(low: number, high: number, random: number): number {
  return low + (high - low) * random
}

const TITLES = [
  '小区污水井反复外溢无人处理',
  '建筑工地夜间施工噪声扰民',
  '拖欠农民工工资三个月未发',
  '老旧小区加装电梯协调困难',
  '社保转移接续手续办理缓慢',
  '城中村道路破损积水严重',
  '商铺油烟直排影响居民生活',
  '征地补偿款发放标准不透明',
  '物业公司擅自提高收费标准',
  '学校周边交通秩序混乱存在隐患',
  '建议增设社区老年食堂',
  '咨询公租房申请条件和流程',
]

const CONTENTS = [
  '小区东门附近的污水井从上个月开始反复外溢，污水漫到人行道上，气味很大，老人和孩子出行很不方便。多次向物业和社区反映，至今没有人来处理，请求有关部门尽快疏通管网并告知处理结果。',
  '我在某建筑公司承建的项目上做木工，公司已经三个月没有发工资，共计两万四千元。多次找项目经理协商，对方一直推说资金没到位，请求劳动监察部门督促企业尽快支付。',
  '小区旁边的工地每天晚上十点以后还在施工，打桩声和渣土车的声音一直持续到凌晨，严重影响附近居民休息。希望有关部门核查夜间施工许可，依法处理。',
  '我们小区建于上世纪九十年代，住户老年人多，一楼住户不同意加装电梯，社区调解了几次没有结果，希望住建部门和街道给予指导和协调。',
  '我从外省回江城工作，办理养老保险关系转移已经四个月，窗口一直说材料在流转，请求查明进度并尽快办结。',
  '建议在湖滨街道增设社区老年食堂，解决辖区独居老人吃饭难的问题，可以考虑利用闲置的社区用房。',
]

/** Where matters that belong in court or elsewhere are sent (转送 outside the system). */
const EXTERNAL_BODIES = ['江城市中级人民法院', '江城市劳动人事争议仲裁委员会', '江城市东湖区人民法院']

type RatingLevel = RatingInsert['level']
type RatingStage = RatingInsert['stage']

/** Satisfaction leans on timeliness: a late reply is rated 不满意 far more often. */
function levelOf(random: number, isLate: boolean): RatingLevel {
  const [satisfied, basically] = isLate ? [0.35, 0.3] : [0.6, 0.27]
  return random < satisfied ? 'satisfied' : random < satisfied + basically ? 'basically_satisfied' : 'dissatisfied'
}

// Shares of the workflow, per petition. Chosen to look like a city's published figures (及时受理率 ≈ 93 %,
// 按期办结率 ≈ 92 %, 参评率 ≈ 60 %, 满意率 ≈ 85 %), so that every measure has both sides to count.
const WITHDRAWN_SHARE = 0.04
const NOT_ACCEPTED_SHARE = 0.07
const TRANSFERRED_SHARE = 0.04
const EXTENDED_SHARE = 0.06
const REPEAT_SHARE = 0.04
const STREET_SHARE = 0.6
const RATED_SHARE = 0.6
const REVIEW_RATED_SHARE = 0.45
const RECHECK_SHARE = 0.2
const RECHECK_RATED_SHARE = 0.35
/** The overdue sweep and the lapse sweep run every ten minutes: what they set lags the deadline by up to that. */
const SWEEP_LAG_MS = 10 * 60 * 1000

/** The instant `days` (fractional) after `at`, in whole milliseconds as the API stores instants. */
function daysAfter(at: number, days: number): number {
  return Math.round(at + days * DAY_MS)
}

/** When a sweep that runs every ten minutes acts on a deadline passed at `at`. */
function sweptAfter(at: number, random: number): number {
  return at + Math.floor(random * SWEEP_LAG_MS)
}

/** Days from submission to the decision: most within days, ~7 % after the 15-day limit (Art. 22). */
function decisionDays(random: () => number): number {
  const roll = random()
  if (roll < 0.72) return between(0.1, 4, random())
  if (roll < 0.93) return between(4, 14, random())
  return between(16, 28, random())
}

/** Days from acceptance to the first reply: ~7 % after the 60-day limit, or within an extended one (Art. 34). */
function replyDays(random: () => number, isExtended: boolean): number {
  if (isExtended) return between(55, 88, random())
  const roll = random()
  if (roll < 0.5) return between(5, 30, random())
  if (roll < 0.93) return between(30, 59, random())
  return between(61.5, 100, random())
}

export interface SeededRow {
  petition: Omit<PetitionInsert, 'contentEnc'>
  content: string
  event: EventInsert
  /** The citizen's ratings of the replies, in the order given (first reply, 复查, 复核). */
  ratings: RatingInsert[]
}

/** The deadline of `rule` for an event at `at`, computed once per Shanghai day (it depends on nothing else). */
function memoizedDeadline(rule: DeadlineRule): (at: number) => number {
  const byDay = new Map<number, number>()
  return (at) => {
    const day = Math.floor((at + SHANGHAI_OFFSET_MS) / DAY_MS)
    let deadline = byDay.get(day)
    if (deadline === undefined) {
      deadline = deadlineAfter(at, rule)
      byDay.set(day, deadline)
    }
    return deadline
  }
}

/**
 * Makes row g of the plan, with the content still in plain text (the caller encrypts it, bound to the row's id).
 *
 * Each petition lives through the workflow as apply-staff-action.ts, request-review.ts, rate-petition.ts,
 * withdraw-petition.ts and the sweeps would take it, up to the plan's "now": decided (on time or late), accepted
 * and handed to the competent unit (a street for a district's matters), possibly extended, replied (on time or
 * late), rated, reviewed by the unit above (复查, then 复核), closed when its windows lapse — or still waiting at
 * any of those steps, overdue where a deadline passed. The statistics columns (decided_at, first_replied_at,
 * review_requested_at, possible_repeat_of_id …) are set where the API sets them.
 */
export function createRowMaker(plan: SeedPlan, citizenIds: readonly string[]): (g: number) => SeededRow {
  const otherCategories = plan.categories.filter((category) => category.code !== 'discipline')
  const choosable = otherCategories.length > 0 ? otherCategories : plan.categories
  const discipline = plan.categories.find((category) => category.code === 'discipline')
  const parentOf = new Map(plan.units.map((unit) => [unit.id, unit.parentId ?? unit.id]))
  const childrenOf = new Map(
    plan.units.map((unit) => [unit.id, plan.units.filter((child) => child.parentId === unit.id).map((c) => c.id)]),
  )
  const decideByOf = memoizedDeadline(NATIONAL_PROFILE.decide)
  const replyByOf = memoizedDeadline(NATIONAL_PROFILE.reply)
  const reviewRequestByOf = memoizedDeadline(NATIONAL_PROFILE.reviewRequest)
  const reviewDecisionByOf = memoizedDeadline(NATIONAL_PROFILE.reviewDecision)
  const ratingWindowEndOf = memoizedDeadline({ days: RATING_WINDOW_DAYS, unit: 'calendar' })
  const decideDates = new Map<number, string>()

  /** Kind and category from a generator of their own, so that a repeat can take those of its earlier petition. */
  const subjectOf = (g: number) => {
    const random = randomFor(g * 2_246_822_519 + plan.count)
    const roll = random()
    const kind: PetitionKind = roll < 0.6 ? 'complaint' : roll < 0.75 ? 'suggestion' : roll < 0.9 ? 'inquiry' : 'report'
    const category = kind === 'report' ? (discipline ?? pick(plan.categories, random())) : pick(choosable, random())
    return { kind, category }
  }

  return (g) => {
    const random = randomFor(g * 2_654_435_761 + plan.count)
    const at = submittedAtOf(plan, g)
    const citizenId = citizenIds[g % citizenIds.length]
    if (citizenId === undefined) throw new Error('a seed needs citizens')
    const id = petitionIdOf(plan, g)
    // The citizen's previous petition is row g − citizenCount (row g belongs to citizen g mod citizenCount).
    const repeatOf = g >= plan.citizenCount && random() < REPEAT_SHARE ? g - plan.citizenCount : null
    const { kind, category } = subjectOf(repeatOf ?? g)
    const intake = kind === 'report' ? plan.disciplineUnitId : plan.intakeUnitId
    const decideBy = decideByOf(at)
    const withdrawAt = random() < WITHDRAWN_SHARE ? daysAfter(at, between(0.2, 20, random())) : Number.POSITIVE_INFINITY
    // What the citizen's withdrawal cuts short: a decision or reply after it never happened.
    const horizon = Math.min(plan.now, withdrawAt)

    let status: PetitionStatus = 'submitted'
    let handlingUnitId = intake
    let steps = 0
    let decidedAt: number | null = null
    let acceptedAt: number | null = null
    let replyBy: number | null = null
    let firstRepliedAt: number | null = null
    let isFirstReplyOnTime: boolean | null = null
    let repliedAt: number | null = null
    let reviewRequestedAt: number | null = null
    let closedAt: number | null = null
    let externalBody: string | null = null
    let extendedDays = 0
    const ratings: RatingInsert[] = []
    const rate = (stage: RatingStage, level: RatingLevel, ratedAt: number) => {
      ratings.push({
        id: uuidV7At(ratedAt),
        subjectKind: 'petition',
        subjectId: id,
        stage,
        citizenId,
        level,
        comment: null,
        tags: '[]',
        createdAt: ratedAt,
      })
    }

    const decision = daysAfter(at, decisionDays(random))
    if (decision <= horizon) {
      decidedAt = decision
      steps++
      const outcome = random()
      if (outcome < NOT_ACCEPTED_SHARE) {
        status = 'not_accepted'
        closedAt = decision
      } else if (outcome < NOT_ACCEPTED_SHARE + TRANSFERRED_SHARE) {
        status = 'transferred'
        externalBody = pick(EXTERNAL_BODIES, random())
        closedAt = decision
      } else {
        status = 'accepted'
        acceptedAt = decision
        const competent = kind === 'report' ? plan.disciplineUnitId : category.defaultUnitId
        const below = childrenOf.get(competent) ?? []
        handlingUnitId = below.length > 0 && random() < STREET_SHARE ? pick(below, random()) : competent
        const isExtended = random() < EXTENDED_SHARE
        extendedDays = isExtended ? NATIONAL_PROFILE.maxExtensionDays : 0
        replyBy = replyByOf(decision) + extendedDays * DAY_MS
        const reply = daysAfter(decision, replyDays(random, isExtended))
        if (reply > horizon) {
          status = plan.now - decision < 3 * DAY_MS ? 'accepted' : 'in_progress'
          steps += isExtended ? 1 : 0
        } else {
          steps += 1 + (isExtended ? 1 : 0)
          status = 'replied'
          firstRepliedAt = reply
          repliedAt = reply
          isFirstReplyOnTime = reply <= replyBy
          let level: RatingLevel | null = null
          let lastAct = reply
          if (random() < RATED_SHARE) {
            const ratedAt = daysAfter(reply, between(0.1, 6, random()))
            if (ratedAt <= plan.now) {
              level = levelOf(random(), !isFirstReplyOnTime)
              rate('reply', level, ratedAt)
              lastAct = ratedAt
            }
          }
          // Only 投诉请求 have a review procedure (Art. 35); a dissatisfied citizen asks for one far more often.
          const reviewShare = kind !== 'complaint' ? 0 : level === 'dissatisfied' ? 0.5 : 0.03
          const reviewBy = reviewRequestByOf(reply)
          const review =
            random() < reviewShare ? Math.min(reviewBy, daysAfter(lastAct, between(0.5, 20, random()))) : null
          if (review !== null && review <= plan.now) {
            status = 'review_requested'
            steps++
            reviewRequestedAt = review
            handlingUnitId = parentOf.get(handlingUnitId) ?? handlingUnitId
            replyBy = reviewDecisionByOf(review)
            const reviewReply = daysAfter(review, between(10, 35, random()))
            if (reviewReply <= plan.now) {
              status = 'review_replied'
              steps++
              repliedAt = reviewReply
              let reviewLastAct = reviewReply
              if (random() < REVIEW_RATED_SHARE) {
                const ratedAt = daysAfter(reviewReply, between(0.1, 6, random()))
                if (ratedAt <= plan.now) {
                  rate('review', levelOf(random(), true), ratedAt)
                  reviewLastAct = ratedAt
                }
              }
              const recheckBy = reviewRequestByOf(reviewReply)
              const recheck =
                random() < RECHECK_SHARE
                  ? Math.min(recheckBy, daysAfter(reviewLastAct, between(0.5, 20, random())))
                  : null
              if (recheck !== null && recheck <= plan.now) {
                status = 'recheck_requested'
                steps++
                handlingUnitId = parentOf.get(handlingUnitId) ?? handlingUnitId
                replyBy = reviewDecisionByOf(recheck)
                const recheckReply = daysAfter(recheck, between(10, 35, random()))
                if (recheckReply <= plan.now) {
                  status = 'recheck_replied'
                  steps++
                  repliedAt = recheckReply
                  if (random() < RECHECK_RATED_SHARE) {
                    const ratedAt = daysAfter(recheckReply, between(0.1, 6, random()))
                    if (ratedAt <= plan.now) rate('recheck', levelOf(random(), true), ratedAt)
                  }
                  // 终结 once the rating window of the 复核 reply is over (close-lapsed.ts).
                  const finalizedAt = sweptAfter(ratingWindowEndOf(recheckReply), random())
                  if (finalizedAt <= plan.now) {
                    status = 'finalized'
                    steps++
                    closedAt = finalizedAt
                  }
                }
              } else {
                const lapsedAt = sweptAfter(recheckBy, random())
                if (lapsedAt <= plan.now) {
                  status = 'closed'
                  steps++
                  closedAt = lapsedAt
                }
              }
            }
          } else {
            // 办结 by itself the day after the review window (close-lapsed.ts).
            const lapsedAt = sweptAfter(reviewBy, random())
            if (lapsedAt <= plan.now) {
              status = 'closed'
              steps++
              closedAt = lapsedAt
            }
          }
        }
      }
    }
    if (withdrawAt <= plan.now && (status === 'submitted' || status === 'accepted' || status === 'in_progress')) {
      status = 'withdrawn'
      steps++
      closedAt = withdrawAt
    }
    const currentDeadline =
      status === 'submitted'
        ? decideBy
        : status === 'accepted' ||
            status === 'in_progress' ||
            status === 'review_requested' ||
            status === 'recheck_requested'
          ? replyBy
          : null
    const overdueSince =
      currentDeadline !== null && currentDeadline + SWEEP_LAG_MS < plan.now ? currentDeadline + SWEEP_LAG_MS : null

    const trackingNo = trackingNoOf(plan, g)
    const title = pick(TITLES, random())
    const submittedDay = Math.floor((at + SHANGHAI_OFFSET_MS) / DAY_MS)
    let decideDate = decideDates.get(submittedDay)
    if (decideDate === undefined) {
      decideDate = chineseDateOf(decideBy)
      decideDates.set(submittedDay, decideDate)
    }
    return {
      petition: {
        id,
        trackingNo,
        queryCodeHash: queryCodeOf(plan, g).hash,
        citizenId,
        kind,
        categoryId: category.id,
        title,
        addressEnc: null,
        targetUnitId: null,
        handlingUnitId,
        status,
        version: 1 + steps,
        submittedAt: at,
        decideBy,
        acceptedAt,
        replyBy,
        repliedAt,
        closedAt,
        possibleRepeatOfId: repeatOf === null ? null : petitionIdOf(plan, repeatOf),
        deadlineProfile: NATIONAL_PROFILE.id,
        extendedDays,
        externalBody,
        overdueSince,
        lastSupervisedAt: null,
        decidedAt,
        isDecidedOnTime: decidedAt === null ? null : decidedAt <= decideBy,
        firstRepliedAt,
        isFirstReplyOnTime,
        reviewRequestedAt,
        repeatKind: repeatOf === null ? null : 'open',
        updatedAt: Math.max(
          at,
          decidedAt ?? 0,
          repliedAt ?? 0,
          reviewRequestedAt ?? 0,
          closedAt ?? 0,
          overdueSince ?? 0,
          ...ratings.map((rating) => rating.createdAt),
        ),
      },
      content: `${title}。${pick(CONTENTS, random())}`,
      event: {
        id: uuidV7At(at),
        petitionId: id,
        at,
        type: 'submitted',
        publicMessage: `您的${PETITION_KIND_LABELS[kind]}已提交，受理编号 ${trackingNo}。信访部门将在 ${decideDate} 前告知是否受理（《信访工作条例》第二十二条）。`,
        internalNote: null,
        actorKind: 'citizen',
        actorId: citizenId,
      },
      ratings,
    }
  }
}

/**
 * Row g's id, the same whoever asks: a UUIDv7 of its submission time whose random bits come from the row number,
 * so that a later petition of the same citizen can name it as the one it likely repeats.
 */
export function petitionIdOf(plan: Pick<SeedPlan, 'count' | 'spanStart' | 'spanEnd'>, g: number): string {
  return uuidV7With(submittedAtOf(plan, g), randomFor(g * 3_266_489_917 + plan.count + plan.spanStart))
}

/** Asia/Shanghai has had no daylight saving since 1991: a fixed UTC+8. */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000
