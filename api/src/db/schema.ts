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

/** A citizen account, created on first WeChat (or demo) login. */
export const citizens = sqliteTable('citizens', {
  id: text('id').primaryKey(),
  /** WeChat's per-app user id: a pseudonym, needed to find the account again at the next login. */
  openid: text('openid').notNull().unique(),
  isDemo: integer('is_demo', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull(),
})

/**
 * The real-name profile (信访人身份信息, Art. 19). Every identifying field is AES-256-GCM ciphertext bound to this
 * row; `*_index` columns are keyed HMAC blind indexes for equality lookups. No plaintext column exists.
 */
export const citizenProfiles = sqliteTable(
  'citizen_profiles',
  {
    citizenId: text('citizen_id')
      .primaryKey()
      .references(() => citizens.id),
    realNameEnc: text('real_name_enc').notNull(),
    idNumberEnc: text('id_number_enc').notNull(),
    idNumberIndex: text('id_number_index').notNull(),
    phoneEnc: text('phone_enc').notNull(),
    phoneIndex: text('phone_index').notNull(),
    addressEnc: text('address_enc').notNull(),
    privacyVersion: text('privacy_version').notNull(),
    privacyAcceptedAt: integer('privacy_accepted_at').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (table) => [
    index('citizen_profiles_id_number_idx').on(table.idNumberIndex),
    index('citizen_profiles_phone_idx').on(table.phoneIndex),
  ],
)

/**
 * Opaque refresh tokens, stored as SHA-256 hashes. One family per login; every refresh retires the presented
 * token and issues the next. A retired token presented again means it was stolen: the whole family is revoked.
 */
export const refreshTokens = sqliteTable(
  'refresh_tokens',
  {
    id: text('id').primaryKey(),
    familyId: text('family_id').notNull(),
    subjectKind: text('subject_kind', { enum: ['citizen', 'staff'] }).notNull(),
    subjectId: text('subject_id').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    status: text('status', { enum: ['active', 'retired', 'revoked'] }).notNull(),
    expiresAt: integer('expires_at').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (table) => [index('refresh_tokens_family_idx').on(table.familyId, table.status)],
)

/** Failed staff logins, for throttling: counted per account so that two API processes agree. */
export const staffLoginThrottle = sqliteTable('staff_login_throttle', {
  username: text('username').primaryKey(),
  failures: integer('failures').notNull(),
  windowStartedAt: integer('window_started_at').notNull(),
  lockedUntil: integer('locked_until'),
})

/**
 * Append-only, hash-chained audit log: staff reads of unmasked personal data and every state change. Each entry's
 * hash covers the previous entry's hash, so editing or deleting any row breaks every hash after it.
 */
export const auditLog = sqliteTable('audit_log', {
  seq: integer('seq').primaryKey(),
  at: integer('at').notNull(),
  actorKind: text('actor_kind', { enum: ['citizen', 'staff', 'system'] }).notNull(),
  actorId: text('actor_id'),
  action: text('action').notNull(),
  subjectKind: text('subject_kind').notNull(),
  subjectId: text('subject_id').notNull(),
  /** JSON object: the reason of a reveal, the fields of a change — never personal data itself. */
  details: text('details').notNull().default('{}'),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
})
