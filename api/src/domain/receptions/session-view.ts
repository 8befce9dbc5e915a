import { type BookingSessionSummary, type ReceptionSession, type ReceptionSlot, toShanghaiIso } from '@xinfang/shared'
import { asc, eq, inArray } from 'drizzle-orm'
import { z } from 'zod'
import type { Db, WriteTx } from '../../db/client'
import { leaders, receptionSessions, receptionSlots, units } from '../../db/schema'

/** Reads work the same inside a write transaction and on the pool. */
export type Reader = Db | WriteTx

export type SessionRow = typeof receptionSessions.$inferSelect
export type SlotRow = typeof receptionSlots.$inferSelect
export type LeaderRow = typeof leaders.$inferSelect
export type UnitRow = typeof units.$inferSelect

/** A session with the leader and unit it belongs to: what every view of a session starts from. */
export interface SessionWithOwners {
  session: SessionRow
  leader: LeaderRow
  unit: UnitRow
}

const TopicsSchema = z.array(z.string())

export async function findSession(db: Reader, sessionId: string): Promise<SessionWithOwners | null> {
  const [row] = await db
    .select({ session: receptionSessions, leader: leaders, unit: units })
    .from(receptionSessions)
    .innerJoin(leaders, eq(leaders.id, receptionSessions.leaderId))
    .innerJoin(units, eq(units.id, receptionSessions.unitId))
    .where(eq(receptionSessions.id, sessionId))
    .limit(1)
  return row ?? null
}

export async function slotsOfSessions(db: Reader, sessionIds: readonly string[]): Promise<SlotRow[]> {
  if (sessionIds.length === 0) return []
  return db
    .select()
    .from(receptionSlots)
    .where(inArray(receptionSlots.sessionId, [...sessionIds]))
    .orderBy(asc(receptionSlots.startsAt), asc(receptionSlots.id))
}

export function toReceptionSlot(slot: SlotRow): ReceptionSlot {
  return {
    id: slot.id,
    startsAt: toShanghaiIso(slot.startsAt),
    endsAt: toShanghaiIso(slot.endsAt),
    capacity: slot.capacity,
    remaining: slot.capacity - slot.booked,
  }
}

/** The public shape of a session (`GET /receptions`), its slots in time order. */
export function toReceptionSession({ session, leader, unit }: SessionWithOwners, slots: SlotRow[]): ReceptionSession {
  return {
    id: session.id,
    leader: { name: leader.name, title: leader.title },
    unit: { id: unit.id, name: unit.name },
    startsAt: toShanghaiIso(session.startsAt),
    endsAt: toShanghaiIso(session.endsAt),
    mode: session.mode,
    place: session.place,
    topics: TopicsSchema.parse(JSON.parse(session.topics)),
    slots: slots.filter((slot) => slot.sessionId === session.id).map(toReceptionSlot),
    bookingOpensAt: toShanghaiIso(session.bookingOpensAt),
    bookingClosesAt: toShanghaiIso(session.bookingClosesAt),
    requiresConfirmation: session.requiresConfirmation,
  }
}

export function toSessionSummary({ session, leader, unit }: SessionWithOwners): BookingSessionSummary {
  return {
    id: session.id,
    leader: { name: leader.name, title: leader.title },
    unit: { id: unit.id, name: unit.name },
    startsAt: toShanghaiIso(session.startsAt),
    endsAt: toShanghaiIso(session.endsAt),
    mode: session.mode,
    place: session.place,
    status: session.status,
  }
}

/** `2026年11月30日 09:00`, how notices name the time of a session. */
export function formatSessionTime(epochMs: number): string {
  const iso = toShanghaiIso(epochMs)
  return `${iso.slice(0, 4)}年${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日 ${iso.slice(11, 16)}`
}
