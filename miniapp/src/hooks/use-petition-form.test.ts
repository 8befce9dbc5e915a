import Taro from '@tarojs/taro'
import { act, renderHook } from '@testing-library/react'
import { type Attachment, ERROR_CODES, problemTypeOf } from '@xinfang/shared'
import { expect, test } from 'vitest'
import { startFakePetitionApi } from '../../test/fake-petition-api'
import { routeRequestsTo } from '../../test/route-requests'
import type { ChooseFiles } from '../services/files'
import { ApiError } from '../services/http'
import { STORAGE_KEYS } from '../services/storage'
import type { PetitionReceipt } from '../utils/petition-draft'
import { type PetitionFormOptions, usePetitionForm } from './use-petition-form'

const USER_ID = 'citizen_1'
const CONTENT = '我在某公司工作，从八月起一直没有发工资，多次找老板都说没钱。'

async function serveFakeApi(...args: Parameters<typeof startFakePetitionApi>) {
  const api = await startFakePetitionApi(...args)
  routeRequestsTo(api.baseUrl)
  return api
}

function renderForm(options: Partial<PetitionFormOptions> = {}) {
  const receipts: PetitionReceipt[] = []
  const rendered = renderHook(() =>
    usePetitionForm({ userId: USER_ID, onSubmitted: (receipt) => receipts.push(receipt), ...options }),
  )
  return { ...rendered, receipts }
}

type Form = ReturnType<typeof renderForm>['result']

function fillIn(result: Form, title = '公司拖欠工资三个月') {
  act(() => result.current.chooseKind('complaint'))
  act(() => result.current.next())
  act(() => result.current.chooseCategory('cat_labor'))
  act(() => result.current.next())
  act(() => result.current.change('title', title))
  act(() => result.current.change('content', CONTENT))
  act(() => result.current.next())
  act(() => result.current.next())
}

function storedDraft() {
  return Taro.getStorageSync(STORAGE_KEYS.petitionDraft)
}

function keyOfStoredDraft(): string {
  const draft: unknown = storedDraft()
  if (typeof draft === 'object' && draft !== null && 'idempotencyKey' in draft) return String(draft.idempotencyKey)
  throw new Error('no draft stored')
}

test('every answer is on the device at once, and the form opened again finds it where it was, key included', () => {
  const first = renderForm()
  act(() => first.result.current.chooseKind('suggestion'))
  act(() => first.result.current.next())
  act(() => first.result.current.chooseCategory('cat_other'))
  act(() => first.result.current.next())
  act(() => first.result.current.change('content', '建议在小区门口增设公交站'))
  const key = keyOfStoredDraft()
  first.unmount()

  const second = renderForm()

  expect(second.result.current.isRestored).toBe(true)
  expect(second.result.current.step).toBe('content')
  expect(second.result.current.values).toMatchObject({ kind: 'suggestion', content: '建议在小区门口增设公交站' })
  expect(keyOfStoredDraft()).toBe(key)
})

test('a step is not left while its question is unanswered, and the message goes once it is answered', () => {
  const { result } = renderForm()

  act(() => result.current.next())
  expect(result.current.step).toBe('kind')
  expect(result.current.errors).toEqual({ kind: '请选择信访类型' })

  act(() => result.current.chooseKind('inquiry'))
  expect(result.current.errors).toEqual({})
  act(() => result.current.next())
  expect(result.current.step).toBe('category')
})

test('the submission carries the draft’s Idempotency-Key; afterwards the receipt is kept and the next draft gets a new key', async () => {
  const api = await serveFakeApi()
  const { result, receipts } = renderForm()
  fillIn(result)
  const key = keyOfStoredDraft()

  await act(() => result.current.submit())

  const [sent] = api.requestsTo('POST', '/api/v1/petitions')
  expect(sent?.headers['idempotency-key']).toBe(key)
  expect(JSON.parse(sent?.body ?? '')).toEqual({
    kind: 'complaint',
    categoryId: 'cat_labor',
    title: '公司拖欠工资三个月',
    content: CONTENT,
  })
  expect(receipts).toEqual([
    expect.objectContaining({ trackingNo: 'XF-2026-000001', queryCode: 'QC000001', areLaterEditsMissing: false }),
  ])
  expect(Taro.getStorageSync(STORAGE_KEYS.petitionReceipts)).toEqual(receipts)
  expect(storedDraft()).toBe('')
  act(() => result.current.chooseKind('inquiry'))
  expect(keyOfStoredDraft()).not.toBe(key)
})

test('an answer lost on the way back is asked for again with the same key, and one petition is filed', async () => {
  const api = await serveFakeApi()
  api.failNextSubmissions('answer_lost')
  const { result, receipts } = renderForm()
  fillIn(result)

  await act(() => result.current.submit())

  const attempts = api.requestsTo('POST', '/api/v1/petitions')
  expect(attempts).toHaveLength(2)
  expect(new Set(attempts.map((attempt) => attempt.headers['idempotency-key'])).size).toBe(1)
  expect(api.petitions.size).toBe(1)
  expect(receipts).toHaveLength(1)
})

test('after an unanswered attempt and an edit, the filed earlier version is recovered with its query code, and the person is told the edit was not sent', async () => {
  const api = await serveFakeApi()
  // Filed, but the answer is lost, and so are the client's own retries: the person sees a network error.
  api.failNextSubmissions('answer_lost', 'unavailable', 'unavailable')
  const { result, receipts } = renderForm()
  fillIn(result)

  await act(() => result.current.submit())
  expect(result.current.formError).toContain('您填写的内容已保存在本机')
  expect(receipts).toEqual([])

  act(() => result.current.goTo('content'))
  act(() => result.current.change('title', '公司拖欠我三个月的工资'))
  act(() => result.current.goTo('review'))
  await act(() => result.current.submit())

  expect(api.requestsTo('POST', '/api/v1/petitions').map((attempt) => attempt.headers['idempotency-key'])).toEqual(
    Array(5).fill(api.requestsTo('POST', '/api/v1/petitions')[0]?.headers['idempotency-key']),
  )
  expect(api.petitions.size).toBe(1)
  expect(receipts).toEqual([
    expect.objectContaining({ trackingNo: 'XF-2026-000001', queryCode: 'QC000001', areLaterEditsMissing: true }),
  ])
}, 15_000)

test('while the first attempt is still being written (409), the form waits and asks again with the same key', async () => {
  const api = await serveFakeApi()
  api.failNextSubmissions('in_flight', 'in_flight')
  const waits: number[] = []
  const { result, receipts } = renderForm({
    sleep: async (ms) => {
      waits.push(ms)
    },
  })
  fillIn(result)

  await act(() => result.current.submit())

  expect(api.requestsTo('POST', '/api/v1/petitions').map((attempt) => attempt.url)).toHaveLength(3)
  expect(waits).toEqual([1500, 1500])
  expect(receipts).toHaveLength(1)
})

test('a field the API refuses takes the form back to its step with the API’s message', async () => {
  const api = await serveFakeApi()
  api.failNextSubmissions('attachment_gone')
  const { result, receipts } = renderForm()
  fillIn(result)

  await act(() => result.current.submit())

  expect(receipts).toEqual([])
  expect(result.current.step).toBe('attachments')
  expect(result.current.errors).toEqual({ attachmentIds: '附件不存在或已用于其他信访事项，请重新上传' })
  // A refusal stores nothing under the key: the body is not kept as possibly filed.
  expect(storedDraft()).toMatchObject({ unansweredBodies: [] })
})

test('without a real-name profile the form says so and keeps everything typed', async () => {
  await serveFakeApi({ hasProfile: false })
  const { result } = renderForm()
  fillIn(result)

  await act(() => result.current.submit())

  expect(result.current.isProfileRequired).toBe(true)
  expect(result.current.formError).toContain('请先登记实名信息')
  expect(storedDraft()).toMatchObject({ values: { content: CONTENT }, unansweredBodies: [] })
})

test('photos upload one at a time; a failed one can be sent again, one too large never leaves the phone', async () => {
  const uploads: string[] = []
  let failNext = true
  const upload = async (file: { filePath: string }): Promise<Attachment> => {
    uploads.push(file.filePath)
    if (file.filePath === 'blob:flaky' && failNext) {
      failNext = false
      throw new Error('uploadFile:fail timeout')
    }
    return { id: `att_${uploads.length}`, mime: 'image/jpeg', size: 1000 }
  }
  const chooseFiles: ChooseFiles = async () => [
    { filePath: 'blob:receipt', name: '收据.jpg', size: 1000 },
    { filePath: 'blob:flaky', name: '现场.jpg', size: 1000 },
    { filePath: 'blob:huge', name: '视频截图.png', size: 11 * 1024 * 1024 },
  ]
  const { result } = renderForm({ upload, chooseFiles })

  await act(() => result.current.addFiles('images'))

  expect(uploads).toEqual(['blob:receipt', 'blob:flaky'])
  expect(result.current.attachments.map((item) => [item.name, item.status])).toEqual([
    ['收据.jpg', 'uploaded'],
    ['现场.jpg', 'failed'],
    ['视频截图.png', 'failed'],
  ])
  const huge = result.current.attachments[2]
  expect(huge?.status === 'failed' && huge.canRetry).toBe(false)

  const flaky = result.current.attachments[1]
  await act(() => result.current.retryUpload(flaky?.key ?? ''))
  act(() => result.current.removeAttachment(huge?.key ?? ''))

  expect(result.current.attachments.map((item) => [item.name, item.status])).toEqual([
    ['收据.jpg', 'uploaded'],
    ['现场.jpg', 'uploaded'],
  ])
  expect(storedDraft()).toMatchObject({ attachments: [{ id: 'att_1' }, { id: 'att_3' }] })
})

test('a photo the API finds too many pixels says to make it smaller and is not offered again', async () => {
  const upload = async (): Promise<Attachment> => {
    throw new ApiError(
      {
        type: problemTypeOf('IMAGE_TOO_LARGE'),
        title: ERROR_CODES.IMAGE_TOO_LARGE.title,
        status: 422,
        code: 'IMAGE_TOO_LARGE',
        detail: '图片为 50000×50000 像素，超过上限',
      },
      'http',
    )
  }
  const chooseFiles: ChooseFiles = async () => [{ filePath: 'blob:bomb', name: '全景.png', size: 2000 }]
  const { result } = renderForm({ upload, chooseFiles })

  await act(() => result.current.addFiles('images'))

  const [failed] = result.current.attachments
  expect(failed?.status).toBe('failed')
  expect(failed?.status === 'failed' && [failed.message, failed.canRetry]).toEqual([
    '图片尺寸太大，请缩小图片或截图后再上传',
    false,
  ])
})

test('submitting waits for uploads to succeed, and a failed upload sends the person back to the materials step', async () => {
  await serveFakeApi()
  const chooseFiles: ChooseFiles = async () => [{ filePath: 'blob:a', name: 'a.jpg', size: 10 }]
  const { result } = renderForm({
    chooseFiles,
    upload: async () => {
      throw new Error('uploadFile:fail')
    },
  })
  fillIn(result)
  await act(() => result.current.addFiles('images'))

  await act(() => result.current.submit())

  expect(result.current.step).toBe('attachments')
  expect(result.current.formError).toBe('有材料没有上传成功，请重新上传或删除后再提交。')
})
