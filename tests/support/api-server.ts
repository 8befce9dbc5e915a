import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
const API_DIR = join(REPO_ROOT, 'api')

export interface RunningApi {
  baseUrl: string
  port: number
  pid: number
  dataDir: string
  /** Every line the server printed, in order (JSON log lines on stdout, banner on stderr). */
  output: string[]
  /** Resolves with the exit code once the process has ended, however it ended (a crash switch, a signal). */
  exited: Promise<number | null>
  /** Resolves with the first line printed (already, or from now on) that `matches`. */
  waitForLine(matches: (line: string) => boolean): Promise<string>
  /** SIGTERM, wait for exit, remove the data directory (unless it was given). */
  stop(): Promise<void>
  /** SIGKILL: the process dies mid-whatever, as in a power cut of the process. */
  kill(): Promise<void>
  /** SIGTERM, and the exit code once the process has stopped by itself (the data directory is kept). */
  terminate(): Promise<number | null>
}

export interface StartApiOptions {
  env?: Record<string, string>
  /** Reuse a data directory (to restart on the same database); by default a fresh temp dir is made. */
  dataDir?: string
  /** Serve the H5 build from this directory. */
  webRoot?: string
  startTimeoutMs?: number
}

/**
 * Starts the real API (`api/src/entry-node.ts`) as a child process on 127.0.0.1 and a free port, in demo mode on
 * its own libSQL file, and resolves once it logs that it is listening.
 */
export async function startApi(options: StartApiOptions = {}): Promise<RunningApi> {
  const ownsDataDir = options.dataDir === undefined
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'xinfang-api-'))
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/entry-node.ts'], {
    cwd: API_DIR,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      XINFANG_MODE: 'demo',
      HOST: '127.0.0.1',
      PORT: '0',
      XINFANG_DATA_DIR: dataDir,
      XINFANG_WEB_ROOT: options.webRoot ?? join(dataDir, 'no-web'),
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output: string[] = []
  const lineWaiters = new Set<{ matches: (line: string) => boolean; resolve: (line: string) => void }>()
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`API did not start within ${options.startTimeoutMs ?? 30_000} ms:\n${output.join('\n')}`))
    }, options.startTimeoutMs ?? 30_000)
    const onLine = (line: string) => {
      output.push(line)
      for (const waiter of lineWaiters) {
        if (!waiter.matches(line)) continue
        lineWaiters.delete(waiter)
        waiter.resolve(line)
      }
      if (!line.startsWith('{')) return
      try {
        const entry: unknown = JSON.parse(line)
        if (typeof entry === 'object' && entry !== null && 'msg' in entry && entry.msg === 'listening') {
          clearTimeout(timer)
          resolve(Number('port' in entry ? entry.port : Number.NaN))
        }
      } catch {
        // not a log line
      }
    }
    collectLines(child, 'stdout', onLine)
    collectLines(child, 'stderr', onLine)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`API exited with code ${code} before listening:\n${output.join('\n')}`))
    })
  })

  const cleanup = () => {
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true })
  }
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? -1,
    dataDir,
    output,
    exited,
    waitForLine(matches) {
      const known = output.find(matches)
      if (known !== undefined) return Promise.resolve(known)
      return new Promise((resolve) => lineWaiters.add({ matches, resolve }))
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
      cleanup()
    },
    async terminate() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      return exited
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
  }
}

function collectLines(child: ChildProcess, stream: 'stdout' | 'stderr', onLine: (line: string) => void): void {
  let buffered = ''
  child[stream]?.setEncoding('utf8')
  child[stream]?.on('data', (chunk: string) => {
    buffered += chunk
    let newline = buffered.indexOf('\n')
    while (newline >= 0) {
      onLine(buffered.slice(0, newline))
      buffered = buffered.slice(newline + 1)
      newline = buffered.indexOf('\n')
    }
  })
}
