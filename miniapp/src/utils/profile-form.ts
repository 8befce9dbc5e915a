import {
  checkIdNumber,
  ID_NUMBER_PROBLEM_MESSAGES,
  IdSchema,
  PRIVACY_NOTICE_VERSION,
  type Problem,
  type ProfileInput,
  ProfileInputSchema,
} from '@xinfang/shared'
import { z } from 'zod'
import { type KeyValueStorage, STORAGE_KEYS, taroStorage } from '../services/storage'

/** The fields of the real-name form (信访人身份信息, 信访工作条例 Art. 19), in the order they are shown. */
export const PROFILE_FIELDS = ['realName', 'idNumber', 'phone', 'address'] as const
export type ProfileField = (typeof PROFILE_FIELDS)[number]

export type ProfileFormValues = Record<ProfileField, string>
export type ProfileFieldErrors = Partial<Record<ProfileField, string>>

export const EMPTY_PROFILE_FORM: ProfileFormValues = { realName: '', idNumber: '', phone: '', address: '' }

/** An empty field gets a plain request to fill it in, rather than a rule it breaks. */
const REQUIRED_MESSAGES: Record<ProfileField, string> = {
  realName: '请填写姓名',
  idNumber: '请填写身份证号码',
  phone: '请填写手机号码',
  address: '请填写联系地址',
}

export type ProfileValidation = { ok: true; input: ProfileInput } | { ok: false; errors: ProfileFieldErrors }

/**
 * Checks the form with the same schema the API uses (ProfileInputSchema), so the two can never disagree about what
 * is valid. `phoneCode` is the WeChat phone-number button's code; when present it replaces the typed number.
 */
export function validateProfileForm(
  values: ProfileFormValues,
  phoneCode: string | undefined,
  now: number = Date.now(),
): ProfileValidation {
  const candidate = {
    realName: values.realName,
    idNumber: values.idNumber,
    ...(phoneCode !== undefined ? { phoneCode } : values.phone.trim() ? { phone: values.phone } : {}),
    address: values.address,
    privacyVersion: PRIVACY_NOTICE_VERSION,
  }
  const parsed = ProfileInputSchema.safeParse(candidate)

  const errors: ProfileFieldErrors = {}
  for (const field of PROFILE_FIELDS) {
    if (field === 'phone' && phoneCode !== undefined) continue
    if (!values[field].trim()) errors[field] = REQUIRED_MESSAGES[field]
  }
  if (!errors.idNumber) {
    // The schema only says the number is wrong; the shared check says which part, which is what a person can fix.
    const check = checkIdNumber(values.idNumber, now)
    if (!check.valid) errors.idNumber = ID_NUMBER_PROBLEM_MESSAGES[check.problem]
  }
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOf(String(issue.path[0] ?? ''))
      if (field && !errors[field]) errors[field] = issue.message
    }
  }
  if (parsed.success && Object.keys(errors).length === 0) return { ok: true, input: parsed.data }
  return { ok: false, errors }
}

/** The form field a request path names: `body.idNumber` → idNumber; `phoneCode` belongs to the phone row. */
function fieldOf(path: string): ProfileField | undefined {
  const name = path.replace(/^body\./, '').split('.')[0]
  if (name === 'phoneCode') return 'phone'
  return PROFILE_FIELDS.find((field) => field === name)
}

export interface ProblemForForm {
  fields: ProfileFieldErrors
  /** Shown above the submit button when the problem names no field of the form. */
  message?: string
  /** The API no longer accepts the notice version this device agreed to: the notice must be read again. */
  isPrivacyOutdated: boolean
  /** The WeChat phone-number code was refused (used, expired): the number must be fetched again or typed. */
  isPhoneCodeRejected: boolean
}

export const PHONE_CODE_REJECTED_MESSAGE = '微信授权的手机号已失效，请重新点击“使用微信手机号”，或直接填写手机号码'

/** Puts a problem+json answer of `PUT /api/v1/me/profile` under the fields it names (`errors[].path`). */
export function problemForForm(problem: Problem): ProblemForForm {
  const fields: ProfileFieldErrors = {}
  let isPrivacyOutdated = false
  const unplaced: string[] = []
  for (const error of problem.errors ?? []) {
    const name = error.path.replace(/^body\./, '')
    if (name === 'privacyVersion') {
      isPrivacyOutdated = true
      continue
    }
    const field = fieldOf(error.path)
    if (field) fields[field] ??= error.message
    else unplaced.push(error.message)
  }
  if (problem.code === 'ID_NUMBER_INVALID' && !fields.idNumber) fields.idNumber = problem.title

  const isPhoneCodeRejected = problem.code === 'WECHAT_CODE_INVALID'
  if (isPhoneCodeRejected) fields.phone = PHONE_CODE_REJECTED_MESSAGE

  const hasFieldErrors = Object.keys(fields).length > 0
  let message: string | undefined
  if (unplaced.length > 0) message = unplaced.join('；')
  else if (!hasFieldErrors && !isPrivacyOutdated) message = problem.title
  return { fields, message, isPrivacyOutdated, isPhoneCodeRejected }
}

// ——— the draft: nothing typed is lost ———

/**
 * What has been typed is kept on the device after every change, so a call, a locked screen or a WeChat restart does
 * not make an elderly person type an 18-character ID number again. Decision: the draft holds every typed field,
 * the ID number included, because retyping it is exactly the loss this is for; in exchange it
 * - lives only in the mini-program's own storage (private to the app and the WeChat user; localStorage on H5),
 * - is removed as soon as the profile is saved, and is never sent anywhere,
 * - belongs to one account: a draft of another user (a shared phone) is discarded unread,
 * - expires after DRAFT_TTL_MS, so an abandoned form does not keep an ID number around indefinitely,
 * - never holds the WeChat phone code, which is single use and expires in five minutes anyway.
 */
export const DRAFT_TTL_MS = 7 * 24 * 60 * 60 * 1000

const DraftSchema = z.object({
  userId: IdSchema,
  savedAt: z.number(),
  values: z.object({
    realName: z.string().max(100),
    idNumber: z.string().max(100),
    phone: z.string().max(100),
    address: z.string().max(1000),
  }),
})

export function loadDraft(
  userId: string,
  now: number = Date.now(),
  storage: KeyValueStorage = taroStorage,
): ProfileFormValues | null {
  const parsed = DraftSchema.safeParse(storage.get(STORAGE_KEYS.profileDraft))
  if (!parsed.success) return null
  if (parsed.data.userId !== userId || now - parsed.data.savedAt > DRAFT_TTL_MS) {
    clearDraft(storage)
    return null
  }
  return parsed.data.values
}

export function saveDraft(
  userId: string,
  values: ProfileFormValues,
  now: number = Date.now(),
  storage: KeyValueStorage = taroStorage,
): void {
  if (PROFILE_FIELDS.every((field) => values[field] === '')) {
    clearDraft(storage)
    return
  }
  try {
    storage.set(STORAGE_KEYS.profileDraft, { userId, savedAt: now, values })
  } catch {
    // A full storage loses the draft, not the form: what is on screen stays.
  }
}

export function clearDraft(storage: KeyValueStorage = taroStorage): void {
  try {
    storage.remove(STORAGE_KEYS.profileDraft)
  } catch {
    // Nothing stored.
  }
}
