import type { ServerResponse } from 'node:http'
import {
  type AuthResult,
  type MaskedProfile,
  maskProfile,
  normalizeIdNumber,
  ProfileInputSchema,
  RefreshSchema,
} from '@xinfang/shared'
import { type RecordedRequest, sendJson, sendProblem, startTestServer } from './test-server'

export interface FakeIdentityApiOptions {
  /** false: a production API, where `POST /api/v1/auth/demo` does not exist (404). */
  isDemoMode?: boolean
  /** The WeChat phone-number code the fake accepts, and the number it stands for. */
  phoneCode?: { code: string; phone: string }
}

export interface FakeIdentityApi {
  baseUrl: string
  requests: RecordedRequest[]
  /** Requests to one path, e.g. `/api/v1/auth/refresh`. */
  requestsTo(path: string): RecordedRequest[]
  /** Every access token issued so far stops working, as when it reaches its expiry. */
  expireAccessTokens(): void
  /** Holds refresh answers until the returned function is called, so several 401s can meet one refresh. */
  holdRefreshes(): () => void
  /** The citizens' profiles, masked, by user id. */
  profiles: Map<string, MaskedProfile>
}

/**
 * The identity routes of the API (../shared/API.md, Identity) with the behaviour the client depends on: tokens
 * issued at sign-in, refresh rotating the pair and killing the old refresh token (a reuse answers 401), `/me` and
 * `/me/profile` refusing a token that is unknown or expired with 401 UNAUTHENTICATED, and profile validation with
 * the shared schema answered as problem+json with `errors[].path` like `body.idNumber`. A real HTTP server on
 * 127.0.0.1, closed when the test ends.
 */
export async function startFakeIdentityApi(options: FakeIdentityApiOptions = {}): Promise<FakeIdentityApi> {
  const isDemoMode = options.isDemoMode ?? true
  let issued = 0
  let citizens = 0
  const accessTokens = new Map<string, string>()
  const refreshTokens = new Map<string, string>()
  const profiles = new Map<string, MaskedProfile>()
  let heldRefreshes: (() => void)[] | undefined

  function signIn(userId: string): AuthResult {
    issued += 1
    const accessToken = `access-${issued}`
    const refreshToken = `refresh-${issued}-${'r'.repeat(24)}`
    accessTokens.set(accessToken, userId)
    refreshTokens.set(refreshToken, userId)
    return {
      accessToken,
      refreshToken,
      expiresIn: 900,
      user: { id: userId, role: 'citizen', hasProfile: profiles.has(userId) },
    }
  }

  function userOf(headers: RecordedRequest['headers']): string | undefined {
    const token = headers.authorization?.replace(/^Bearer /, '')
    return token === undefined ? undefined : accessTokens.get(token)
  }

  function handle(request: RecordedRequest, response: ServerResponse) {
    const key = `${request.method} ${request.url}`
    const body: unknown = request.body ? JSON.parse(request.body) : undefined
    switch (key) {
      case 'POST /api/v1/auth/demo':
        if (!isDemoMode) return sendProblem(response, 'NOT_FOUND')
        citizens += 1
        return sendJson(response, 200, signIn(`citizen_${citizens}`))
      case 'POST /api/v1/auth/refresh': {
        const answer = () => {
          const parsed = RefreshSchema.safeParse(body)
          const userId = parsed.success ? refreshTokens.get(parsed.data.refreshToken) : undefined
          if (!parsed.success || userId === undefined) return sendProblem(response, 'UNAUTHENTICATED')
          refreshTokens.delete(parsed.data.refreshToken)
          sendJson(response, 200, signIn(userId))
        }
        if (heldRefreshes) heldRefreshes.push(answer)
        else answer()
        return
      }
      case 'GET /api/v1/me': {
        const userId = userOf(request.headers)
        if (userId === undefined) return sendProblem(response, 'UNAUTHENTICATED')
        return sendJson(response, 200, { id: userId, role: 'citizen', profile: profiles.get(userId) ?? null })
      }
      case 'PUT /api/v1/me/profile': {
        const userId = userOf(request.headers)
        if (userId === undefined) return sendProblem(response, 'UNAUTHENTICATED')
        const parsed = ProfileInputSchema.safeParse(body)
        if (!parsed.success) {
          const errors = parsed.error.issues.map((issue) => ({
            path: ['body', ...issue.path.map(String)].join('.'),
            message: issue.message,
          }))
          const code = errors.every((error) => error.path === 'body.idNumber')
            ? 'ID_NUMBER_INVALID'
            : 'VALIDATION_FAILED'
          return sendJson(
            response,
            400,
            { type: `urn:xinfang:problem:${code}`, title: '提交的内容不符合要求', status: 400, code, errors },
            'application/problem+json',
          )
        }
        let phone = parsed.data.phone
        if (parsed.data.phoneCode !== undefined) {
          if (parsed.data.phoneCode !== options.phoneCode?.code) return sendProblem(response, 'WECHAT_CODE_INVALID')
          phone = options.phoneCode.phone
        }
        const masked = maskProfile({
          realName: parsed.data.realName,
          idNumber: normalizeIdNumber(parsed.data.idNumber),
          phone: phone ?? '',
          address: parsed.data.address,
        })
        profiles.set(userId, masked)
        return sendJson(response, 200, masked)
      }
      default:
        return sendProblem(response, 'NOT_FOUND')
    }
  }

  const server = await startTestServer(handle)
  return {
    baseUrl: server.baseUrl,
    requests: server.requests,
    requestsTo: (path) => server.requests.filter((request) => request.url === path),
    expireAccessTokens: () => accessTokens.clear(),
    holdRefreshes() {
      heldRefreshes = []
      return () => {
        const held = heldRefreshes ?? []
        heldRefreshes = undefined
        for (const answer of held) answer()
      }
    },
    profiles,
  }
}

/** A valid 居民身份证号码 (the GB 11643 example) and the same number with its last character wrong. */
export const VALID_ID_NUMBER = '11010519491231002X'
export const ID_NUMBER_WITH_WRONG_CHECK = '110105194912310021'
