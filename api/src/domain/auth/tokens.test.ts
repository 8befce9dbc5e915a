import { SignJWT, UnsecuredJWT } from 'jose'
import { expect, test } from 'vitest'
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken, TOKEN_ISSUER, verifyAccessToken } from './tokens'

const secret = crypto.getRandomValues(new Uint8Array(32))
const NOW = Date.UTC(2026, 10, 23, 0, 0, 0)
const citizen = { kind: 'citizen', id: 'c-1', familyId: 'f-1' } as const
const staff = { kind: 'staff', id: 's-1', familyId: 'f-2', role: 'handler', unitId: 'u-1' } as const

test('a citizen token verifies as the citizen it was issued to', async () => {
  const token = await signAccessToken(secret, citizen, NOW)
  expect(await verifyAccessToken(secret, token, 'citizen', NOW)).toEqual(citizen)
})

test('a staff token carries its role and unit', async () => {
  const token = await signAccessToken(secret, staff, NOW)
  expect(await verifyAccessToken(secret, token, 'staff', NOW)).toEqual(staff)
})

test('access tokens last at most 15 minutes for citizens and 10 for staff', async () => {
  expect(ACCESS_TOKEN_TTL_SECONDS.citizen).toBeLessThanOrEqual(15 * 60)
  expect(ACCESS_TOKEN_TTL_SECONDS.staff).toBeLessThanOrEqual(10 * 60)
  const citizenToken = await signAccessToken(secret, citizen, NOW)
  expect(await verifyAccessToken(secret, citizenToken, 'citizen', NOW + 15 * 60_000 + 10_000)).toBeNull()
  const staffToken = await signAccessToken(secret, staff, NOW)
  expect(await verifyAccessToken(secret, staffToken, 'staff', NOW + 9 * 60_000)).not.toBeNull()
  expect(await verifyAccessToken(secret, staffToken, 'staff', NOW + 10 * 60_000 + 10_000)).toBeNull()
})

test('a citizen token is refused where a staff token is required, and the reverse', async () => {
  expect(await verifyAccessToken(secret, await signAccessToken(secret, citizen, NOW), 'staff', NOW)).toBeNull()
  expect(await verifyAccessToken(secret, await signAccessToken(secret, staff, NOW), 'citizen', NOW)).toBeNull()
})

test('a token with one altered character in its payload or signature is refused', async () => {
  const token = await signAccessToken(secret, citizen, NOW)
  const [header, payload, signature] = token.split('.') as [string, string, string]
  const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1)
  expect(await verifyAccessToken(secret, `${header}.${flip(payload, 10)}.${signature}`, 'citizen', NOW)).toBeNull()
  expect(await verifyAccessToken(secret, `${header}.${payload}.${flip(signature, 5)}`, 'citizen', NOW)).toBeNull()
})

test('a token signed with another key is refused', async () => {
  const other = crypto.getRandomValues(new Uint8Array(32))
  expect(await verifyAccessToken(secret, await signAccessToken(other, citizen, NOW), 'citizen', NOW)).toBeNull()
})

test('an unsigned token (alg: none) is refused', async () => {
  const unsigned = new UnsecuredJWT({ fam: 'f-1' })
    .setIssuer(TOKEN_ISSUER)
    .setAudience('citizen')
    .setSubject('c-1')
    .setIssuedAt(NOW / 1000)
    .setExpirationTime(NOW / 1000 + 600)
    .setJti('x')
    .encode()
  expect(await verifyAccessToken(secret, unsigned, 'citizen', NOW)).toBeNull()
})

test('a correctly signed token of another type (a refresh or ID token) is refused as an access token', async () => {
  const idToken = await new SignJWT({ fam: 'f-1' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(TOKEN_ISSUER)
    .setAudience('citizen')
    .setSubject('c-1')
    .setIssuedAt(NOW / 1000)
    .setExpirationTime(NOW / 1000 + 600)
    .setJti('x')
    .sign(secret)
  expect(await verifyAccessToken(secret, idToken, 'citizen', NOW)).toBeNull()
})

test('a token from another issuer or without an expiry is refused', async () => {
  const base = () =>
    new SignJWT({ fam: 'f-1' }).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).setSubject('c-1').setJti('x')
  const otherIssuer = await base()
    .setIssuer('someone-else')
    .setAudience('citizen')
    .setIssuedAt(NOW / 1000)
    .setExpirationTime(NOW / 1000 + 600)
    .sign(secret)
  expect(await verifyAccessToken(secret, otherIssuer, 'citizen', NOW)).toBeNull()
  const noExpiry = await base()
    .setIssuer(TOKEN_ISSUER)
    .setAudience('citizen')
    .setIssuedAt(NOW / 1000)
    .sign(secret)
  expect(await verifyAccessToken(secret, noExpiry, 'citizen', NOW)).toBeNull()
})

test('garbage in place of a token is refused without throwing', async () => {
  for (const garbage of ['', 'abc', 'a.b.c', '..', `${'x'.repeat(5000)}`, 'eyJhbGciOiJIUzI1NiJ9.e30.']) {
    expect(await verifyAccessToken(secret, garbage, 'citizen', NOW)).toBeNull()
  }
})

test('a token already verified is still refused the moment it expires, exactly as a fresh check refuses it', async () => {
  const token = await signAccessToken(secret, citizen, NOW)
  const lastValidMs = NOW + (ACCESS_TOKEN_TTL_SECONDS.citizen + 5) * 1000 - 1
  // Verified once (and remembered), then asked again at the last millisecond of its validity and just after.
  expect(await verifyAccessToken(secret, token, 'citizen', NOW)).toEqual(citizen)
  expect(await verifyAccessToken(secret, token, 'citizen', lastValidMs)).toEqual(citizen)
  expect(await verifyAccessToken(secret, token, 'citizen', lastValidMs + 1)).toBeNull()
  // A token checked for the first time at those moments gets the same answers.
  const other = await signAccessToken(secret, citizen, NOW)
  expect(await verifyAccessToken(secret, other, 'citizen', lastValidMs + 1)).toBeNull()
  const third = await signAccessToken(secret, citizen, NOW)
  expect(await verifyAccessToken(secret, third, 'citizen', lastValidMs)).toEqual(citizen)
})

test('a remembered token is not accepted under another audience or another secret', async () => {
  const token = await signAccessToken(secret, citizen, NOW)
  expect(await verifyAccessToken(secret, token, 'citizen', NOW)).toEqual(citizen)
  expect(await verifyAccessToken(secret, token, 'staff', NOW)).toBeNull()
  const otherSecret = crypto.getRandomValues(new Uint8Array(32))
  expect(await verifyAccessToken(otherSecret, token, 'citizen', NOW)).toBeNull()
})
