import {
  AuthResultSchema,
  CategoryListSchema,
  type PetitionCreate,
  type PetitionCreated,
  PetitionCreatedSchema,
  PRIVACY_NOTICE_VERSION,
  StaffPetitionDetailSchema,
} from '@xinfang/shared'

/**
 * Calls a running API (support/api-server.ts) makes on behalf of the people in a journey: what a citizen did on
 * another device and what staff do in their own tools. The journeys then drive the mini-program for the rest.
 */

/** A checksum-valid 居民身份证号码 (region 110105, born 1949-12-31) for the real-name profile. */
export const VALID_ID_NUMBER = '11010519491231002X'

export const REPLY_TEXT = '经调查，企业已承诺在十二月底前分期支付拖欠工资，我局将跟踪落实。'

async function call(baseUrl: string, path: string, init: { method?: string; body?: unknown; token?: string } = {}) {
  const headers: Record<string, string> = {}
  if (init.body !== undefined) headers['content-type'] = 'application/json'
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`
  return fetch(`${baseUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  })
}

async function expectStatus(response: Response, status: number, what: string): Promise<unknown> {
  if (response.status !== status) throw new Error(`${what}: ${response.status} ${await response.text()}`)
  return response.json()
}

/** Registers the citizen's real-name profile, which submitting a petition requires. */
export async function registerProfile(baseUrl: string, accessToken: string, realName = '王秀兰'): Promise<void> {
  const response = await call(baseUrl, '/api/v1/me/profile', {
    method: 'PUT',
    token: accessToken,
    body: {
      realName,
      idNumber: VALID_ID_NUMBER,
      phone: '13700002222',
      address: '江城市东湖区解放路12号',
      privacyVersion: PRIVACY_NOTICE_VERSION,
    },
  })
  await expectStatus(response, 200, 'profile')
}

/** The id of a category by its code (`labor`, `community`…). */
export async function categoryIdOf(baseUrl: string, code: string): Promise<string> {
  const categories = CategoryListSchema.parse(await (await call(baseUrl, '/api/v1/categories')).json())
  const category = categories.items.find((candidate) => candidate.code === code)
  if (!category) throw new Error(`no category ${code}`)
  return category.id
}

/** Files a petition as the citizen holding `accessToken`, with a fresh Idempotency-Key. */
export async function submitPetition(
  baseUrl: string,
  accessToken: string,
  body: PetitionCreate,
): Promise<PetitionCreated> {
  const response = await fetch(`${baseUrl}/api/v1/petitions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${accessToken}`,
      'idempotency-key': `journey-${crypto.randomUUID()}`,
    },
    body: JSON.stringify(body),
  })
  return PetitionCreatedSchema.parse(await expectStatus(response, 201, 'submit petition'))
}

/** One staff action (`accept`, `reply`…) by a demo staff account, at the petition's current version. */
export async function staffAct(
  baseUrl: string,
  username: string,
  petitionId: string,
  action: Record<string, unknown>,
): Promise<void> {
  const signIn = await call(baseUrl, '/api/v1/auth/staff', { body: { username, password: 'xinfang-demo' } })
  const { accessToken } = AuthResultSchema.parse(await expectStatus(signIn, 200, `staff sign-in ${username}`))
  const view = StaffPetitionDetailSchema.parse(
    await expectStatus(
      await call(baseUrl, `/api/v1/staff/petitions/${petitionId}`, { token: accessToken }),
      200,
      'staff petition',
    ),
  )
  const response = await call(baseUrl, `/api/v1/staff/petitions/${petitionId}/actions`, {
    token: accessToken,
    body: { ...action, version: view.version },
  })
  await expectStatus(response, 200, `staff action ${String(action.type)}`)
}

/** The petition bureau (市信访局) accepts the petition and writes its reply (处理意见, 解释说明). */
export async function acceptAndReply(baseUrl: string, petitionId: string): Promise<void> {
  await staffAct(baseUrl, 'demo-intake', petitionId, { type: 'accept' })
  await staffAct(baseUrl, 'demo-intake', petitionId, { type: 'reply', outcome: 'explained', text: REPLY_TEXT })
}
