import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import {
  AttachmentSchema,
  CategoryListSchema,
  PetitionCreatedSchema,
  PetitionDetailSchema,
  PetitionListSchema,
  ProblemSchema,
  TrackResultSchema,
  UnitListSchema,
} from '@xinfang/shared'
import { eq, inArray } from 'drizzle-orm'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { citizenWithProfile, demoLogin, json, staffLogin } from '../../test/auth-helpers'
import { HOSTILE_FILES, tinyJpeg, tinyPdf, tinyPng } from '../../test/fixtures/files'
import { createTestContext, type TestContext } from '../../test/test-app'
import { messages, petitionEvents, petitions } from '../db/schema'

let context: TestContext
let categoryId: string

beforeEach(async () => {
  context = createTestContext()
  const categories = CategoryListSchema.parse(await (await context.app.request('/api/v1/categories')).json())
  categoryId = categories.items.find((c) => c.code === 'labor')?.id ?? ''
})
afterEach(() => context.close())

const petition = (overrides: Record<string, unknown> = {}) => ({
  kind: 'complaint',
  categoryId,
  title: '公司拖欠三个月工资',
  content: '本人在江城市某建筑公司工作，2026年8月至10月的工资共计一万八千元至今未发，多次催要无果，请求协调解决。',
  ...overrides,
})

function submit(token: string, body: unknown, key: string | null = crypto.randomUUID()) {
  return context.app.request('/api/v1/petitions', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      ...(key ? { 'idempotency-key': key } : {}),
    },
    body: JSON.stringify(body),
  })
}

async function codeOf(response: Response) {
  return ProblemSchema.parse(await response.json()).code
}

async function petitionCount() {
  return (await context.database.db.select({ id: petitions.id }).from(petitions)).length
}

test('a citizen without a real-name profile is sent to give one first (403 PROFILE_REQUIRED)', async () => {
  const auth = await demoLogin(context, 'anonymous')
  const response = await submit(auth.accessToken, petition())
  expect(response.status).toBe(403)
  expect(await codeOf(response)).toBe('PROFILE_REQUIRED')
})

test('a submission answers 201 with a tracking number, a query code and the 15-day decision deadline', async () => {
  const auth = await citizenWithProfile(context, 'worker')
  const response = await submit(auth.accessToken, petition())
  expect(response.status).toBe(201)
  const created = PetitionCreatedSchema.parse(await response.json())
  expect(created.trackingNo).toMatch(/^XF-2026-\d{6}$/)
  expect(created.queryCode).toMatch(/^[A-HJ-NP-Z2-9]{8}$/)
  // Submitted Monday 23 November: fifteen days not counting that day end on 8 December.
  expect(created.deadlines.decideBy).toBe('2026-12-08T23:59:59.999+08:00')
  const second = PetitionCreatedSchema.parse(
    await (await submit(auth.accessToken, petition({ title: '另一件事情反映' }))).json(),
  )
  expect(Number(second.trackingNo.slice(-6))).toBe(Number(created.trackingNo.slice(-6)) + 1)
})

test('a submission without an Idempotency-Key is 400 IDEMPOTENCY_KEY_REQUIRED', async () => {
  const auth = await citizenWithProfile(context, 'keyless')
  const response = await submit(auth.accessToken, petition(), null)
  expect(response.status).toBe(400)
  expect(await codeOf(response)).toBe('IDEMPOTENCY_KEY_REQUIRED')
})

test('five sequential retries with one key create one petition and replay the same answer', async () => {
  const auth = await citizenWithProfile(context, 'retrier')
  const key = crypto.randomUUID()
  const answers = []
  for (let i = 0; i < 5; i++) {
    const response = await submit(auth.accessToken, petition(), key)
    expect(response.status).toBe(201)
    if (i > 0) expect(response.headers.get('idempotent-replayed')).toBe('true')
    answers.push(await response.json())
  }
  expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1)
  expect(await petitionCount()).toBe(1)
})

test('fifty parallel requests with one key create one petition; the others replay or are told it is in flight', async () => {
  const auth = await citizenWithProfile(context, 'impatient')
  const key = crypto.randomUUID()
  const responses = await Promise.all(Array.from({ length: 50 }, () => submit(auth.accessToken, petition(), key)))
  const statuses = responses.map((r) => r.status)
  expect(statuses.every((s) => s === 201 || s === 409)).toBe(true)
  expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1)
  for (const response of responses.filter((r) => r.status === 409)) {
    expect(await codeOf(response)).toBe('IDEMPOTENCY_IN_FLIGHT')
  }
  expect(await petitionCount()).toBe(1)
})

test('the same key with a changed body is 422 IDEMPOTENCY_KEY_REUSED and nothing new is created', async () => {
  const auth = await citizenWithProfile(context, 'changer')
  const key = crypto.randomUUID()
  expect((await submit(auth.accessToken, petition(), key)).status).toBe(201)
  const changed = await submit(auth.accessToken, petition({ title: '公司拖欠四个月工资' }), key)
  expect(changed.status).toBe(422)
  expect(await codeOf(changed)).toBe('IDEMPOTENCY_KEY_REUSED')
  expect(await petitionCount()).toBe(1)
})

test('keys are scoped to the caller: two citizens may use the same key', async () => {
  const a = await citizenWithProfile(context, 'a')
  const b = await citizenWithProfile(context, 'b')
  const key = 'shared-key-1'
  const first = PetitionCreatedSchema.parse(await (await submit(a.accessToken, petition(), key)).json())
  const second = PetitionCreatedSchema.parse(await (await submit(b.accessToken, petition(), key)).json())
  expect(second.id).not.toBe(first.id)
})

test('title and content limits come from the shared schema and unknown fields are refused', async () => {
  const auth = await citizenWithProfile(context, 'terse')
  const response = await submit(auth.accessToken, petition({ title: '短', content: '太短', priority: 'urgent' }))
  expect(response.status).toBe(400)
  const problem = ProblemSchema.parse(await response.json())
  expect(problem.errors?.map((e) => e.path)).toEqual(expect.arrayContaining(['body.title', 'body.content']))
  expect(problem.errors?.some((e) => e.message.includes('priority'))).toBe(true)
})

test('an unknown category or unit is a field error, not a 500', async () => {
  const auth = await citizenWithProfile(context, 'lost')
  const response = await submit(
    auth.accessToken,
    petition({ categoryId: 'no-such-category', targetUnitId: 'no-such-unit' }),
  )
  expect(response.status).toBe(400)
  expect(ProblemSchema.parse(await response.json()).errors?.[0]?.path).toBe('body.categoryId')
})

test('a sixth petition on the same day is refused with 429, and the limit resets the next day', async () => {
  const auth = await citizenWithProfile(context, 'prolific')
  for (let i = 0; i < 5; i++) {
    expect(
      (
        await submit(
          auth.accessToken,
          petition({ title: `第${i + 1}件不同的事情`, content: `内容编号${i}：${'不同的具体情况说明'.repeat(i + 2)}` }),
        )
      ).status,
    ).toBe(201)
  }
  const sixth = await submit(auth.accessToken, petition({ title: '第六件事情反映一下' }))
  expect(sixth.status).toBe(429)
  expect(await codeOf(sixth)).toBe('RATE_LIMITED')
  context.setNow(Date.parse('2026-11-24T00:00:01+08:00'))
  const nextDay = await demoLogin(context, 'prolific')
  expect((await submit(nextDay.accessToken, petition({ title: '第二天的新事情' }))).status).toBe(201)
})

test('a very similar petition on the citizen’s own open matter is accepted but flagged for staff', async () => {
  const auth = await citizenWithProfile(context, 'repeater')
  const first = PetitionCreatedSchema.parse(await (await submit(auth.accessToken, petition())).json())
  const again = PetitionCreatedSchema.parse(
    await (await submit(auth.accessToken, petition({ content: `${petition().content}请尽快处理。` }))).json(),
  )
  const [row] = await context.database.db.select().from(petitions).where(eq(petitions.id, again.id))
  expect(row?.possibleRepeatOfId).toBe(first.id)
  const unrelated = PetitionCreatedSchema.parse(
    await (
      await submit(
        auth.accessToken,
        petition({
          title: '小区门口道路破损',
          content: '小区门口的道路破损严重，下雨天积水，老人出行很不方便，希望尽快修复。',
        }),
      )
    ).json(),
  )
  const [other] = await context.database.db.select().from(petitions).where(eq(petitions.id, unrelated.id))
  expect(other?.possibleRepeatOfId).toBeNull()
})

test('two similar petitions sent at the same moment are both accepted, and the later one is flagged', async () => {
  const auth = await citizenWithProfile(context, 'double-tap')
  // Neither sees the other before its transaction: the later one must find the earlier one inside it.
  const [a, b] = await Promise.all([
    submit(auth.accessToken, petition()),
    submit(auth.accessToken, petition({ content: `${petition().content}请尽快处理。` })),
  ])
  expect([a.status, b.status]).toEqual([201, 201])
  const ids = [PetitionCreatedSchema.parse(await a.json()).id, PetitionCreatedSchema.parse(await b.json()).id]
  const rows = await context.database.db.select().from(petitions).where(inArray(petitions.id, ids))
  const flagged = rows.filter((row) => row.possibleRepeatOfId !== null)
  expect(flagged).toHaveLength(1)
  expect(ids).toContain(flagged[0]?.possibleRepeatOfId)
  expect(flagged[0]?.possibleRepeatOfId).not.toBe(flagged[0]?.id)
})

test('the owner lists and reads their petition with its timeline and next deadline; content is stored encrypted', async () => {
  const auth = await citizenWithProfile(context, 'reader')
  const created = PetitionCreatedSchema.parse(
    await (await submit(auth.accessToken, petition({ address: '江城市东湖区建设路 18 号工地' }))).json(),
  )
  const list = PetitionListSchema.parse(
    await (await json(context, '/api/v1/petitions', { token: auth.accessToken })).json(),
  )
  expect(list.items.map((p) => p.id)).toEqual([created.id])
  const detail = PetitionDetailSchema.parse(
    await (await json(context, `/api/v1/petitions/${created.id}`, { token: auth.accessToken })).json(),
  )
  expect(detail).toMatchObject({
    status: 'submitted',
    content: petition().content,
    address: '江城市东湖区建设路 18 号工地',
    canWithdraw: true,
  })
  expect(detail.nextDeadline).toMatchObject({ kind: 'decide', at: created.deadlines.decideBy, isOverdue: false })
  expect(detail.timeline).toEqual([
    expect.objectContaining({ type: 'submitted', message: expect.stringContaining(created.trackingNo) }),
  ])
  const [row] = await context.database.db.select().from(petitions).where(eq(petitions.id, created.id))
  expect(JSON.stringify(row)).not.toContain('一万八千元')
  const inbox = await context.database.db.select().from(messages).where(eq(messages.subjectId, created.id))
  expect(inbox).toHaveLength(1)
})

test('another citizen gets 404 for someone else’s petition, exactly as for one that does not exist', async () => {
  const owner = await citizenWithProfile(context, 'owner')
  const stranger = await citizenWithProfile(context, 'stranger')
  const created = PetitionCreatedSchema.parse(await (await submit(owner.accessToken, petition())).json())
  const theirs = await json(context, `/api/v1/petitions/${created.id}`, { token: stranger.accessToken })
  const missing = await json(context, '/api/v1/petitions/01a20000-0000-7000-8000-000000000000', {
    token: stranger.accessToken,
  })
  expect(theirs.status).toBe(404)
  expect(missing.status).toBe(404)
  expect(
    (await json(context, `/api/v1/petitions/${created.id}/withdraw`, { method: 'POST', token: stranger.accessToken }))
      .status,
  ).toBe(404)
  const list = PetitionListSchema.parse(
    await (await json(context, '/api/v1/petitions', { token: stranger.accessToken })).json(),
  )
  expect(list.items).toEqual([])
})

test('a petition can be withdrawn before a reply, once', async () => {
  const auth = await citizenWithProfile(context, 'withdrawer')
  const created = PetitionCreatedSchema.parse(await (await submit(auth.accessToken, petition())).json())
  const withdrawn = await json(context, `/api/v1/petitions/${created.id}/withdraw`, {
    method: 'POST',
    token: auth.accessToken,
  })
  expect(withdrawn.status).toBe(200)
  const detail = PetitionDetailSchema.parse(await withdrawn.json())
  expect(detail.status).toBe('withdrawn')
  expect(detail.canWithdraw).toBe(false)
  expect(detail.timeline.map((e) => e.type)).toEqual(['submitted', 'withdrawn'])
  const again = await json(context, `/api/v1/petitions/${created.id}/withdraw`, {
    method: 'POST',
    token: auth.accessToken,
  })
  expect(again.status).toBe(409)
  expect(await codeOf(again)).toBe('INVALID_TRANSITION')
})

test('tracking by number and query code works without login and reveals nothing personal', async () => {
  const auth = await citizenWithProfile(context, 'tracker')
  const created = PetitionCreatedSchema.parse(
    await (await submit(auth.accessToken, petition({ address: '江城市东湖区建设路 18 号' }))).json(),
  )
  const response = await context.app.request(
    `/api/v1/track?trackingNo=${created.trackingNo}&queryCode=${created.queryCode.toLowerCase()}`,
  )
  expect(response.status).toBe(200)
  const body = await response.text()
  const result = TrackResultSchema.parse(JSON.parse(body))
  expect(result).toMatchObject({ trackingNo: created.trackingNo, status: 'submitted', kind: 'complaint' })
  for (const personal of ['张三', '13812345678', '11010519491231002X', '建设路', '拖欠', petition().title]) {
    expect(body).not.toContain(personal)
  }
})

test('a wrong query code is 404 and a malformed one 400 (guessing limits: abuse-limits.test.ts)', async () => {
  const auth = await citizenWithProfile(context, 'guessed')
  const created = PetitionCreatedSchema.parse(await (await submit(auth.accessToken, petition())).json())
  const wrong = await context.app.request(`/api/v1/track?trackingNo=${created.trackingNo}&queryCode=ABCDEFGH`)
  expect(wrong.status).toBe(404)
  expect(await codeOf(wrong)).toBe('NOT_FOUND')
  expect((await context.app.request(`/api/v1/track?trackingNo=${created.trackingNo}&queryCode=x`)).status).toBe(400)
})

test('a report against an official goes to the discipline commission, not to the unit it accuses', async () => {
  const auth = await citizenWithProfile(context, 'whistleblower')
  const units = UnitListSchema.parse(await (await context.app.request('/api/v1/units')).json())
  const accused = units.items.find((u) => u.shortName === '人社局')
  const created = PetitionCreatedSchema.parse(
    await (
      await submit(
        auth.accessToken,
        petition({ kind: 'report', targetUnitId: accused?.id, title: '反映某科室工作人员索要好处费' }),
      )
    ).json(),
  )
  const detail = PetitionDetailSchema.parse(
    await (await json(context, `/api/v1/petitions/${created.id}`, { token: auth.accessToken })).json(),
  )
  expect(detail.handlingUnit.name).toBe('中共江城市纪律检查委员会 江城市监察委员会')
  expect(detail.targetUnit?.id).toBe(accused?.id)
})

function upload(token: string, bytes: Uint8Array, name: string, type: string) {
  const form = new FormData()
  form.set('file', new File([bytes as Uint8Array<ArrayBuffer>], name, { type }))
  return context.app.request('/api/v1/attachments', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  })
}

test('JPEG, PNG and PDF uploads are accepted by their content and photo metadata is stripped', async () => {
  const auth = await citizenWithProfile(context, 'photographer')
  const jpeg = await upload(auth.accessToken, tinyJpeg({ exif: true }), 'IMG_0001.jpg', 'image/jpeg')
  expect(jpeg.status).toBe(201)
  const jpegInfo = AttachmentSchema.parse(await jpeg.json())
  expect(jpegInfo.mime).toBe('image/jpeg')
  // Declared as text/plain and named .dat: the bytes decide.
  const png = AttachmentSchema.parse(
    await (await upload(auth.accessToken, tinyPng({ text: '拍摄地点：某小区' }), 'x.dat', 'text/plain')).json(),
  )
  expect(png.mime).toBe('image/png')
  const pdf = AttachmentSchema.parse(
    await (await upload(auth.accessToken, tinyPdf(), 'evidence.pdf', 'application/pdf')).json(),
  )
  expect(pdf.mime).toBe('application/pdf')

  const download = await json(context, `/api/v1/attachments/${jpegInfo.id}`, { token: auth.accessToken })
  expect(download.status).toBe(200)
  expect(download.headers.get('content-disposition')).toBe(`attachment; filename="${jpegInfo.id}.jpg"`)
  expect(download.headers.get('x-content-type-options')).toBe('nosniff')
  const stored = Buffer.from(await download.arrayBuffer())
  expect([stored[0], stored[1], stored.at(-2), stored.at(-1)]).toEqual([0xff, 0xd8, 0xff, 0xd9])
  for (const trace of ['Exif', 'GPSLatitude', 'CameraModel', 'comment written by the camera']) {
    expect(stored.includes(Buffer.from(trace))).toBe(false)
  }
  const storedPng = Buffer.from(
    await (await json(context, `/api/v1/attachments/${png.id}`, { token: auth.accessToken })).arrayBuffer(),
  )
  expect(storedPng.includes(Buffer.from('拍摄地点'))).toBe(false)
})

test('a polyglot JPEG+HTML, an SVG and HTML renamed to .jpg are refused with 415', async () => {
  const auth = await citizenWithProfile(context, 'attacker')
  for (const [name, bytes] of [
    ['photo.jpg', HOSTILE_FILES.polyglotJpegHtml],
    ['chart.svg', HOSTILE_FILES.svg],
    ['photo.jpg', HOSTILE_FILES.htmlRenamed],
  ] as const) {
    const response = await upload(auth.accessToken, bytes, name, 'image/jpeg')
    expect(response.status, name).toBe(415)
    expect(await codeOf(response)).toBe('UNSUPPORTED_MEDIA_TYPE')
  }
  // HTML hidden after the end of a valid JPEG is cut off rather than stored.
  const trailing = AttachmentSchema.parse(
    await (await upload(auth.accessToken, HOSTILE_FILES.jpegWithHtmlAfterEnd, 'a.jpg', 'image/jpeg')).json(),
  )
  const stored = Buffer.from(
    await (await json(context, `/api/v1/attachments/${trailing.id}`, { token: auth.accessToken })).arrayBuffer(),
  )
  expect(stored.includes(Buffer.from('<html'))).toBe(false)
})

test('a PNG or JPEG of a few hundred bytes declaring 50000×50000 pixels is refused with 422 IMAGE_TOO_LARGE and not stored', async () => {
  const auth = await citizenWithProfile(context, 'pixel-bomber')
  for (const [name, bytes] of [
    ['bomb.png', tinyPng({ width: 50_000, height: 50_000 })],
    ['bomb.jpg', tinyJpeg({ width: 50_000, height: 50_000 })],
  ] as const) {
    const response = await upload(auth.accessToken, bytes, name, 'image/png')
    expect(response.status, name).toBe(422)
    const problem = ProblemSchema.parse(await response.json())
    expect(problem.code).toBe('IMAGE_TOO_LARGE')
    expect(problem.title).toContain('请缩小图片')
    expect(problem.detail).toContain('50000×50000')
  }
  expect(existsSync(join(context.dataDir, 'attachments'))).toBe(false)
})

test('an upload form with more parts than a form needs is refused before it is parsed; a file with a field or two is taken', async () => {
  const auth = await citizenWithProfile(context, 'many-parts')
  const post = (form: FormData) =>
    context.app.request('/api/v1/attachments', {
      method: 'POST',
      headers: { authorization: `Bearer ${auth.accessToken}` },
      body: form,
    })
  const crowded = new FormData()
  crowded.set('file', new File([tinyPng() as Uint8Array<ArrayBuffer>], 'a.png', { type: 'image/png' }))
  for (let i = 0; i < 10_000; i++) crowded.append(`f${i}`, '')
  const refused = await post(crowded)
  expect(refused.status).toBe(400)
  expect(ProblemSchema.parse(await refused.json()).errors).toEqual([
    { path: 'body', message: expect.stringContaining('请只上传一个文件') },
  ])
  const ordinary = new FormData()
  ordinary.set('file', new File([tinyPng() as Uint8Array<ArrayBuffer>], 'a.png', { type: 'image/png' }))
  ordinary.set('name', 'a.png')
  ordinary.set('source', 'album')
  expect((await post(ordinary)).status).toBe(201)
})

test('a 30 MB upload is refused with 413 and nothing is written to disk', async () => {
  const auth = await citizenWithProfile(context, 'hoarder')
  const huge = new Uint8Array(30 * 1024 * 1024)
  huge.set(tinyJpeg())
  const response = await upload(auth.accessToken, huge, 'huge.jpg', 'image/jpeg')
  expect(response.status).toBe(413)
  expect(await codeOf(response)).toBe('PAYLOAD_TOO_LARGE')
  const dir = join(context.dataDir, 'attachments')
  const files = (() => {
    try {
      return readdirSync(dir, { recursive: true })
    } catch {
      return []
    }
  })()
  expect(files).toEqual([])
})

test('no attachment is reachable by another citizen, nor by staff of a unit not handling it', async () => {
  const owner = await citizenWithProfile(context, 'owner-files')
  const stranger = await citizenWithProfile(context, 'stranger-files')
  const file = AttachmentSchema.parse(await (await upload(owner.accessToken, tinyPng(), 'a.png', 'image/png')).json())
  expect((await json(context, `/api/v1/attachments/${file.id}`, { token: stranger.accessToken })).status).toBe(404)
  const created = PetitionCreatedSchema.parse(
    await (await submit(owner.accessToken, petition({ attachmentIds: [file.id] }))).json(),
  )
  expect((await json(context, `/api/v1/attachments/${file.id}`, { token: stranger.accessToken })).status).toBe(404)
  const otherUnit = await staffLogin(context, 'demo-handler')
  expect((await json(context, `/api/v1/attachments/${file.id}`, { token: otherUnit.accessToken })).status).toBe(404)
  const bureau = await staffLogin(context, 'demo-intake')
  expect((await json(context, `/api/v1/attachments/${file.id}`, { token: bureau.accessToken })).status).toBe(200)
  const detail = PetitionDetailSchema.parse(
    await (await json(context, `/api/v1/petitions/${created.id}`, { token: owner.accessToken })).json(),
  )
  expect(detail.attachments).toEqual([file])
  // Someone else's attachment cannot be attached to one's own petition.
  const stolen = await submit(stranger.accessToken, petition({ attachmentIds: [file.id] }))
  expect(stolen.status).toBe(400)
})

test('every petition event is in the timeline table and the audit chain stays intact', async () => {
  const auth = await citizenWithProfile(context, 'audited-petitioner')
  const created = PetitionCreatedSchema.parse(await (await submit(auth.accessToken, petition())).json())
  await json(context, `/api/v1/petitions/${created.id}/withdraw`, { method: 'POST', token: auth.accessToken })
  const events = await context.database.db
    .select()
    .from(petitionEvents)
    .where(eq(petitionEvents.petitionId, created.id))
  expect(events.map((e) => e.type).sort()).toEqual(['submitted', 'withdrawn'])
  const admin = await staffLogin(context, 'demo-admin')
  const report = await (await json(context, '/api/v1/staff/audit/verify', { token: admin.accessToken })).json()
  expect(report).toMatchObject({ isIntact: true, entries: 3 })
})
