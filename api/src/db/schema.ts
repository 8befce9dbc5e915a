import { PETITION_STATUSES } from '@xinfang/shared'
import { sql } from 'drizzle-orm'
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

/*
 * Instants are stored as epoch milliseconds (integers index and compare cheaply); the wire format is ISO 8601
 * with +08:00, produced when rows are mapped to DTOs. Booleans are 0/1 integers.
 */

export const units = sqliteTable('units', {
  id: text('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  shortName: text('short_name').notNull(),
  kind: text('kind', {
    enum: ['government', 'petition_bureau', 'department', 'district', 'street', 'discipline'],
  }).notNull(),
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
    /** When the family was revoked: access tokens of families revoked recently are refused (auth/revoked-families.ts). */
    revokedAt: integer('revoked_at'),
  },
  (table) => [
    index('refresh_tokens_family_idx').on(table.familyId, table.status),
    index('refresh_tokens_revoked_idx').on(table.revokedAt).where(sql`${table.revokedAt} IS NOT NULL`),
  ],
)

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
  /** The entry's link: HMAC under the audit key (keyed), or plain SHA-256 for entries written before (legacy). */
  hash: text('hash').notNull(),
  /** 0: legacy link, 1: keyed (domain/audit/audit-log.ts, docs/decisions/014-audit-chain-anchoring.md). */
  macVersion: integer('mac_version').notNull().default(0),
})

/** Named counters advanced inside write transactions, e.g. the yearly tracking-number sequence. */
export const counters = sqliteTable('counters', {
  name: text('name').primaryKey(),
  value: integer('value').notNull(),
})

/**
 * A petition (信访事项). The citizen's words (`content`) and the address of the matter are personal data and
 * stored encrypted like the profile; the title is what lists show. `version` increases with every change and
 * guards against lost updates (VERSION_CONFLICT).
 */
export const petitions = sqliteTable(
  'petitions',
  {
    id: text('id').primaryKey(),
    /** 受理编号, e.g. XF-2026-000123. */
    trackingNo: text('tracking_no').notNull().unique(),
    /** 查询码, kept as a keyed hash: it works like a password for `/track`. */
    queryCodeHash: text('query_code_hash').notNull(),
    citizenId: text('citizen_id')
      .notNull()
      .references(() => citizens.id),
    kind: text('kind', { enum: ['complaint', 'suggestion', 'report', 'inquiry'] }).notNull(),
    categoryId: text('category_id')
      .notNull()
      .references(() => categories.id),
    title: text('title').notNull(),
    contentEnc: text('content_enc').notNull(),
    addressEnc: text('address_enc'),
    /** The unit the matter concerns; for a report (检举控告), the unit accused. */
    targetUnitId: text('target_unit_id').references(() => units.id),
    /** The unit whose queue holds the petition now. */
    handlingUnitId: text('handling_unit_id')
      .notNull()
      .references(() => units.id),
    status: text('status', { enum: PETITION_STATUSES }).notNull(),
    version: integer('version').notNull().default(1),
    submittedAt: integer('submitted_at').notNull(),
    decideBy: integer('decide_by').notNull(),
    acceptedAt: integer('accepted_at'),
    replyBy: integer('reply_by'),
    repliedAt: integer('replied_at'),
    closedAt: integer('closed_at'),
    /** Set when the citizen already has an open petition in the same category with very similar text. */
    possibleRepeatOfId: text('possible_repeat_of_id'),
    /** The deadline profile the petition is counted under (`national`, `zhejiang`, …). */
    deadlineProfile: text('deadline_profile').notNull().default('national'),
    /** Days already added to the reply limit (Art. 34). */
    extendedDays: integer('extended_days').notNull().default(0),
    /** Set when the matter was forwarded to a body outside this system (a court, another city). */
    externalBody: text('external_body'),
    /** Set by the overdue sweep when the current deadline passed with the matter still open. */
    overdueSince: integer('overdue_since'),
    lastSupervisedAt: integer('last_supervised_at'),
    /** When 受理 / 不予受理 / 转送 was first decided, and whether by the deadline (for 及时受理率). */
    decidedAt: integer('decided_at'),
    isDecidedOnTime: integer('is_decided_on_time', { mode: 'boolean' }),
    /** The first reply, and whether by the (extended) reply deadline (for 按期办结率 and 平均办理时限). */
    firstRepliedAt: integer('first_replied_at'),
    isFirstReplyOnTime: integer('is_first_reply_on_time', { mode: 'boolean' }),
    /** The first 复查 request, if any (for 一次性化解率). */
    reviewRequestedAt: integer('review_requested_at'),
    /** `finalized`: the citizen's earlier matter on the same facts was finalized after 复核 (Art. 36 ¶3). */
    repeatKind: text('repeat_kind', { enum: ['open', 'finalized'] }),
    updatedAt: integer('updated_at').notNull(),
  },
  (table) => [
    index('petitions_citizen_idx').on(table.citizenId, table.submittedAt, table.id),
    index('petitions_queue_idx').on(table.handlingUnitId, table.status, table.submittedAt, table.id),
    // The unit queue is read newest first: this lets SQLite walk the index instead of sorting the whole queue.
    index('petitions_unit_recent_idx').on(table.handlingUnitId, table.submittedAt, table.id),
    index('petitions_status_deadline_idx').on(table.status, table.decideBy),
    index('petitions_submitted_idx').on(table.submittedAt),
    // The first replies of the last 30 days whose review window is still open, read by the statistics beside
    // the daily counters below (compute-stats.ts): covering, so that slice is read from the index alone.
    index('petitions_first_reply_idx').on(
      table.firstRepliedAt,
      table.reviewRequestedAt,
      table.submittedAt,
      table.handlingUnitId,
      table.categoryId,
    ),
  ],
)

/**
 * The statistics' counts (shared/src/statistics.ts) per Shanghai day of submission, handling unit and category,
 * kept by triggers on `petitions` and `ratings` (migration 0006) in the transaction of every write, so the
 * statistics read a few thousand rows instead of every petition of the year. A petition counts where it is now:
 * a change of handling unit moves its counts, ratings included. Why triggers: docs/decisions/009.
 */
export const petitionStatsDaily = sqliteTable(
  'petition_stats_daily',
  {
    /** YYYY-MM-DD, Asia/Shanghai, of `petitions.submitted_at`. */
    day: text('day').notNull(),
    unitId: text('unit_id').notNull(),
    categoryId: text('category_id').notNull(),
    submitted: integer('submitted').notNull().default(0),
    decided: integer('decided').notNull().default(0),
    decidedOnTime: integer('decided_on_time').notNull().default(0),
    repliedAccepted: integer('replied_accepted').notNull().default(0),
    repliedOnTime: integer('replied_on_time').notNull().default(0),
    firstReplies: integer('first_replies').notNull().default(0),
    /** First replies followed by a 复查 request: settled whatever their age. */
    reviewedFirstReplies: integer('reviewed_first_replies').notNull().default(0),
    /** Σ (first reply − acceptance) in milliseconds over the accepted petitions replied. */
    handlingMs: integer('handling_ms').notNull().default(0),
    repeats: integer('repeats').notNull().default(0),
    ratings: integer('ratings').notNull().default(0),
    satisfiedRatings: integer('satisfied_ratings').notNull().default(0),
    firstReplyRatings: integer('first_reply_ratings').notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.day, table.unitId, table.categoryId] })],
)

/** The timeline of a petition: a public line for the citizen and, optionally, an internal note for staff. */
export const petitionEvents = sqliteTable(
  'petition_events',
  {
    id: text('id').primaryKey(),
    petitionId: text('petition_id')
      .notNull()
      .references(() => petitions.id),
    at: integer('at').notNull(),
    type: text('type').notNull(),
    publicMessage: text('public_message'),
    internalNote: text('internal_note'),
    actorKind: text('actor_kind', { enum: ['citizen', 'staff', 'system'] }).notNull(),
    actorId: text('actor_id'),
  },
  (table) => [index('petition_events_petition_idx').on(table.petitionId, table.at)],
)

/** Uploaded evidence. The bytes live in attachment storage under `storage_key`, never in a served directory. */
export const attachments = sqliteTable(
  'attachments',
  {
    id: text('id').primaryKey(),
    ownerCitizenId: text('owner_citizen_id')
      .notNull()
      .references(() => citizens.id),
    petitionId: text('petition_id').references(() => petitions.id),
    mime: text('mime', { enum: ['image/jpeg', 'image/png', 'application/pdf'] }).notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    storageKey: text('storage_key').notNull().unique(),
    createdAt: integer('created_at').notNull(),
  },
  (table) => [
    index('attachments_owner_idx').on(table.ownerCitizenId, table.createdAt),
    index('attachments_petition_idx').on(table.petitionId),
  ],
)

/**
 * Idempotency keys (../shared/API.md): the key row is written in the same transaction as what it creates, so a
 * crash between commit and response still replays the original answer.
 */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    /** `citizen:<id>`: keys are scoped to the caller. */
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    /** The operation, e.g. `POST /petitions`, so one key cannot replay another route's answer. */
    operation: text('operation').notNull(),
    /** HMAC of the canonical request body under the index key: the body itself is the citizen's words. */
    requestHash: text('request_hash').notNull(),
    responseStatus: integer('response_status').notNull(),
    /** The response JSON, with the fields named in `sealed_fields` replaced by their ciphertexts. */
    responseBody: text('response_body').notNull(),
    /** Top-level response fields stored encrypted (query code, matter, check-in code): decision 013. */
    sealedFields: text('sealed_fields', { mode: 'json' }).$type<string[]>().notNull().default([]),
    createdAt: integer('created_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.scope, table.operation, table.key] }),
    // Keys expire (IDEMPOTENCY_KEY_TTL_MS): the purge finds them by age.
    index('idempotency_keys_created_idx').on(table.createdAt),
  ],
)

/** A seat booking at a reception session. Seats held = `attendees`. */
export const bookings = sqliteTable(
  'bookings',
  {
    id: text('id').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => receptionSessions.id),
    slotId: text('slot_id')
      .notNull()
      .references(() => receptionSlots.id),
    citizenId: text('citizen_id')
      .notNull()
      .references(() => citizens.id),
    status: text('status', {
      enum: ['pending', 'confirmed', 'checked_in', 'cancelled', 'rejected', 'no_show'],
    }).notNull(),
    attendees: integer('attendees').notNull(),
    matterEnc: text('matter_enc').notNull(),
    petitionId: text('petition_id').references(() => petitions.id),
    /**
     * Blind index of the 签到码 (check-in-code.ts): the code itself is derived from the id under the index key and
     * never stored. Null only on a booking made before the index existed, until startup fills it in.
     */
    checkInCodeIndex: text('check_in_code_index').unique(),
    /** Why staff rejected the booking or cancelled the session: shown to the citizen. */
    statusReason: text('status_reason'),
    checkedInAt: integer('checked_in_at'),
    /** Set when the day-before reminder was queued, so that a sweep never reminds twice. */
    remindedAt: integer('reminded_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (table) => [
    // One active booking per citizen per session, enforced by the database whatever the code does.
    uniqueIndex('bookings_one_active_per_session')
      .on(table.sessionId, table.citizenId)
      .where(sql`status IN ('pending', 'confirmed', 'checked_in')`),
    index('bookings_citizen_idx').on(table.citizenId, table.createdAt),
    index('bookings_slot_idx').on(table.slotId, table.status),
    index('bookings_session_idx').on(table.sessionId, table.status),
    check('bookings_attendees', sql`${table.attendees} BETWEEN 1 AND 5`),
  ],
)

/** The waiting list of a full slot, served first come, first served. */
export const waitlistEntries = sqliteTable(
  'waitlist_entries',
  {
    id: text('id').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => receptionSessions.id),
    slotId: text('slot_id')
      .notNull()
      .references(() => receptionSlots.id),
    citizenId: text('citizen_id')
      .notNull()
      .references(() => citizens.id),
    attendees: integer('attendees').notNull(),
    matterEnc: text('matter_enc').notNull(),
    petitionId: text('petition_id').references(() => petitions.id),
    status: text('status', { enum: ['waiting', 'promoted', 'left'] }).notNull(),
    /** The booking made when the entry was promoted: at most one, since promotion moves `waiting` → `promoted`. */
    bookingId: text('booking_id').references(() => bookings.id),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (table) => [
    uniqueIndex('waitlist_one_per_session').on(table.sessionId, table.citizenId).where(sql`status = 'waiting'`),
    index('waitlist_slot_queue_idx').on(table.slotId, table.status, table.createdAt),
    index('waitlist_citizen_idx').on(table.citizenId, table.createdAt),
    check('waitlist_attendees', sql`${table.attendees} BETWEEN 1 AND 5`),
  ],
)

/** The in-app message centre: every status change of a citizen's petitions and bookings. */
export const messages = sqliteTable(
  'messages',
  {
    id: text('id').primaryKey(),
    citizenId: text('citizen_id')
      .notNull()
      .references(() => citizens.id),
    at: integer('at').notNull(),
    subjectKind: text('subject_kind', { enum: ['petition', 'booking'] }).notNull(),
    subjectId: text('subject_id').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    /** What happened, for clients to act on: a petition's timeline event type or a booking notice kind. */
    event: text('event'),
    readAt: integer('read_at'),
  },
  (table) => [index('messages_citizen_idx').on(table.citizenId, table.at, table.id)],
)

/**
 * Transactional outbox for WeChat subscribe messages: written in the same transaction as the in-app message,
 * delivered afterwards with retries. A failed push never loses the in-app copy.
 */
export const notificationOutbox = sqliteTable(
  'notification_outbox',
  {
    id: text('id').primaryKey(),
    messageId: text('message_id')
      .notNull()
      .unique()
      .references(() => messages.id),
    citizenId: text('citizen_id')
      .notNull()
      .references(() => citizens.id),
    /** Which subscribe-message template this notice uses (`petition_progress`, `booking_update`, …). */
    template: text('template').notNull(),
    /** JSON of the template's fields. */
    payload: text('payload').notNull(),
    /**
     * `sending`: claimed by a dispatcher that is calling WeChat; `next_attempt_at` is then the end of its lease
     * and `attempts` the claim's fencing token (docs/decisions/003-notification-outbox.md).
     */
    status: text('status', { enum: ['pending', 'sending', 'sent', 'skipped', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
  },
  (table) => [index('notification_outbox_due_idx').on(table.status, table.nextAttemptAt)],
)

/** Subscribe-message credits: one per template the citizen accepted in `requestSubscribeMessage`. */
export const subscriptionCredits = sqliteTable(
  'subscription_credits',
  {
    citizenId: text('citizen_id')
      .notNull()
      .references(() => citizens.id),
    templateId: text('template_id').notNull(),
    credits: integer('credits').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.citizenId, table.templateId] }),
    check('subscription_credits_non_negative', sql`${table.credits} >= 0`),
  ],
)

/** Notices for staff: the overdue sweep tells supervisors what slipped, sign-in guarding which account is attacked. */
export const staffNotices = sqliteTable(
  'staff_notices',
  {
    id: text('id').primaryKey(),
    /** Every supervisor sees notices of the role; `unit_id` narrows one to a unit when set. */
    role: text('role', { enum: ['intake', 'handler', 'supervisor', 'leader', 'admin'] }).notNull(),
    unitId: text('unit_id'),
    /** The petition the notice is about; null for a notice about an account. */
    petitionId: text('petition_id').references(() => petitions.id),
    at: integer('at').notNull(),
    kind: text('kind').notNull(),
    text: text('text').notNull(),
  },
  (table) => [index('staff_notices_role_idx').on(table.role, table.at)],
)

/** 满意度评价: one per reply stage of a petition, or one per reception booking. */
export const ratings = sqliteTable(
  'ratings',
  {
    id: text('id').primaryKey(),
    subjectKind: text('subject_kind', { enum: ['petition', 'booking'] }).notNull(),
    subjectId: text('subject_id').notNull(),
    stage: text('stage', { enum: ['reply', 'review', 'recheck', 'session'] }).notNull(),
    citizenId: text('citizen_id')
      .notNull()
      .references(() => citizens.id),
    level: text('level', { enum: ['satisfied', 'basically_satisfied', 'dissatisfied'] }).notNull(),
    comment: text('comment'),
    /** JSON array of tags. */
    tags: text('tags').notNull().default('[]'),
    createdAt: integer('created_at').notNull(),
  },
  (table) => [uniqueIndex('ratings_once_per_stage').on(table.subjectKind, table.subjectId, table.stage)],
)
