import {
  CheckInResultSchema,
  CheckInSchema,
  ReasonSchema,
  ReceptionIdParamsSchema,
  ReceptionLeaderListSchema,
  ReminderSweepResultSchema,
  SessionCreateSchema,
  StaffBookingListQuerySchema,
  StaffBookingListSchema,
  StaffBookingSchema,
  StaffReceptionListQuerySchema,
  StaffReceptionSessionListSchema,
  StaffReceptionSessionSchema,
} from '@xinfang/shared'
import { cancelSession } from '../domain/receptions/cancel-session'
import { checkIn } from '../domain/receptions/check-in'
import { createSession } from '../domain/receptions/create-session'
import { decideBooking } from '../domain/receptions/decide-booking'
import { listLeaders } from '../domain/receptions/list-leaders'
import { listSessionBookings } from '../domain/receptions/list-session-bookings'
import { listStaffSessions } from '../domain/receptions/list-staff-sessions'
import { markNoShow } from '../domain/receptions/mark-no-show'
import { publishSession } from '../domain/receptions/publish-session'
import { sendBookingReminders } from '../domain/receptions/send-booking-reminders'
import type { AppDeps } from '../http/context'
import { createResource, defineRoute } from '../http/route'

/** Who schedules, publishes and cancels reception days (DOMAIN.md: leaders hold them, admins configure them). */
const SCHEDULERS = ['leader', 'admin'] as const

/**
 * Reception days as staff run them. Every route is scoped to the sessions of the caller's unit, or every unit's
 * for staff of the petition bureau; sessions and bookings outside that scope answer 404.
 */
export function staffReceptionRoutes(deps: AppDeps) {
  const resource = createResource(deps)

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/staff/leaders',
      summary: '可安排接访的领导',
      description: '本单位的领导；信访局工作人员可见全部。',
      tags: ['staff', 'receptions'],
      policy: SCHEDULERS,
      responses: { 200: { description: '领导', schema: ReceptionLeaderListSchema } },
    },
    async (c, { principal }) => c.json({ items: await listLeaders(deps.database.db, principal.id) }, 200),
  )

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/staff/receptions',
      summary: '本单位的接访场次（含草稿和已取消）',
      tags: ['staff', 'receptions'],
      policy: 'staff',
      query: StaffReceptionListQuerySchema,
      responses: { 200: { description: '接访场次', schema: StaffReceptionSessionListSchema } },
    },
    async (c, { principal, query }) => {
      c.header('cache-control', 'no-store')
      return c.json(await listStaffSessions(deps.database.db, principal.id, query, deps.now()), 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/staff/receptions',
      summary: '安排并发布领导接访',
      description:
        '领导、时间、现场（地点）或视频、主题、各时段名额；预约于开始前 bookingOpensDaysBefore 天开放、bookingClosesHoursBefore 小时截止（也是群众取消的截止时间）。publish=false 保存为草稿。',
      tags: ['staff', 'receptions'],
      policy: SCHEDULERS,
      body: SessionCreateSchema,
      responses: { 201: { description: '已创建', schema: StaffReceptionSessionSchema } },
    },
    async (c, { principal, body }) => c.json(await createSession(deps.database, principal.id, body, deps.now()), 201),
  )

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/staff/receptions/:id/publish',
      summary: '发布草稿场次',
      tags: ['staff', 'receptions'],
      policy: SCHEDULERS,
      params: ReceptionIdParamsSchema,
      responses: { 200: { description: '已发布', schema: StaffReceptionSessionSchema } },
    },
    async (c, { principal, params }) =>
      c.json(await publishSession(deps.database, principal.id, params.id, deps.now()), 200),
  )

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/staff/receptions/:id/cancel',
      summary: '取消接访',
      description: '取消全部预约并逐一通知预约和候补的群众（附原因）。',
      tags: ['staff', 'receptions'],
      policy: SCHEDULERS,
      params: ReceptionIdParamsSchema,
      body: ReasonSchema,
      responses: { 200: { description: '已取消', schema: StaffReceptionSessionSchema } },
    },
    async (c, { principal, params, body }) =>
      c.json(await cancelSession(deps.database, principal.id, params.id, body.reason, deps.now()), 200),
  )

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/staff/receptions/:id/bookings',
      summary: '一场接访的预约',
      description: '事项全文供审核和接待；群众身份信息脱敏。',
      tags: ['staff', 'receptions'],
      policy: 'staff',
      params: ReceptionIdParamsSchema,
      query: StaffBookingListQuerySchema,
      responses: { 200: { description: '预约，按预约先后', schema: StaffBookingListSchema } },
    },
    async (c, { principal, params, query }) => {
      c.header('cache-control', 'no-store')
      return c.json(await listSessionBookings(deps.database.db, deps.keyring, principal.id, params.id, query), 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/staff/bookings/:id/confirm',
      summary: '确认待审核的预约',
      description: '只有 pending 的预约可以确认，否则 409 INVALID_TRANSITION。',
      tags: ['staff', 'receptions'],
      policy: 'staff',
      params: ReceptionIdParamsSchema,
      responses: { 200: { description: '已确认', schema: StaffBookingSchema } },
    },
    async (c, { principal, params }) => {
      c.header('cache-control', 'no-store')
      return c.json(await decideBooking(deps, principal.id, params.id, { type: 'confirm' }, deps.now()), 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/staff/bookings/:id/reject',
      summary: '不予通过待审核的预约',
      description: '释放名额并转给候补者；原因会通知群众。',
      tags: ['staff', 'receptions'],
      policy: 'staff',
      params: ReceptionIdParamsSchema,
      body: ReasonSchema,
      responses: { 200: { description: '已不予通过', schema: StaffBookingSchema } },
    },
    async (c, { principal, params, body }) => {
      c.header('cache-control', 'no-store')
      return c.json(
        await decideBooking(deps, principal.id, params.id, { type: 'reject', reason: body.reason }, deps.now()),
        200,
      )
    },
  )

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/staff/bookings/:id/no-show',
      summary: '登记未到场',
      description: '接访开始后，对已确认未签到的预约登记。90 天内 3 次未到场暂停预约 30 天。',
      tags: ['staff', 'receptions'],
      policy: 'staff',
      params: ReceptionIdParamsSchema,
      responses: { 200: { description: '已登记', schema: StaffBookingSchema } },
    },
    async (c, { principal, params }) => {
      c.header('cache-control', 'no-store')
      return c.json(await markNoShow(deps, principal.id, params.id, deps.now()), 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/staff/check-in',
      summary: '现场签到（扫码或输入签到码）',
      description:
        '仅限接访当天、本单位（信访局可签到全部）的已确认预约；重复扫码返回首次签到结果（wasAlreadyCheckedIn）。',
      tags: ['staff', 'receptions'],
      policy: 'staff',
      body: CheckInSchema,
      responses: { 200: { description: '已签到', schema: CheckInResultSchema } },
    },
    async (c, { principal, body }) => {
      c.header('cache-control', 'no-store')
      return c.json(await checkIn(deps, principal.id, body.code, deps.now()), 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/staff/sweeps/booking-reminders',
      summary: '发送接访前一天的提醒（供定时任务调用）',
      description: '为明天（及今天稍后）开始的已确认预约各发一次提醒；重复调用不会重复提醒。',
      tags: ['staff', 'receptions'],
      policy: ['supervisor', 'admin'],
      responses: { 200: { description: '本次发出的提醒数', schema: ReminderSweepResultSchema } },
    },
    async (c) => c.json({ reminded: await sendBookingReminders(deps, deps.now()) }, 200),
  )

  return resource
}
