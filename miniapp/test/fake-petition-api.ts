import type { ServerResponse } from 'node:http'
import {
  type AuthResult,
  type Category,
  type ErrorCode,
  endOfCalendarDaysAfter,
  type Message,
  type PetitionCreate,
  type PetitionCreated,
  PetitionCreateSchema,
  type PetitionDetail,
  RATING_WINDOW_DAYS,
  type Rating,
  RatingCreateSchema,
  ReviewRequestCreateSchema,
  ratingStageOf,
  reviewStepOf,
  STAFF_ACTION_LABELS,
  type Subscriptions,
  TrackQuerySchema,
  toShanghaiIso,
  type Unit,
} from '@xinfang/shared'
import { nextServerTag, type RecordedRequest, sendJson, sendProblem, startTestServer } from './test-server'

export const CATEGORIES: Category[] = [
  {
    id: 'cat_labor',
    code: 'labor',
    name: '劳动和社会保障',
    description: '拖欠工资、社会保险',
    defaultUnitId: 'unit_rsj',
  },
  { id: 'cat_other', code: 'other', name: '其他', description: '以上分类都不适用的事项', defaultUnitId: 'unit_xfj' },
]

export const UNITS: Unit[] = [
  {
    id: 'unit_xfj',
    code: 'city-xfj',
    name: '江城市信访局',
    shortName: '市信访局',
    kind: 'petition_bureau',
    parentId: null,
  },
  {
    id: 'unit_rsj',
    code: 'city-rsj',
    name: '江城市人力资源和社会保障局',
    shortName: '人社局',
    kind: 'department',
    parentId: null,
  },
]

/** What goes wrong with the next `POST /api/v1/petitions`. */
export type SubmissionFault =
  /** 503 before anything is stored. */
  | 'unavailable'
  /** The petition is stored under the key, then the connection is dropped: the answer is lost. */
  | 'answer_lost'
  /** 409 IDEMPOTENCY_IN_FLIGHT: an earlier request with the key is still running. */
  | 'in_flight'
  /** 400 naming `body.attachmentIds`: an uploaded file is no longer usable. */
  | 'attachment_gone'

export interface FakePetitionApiOptions {
  hasProfile?: boolean
  /** Subscribe-message templates configured on the server (none: pushes are off, as in demo mode). */
  templates?: Subscriptions['templates']
}

export interface FakePetitionApi {
  baseUrl: string
  requests: RecordedRequest[]
  requestsTo(method: string, path: string): RecordedRequest[]
  /** Petitions filed, by id, with the body that filed them. */
  petitions: Map<string, FiledPetition>
  messages: Message[]
  /** A petition filed earlier by the signed-in citizen. */
  seedPetition(body: PetitionCreate): PetitionCreated
  /** The next submissions meet these faults, in order. */
  failNextSubmissions(...faults: SubmissionFault[]): void
  /** A staff step on a petition: a timeline event and a message, as the real API records them together. */
  recordStep(petitionId: string, step: { type: string; status: PetitionDetail['status']; message: string }): void
  /**
   * A written reply now (`reply`, or `review_reply` after a 复查 request, `recheck_reply` after 复核): the status,
   * the timeline event, the notice titled as the real API titles it, and for a complaint the review window.
   */
  reply(petitionId: string, type?: 'reply' | 'review_reply' | 'recheck_reply', options?: { repliedAt?: number }): void
  /** The latest reply is moved back to `repliedAt`, as if the days since had passed: its windows move with it. */
  backdateReply(petitionId: string, repliedAt: number): void
  /** The next reads of a petition's detail answer 503, before anything is read. */
  failNextDetailReads(count: number): void
  /**
   * From now on, `POST /api/v1/messages/{id}/read` is recorded when it arrives but neither applied nor answered
   * until `release()`: a request the test knows to be on the wire.
   */
  holdMessageReads(): { release(): void }
  /** The next ratings or review requests are refused with these codes, in order. */
  refuseNextRatings(...codes: ErrorCode[]): void
  refuseNextReviewRequests(...codes: ErrorCode[]): void
  setProfile(hasProfile: boolean): void
}

/**
 * A petition as the fake keeps it: `detail` without what the API works out when it is read — the review and rating
 * windows, which run from `repliedAt`, and the rating of the latest reply.
 */
export interface FiledPetition {
  body: PetitionCreate
  detail: PetitionDetail
  queryCode: string
  /** When the latest written reply was made, if there is one. */
  repliedAt?: number
}

/** The unit above the city's departments: where 复查 and 复核 requests go in the demo city. */
export const REVIEW_UNIT = { id: 'unit_gov', name: '江城市人民政府' }

const NOW = '2026-11-22T10:00:00.000+08:00'
const DECIDE_BY = '2026-12-07T23:59:59.999+08:00'

/**
 * The citizen's petition and message routes of the API (../shared/API.md) with the behaviour the mini-program depends
 * on: bearer tokens from the demo login, the Idempotency-Key contract of `POST /api/v1/petitions` (replay, 422 for
 * another body, 409 while in flight), 403 PROFILE_REQUIRED, problem+json field errors with paths like `body.title`,
 * `/track` answering 404 for a wrong pair, and a detail that carries the rating of the latest reply or, while it can
 * still be rated, `deadlines.rateBy` — worked out at each read, as the API does. A real HTTP server on 127.0.0.1,
 * closed when the test ends.
 */
export async function startFakePetitionApi(options: FakePetitionApiOptions = {}): Promise<FakePetitionApi> {
  let hasProfile = options.hasProfile ?? true
  const tag = nextServerTag()
  let issued = 0
  const tokens = new Set<string>()
  const keys = new Map<string, { body: string; created: PetitionCreated }>()
  const petitions: FakePetitionApi['petitions'] = new Map()
  const messages: Message[] = []
  const faults: SubmissionFault[] = []
  let detailReadFailures = 0
  let heldReads: Promise<void> | undefined
  const ratingRefusals: ErrorCode[] = []
  const reviewRefusals: ErrorCode[] = []
  /** Ratings given, by petition and stage, as stored: whether a review can follow is worked out when read. */
  const ratings = new Map<string, Omit<Rating, 'canRequestReview' | 'reviewRequestBy'>>()

  /** 申请复查/复核 until the end of the 30th day after the reply, for a complaint's reply that can be reviewed. */
  function reviewRequestByOf(petition: FiledPetition): number | null {
    if (petition.repliedAt === undefined || !reviewStepOf(petition.detail)) return null
    return endOfCalendarDaysAfter(petition.repliedAt, 30)
  }

  /** 评价期限: the end of the 30th day after the latest reply, while the status invites a rating of it. */
  function rateByOf(petition: FiledPetition): number | null {
    if (ratingStageOf(petition.detail.status) === null || petition.repliedAt === undefined) return null
    return endOfCalendarDaysAfter(petition.repliedAt, RATING_WINDOW_DAYS)
  }

  /** The rating of the latest reply as the API shows it, with the review it still allows. */
  function latestRatingOf(petition: FiledPetition, now: number): Rating | undefined {
    const stage = ratingStageOf(petition.detail.status)
    const stored = stage === null ? undefined : ratings.get(`${petition.detail.id}|${stage}`)
    if (stored === undefined) return undefined
    const reviewRequestBy = reviewRequestByOf(petition)
    return {
      ...stored,
      canRequestReview: stored.level === 'dissatisfied' && reviewRequestBy !== null && now <= reviewRequestBy,
      reviewRequestBy: reviewRequestBy === null ? null : toShanghaiIso(reviewRequestBy),
    }
  }

  /** The detail as `GET /petitions/:id` answers it now (api/src/domain/petitions/petition-views.ts). */
  function detailOf(petition: FiledPetition): PetitionDetail {
    const now = Date.now()
    const rating = latestRatingOf(petition, now)
    const rateBy = rateByOf(petition)
    const isRatable = rating === undefined && rateBy !== null && now <= rateBy
    return {
      ...petition.detail,
      deadlines: { ...deadlinesOf(petition), ...(isRatable ? { rateBy: toShanghaiIso(rateBy) } : {}) },
      ...(rating === undefined ? {} : { rating }),
    }
  }

  /** The deadlines both the detail and `/track` show. */
  function deadlinesOf(petition: FiledPetition): PetitionDetail['deadlines'] {
    const reviewRequestBy = reviewRequestByOf(petition)
    return {
      ...petition.detail.deadlines,
      ...(reviewRequestBy === null ? {} : { reviewRequestBy: toShanghaiIso(reviewRequestBy) }),
    }
  }

  function signIn(): AuthResult {
    issued += 1
    const accessToken = `access-${tag}-${issued}`
    tokens.add(accessToken)
    return {
      accessToken,
      refreshToken: `refresh-${tag}-${issued}-${'r'.repeat(24)}`,
      expiresIn: 900,
      user: { id: 'citizen_1', role: 'citizen', hasProfile },
    }
  }

  /** A notice of a petition's step, named by the type of the timeline event it announces, as the API names it. */
  function addMessage(subjectId: string, event: string, title: string, body: string) {
    messages.unshift({
      id: `msg_${messages.length + 1}`,
      at: NOW,
      subjectKind: 'petition',
      subjectId,
      title,
      body,
      event,
      isRead: false,
    })
  }

  function file(body: PetitionCreate): PetitionCreated {
    const number = petitions.size + 1
    const id = `pet_${tag}_${number}`
    const trackingNo = `XF-2026-${String(number).padStart(6, '0')}`
    const queryCode = `QC${String(number).padStart(6, '0')}`
    const category = CATEGORIES.find((candidate) => candidate.id === body.categoryId) ?? CATEGORIES[1]
    const message = `您的信访事项已提交，受理编号 ${trackingNo}。信访部门将在 2026-12-07 前告知是否受理（《信访工作条例》第二十二条）。`
    petitions.set(id, {
      body,
      queryCode,
      detail: {
        id,
        trackingNo,
        kind: body.kind,
        category: { id: category?.id ?? 'cat_other', name: category?.name ?? '其他' },
        title: body.title,
        status: 'submitted',
        submittedAt: NOW,
        nextDeadline: { kind: 'decide', label: '告知是否受理', at: DECIDE_BY, isOverdue: false },
        content: body.content,
        address: body.address ?? null,
        targetUnit: null,
        handlingUnit: { id: 'unit_xfj', name: '江城市信访局' },
        attachments: [],
        timeline: [{ at: NOW, type: 'submitted', message }],
        deadlines: { decideBy: DECIDE_BY },
        canWithdraw: true,
      },
    })
    addMessage(id, 'submitted', '信访事项已提交', message)
    return { id, trackingNo, queryCode, status: 'submitted', submittedAt: NOW, deadlines: { decideBy: DECIDE_BY } }
  }

  function submit(request: RecordedRequest, response: ServerResponse) {
    const key = request.headers['idempotency-key']
    if (typeof key !== 'string' || key === '') return sendProblem(response, 'IDEMPOTENCY_KEY_REQUIRED')
    const fault = faults.shift()
    if (fault === 'in_flight') return sendProblem(response, 'IDEMPOTENCY_IN_FLIGHT')
    if (fault === 'unavailable') return sendProblem(response, 'SERVICE_UNAVAILABLE')
    if (!hasProfile) return sendProblem(response, 'PROFILE_REQUIRED')
    if (fault === 'attachment_gone') {
      return sendJson(
        response,
        400,
        {
          type: 'urn:xinfang:problem:validation-failed',
          title: '提交的内容不符合要求，请检查后重试',
          status: 400,
          code: 'VALIDATION_FAILED',
          errors: [{ path: 'body.attachmentIds', message: '附件不存在或已用于其他信访事项，请重新上传' }],
        },
        'application/problem+json',
      )
    }
    const parsed = PetitionCreateSchema.safeParse(JSON.parse(request.body || 'null'))
    if (!parsed.success) {
      const errors = parsed.error.issues.map((issue) => ({
        path: ['body', ...issue.path.map(String)].join('.'),
        message: issue.message,
      }))
      return sendJson(
        response,
        400,
        {
          type: 'urn:xinfang:problem:validation-failed',
          title: '提交的内容不符合要求',
          status: 400,
          code: 'VALIDATION_FAILED',
          errors,
        },
        'application/problem+json',
      )
    }
    const canonical = JSON.stringify(parsed.data)
    const stored = keys.get(key)
    if (stored) {
      if (stored.body !== canonical) return sendProblem(response, 'IDEMPOTENCY_KEY_REUSED')
      response.setHeader('Idempotent-Replayed', 'true')
      return sendJson(response, 201, stored.created)
    }
    const created = file(parsed.data)
    keys.set(key, { body: canonical, created })
    if (fault === 'answer_lost') {
      response.socket?.destroy()
      return
    }
    sendJson(response, 201, created)
  }

  function sendValidationProblem(response: ServerResponse, issues: { path: PropertyKey[]; message: string }[]) {
    sendJson(
      response,
      400,
      {
        type: 'urn:xinfang:problem:validation-failed',
        title: '提交的内容不符合要求',
        status: 400,
        code: 'VALIDATION_FAILED',
        errors: issues.map((issue) => ({
          path: ['body', ...issue.path.map(String)].join('.'),
          message: issue.message,
        })),
      },
      'application/problem+json',
    )
  }

  /** `POST /petitions/:id/ratings` with the API's rules: the latest reply, within its window, once per stage. */
  function rate(petitionId: string, request: RecordedRequest, response: ServerResponse) {
    const petition = petitions.get(petitionId)
    if (!petition) return sendProblem(response, 'NOT_FOUND')
    const parsed = RatingCreateSchema.safeParse(JSON.parse(request.body || 'null'))
    if (!parsed.success) return sendValidationProblem(response, parsed.error.issues)
    const refusal = ratingRefusals.shift()
    if (refusal) return sendProblem(response, refusal)
    const stage = ratingStageOf(petition.detail.status)
    const rateBy = rateByOf(petition)
    const now = Date.now()
    if (stage === null || rateBy === null || now > rateBy) {
      return sendProblem(response, 'RATING_NOT_OPEN', '当前没有可以评价的答复，或已超过评价期限')
    }
    if (ratings.has(`${petitionId}|${stage}`)) return sendProblem(response, 'ALREADY_RATED')
    ratings.set(`${petitionId}|${stage}`, {
      id: `rating_${ratings.size + 1}`,
      stage,
      level: parsed.data.level,
      comment: parsed.data.comment || null,
      tags: parsed.data.tags ?? [],
      createdAt: toShanghaiIso(now),
    })
    sendJson(response, 201, latestRatingOf(petition, now))
  }

  /** `POST /petitions/:id/review-requests`: 复查 after the reply, 复核 after the 复查 reply, final after that. */
  function requestReview(petitionId: string, request: RecordedRequest, response: ServerResponse) {
    const petition = petitions.get(petitionId)
    if (!petition) return sendProblem(response, 'NOT_FOUND')
    const parsed = ReviewRequestCreateSchema.safeParse(JSON.parse(request.body || 'null'))
    if (!parsed.success) return sendValidationProblem(response, parsed.error.issues)
    const refusal = reviewRefusals.shift()
    if (refusal) return sendProblem(response, refusal)
    const { status } = petition.detail
    if (status === 'recheck_replied' || status === 'finalized') return sendProblem(response, 'PETITION_FINALIZED')
    const to = status === 'replied' ? 'review_requested' : status === 'review_replied' ? 'recheck_requested' : null
    if (to === null) return sendProblem(response, 'INVALID_TRANSITION', '收到书面答复后才能申请复查（复核）')
    const decideBy = toShanghaiIso(endOfCalendarDaysAfter(Date.now(), 30))
    const stage = to === 'review_requested' ? '复查' : '复核'
    const message = `您已申请${stage}，${REVIEW_UNIT.name}将在 ${decideBy.slice(0, 10)} 前提出${stage}意见并书面答复。`
    petition.detail = {
      ...petition.detail,
      status: to,
      handlingUnit: REVIEW_UNIT,
      deadlines: { replyBy: decideBy },
      nextDeadline: { kind: 'reply', label: '复查（复核）意见期限', at: decideBy, isOverdue: false },
      timeline: [...petition.detail.timeline, { at: toShanghaiIso(Date.now()), type: to, message }],
    }
    addMessage(petitionId, to, `已申请${stage}`, message)
    sendJson(response, 201, { petitionId, status: to, reviewUnit: REVIEW_UNIT, decideBy })
  }

  function handle(request: RecordedRequest, response: ServerResponse) {
    const url = new URL(request.url, 'http://fake')
    const route = `${request.method} ${url.pathname}`
    if (route === 'POST /api/v1/auth/demo') return sendJson(response, 200, signIn())
    if (route === 'GET /api/v1/categories') return sendJson(response, 200, { items: CATEGORIES, nextCursor: null })
    if (route === 'GET /api/v1/units') return sendJson(response, 200, { items: UNITS, nextCursor: null })
    if (route === 'GET /api/v1/track') {
      const query = TrackQuerySchema.safeParse(Object.fromEntries(url.searchParams))
      const found = [...petitions.values()].find(
        (petition) =>
          query.success &&
          petition.detail.trackingNo === query.data.trackingNo &&
          petition.queryCode === query.data.queryCode,
      )
      if (!found) return sendProblem(response, 'NOT_FOUND', '受理编号或查询码不正确，请核对后再试')
      const { detail } = found
      return sendJson(response, 200, {
        trackingNo: detail.trackingNo,
        kind: detail.kind,
        category: detail.category,
        status: detail.status,
        submittedAt: detail.submittedAt,
        deadlines: deadlinesOf(found),
        nextDeadline: detail.nextDeadline,
        timeline: detail.timeline,
      })
    }

    const token = request.headers.authorization?.replace(/^Bearer /, '')
    if (token === undefined || !tokens.has(token)) return sendProblem(response, 'UNAUTHENTICATED')

    if (route === 'GET /api/v1/me') {
      const profile = hasProfile
        ? { realName: '王*', idNumber: '110105********002X', phone: '137****2222', address: '江城市东湖区解放路12号' }
        : null
      return sendJson(response, 200, { id: 'citizen_1', role: 'citizen', profile })
    }
    if (route === 'POST /api/v1/petitions') return submit(request, response)
    if (route === 'GET /api/v1/petitions') {
      const items = [...petitions.values()].reverse().map(({ detail }) => ({
        id: detail.id,
        trackingNo: detail.trackingNo,
        kind: detail.kind,
        category: detail.category,
        title: detail.title,
        status: detail.status,
        submittedAt: detail.submittedAt,
        nextDeadline: detail.nextDeadline,
      }))
      return sendJson(response, 200, { items, nextCursor: null })
    }
    if (route === 'GET /api/v1/messages') {
      const unreadCount = messages.filter((message) => !message.isRead).length
      const limit = Number(url.searchParams.get('limit') ?? 20)
      const start = Number(url.searchParams.get('cursor') ?? 0)
      const page = messages.slice(start, start + limit)
      const nextCursor = start + limit < messages.length ? String(start + limit) : null
      return sendJson(response, 200, { items: page, nextCursor, unreadCount })
    }
    if (route === 'GET /api/v1/subscriptions') {
      return sendJson(response, 200, { templates: options.templates ?? [], credits: [] })
    }
    const read = /^POST \/api\/v1\/messages\/([\w-]+)\/read$/.exec(route)
    if (read) {
      const markRead = () => {
        const message = messages.find((candidate) => candidate.id === read[1])
        if (!message) return sendProblem(response, 'NOT_FOUND')
        message.isRead = true
        return sendJson(response, 200, message)
      }
      if (!heldReads) return markRead()
      void heldReads.then(() => {
        if (!response.destroyed) markRead()
      })
      return
    }
    const rating = /^POST \/api\/v1\/petitions\/([\w-]+)\/ratings$/.exec(route)
    if (rating) return rate(rating[1] ?? '', request, response)
    const review = /^POST \/api\/v1\/petitions\/([\w-]+)\/review-requests$/.exec(route)
    if (review) return requestReview(review[1] ?? '', request, response)
    const detail = /^GET \/api\/v1\/petitions\/([\w-]+)$/.exec(route)
    if (detail) {
      if (detailReadFailures > 0) {
        detailReadFailures -= 1
        return sendProblem(response, 'SERVICE_UNAVAILABLE')
      }
      const petition = petitions.get(detail[1] ?? '')
      return petition ? sendJson(response, 200, detailOf(petition)) : sendProblem(response, 'NOT_FOUND')
    }
    const withdraw = /^POST \/api\/v1\/petitions\/([\w-]+)\/withdraw$/.exec(route)
    if (withdraw) {
      const petition = petitions.get(withdraw[1] ?? '')
      if (!petition) return sendProblem(response, 'NOT_FOUND')
      if (!petition.detail.canWithdraw) return sendProblem(response, 'INVALID_TRANSITION')
      petition.detail = {
        ...petition.detail,
        status: 'withdrawn',
        canWithdraw: false,
        nextDeadline: null,
        timeline: [...petition.detail.timeline, { at: NOW, type: 'withdrawn', message: '您已撤回该信访事项。' }],
      }
      return sendJson(response, 200, detailOf(petition))
    }
    return sendProblem(response, 'NOT_FOUND')
  }

  const server = await startTestServer(handle)
  return {
    baseUrl: server.baseUrl,
    requests: server.requests,
    requestsTo: (method, path) =>
      server.requests.filter((request) => request.method === method && request.url.split('?')[0] === path),
    petitions,
    messages,
    seedPetition: file,
    failNextSubmissions: (...next) => faults.push(...next),
    recordStep(petitionId, step) {
      const petition = petitions.get(petitionId)
      if (!petition) throw new Error(`no petition ${petitionId}`)
      petition.detail = {
        ...petition.detail,
        status: step.status,
        timeline: [...petition.detail.timeline, { at: NOW, type: step.type, message: step.message }],
      }
      addMessage(petitionId, step.type, `信访事项${stepLabelOf(step.type)}`, step.message)
    },
    reply(petitionId, type = 'reply', options = {}) {
      const petition = petitions.get(petitionId)
      if (!petition) throw new Error(`no petition ${petitionId}`)
      const repliedAt = options.repliedAt ?? Date.now()
      const status = { reply: 'replied', review_reply: 'review_replied', recheck_reply: 'recheck_replied' } as const
      const opinion = { reply: '处理意见', review_reply: '复查意见', recheck_reply: '复核意见' }[type]
      const message = `${petition.detail.handlingUnit.name}已作出书面${opinion}（解释说明）：经调查，企业已承诺分期支付拖欠工资。`
      petition.detail = {
        ...petition.detail,
        status: status[type],
        canWithdraw: false,
        deadlines: {},
        timeline: [...petition.detail.timeline, { at: toShanghaiIso(repliedAt), type, message }],
      }
      moveReplyTo(petition, repliedAt)
      addMessage(petitionId, type, `信访事项${STAFF_ACTION_LABELS[type]}`, message)
    },
    backdateReply(petitionId, repliedAt) {
      const petition = petitions.get(petitionId)
      if (petition?.repliedAt === undefined) throw new Error(`no reply to petition ${petitionId}`)
      moveReplyTo(petition, repliedAt)
    },
    failNextDetailReads(count) {
      detailReadFailures += count
    },
    holdMessageReads() {
      let release = () => {}
      heldReads = new Promise<void>((resolve) => {
        release = () => {
          heldReads = undefined
          resolve()
        }
      })
      return { release }
    },
    refuseNextRatings: (...codes) => ratingRefusals.push(...codes),
    refuseNextReviewRequests: (...codes) => reviewRefusals.push(...codes),
    setProfile(value) {
      hasProfile = value
    },
  }
}

/** The reply's date, and the next deadline it sets: the review request, when the reply allows one. */
function moveReplyTo(petition: FiledPetition, repliedAt: number) {
  petition.repliedAt = repliedAt
  const canBeReviewed = reviewStepOf(petition.detail) !== null
  const reviewRequestBy = toShanghaiIso(endOfCalendarDaysAfter(repliedAt, 30))
  petition.detail.nextDeadline = canBeReviewed
    ? { kind: 'review_request', label: '可申请复查（复核）至', at: reviewRequestBy, isOverdue: false }
    : null
}

/** A step's word as the real API titles its notice (`信访事项受理`); other steps read as progress. */
function stepLabelOf(type: string): string {
  return Object.entries(STAFF_ACTION_LABELS).find(([key]) => key === type)?.[1] ?? '进展'
}
