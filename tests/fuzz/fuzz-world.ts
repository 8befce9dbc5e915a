import {
  type Actor,
  ANONYMOUS,
  type AuthorizationVariant,
  authorizationVariants,
  idNumberFor,
  readTokenSecret,
  signInAllStaff,
  signInCitizen,
} from './actors'
import type { FuzzWorld } from './fuzz-cases'
import type { FuzzServer } from './fuzz-env'
import type { Operation } from './openapi-document'
import {
  bookSlot,
  call,
  findSessions,
  hasOperation,
  itemIds,
  loadReference,
  submitPetition,
  uploadPng,
} from './seed-data'

/**
 * The fuzzer's cast and props: the eight actors (anonymous, a citizen without and one with a real-name profile,
 * the five demo staff roles) and pools of real ids — reference data, published sessions, and a petition, a report
 * (检举控告), an upload, a booking and messages the fuzzer's own citizen made — so generated requests reach code
 * past "not found".
 */

export interface Cast {
  actors: Actor[]
  world: FuzzWorld
  pools: ReadonlyMap<string, readonly string[]>
}

/** Which pool a property or path segment name draws from: `toUnitId` → unit, `attachmentIds` → attachment. */
export function poolKindOf(name: string, kinds: readonly string[]): string | null {
  const normalized = name
    .toLowerCase()
    .replace(/ids?$/, '')
    .replace(/s$/, '')
    .replace(/^reception$/, 'session')
  return kinds.find((kind) => normalized === kind || normalized.endsWith(kind)) ?? null
}

export async function assembleCast(server: FuzzServer, operations: readonly Operation[], now: number): Promise<Cast> {
  const { baseUrl, seed } = server
  const tag = (seed >>> 0).toString(36)
  const bare = await signInCitizen(baseUrl, `fuzz-bare-${tag}`)
  const petitioner = await signInCitizen(baseUrl, `fuzz-petitioner-${tag}`, {
    realName: '模糊测试',
    idNumber: idNumberFor('19800101', 101),
    phone: '13900000101',
    address: '江城市东湖区解放路12号',
  })
  const staff = await signInAllStaff(baseUrl)
  const actors: Actor[] = [ANONYMOUS, bare, petitioner, ...staff]

  const pools = new Map<string, string[]>()
  const add = (kind: string, ids: readonly string[]) => pools.set(kind, [...(pools.get(kind) ?? []), ...ids])
  const reference = await loadReference(baseUrl)
  add('unit', reference.unitIds)
  add('category', reference.categoryIds)
  const sessions = await findSessions(baseUrl, now)
  add('session', sessions.sessionIds)
  add('slot', sessions.slotIds)
  const leader = staff.find((member) => member.role === 'leader')
  if (leader && hasOperation(operations, 'get', '/api/v1/staff/leaders')) {
    add('leader', itemIds((await call(baseUrl, 'GET', '/api/v1/staff/leaders', { token: leader.accessToken })).json))
  }
  if (hasOperation(operations, 'post', '/api/v1/attachments')) {
    add('attachment', [await uploadPng(baseUrl, petitioner.accessToken)])
  }
  const [categoryId] = reference.categoryIds
  if (categoryId && hasOperation(operations, 'post', '/api/v1/petitions')) {
    const petition = await submitPetition(baseUrl, petitioner.accessToken, {
      categoryId,
      title: '模糊测试自备事项',
      content: '模糊测试为自己准备的信访事项，用来让生成的请求走到查无此件之后的代码。',
      attachmentIds: pools.get('attachment') ?? [],
    })
    add('petition', [petition.id])
    // A report against 人社局 (the demo handler's unit): staff requests reach the confidentiality policy with it.
    const labor = reference.unitIdByCode.get('city-rsj')
    if (labor) {
      const report = await submitPetition(baseUrl, petitioner.accessToken, {
        kind: 'report',
        categoryId,
        targetUnitId: labor,
        title: '模糊测试自备检举',
        content: '模糊测试为自己准备的检举控告，被检举单位的工作人员不应看到它。',
      })
      add('petition', [report.id])
    }
  }
  const [open] = sessions.open
  if (open && hasOperation(operations, 'post', '/api/v1/receptions/{id}/bookings')) {
    add('booking', [await bookSlot(baseUrl, petitioner.accessToken, open, '模糊测试自备预约')])
  }
  if (hasOperation(operations, 'get', '/api/v1/messages')) {
    add('message', itemIds((await call(baseUrl, 'GET', '/api/v1/messages', { token: petitioner.accessToken })).json))
  }

  const secret = readTokenSecret(server.dataDir)
  const authorizations = new Map<string, readonly AuthorizationVariant[]>()
  for (const actor of actors) {
    authorizations.set(actor.name, authorizationVariants(secret, actor.kind === 'anonymous' ? petitioner : actor, now))
  }
  const kinds = [...pools.keys()]
  return {
    actors,
    pools,
    world: {
      authorizations,
      generation: {
        now,
        idsFor: (name) => {
          const kind = poolKindOf(name, kinds)
          return kind ? (pools.get(kind) ?? []) : []
        },
      },
    },
  }
}
