import { mkdtempSync, rmSync } from 'node:fs'
import { openStorageCeiling } from './storage-ceiling'
import { startHttpCeiling } from './http-ceiling'
import { runLoad } from './load'
const dir = mkdtempSync('/tmp/bx/ceil-')
const c = await openStorageCeiling(dir)
console.log(await c.measure(1000, 100000))
console.log(await c.measure(4000, 100000))
c.close()
rmSync(dir, { recursive: true })
const h = await startHttpCeiling(60000)
await runLoad({ baseUrl: h.baseUrl, concurrency: 50, durationMs: 1000, maxRequests: 1e9, next: () => ({ method: 'GET', path: '/' }) })
console.log(await runLoad({ baseUrl: h.baseUrl, concurrency: 50, durationMs: 4000, maxRequests: 1e9, next: () => ({ method: 'GET', path: '/' }) }))
await h.stop()
