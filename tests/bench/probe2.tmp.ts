import { contentAad } from '@xinfang/api/domain/petitions/submit-petition'
import { encryptField } from '@xinfang/api/domain/privacy/field-crypto'
import { createKeyringFile, keyringFromFile } from '@xinfang/api/domain/privacy/keyring'
import { EVENT_SHAPE, PETITION_SHAPE, seededRow, type SeedPlan } from './seed-plan'
const now = Date.now()
const plan: SeedPlan = { count: 1000000, spanStart: now - 730 * 86400000, spanEnd: now, now, intakeUnitId: 'u1', disciplineUnitId: 'u2', categories: [{ id: 'c1', code: 'labor', defaultUnitId: 'u3' }, { id: 'c2', code: 'discipline', defaultUnitId: 'u2' }], trackingYears: [{ year: '2025', firstIndex: 0, counterStart: 0 }], queryCodes: [{ code: 'AAAAAAAA', hash: 'x'.repeat(43) }], citizenCount: 10 }
const cids = Array.from({ length: 400 }, (_, i) => `cid-${i}`)
const k = keyringFromFile(createKeyringFile(), 'demo-file')
const N = 20000
let t = performance.now()
const rows = Array.from({ length: N }, (_, g) => seededRow(plan, cids, g))
console.log('rows', (performance.now() - t).toFixed(0)); t = performance.now()
const enc: string[] = []
for (let i = 0; i < N; i += 500) enc.push(...await Promise.all(rows.slice(i, i + 500).map((r) => encryptField(k, r.content, contentAad(r.petition.id)))))
console.log('encrypt', (performance.now() - t).toFixed(0)); t = performance.now()
const p = rows.map((r, i) => PETITION_SHAPE.argsOf({ ...r.petition, contentEnc: enc[i]! }))
const e = rows.map((r) => EVENT_SHAPE.argsOf(r.event))
const s = JSON.stringify(p) + JSON.stringify(e)
console.log('json', (performance.now() - t).toFixed(0), s.length)
