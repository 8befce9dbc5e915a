import { CITIZEN_ACTION_RULES } from '@xinfang/shared'
import { and, eq, sql } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { petitions } from '../../db/schema'
import { AppError } from '../app-error'
import { recordPetitionStep } from './record-step'

/** The citizen withdraws their petition; allowed only before any reply (../shared/DOMAIN.md lifecycle). */
export async function withdrawPetition(
  database: Database,
  citizenId: string,
  petitionId: string,
  now: number,
): Promise<void> {
  await database.write(async (tx) => {
    const [row] = await tx
      .select()
      .from(petitions)
      .where(and(eq(petitions.id, petitionId), eq(petitions.citizenId, citizenId)))
      .limit(1)
    if (!row) throw new AppError('NOT_FOUND')
    if (!CITIZEN_ACTION_RULES.withdraw.from.includes(row.status)) {
      throw new AppError('INVALID_TRANSITION', { detail: '已答复或已办结的信访事项不能撤回' })
    }
    await tx
      .update(petitions)
      .set({
        status: CITIZEN_ACTION_RULES.withdraw.to,
        version: sql`${petitions.version} + 1`,
        closedAt: now,
        updatedAt: now,
      })
      .where(eq(petitions.id, petitionId))
    const message = `您已撤回信访事项 ${row.trackingNo}，办理程序终止。如有新的情况，可以重新提出。`
    await recordPetitionStep(
      tx,
      {
        petition: row,
        type: 'withdrawn',
        actor: { kind: 'citizen', id: citizenId },
        publicMessage: message,
        notice: { title: '信访事项已撤回', status: '已撤回' },
        audit: { action: 'petition.withdraw' },
      },
      now,
    )
  })
}
