import { type AuthResult, AuthResultSchema, IdSchema, RefreshTokenSchema, UserRoleSchema } from '@xinfang/shared'
import { z } from 'zod'
import { type AccessTokenSource, ApiError, type HttpClient } from './http'
import { type KeyValueStorage, STORAGE_KEYS, taroStorage } from './storage'

/** What is kept on the device between launches: the token pair and who it belongs to. */
const StoredSessionSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: RefreshTokenSchema,
  user: z.object({ id: IdSchema, role: UserRoleSchema }),
})
export type StoredSession = z.infer<typeof StoredSessionSchema>

/** Obtains a new token pair from scratch: `wx.login` on weapp, demo login on H5 (services/sign-in.ts). */
export type SignIn = (client: HttpClient) => Promise<AuthResult>

export interface Session extends AccessTokenSource {
  /** The signed-in user as stored, or null before the first sign-in. */
  user(): StoredSession['user'] | null
}

export interface SessionOptions {
  /** A client for the sign-in and refresh calls themselves: they are not authenticated. */
  client: HttpClient
  signIn: SignIn
  storage?: KeyValueStorage
}

/**
 * The citizen's session: tokens stored with Taro storage, signed in on first need, refreshed when the API says the
 * access token is no longer good (`POST /api/v1/auth/refresh` rotates the pair and kills the old refresh token).
 *
 * Both sign-in and refresh are single-flight. Several requests failing with 401 at once must share one refresh:
 * the second refresh would send a refresh token the first one already rotated away, which the API treats as token
 * theft and answers by revoking the whole family (../shared/API.md, Identity). Likewise a `wx.login` code is single
 * use, so concurrent first requests share one sign-in.
 */
export function createSession(options: SessionOptions): Session {
  const storage = options.storage ?? taroStorage
  let signingIn: Promise<StoredSession> | undefined
  let refreshing: Promise<StoredSession> | undefined
  // Used only when storage cannot be written (full, or unavailable in a private H5 window): the person stays signed
  // in for as long as the app runs instead of being signed in again on every call.
  let unsaved: StoredSession | null = null

  // Read from storage every time rather than cached: on H5 two tabs share one localStorage, and a tab must use the
  // refresh token the other tab just received, not the one it rotated away.
  function read(): StoredSession | null {
    const parsed = StoredSessionSchema.safeParse(storage.get(STORAGE_KEYS.session))
    return parsed.success ? parsed.data : unsaved
  }

  function save(result: AuthResult): StoredSession {
    const session: StoredSession = {
      accessToken: result.accessToken,
      refreshToken: result.refreshToken,
      user: { id: result.user.id, role: result.user.role },
    }
    try {
      storage.set(STORAGE_KEYS.session, session)
      unsaved = null
    } catch {
      unsaved = session
      removeQuietly()
    }
    return session
  }

  function forget(): void {
    unsaved = null
    removeQuietly()
  }

  function removeQuietly(): void {
    try {
      storage.remove(STORAGE_KEYS.session)
    } catch {
      // Nothing stored that could be removed.
    }
  }

  function signInOnce(): Promise<StoredSession> {
    signingIn ??= options
      .signIn(options.client)
      .then(save)
      .finally(() => {
        signingIn = undefined
      })
    return signingIn
  }

  async function refreshOrSignIn(refreshToken: string): Promise<StoredSession> {
    try {
      const result = await options.client.request({
        method: 'POST',
        path: '/api/v1/auth/refresh',
        body: { refreshToken },
        schema: AuthResultSchema,
      })
      return save(result)
    } catch (error) {
      // The refresh token is dead (expired, rotated by another tab, or its family revoked): start over. Any other
      // failure — no network, a 503 — leaves the stored pair alone, to be refreshed on the next attempt.
      if (error instanceof ApiError && (error.status === 401 || error.status === 400)) {
        forget()
        return signInOnce()
      }
      throw error
    }
  }

  return {
    user: () => read()?.user ?? null,

    async current() {
      return (read() ?? (await signInOnce())).accessToken
    },

    async renew(rejected) {
      const stored = read()
      if (!stored) return (await signInOnce()).accessToken
      // Another call already renewed the token this one was refused with: use the new one, refresh nothing.
      if (stored.accessToken !== rejected) return stored.accessToken
      refreshing ??= refreshOrSignIn(stored.refreshToken).finally(() => {
        refreshing = undefined
      })
      return (await refreshing).accessToken
    },
  }
}
