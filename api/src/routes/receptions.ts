import {
  BookingCreateSchema,
  BookingListQuerySchema,
  BookingListSchema,
  BookingSchema,
  PageQuerySchema,
  ReceptionIdParamsSchema,
  ReceptionListQuerySchema,
  ReceptionSessionDetailSchema,
  ReceptionSessionListSchema,
  WaitlistEntryListSchema,
  WaitlistEntrySchema,
  WaitlistJoinSchema,
} from '@xinfang/shared'
import { parseIdempotencyKey } from '../domain/idempotency'
import { cancelBooking } from '../domain/receptions/cancel-booking'
import { createBooking } from '../domain/receptions/create-booking'
import { getSession } from '../domain/receptions/get-session'
import { joinWaitlist } from '../domain/receptions/join-waitlist'
import { leaveWaitlist } from '../domain/receptions/leave-waitlist'
import { getBooking, listBookings } from '../domain/receptions/list-bookings'
import { listPublishedSessions } from '../domain/receptions/list-published-sessions'
import { listWaitlist } from '../domain/receptions/list-waitlist'
import type { AppDeps } from '../http/context'
import { createResource, defineRoute } from '../http/route'

export function receptionRoutes(deps: AppDeps) {
  const resource = createResource(deps)

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/receptions',
      summary: '已发布的领导接访安排',
      description: '按开始时间排序；from/to 为上海日期，默认从今天起 30 天。remaining 为各时段剩余名额。',
      tags: ['receptions'],
      policy: 'public',
      query: ReceptionListQuerySchema,
      responses: { 200: { description: '接访场次', schema: ReceptionSessionListSchema } },
    },
    async (c, { query }) => {
      // Seat counts change with every booking: let clients revalidate instead of caching a stale "remaining".
      c.header('cache-control', 'no-cache')
      return c.json(await listPublishedSessions(deps.database.db, query, deps.now()), 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/receptions/:id',
      summary: '一场领导接访的详情',
      description: '已发布或已取消的场次（status 说明）；草稿不可见。',
      tags: ['receptions'],
      policy: 'public',
      params: ReceptionIdParamsSchema,
      responses: { 200: { description: '接访场次', schema: ReceptionSessionDetailSchema } },
    },
    async (c, { params }) => {
      c.header('cache-control', 'no-cache')
      return c.json(await getSession(deps.database.db, params.id), 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/receptions/:id/bookings',
      summary: '预约接访',
      description:
        '须带 Idempotency-Key。名额在数据库中原子扣减，不会超订。到场人数（含本人）1–5 人，各占一个名额。场次需要审核时状态为 pending，否则直接 confirmed。' +
        '名额不足 409 SLOT_FULL（可加入候补）；已有本场预约 409 BOOKING_EXISTS；不在预约时间内 409 BOOKING_CLOSED；' +
        '未实名 403 PROFILE_REQUIRED；多次未到场 403 BOOKING_SUSPENDED。重放的响应带 Idempotent-Replayed: true。',
      tags: ['receptions'],
      policy: 'citizen',
      params: ReceptionIdParamsSchema,
      body: BookingCreateSchema,
      responses: { 201: { description: '已预约', schema: BookingSchema } },
    },
    async (c, { principal, params, body }) => {
      const idempotencyKey = parseIdempotencyKey(c.req.header('idempotency-key'))
      const result = await createBooking(
        deps,
        { citizenId: principal.id, sessionId: params.id, body, idempotencyKey },
        deps.now(),
      )
      c.header('cache-control', 'no-store')
      if (result.isReplay) c.header('idempotent-replayed', 'true')
      return c.json(result.body, 201)
    },
  )

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/receptions/:id/waitlist',
      summary: '加入候补',
      description:
        '时段名额不足时加入候补；有人取消后按先后顺序自动为候补者预约并通知。每场一个候补；时段尚有名额时 409 INVALID_TRANSITION。可带 Idempotency-Key。',
      tags: ['receptions'],
      policy: 'citizen',
      params: ReceptionIdParamsSchema,
      body: WaitlistJoinSchema,
      responses: { 201: { description: '已加入候补', schema: WaitlistEntrySchema } },
    },
    async (c, { principal, params, body }) => {
      const header = c.req.header('idempotency-key')
      const result = await joinWaitlist(
        deps,
        {
          citizenId: principal.id,
          sessionId: params.id,
          body,
          idempotencyKey: header === undefined ? undefined : parseIdempotencyKey(header),
        },
        deps.now(),
      )
      c.header('cache-control', 'no-store')
      if (result.isReplay) c.header('idempotent-replayed', 'true')
      return c.json(result.body, 201)
    },
  )

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/bookings',
      summary: '我的接访预约',
      tags: ['receptions'],
      policy: 'citizen',
      query: BookingListQuerySchema,
      responses: { 200: { description: '预约，最新的在前', schema: BookingListSchema } },
    },
    async (c, { principal, query }) => {
      c.header('cache-control', 'no-store')
      return c.json(await listBookings(deps.database.db, deps.keyring, principal.id, query), 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/bookings/:id',
      summary: '一条接访预约（含签到码）',
      tags: ['receptions'],
      policy: 'citizen',
      params: ReceptionIdParamsSchema,
      responses: { 200: { description: '预约', schema: BookingSchema } },
    },
    async (c, { principal, params }) => {
      c.header('cache-control', 'no-store')
      return c.json(await getBooking(deps.database.db, deps.keyring, principal.id, params.id), 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/bookings/:id/cancel',
      summary: '取消接访预约',
      description:
        '截止时间（cancellableUntil）前可取消，之后 409 CANCEL_CLOSED。名额只释放一次，并按顺序转给候补者；重复取消返回同一结果。',
      tags: ['receptions'],
      policy: 'citizen',
      params: ReceptionIdParamsSchema,
      responses: { 200: { description: '已取消', schema: BookingSchema } },
    },
    async (c, { principal, params }) => {
      c.header('cache-control', 'no-store')
      return c.json(await cancelBooking(deps, principal.id, params.id, deps.now()), 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/waitlist',
      summary: '我的候补',
      tags: ['receptions'],
      policy: 'citizen',
      query: PageQuerySchema,
      responses: { 200: { description: '候补，最新的在前', schema: WaitlistEntryListSchema } },
    },
    async (c, { principal, query }) => {
      c.header('cache-control', 'no-store')
      return c.json(await listWaitlist(deps.database.db, principal.id, query), 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/waitlist/:id/leave',
      summary: '退出候补',
      tags: ['receptions'],
      policy: 'citizen',
      params: ReceptionIdParamsSchema,
      responses: { 200: { description: '已退出候补', schema: WaitlistEntrySchema } },
    },
    async (c, { principal, params }) => {
      c.header('cache-control', 'no-store')
      return c.json(await leaveWaitlist(deps.database, principal.id, params.id, deps.now()), 200)
    },
  )

  return resource
}
