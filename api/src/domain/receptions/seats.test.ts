import { bookingWindowPhase } from '@xinfang/shared'
import { eq } from 'drizzle-orm'
import { afterEach, expect, test } from 'vitest'
import { createTestContext, type TestContext } from '../../../test/test-app'
import { receptionSessions, receptionSlots } from '../../db/schema'
import { takeSeats } from './seats'

let context: TestContext | undefined
afterEach(() => context?.close())

/** Undone after the attempt, so each moment starts from the same seats. */
class RolledBack extends Error {}

async function canTakeSeatAt(ctx: TestContext, target: { sessionId: string; slotId: string }, now: number) {
  let taken = false
  await ctx.database
    .write(async (tx) => {
      taken = await takeSeats(tx, { ...target, seats: 1 }, now)
      throw new RolledBack()
    })
    .catch((error: unknown) => {
      if (!(error instanceof RolledBack)) throw error
    })
  return taken
}

test('the seat guard in SQL takes seats exactly when the shared booking window is open, at both of its edges', async () => {
  context = createTestContext()
  const [slot] = await context.database.db
    .select({ slotId: receptionSlots.id, sessionId: receptionSlots.sessionId })
    .from(receptionSlots)
    .innerJoin(receptionSessions, eq(receptionSessions.id, receptionSlots.sessionId))
    .where(eq(receptionSessions.status, 'published'))
    .limit(1)
  if (!slot) throw new Error('the demo city has no published session')
  const [session] = await context.database.db
    .select({ opensAt: receptionSessions.bookingOpensAt, closesAt: receptionSessions.bookingClosesAt })
    .from(receptionSessions)
    .where(eq(receptionSessions.id, slot.sessionId))
  if (!session) throw new Error('the slot has no session')
  const { opensAt, closesAt } = session

  const moments = [opensAt - 1, opensAt, opensAt + 1, closesAt - 1, closesAt, closesAt + 1]
  const byGuard = []
  for (const now of moments) byGuard.push(await canTakeSeatAt(context, slot, now))

  expect(byGuard).toEqual(moments.map((now) => bookingWindowPhase({ opensAt, closesAt }, now) === 'open'))
  expect(byGuard).toEqual([false, true, true, true, false, false])
})
