import {
  AuthResultSchema,
  BookingSchema,
  CategoryListSchema,
  idNumberCheckCharacter,
  isBookingOpen,
  PetitionCreatedSchema,
  ReceptionSessionListSchema,
} from '@xinfang/shared'

/** One write a client wants done exactly once: its idempotency key and body never change across retries. */
export interface LedgerEntry {
  kind: 'petition' | 'booking'
  citizen: number
  key: string
  path: string
  body: unknown
  /** The id from the first acknowledged answer; null until one arrives. */
  acknowledgedId: string | null
}

export interface Citizen {
  name: string
  token: string
}

async function postJson(
  baseUrl: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
  method = 'POST',
) {
  return fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  })
}

/** Citizens with real-name profiles; their tokens survive restarts (demo keys live in the data directory). */
export async function prepareCitizens(baseUrl: string, count: number, prefix: string): Promise<Citizen[]> {
  const citizens: Citizen[] = []
  for (let i = 0; i < count; i++) {
    const name = `${prefix}-${i}`
    const auth = AuthResultSchema.parse(await (await postJson(baseUrl, '/api/v1/auth/demo', { name })).json())
    const body17 = `3301061980${String(1 + (i % 12)).padStart(2, '0')}${String(10 + (i % 18)).padStart(2, '0')}${String(i % 1000).padStart(3, '0')}`
    const profile = {
      realName: '测试居民',
      idNumber: `${body17}${idNumberCheckCharacter(body17)}`,
      phone: `137${String(10_000_000 + i).slice(-8)}`,
      address: `江城市东湖区新桥街道幸福里 ${i + 1} 号`,
      privacyVersion: '2026-11-01',
    }
    const saved = await postJson(
      baseUrl,
      '/api/v1/me/profile',
      profile,
      { authorization: `Bearer ${auth.accessToken}` },
      'PUT',
    )
    if (saved.status !== 200) throw new Error(`profile ${i}: ${saved.status}`)
    citizens.push({ name, token: auth.accessToken })
  }
  return citizens
}

/** Petitions (at most the daily limit each) and one booking each on sessions open for booking now. */
export async function planWrites(baseUrl: string, citizens: Citizen[], petitionsEach: number): Promise<LedgerEntry[]> {
  const categories = CategoryListSchema.parse(await (await fetch(`${baseUrl}/api/v1/categories`)).json())
  const sessions = ReceptionSessionListSchema.parse(await (await fetch(`${baseUrl}/api/v1/receptions?limit=50`)).json())
  const slots = sessions.items
    .filter((s) => isBookingOpen(s, Date.now()))
    .flatMap((s) => s.slots.map((slot) => ({ session: s.id, slot: slot.id })))
  if (slots.length === 0) throw new Error('no session is open for booking')
  const ledger: LedgerEntry[] = []
  citizens.forEach((_, c) => {
    for (let p = 0; p < petitionsEach; p++) {
      ledger.push({
        kind: 'petition',
        citizen: c,
        key: `crash-petition-${c}-${p}`,
        path: '/api/v1/petitions',
        body: {
          kind: 'suggestion',
          categoryId: categories.items[(c + p) % categories.items.length]?.id,
          title: `第${c}位居民的第${p + 1}条建议`,
          content: `编号${c}-${p}：建议增加社区便民服务点的开放时间，方便上班族在晚上办理业务，谢谢。`,
        },
        acknowledgedId: null,
      })
    }
    const target = slots[c % slots.length]
    if (target) {
      ledger.push({
        kind: 'booking',
        citizen: c,
        key: `crash-booking-${c}`,
        path: `/api/v1/receptions/${target.session}/bookings`,
        body: { slotId: target.slot, matter: `反映小区停车难问题（${c}）`, attendees: 1 },
        acknowledgedId: null,
      })
    }
  })
  return ledger
}

export type Outcome = 'acknowledged' | 'refused' | 'lost'

/** Sends one ledger entry; records the id of an acknowledged answer and checks a replay returns the same one. */
export async function send(baseUrl: string, entry: LedgerEntry, citizen: Citizen): Promise<Outcome> {
  let response: Response
  try {
    response = await postJson(baseUrl, entry.path, entry.body, {
      authorization: `Bearer ${citizen.token}`,
      'idempotency-key': entry.key,
    })
  } catch {
    return 'lost'
  }
  if (response.status >= 500) throw new Error(`${entry.path} answered ${response.status}: ${await response.text()}`)
  if (response.status !== 201) {
    await response.body?.cancel()
    return response.status === 409 || response.status === 503 ? 'lost' : 'refused'
  }
  const json: unknown = await response.json()
  const id = entry.kind === 'petition' ? PetitionCreatedSchema.parse(json).id : BookingSchema.parse(json).id
  if (entry.acknowledgedId !== null && entry.acknowledgedId !== id) {
    throw new Error(`${entry.key} was acknowledged as ${entry.acknowledgedId} and then as ${id}`)
  }
  entry.acknowledgedId = id
  return 'acknowledged'
}
