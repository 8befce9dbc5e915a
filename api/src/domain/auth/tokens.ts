import { STAFF_ROLES, type StaffRole } from '@xinfang/shared'
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose'
import { z } from 'zod'
import type { KeyBytes } from '../privacy/keyring'

/**
 * Access tokens are short JWTs; refresh tokens are opaque random strings stored hashed (see refresh-tokens.ts).
 * Everything a verifier could be tricked about is pinned: the algorithm (no `none`, no RS/HS confusion), the
 * issuer, the audience (a citizen token is not a staff token) and the `typ` header (a refresh or ID token
 * presented as an access token fails).
 */
export const TOKEN_ALGORITHM = 'HS256'
export const TOKEN_ISSUER = 'xinfang'
export const ACCESS_TOKEN_TYPE = 'at+jwt'

export const AUDIENCES = { citizen: 'xinfang:citizen', staff: 'xinfang:staff' } as const
export type Audience = keyof typeof AUDIENCES

/** Citizens ≤ 15 minutes, staff ≤ 10 minutes: short enough that a lost phone or a moved official soon loses access. */
export const ACCESS_TOKEN_TTL_SECONDS: Record<Audience, number> = { citizen: 15 * 60, staff: 10 * 60 }

const CitizenClaimsSchema = z.object({
  sub: z.string().min(1),
  fam: z.string().min(1),
})
const StaffClaimsSchema = CitizenClaimsSchema.extend({
  role: z.enum(STAFF_ROLES),
  unit: z.string().min(1),
})

export type Principal =
  | { kind: 'citizen'; id: string; familyId: string }
  | { kind: 'staff'; id: string; familyId: string; role: StaffRole; unitId: string }

/**
 * The HMAC key imported once per secret: handed raw bytes, jose imports a key on every call, which was the largest
 * cost of authenticating a request.
 */
const signingKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>()

function signingKeyOf(secret: KeyBytes): Promise<CryptoKey> {
  let key = signingKeys.get(secret)
  if (!key) {
    key = crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
    signingKeys.set(secret, key)
    // A failed import must not stay cached for the next call.
    key.catch(() => signingKeys.delete(secret))
  }
  return key
}

export async function signAccessToken(secret: KeyBytes, principal: Principal, now: number): Promise<string> {
  const audience = principal.kind
  const claims =
    principal.kind === 'staff'
      ? { fam: principal.familyId, role: principal.role, unit: principal.unitId }
      : { fam: principal.familyId }
  return new SignJWT(claims)
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, typ: ACCESS_TOKEN_TYPE })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(AUDIENCES[audience])
    .setSubject(principal.id)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor(now / 1000) + ACCESS_TOKEN_TTL_SECONDS[audience])
    .setJti(crypto.randomUUID())
    .sign(await signingKeyOf(secret))
}

/** Clock difference between instances that a token's `iat` and `exp` are allowed. */
export const CLOCK_TOLERANCE_SECONDS = 5

/**
 * Tokens already verified, by secret, audience and the token's exact text: a client sends the same token with
 * every request for up to 15 minutes, and checking its signature was the largest cost of authenticating one.
 * Only a token that passed every check is remembered, and only until it expires; nothing about the token's own
 * text can change while it is valid. Whether its family has since been revoked can: that is asked on every
 * request, remembered or not (http/policy.ts). Bounded, oldest dropped first.
 */
const verifiedTokens = new WeakMap<Uint8Array, Map<string, { principal: Principal; expiresAtMs: number }>>()
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000

/** The principal of a valid access token for `audience`, or null for anything else (never throws). */
export async function verifyAccessToken(
  secret: KeyBytes,
  token: string,
  audience: Audience,
  now: number,
): Promise<Principal | null> {
  let verified = verifiedTokens.get(secret)
  if (!verified) {
    verified = new Map()
    verifiedTokens.set(secret, verified)
  }
  const cacheKey = `${audience} ${token}`
  const known = verified.get(cacheKey)
  if (known && now < known.expiresAtMs) return known.principal
  verified.delete(cacheKey)

  const principal = await verifySignedToken(secret, token, audience, now)
  if (principal) {
    if (verified.size >= VERIFIED_TOKEN_CACHE_SIZE) {
      const oldest = verified.keys().next()
      if (!oldest.done) verified.delete(oldest.value)
    }
    verified.set(cacheKey, principal)
  }
  return principal?.principal ?? null
}

async function verifySignedToken(
  secret: KeyBytes,
  token: string,
  audience: Audience,
  now: number,
): Promise<{ principal: Principal; expiresAtMs: number } | null> {
  try {
    const { payload } = await jwtVerify(token, await signingKeyOf(secret), {
      algorithms: [TOKEN_ALGORITHM],
      issuer: TOKEN_ISSUER,
      audience: AUDIENCES[audience],
      typ: ACCESS_TOKEN_TYPE,
      requiredClaims: ['exp', 'iat', 'sub', 'jti'],
      currentDate: new Date(now),
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      // Refuses an `iat` in the future (beyond the tolerance) and one older than the audience's lifetime: a token
      // signed with a far `exp` — a leaked key, a bug in some issuer — still dies when ours would have.
      maxTokenAge: ACCESS_TOKEN_TTL_SECONDS[audience],
    })
    // jose required both and checked they are numbers. No token of ours outlives its audience's lifetime.
    if (Number(payload.exp) - Number(payload.iat) > ACCESS_TOKEN_TTL_SECONDS[audience]) return null
    const expiresAtMs = (Number(payload.exp) + CLOCK_TOLERANCE_SECONDS) * 1000
    if (audience === 'staff') {
      const claims = StaffClaimsSchema.parse(payload)
      const principal: Principal = {
        kind: 'staff',
        id: claims.sub,
        familyId: claims.fam,
        role: claims.role,
        unitId: claims.unit,
      }
      return { principal, expiresAtMs }
    }
    const claims = CitizenClaimsSchema.parse(payload)
    return { principal: { kind: 'citizen', id: claims.sub, familyId: claims.fam }, expiresAtMs }
  } catch (error) {
    if (error instanceof joseErrors.JOSEError || error instanceof z.ZodError || error instanceof TypeError) return null
    throw error
  }
}
