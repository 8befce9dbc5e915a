import Taro from '@tarojs/taro'
import { MeSchema } from '@xinfang/shared'
import { expect, test } from 'vitest'
import { startFakeIdentityApi } from '../../test/fake-identity-api'
import { sendJson, sendProblem, startTestServer } from '../../test/test-server'
import { ApiError, createHttpClient } from './http'
import { createSession, type SignIn } from './session'
import { DemoOnlyError, signInForDemo } from './sign-in'
import { STORAGE_KEYS } from './storage'

/** The app's wiring (services/api.ts) against a test server: one client for the session, one for the pages. */
function clientsFor(baseUrl: string, signIn: SignIn = signInForDemo) {
  const sessionClient = createHttpClient({ baseUrl, retryDelaysMs: [] })
  const session = createSession({ client: sessionClient, signIn })
  const http = createHttpClient({ baseUrl, retryDelaysMs: [], auth: session })
  const getMe = () => http.request({ path: '/api/v1/me', schema: MeSchema, authenticated: true })
  return { session, http, getMe }
}

function storedSession(): unknown {
  return Taro.getStorageSync(STORAGE_KEYS.session)
}

test('the first authenticated call signs in, sends the bearer token and keeps the pair in Taro storage', async () => {
  const api = await startFakeIdentityApi()
  const { getMe } = clientsFor(api.baseUrl)

  const me = await getMe()

  expect(me).toEqual({ id: 'citizen_1', role: 'citizen', profile: null })
  expect(api.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
    'POST /api/v1/auth/demo',
    'GET /api/v1/me',
  ])
  expect(JSON.parse(api.requestsTo('/api/v1/auth/demo')[0]?.body ?? '')).toEqual({})
  expect(api.requestsTo('/api/v1/me')[0]?.headers.authorization).toBe('Bearer access-1')
  expect(storedSession()).toMatchObject({
    accessToken: 'access-1',
    refreshToken: expect.stringMatching(/^refresh-1-/),
    user: { id: 'citizen_1', role: 'citizen' },
  })
})

test('a stored session is used as it is, without signing in again', async () => {
  const api = await startFakeIdentityApi()
  await clientsFor(api.baseUrl).getMe()

  // A new launch of the app: new clients, the same storage.
  await clientsFor(api.baseUrl).getMe()

  expect(api.requestsTo('/api/v1/auth/demo')).toHaveLength(1)
  expect(api.requestsTo('/api/v1/me').map((request) => request.headers.authorization)).toEqual([
    'Bearer access-1',
    'Bearer access-1',
  ])
})

test('calls made together before anyone signed in share one sign-in', async () => {
  const api = await startFakeIdentityApi()
  const { getMe, session } = clientsFor(api.baseUrl)

  const results = await Promise.all([getMe(), getMe(), session.current()])

  expect(api.requestsTo('/api/v1/auth/demo')).toHaveLength(1)
  expect(results[0]).toEqual(results[1])
  expect(results[2]).toBe('access-1')
})

test('a 401 refreshes the pair and sends the call once more with the new token', async () => {
  const api = await startFakeIdentityApi()
  const { getMe } = clientsFor(api.baseUrl)
  await getMe()
  api.expireAccessTokens()

  await expect(getMe()).resolves.toMatchObject({ id: 'citizen_1' })

  const refreshes = api.requestsTo('/api/v1/auth/refresh')
  expect(refreshes).toHaveLength(1)
  expect(JSON.parse(refreshes[0]?.body ?? '')).toEqual({ refreshToken: expect.stringMatching(/^refresh-1-/) })
  expect(api.requestsTo('/api/v1/me').map((request) => request.headers.authorization)).toEqual([
    'Bearer access-1',
    'Bearer access-1',
    'Bearer access-2',
  ])
  expect(storedSession()).toMatchObject({ accessToken: 'access-2', refreshToken: expect.stringMatching(/^refresh-2-/) })
})

test('several calls refused with 401 at once share one refresh, and each is answered', async () => {
  const api = await startFakeIdentityApi()
  const { getMe } = clientsFor(api.baseUrl)
  await getMe()
  api.expireAccessTokens()
  const release = api.holdRefreshes()

  const calls = Promise.all([getMe(), getMe(), getMe()])
  await expect.poll(() => api.requestsTo('/api/v1/auth/refresh').length).toBe(1)
  await expect.poll(() => api.requestsTo('/api/v1/me').length).toBe(4)
  release()
  const answers = await calls

  expect(answers.map((me) => me.id)).toEqual(['citizen_1', 'citizen_1', 'citizen_1'])
  // A second refresh would have sent the refresh token the first one rotated away: theft, to the API.
  expect(api.requestsTo('/api/v1/auth/refresh')).toHaveLength(1)
  expect(
    api
      .requestsTo('/api/v1/me')
      .slice(4)
      .map((request) => request.headers.authorization),
  ).toEqual(['Bearer access-2', 'Bearer access-2', 'Bearer access-2'])
})

test('a 401 for a token another call already renewed uses the new token without refreshing again', async () => {
  const api = await startFakeIdentityApi()
  const { session } = clientsFor(api.baseUrl)
  const first = await session.current()
  const renewed = await session.renew(first)

  await expect(session.renew(first)).resolves.toBe(renewed)

  expect(api.requestsTo('/api/v1/auth/refresh')).toHaveLength(1)
})

test('a dead refresh token means signing in again, and the call still succeeds', async () => {
  const api = await startFakeIdentityApi()
  const { getMe } = clientsFor(api.baseUrl)
  await getMe()
  api.expireAccessTokens()
  // Another device or tab used this refresh token already: the API no longer knows it.
  const stored = storedSession()
  if (typeof stored !== 'object' || stored === null) throw new Error('no stored session')
  Taro.setStorageSync(STORAGE_KEYS.session, { ...stored, refreshToken: `revoked-${'x'.repeat(24)}` })

  await expect(getMe()).resolves.toMatchObject({ id: 'citizen_2' })

  expect(api.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
    'POST /api/v1/auth/demo',
    'GET /api/v1/me',
    'GET /api/v1/me',
    'POST /api/v1/auth/refresh',
    'POST /api/v1/auth/demo',
    'GET /api/v1/me',
  ])
  expect(storedSession()).toMatchObject({ accessToken: 'access-2', user: { id: 'citizen_2' } })
})

test('a refresh that gets no answer keeps the stored pair for the next attempt', async () => {
  const server = await startTestServer((request, response) => {
    if (request.url === '/api/v1/me') sendProblem(response, 'UNAUTHENTICATED')
    else sendProblem(response, 'SERVICE_UNAVAILABLE')
  })
  const before = {
    accessToken: 'old-access',
    refreshToken: `still-good-${'x'.repeat(24)}`,
    user: { id: 'c1', role: 'citizen' },
  }
  Taro.setStorageSync(STORAGE_KEYS.session, before)
  const { getMe } = clientsFor(server.baseUrl)

  const error = await getMe().catch((reason: unknown) => reason)

  expect(error).toBeInstanceOf(ApiError)
  expect(error instanceof ApiError && error.code).toBe('SERVICE_UNAVAILABLE')
  expect(storedSession()).toEqual(before)
})

test('a call refused again after its renewal is not sent a third time', async () => {
  const server = await startTestServer((request, response) => {
    if (request.url === '/api/v1/auth/demo') {
      sendJson(response, 200, {
        accessToken: 'access-1',
        refreshToken: `refresh-${'x'.repeat(24)}`,
        expiresIn: 900,
        user: { id: 'c1', role: 'citizen', hasProfile: false },
      })
    } else if (request.url === '/api/v1/auth/refresh') {
      sendJson(response, 200, {
        accessToken: 'access-refreshed',
        refreshToken: `refresh-2-${'x'.repeat(24)}`,
        expiresIn: 900,
        user: { id: 'c1', role: 'citizen', hasProfile: false },
      })
    } else sendProblem(response, 'UNAUTHENTICATED')
  })
  const { getMe } = clientsFor(server.baseUrl)

  const error = await getMe().catch((reason: unknown) => reason)

  expect(error instanceof ApiError && error.code).toBe('UNAUTHENTICATED')
  expect(server.requests.filter((request) => request.url === '/api/v1/me')).toHaveLength(2)
})

test('a 401 that is not about the token (a used WeChat phone code) is not answered with a refresh', async () => {
  const server = await startTestServer((request, response) => {
    if (request.url === '/api/v1/auth/demo') {
      sendJson(response, 200, {
        accessToken: 'access-1',
        refreshToken: `refresh-${'x'.repeat(24)}`,
        expiresIn: 900,
        user: { id: 'c1', role: 'citizen', hasProfile: false },
      })
    } else sendProblem(response, 'WECHAT_CODE_INVALID')
  })
  const { getMe } = clientsFor(server.baseUrl)

  const error = await getMe().catch((reason: unknown) => reason)

  expect(error instanceof ApiError && error.code).toBe('WECHAT_CODE_INVALID')
  expect(server.requests.map((request) => request.url)).toEqual(['/api/v1/auth/demo', '/api/v1/me'])
})

test('whatever else is stored under the session key is ignored and a fresh sign-in is made', async () => {
  const api = await startFakeIdentityApi()
  Taro.setStorageSync(STORAGE_KEYS.session, { accessToken: '', refreshToken: 'short' })

  await clientsFor(api.baseUrl).getMe()

  expect(api.requestsTo('/api/v1/auth/demo')).toHaveLength(1)
  expect(api.requestsTo('/api/v1/me')[0]?.headers.authorization).toBe('Bearer access-1')
})

test('on a production API the H5 demo sign-in reports that the H5 version is only a demonstration', async () => {
  const api = await startFakeIdentityApi({ isDemoMode: false })
  const { getMe } = clientsFor(api.baseUrl)

  await expect(getMe()).rejects.toBeInstanceOf(DemoOnlyError)

  expect(api.requestsTo('/api/v1/me')).toHaveLength(0)
  expect(storedSession()).toBe('')
})
