import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ATTENDEES_MAX, isBookingOpen, ReceptionSessionListSchema, shanghaiTime } from '@xinfang/shared'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { createTestContext } from '../../../test/test-app'
import { verifyPassword } from '../../domain/staff/password'
import { type Database, openDatabase } from '../client'
import { runMigrations } from '../migrate'
import { receptionSessions, staffAccounts, units } from '../schema'
import { DEMO_STAFF_PASSWORD } from './demo-city'
import { seedDemoData } from './seed-demo'

let dir: string
let database: Database
const NOW = shanghaiTime('2026-11-23', '08:00')

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'xinfang-seed-'))
  database = openDatabase({ url: `file:${join(dir, 'x.db')}` })
  await runMigrations(database)
})

afterAll(() => {
  database.close()
  rmSync(dir, { recursive: true, force: true })
})

test('seeding a new database creates the demo city, and seeding it again inserts nothing', async () => {
  const first = await seedDemoData(database, NOW)
  expect(first).toEqual({ units: 10, categories: 7, staff: 5, leaders: 5, sessions: 10 })
  const second = await seedDemoData(database, NOW)
  expect(second).toEqual({ units: 0, categories: 0, staff: 0, leaders: 0, sessions: 0 })
})

test('seeding a day later only adds the sessions of the day that came into the horizon', async () => {
  const before = await database.db.select().from(receptionSessions)
  // From Monday the 23rd to Tuesday the 24th: the horizon now reaches a Monday two weeks on.
  const later = await seedDemoData(database, shanghaiTime('2026-11-24', '08:00'))
  const after = await database.db.select().from(receptionSessions)
  expect(later.sessions).toBe(after.length - before.length)
  expect(later.sessions).toBe(1)
})

test('the demo staff accounts of the API contract exist with their roles, units and password', async () => {
  const rows = await database.db
    .select({
      username: staffAccounts.username,
      role: staffAccounts.role,
      unit: units.shortName,
      hash: staffAccounts.passwordHash,
    })
    .from(staffAccounts)
    .innerJoin(units, eq(units.id, staffAccounts.unitId))
  expect(
    rows
      .map(({ username, role, unit }) => ({ username, role, unit }))
      .sort((a, b) => a.username.localeCompare(b.username)),
  ).toEqual([
    { username: 'demo-admin', role: 'admin', unit: '市信访局' },
    { username: 'demo-handler', role: 'handler', unit: '人社局' },
    { username: 'demo-intake', role: 'intake', unit: '市信访局' },
    { username: 'demo-leader', role: 'leader', unit: '市政府' },
    { username: 'demo-supervisor', role: 'supervisor', unit: '市信访局' },
  ])
  const hash = rows[0]?.hash ?? ''
  expect(hash).not.toContain(DEMO_STAFF_PASSWORD)
  expect(await verifyPassword(DEMO_STAFF_PASSWORD, hash)).toBe(true)
  expect(await verifyPassword('wrong-password', hash)).toBe(false)
})

test('the seeded sessions of the next two weeks include some open for booking now, with slots that fit the largest party', async () => {
  const context = createTestContext()
  try {
    const response = await context.app.request('/api/v1/receptions?limit=50')
    const list = ReceptionSessionListSchema.parse(await response.json())
    expect(list.items.length).toBeGreaterThanOrEqual(8)
    const open = list.items.filter((session) => isBookingOpen(session, NOW))
    expect(open.length).toBeGreaterThan(0)
    expect(open.length).toBeLessThan(list.items.length)
    for (const session of list.items) {
      expect(session.slots.length).toBeGreaterThan(1)
      const fitsLargestParty = (slot: { capacity: number }) => slot.capacity >= ATTENDEES_MAX
      expect(session.slots.every((slot) => fitsLargestParty(slot) && slot.remaining === slot.capacity)).toBe(true)
    }
    expect(list.items.some((session) => session.mode === 'video')).toBe(true)
  } finally {
    context.close()
  }
})
