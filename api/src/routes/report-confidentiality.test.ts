import {
  AttachmentSchema,
  CategoryListSchema,
  PetitionCreatedSchema,
  StaffBookingListSchema,
  StaffNoticeListSchema,
  StaffPetitionDetailSchema,
  StaffQueueSchema,
  shanghaiTime,
  UnitListSchema,
} from '@xinfang/shared'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { citizenWithProfile, createStaff, json, staffLogin } from '../../test/auth-helpers'
import { tinyPng } from '../../test/fixtures/files'
import { booked, leaderIdOf, scheduleSession, sessionInput } from '../../test/reception-helpers'
import { createTestContext, type TestContext } from '../../test/test-app'

/*
 * 《信访工作条例》第三十条第三款: a report (检举控告) and everything that names it stay hidden from the unit it
 * accuses. The story of every test here: a citizen reports a clerk of 人社局 to the discipline commission, then
 * files a complaint on the same matter, which the petition bureau accepts and assigns to 人社局 itself. Nothing
 * 人社局's staff read may name the report — not its id, its number, its title or its words — while the bureau's
 * supervisor, whom the report does not accuse, still sees all of it.
 */

let context: TestContext
let unitIds: Record<string, string>

const SHARED_TEXT =
  '人社局社保窗口一名科员在办理养老保险转移时多次暗示索要好处费，说不给钱就一直拖着不办，已经拖了两个多月，本人保留了录音和转账截图，'
const REPORT = {
  kind: 'report',
  title: '举报社保窗口科员索要好处费',
  content: `${SHARED_TEXT}请求依法查处。举报人编号甲七。`,
}
const COMPLAINT = {
  kind: 'complaint',
  title: '社保窗口办理养老保险转移被刁难',
  content: `${SHARED_TEXT}请求尽快为我办理。`,
}

interface Story {
  citizenToken: string
  report: { id: string; trackingNo: string }
  complaintId: string
  /** What no reader at 人社局 may ever be shown. */
  secrets: string[]
}

beforeEach(async () => {
  context = createTestContext()
  const units = UnitListSchema.parse(await (await context.app.request('/api/v1/units')).json())
  unitIds = Object.fromEntries(units.items.map((unit) => [unit.code, unit.id]))
})
afterEach(() => context.close())

async function submit(token: string, body: Record<string, unknown>) {
  const categories = CategoryListSchema.parse(await (await context.app.request('/api/v1/categories')).json())
  const response = await context.app.request('/api/v1/petitions', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      'idempotency-key': crypto.randomUUID(),
    },
    body: JSON.stringify({ categoryId: categories.items.find((c) => c.code === 'labor')?.id, ...body }),
  })
  if (response.status !== 201) throw new Error(`submit failed: ${response.status} ${await response.text()}`)
  return PetitionCreatedSchema.parse(await response.json())
}

async function act(token: string, petitionId: string, action: Record<string, unknown>) {
  const response = await json(context, `/api/v1/staff/petitions/${petitionId}/actions`, { body: action, token })
  if (response.status !== 200) throw new Error(`${String(action.type)} failed: ${await response.text()}`)
}

/** The report against 人社局, then the complaint on the same matter, accepted and assigned to 人社局. */
async function reportThenComplaintAssignedToAccused(): Promise<Story> {
  const citizen = await citizenWithProfile(context, 'whistle')
  const report = await submit(citizen.accessToken, { ...REPORT, targetUnitId: unitIds['city-rsj'] })
  const complaint = await submit(citizen.accessToken, COMPLAINT)
  const intake = await staffLogin(context, 'demo-intake')
  await act(intake.accessToken, complaint.id, { type: 'accept', version: 1 })
  await act(intake.accessToken, complaint.id, { type: 'assign', version: 2, unitId: unitIds['city-rsj'] })
  return {
    citizenToken: citizen.accessToken,
    report: { id: report.id, trackingNo: report.trackingNo },
    complaintId: complaint.id,
    secrets: [report.id, report.trackingNo, REPORT.title, '举报人编号甲七'],
  }
}

function leaked(story: Story, body: string): string[] {
  return story.secrets.filter((secret) => body.includes(secret))
}

async function read(token: string, path: string, accept?: string) {
  const response = await context.app.request(path, {
    headers: { authorization: `Bearer ${token}`, ...(accept ? { accept } : {}) },
  })
  expect(response.status, path).toBe(200)
  return response.text()
}

test('an overdue report is announced to the supervisors who may see it, never to the supervisor of the unit it accuses', async () => {
  const story = await reportThenComplaintAssignedToAccused()
  context.setNow(shanghaiTime('2026-12-20', '10:00'))
  const bureau = await staffLogin(context, 'demo-supervisor')
  const swept = await json(context, '/api/v1/staff/sweeps/overdue', { method: 'POST', token: bureau.accessToken })
  expect(await swept.json()).toEqual({ markedOverdue: 1 })

  const accused = await createStaff(context, 'rsj-supervisor', 'supervisor', 'city-rsj')
  const accusedNotices = await read(accused.accessToken, '/api/v1/staff/notices')
  expect(StaffNoticeListSchema.parse(JSON.parse(accusedNotices)).items).toEqual([])
  expect(leaked(story, accusedNotices)).toEqual([])

  const bureauNotices = StaffNoticeListSchema.parse(JSON.parse(await read(bureau.accessToken, '/api/v1/staff/notices')))
  expect(bureauNotices.items).toEqual([
    expect.objectContaining({
      kind: 'overdue',
      petitionId: story.report.id,
      text: expect.stringContaining(story.report.trackingNo),
    }),
  ])
})

test('a complaint that repeats a report links to it for the bureau’s supervisor, never for the accused unit it was assigned to', async () => {
  const story = await reportThenComplaintAssignedToAccused()
  const handler = await staffLogin(context, 'demo-handler')
  const accusedSupervisor = await createStaff(context, 'rsj-supervisor', 'supervisor', 'city-rsj')
  for (const token of [handler.accessToken, accusedSupervisor.accessToken]) {
    const queue = await read(token, '/api/v1/staff/petitions?limit=50')
    const mine = StaffQueueSchema.parse(JSON.parse(queue)).items.find((item) => item.id === story.complaintId)
    expect(mine?.possibleRepeatOfId).toBeNull()
    expect(leaked(story, queue)).toEqual([])

    const detailText = await read(token, `/api/v1/staff/petitions/${story.complaintId}`)
    const detail = StaffPetitionDetailSchema.parse(JSON.parse(detailText))
    expect(detail.possibleRepeatOfId).toBeNull()
    expect(detail.events.map((event) => event.internalNote).join('')).not.toContain('重复')
    expect(leaked(story, detailText)).toEqual([])
  }

  const bureau = await staffLogin(context, 'demo-supervisor')
  const seen = StaffPetitionDetailSchema.parse(
    JSON.parse(await read(bureau.accessToken, `/api/v1/staff/petitions/${story.complaintId}`)),
  )
  expect(seen.possibleRepeatOfId).toBe(story.report.id)
  expect(seen.events[0]).toMatchObject({
    type: 'submitted',
    internalNote: `疑似重复信访：与本人在办事项 ${story.report.id} 内容高度相似`,
  })
})

test('the supervision list shows the accused unit’s supervisor the complaint without its link to the report', async () => {
  const story = await reportThenComplaintAssignedToAccused()
  // A day before the complaint's reply is due (accepted 23 November + 60 days): both matters are in 督办.
  context.setNow(shanghaiTime('2027-01-21', '10:00'))
  const accused = await createStaff(context, 'rsj-supervisor', 'supervisor', 'city-rsj')
  const text = await read(accused.accessToken, '/api/v1/staff/supervision?limit=50')
  const items = StaffQueueSchema.parse(JSON.parse(text)).items
  expect(items.map((item) => [item.id, item.possibleRepeatOfId])).toEqual([[story.complaintId, null]])
  expect(leaked(story, text)).toEqual([])

  const bureau = await staffLogin(context, 'demo-supervisor')
  const bureauItems = StaffQueueSchema.parse(
    JSON.parse(await read(bureau.accessToken, '/api/v1/staff/supervision?limit=50')),
  ).items
  expect(bureauItems.map((item) => [item.id, item.possibleRepeatOfId]).sort()).toEqual(
    [
      [story.complaintId, story.report.id],
      [story.report.id, null],
    ].sort(),
  )
})

test('a booking linked to the report names it to the bureau’s supervisor, never to the accused unit whose leader receives the visit', async () => {
  const story = await reportThenComplaintAssignedToAccused()
  const scheduler = await createStaff(context, 'rsj-admin', 'admin', 'city-rsj')
  const zhao = await leaderIdOf(context, scheduler.accessToken, '赵秀英')
  const session = await scheduleSession(context, scheduler.accessToken, sessionInput(zhao))
  const booking = await booked(context, story.citizenToken, session.id, {
    slotId: session.slots[0]?.id,
    matter: '当面反映社保转移办理问题',
    attendees: 1,
    petitionId: story.report.id,
  })

  const path = `/api/v1/staff/receptions/${session.id}/bookings`
  const handler = await staffLogin(context, 'demo-handler')
  const accusedView = await read(handler.accessToken, path)
  expect(StaffBookingListSchema.parse(JSON.parse(accusedView)).items).toEqual([
    expect.objectContaining({ id: booking.id, petitionId: null }),
  ])
  expect(leaked(story, accusedView)).toEqual([])

  const bureau = await staffLogin(context, 'demo-supervisor')
  expect(StaffBookingListSchema.parse(JSON.parse(await read(bureau.accessToken, path))).items).toEqual([
    expect.objectContaining({ id: booking.id, petitionId: story.report.id }),
  ])
})

test('nothing any 人社局 staff member reads on a staff route names the report, the statistics export included', async () => {
  const story = await reportThenComplaintAssignedToAccused()
  context.setNow(shanghaiTime('2027-01-21', '10:00'))
  const bureau = await staffLogin(context, 'demo-supervisor')
  await json(context, '/api/v1/staff/sweeps/overdue', { method: 'POST', token: bureau.accessToken })
  const readers = [
    await staffLogin(context, 'demo-handler'),
    await createStaff(context, 'rsj-intake', 'intake', 'city-rsj'),
    await createStaff(context, 'rsj-supervisor', 'supervisor', 'city-rsj'),
    await createStaff(context, 'rsj-leader', 'leader', 'city-rsj'),
    await createStaff(context, 'rsj-admin', 'admin', 'city-rsj'),
  ]
  const paths = [
    '/api/v1/staff/petitions?limit=50',
    `/api/v1/staff/petitions/${story.complaintId}`,
    '/api/v1/staff/notices',
    '/api/v1/staff/receptions?limit=50',
    '/api/v1/staff/stats?from=2026-11-01&to=2027-01-31&groupBy=unit',
    `/api/v1/staff/stats?from=2026-11-01&to=2027-01-31&groupBy=unit&unitId=${unitIds['city-jw']}`,
  ]
  for (const reader of readers) {
    const role = reader.user.role
    for (const path of paths) expect(leaked(story, await read(reader.accessToken, path)), `${role} ${path}`).toEqual([])
    const csv = await read(reader.accessToken, '/api/v1/staff/stats?groupBy=month', 'text/csv')
    expect(leaked(story, csv), `${role} CSV`).toEqual([])
    if (role === 'supervisor' || role === 'leader') {
      const supervision = await read(reader.accessToken, '/api/v1/staff/supervision?limit=50')
      expect(leaked(story, supervision), `${role} supervision`).toEqual([])
    }
    const direct = await json(context, `/api/v1/staff/petitions/${story.report.id}`, { token: reader.accessToken })
    expect(direct.status, `${role} reading the report itself`).toBe(404)
  }
})

test('a report accusing the discipline commission itself keeps its materials from that commission’s staff', async () => {
  const citizen = await citizenWithProfile(context, 'whistle-jw')
  const form = new FormData()
  form.set('file', new File([tinyPng() as Uint8Array<ArrayBuffer>], 'evidence.png', { type: 'image/png' }))
  const uploaded = await context.app.request('/api/v1/attachments', {
    method: 'POST',
    headers: { authorization: `Bearer ${citizen.accessToken}` },
    body: form,
  })
  const file = AttachmentSchema.parse(await uploaded.json())
  const report = await submit(citizen.accessToken, {
    ...REPORT,
    targetUnitId: unitIds['city-jw'],
    attachmentIds: [file.id],
  })
  const accused = await createStaff(context, 'jw-intake', 'intake', 'city-jw')
  expect((await json(context, `/api/v1/staff/petitions/${report.id}`, { token: accused.accessToken })).status).toBe(404)
  expect((await json(context, `/api/v1/attachments/${file.id}`, { token: accused.accessToken })).status).toBe(404)
})
