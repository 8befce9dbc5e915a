import { STAFF_ROLE_LABELS, type StaffRole } from '@xinfang/shared'
import type { Context } from 'hono'
import { AppError } from '../domain/app-error'
import { isFamilyRevoked } from '../domain/auth/revoked-families'
import { citizenExists, loadStaffStanding } from '../domain/auth/staff-standing'
import { type Principal, verifyAccessToken } from '../domain/auth/tokens'
import type { AppDeps, AppEnv } from './context'

/**
 * Who may call a route. Every route declares one — a route cannot be registered without it, and a test walks
 * the router to prove it — so access is denied unless a policy grants it.
 * - `public`: anyone; `citizen`: a signed-in citizen; `staff`: any active staff member;
 * - a list of roles: staff holding one of them; `authenticated`: a citizen or staff member.
 */
export type Policy = 'public' | 'citizen' | 'staff' | 'authenticated' | readonly StaffRole[]

/** Who a route's handler is called for, by its policy: nobody on a public route, and only the kind it admits. */
export type PrincipalOf<P extends Policy> = P extends 'public'
  ? undefined
  : P extends 'citizen'
    ? Extract<Principal, { kind: 'citizen' }>
    : P extends 'authenticated'
      ? Principal
      : Extract<Principal, { kind: 'staff' }>

export function describePolicy(policy: Policy): string {
  if (typeof policy !== 'string') return `工作人员：${policy.map((role) => STAFF_ROLE_LABELS[role]).join('、')}`
  return { public: '无需登录', citizen: '群众登录', staff: '工作人员登录', authenticated: '群众或工作人员登录' }[policy]
}

export function policyKey(policy: Policy): string {
  return typeof policy === 'string' ? policy : `staff:${policy.join(',')}`
}

function bearerOf(c: Context<AppEnv>): string | null {
  const header = c.req.header('authorization')
  if (!header) return null
  // The scheme is case-insensitive and may be followed by more than one space (RFC 9110 §11.1, §11.4).
  const match = /^Bearer +([A-Za-z0-9_.-]{1,4096})$/i.exec(header.trim())
  if (!match?.[1]) throw new AppError('UNAUTHENTICATED', { detail: 'Authorization 请求头格式应为 Bearer <token>' })
  return match[1]
}

/**
 * Authenticates the caller as the policy requires and returns who it is (nobody on a public route). A staff token is
 * checked against the account on every request (cached briefly), so a deactivated or transferred official loses
 * access within a minute even though their token has not expired; every token is checked against the families
 * revoked in the last quarter hour, so a logout ends its access tokens on every instance within 30 seconds.
 */
export async function enforcePolicy(deps: AppDeps, policy: Policy, c: Context<AppEnv>): Promise<Principal | undefined> {
  if (policy === 'public') return undefined
  const token = bearerOf(c)
  if (!token) throw new AppError('UNAUTHENTICATED')
  const now = deps.now()
  const wantsCitizen = policy === 'citizen' || policy === 'authenticated'
  const wantsStaff = policy !== 'citizen'

  let principal: Principal | null = null
  if (wantsCitizen) principal = await verifyAccessToken(deps.keyring.tokenSecret, token, 'citizen', now)
  if (!principal && wantsStaff) principal = await verifyAccessToken(deps.keyring.tokenSecret, token, 'staff', now)
  if (!principal) {
    // A valid token of the other audience is a question of role (403), not of identity (401).
    const otherAudience = wantsStaff ? 'citizen' : 'staff'
    if (await verifyAccessToken(deps.keyring.tokenSecret, token, otherAudience, now)) {
      throw new AppError('FORBIDDEN')
    }
    throw new AppError('UNAUTHENTICATED')
  }

  // After verification, remembered or fresh: a logout or a detected theft ends the family's access tokens too.
  if (await isFamilyRevoked(deps, principal.familyId)) {
    throw new AppError('UNAUTHENTICATED', { detail: '登录已失效，请重新登录' })
  }
  if (principal.kind === 'citizen' && !(await citizenExists(deps, principal.id))) {
    throw new AppError('UNAUTHENTICATED', { detail: '账号不存在，请重新登录' })
  }
  if (principal.kind === 'staff') {
    const standing = await loadStaffStanding(deps, principal.id)
    if (!standing?.isActive || standing.unitId !== principal.unitId || standing.role !== principal.role) {
      throw new AppError('UNAUTHENTICATED', { detail: '账号状态已变更，请重新登录' })
    }
    if (typeof policy !== 'string' && !policy.includes(principal.role)) throw new AppError('FORBIDDEN')
  }
  return principal
}
