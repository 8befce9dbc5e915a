import { PETITION_KINDS, STAFF_ROLES, type WorkflowActor } from '@xinfang/shared'
import { and, eq, inArray } from 'drizzle-orm'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { createTestContext, type TestContext } from '../../../test/test-app'
import type { Db } from '../../db/client'
import { categories, citizens, petitions, units } from '../../db/schema'
import { newId } from '../../lib/ids'
import {
  isPetitionVisibleTo,
  petitionVisibleTo,
  type VisibilityFacts,
  visibleLinkedPetitionId,
  visibleLinkTarget,
} from './petition-visibility'

/*
 * The predicate and the SQL condition are the same rule written twice (petition-visibility.ts). These tests hold
 * them equal on every combination that matters: each kind, a report naming no unit, the actor's own unit, another
 * unit and a third, as the handling or the accused unit, read by every role from each of those units and from a
 * unit the petitions never touch.
 */

let context: TestContext
let db: Db

beforeEach(() => {
  context = createTestContext()
  db = context.database.db
})
afterEach(() => context.close())

const NOW = Date.parse('2026-11-23T08:00:00+08:00')

interface Seeded {
  facts: Map<string, VisibilityFacts>
  actors: WorkflowActor[]
}

async function seedEveryCombination(): Promise<Seeded> {
  const unitIds = (await db.select({ id: units.id }).from(units).orderBy(units.code)).map((row) => row.id)
  const [a, b, c, untouched] = unitIds
  const [category] = await db.select({ id: categories.id }).from(categories).limit(1)
  if (!a || !b || !c || !untouched || !category) throw new Error('the seeded reference data is missing')
  const citizenId = newId(NOW)
  await db.insert(citizens).values({ id: citizenId, openid: 'test:visibility', createdAt: NOW })
  const facts = new Map<string, VisibilityFacts>()
  let n = 0
  for (const kind of PETITION_KINDS) {
    for (const targetUnitId of [null, a, b, c]) {
      for (const handlingUnitId of [a, b, c]) {
        const id = newId(NOW)
        await db.insert(petitions).values({
          id,
          trackingNo: `XF-VIS-${n++}`,
          queryCodeHash: 'hash',
          citizenId,
          kind,
          categoryId: category.id,
          title: '可见性测试',
          contentEnc: 'ciphertext',
          targetUnitId,
          handlingUnitId,
          status: 'submitted',
          submittedAt: NOW,
          decideBy: NOW,
          updatedAt: NOW,
        })
        facts.set(id, { kind, targetUnitId, handlingUnitId })
      }
    }
  }
  const actors = STAFF_ROLES.flatMap((role) => [a, b, c, untouched].map((unitId) => ({ role, unitId })))
  return { facts, actors }
}

function expectedFor(seeded: Seeded, actor: WorkflowActor): string[] {
  return [...seeded.facts]
    .filter(([, facts]) => isPetitionVisibleTo(actor, facts))
    .map(([id]) => id)
    .sort()
}

test('the SQL condition admits exactly the petitions the predicate lets each actor see', async () => {
  const seeded = await seedEveryCombination()
  for (const actor of seeded.actors) {
    const rows = await db
      .select({ id: petitions.id })
      .from(petitions)
      .where(and(inArray(petitions.id, [...seeded.facts.keys()]), petitionVisibleTo(actor)))
    expect(rows.map((row) => row.id).sort(), `${actor.role} of ${actor.unitId}`).toEqual(expectedFor(seeded, actor))
  }
})

test('a report is hidden from every role of the unit it accuses; a report naming no unit accuses nobody', async () => {
  const seeded = await seedEveryCombination()
  for (const actor of seeded.actors) {
    for (const [, facts] of seeded.facts) {
      if (facts.kind === 'report' && facts.targetUnitId === actor.unitId) {
        expect(isPetitionVisibleTo(actor, facts)).toBe(false)
      }
    }
  }
  // A report naming no unit accuses nobody: its handling unit sees it.
  const [unaccused] =
    [...seeded.facts].find(([, facts]) => facts.kind === 'report' && facts.targetUnitId === null) ?? []
  const facts = unaccused ? seeded.facts.get(unaccused) : undefined
  expect(facts && isPetitionVisibleTo({ role: 'handler', unitId: facts.handlingUnitId }, facts)).toBe(true)
})

test('a link reaches its target only where the target is visible, through the join and through the lookup alike', async () => {
  const seeded = await seedEveryCombination()
  const ids = [...seeded.facts.keys()]
  // Every petition links to each report in turn, and to one complaint: the link reads as its target or as nothing.
  const complaint = ids.find((id) => seeded.facts.get(id)?.kind === 'complaint')
  const targets = [...ids.filter((id) => seeded.facts.get(id)?.kind === 'report'), ...(complaint ? [complaint] : [])]
  for (const targetId of targets) {
    await db.update(petitions).set({ possibleRepeatOfId: targetId }).where(inArray(petitions.id, ids))
    const targetFacts = seeded.facts.get(targetId)
    if (!targetFacts) throw new Error('unknown target')
    for (const actor of seeded.actors) {
      const expected = isPetitionVisibleTo(actor, targetFacts) ? targetId : null
      const link = visibleLinkTarget(actor, petitions.possibleRepeatOfId, 'linked')
      const [joined] = await db
        .select({ linked: link.target.id })
        .from(petitions)
        .leftJoin(link.target, link.on)
        .where(eq(petitions.id, ids[0] ?? ''))
      expect(joined?.linked ?? null, `join as ${actor.role} of ${actor.unitId}`).toBe(expected)
      expect(await visibleLinkedPetitionId(db, actor, targetId), `lookup as ${actor.role}`).toBe(expected)
    }
  }
})
