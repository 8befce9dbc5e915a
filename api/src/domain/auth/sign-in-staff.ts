import type { AuthResult } from '@xinfang/shared'
import { eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { staffAccounts, staffLoginThrottle } from '../../db/schema'
import { AppError } from '../app-error'
import type { KeyBytes } from '../privacy/keyring'
import { verifyPassword } from '../staff/password'
import { issueTokens } from './sessions'

/** Five wrong passwords within fifteen minutes lock the account for fifteen minutes. */
export const LOGIN_FAILURE_LIMIT = 5
export const LOGIN_WINDOW_MS = 15 * 60 * 1000
export const LOGIN_LOCK_MS = 15 * 60 * 1000

/** Compared against when the username is unknown, so timing does not reveal which usernames exist. */
const DUMMY_HASH = 'pbkdf2-sha256$600000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'

export async function signInStaff(
  database: Database,
  credentials: { username: string; password: string },
  options: { tokenSecret: KeyBytes; now: number; allowDemoAccounts: boolean; onUnknownUsername?: () => void },
): Promise<AuthResult> {
  const { now } = options
  const username = credentials.username.toLowerCase()
  const [throttle] = await database.db
    .select()
    .from(staffLoginThrottle)
    .where(eq(staffLoginThrottle.username, username))
    .limit(1)
  if (throttle?.lockedUntil && throttle.lockedUntil > now) {
    throw new AppError('RATE_LIMITED', {
      detail: '密码错误次数过多，账号已暂时锁定，请稍后再试或联系管理员',
      headers: { 'retry-after': String(Math.ceil((throttle.lockedUntil - now) / 1000)) },
    })
  }

  const [account] = await database.db.select().from(staffAccounts).where(eq(staffAccounts.username, username)).limit(1)
  if (!account) options.onUnknownUsername?.()
  const isPasswordRight = await verifyPassword(credentials.password, account?.passwordHash ?? DUMMY_HASH)
  const isAllowed = account?.isActive && (options.allowDemoAccounts || !account.isDemo)

  if (!isPasswordRight || !isAllowed) {
    if (!isPasswordRight) await recordFailure(database, username, now)
    throw new AppError('UNAUTHENTICATED', { detail: '用户名或密码错误' })
  }

  return database.write(async (tx) => {
    await tx.delete(staffLoginThrottle).where(eq(staffLoginThrottle.username, username))
    const tokens = await issueTokens(
      tx,
      { kind: 'staff', id: account.id, role: account.role, unitId: account.unitId },
      options.tokenSecret,
      now,
    )
    return { ...tokens, user: { id: account.id, role: account.role, hasProfile: false } }
  })
}

/** Counts a failure atomically (one upsert), so concurrent guesses from two processes are all counted. */
async function recordFailure(database: Database, username: string, now: number): Promise<void> {
  await database.write(async (tx) => {
    const [row] = await tx.select().from(staffLoginThrottle).where(eq(staffLoginThrottle.username, username)).limit(1)
    const isWindowFresh = row !== undefined && now - row.windowStartedAt < LOGIN_WINDOW_MS
    const failures = isWindowFresh ? row.failures + 1 : 1
    const values = {
      username,
      failures,
      windowStartedAt: isWindowFresh ? row.windowStartedAt : now,
      lockedUntil: failures >= LOGIN_FAILURE_LIMIT ? now + LOGIN_LOCK_MS : null,
    }
    await tx
      .insert(staffLoginThrottle)
      .values(values)
      .onConflictDoUpdate({ target: staffLoginThrottle.username, set: values })
  })
}
