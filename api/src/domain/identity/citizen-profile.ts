import {
  type MaskedProfile,
  MobilePhoneSchema,
  maskProfile,
  normalizeIdNumber,
  type PlainProfile,
  type ProfileInput,
} from '@xinfang/shared'
import { eq } from 'drizzle-orm'
import type { Database, Db } from '../../db/client'
import { prebuiltSelect } from '../../db/prebuilt'
import { citizenProfiles } from '../../db/schema'
import type { WeChatClient } from '../../integrations/wechat'
import { AppError } from '../app-error'
import { appendAudit } from '../audit/audit-log'
import { blindIndex, decryptField, encryptField, fieldAad } from '../privacy/field-crypto'
import type { Keyring } from '../privacy/keyring'

const TABLE = 'citizen_profiles'
const aad = (column: string, citizenId: string) => fieldAad(TABLE, column, citizenId)

/** Blind-index purposes: one per column, so equal values in two columns cannot be linked. */
export const ID_NUMBER_INDEX = 'citizen_profiles.id_number'
export const PHONE_INDEX = 'citizen_profiles.phone'

/**
 * Saves the citizen's real-name profile (Art. 19). The phone comes typed in, or from a `getPhoneNumber` code
 * exchanged with WeChat here on the server. Only ciphertext and blind indexes are written; the audit entry
 * names the fields, never their values.
 */
export async function saveCitizenProfile(
  deps: { database: Database; keyring: Keyring; wechat: WeChatClient },
  citizenId: string,
  input: ProfileInput,
  now: number,
): Promise<MaskedProfile> {
  const phone = input.phone ?? (await phoneFromWeChat(deps.wechat, input.phoneCode ?? ''))
  const plain: PlainProfile = {
    realName: input.realName,
    idNumber: normalizeIdNumber(input.idNumber),
    phone,
    address: input.address,
  }
  const { keyring } = deps
  const row = {
    realNameEnc: await encryptField(keyring, plain.realName, aad('real_name', citizenId)),
    idNumberEnc: await encryptField(keyring, plain.idNumber, aad('id_number', citizenId)),
    idNumberIndex: await blindIndex(keyring, plain.idNumber, ID_NUMBER_INDEX),
    phoneEnc: await encryptField(keyring, plain.phone, aad('phone', citizenId)),
    phoneIndex: await blindIndex(keyring, plain.phone, PHONE_INDEX),
    addressEnc: await encryptField(keyring, plain.address, aad('address', citizenId)),
    privacyVersion: input.privacyVersion,
    privacyAcceptedAt: now,
    updatedAt: now,
  }
  await deps.database.write(async (tx) => {
    const [existing] = await tx
      .select({ id: citizenProfiles.citizenId })
      .from(citizenProfiles)
      .where(eq(citizenProfiles.citizenId, citizenId))
    await tx
      .insert(citizenProfiles)
      .values({ citizenId, createdAt: now, ...row })
      .onConflictDoUpdate({ target: citizenProfiles.citizenId, set: row })
    await appendAudit(
      tx,
      {
        actorKind: 'citizen',
        actorId: citizenId,
        action: existing ? 'profile.update' : 'profile.create',
        subjectKind: 'citizen',
        subjectId: citizenId,
        details: {
          fields: ['realName', 'idNumber', 'phone', 'address'],
          phoneSource: input.phone ? 'typed' : 'wechat',
          privacyVersion: input.privacyVersion,
        },
      },
      now,
    )
  })
  return maskProfile(plain)
}

/** The decrypted profile, for its owner's masked view or an audited reveal; null when none was given yet. */
export async function loadPlainProfile(db: Db, keyring: Keyring, citizenId: string): Promise<PlainProfile | null> {
  const [row] = await db.select().from(citizenProfiles).where(eq(citizenProfiles.citizenId, citizenId)).limit(1)
  if (!row) return null
  return {
    realName: await decryptField(keyring, row.realNameEnc, aad('real_name', citizenId)),
    idNumber: await decryptField(keyring, row.idNumberEnc, aad('id_number', citizenId)),
    phone: await decryptField(keyring, row.phoneEnc, aad('phone', citizenId)),
    address: await decryptField(keyring, row.addressEnc, aad('address', citizenId)),
  }
}

const selectProfileId = prebuiltSelect(['citizenId'], (db, p) =>
  db
    .select({ id: citizenProfiles.citizenId })
    .from(citizenProfiles)
    .where(eq(citizenProfiles.citizenId, p('citizenId')))
    .limit(1),
)

/** Petitions and bookings are real-name (Art. 19): without a profile the citizen is sent to fill it in first. */
export async function requireProfile(db: Db, citizenId: string): Promise<void> {
  const [row] = await selectProfileId(db, { citizenId })
  if (!row) throw new AppError('PROFILE_REQUIRED', { detail: '提交前请先在“我的”页面完成实名信息登记' })
}

/**
 * A rejected phone code is a problem with one form field, not with the caller's login: answer it as a field
 * error (400) so the client asks for the phone again instead of treating it as a lost session.
 */
async function phoneFromWeChat(wechat: WeChatClient, phoneCode: string): Promise<string> {
  let returned: string
  try {
    returned = (await wechat.getPhoneNumber(phoneCode)).phoneNumber
  } catch (error) {
    if (error instanceof AppError && error.code === 'WECHAT_CODE_INVALID') {
      throw new AppError('VALIDATION_FAILED', {
        errors: [
          { path: 'body.phoneCode', message: '微信手机号授权已失效，请重新点击“微信授权手机号”或直接填写手机号码' },
        ],
      })
    }
    throw error
  }
  // The number WeChat vouches for meets the rule a typed one does: it is stored, indexed and shown to staff the
  // same way. A number bound abroad (purePhoneNumber without +86) cannot be used; the citizen types one instead.
  const phone = MobilePhoneSchema.safeParse(returned)
  if (!phone.success) {
    throw new AppError('VALIDATION_FAILED', {
      errors: [{ path: 'body.phoneCode', message: '微信绑定的手机号码不是中国大陆手机号码，请直接填写手机号码' }],
    })
  }
  return phone.data
}
