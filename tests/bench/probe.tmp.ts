import { mkdtempSync } from 'node:fs'
import { startApi } from '../support/api-server'
import { seedPetitionsTo } from './seed-petitions'
const dir = mkdtempSync('/tmp/bx/seed-')
const api = await startApi({ dataDir: dir })
await api.terminate()
for (const [target, tag] of [[10000, 'a'], [200000, 'b']] as const) {
  const t = performance.now()
  const r = await seedPetitionsTo({ dataDir: dir, target, tag, workers: 2, chunkRows: 10000, deadline: performance.now() + 600000 })
  console.log(target, (performance.now() - t).toFixed(0), r && { ...r, plan: { ...r.plan, queryCodes: r.plan.queryCodes.length, categories: undefined } })
}
console.log(dir)
