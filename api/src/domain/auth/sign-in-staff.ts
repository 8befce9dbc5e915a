import type { AuthResult } from '@xinfang/shared'
import { eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { staffAccounts, staffNotices } from '../../db/schema'
import { newId } from '../../lib/ids'
import { ABUSE_LIMITS, backoffLimiter, type LimitStore, windowLimiter } from '../../lib/rate-limit'
import { AppError } from '../app-error'
import type { KeyBytes } from '../privacy/keyring'
import { PBKDF2_ITERATIONS, verifyPassword } from '../staff/password'
import { issueTokens } from './sessions'

/**
 * Compared against when the username is unknown, at the same iteration count as a real hash, so an unknown name
 * costs the same work as a known one.
 */
const DUMMY_HASH = `pbkdf2-sha256$${PBKDF2_ITERATIONS}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`

const WRONG_CREDENTIALS = '用户名或密码错误'
const TOO_MANY_ATTEMPTS = '登录尝试过于频繁，请稍后再试'

export const SIGN_IN_ATTACK_NOTICE_KIND = 'sign_in_attack'

/**
 * Staff sign-in (docs/decisions/015-abuse-limits.md). Guessing is limited per (username, caller address) with a
 * growing wait, and per address whatever the username — never per account alone, which let anyone lock an
 * official out by failing five times. Known and unknown usernames take the same path: the same limits keyed by
 * the name as typed, the same PBKDF2 work, the same answers. Failures on one account from anywhere are counted
 * too, and crossing the bound tells the supervisors once per window.
 */
export async function signInStaff(
  deps: { database: Database; limits: LimitStore },
  credentials: { username: string; password: string },
  options: { tokenSecret: KeyBytes; now: number; allowDemoAccounts: boolean; address: string },
): Promise<AuthResult> {
  const { database } = deps
  const { now, address } = options
  const username = credentials.username.toLowerCase()
  const byAccountAndAddress = backoffLimiter(deps.limits, ABUSE_LIMITS.staffSignInByAccountAndAddress)
  const byAddress = windowLimiter(deps.limits, ABUSE_LIMITS.staffSignInFailuresByAddress)
  const pairKey = `${address} ${username}`

  const wait = Math.max(await byAccountAndAddress.waitFor(pairKey, now), await byAddress.waitFor(address, now))
  if (wait > 0) {
    throw new AppError('RATE_LIMITED', { detail: TOO_MANY_ATTEMPTS, headers: { 'retry-after': String(wait) } })
  }

  const [account] = await database.db.select().from(staffAccounts).where(eq(staffAccounts.username, username)).limit(1)
  const isPasswordRight = await verifyPassword(credentials.password, account?.passwordHash ?? DUMMY_HASH)
  const isAllowed = account?.isActive && (options.allowDemoAccounts || !account.isDemo)

  if (!account || !isPasswordRight || !isAllowed) {
    await byAccountAndAddress.fail(pairKey, now)
    await byAddress.count(address, now)
    await countAccountFailure(deps, { username, accountExists: account !== undefined, now })
    throw new AppError('UNAUTHENTICATED', { detail: WRONG_CREDENTIALS })
  }

  await byAccountAndAddress.succeed(pairKey)
  return database.write(async (tx) => {
    const tokens = await issueTokens(
      tx,
      { kind: 'staff', id: account.id, role: account.role, unitId: account.unitId },
      options.tokenSecret,
      now,
    )
    return { ...tokens, user: { id: account.id, role: account.role, hasProfile: false } }
  })
}

/**
 * Counts a failure against the username from any address. The one failure that reaches the bound — the store's
 * add is atomic, so exactly one, on every instance together once the store is shared — leaves supervisors a
 * notice; the account itself stays open to its owner.
 */
async function countAccountFailure(
  deps: { database: Database; limits: LimitStore },
  failure: { username: string; accountExists: boolean; now: number },
): Promise<void> {
  const rule = ABUSE_LIMITS.staffSignInFailuresByAccount
  const byAccount = windowLimiter(deps.limits, rule)
  const { count } = await byAccount.count(failure.username, failure.now)
  if (!failure.accountExists || count !== rule.bound) return
  await deps.database.write((tx) =>
    tx.insert(staffNotices).values({
      id: newId(failure.now),
      role: 'supervisor',
      unitId: null,
      petitionId: null,
      at: failure.now,
      kind: SIGN_IN_ATTACK_NOTICE_KIND,
      text: `工作人员账号 ${failure.username} 在 ${rule.windowMs / 60_000} 分钟内登录失败已达 ${rule.bound} 次，可能有人在猜测密码。账号未被锁定；请提醒本人确认，必要时更换密码。`,
    }),
  )
}
