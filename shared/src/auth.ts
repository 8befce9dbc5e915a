import { z } from 'zod'
import { IdSchema } from './common'
import { MaskedProfileSchema } from './identity'

export const STAFF_ROLES = ['intake', 'handler', 'supervisor', 'leader', 'admin'] as const
export const StaffRoleSchema = z.enum(STAFF_ROLES)
export type StaffRole = z.infer<typeof StaffRoleSchema>

export const STAFF_ROLE_LABELS: Record<StaffRole, string> = {
  intake: '信访窗口登记',
  handler: '承办人员',
  supervisor: '督办人员',
  leader: '领导',
  admin: '系统管理员',
}

export const UserRoleSchema = z.enum(['citizen', ...STAFF_ROLES])
export type UserRole = z.infer<typeof UserRoleSchema>

/** Opaque to clients (43 base64url characters today); the bound leaves room to change the format. */
export const RefreshTokenSchema = z.string().min(20).max(1024)

export const WeChatLoginSchema = z.strictObject({
  /** The `wx.login` code: single use, valid five minutes. */
  code: z.string().min(1).max(128),
})

export const DemoLoginSchema = z.strictObject({
  /** The same name signs in as the same demo citizen again. */
  name: z.string().trim().min(1).max(30).optional(),
})

export const RefreshSchema = z.strictObject({ refreshToken: RefreshTokenSchema })
export const LogoutSchema = RefreshSchema

export const StaffLoginSchema = z.strictObject({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(200),
})

export const AuthResultSchema = z.object({
  accessToken: z.string(),
  refreshToken: RefreshTokenSchema,
  /** Seconds until the access token expires. */
  expiresIn: z.number().int().positive(),
  user: z.object({
    id: IdSchema,
    role: UserRoleSchema,
    hasProfile: z.boolean(),
  }),
})
export type AuthResult = z.infer<typeof AuthResultSchema>

/** `GET /api/v1/me`: who the caller is. A citizen's profile is masked even for its owner (shoulder-surfing). */
export const MeSchema = z.discriminatedUnion('role', [
  z.object({
    id: IdSchema,
    role: z.literal('citizen'),
    profile: MaskedProfileSchema.nullable(),
  }),
  z.object({
    id: IdSchema,
    role: StaffRoleSchema,
    displayName: z.string(),
    unit: z.object({ id: IdSchema, name: z.string() }),
  }),
])
export type Me = z.infer<typeof MeSchema>
