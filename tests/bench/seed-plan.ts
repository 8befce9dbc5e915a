import { petitionEvents, petitions } from '@xinfang/api/db/schema'
import {
  chineseDateOf,
  DAY_MS,
  deadlineAfter,
  NATIONAL_PROFILE,
  PETITION_KIND_LABELS,
  type PetitionKind,
  type PetitionStatus,
  shanghaiDateOf,
} from '@xinfang/shared'
import { insertShape } from './sql'
import { uuidV7At } from './uuid-v7'

/*
 * What a bulk seed writes, as pure functions of a plan and a row number, so that several processes can make
 * disjoint ranges of rows (the encryption is the slow part) while one process writes them in order — and so the
 * benchmark can later name any seeded petition's tracking number and query code without reading it back.
 */

export type PetitionInsert = typeof petitions.$inferInsert
export type EventInsert = typeof petitionEvents.$inferInsert

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

export interface SeedCategory {
  id: string
  code: string
  defaultUnitId: string
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

/** Cumulative weights → the first status whose bound exceeds `random`. */
function weighted(table: readonly (readonly [PetitionStatus, number])[], random: number): PetitionStatus {
  let bound = 0
  for (const [status, weight] of table) {
    bound += weight
    if (random < bound) return status
  }
  return table[table.length - 1]?.[0] ?? 'submitted'
}

// How far along the workflow a petition is, by age: new ones wait for intake, old ones are mostly done.
const RECENT: readonly (readonly [PetitionStatus, number])[] = [
  ['submitted', 0.75],
  ['accepted', 0.15],
  ['not_accepted', 0.05],
  ['withdrawn', 0.05],
]
const IN_HAND: readonly (readonly [PetitionStatus, number])[] = [
  ['accepted', 0.1],
  ['in_progress', 0.4],
  ['replied', 0.35],
  ['transferred', 0.05],
  ['not_accepted', 0.05],
  ['withdrawn', 0.05],
]
const SETTLED: readonly (readonly [PetitionStatus, number])[] = [
  ['closed', 0.45],
  ['replied', 0.2],
  ['finalized', 0.15],
  ['review_requested', 0.02],
  ['review_replied', 0.05],
  ['recheck_replied', 0.03],
  ['not_accepted', 0.05],
  ['withdrawn', 0.05],
]

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

export interface SeededRow {
  petition: Omit<PetitionInsert, 'contentEnc'>
  content: string
  event: EventInsert
}

/**
 * Makes row g of the plan, with the content still in plain text (the caller encrypts it, bound to the row's id).
 * Deadlines and dates depend only on the Shanghai day of submission and the rows come in time order, so they are
 * computed with the shared rules once per day.
 */
export function createRowMaker(plan: SeedPlan, citizenIds: readonly string[]): (g: number) => SeededRow {
  const otherCategories = plan.categories.filter((category) => category.code !== 'discipline')
  const choosable = otherCategories.length > 0 ? otherCategories : plan.categories
  const discipline = plan.categories.find((category) => category.code === 'discipline')
  let day = Number.NaN
  let decideBy = 0
  let decideDate = ''
  let replyBy = 0
  return (g) => {
    const random = randomFor(g * 2_654_435_761 + plan.count)
    const at = submittedAtOf(plan, g)
    const dayOfAt = Math.floor((at + SHANGHAI_OFFSET_MS) / DAY_MS)
    if (dayOfAt !== day) {
      day = dayOfAt
      decideBy = deadlineAfter(at, NATIONAL_PROFILE.decide)
      decideDate = chineseDateOf(decideBy)
      // Acceptance is three days after submission: rows submitted on one day share their reply limit too.
      replyBy = deadlineAfter(at + 3 * DAY_MS, NATIONAL_PROFILE.reply)
    }
    const ageDays = (plan.now - at) / DAY_MS
    const kindRoll = random()
    const kind: PetitionKind =
      kindRoll < 0.6 ? 'complaint' : kindRoll < 0.75 ? 'suggestion' : kindRoll < 0.9 ? 'inquiry' : 'report'
    const category = kind === 'report' ? (discipline ?? pick(plan.categories, random())) : pick(choosable, random())
    const status = weighted(ageDays <= 15 ? RECENT : ageDays <= 90 ? IN_HAND : SETTLED, random())
    const intake = kind === 'report' ? plan.disciplineUnitId : plan.intakeUnitId
    // The workflow's timestamps as apply-staff-action.ts and withdraw-petition.ts set them: decided three days
    // after submission, replied thirty days after acceptance, review asked ten days after the reply.
    const isDecided = status !== 'submitted' && status !== 'not_accepted' && status !== 'withdrawn'
    const decidedAt = isDecided || status === 'not_accepted' ? at + 3 * DAY_MS : null
    const acceptedAt = isDecided ? decidedAt : null
    const isReplied = isDecided && status !== 'accepted' && status !== 'in_progress' && status !== 'transferred'
    const repliedAt = isReplied && acceptedAt !== null ? acceptedAt + 30 * DAY_MS : null
    const isReviewed = status.startsWith('review_') || status.startsWith('recheck_')
    const reviewRequestedAt = isReviewed && repliedAt !== null ? repliedAt + 10 * DAY_MS : null
    const closedAt =
      status === 'closed' || status === 'finalized'
        ? (repliedAt ?? at) + 45 * DAY_MS
        : status === 'not_accepted'
          ? decidedAt
          : status === 'withdrawn'
            ? at + DAY_MS
            : null
    const citizenId = citizenIds[g % citizenIds.length]
    if (citizenId === undefined) throw new Error('a seed needs citizens')
    const id = uuidV7At(at)
    const trackingNo = trackingNoOf(plan, g)
    const title = pick(TITLES, random())
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
        handlingUnitId: isDecided ? (kind === 'report' ? plan.disciplineUnitId : category.defaultUnitId) : intake,
        status,
        version: 1 + (isDecided ? 1 : 0) + (isReplied ? 1 : 0) + (closedAt === null ? 0 : 1),
        submittedAt: at,
        decideBy,
        acceptedAt,
        replyBy: acceptedAt === null ? null : replyBy,
        repliedAt,
        closedAt,
        possibleRepeatOfId: null,
        deadlineProfile: NATIONAL_PROFILE.id,
        extendedDays: 0,
        externalBody: null,
        overdueSince: null,
        lastSupervisedAt: null,
        decidedAt,
        isDecidedOnTime: decidedAt === null ? null : decidedAt <= decideBy,
        firstRepliedAt: repliedAt,
        isFirstReplyOnTime: repliedAt === null ? null : repliedAt <= replyBy,
        reviewRequestedAt,
        repeatKind: null,
        updatedAt: Math.max(closedAt ?? 0, reviewRequestedAt ?? 0, repliedAt ?? 0, decidedAt ?? 0, at),
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
    }
  }
}

/** Asia/Shanghai has had no daylight saving since 1991: a fixed UTC+8. */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000
