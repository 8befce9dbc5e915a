import type { ReceptionSession } from '@xinfang/shared'
import { toShanghaiIso } from '@xinfang/shared'

const HOUR_MS = 60 * 60 * 1000
const DAY_MS = 24 * HOUR_MS

/**
 * A published session a few days ahead of `now`, open for booking, with two slots of seats left.
 * Every test builds its own from here; nothing is shared between tests.
 */
export function receptionSessionAt(now: number, overrides: Partial<ReceptionSession> = {}): ReceptionSession {
  const startsAt = now + 3 * DAY_MS
  return {
    id: 'rs_test_1',
    leader: { name: '王建国', title: '副市长' },
    unit: { id: 'unit_gov', name: '市人民政府' },
    startsAt: toShanghaiIso(startsAt),
    endsAt: toShanghaiIso(startsAt + 2.5 * HOUR_MS),
    mode: 'in_person',
    place: '市民中心三楼接待室',
    topics: ['劳动保障', '社会救助'],
    slots: [
      {
        id: 'slot_1',
        startsAt: toShanghaiIso(startsAt),
        endsAt: toShanghaiIso(startsAt + HOUR_MS),
        capacity: 5,
        remaining: 2,
      },
      {
        id: 'slot_2',
        startsAt: toShanghaiIso(startsAt + HOUR_MS),
        endsAt: toShanghaiIso(startsAt + 2 * HOUR_MS),
        capacity: 5,
        remaining: 1,
      },
    ],
    bookingOpensAt: toShanghaiIso(now - DAY_MS),
    bookingClosesAt: toShanghaiIso(startsAt - DAY_MS),
    requiresConfirmation: false,
    ...overrides,
  }
}
