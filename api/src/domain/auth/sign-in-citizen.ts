import type { AuthResult } from '@xinfang/shared'
import { eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { citizenProfiles, citizens } from '../../db/schema'
import type { WeChatClient } from '../../integrations/wechat'
import { newId } from '../../lib/ids'
import { ABUSE_LIMITS, type LimitStore, windowLimiter } from '../../lib/rate-limit'
import { AppError } from '../app-error'
import type { KeyBytes } from '../privacy/keyring'
import { issueTokens } from './sessions'

/**
 * Signs a citizen in by their WeChat openid, creating the account on first login. Demo logins use an openid in
 * a namespace WeChat never issues (`demo:`), so a demo account can never collide with a real one.
 */
export async function signInCitizen(
  database: Database,
  openid: string,
  options: { isDemo: boolean; tokenSecret: KeyBytes; now: number },
): Promise<AuthResult> {
  return database.write(async (tx) => {
    await tx
      .insert(citizens)
      .values({ id: newId(options.now), openid, isDemo: options.isDemo, createdAt: options.now })
      .onConflictDoNothing()
    const [citizen] = await tx
      .select({ id: citizens.id, profile: citizenProfiles.citizenId })
      .from(citizens)
      .leftJoin(citizenProfiles, eq(citizenProfiles.citizenId, citizens.id))
      .where(eq(citizens.openid, openid))
      .limit(1)
    if (!citizen) throw new Error('citizen row vanished inside its own transaction')
    const tokens = await issueTokens(tx, { kind: 'citizen', id: citizen.id }, options.tokenSecret, options.now)
    return { ...tokens, user: { id: citizen.id, role: 'citizen', hasProfile: citizen.profile !== null } }
  })
}

/** A stable demo openid for a display name, or a fresh one when no name is given. */
export function demoOpenid(name: string | undefined): string {
  return `demo:${name ?? crypto.randomUUID()}`
}

/**
 * The openid behind a wx.login code. Each exchange spends the mini-program's WeChat API quota, shared by every
 * citizen: codes WeChat refuses are counted per caller address, and past the bound that address is answered 429
 * without asking WeChat, so nobody can exhaust the quota with invented codes and stop everyone signing in.
 */
export async function exchangeWeChatCode(
  deps: { wechat: WeChatClient; limits: LimitStore },
  code: string,
  options: { address: string; now: number },
): Promise<string> {
  const failures = windowLimiter(deps.limits, ABUSE_LIMITS.wechatCodeFailuresByAddress)
  const wait = await failures.waitFor(options.address, options.now)
  if (wait > 0) {
    throw new AppError('RATE_LIMITED', {
      detail: '登录尝试过于频繁，请稍后再试',
      headers: { 'retry-after': String(wait) },
    })
  }
  try {
    return (await deps.wechat.code2Session(code)).openid
  } catch (error) {
    if (error instanceof AppError && error.code === 'WECHAT_CODE_INVALID')
      await failures.count(options.address, options.now)
    throw error
  }
}
