import { shanghaiTime } from '@xinfang/shared'
import { eq } from 'drizzle-orm'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { citizenWithProfile, staffLogin } from '../../test/auth-helpers'
import { FIXED_NOW } from '../../test/fixed-clock'
import { booked, call, leaderIdOf, scheduleSession, sessionInput } from '../../test/reception-helpers'
import { createTestContext, type TestContext } from '../../test/test-app'
import { silentLogger } from '../lib/log'
import { runKeyedUpgrades } from './keyed-upgrades'
import { bookings } from './schema'

let context: TestContext

beforeEach(() => {
  context = createTestContext()
})
afterEach(() => context.close())

test('a booking made before check-in codes were indexed gets its index at startup, and its code checks in', async () => {
  const admin = (await staffLogin(context, 'demo-admin')).accessToken
  const session = await scheduleSession(context, admin, sessionInput(await leaderIdOf(context, admin, '陈卫东')))
  const citizen = await citizenWithProfile(context, 'before-the-index')
  const booking = await booked(context, citizen.accessToken, session.id, {
    slotId: session.slots[0]!.id,
    matter: '想当面反映拆迁补偿款一直没有发放的问题',
    attendees: 1,
  })
  // As migration 0009 leaves a booking it found: the code in clear dropped, no index yet.
  await context.database.write((tx) =>
    tx.update(bookings).set({ checkInCodeIndex: null }).where(eq(bookings.id, booking.id)),
  )

  await runKeyedUpgrades({ database: context.database, keyring: context.keyring, logger: silentLogger }, FIXED_NOW)
  await runKeyedUpgrades({ database: context.database, keyring: context.keyring, logger: silentLogger }, FIXED_NOW)

  context.setNow(shanghaiTime('2026-11-26', '09:10'))
  const staff = (await staffLogin(context, 'demo-admin')).accessToken
  const scan = await call(context, '/api/v1/staff/check-in', { body: { code: booking.checkInCode }, token: staff })
  expect(scan.status).toBe(200)
})
