import { createHmac, randomBytes, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  AuthResultSchema,
  idNumberCheckCharacter,
  PRIVACY_NOTICE_VERSION,
  STAFF_ROLES,
  type StaffRole,
} from '@xinfang/shared'
import { isRecord } from './json-schema'
import type { Policy } from './openapi-document'

/** Who the fuzzer speaks as. Every route is attacked by each of them. */
export type Actor =
  | { name: 'anonymous'; kind: 'anonymous' }
  | { name: string; kind: 'citizen'; hasProfile: boolean; id: string; accessToken: string; refreshToken: string }
  | { name: string; kind: 'staff'; role: StaffRole; id: string; accessToken: string; refreshToken: string }

export type SignedInActor = Exclude<Actor, { kind: 'anonymous' }>

export const STAFF_USERNAMES: Record<StaffRole, string> = {
  intake: 'demo-intake',
  handler: 'demo-handler',
  supervisor: 'demo-supervisor',
  leader: 'demo-leader',
  admin: 'demo-admin',
}
export const DEMO_PASSWORD = 'xinfang-demo'

/** The unit each demo account works in (../shared/API.md, demo accounts): whom a report against that unit hides from. */
export const STAFF_UNIT_CODES: Record<StaffRole, string> = {
  intake: 'city-xfj',
  handler: 'city-rsj',
  supervisor: 'city-xfj',
  leader: 'city-gov',
  admin: 'city-xfj',
}

export const ANONYMOUS: Actor = { name: 'anonymous', kind: 'anonymous' }

async function postJson(baseUrl: string, path: string, body: unknown, token?: string): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  })
}

async function authResult(response: Response, what: string) {
  if (response.status !== 200) throw new Error(`${what} answered ${response.status}: ${await response.text()}`)
  return AuthResultSchema.parse(await response.json())
}

/** A real, checksum-valid (GB 11643) ID number: Beijing Xicheng, born on `birth`, sequence `sequence`. */
export function idNumberFor(birth: string, sequence: number): string {
  const body = `110102${birth}${String(sequence % 1000).padStart(3, '0')}`
  return `${body}${idNumberCheckCharacter(body)}`
}

export interface CitizenProfile {
  realName: string
  idNumber: string
  phone: string
  address: string
}

export async function signInCitizen(
  baseUrl: string,
  name: string,
  profile?: CitizenProfile,
): Promise<Extract<Actor, { kind: 'citizen' }>> {
  const auth = await authResult(await postJson(baseUrl, '/api/v1/auth/demo', { name }), `demo sign-in of ${name}`)
  if (profile) {
    const response = await fetch(`${baseUrl}/api/v1/me/profile`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${auth.accessToken}` },
      body: JSON.stringify({ ...profile, privacyVersion: PRIVACY_NOTICE_VERSION }),
    })
    if (!response.ok)
      throw new Error(`the profile of ${name} was refused (${response.status}): ${await response.text()}`)
  }
  return {
    name,
    kind: 'citizen',
    hasProfile: profile !== undefined,
    id: auth.user.id,
    accessToken: auth.accessToken,
    refreshToken: auth.refreshToken,
  }
}

export async function signInStaff(baseUrl: string, role: StaffRole): Promise<Extract<Actor, { kind: 'staff' }>> {
  const username = STAFF_USERNAMES[role]
  const auth = await authResult(
    await postJson(baseUrl, '/api/v1/auth/staff', { username, password: DEMO_PASSWORD }),
    `staff sign-in of ${username}`,
  )
  return {
    name: username,
    kind: 'staff',
    role,
    id: auth.user.id,
    accessToken: auth.accessToken,
    refreshToken: auth.refreshToken,
  }
}

export async function signInAllStaff(baseUrl: string): Promise<Extract<Actor, { kind: 'staff' }>[]> {
  // One at a time: the logins are not what is measured, and password hashing is CPU-bound on two cores.
  const staff: Extract<Actor, { kind: 'staff' }>[] = []
  for (const role of STAFF_ROLES) staff.push(await signInStaff(baseUrl, role))
  return staff
}

/** Whether the policy lets this actor in at all (before any ownership question). */
export function isAllowed(policy: Policy, actor: Actor): boolean {
  switch (policy.kind) {
    case 'public':
      return true
    case 'citizen':
      return actor.kind === 'citizen'
    case 'authenticated':
      return actor.kind !== 'anonymous'
    case 'staff':
      return actor.kind === 'staff' && (policy.roles === undefined || policy.roles.includes(actor.role))
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Forged and damaged tokens
// ---------------------------------------------------------------------------------------------------------------

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url')

function decodeSegment(segment: string | undefined): Record<string, unknown> {
  const value: unknown = JSON.parse(Buffer.from(segment ?? '', 'base64url').toString('utf8'))
  if (!isRecord(value)) throw new Error('a token segment is not a JSON object')
  return value
}

function hs(algorithm: 'sha256' | 'sha512', key: Uint8Array, signingInput: string): string {
  return createHmac(algorithm, key).update(signingInput).digest('base64url')
}

function compact(header: Record<string, unknown>, payload: Record<string, unknown>, sign: (input: string) => string) {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`
  return `${input}.${sign(input)}`
}

/**
 * The access-token signing secret of the running demo server, read from the keyring file demo mode generates in
 * its data directory. With it the fuzzer can make tokens that are correctly signed but wrong in one way each
 * (expired, other issuer, other `typ`), which is the only way to prove those checks exist.
 */
export function readTokenSecret(dataDir: string): Uint8Array {
  const file: unknown = JSON.parse(readFileSync(join(dataDir, 'secrets', 'keys.json'), 'utf8'))
  if (!isRecord(file) || typeof file.tokenSecret !== 'string') throw new Error('keys.json has no tokenSecret')
  return new Uint8Array(Buffer.from(file.tokenSecret, 'base64'))
}

export interface AuthorizationVariant {
  label: string
  /** The header value, or null to send no Authorization header. */
  value: string | null
  /** True when no correct server may accept it on a non-public route. */
  isForged: boolean
}

/**
 * Authorization headers an attacker tries, built from one real token: algorithm `none`, a wrong key, a payload
 * edited under the original signature, correctly signed tokens that are expired, not yet valid, from another
 * issuer or of another `typ`, the refresh token in the access token's place, and plain garbage.
 */
export function authorizationVariants(secret: Uint8Array, real: SignedInActor, now: number): AuthorizationVariant[] {
  const [headerSegment, payloadSegment, signature] = real.accessToken.split('.')
  const header = decodeSegment(headerSegment)
  const payload = decodeSegment(payloadSegment)
  const seconds = Math.floor(now / 1000)
  const signReal = (input: string) => hs('sha256', secret, input)
  const fresh = { ...payload, iat: seconds, exp: seconds + 600, jti: randomUUID() }
  const otherAudience = payload.aud === 'xinfang:staff' ? 'xinfang:citizen' : 'xinfang:staff'
  const bearer = (token: string) => `Bearer ${token}`
  return [
    { label: 'no Authorization header', value: null, isForged: true },
    { label: 'alg none', value: bearer(compact({ ...header, alg: 'none' }, fresh, () => '')), isForged: true },
    {
      label: 'signed with another key',
      value: bearer(compact(header, fresh, (input) => hs('sha256', randomBytes(32), input))),
      isForged: true,
    },
    {
      label: 'payload promoted to admin under the original signature',
      value: bearer(
        `${headerSegment}.${base64url(JSON.stringify({ ...payload, aud: 'xinfang:staff', role: 'admin', unit: 'x' }))}.${signature}`,
      ),
      isForged: true,
    },
    {
      label: 'expired an hour ago',
      value: bearer(compact(header, { ...fresh, iat: seconds - 7200, exp: seconds - 3600 }, signReal)),
      isForged: true,
    },
    {
      label: 'issued in the future',
      value: bearer(
        compact(header, { ...fresh, iat: seconds + 3600, nbf: seconds + 3600, exp: seconds + 7200 }, signReal),
      ),
      isForged: true,
    },
    { label: 'another issuer', value: bearer(compact(header, { ...fresh, iss: 'evil' }, signReal)), isForged: true },
    {
      label: 'typ JWT instead of at+jwt',
      value: bearer(compact({ ...header, typ: 'JWT' }, fresh, signReal)),
      isForged: true,
    },
    {
      label: 'HS512 under the real secret',
      value: bearer(compact({ ...header, alg: 'HS512' }, fresh, (input) => hs('sha512', secret, input))),
      isForged: true,
    },
    { label: 'without jti', value: bearer(compact(header, { ...fresh, jti: undefined }, signReal)), isForged: true },
    // Made with the real secret, so not a forgery: the claims of one kind under the other's audience.
    {
      label: 'audience swapped',
      value: bearer(compact(header, { ...fresh, aud: otherAudience }, signReal)),
      isForged: false,
    },
    { label: 'the refresh token as access token', value: bearer(real.refreshToken), isForged: true },
    // RFC 9110 makes the scheme case-insensitive and allows more spaces: accepting these is not a flaw.
    { label: 'lower-case scheme', value: `bearer ${real.accessToken}`, isForged: false },
    { label: 'two spaces', value: `Bearer  ${real.accessToken}`, isForged: false },
    { label: 'token and trailing words', value: `Bearer ${real.accessToken} extra`, isForged: true },
    { label: 'Basic credentials', value: 'Basic ZGVtby1hZG1pbjp4aW5mYW5nLWRlbW8=', isForged: true },
    { label: 'scheme only', value: 'Bearer', isForged: true },
    { label: 'empty', value: '', isForged: true },
    { label: 'three dots of garbage', value: 'Bearer a.b.c', isForged: true },
    { label: 'token of 8 KB', value: bearer(`${real.accessToken}${'A'.repeat(8 * 1024)}`), isForged: true },
    { label: 'unicode token', value: 'Bearer 令牌🔑', isForged: true },
    // Correctly signed for someone who does not exist (a deleted account): not forged, but must not crash.
    {
      label: 'valid signature, unknown subject',
      value: bearer(compact(header, { ...fresh, sub: randomUUID() }, signReal)),
      isForged: false,
    },
  ]
}
