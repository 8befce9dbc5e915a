import { addCalendarDays, DAY_MS, shanghaiDateOf, shanghaiTime, shanghaiWeekday } from '@xinfang/shared'
import { inArray } from 'drizzle-orm'
import { hashPassword } from '../../domain/staff/password'
import { newId } from '../../lib/ids'
import type { Database, WriteTx } from '../client'
import { categories, leaders, receptionSessions, receptionSlots, staffAccounts, units } from '../schema'
import {
  DEMO_BOOKING_CLOSES_HOURS,
  DEMO_BOOKING_OPENS_DAYS,
  DEMO_CATEGORIES,
  DEMO_HORIZON_DAYS,
  DEMO_LEADERS,
  DEMO_ROTA,
  DEMO_STAFF,
  DEMO_STAFF_PASSWORD,
  DEMO_UNITS,
} from './demo-city'

export interface SeedSummary {
  units: number
  categories: number
  staff: number
  leaders: number
  sessions: number
}

const SLOT_MINUTES = 30
const SLOTS_PER_SESSION = 5

/**
 * Seeds 江城市 for demo mode. Idempotent: every row has a natural key (`code`, `username`, `seed_key`) and
 * existing rows are left alone, so running it on every start only adds the sessions of days that came into
 * the two-week horizon. Returns how many rows it inserted.
 */
export async function seedDemoData(database: Database, now: number): Promise<SeedSummary> {
  // Hash outside the write lock: PBKDF2 takes a noticeable fraction of a second per account.
  const existing = await database.db
    .select({ username: staffAccounts.username })
    .from(staffAccounts)
    .where(
      inArray(
        staffAccounts.username,
        DEMO_STAFF.map((staff) => staff.username),
      ),
    )
  const existingUsernames = new Set(existing.map((row) => row.username))
  const passwordHashes = new Map<string, string>()
  for (const staff of DEMO_STAFF) {
    if (!existingUsernames.has(staff.username)) {
      passwordHashes.set(staff.username, await hashPassword(DEMO_STAFF_PASSWORD))
    }
  }

  return database.write(async (tx) => {
    const summary: SeedSummary = { units: 0, categories: 0, staff: 0, leaders: 0, sessions: 0 }
    const unitIds = await unitIdsByCode(tx)
    for (const [index, unit] of DEMO_UNITS.entries()) {
      if (unitIds.has(unit.code)) continue
      const id = newId(now)
      await tx.insert(units).values({
        id,
        code: unit.code,
        name: unit.name,
        shortName: unit.shortName,
        kind: unit.kind,
        parentId: unit.parent ? (unitIds.get(unit.parent) ?? null) : null,
        sortOrder: index,
        createdAt: now,
      })
      unitIds.set(unit.code, id)
      summary.units++
    }
    const unitId = (code: string) => {
      const id = unitIds.get(code)
      if (!id) throw new Error(`demo data refers to an unknown unit: ${code}`)
      return id
    }

    for (const [index, category] of DEMO_CATEGORIES.entries()) {
      const inserted = await tx
        .insert(categories)
        .values({
          id: newId(now),
          code: category.code,
          name: category.name,
          description: category.description,
          defaultUnitId: unitId(category.unit),
          sortOrder: index,
          createdAt: now,
        })
        .onConflictDoNothing()
        .returning({ id: categories.id })
      summary.categories += inserted.length
    }

    for (const staff of DEMO_STAFF) {
      const passwordHash = passwordHashes.get(staff.username)
      if (!passwordHash) continue
      const inserted = await tx
        .insert(staffAccounts)
        .values({
          id: newId(now),
          username: staff.username,
          displayName: staff.displayName,
          role: staff.role,
          unitId: unitId(staff.unit),
          passwordHash,
          isDemo: true,
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing()
        .returning({ id: staffAccounts.id })
      summary.staff += inserted.length
    }

    for (const leader of DEMO_LEADERS) {
      const inserted = await tx
        .insert(leaders)
        .values({
          id: newId(now),
          code: leader.code,
          name: leader.name,
          title: leader.title,
          unitId: unitId(leader.unit),
          createdAt: now,
        })
        .onConflictDoNothing()
        .returning({ id: leaders.id })
      summary.leaders += inserted.length
    }
    const leaderRows = await tx.select().from(leaders)
    const leaderByCode = new Map(leaderRows.map((row) => [row.code, row]))

    summary.sessions = await seedSessions(tx, now, (code) => {
      const leader = leaderByCode.get(code)
      if (!leader) throw new Error(`demo data refers to an unknown leader: ${code}`)
      return leader
    })
    return summary
  })
}

async function unitIdsByCode(tx: WriteTx): Promise<Map<string, string>> {
  const rows = await tx.select({ id: units.id, code: units.code }).from(units)
  return new Map(rows.map((row) => [row.code, row.id]))
}

async function seedSessions(
  tx: WriteTx,
  now: number,
  leaderOf: (code: string) => { id: string; unitId: string },
): Promise<number> {
  let inserted = 0
  const today = shanghaiDateOf(now)
  for (let offset = 0; offset < DEMO_HORIZON_DAYS; offset++) {
    const date = addCalendarDays(today, offset)
    for (const plan of DEMO_ROTA[shanghaiWeekday(date)] ?? []) {
      const leader = leaderOf(plan.leader)
      const startsAt = shanghaiTime(date, plan.half === 'am' ? '09:00' : '14:30')
      const endsAt = startsAt + SLOTS_PER_SESSION * SLOT_MINUTES * 60_000
      const sessionId = newId(now)
      const rows = await tx
        .insert(receptionSessions)
        .values({
          id: sessionId,
          seedKey: `demo:${plan.leader}:${date}:${plan.half}`,
          leaderId: leader.id,
          unitId: leader.unitId,
          startsAt,
          endsAt,
          mode: plan.mode,
          place: plan.place,
          topics: JSON.stringify(plan.topics),
          status: 'published',
          bookingOpensAt: startsAt - DEMO_BOOKING_OPENS_DAYS * DAY_MS,
          bookingClosesAt: startsAt - DEMO_BOOKING_CLOSES_HOURS * 60 * 60 * 1000,
          requiresConfirmation: plan.requiresConfirmation,
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing()
        .returning({ id: receptionSessions.id })
      if (rows.length === 0) continue
      inserted++
      await tx.insert(receptionSlots).values(
        Array.from({ length: SLOTS_PER_SESSION }, (_, index) => ({
          id: newId(now),
          sessionId,
          startsAt: startsAt + index * SLOT_MINUTES * 60_000,
          endsAt: startsAt + (index + 1) * SLOT_MINUTES * 60_000,
          capacity: plan.seatsPerSlot,
        })),
      )
    }
  }
  return inserted
}
