import { startApi } from './support/api-server'
import { writeFileSync } from 'node:fs'
const api = await startApi()
writeFileSync('/tmp/probe-api.json', JSON.stringify({ baseUrl: api.baseUrl, dataDir: api.dataDir, pid: api.pid }))
console.log(api.baseUrl)
process.on('SIGTERM', async () => { await api.stop(); process.exit(0) })
setInterval(() => { writeFileSync('/tmp/probe-api.log', api.output.join('\n')) }, 1000)
