import { openDatabase } from '@xinfang/api/db/client'
import { runMigrations } from '@xinfang/api/db/migrate'
import { seedDemoData } from '@xinfang/api/db/seed/seed-demo'
import { citizens, petitions, petitionEvents, units, categories } from '@xinfang/api/db/schema'
import { newId } from '@xinfang/api/lib/ids'
import { mkdtempSync } from 'node:fs'
const dir = mkdtempSync('/tmp/bx/probe-')
const database = openDatabase({ url: `file:${dir}/x.db` })
await runMigrations(database)
await seedDemoData(database, Date.now())
const [u] = await database.db.select().from(units).limit(1)
const [c] = await database.db.select().from(categories).limit(1)
const enc = 'v1.k1.' + 'A'.repeat(16) + '.' + 'B'.repeat(400)
const N = 200000, CIT = 80000
let t = performance.now()
const cids: string[] = []
for (let i = 0; i < CIT; i += 20000) {
  await database.write(async (tx) => {
    for (let j = i; j < i + 20000; j += 1000) {
      const rows = Array.from({ length: 1000 }, (_, k) => { const id = newId(); cids.push(id); return { id, openid: `demo:seed-${j + k}`, isDemo: true, createdAt: Date.now() } })
      await tx.insert(citizens).values(rows)
    }
  })
}
console.log('citizens', (performance.now() - t).toFixed(0)); t = performance.now()
const base = Date.now() - 700 * 86400000
for (let i = 0; i < N; i += 20000) {
  await database.write(async (tx) => {
    for (let j = i; j < i + 20000; j += 500) {
      const prow = [], erow = []
      for (let k = j; k < j + 500; k++) {
        const at = base + k * 300000
        const id = newId(at)
        prow.push({ id, trackingNo: `XF-2025-${String(k).padStart(7, '0')}`, queryCodeHash: 'h'.repeat(43), citizenId: cids[k % CIT]!, kind: 'complaint' as const, categoryId: c!.id, title: '小区污水外溢无人处理一下', contentEnc: enc, addressEnc: null, handlingUnitId: u!.id, status: 'closed' as const, submittedAt: at, decideBy: at + 15 * 86400000, deadlineProfile: 'national', updatedAt: at })
        erow.push({ id: newId(at), petitionId: id, at, type: 'submitted', publicMessage: '您的投诉请求已提交，受理编号 XF-2026-000001。信访部门将在 2026-12-01 前告知是否受理（《信访工作条例》第二十二条）。', internalNote: null, actorKind: 'citizen' as const, actorId: cids[k % CIT]! })
      }
      await tx.insert(petitions).values(prow)
      await tx.insert(petitionEvents).values(erow)
    }
  })
}
console.log('petitions+events', (performance.now() - t).toFixed(0))
