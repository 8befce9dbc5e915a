import { z } from 'zod'
import { shanghaiDateOf } from './time'

/**
 * Identity rules of the real-name profile (信访人身份信息, 信访工作条例 Art. 19). Pure functions only: this file
 * also runs inside the WeChat mini-program, so it may use zod and nothing from Node.
 */

// ---------------------------------------------------------------------------------------------------------------
// 居民身份证号码 (GB 11643-1999)
// ---------------------------------------------------------------------------------------------------------------

/** Weights of the 17 body digits, 2^(18-i) mod 11 (GB 11643-1999 §7, ISO 7064 MOD 11-2). */
const ID_NUMBER_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const
/** The check character for each remainder of the weighted sum modulo 11. */
const ID_NUMBER_CHECK_CHARACTERS = '10X98765432'

/**
 * The first two digits name a province-level division (GB/T 2260), plus 71 台湾 and 81–83 for the residence
 * permits of 香港, 澳门 and 台湾 residents, which use the same 18-character format.
 */
// biome-ignore format: one row per region (华北, 东北, 华东, 中南, 西南, 西北, 港澳台) reads better
const PROVINCE_CODES = new Set([
  '11', '12', '13', '14', '15',
  '21', '22', '23',
  '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46',
  '50', '51', '52', '53', '54',
  '61', '62', '63', '64', '65',
  '71', '81', '82', '83',
])

/** Birth dates before 1900 cannot belong to a living petitioner and are far more likely a typing mistake. */
const EARLIEST_BIRTH_YEAR = 1900

export type IdNumberProblem = 'format' | 'region' | 'birth_date' | 'future_birth_date' | 'check_character'

/** What to tell a citizen for each problem: short, concrete, and saying what to do next. */
export const ID_NUMBER_PROBLEM_MESSAGES: Record<IdNumberProblem, string> = {
  format: '身份证号码应为18位：前17位是数字，最后一位是数字或字母X',
  region: '身份证号码的前几位（地区代码）不正确，请对照身份证核对',
  birth_date: '身份证号码中的出生日期不正确，请对照身份证核对',
  future_birth_date: '身份证号码中的出生日期晚于今天，请对照身份证核对',
  check_character: '身份证号码最后一位校验不符，可能有数字填错，请对照身份证逐位核对',
}

export type IdNumberCheck =
  | { valid: true; idNumber: string; birthDate: string; sex: 'male' | 'female' }
  | { valid: false; problem: IdNumberProblem }

/** Trims and upper-cases an ID number, so a typed lowercase `x` becomes the standard `X`. */
export function normalizeIdNumber(value: string): string {
  return value.trim().toUpperCase()
}

/** The GB 11643-1999 check character for the first 17 digits of an ID number. */
export function idNumberCheckCharacter(body17: string): string {
  let sum = 0
  for (let i = 0; i < ID_NUMBER_WEIGHTS.length; i++) {
    sum += Number(body17.charAt(i)) * ID_NUMBER_WEIGHTS[i]!
  }
  return ID_NUMBER_CHECK_CHARACTERS.charAt(sum % 11)
}

/**
 * Checks an 18-character 居民身份证号码 and says what is wrong with it. `now` decides which birth dates are in the
 * future; the comparison is made on the Asia/Shanghai calendar date.
 */
export function checkIdNumber(value: string, now: Date | number = Date.now()): IdNumberCheck {
  const idNumber = normalizeIdNumber(value)
  if (!/^\d{17}[\dX]$/.test(idNumber)) return { valid: false, problem: 'format' }
  if (!PROVINCE_CODES.has(idNumber.slice(0, 2))) return { valid: false, problem: 'region' }

  const year = Number(idNumber.slice(6, 10))
  const month = Number(idNumber.slice(10, 12))
  const day = Number(idNumber.slice(12, 14))
  // Date.UTC rolls 2月30日 over to 3月2日: a date is real only when it survives the round trip unchanged.
  const birth = new Date(Date.UTC(year, month - 1, day))
  if (
    year < EARLIEST_BIRTH_YEAR ||
    birth.getUTCFullYear() !== year ||
    birth.getUTCMonth() !== month - 1 ||
    birth.getUTCDate() !== day
  ) {
    return { valid: false, problem: 'birth_date' }
  }
  const birthDate = `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`
  const today = shanghaiDateOf(typeof now === 'number' ? now : now.getTime())
  if (birthDate > today) return { valid: false, problem: 'future_birth_date' }

  if (idNumberCheckCharacter(idNumber) !== idNumber.charAt(17)) return { valid: false, problem: 'check_character' }

  // The 17th digit is the sequence number's last digit: odd for men, even for women (GB 11643-1999 §5.3).
  const sex = Number(idNumber.charAt(16)) % 2 === 1 ? 'male' : 'female'
  return { valid: true, idNumber, birthDate, sex }
}

/** Whether `value` is a valid 18-character 居民身份证号码 (lowercase `x` accepted). Never throws. */
export function isValidIdNumber(value: unknown, now: Date | number = Date.now()): boolean {
  return typeof value === 'string' && checkIdNumber(value, now).valid
}

// ---------------------------------------------------------------------------------------------------------------
// Mobile phone
// ---------------------------------------------------------------------------------------------------------------

const MAINLAND_MOBILE_PATTERN = /^1[3-9]\d{9}$/

/** Whether `value` is an 11-digit mainland China mobile number (1[3-9] followed by nine digits). */
export function isValidMainlandMobile(value: unknown): boolean {
  return typeof value === 'string' && MAINLAND_MOBILE_PATTERN.test(value)
}

// ---------------------------------------------------------------------------------------------------------------
// Masking for display (DOMAIN.md, Privacy: `110105********123X`, `138****5678`, `张*`)
// ---------------------------------------------------------------------------------------------------------------

/** Characters as a person counts them: a rare name character outside the BMP is one character, not two. */
function charactersOf(value: string | null | undefined): string[] {
  return typeof value === 'string' ? Array.from(value.trim()) : []
}

/** `张三` → `张*`, `欧阳修远` → `欧***`, a single character → `*`. Never throws. */
export function maskName(value: string | null | undefined): string {
  const characters = charactersOf(value)
  if (characters.length === 0) return ''
  if (characters.length === 1) return '*'
  return characters[0] + '*'.repeat(characters.length - 1)
}

/**
 * `11010519491231002X` → `110105********002X`: the region and the last four stay, the birth date is hidden.
 * Anything too short to keep both ends and still hide something is starred out completely. Never throws.
 */
export function maskIdNumber(value: string | null | undefined): string {
  const characters = charactersOf(value).map((character) => character.toUpperCase())
  if (characters.length < 12) return '*'.repeat(characters.length)
  return `${characters.slice(0, 6).join('')}${'*'.repeat(characters.length - 10)}${characters.slice(-4).join('')}`
}

/** `13812345678` → `138****5678`. Never throws. */
export function maskPhone(value: string | null | undefined): string {
  const characters = charactersOf(value)
  if (characters.length < 8) return '*'.repeat(characters.length)
  return `${characters.slice(0, 3).join('')}${'*'.repeat(characters.length - 7)}${characters.slice(-4).join('')}`
}

/**
 * Keeps about the first six characters (usually province, city and district) and hides the street and house
 * number: `北京市朝阳区建国路88号` → `北京市朝阳区****`. A short address keeps at most half. Never throws.
 */
export function maskAddress(value: string | null | undefined): string {
  const characters = charactersOf(value)
  if (characters.length === 0) return ''
  const kept = Math.min(6, Math.floor(characters.length / 2))
  return `${characters.slice(0, kept).join('')}****`
}

// ---------------------------------------------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------------------------------------------

/**
 * The version of the privacy notice (隐私保护指引) the mini-program shows. A profile is saved only with the current
 * version, so after a change everyone reads and accepts the new text before more personal data is collected.
 */
export const PRIVACY_NOTICE_VERSION = '2026-11-01'

/** Han characters, including the CJK extensions in which many rare name characters (生僻字) live. */
const HAN = '\\u3400-\\u4DBF\\u4E00-\\u9FFF\\uF900-\\uFAFF\\u{20000}-\\u{323AF}'
/** Names of some ethnic minorities join their parts with a middle dot: `阿依古丽·买买提`. */
const CHINESE_NAME_PATTERN = new RegExp(`^[${HAN}]+(?:·[${HAN}]+)*$`, 'u')
/** Input methods produce several look-alike dots; the ID card uses U+00B7. */
const NAME_DOT_VARIANTS = /[•・‧∙⋅．.]/g

/** A name as on the ID card, after the dots are made one and the spaces removed. */
export const REAL_NAME_MIN = 2
export const REAL_NAME_MAX = 30

export const RealNameSchema = z
  .string({ error: '请填写姓名' })
  .trim()
  .overwrite((value) => value.replace(NAME_DOT_VARIANTS, '·').replace(/\s+/g, ''))
  .min(REAL_NAME_MIN, `姓名至少${REAL_NAME_MIN}个字，请填写身份证上的姓名`)
  .max(REAL_NAME_MAX, `姓名不能超过${REAL_NAME_MAX}个字`)
  .regex(CHINESE_NAME_PATTERN, '请填写身份证上的中文姓名，少数民族姓名中间可用“·”隔开')

export const IdNumberSchema = z
  .string({ error: '请填写身份证号码' })
  .trim()
  .toUpperCase()
  .refine((value) => isValidIdNumber(value), '身份证号码校验未通过')

export const MobilePhoneSchema = z
  .string({ error: '请填写手机号码' })
  .trim()
  .regex(MAINLAND_MOBILE_PATTERN, '请填写11位手机号码，以1开头')

/** An address to the street and house number, as trimmed. */
export const ADDRESS_MIN = 5
export const ADDRESS_MAX = 200

export const AddressSchema = z
  .string({ error: '请填写地址' })
  .trim()
  .min(ADDRESS_MIN, `地址至少填写${ADDRESS_MIN}个字，请写到街道和门牌号`)
  .max(ADDRESS_MAX, `地址不能超过${ADDRESS_MAX}个字`)

/** The code `getPhoneNumber` returns; the server exchanges it with WeChat for the number (single use). */
export const PhoneCodeSchema = z.string().trim().min(1, '微信手机号授权无效，请重新授权').max(128)

export const PrivacyVersionSchema = z.literal(PRIVACY_NOTICE_VERSION, {
  error: '隐私保护指引已更新，请重新阅读并同意后再提交',
})

/**
 * `PUT /api/v1/me/profile` (API.md, Identity): `phone | phoneCode` — a number typed by hand, or the code of
 * WeChat's phone-number button, exactly one of them.
 */
export const ProfileInputSchema = z
  .strictObject({
    realName: RealNameSchema,
    idNumber: IdNumberSchema,
    phone: MobilePhoneSchema.optional(),
    phoneCode: PhoneCodeSchema.optional(),
    address: AddressSchema,
    privacyVersion: PrivacyVersionSchema,
  })
  .superRefine(
    (profile, context) => {
      if (profile.phone === undefined && profile.phoneCode === undefined) {
        context.addIssue({
          code: 'custom',
          path: ['phone'],
          message: '请填写手机号码，或使用微信授权手机号',
        })
      } else if (profile.phone !== undefined && profile.phoneCode !== undefined) {
        context.addIssue({
          code: 'custom',
          path: ['phoneCode'],
          message: '手机号码和微信授权手机号只需提供一个',
        })
      }
    },
    // Run even when another field failed, so the form shows every problem at once rather than one per attempt.
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  )
export type ProfileInput = z.infer<typeof ProfileInputSchema>

/** The profile as the API shows it by default: every field masked. */
export const MaskedProfileSchema = z.object({
  realName: z.string(),
  idNumber: z.string(),
  phone: z.string(),
  address: z.string(),
})
export type MaskedProfile = z.infer<typeof MaskedProfileSchema>

export type PlainProfile = { realName: string; idNumber: string; phone: string; address: string }

/** Masks every field of a decrypted profile for display (STYLE.md rule 6: masking happens at the DTO). */
export function maskProfile(profile: PlainProfile): MaskedProfile {
  return {
    realName: maskName(profile.realName),
    idNumber: maskIdNumber(profile.idNumber),
    phone: maskPhone(profile.phone),
    address: maskAddress(profile.address),
  }
}
