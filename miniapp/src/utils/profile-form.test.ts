import {
  ERROR_CODES,
  ID_NUMBER_PROBLEM_MESSAGES,
  PRIVACY_NOTICE_VERSION,
  type Problem,
  problemTypeOf,
} from '@xinfang/shared'
import { expect, test } from 'vitest'
import { ID_NUMBER_WITH_WRONG_CHECK, VALID_ID_NUMBER } from '../../test/fake-identity-api'
import type { KeyValueStorage } from '../services/storage'
import {
  DRAFT_TTL_MS,
  EMPTY_PROFILE_FORM,
  loadDraft,
  PHONE_CODE_REJECTED_MESSAGE,
  problemForForm,
  saveDraft,
  validateProfileForm,
} from './profile-form'

const FILLED = {
  realName: '张三',
  idNumber: VALID_ID_NUMBER,
  phone: '13812345678',
  address: '江城市东湖区解放路12号',
}

/** Storage in a Map, for the draft rules; the Taro-backed storage itself is exercised by the component tests. */
function memoryStorage(): KeyValueStorage & { entries: Map<string, unknown> } {
  const entries = new Map<string, unknown>()
  return {
    entries,
    get: (key) => entries.get(key),
    set: (key, value) => {
      entries.set(key, structuredClone(value))
    },
    remove: (key) => {
      entries.delete(key)
    },
  }
}

function problem(overrides: Partial<Problem> & Pick<Problem, 'code'>): Problem {
  const { status, title } = ERROR_CODES[overrides.code]
  return { type: problemTypeOf(overrides.code), title, status, ...overrides }
}

test('a complete form becomes the request body, with the current privacy notice version', () => {
  expect(validateProfileForm({ ...FILLED, idNumber: '11010519491231002x' }, undefined)).toEqual({
    ok: true,
    input: { ...FILLED, idNumber: VALID_ID_NUMBER, privacyVersion: PRIVACY_NOTICE_VERSION },
  })
})

test('an empty form asks for every field in plain words', () => {
  expect(validateProfileForm(EMPTY_PROFILE_FORM, undefined)).toEqual({
    ok: false,
    errors: {
      realName: '请填写姓名',
      idNumber: '请填写身份证号码',
      phone: '请填写手机号码',
      address: '请填写联系地址',
    },
  })
})

test('an ID number with a wrong last character gets the shared checksum message', () => {
  const result = validateProfileForm({ ...FILLED, idNumber: ID_NUMBER_WITH_WRONG_CHECK }, undefined)

  expect(result).toEqual({ ok: false, errors: { idNumber: ID_NUMBER_PROBLEM_MESSAGES.check_character } })
  expect(ID_NUMBER_PROBLEM_MESSAGES.check_character).toContain('校验不符')
})

test('a short or impossible ID number says which part is wrong', () => {
  const tooShort = validateProfileForm({ ...FILLED, idNumber: '1101051949' }, undefined)
  const badDate = validateProfileForm({ ...FILLED, idNumber: '110105194913310020' }, undefined)

  expect(tooShort.ok === false && tooShort.errors.idNumber).toBe(ID_NUMBER_PROBLEM_MESSAGES.format)
  expect(badDate.ok === false && badDate.errors.idNumber).toBe(ID_NUMBER_PROBLEM_MESSAGES.birth_date)
})

test('a wrong name, phone and address each get the shared schema’s Chinese message', () => {
  const result = validateProfileForm(
    { realName: 'Zhang', idNumber: VALID_ID_NUMBER, phone: '1381234', address: '解放路' },
    undefined,
  )

  expect(result).toEqual({
    ok: false,
    errors: {
      realName: '请填写身份证上的中文姓名，少数民族姓名中间可用“·”隔开',
      phone: '请填写11位手机号码，以1开头',
      address: '地址至少填写5个字，请写到街道和门牌号',
    },
  })
})

test('with a WeChat phone code the typed phone is neither required nor sent', () => {
  const result = validateProfileForm({ ...FILLED, phone: '' }, 'wx-phone-code')

  expect(result).toEqual({
    ok: true,
    input: {
      realName: '张三',
      idNumber: VALID_ID_NUMBER,
      phoneCode: 'wx-phone-code',
      address: FILLED.address,
      privacyVersion: PRIVACY_NOTICE_VERSION,
    },
  })
})

test('server field errors land under the field their path names', () => {
  const placed = problemForForm(
    problem({
      code: 'VALIDATION_FAILED',
      errors: [
        { path: 'body.realName', message: '姓名至少2个字，请填写身份证上的姓名' },
        { path: 'body.address', message: '地址不能超过200个字' },
        { path: 'body.phoneCode', message: '微信手机号授权无效，请重新授权' },
      ],
    }),
  )

  expect(placed).toEqual({
    fields: {
      realName: '姓名至少2个字，请填写身份证上的姓名',
      address: '地址不能超过200个字',
      phone: '微信手机号授权无效，请重新授权',
    },
    message: undefined,
    isPrivacyOutdated: false,
    isPhoneCodeRejected: false,
  })
})

test('ID_NUMBER_INVALID goes under the ID number even without a field list', () => {
  expect(problemForForm(problem({ code: 'ID_NUMBER_INVALID' })).fields).toEqual({
    idNumber: ERROR_CODES.ID_NUMBER_INVALID.title,
  })
})

test('an outdated privacy version asks for the notice again instead of showing a field error', () => {
  const placed = problemForForm(
    problem({ code: 'VALIDATION_FAILED', errors: [{ path: 'body.privacyVersion', message: '隐私保护指引已更新' }] }),
  )

  expect(placed).toMatchObject({ fields: {}, message: undefined, isPrivacyOutdated: true })
})

test('a refused WeChat phone code is shown under the phone with the way out', () => {
  const placed = problemForForm(problem({ code: 'WECHAT_CODE_INVALID' }))

  expect(placed).toMatchObject({ fields: { phone: PHONE_CODE_REJECTED_MESSAGE }, isPhoneCodeRejected: true })
})

test('a problem that names no field becomes the form message', () => {
  expect(problemForForm(problem({ code: 'SERVICE_UNAVAILABLE' })).message).toBe(ERROR_CODES.SERVICE_UNAVAILABLE.title)
  expect(
    problemForForm(problem({ code: 'VALIDATION_FAILED', errors: [{ path: 'body', message: '不能包含未知字段' }] }))
      .message,
  ).toBe('不能包含未知字段')
})

test('a draft is kept for its own user and comes back as typed', () => {
  const storage = memoryStorage()
  const now = Date.now()

  saveDraft('citizen_1', { ...EMPTY_PROFILE_FORM, idNumber: '1101051949' }, now, storage)

  expect(loadDraft('citizen_1', now + 60_000, storage)).toEqual({ ...EMPTY_PROFILE_FORM, idNumber: '1101051949' })
})

test('a draft typed under another account is discarded unread', () => {
  const storage = memoryStorage()
  saveDraft('citizen_1', FILLED, Date.now(), storage)

  expect(loadDraft('citizen_2', Date.now(), storage)).toBeNull()
  expect(storage.entries.size).toBe(0)
})

test('a draft older than its time to live is discarded', () => {
  const storage = memoryStorage()
  const savedAt = Date.now()
  saveDraft('citizen_1', FILLED, savedAt, storage)

  expect(loadDraft('citizen_1', savedAt + DRAFT_TTL_MS + 1, storage)).toBeNull()
  expect(storage.entries.size).toBe(0)
})

test('emptying every field removes the draft', () => {
  const storage = memoryStorage()
  saveDraft('citizen_1', FILLED, Date.now(), storage)

  saveDraft('citizen_1', EMPTY_PROFILE_FORM, Date.now(), storage)

  expect(storage.entries.size).toBe(0)
})

test('a draft that storage cannot hold is lost quietly, not thrown at the person typing', () => {
  const storage: KeyValueStorage = {
    get: () => undefined,
    set: () => {
      throw new Error('exceed storage max size')
    },
    remove: () => {},
  }

  expect(() => saveDraft('citizen_1', FILLED, Date.now(), storage)).not.toThrow()
})
