import { type MaskedProfile, MaskedProfileSchema, type Me, MeSchema, type ProfileInput } from '@xinfang/shared'
import { http } from './api'
import type { CallOptions } from './http'

/** Who is signed in, with the real-name profile masked (`张*`, `138****5678`): `GET /api/v1/me`. */
export function fetchMe({ client = http, signal }: CallOptions = {}): Promise<Me> {
  return client.request({ signal, path: '/api/v1/me', schema: MeSchema, authenticated: true })
}

/**
 * Registers or replaces the real-name profile (信访工作条例 Art. 19): `PUT /api/v1/me/profile`, answered with the
 * profile masked. Not retried on a 5xx: a `phoneCode` is single use, so a second attempt could only fail.
 */
export function saveProfile(input: ProfileInput, { client = http, signal }: CallOptions = {}): Promise<MaskedProfile> {
  return client.request({
    signal,
    method: 'PUT',
    path: '/api/v1/me/profile',
    body: input,
    schema: MaskedProfileSchema,
    authenticated: true,
  })
}
