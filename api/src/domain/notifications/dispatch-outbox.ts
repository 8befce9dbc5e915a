import { SubscribeTemplateKeySchema } from '@xinfang/shared'
import { and, asc, eq, gt, lte, or, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { WriteTx } from '../../db/client'
import { citizens, messages, notificationOutbox, subscriptionCredits } from '../../db/schema'
import type { AppDeps } from '../../http/context'
import { type SubscribeSendResult, WECHAT_ERRCODE } from '../../integrations/wechat'
import { type PushSource, subscribeMessageOf } from './subscribe-templates'

/*
 * The notification outbox dispatcher: delivers the WeChat subscribe message of every in-app message written by
 * `notifyCitizen`. The guarantees and why they are these are in docs/decisions/003-notification-outbox.md; in
 * short, the in-app copy exists exactly once (it commits with the change), and the push is sent at most once.
 *
 * A row moves   pending ──claim──▶ sending ──record──▶ sent | failed | pending (retry later)
 *               pending ──────────────────────────────▶ skipped (no template, no openid, no credit)
 *               sending ──lease expired, never recorded──▶ failed 'interrupted'   (never sent again)
 *
 * One subscription credit is taken in the claim transaction and is held only while the row is `sending`; the
 * outcome decides whether it was spent (WeChat delivered, or may have) or comes back (WeChat refused).
 */

export const OUTBOX_MAX_ATTEMPTS = 5
/** The wait before attempt n+1 is 30 s × 2^(n−1): 30 s, 1 min, 2 min, 4 min, then the row fails. */
export const OUTBOX_RETRY_BASE_MS = 30_000
/**
 * How long a claim may stay unrecorded before it counts as interrupted. Far above the longest a send can take
 * (token fetch, send, token renewal, send again: four calls of 3 s), so a live send is not declared dead; should
 * one be anyway, its recorder still writes the true outcome (see `recordOutcome`).
 */
export const OUTBOX_DEFAULT_LEASE_MS = 120_000
export const OUTBOX_DEFAULT_BATCH_SIZE = 10

/** `last_error` of a row whose dispatcher died between claiming it and recording what WeChat said. */
export const OUTBOX_INTERRUPTED = 'interrupted'

export const SKIP_REASONS = {
  unknownTemplate: 'unknown template',
  noTemplate: 'no WeChat template configured',
  noOpenid: 'no WeChat openid (demo account)',
  noCredit: 'no subscription credit left',
  unreadablePayload: 'unreadable payload',
} as const

export type OutboxDeps = Pick<AppDeps, 'config' | 'database' | 'wechat' | 'logger' | 'afterCommit'>

export interface DispatchOptions {
  /** Rows taken from the queue per call. */
  batchSize?: number
  leaseMs?: number
}

export interface DispatchReport {
  /** Due rows taken from the queue (claimed or skipped); equal to the batch size when more may be waiting. */
  taken: number
  sent: number
  /** Refused for now, back to `pending` with a later `next_attempt_at`. */
  retrying: number
  failed: number
  skipped: number
  /** Claims of a dead dispatcher found this time and closed as failed. */
  interrupted: number
}

const PayloadSchema = z.record(z.string(), z.string())

interface Claim {
  outboxId: string
  citizenId: string
  openid: string
  templateId: string
  /** `attempts` after the claim: the fencing token that the outcome must match. */
  attempt: number
  source: PushSource
}

type CreditEffect = 'spent' | 'returned' | 'zeroed'

interface Outcome {
  status: 'sent' | 'pending' | 'failed'
  lastError: string | null
  nextAttemptAt?: number
  credit: CreditEffect
}

/**
 * Delivers one batch of due pushes. Safe to run concurrently with itself, in this process or another on the same
 * database: claims are conditional updates inside `BEGIN IMMEDIATE` transactions.
 */
export async function dispatchOutbox(
  deps: OutboxDeps,
  now: number,
  options: DispatchOptions = {},
): Promise<DispatchReport> {
  const batchSize = options.batchSize ?? OUTBOX_DEFAULT_BATCH_SIZE
  const leaseMs = options.leaseMs ?? OUTBOX_DEFAULT_LEASE_MS
  const report: DispatchReport = { taken: 0, sent: 0, retrying: 0, failed: 0, skipped: 0, interrupted: 0 }

  const { interrupted, claims, skipped } = await deps.database.write(async (tx) => ({
    interrupted: await closeInterruptedClaims(tx, now),
    ...(await claimDue(tx, deps, now, batchSize, leaseMs)),
  }))
  for (const row of interrupted) {
    deps.logger.warn('outbox push interrupted; it will not be sent again', {
      outboxId: row.id,
      messageId: row.messageId,
    })
  }
  report.interrupted = interrupted.length
  report.taken = claims.length + skipped
  report.skipped = skipped
  if (claims.length > 0) deps.afterCommit?.('outbox.claim')

  // One batch is sent concurrently: each send is bounded by the WeChat client's timeout, so the whole batch
  // finishes well inside the lease. Every delivery settles before an error is passed on, so that a caller who
  // stops after this returns (the worker on SIGTERM) leaves no recorder behind.
  const settled = await Promise.allSettled(claims.map((claim) => deliver(deps, claim, now)))
  for (const result of settled) {
    if (result.status === 'rejected') throw result.reason
    const outcome = result.value
    if (outcome === null) continue
    if (outcome.status === 'sent') report.sent++
    else if (outcome.status === 'pending') report.retrying++
    else report.failed++
  }
  return report
}

/**
 * A claim whose lease ran out was made by a dispatcher that died (or stalled) before recording the outcome.
 * WeChat may or may not have delivered it, and WeChat offers no way to ask, so it is closed and never sent
 * again: a lost push beats a duplicate, since the in-app copy is there either way. Its credit stays spent.
 */
function closeInterruptedClaims(tx: WriteTx, now: number) {
  return tx
    .update(notificationOutbox)
    .set({ status: 'failed', lastError: OUTBOX_INTERRUPTED })
    .where(and(eq(notificationOutbox.status, 'sending'), lte(notificationOutbox.nextAttemptAt, now)))
    .returning({ id: notificationOutbox.id, messageId: notificationOutbox.messageId })
}

async function claimDue(
  tx: WriteTx,
  deps: OutboxDeps,
  now: number,
  batchSize: number,
  leaseMs: number,
): Promise<{ claims: Claim[]; skipped: number }> {
  const due = await tx
    .select({
      outbox: notificationOutbox,
      message: {
        at: messages.at,
        title: messages.title,
        subjectKind: messages.subjectKind,
        subjectId: messages.subjectId,
      },
      citizen: { openid: citizens.openid, isDemo: citizens.isDemo },
    })
    .from(notificationOutbox)
    .innerJoin(messages, eq(messages.id, notificationOutbox.messageId))
    .innerJoin(citizens, eq(citizens.id, notificationOutbox.citizenId))
    .where(and(eq(notificationOutbox.status, 'pending'), lte(notificationOutbox.nextAttemptAt, now)))
    .orderBy(asc(notificationOutbox.nextAttemptAt), asc(notificationOutbox.id))
    .limit(batchSize)

  const claims: Claim[] = []
  let skipped = 0
  const skip = async (outboxId: string, reason: string) => {
    await tx
      .update(notificationOutbox)
      .set({ status: 'skipped', lastError: reason })
      .where(and(eq(notificationOutbox.id, outboxId), eq(notificationOutbox.status, 'pending')))
    skipped++
  }

  for (const { outbox, message, citizen } of due) {
    const template = SubscribeTemplateKeySchema.safeParse(outbox.template)
    if (!template.success) {
      await skip(outbox.id, SKIP_REASONS.unknownTemplate)
      continue
    }
    const templateId = deps.config.wechat.templates[template.data]
    if (templateId === undefined) {
      await skip(outbox.id, SKIP_REASONS.noTemplate)
      continue
    }
    // Demo accounts carry `demo:` openids, a namespace WeChat never issues: there is nobody to push to.
    if (citizen.isDemo || citizen.openid.startsWith('demo:')) {
      await skip(outbox.id, SKIP_REASONS.noOpenid)
      continue
    }
    const payload = PayloadSchema.safeParse(parseJson(outbox.payload))
    if (!payload.success) {
      deps.logger.error('outbox payload is not a string map', { outboxId: outbox.id })
      await skip(outbox.id, SKIP_REASONS.unreadablePayload)
      continue
    }
    const [credit] = await tx
      .update(subscriptionCredits)
      .set({ credits: sql`${subscriptionCredits.credits} - 1`, updatedAt: now })
      .where(
        and(
          eq(subscriptionCredits.citizenId, outbox.citizenId),
          eq(subscriptionCredits.templateId, templateId),
          gt(subscriptionCredits.credits, 0),
        ),
      )
      .returning({ credits: subscriptionCredits.credits })
    if (!credit) {
      await skip(outbox.id, SKIP_REASONS.noCredit)
      continue
    }
    const [claimed] = await tx
      .update(notificationOutbox)
      .set({ status: 'sending', attempts: sql`${notificationOutbox.attempts} + 1`, nextAttemptAt: now + leaseMs })
      .where(and(eq(notificationOutbox.id, outbox.id), eq(notificationOutbox.status, 'pending')))
      .returning({ attempts: notificationOutbox.attempts })
    if (!claimed) throw new Error(`outbox row ${outbox.id} changed inside its claim transaction`)
    claims.push({
      outboxId: outbox.id,
      citizenId: outbox.citizenId,
      openid: citizen.openid,
      templateId,
      attempt: claimed.attempts,
      source: { template: template.data, messageId: outbox.messageId, ...message, payload: payload.data },
    })
  }
  return { claims, skipped }
}

/** Sends one claimed push and records what came of it; `null` when another dispatcher had recorded it. */
async function deliver(deps: OutboxDeps, claim: Claim, now: number): Promise<Outcome | null> {
  const { data, page } = subscribeMessageOf(claim.source)
  let result: SubscribeSendResult
  try {
    result = await deps.wechat.sendSubscribeMessage({ openid: claim.openid, templateId: claim.templateId, page, data })
  } catch (error) {
    // The client promises not to throw for WeChat's answers, so this is a bug on our side, after the request
    // may have left: treated like no answer at all.
    deps.logger.error('subscribe message send threw', {
      outboxId: claim.outboxId,
      error: error instanceof Error ? error.name : typeof error,
    })
    result = { ok: false, errcode: null, retryable: true }
  }
  // WeChat has delivered and nothing here knows it yet: the window that crash tests aim at.
  if (result.ok) deps.afterCommit?.('outbox.push')
  const outcome = outcomeOf(result, claim.attempt, now)
  const isRecorded = await deps.database.write((tx) => recordOutcome(tx, claim, outcome, now))
  if (!isRecorded) {
    deps.logger.warn('outbox outcome not recorded: the row was settled elsewhere', { outboxId: claim.outboxId })
    return null
  }
  const fields = { outboxId: claim.outboxId, messageId: claim.source.messageId, attempt: claim.attempt }
  if (outcome.status === 'sent') deps.logger.info('outbox push sent', fields)
  else deps.logger.warn('outbox push not sent', { ...fields, status: outcome.status, lastError: outcome.lastError })
  return outcome
}

function outcomeOf(result: SubscribeSendResult, attempt: number, now: number): Outcome {
  if (result.ok) return { status: 'sent', lastError: null, credit: 'spent' }
  const { errcode } = result
  if (errcode === null) {
    // Timeout, dropped connection, gateway error: the request may have reached WeChat and been delivered.
    // WeChat's send has no idempotency key, so sending again could push the same message twice. Not retried,
    // and the credit counts as spent, as WeChat may have used it.
    return {
      status: 'failed',
      lastError: 'no answer from WeChat; the push may or may not have arrived',
      credit: 'spent',
    }
  }
  if (errcode === WECHAT_ERRCODE.USER_REFUSED_SUBSCRIPTION) {
    // 43101: WeChat holds no acceptance of this template for the citizen (never granted, used up, or turned
    // off in WeChat's settings). WeChat consumed nothing, but our count was wrong: it is set to zero rather
    // than given back, so the next notice does not ask WeChat in vain. A new tap adds credits again.
    return { status: 'failed', lastError: 'errcode 43101: no subscription on WeChat', credit: 'zeroed' }
  }
  // Every other refusal is an answer: WeChat did not deliver and did not consume the citizen's subscription.
  if (!result.retryable) return { status: 'failed', lastError: `errcode ${errcode}`, credit: 'returned' }
  if (attempt >= OUTBOX_MAX_ATTEMPTS) {
    return { status: 'failed', lastError: `errcode ${errcode} after ${attempt} attempts`, credit: 'returned' }
  }
  return {
    status: 'pending',
    lastError: `errcode ${errcode}`,
    nextAttemptAt: now + OUTBOX_RETRY_BASE_MS * 2 ** (attempt - 1),
    credit: 'returned',
  }
}

/**
 * Writes the outcome if this claim still owns the row: same `attempts`, and either still `sending` or closed as
 * interrupted by a sweep that thought it dead (the true outcome is better than the guess). Credits move only
 * when the row did.
 */
async function recordOutcome(tx: WriteTx, claim: Claim, outcome: Outcome, now: number): Promise<boolean> {
  const updated = await tx
    .update(notificationOutbox)
    .set({
      status: outcome.status,
      lastError: outcome.lastError,
      ...(outcome.status === 'sent' ? { sentAt: now } : {}),
      ...(outcome.nextAttemptAt === undefined ? {} : { nextAttemptAt: outcome.nextAttemptAt }),
    })
    .where(
      and(
        eq(notificationOutbox.id, claim.outboxId),
        eq(notificationOutbox.attempts, claim.attempt),
        or(
          eq(notificationOutbox.status, 'sending'),
          and(eq(notificationOutbox.status, 'failed'), eq(notificationOutbox.lastError, OUTBOX_INTERRUPTED)),
        ),
      ),
    )
    .returning({ id: notificationOutbox.id })
  if (updated.length === 0) return false
  if (outcome.credit === 'spent') return true
  await tx
    .update(subscriptionCredits)
    .set({
      credits: outcome.credit === 'zeroed' ? 0 : sql`${subscriptionCredits.credits} + 1`,
      updatedAt: now,
    })
    .where(
      and(eq(subscriptionCredits.citizenId, claim.citizenId), eq(subscriptionCredits.templateId, claim.templateId)),
    )
  return true
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
