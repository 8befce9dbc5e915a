import { sql } from 'drizzle-orm'
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'

/*
 * Instants are stored as epoch milliseconds (integers index and compare cheaply); the wire format is ISO 8601
 * with +08:00, produced when rows are mapped to DTOs. Booleans are 0/1 integers.
 */

export const units = sqliteTable('units', {
  id: text('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  shortName: text('short_name').notNull(),
  kind: text('kind', { enum: ['government', 'department', 'district', 'street', 'discipline'] }).notNull(),
  parentId: text('parent_id'),
  sortOrder: integer('sort_order').notNull().default(0),
  createdAt: integer('created_at').notNull(),
})

export const categories = sqliteTable('categories', {
  id: text('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  description: text('description').notNull(),
  defaultUnitId: text('default_unit_id').references(() => units.id),
  sortOrder: integer('sort_order').notNull().default(0),
  createdAt: integer('created_at').notNull(),
})

export const staffAccounts = sqliteTable('staff_accounts', {
  id: text('id').primaryKey(),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  role: text('role', { enum: ['intake', 'handler', 'supervisor', 'leader', 'admin'] }).notNull(),
  unitId: text('unit_id')
    .notNull()
    .references(() => units.id),
  passwordHash: text('password_hash').notNull(),
  isActive: integer('is_active', { mode: 'boolean' }).notNull().default(true),
  /** Demo accounts exist only in demo mode and are refused at login otherwise. */
  isDemo: integer('is_demo', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
})

/** A leader who holds reception days (接访领导). */
export const leaders = sqliteTable('leaders', {
  id: text('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  title: text('title').notNull(),
  unitId: text('unit_id')
    .notNull()
    .references(() => units.id),
  createdAt: integer('created_at').notNull(),
})

export const receptionSessions = sqliteTable(
  'reception_sessions',
  {
    id: text('id').primaryKey(),
    /** Set on demo sessions so that seeding twice creates nothing new. */
    seedKey: text('seed_key').unique(),
    leaderId: text('leader_id')
      .notNull()
      .references(() => leaders.id),
    unitId: text('unit_id')
      .notNull()
      .references(() => units.id),
    startsAt: integer('starts_at').notNull(),
    endsAt: integer('ends_at').notNull(),
    mode: text('mode', { enum: ['in_person', 'video'] }).notNull(),
    place: text('place'),
    /** JSON array of strings. */
    topics: text('topics').notNull().default('[]'),
    status: text('status', { enum: ['draft', 'published', 'cancelled'] }).notNull(),
    bookingOpensAt: integer('booking_opens_at').notNull(),
    bookingClosesAt: integer('booking_closes_at').notNull(),
    requiresConfirmation: integer('requires_confirmation', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (table) => [
    index('reception_sessions_status_starts_idx').on(table.status, table.startsAt, table.id),
    check('reception_sessions_time_order', sql`${table.endsAt} > ${table.startsAt}`),
  ],
)

export const receptionSlots = sqliteTable(
  'reception_slots',
  {
    id: text('id').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => receptionSessions.id),
    startsAt: integer('starts_at').notNull(),
    endsAt: integer('ends_at').notNull(),
    capacity: integer('capacity').notNull(),
    /** Seats held by active bookings; the check makes overbooking impossible whatever the code does. */
    booked: integer('booked').notNull().default(0),
  },
  (table) => [
    index('reception_slots_session_idx').on(table.sessionId, table.startsAt),
    check('reception_slots_seats', sql`${table.booked} >= 0 AND ${table.booked} <= ${table.capacity}`),
    check('reception_slots_capacity', sql`${table.capacity} >= 1`),
  ],
)
