import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { REPO_ROOT } from '../support/api-server'

/**
 * The HTTP ceiling: a trivial Hono app (`GET /` → `ok`) on `@hono/node-server`, in its own Node process on
 * 127.0.0.1 — the same runtime, adapter and machine as the API, with no routing, validation, auth, logging or
 * database. Whatever the API reaches is measured against what this reaches in the same run.
 *
 * Written as an ES module evaluated with the API package as working directory: `--eval` resolves bare imports
 * from the working directory, and hono lives in the API's dependencies, not the test package's.
 */
const SOURCE = `
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
const app = new Hono().get('/', (c) => c.text('ok'))
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => process.stdout.write('listening ' + info.port + '\\n'))
// Stops by itself: when the benchmark closes stdin (or dies), or after its lifetime at the latest.
process.stdin.on('end', () => process.exit(0))
process.stdin.on('error', () => process.exit(0))
process.stdin.resume()
setTimeout(() => process.exit(0), Number(process.env.LIFETIME_MS)).unref()
`

export interface CeilingServer {
  baseUrl: string
  pid: number
  stop(): Promise<void>
}

export async function startHttpCeiling(lifetimeMs: number): Promise<CeilingServer> {
  const child = spawn(process.execPath, ['--input-type=module', '--eval', SOURCE], {
    cwd: join(REPO_ROOT, 'api'),
    env: { PATH: process.env.PATH ?? '', LIFETIME_MS: String(lifetimeMs) },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let output = ''
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the HTTP ceiling server did not start:\n${output}`)), 15_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8')
      const match = /listening (\d+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(Number(match[1]))
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    void exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`the HTTP ceiling server exited:\n${output}`))
    })
  })
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    async stop() {
      child.stdin.end()
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}
