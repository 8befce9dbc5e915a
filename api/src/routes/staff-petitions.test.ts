import {
  CategoryListSchema,
  MaskedProfileSchema,
  PetitionCreatedSchema,
  PetitionDetailSchema,
  ProblemSchema,
  RevealedPersonalDataSchema,
  StaffActionResultSchema,
  StaffNoticeListSchema,
  StaffPetitionDetailSchema,
  StaffQueueSchema,
  shanghaiTime,
  UnitListSchema,
} from '@xinfang/shared'
import { eq } from 'drizzle-orm'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { citizenWithProfile, createStaff, demoLogin, json, staffLogin } from '../../test/auth-helpers'
import { createTestContext, type TestContext } from '../../test/test-app'
import { auditLog, messages, petitions } from '../db/schema'

let context: TestContext
let labor: string
let unitIds: Record<string, string>

async function prepare(env: Record<string, string> = {}) {
  context = createTestContext(env)
  const categories = CategoryListSchema.parse(await (await context.app.request('/api/v1/categories')).json())
  labor = categories.items.find((c) => c.code === 'labor')?.id ?? ''
  const units = UnitListSchema.parse(await (await context.app.request('/api/v1/units')).json())
  unitIds = Object.fromEntries(units.items.map((u) => [u.code, u.id]))
}

beforeEach(() => prepare())
afterEach(() => context.close())

async function submit(citizenName: string, overrides: Record<string, unknown> = {}) {
  const citizen = await citizenWithProfile(context, citizenName)
  const response = await context.app.request('/api/v1/petitions', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${citizen.accessToken}`,
      'idempotency-key': crypto.randomUUID(),
    },
    body: JSON.stringify({
      kind: 'complaint',
      categoryId: labor,
      title: '公司拖欠三个月工资',
      content: '本人在江城市某建筑公司工作，2026年8月至10月的工资至今未发，请求协调解决。',
      address: '江城市东湖区建设路 18 号工地',
      ...overrides,
    }),
  })
  if (response.status !== 201) throw new Error(`submit failed: ${response.status} ${await response.text()}`)
  return { citizen, petition: PetitionCreatedSchema.parse(await response.json()) }
}

async function act(token: string, petitionId: string, action: Record<string, unknown>) {
  return json(context, `/api/v1/staff/petitions/${petitionId}/actions`, { body: action, token })
}

async function detail(token: string, petitionId: string) {
  const response = await json(context, `/api/v1/staff/petitions/${petitionId}`, { token })
  expect(response.status).toBe(200)
  return StaffPetitionDetailSchema.parse(await response.json())
}

test('a petition walks from submission through acceptance, hand-over, an extension and the reply, across Golden Week', async () => {
  await prepare({ XINFANG_DEADLINE_PROFILE: 'zhejiang' })
  context.setNow(shanghaiTime('2026-09-29', '10:00'))
  const { citizen, petition } = await submit('golden-week')
  // 浙江: five working days — 30 Sep, 8, 9, Saturday 10 (make-up day) and Monday 12 October.
  expect(petition.deadlines.decideBy).toBe('2026-10-12T23:59:59.999+08:00')

  context.setNow(shanghaiTime('2026-10-09', '09:00'))
  const intake = await staffLogin(context, 'demo-intake')
  const accepted = StaffActionResultSchema.parse(
    await (await act(intake.accessToken, petition.id, { type: 'accept', version: 1 })).json(),
  )
  expect(accepted).toMatchObject({ status: 'accepted', version: 2 })
  expect((await detail(intake.accessToken, petition.id)).deadlines.replyBy).toBe('2026-11-08T23:59:59.999+08:00')

  const assigned = await act(intake.accessToken, petition.id, {
    type: 'assign',
    version: 2,
    unitId: unitIds['city-rsj'],
  })
  expect(StaffActionResultSchema.parse(await assigned.json()).status).toBe('in_progress')

  const handler = await staffLogin(context, 'demo-handler')
  const extended = await act(handler.accessToken, petition.id, {
    type: 'extend',
    version: 3,
    days: 20,
    reason: '需要调取企业工资发放记录',
  })
  expect(extended.status).toBe(200)
  const afterExtension = await detail(handler.accessToken, petition.id)
  expect(afterExtension).toMatchObject({
    status: 'in_progress',
    extendedDays: 20,
    deadlines: { replyBy: '2026-11-28T23:59:59.999+08:00' },
  })
  // 浙江 allows 60 extension days in all: 41 more would exceed it.
  const tooLong = await act(handler.accessToken, petition.id, {
    type: 'extend',
    version: 4,
    days: 41,
    reason: '还需要更多时间调查',
  })
  expect(tooLong.status).toBe(409)
  expect(ProblemSchema.parse(await tooLong.json()).code).toBe('INVALID_TRANSITION')

  context.setNow(shanghaiTime('2026-11-20', '15:00'))
  const lateHandler = await staffLogin(context, 'demo-handler')
  const replied = await act(lateHandler.accessToken, petition.id, {
    type: 'reply',
    version: 4,
    outcome: 'upheld',
    text: '经调查核实，已责令该公司于11月30日前足额支付拖欠工资。',
  })
  expect(StaffActionResultSchema.parse(await replied.json())).toMatchObject({ status: 'replied', version: 5 })

  // The citizen sees every step in plain Chinese with its legal basis, and the review window.
  const mine = PetitionDetailSchema.parse(
    await (
      await json(context, `/api/v1/petitions/${petition.id}`, {
        token: (await demoLogin(context, 'golden-week')).accessToken,
      })
    ).json(),
  )
  expect(mine.status).toBe('replied')
  expect(mine.timeline.map((e) => e.type)).toEqual(['submitted', 'accept', 'assign', 'extend', 'reply'])
  expect(mine.timeline[1]?.message).toMatch(/受理.*第二十二条.*2026年11月8日/)
  expect(mine.timeline[3]?.message).toMatch(/延长 20 日至 2026年11月28日.*第三十四条/)
  expect(mine.timeline[4]?.message).toMatch(/（支持）.*2026年12月20日 前.*复查（第三十五条）/)
  expect(mine.nextDeadline).toMatchObject({ kind: 'review_request', at: '2026-12-20T23:59:59.999+08:00' })
  const inbox = await context.database.db.select().from(messages).where(eq(messages.citizenId, citizen.user.id))
  expect(inbox.map((m) => m.title)).toEqual([
    '信访事项已提交',
    '信访事项受理',
    '信访事项交办',
    '信访事项延期',
    '信访事项答复',
  ])
})

test('under the national profile a reply is due 60 calendar days after acceptance', async () => {
  const { petition } = await submit('national')
  const intake = await staffLogin(context, 'demo-intake')
  await act(intake.accessToken, petition.id, { type: 'accept', version: 1 })
  // Accepted Monday 23 November 2026: sixty days later is 22 January 2027.
  expect((await detail(intake.accessToken, petition.id)).deadlines.replyBy).toBe('2027-01-22T23:59:59.999+08:00')
})

test('不予受理 requires a reason and the legal route, and tells the citizen where to go instead', async () => {
  const { petition } = await submit('refused')
  const intake = await staffLogin(context, 'demo-intake')
  const missing = await act(intake.accessToken, petition.id, { type: 'not_accept', version: 1, reason: '属于劳动争议' })
  expect(missing.status).toBe(400)
  const refused = await act(intake.accessToken, petition.id, {
    type: 'not_accept',
    version: 1,
    reason: '属于劳动争议仲裁委员会的受理范围',
    route: 'arbitration',
  })
  expect(StaffActionResultSchema.parse(await refused.json()).status).toBe('not_accepted')
  const view = await detail(intake.accessToken, petition.id)
  expect(view.events.at(-1)?.publicMessage).toMatch(/不予受理.*申请仲裁.*第三十一条/)
  expect(view.availableActions).toEqual(['note'])
})

test('转送 to another unit moves the petition to that unit’s queue with a fresh decision deadline', async () => {
  const { petition } = await submit('transferred')
  context.setNow(shanghaiTime('2026-11-25', '10:00'))
  const intake = await staffLogin(context, 'demo-intake')
  const moved = await act(intake.accessToken, petition.id, {
    type: 'transfer',
    version: 1,
    toUnitId: unitIds['city-rsj'],
  })
  expect(StaffActionResultSchema.parse(await moved.json()).status).toBe('transferred')
  const handler = await staffLogin(context, 'demo-handler')
  const queue = StaffQueueSchema.parse(
    await (await json(context, '/api/v1/staff/petitions', { token: handler.accessToken })).json(),
  )
  expect(queue.items.map((p) => p.id)).toContain(petition.id)
  expect((await detail(handler.accessToken, petition.id)).deadlines.decideBy).toBe('2026-12-10T23:59:59.999+08:00')
  const bureauQueue = StaffQueueSchema.parse(
    await (await json(context, '/api/v1/staff/petitions', { token: intake.accessToken })).json(),
  )
  expect(bureauQueue.items.map((p) => p.id)).not.toContain(petition.id)
  // The receiving unit may now accept it.
  expect((await act(handler.accessToken, petition.id, { type: 'accept', version: 2 })).status).toBe(200)
})

test('a unit cannot 转送 a petition to itself: 409 TRANSFER_TO_SAME_UNIT, and its deadline and overdue mark stand', async () => {
  const { petition } = await submit('self-transfer')
  context.setNow(shanghaiTime('2026-12-09', '00:30'))
  const supervisor = await staffLogin(context, 'demo-supervisor')
  await json(context, '/api/v1/staff/sweeps/overdue', { method: 'POST', token: supervisor.accessToken })
  const intake = await staffLogin(context, 'demo-intake')
  const before = await detail(intake.accessToken, petition.id)

  const refused = await act(intake.accessToken, petition.id, {
    type: 'transfer',
    version: 1,
    toUnitId: unitIds['city-xfj'],
  })
  expect(refused.status).toBe(409)
  const problem = ProblemSchema.parse(await refused.json())
  expect(problem).toMatchObject({ code: 'TRANSFER_TO_SAME_UNIT', title: '不能转送给正在承办的单位' })

  const after = await detail(intake.accessToken, petition.id)
  expect(after).toMatchObject({ version: 1, status: 'submitted', isOverdue: true, deadlines: before.deadlines })
  expect(after.availableActions).toContain('transfer')
  const [row] = await context.database.db.select().from(petitions).where(eq(petitions.id, petition.id))
  expect(row).toMatchObject({ overdueSince: shanghaiTime('2026-12-09', '00:30'), decidedAt: null })
})

test('转送 of an overdue petition keeps it overdue and under supervision, and counts the decision as late', async () => {
  const { petition } = await submit('late-transfer')
  const sweptAt = shanghaiTime('2026-12-09', '00:30')
  context.setNow(sweptAt)
  const supervisor = await staffLogin(context, 'demo-supervisor')
  await json(context, '/api/v1/staff/sweeps/overdue', { method: 'POST', token: supervisor.accessToken })
  const intake = await staffLogin(context, 'demo-intake')
  const moved = await act(intake.accessToken, petition.id, {
    type: 'transfer',
    version: 1,
    toUnitId: unitIds['city-rsj'],
  })
  expect(moved.status).toBe(200)

  const [row] = await context.database.db.select().from(petitions).where(eq(petitions.id, petition.id))
  expect(row).toMatchObject({ overdueSince: sweptAt, decidedAt: sweptAt, isDecidedOnTime: false })
  const handler = await staffLogin(context, 'demo-handler')
  const overdue = StaffQueueSchema.parse(
    await (await json(context, '/api/v1/staff/petitions?overdue=true', { token: handler.accessToken })).json(),
  )
  expect(overdue.items.map((p) => [p.id, p.isOverdue])).toEqual([[petition.id, true]])
  const supervision = StaffQueueSchema.parse(
    await (await json(context, '/api/v1/staff/supervision', { token: supervisor.accessToken })).json(),
  )
  expect(supervision.items.map((p) => p.id)).toContain(petition.id)
  const stats = await (await json(context, '/api/v1/stats/public?from=2026-11-01&to=2026-12-31')).json()
  expect(stats.overall.timelyDecisionRate).toBe(0)

  // The receiving unit's decision ends the lapse.
  expect((await act(handler.accessToken, petition.id, { type: 'accept', version: 2 })).status).toBe(200)
  const [accepted] = await context.database.db.select().from(petitions).where(eq(petitions.id, petition.id))
  expect(accepted).toMatchObject({ overdueSince: null, isDecidedOnTime: false })
})

test('转送 to a body outside the system closes the matter here and tells the citizen whom to contact', async () => {
  const { petition } = await submit('external')
  const intake = await staffLogin(context, 'demo-intake')
  const moved = await act(intake.accessToken, petition.id, {
    type: 'transfer',
    version: 1,
    externalBody: '江城市中级人民法院',
  })
  expect(moved.status).toBe(200)
  const view = await detail(intake.accessToken, petition.id)
  expect(view).toMatchObject({ status: 'transferred', externalBody: '江城市中级人民法院', availableActions: ['note'] })
  expect(view.events.at(-1)?.publicMessage).toContain('江城市中级人民法院')
})

test('an illegal move is 409 INVALID_TRANSITION and a stale version is 409 VERSION_CONFLICT, never a lost update', async () => {
  const { petition } = await submit('conflicted')
  const intake = await staffLogin(context, 'demo-intake')
  const early = await act(intake.accessToken, petition.id, {
    type: 'reply',
    version: 1,
    outcome: 'upheld',
    text: '已经处理完毕，请知悉。',
  })
  expect(early.status).toBe(409)
  expect(ProblemSchema.parse(await early.json()).code).toBe('INVALID_TRANSITION')

  const second = await createStaff(context, 'intake-2', 'intake', 'city-xfj')
  const [a, b] = await Promise.all([
    act(intake.accessToken, petition.id, { type: 'accept', version: 1 }),
    act(second.accessToken, petition.id, {
      type: 'not_accept',
      version: 1,
      reason: '不属于本机关职权范围',
      route: 'other_legal_procedure',
    }),
  ])
  const statuses = [a.status, b.status].sort()
  expect(statuses).toEqual([200, 409])
  const loser = a.status === 409 ? a : b
  expect(ProblemSchema.parse(await loser.json()).code).toBe('VERSION_CONFLICT')
  expect((await detail(intake.accessToken, petition.id)).version).toBe(2)
})

test('staff see petitioners masked; an audited reveal with a reason shows them in full', async () => {
  const { petition } = await submit('revealed')
  const intake = await staffLogin(context, 'demo-intake')
  const view = await detail(intake.accessToken, petition.id)
  expect(MaskedProfileSchema.parse(view.petitioner)).toMatchObject({
    realName: '张*',
    idNumber: '110105********002X',
    phone: '138****5678',
  })
  expect(view.address).not.toContain('18 号')
  const noReason = await json(context, `/api/v1/staff/petitions/${petition.id}/reveal`, {
    body: {},
    token: intake.accessToken,
  })
  expect(noReason.status).toBe(400)
  const revealed = await json(context, `/api/v1/staff/petitions/${petition.id}/reveal`, {
    body: { reason: '需电话联系信访人核实欠薪金额' },
    token: intake.accessToken,
  })
  expect(revealed.status).toBe(200)
  expect(revealed.headers.get('cache-control')).toBe('no-store')
  expect(RevealedPersonalDataSchema.parse(await revealed.json())).toMatchObject({
    realName: '张三',
    idNumber: '11010519491231002X',
    phone: '13812345678',
    petitionAddress: '江城市东湖区建设路 18 号工地',
  })
  const entries = await context.database.db.select().from(auditLog).where(eq(auditLog.action, 'personal_data.reveal'))
  expect(entries).toHaveLength(1)
  expect(JSON.parse(entries[0]?.details ?? '{}')).toMatchObject({ reason: '需电话联系信访人核实欠薪金额' })
  expect(entries[0]?.details).not.toContain('13812345678')
})

test('a report is invisible on every staff route to the accused unit’s staff, whatever their role', async () => {
  const { petition } = await submit('whistle', {
    kind: 'report',
    targetUnitId: unitIds['city-rsj'],
    title: '反映人社局某科室工作人员吃拿卡要',
    content: '人社局某科室工作人员在办理社保业务时多次暗示索要好处费，本人有录音为证。',
  })
  const accusedHandler = await staffLogin(context, 'demo-handler')
  const accusedSupervisor = await createStaff(context, 'rsj-supervisor', 'supervisor', 'city-rsj')
  const accusedLeader = await createStaff(context, 'rsj-leader', 'leader', 'city-rsj')
  for (const staff of [accusedHandler, accusedSupervisor, accusedLeader]) {
    const token = staff.accessToken
    expect((await json(context, `/api/v1/staff/petitions/${petition.id}`, { token })).status).toBe(404)
    expect(
      (
        await json(context, `/api/v1/staff/petitions/${petition.id}/reveal`, {
          body: { reason: '想知道是谁举报的' },
          token,
        })
      ).status,
    ).toBe(404)
    for (const type of ['accept', 'note', 'supervise']) {
      const response = await act(token, petition.id, {
        type,
        version: 1,
        ...(type === 'accept' ? {} : { text: '查看一下情况说明' }),
      })
      expect(response.status, `${type}`).toBe(404)
    }
    const queue = StaffQueueSchema.parse(
      await (await json(context, '/api/v1/staff/petitions?limit=50', { token })).json(),
    )
    expect(queue.items.map((p) => p.id)).not.toContain(petition.id)
  }
  context.setNow(shanghaiTime('2026-12-20', '10:00'))
  const relogin = await staffLogin(context, 'rsj-supervisor', 'test-password')
  const supervision = StaffQueueSchema.parse(
    await (await json(context, '/api/v1/staff/supervision?limit=50', { token: relogin.accessToken })).json(),
  )
  expect(supervision.items.map((p) => p.id)).not.toContain(petition.id)
  // The bureau's supervisor, not accused, does see the overdue report.
  const bureau = await staffLogin(context, 'demo-supervisor')
  const bureauView = StaffQueueSchema.parse(
    await (await json(context, '/api/v1/staff/supervision?limit=50', { token: bureau.accessToken })).json(),
  )
  expect(bureauView.items.map((p) => p.id)).toContain(petition.id)
})

test('a report forwarded by the discipline commission carries no identity to the receiving unit', async () => {
  const { petition } = await submit('forwarded-whistle', {
    kind: 'report',
    targetUnitId: unitIds['city-rsj'],
    title: '反映某街道工作人员违规发放补贴',
    content: '湖滨街道某工作人员违规向亲属发放困难补贴，涉及金额较大，请予查处。',
  })
  const discipline = await createStaff(context, 'jw-intake', 'intake', 'city-jw')
  const own = await detail(discipline.accessToken, petition.id)
  expect(own.petitioner?.realName).toBe('张*')
  const toAccused = await act(discipline.accessToken, petition.id, {
    type: 'transfer',
    version: 1,
    toUnitId: unitIds['city-rsj'],
  })
  expect(toAccused.status).toBe(409)
  expect(
    (await act(discipline.accessToken, petition.id, { type: 'transfer', version: 1, toUnitId: unitIds['dh-gov'] }))
      .status,
  ).toBe(200)
  const district = await createStaff(context, 'dh-handler', 'handler', 'dh-gov')
  const forwarded = await json(context, `/api/v1/staff/petitions/${petition.id}`, { token: district.accessToken })
  expect(forwarded.status).toBe(200)
  const body = await forwarded.text()
  expect(StaffPetitionDetailSchema.parse(JSON.parse(body)).petitioner).toBeNull()
  for (const identity of ['张', '110105', '1381', '138****5678', '建设路']) expect(body).not.toContain(identity)
  const reveal = await json(context, `/api/v1/staff/petitions/${petition.id}/reveal`, {
    body: { reason: '需要联系举报人' },
    token: district.accessToken,
  })
  expect(reveal.status).toBe(403)
})

test('the queue filters by status, kind, category, overdue and days to the deadline', async () => {
  const intake = await staffLogin(context, 'demo-intake')
  const { petition: first } = await submit('filter-1')
  const { petition: second } = await submit('filter-2', { kind: 'suggestion', title: '建议增设社保自助服务机' })
  await act(intake.accessToken, second.id, { type: 'accept', version: 1 })
  const list = async (query: string) =>
    StaffQueueSchema.parse(
      await (await json(context, `/api/v1/staff/petitions?${query}`, { token: intake.accessToken })).json(),
    ).items.map((p) => p.id)
  expect(await list('status=submitted')).toEqual([first.id])
  expect(await list('kind=suggestion')).toEqual([second.id])
  expect((await list(`categoryId=${labor}`)).sort()).toEqual([first.id, second.id].sort())
  expect(await list('overdue=true')).toEqual([])
  expect(await list('dueWithinDays=16')).toEqual([first.id])
  context.setNow(shanghaiTime('2026-12-09', '09:00'))
  const later = await staffLogin(context, 'demo-intake')
  const overdue = StaffQueueSchema.parse(
    await (await json(context, '/api/v1/staff/petitions?overdue=true', { token: later.accessToken })).json(),
  )
  expect(overdue.items.map((p) => [p.id, p.isOverdue])).toEqual([[first.id, true]])
  expect((await json(context, '/api/v1/staff/petitions?overdue=maybe', { token: later.accessToken })).status).toBe(400)
})

test('the sweep marks overdue petitions once, notifies supervisors, and supervision appears on the petition', async () => {
  const { petition, citizen } = await submit('slow')
  context.setNow(shanghaiTime('2026-12-09', '00:30'))
  const supervisor = await staffLogin(context, 'demo-supervisor')
  const first = await json(context, '/api/v1/staff/sweeps/overdue', { method: 'POST', token: supervisor.accessToken })
  expect(await first.json()).toEqual({ markedOverdue: 1 })
  expect(
    await (
      await json(context, '/api/v1/staff/sweeps/overdue', { method: 'POST', token: supervisor.accessToken })
    ).json(),
  ).toEqual({
    markedOverdue: 0,
  })
  const notices = StaffNoticeListSchema.parse(
    await (await json(context, '/api/v1/staff/notices', { token: supervisor.accessToken })).json(),
  )
  expect(notices.items).toEqual([
    expect.objectContaining({
      petitionId: petition.id,
      kind: 'overdue',
      text: expect.stringContaining(petition.trackingNo),
    }),
  ])
  const supervision = StaffQueueSchema.parse(
    await (await json(context, '/api/v1/staff/supervision', { token: supervisor.accessToken })).json(),
  )
  expect(supervision.items.map((p) => p.id)).toEqual([petition.id])

  const order = await act(supervisor.accessToken, petition.id, {
    type: 'supervise',
    version: 1,
    text: '请三日内完成登记受理并报送',
  })
  expect(order.status).toBe(200)
  const view = await detail(supervisor.accessToken, petition.id)
  expect(view.lastSupervisedAt).not.toBeNull()
  expect(view.events.at(-1)).toMatchObject({
    type: 'supervise',
    internalNote: '请三日内完成登记受理并报送',
    publicMessage: expect.stringContaining('督办'),
  })
  const inbox = await context.database.db.select().from(messages).where(eq(messages.citizenId, citizen.user.id))
  expect(inbox.map((m) => m.title)).toContain('信访事项督办')
  // A handler may not sweep or supervise.
  const handler = await staffLogin(context, 'demo-handler')
  expect(
    (await json(context, '/api/v1/staff/sweeps/overdue', { method: 'POST', token: handler.accessToken })).status,
  ).toBe(403)
})

test('internal notes never reach the citizen', async () => {
  const { petition } = await submit('noted')
  const intake = await staffLogin(context, 'demo-intake')
  await act(intake.accessToken, petition.id, { type: 'note', version: 1, text: '信访人情绪激动，注意沟通方式' })
  const citizen = await demoLogin(context, 'noted')
  const body = await (await json(context, `/api/v1/petitions/${petition.id}`, { token: citizen.accessToken })).text()
  expect(body).not.toContain('情绪激动')
  const track = await context.app.request(
    `/api/v1/track?trackingNo=${petition.trackingNo}&queryCode=${petition.queryCode}`,
  )
  expect(await track.text()).not.toContain('情绪激动')
})
