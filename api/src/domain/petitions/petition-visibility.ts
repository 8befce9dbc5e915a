import { CROSS_UNIT_ROLES, canStaffSee, type WorkflowActor, type WorkflowPetition } from '@xinfang/shared'
import { type AnyColumn, and, eq, type SQL, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import type { Db } from '../../db/client'
import { petitions, units } from '../../db/schema'

/**
 * Who may know that a petition exists (《信访工作条例》第三十条第三款): the one place the API answers it. A report
 * (检举控告) does not exist for the staff of the unit it accuses — not in a queue, a detail, a notice, a repeat link
 * or a booking — and any other petition exists for its handling unit and for the roles that supervise across
 * units. The rule itself is `canStaffSee` in shared/src/workflow.ts; this module applies it twice over, as a
 * predicate for rows already read and as a SQL condition for every query that returns a petition's id, number,
 * title or text, and petition-visibility.test.ts holds the two equal on every combination.
 * See docs/decisions/012-confidentiality-policy.md.
 */

export type VisibilityFacts = Pick<WorkflowPetition, 'kind' | 'targetUnitId' | 'handlingUnitId'>

/** The columns the rule reads, of `petitions` or of an alias of it (a petition reached through a link). */
export interface VisibilityColumns {
  kind: AnyColumn
  targetUnitId: AnyColumn
  handlingUnitId: AnyColumn
}

/** For a petition already read: whether `actor` may know it exists. */
export function isPetitionVisibleTo(actor: WorkflowActor, petition: VisibilityFacts): boolean {
  return canStaffSee(actor, petition)
}

/**
 * The same rule as a condition on `columns`, for queries: rows it rejects are never read, so no list, count or
 * page cursor can betray them. `IS` rather than `=`: a report naming no unit (NULL) accuses nobody.
 */
export function petitionVisibleTo(actor: WorkflowActor, columns: VisibilityColumns = petitions): SQL {
  const notAccusingActor = sql`NOT (${columns.kind} = ${'report'} AND ${columns.targetUnitId} IS ${actor.unitId})`
  if (CROSS_UNIT_ROLES.includes(actor.role)) return notAccusingActor
  return and(eq(columns.handlingUnitId, actor.unitId), notAccusingActor) as SQL
}

/**
 * A link from one petition to another (疑似重复信访 → the earlier one; a booking → the matter it is about), as a
 * LEFT JOIN that finds the target only when `actor` may see it: a link to a petition they may not see reads as no
 * link at all, so neither its id nor anything naming it reaches them.
 */
export function visibleLinkTarget(actor: WorkflowActor, link: AnyColumn, name: string) {
  const target = alias(petitions, name)
  return { target, on: and(eq(target.id, link), petitionVisibleTo(actor, target)) as SQL }
}

/** The id `link` points at if `actor` may see that petition, else null. */
export async function visibleLinkedPetitionId(
  db: Db,
  actor: WorkflowActor,
  petitionId: string | null,
): Promise<string | null> {
  if (petitionId === null) return null
  const [row] = await db
    .select({ id: petitions.id })
    .from(petitions)
    .where(and(eq(petitions.id, petitionId), petitionVisibleTo(actor)))
    .limit(1)
  return row?.id ?? null
}

/**
 * Who a report came from is known only to the discipline body that received it: once a report is forwarded to
 * any other unit, the petitioner is withheld there, masked or not.
 */
export async function mayKnowPetitioner(
  db: Db,
  actor: WorkflowActor,
  petition: Pick<WorkflowPetition, 'kind'>,
): Promise<boolean> {
  if (petition.kind !== 'report') return true
  const [unit] = await db.select({ kind: units.kind }).from(units).where(eq(units.id, actor.unitId)).limit(1)
  return unit?.kind === 'discipline'
}
