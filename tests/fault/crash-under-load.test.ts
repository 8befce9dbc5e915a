import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { createClient } from '@libsql/client'
import { BookingListSchema, PetitionListSchema } from '@xinfang/shared'
import { expect, test } from 'vitest'
import { type RunningApi, startApi } from '../support/api-server'
import { type LedgerEntry, planWrites, prepareCitizens, send } from '../support/crash-load'

/** How many times the server is killed; `npm run soak` raises it to hundreds for release checks. */
const KILLS = Number(process.env.XINFANG_SOAK_KILLS ?? 20)
const CITIZENS = 24
const PETITIONS_EACH = 4

test(
  `under steady submissions and bookings, ${KILLS} SIGKILLs lose no acknowledged write and duplicate none`,
  async () => {
    let api: RunningApi = await startApi()
    const { dataDir } = api
    try {
      const citizens = await prepareCitizens(api.baseUrl, CITIZENS, 'soak')
      const ledger = await planWrites(api.baseUrl, citizens, PETITIONS_EACH)
      let kills = 0
      let acknowledgedBeforeLastKill = 0

      // Each round: clients keep writing (and retrying what was lost) until the server is killed at a random moment
      // after it has acknowledged a first write: a kill that lands while a fresh process is still warming up, before
      // anything could be acknowledged, would test nothing.
      while (kills < KILLS) {
        const baseUrl = api.baseUrl
        const open = () => ledger.filter((entry) => entry.acknowledgedId === null)
        let isRunning = true
        let firstAcknowledged = () => {}
        const acknowledged = new Promise<void>((resolve) => {
          firstAcknowledged = resolve
        })
        const clients = Array.from({ length: 6 }, async (_, worker) => {
          let round = 0
          while (isRunning) {
            const pending = open()
            const entry =
              pending[(worker + round++) % Math.max(1, pending.length)] ?? ledger[(worker * 7 + round) % ledger.length]
            if (!entry) break
            const citizen = citizens[entry.citizen]
            if (!citizen) break
            const outcome = await send(baseUrl, entry, citizen)
            if (outcome === 'acknowledged') firstAcknowledged()
            // A dead server refuses at once: a moment's pause keeps the client from spinning.
            if (outcome === 'lost') await new Promise((resolve) => setTimeout(resolve, 5))
          }
        })
        await acknowledged
        // The random moment itself is the fault being injected, not a wait for something.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 260))
        await api.kill()
        isRunning = false
        await Promise.all(clients)
        kills++
        acknowledgedBeforeLastKill = ledger.filter((entry) => entry.acknowledgedId !== null).length
        api = await startApi({ dataDir })
      }

      // Final life: every write is retried with its own key until it is acknowledged.
      for (const entry of ledger) {
        const citizen = citizens[entry.citizen]
        if (!citizen) continue
        for (let attempt = 0; attempt < 5 && entry.acknowledgedId === null; attempt++)
          await send(api.baseUrl, entry, citizen)
        // Retrying an acknowledged write replays it: same id, nothing new.
        if (entry.acknowledgedId !== null) await send(api.baseUrl, entry, citizen)
      }
      expect(kills).toBe(KILLS)
      expect(acknowledgedBeforeLastKill).toBeGreaterThan(0)
      expect(ledger.filter((entry) => entry.acknowledgedId === null).map((e) => e.key)).toEqual([])

      // Each acknowledged petition and booking exists exactly once, and nothing else was created.
      for (const [index, citizen] of citizens.entries()) {
        const mine = (kind: LedgerEntry['kind']) =>
          ledger
            .filter((e) => e.citizen === index && e.kind === kind)
            .map((e) => e.acknowledgedId)
            .sort()
        const headers = { authorization: `Bearer ${citizen.token}` }
        const petitions = PetitionListSchema.parse(
          await (await fetch(`${api.baseUrl}/api/v1/petitions?limit=50`, { headers })).json(),
        )
        expect(petitions.items.map((p) => p.id).sort()).toEqual(mine('petition'))
        const bookings = BookingListSchema.parse(
          await (await fetch(`${api.baseUrl}/api/v1/bookings?limit=50`, { headers })).json(),
        )
        expect(bookings.items.map((b) => b.id).sort()).toEqual(mine('booking'))
      }
    } finally {
      await api.stop()
    }

    const db = createClient({ url: `file:${join(dataDir, 'xinfang.db')}` })
    try {
      expect((await db.execute('PRAGMA integrity_check')).rows[0]?.[0]).toBe('ok')
      const mismatched = await db.execute(`
      SELECT s.id, s.booked, COALESCE(SUM(b.attendees), 0) AS held
      FROM reception_slots s
      LEFT JOIN bookings b ON b.slot_id = s.id AND b.status IN ('pending', 'confirmed', 'checked_in')
      GROUP BY s.id HAVING s.booked <> held`)
      expect(mismatched.rows).toEqual([])
      const duplicates = await db.execute(
        'SELECT tracking_no, count(*) AS n FROM petitions GROUP BY tracking_no HAVING n > 1',
      )
      expect(duplicates.rows).toEqual([])
    } finally {
      db.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  },
  60_000 + KILLS * 5_000,
)
