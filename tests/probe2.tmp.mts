import { sendRaw } from './fuzz/raw-http'
import { readFileSync } from 'node:fs'
const { baseUrl } = JSON.parse(readFileSync('/tmp/probe-api.json', 'utf8'))
const port = Number(new URL(baseUrl).port)
const show = async (label: string, r: Parameters<typeof sendRaw>[1]) => {
  const t = Date.now()
  const o = await sendRaw(port, r, 5000)
  console.log(label, Date.now() - t, 'ms', o.kind === 'response' ? `${o.status} ${[...o.headers].join('|').slice(0,300)} ${o.body.toString().slice(0, 200)}` : o.reason)
}
const json = (s: string) => new TextEncoder().encode(s)
await show('valid', { method: 'POST', target: '/api/v1/auth/demo', headers: [['Content-Type', 'application/json']], body: json('{"name":"a"}') })
