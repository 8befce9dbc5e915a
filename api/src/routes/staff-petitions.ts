import {
  PageQuerySchema,
  PetitionIdParamsSchema,
  RevealedPersonalDataSchema,
  RevealRequestSchema,
  StaffActionResultSchema,
  StaffActionSchema,
  StaffNoticeListSchema,
  StaffPetitionDetailSchema,
  StaffQueueQuerySchema,
  StaffQueueSchema,
  SweepResultSchema,
} from '@xinfang/shared'
import type { Principal } from '../domain/auth/tokens'
import { applyStaffAction, type StaffActor } from '../domain/workflow/apply-staff-action'
import { listStaffNotices } from '../domain/workflow/list-staff-notices'
import { getStaffPetition, listForSupervision, listUnitQueue, revealPersonalData } from '../domain/workflow/staff-views'
import { sweepOverdue } from '../domain/workflow/sweep-overdue'
import type { AppDeps } from '../http/context'
import { createResource, defineRoute } from '../http/route'

function staffActorOf(principal: Extract<Principal, { kind: 'staff' }>): StaffActor {
  return { id: principal.id, role: principal.role, unitId: principal.unitId }
}

export function staffPetitionRoutes(deps: AppDeps) {
  const resource = createResource(deps)

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/staff/petitions',
      summary: '本单位待办信访事项（可按状态、是否超期、临近期限、分类、类型筛选）',
      tags: ['staff'],
      policy: 'staff',
      query: StaffQueueQuerySchema,
      responses: { 200: { description: '按提交时间倒序，不含个人信息', schema: StaffQueueSchema } },
    },
    async (c, { principal, query }) => {
      c.header('cache-control', 'no-store')
      return c.json(await listUnitQueue(deps.database.db, staffActorOf(principal), query, deps.now()), 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/staff/petitions/:id',
      summary: '信访事项详情（含内部记录；个人信息脱敏）',
      tags: ['staff'],
      policy: 'staff',
      params: PetitionIdParamsSchema,
      responses: { 200: { description: '详情', schema: StaffPetitionDetailSchema } },
    },
    async (c, { principal, params }) => {
      c.header('cache-control', 'no-store')
      return c.json(await getStaffPetition(deps, staffActorOf(principal), params.id, deps.now()), 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/staff/petitions/:id/reveal',
      summary: '查看未脱敏的个人信息（须说明原因，留存审计记录）',
      tags: ['staff'],
      policy: 'staff',
      params: PetitionIdParamsSchema,
      body: RevealRequestSchema,
      responses: { 200: { description: '完整个人信息', schema: RevealedPersonalDataSchema } },
    },
    async (c, { principal, params, body }) => {
      c.header('cache-control', 'no-store')
      return c.json(await revealPersonalData(deps, staffActorOf(principal), params.id, body.reason, deps.now()), 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/staff/petitions/:id/actions',
      summary: '办理操作：受理、不予受理、转送、交办、答复、延期、备注、督办、复查答复、复核答复',
      description: '须带当前 version；他人已更新则 409 VERSION_CONFLICT；当前状态不允许则 409 INVALID_TRANSITION。',
      tags: ['staff'],
      policy: 'staff',
      params: PetitionIdParamsSchema,
      body: StaffActionSchema,
      responses: { 200: { description: '新的状态与版本', schema: StaffActionResultSchema } },
    },
    async (c, { principal, params, body }) => {
      const result = await applyStaffAction(deps, staffActorOf(principal), params.id, body, deps.now())
      return c.json({ id: params.id, ...result }, 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/staff/supervision',
      summary: '督办：各单位已超期或即将到期的信访事项',
      tags: ['staff'],
      policy: ['supervisor', 'leader'],
      query: PageQuerySchema,
      responses: { 200: { description: '超期或三日内到期', schema: StaffQueueSchema } },
    },
    async (c, { principal, query }) => {
      c.header('cache-control', 'no-store')
      return c.json(await listForSupervision(deps.database.db, staffActorOf(principal), query, deps.now()), 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'get',
      path: '/staff/notices',
      summary: '工作提醒（如超期提醒）',
      tags: ['staff'],
      policy: 'staff',
      responses: { 200: { description: '最近 50 条', schema: StaffNoticeListSchema } },
    },
    async (c, { principal }) => {
      c.header('cache-control', 'no-store')
      return c.json(await listStaffNotices(deps.database.db, staffActorOf(principal)), 200)
    },
  )

  defineRoute(
    resource,
    {
      method: 'post',
      path: '/staff/sweeps/overdue',
      summary: '执行超期检查（供定时任务调用）',
      tags: ['staff'],
      policy: ['supervisor', 'admin'],
      responses: { 200: { description: '本次标记为超期的事项数', schema: SweepResultSchema } },
    },
    async (c) => c.json(await sweepOverdue(deps.database, deps.now()), 200),
  )

  return resource
}
