import fc from 'fast-check'
import { readFileSync } from 'node:fs'
const doc = JSON.parse(readFileSync('/tmp/openapi.json', 'utf8'))
const patterns = new Set<string>()
JSON.stringify(doc, (k, v) => { if (k === 'pattern' && typeof v === 'string') patterns.add(v); return v })
for (const p of patterns) {
  try {
    const r = new RegExp(p, 'u')
    const t = Date.now()
    const s = fc.sample(fc.stringMatching(r, { maxLength: 80 }), { numRuns: 200, seed: 1 })
    console.log(p.slice(0, 50), Date.now() - t, 'ms', s.slice(0, 4), s.every((x) => r.test(x)))
  } catch (e) { console.log('ERR', p.slice(0, 50), String(e)) }
}
