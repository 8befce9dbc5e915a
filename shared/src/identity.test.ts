import { expect, test } from 'vitest'
import {
  AddressSchema,
  checkIdNumber,
  IdNumberSchema,
  idNumberCheckCharacter,
  isValidIdNumber,
  isValidMainlandMobile,
  MaskedProfileSchema,
  MobilePhoneSchema,
  maskAddress,
  maskIdNumber,
  maskName,
  maskPhone,
  maskProfile,
  normalizeIdNumber,
  PRIVACY_NOTICE_VERSION,
  ProfileInputSchema,
  RealNameSchema,
} from './identity'
import { shanghaiTime } from './time'

// Check characters computed by hand with the GB 11643-1999 weights; the first is the standard's own example.
const VALID_ID_NUMBERS = ['11010519491231002X', '440304199001011233', '310115200002290048', '510107198506153212']
const NOW = shanghaiTime('2026-06-01', '12:00')

const validProfile = {
  realName: '张三',
  idNumber: '11010519491231002X',
  phone: '13812345678',
  address: '北京市朝阳区建国路88号',
  privacyVersion: PRIVACY_NOTICE_VERSION,
}

test('real ID numbers with a correct check character are accepted', () => {
  for (const idNumber of VALID_ID_NUMBERS) expect(isValidIdNumber(idNumber, NOW)).toBe(true)
})

test('the check character follows the GB 11643-1999 weights, with 10 written as X', () => {
  expect(idNumberCheckCharacter('11010519491231002')).toBe('X')
  expect(idNumberCheckCharacter('44030419900101123')).toBe('3')
})

test('a lowercase x is accepted and normalised to X', () => {
  expect(isValidIdNumber('11010519491231002x', NOW)).toBe(true)
  expect(normalizeIdNumber(' 11010519491231002x ')).toBe('11010519491231002X')
  expect(IdNumberSchema.parse('11010519491231002x')).toBe('11010519491231002X')
})

test('a wrong check character is refused', () => {
  expect(isValidIdNumber('110105194912310021', NOW)).toBe(false)
  expect(isValidIdNumber('440304199001011234', NOW)).toBe(false)
  expect(checkIdNumber('440304199001011234', NOW)).toEqual({ valid: false, problem: 'check_character' })
})

test('a birth date that does not exist is refused even with a matching check character', () => {
  // 2000-02-30 and 2001-02-29 with their correct check characters, so only the date can be at fault.
  expect(checkIdNumber('110105200002300015', NOW)).toEqual({ valid: false, problem: 'birth_date' })
  expect(checkIdNumber(`11010520010229001${idNumberCheckCharacter('11010520010229001')}`, NOW)).toEqual({
    valid: false,
    problem: 'birth_date',
  })
  expect(checkIdNumber(`11010519801301001${idNumberCheckCharacter('11010519801301001')}`, NOW).valid).toBe(false)
  expect(checkIdNumber(`11010519800100001${idNumberCheckCharacter('11010519800100001')}`, NOW).valid).toBe(false)
})

test('29 February is accepted in a leap year', () => {
  expect(checkIdNumber('310115200002290048', NOW)).toMatchObject({ valid: true, birthDate: '2000-02-29' })
})

test('a birth date before 1900 is refused', () => {
  expect(checkIdNumber('110105189912310023', NOW)).toEqual({ valid: false, problem: 'birth_date' })
})

test('a birth date after today in Shanghai is refused, today itself is accepted', () => {
  const future = '110105202611010012'
  expect(checkIdNumber(future, NOW)).toEqual({ valid: false, problem: 'future_birth_date' })
  expect(isValidIdNumber(future, shanghaiTime('2026-11-01', '00:00'))).toBe(true)
  expect(isValidIdNumber(future, shanghaiTime('2026-10-31', '23:59'))).toBe(false)
  expect(isValidIdNumber(future, new Date(shanghaiTime('2026-11-02')))).toBe(true)
})

test('a region prefix outside the mainland, 台湾, 香港 and 澳门 codes is refused', () => {
  expect(checkIdNumber('910105198001010015', NOW)).toEqual({ valid: false, problem: 'region' })
  expect(checkIdNumber(`00010519800101001${idNumberCheckCharacter('00010519800101001')}`, NOW).valid).toBe(false)
})

test('17 characters, 19 characters, letters and non-strings are refused without throwing', () => {
  expect(isValidIdNumber('11010519491231002', NOW)).toBe(false)
  expect(isValidIdNumber('11010519491231002X1', NOW)).toBe(false)
  expect(isValidIdNumber('1101051949123100AX', NOW)).toBe(false)
  expect(isValidIdNumber('X10105194912310021', NOW)).toBe(false)
  expect(isValidIdNumber('', NOW)).toBe(false)
  expect(isValidIdNumber(null, NOW)).toBe(false)
  expect(isValidIdNumber(11010519491231, NOW)).toBe(false)
  expect(checkIdNumber('11010519491231002', NOW)).toEqual({ valid: false, problem: 'format' })
})

test('a valid ID number tells the birth date and the sex', () => {
  expect(checkIdNumber('11010519491231002X', NOW)).toEqual({
    valid: true,
    idNumber: '11010519491231002X',
    birthDate: '1949-12-31',
    sex: 'female',
  })
  expect(checkIdNumber('440304199001011233', NOW)).toMatchObject({ sex: 'male' })
})

test('the ID number schema refuses an invalid number with the checksum message', () => {
  const result = IdNumberSchema.safeParse('110105194912310021')
  expect(result.success).toBe(false)
  expect(result.error?.issues[0]?.message).toBe('身份证号码校验未通过')
})

test('mainland mobile numbers have 11 digits and start with 13 to 19', () => {
  expect(isValidMainlandMobile('13812345678')).toBe(true)
  expect(isValidMainlandMobile('19912345678')).toBe(true)
  expect(isValidMainlandMobile('12812345678')).toBe(false)
  expect(isValidMainlandMobile('1381234567')).toBe(false)
  expect(isValidMainlandMobile('138123456789')).toBe(false)
  expect(isValidMainlandMobile('+8613812345678')).toBe(false)
  expect(isValidMainlandMobile(13812345678)).toBe(false)
  expect(MobilePhoneSchema.parse(' 13812345678 ')).toBe('13812345678')
})

test('names are masked to the first character and one star per hidden character', () => {
  expect(maskName('张三')).toBe('张*')
  expect(maskName('欧阳修远')).toBe('欧***')
  expect(maskName('阿依古丽·买买提')).toBe('阿*******')
  expect(maskName('王')).toBe('*')
})

test('a rare name character outside the BMP counts as one character when masking', () => {
  expect(maskName('𠀋三')).toBe('𠀋*')
  expect(maskName('张𠀋')).toBe('张*')
})

test('ID numbers keep the first six and last four characters around eight stars', () => {
  expect(maskIdNumber('11010519491231002X')).toBe('110105********002X')
  expect(maskIdNumber('11010519491231002x')).toBe('110105********002X')
})

test('phone numbers keep the first three and last four digits', () => {
  expect(maskPhone('13812345678')).toBe('138****5678')
})

test('addresses keep about the first six characters', () => {
  expect(maskAddress('北京市朝阳区建国路88号')).toBe('北京市朝阳区****')
  expect(maskAddress('朝阳区建国路')).toBe('朝阳区****')
})

test('masking odd input never throws and never reveals a short value whole', () => {
  for (const mask of [maskName, maskIdNumber, maskPhone, maskAddress]) {
    expect(mask('')).toBe('')
    expect(mask('   ')).toBe('')
    expect(mask(null)).toBe('')
    expect(mask(undefined)).toBe('')
  }
  expect(maskIdNumber('1234')).toBe('****')
  expect(maskIdNumber('110105491231002')).toBe('110105*****1002')
  expect(maskPhone('12345')).toBe('*****')
  expect(maskAddress('北京')).toBe('北****')
  expect(maskAddress('京')).toBe('****')
})

test('a profile is masked field by field into the masked profile shape', () => {
  const masked = maskProfile(validProfile)
  expect(masked).toEqual({
    realName: '张*',
    idNumber: '110105********002X',
    phone: '138****5678',
    address: '北京市朝阳区****',
  })
  expect(MaskedProfileSchema.parse(masked)).toEqual(masked)
})

test('real names of 2 to 30 Chinese characters are accepted, with a middle dot between parts', () => {
  expect(RealNameSchema.parse('张三')).toBe('张三')
  expect(RealNameSchema.parse(' 阿依古丽·买买提 ')).toBe('阿依古丽·买买提')
  expect(RealNameSchema.parse('阿依古丽•买买提')).toBe('阿依古丽·买买提')
  expect(RealNameSchema.safeParse('张').success).toBe(false)
  expect(RealNameSchema.safeParse('张'.repeat(31)).success).toBe(false)
  expect(RealNameSchema.safeParse('Zhang San').success).toBe(false)
  expect(RealNameSchema.safeParse('·张三').success).toBe(false)
  expect(RealNameSchema.safeParse('张三3').success).toBe(false)
})

test('addresses must have 5 to 200 characters', () => {
  expect(AddressSchema.safeParse('北京市').success).toBe(false)
  expect(AddressSchema.safeParse('北京市朝阳区').success).toBe(true)
  expect(AddressSchema.safeParse('路'.repeat(201)).success).toBe(false)
})

test('a profile with a typed phone number is accepted and normalised', () => {
  expect(ProfileInputSchema.parse({ ...validProfile, idNumber: '11010519491231002x' })).toEqual(validProfile)
})

test('a profile with a WeChat phone code instead of a number is accepted', () => {
  const { phone: _phone, ...withoutPhone } = validProfile
  expect(ProfileInputSchema.safeParse({ ...withoutPhone, phoneCode: 'wx-phone-code' }).success).toBe(true)
})

test('a profile needs exactly one of phone and phoneCode', () => {
  const { phone: _phone, ...withoutPhone } = validProfile
  const neither = ProfileInputSchema.safeParse(withoutPhone)
  expect(neither.success).toBe(false)
  expect(neither.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['phone'])

  const both = ProfileInputSchema.safeParse({ ...validProfile, phoneCode: 'wx-phone-code' })
  expect(both.success).toBe(false)
  expect(both.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['phoneCode'])
})

test('a profile reports every faulty field at once', () => {
  const { phone: _phone, ...withoutPhone } = validProfile
  const result = ProfileInputSchema.safeParse({ ...withoutPhone, idNumber: '110105194912310021' })
  expect(result.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['idNumber', 'phone'])
})

test('a profile with unknown fields or an outdated privacy notice version is refused', () => {
  expect(ProfileInputSchema.safeParse({ ...validProfile, openid: 'x' }).success).toBe(false)
  const outdated = ProfileInputSchema.safeParse({ ...validProfile, privacyVersion: '2020-01-01' })
  expect(outdated.success).toBe(false)
  expect(outdated.error?.issues[0]?.path).toEqual(['privacyVersion'])
})
