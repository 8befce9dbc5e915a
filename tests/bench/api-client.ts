import {
  AuthResultSchema,
  CategoryListSchema,
  DAY_MS,
  idNumberCheckCharacter,
  PRIVACY_NOTICE_VERSION,
  type ProfileInput,
} from '@xinfang/shared'

/*
 * Setup calls made before a measured phase (sign-ins, profiles, reference data): plain fetch, correctness first.
 * The measured phases go through load.ts.
 */

export interface CallInit {
  method?: string
  body?: unknown
  token?: string
  key?: string
}

export function call(baseUrl: string, path: string, init: CallInit = {}): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.key ? { 'idempotency-key': init.key } : {}),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  })
}

/** The body of a response that must have `status`, or an error that says what came back instead. */
export async function expectStatus(response: Response, status: number, what: string): Promise<unknown> {
  const text = await response.text()
  if (response.status !== status) throw new Error(`${what}: expected ${status}, got ${response.status} ${text}`)
  return text === '' ? null : JSON.parse(text)
}

/** Runs `task(0 … count-1)` with at most `limit` in flight. */
export async function inPool<T>(limit: number, count: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count)
  let next = 0
  const worker = async () => {
    while (next < count) {
      const index = next++
      results[index] = await task(index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker))
  return results
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华'

/** A plausible, checksum-valid real-name profile, distinct for every i below 18 million. */
export function profileOf(i: number): ProfileInput {
  const birth = new Date(Date.UTC(1950, 0, 1) + (i % 18_000) * DAY_MS)
  const yyyymmdd = birth.toISOString().slice(0, 10).replaceAll('-', '')
  const body17 = `110105${yyyymmdd}${String(Math.floor(i / 18_000) % 1000).padStart(3, '0')}`
  return {
    realName: `${SURNAMES[i % SURNAMES.length]}${GIVEN[Math.floor(i / SURNAMES.length) % GIVEN.length]}${GIVEN[i % GIVEN.length]}`,
    idNumber: `${body17}${idNumberCheckCharacter(body17)}`,
    phone: `139${String(i % 100_000_000).padStart(8, '0')}`,
    address: `江城市东湖区湖滨路 ${(i % 999) + 1} 号`,
    privacyVersion: PRIVACY_NOTICE_VERSION,
  }
}

export interface Citizen {
  id: string
  token: string
}

/** Demo sign-in: the same name is the same citizen again (`demo:<name>`). */
export async function signInCitizen(baseUrl: string, name: string): Promise<Citizen> {
  const auth = AuthResultSchema.parse(
    await expectStatus(await call(baseUrl, '/api/v1/auth/demo', { body: { name } }), 200, `demo sign-in ${name}`),
  )
  return { id: auth.user.id, token: auth.accessToken }
}

export async function createCitizenWithProfile(baseUrl: string, name: string, profileIndex: number): Promise<Citizen> {
  const citizen = await signInCitizen(baseUrl, name)
  await expectStatus(
    await call(baseUrl, '/api/v1/me/profile', { method: 'PUT', body: profileOf(profileIndex), token: citizen.token }),
    200,
    `profile of ${name}`,
  )
  return citizen
}

export async function staffToken(baseUrl: string, username: string): Promise<string> {
  const response = await call(baseUrl, '/api/v1/auth/staff', { body: { username, password: 'xinfang-demo' } })
  return AuthResultSchema.parse(await expectStatus(response, 200, `staff sign-in ${username}`)).accessToken
}

export async function listCategories(baseUrl: string) {
  return CategoryListSchema.parse(await expectStatus(await call(baseUrl, '/api/v1/categories'), 200, 'categories'))
    .items
}
