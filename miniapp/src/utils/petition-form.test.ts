import { ATTACHMENT_MAX_BYTES, PETITION_CONTENT_MIN } from '@xinfang/shared'
import { expect, test } from 'vitest'
import {
  EMPTY_PETITION_FORM,
  formatFileSize,
  type PetitionFormValues,
  petitionCandidate,
  placePetitionProblem,
  stepAfter,
  stepBefore,
  TARGET_UNIT_REQUIRED_MESSAGE,
  type UploadedAttachment,
  validatePetition,
  validateStep,
} from './petition-form'

const COMPLETE: PetitionFormValues = {
  ...EMPTY_PETITION_FORM,
  kind: 'complaint',
  categoryId: 'cat_labor',
  title: '  公司拖欠工资三个月  ',
  content: '我在某公司工作，从八月起一直没有发工资，多次找老板都说没钱。',
  address: '',
}

const PHOTO: UploadedAttachment = { id: 'att_1', mime: 'image/png', size: 2048, name: 'receipt.png' }

test('a complete form becomes the request body the shared schema makes of it, trimmed, without empty optional fields', () => {
  const result = validatePetition(COMPLETE, [PHOTO])

  expect(result).toEqual({
    ok: true,
    input: {
      kind: 'complaint',
      categoryId: 'cat_labor',
      title: '公司拖欠工资三个月',
      content: COMPLETE.content,
      attachmentIds: ['att_1'],
    },
  })
})

test('an empty form asks for the kind first, in plain words, and names the first step to go back to', () => {
  const result = validatePetition(EMPTY_PETITION_FORM, [])

  expect(result).toMatchObject({
    ok: false,
    firstStep: 'kind',
    errors: { kind: '请选择信访类型', categoryId: '请选择事项分类', title: '请填写标题', content: '请填写信访内容' },
  })
})

test('leaving a step checks only that step’s questions', () => {
  const values = { ...EMPTY_PETITION_FORM, kind: 'suggestion' as const }

  expect(validateStep('kind', values, [])).toEqual({})
  expect(validateStep('category', values, [])).toEqual({ categoryId: '请选择事项分类' })
  expect(validateStep('attachments', values, [])).toEqual({})
})

test('the content step explains the schema’s own rules: a short title and too little text', () => {
  const values = { ...COMPLETE, title: '工资', content: '没发工资' }

  expect(validateStep('content', values, [])).toEqual({
    title: '标题至少 4 个字',
    content: `请把事情经过和诉求写清楚，至少 ${PETITION_CONTENT_MIN} 个字`,
  })
})

test('an address given must be a real one, and an empty one is simply left out', () => {
  expect(validateStep('content', { ...COMPLETE, address: '东湖' }, [])).toEqual({
    address: '地址至少填写5个字，请写到街道和门牌号',
  })
  expect(validateStep('content', { ...COMPLETE, address: '   ' }, [])).toEqual({})
})

test('a report must say which unit it accuses, or that the person does not know', () => {
  const report = { ...COMPLETE, kind: 'report' as const }

  expect(validateStep('category', report, [])).toEqual({ targetUnitId: TARGET_UNIT_REQUIRED_MESSAGE })
  expect(validatePetition({ ...report, isTargetUnitUnknown: true }, [])).toMatchObject({ ok: true })
  expect(validatePetition({ ...report, targetUnitId: 'unit_rsj' }, [])).toMatchObject({
    ok: true,
    input: { kind: 'report', targetUnitId: 'unit_rsj' },
  })
})

test('a unit chosen for a report is not sent once the kind is changed to something else', () => {
  const values = { ...COMPLETE, kind: 'complaint' as const, targetUnitId: 'unit_rsj' }

  expect(petitionCandidate(values, [])).not.toHaveProperty('targetUnitId')
})

test('field errors from the API are put under their fields, and the form goes back to the earliest step with one', () => {
  const placed = placePetitionProblem({
    type: 'urn:xinfang:problem:validation-failed',
    title: '提交的内容不符合要求，请检查后重试',
    status: 400,
    code: 'VALIDATION_FAILED',
    errors: [
      { path: 'body.attachmentIds', message: '附件不存在或已用于其他信访事项，请重新上传' },
      { path: 'body.title', message: '标题最多 50 个字' },
    ],
  })

  expect(placed).toEqual({
    fields: { attachmentIds: '附件不存在或已用于其他信访事项，请重新上传', title: '标题最多 50 个字' },
    step: 'content',
    message: undefined,
  })
})

test('a problem naming no field of the form is shown as a message, with its detail when there is one', () => {
  expect(
    placePetitionProblem({
      type: 'urn:xinfang:problem:rate-limited',
      title: '操作过于频繁，请稍后再试',
      status: 429,
      code: 'RATE_LIMITED',
      detail: '每人每天最多提交 5 件信访事项，请明天再提交',
    }),
  ).toEqual({ fields: {}, step: undefined, message: '每人每天最多提交 5 件信访事项，请明天再提交' })
  expect(
    placePetitionProblem({
      type: 'urn:xinfang:problem:validation-failed',
      title: '提交的内容不符合要求',
      status: 400,
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'headers.idempotency-key', message: '须为 1–255 个可见 ASCII 字符' }],
    }).message,
  ).toBe('须为 1–255 个可见 ASCII 字符')
})

test('the steps run kind → category → content → attachments → review and stop at both ends', () => {
  expect(stepAfter('kind')).toBe('category')
  expect(stepAfter('attachments')).toBe('review')
  expect(stepAfter('review')).toBe('review')
  expect(stepBefore('content')).toBe('category')
  expect(stepBefore('kind')).toBe('kind')
})

test('file sizes read as a person would say them', () => {
  expect(formatFileSize(300)).toBe('1 KB')
  expect(formatFileSize(356 * 1024)).toBe('356 KB')
  expect(formatFileSize(2.5 * 1024 * 1024)).toBe('2.5 MB')
  expect(formatFileSize(2.04 * 1024 * 1024)).toBe('2.0 MB')
})

test('a round limit reads without decimals, so the attachment limit is said as 10 MB', () => {
  expect(formatFileSize(ATTACHMENT_MAX_BYTES)).toBe('10 MB')
})
