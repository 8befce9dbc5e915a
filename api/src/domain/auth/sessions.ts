import { and, eq } from 'drizzle-orm'
import type { Database, WriteTx } from '../../db/client'
import { refreshTokens } from '../../db/schema'
import { sha256Base64Url } from '../../lib/digest'
import { newId } from '../../lib/ids'
import { AppError } from '../app-error'
import type { KeyBytes } from '../privacy/keyring'
import { noteRevokedFamily } from './revoked-families'
import { ACCESS_TOKEN_TTL_SECONDS, type Principal, signAccessToken } from './tokens'

/** How long a login lasts without use: a month on a citizen's own phone, a working day for staff. */
export const REFRESH_TOKEN_TTL_MS: Record<Principal['kind'], number> = {
  citizen: 30 * 24 * 60 * 60 * 1000,
  staff: 12 * 60 * 60 * 1000,
}

export interface TokenPair {
  accessToken: string
  refreshToken: string
  expiresIn: number
}

const toB64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url')

const hashToken = (token: string): string => sha256Base64Url(token)

export type PrincipalWithoutFamily =
  | { kind: 'citizen'; id: string }
  | { kind: 'staff'; id: string; role: Extract<Principal, { kind: 'staff' }>['role']; unitId: string }

/** Issues an access token and a new refresh token in `familyId` (a new family for a new login). */
export async function issueTokens(
  tx: WriteTx,
  subject: PrincipalWithoutFamily,
  secret: KeyBytes,
  now: number,
  familyId: string = newId(now),
): Promise<TokenPair> {
  const refreshToken = toB64(crypto.getRandomValues(new Uint8Array(32)))
  await tx.insert(refreshTokens).values({
    id: newId(now),
    familyId,
    subjectKind: subject.kind,
    subjectId: subject.id,
    tokenHash: hashToken(refreshToken),
    status: 'active',
    expiresAt: now + REFRESH_TOKEN_TTL_MS[subject.kind],
    createdAt: now,
  })
  const principal: Principal = { ...subject, familyId }
  return {
    accessToken: await signAccessToken(secret, principal, now),
    refreshToken,
    expiresIn: ACCESS_TOKEN_TTL_SECONDS[subject.kind],
  }
}

export type RefreshOutcome =
  | { kind: 'rotated'; subjectKind: 'citizen' | 'staff'; subjectId: string; familyId: string }
  | { kind: 'reused'; familyId: string }
  | { kind: 'invalid' }

/**
 * Retires the presented refresh token. A token that was already retired means two parties hold it — the
 * legitimate client and a thief — so the whole family is revoked (OAuth 2.0 Security BCP, refresh token
 * rotation). The caller issues the next token in the same transaction.
 */
export async function retireRefreshToken(tx: WriteTx, refreshToken: string, now: number): Promise<RefreshOutcome> {
  const [row] = await tx
    .select()
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, hashToken(refreshToken)))
    .limit(1)
  if (!row) return { kind: 'invalid' }
  if (row.status === 'retired') {
    await revokeFamilyIn(tx, row.familyId, now)
    return { kind: 'reused', familyId: row.familyId }
  }
  if (row.status === 'revoked' || row.expiresAt <= now) return { kind: 'invalid' }
  await tx.update(refreshTokens).set({ status: 'retired' }).where(eq(refreshTokens.id, row.id))
  return { kind: 'rotated', subjectKind: row.subjectKind, subjectId: row.subjectId, familyId: row.familyId }
}

/**
 * Revokes the family's live refresh token. `revoked_at` is what every instance reads to refuse the family's access
 * tokens too (revoked-families.ts); the caller notes the revocation locally once the transaction has committed.
 */
export async function revokeFamilyIn(tx: WriteTx, familyId: string, now: number): Promise<void> {
  await tx
    .update(refreshTokens)
    .set({ status: 'revoked', revokedAt: now })
    .where(and(eq(refreshTokens.familyId, familyId), eq(refreshTokens.status, 'active')))
}

/**
 * Logout: revokes the family of the presented refresh token, whatever state that token is in, and with it the
 * family's access tokens.
 */
export async function revokeByRefreshToken(database: Database, refreshToken: string, now: number): Promise<void> {
  const tokenHash = hashToken(refreshToken)
  const familyId = await database.write(async (tx) => {
    const [row] = await tx.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).limit(1)
    if (!row) return null
    await revokeFamilyIn(tx, row.familyId, now)
    return row.familyId
  })
  if (familyId) noteRevokedFamily(database, familyId, now)
}

export function unauthenticated(detail = '登录已失效，请重新登录'): AppError {
  return new AppError('UNAUTHENTICATED', { detail })
}
