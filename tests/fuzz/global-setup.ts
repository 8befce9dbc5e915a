import { appendFileSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { type FakeWeChat, startFakeWeChat } from '../../api/test/fake-wechat-server'
import { REPO_ROOT, type RunningApi, startApi } from '../support/api-server'
import { FUZZ_WECHAT, resolveSeed } from './fuzz-env'

/**
 * One real API process for the whole hostile-input layer (tests/vitest.fuzz.config.ts), on its own libSQL file in
 * demo mode, with WeChat faked on 127.0.0.1 so that nothing leaves the machine. The server's log lines are copied
 * to a file the test files read, to catch 5xx answers nobody received (a client that hung up mid-request).
 */
export default async function setup(project: TestProject) {
  const outputDir = join(REPO_ROOT, 'tests', 'test-output', 'fuzz')
  // Reports of an earlier run would read as this run's.
  rmSync(outputDir, { recursive: true, force: true })
  const seed = resolveSeed(process.env.FUZZ_SEED)
  process.stdout.write(`\n[fuzz] seed ${seed} — replay with FUZZ_SEED=${seed}\n`)
  let wechat: FakeWeChat | undefined
  let api: RunningApi | undefined
  let timer: NodeJS.Timeout | undefined
  try {
    wechat = await startFakeWeChat({ appId: FUZZ_WECHAT.appId, secret: FUZZ_WECHAT.secret })
    api = await startApi({
      env: {
        WECHAT_APPID: FUZZ_WECHAT.appId,
        WECHAT_SECRET: FUZZ_WECHAT.secret,
        WECHAT_API_BASE_URL: wechat.baseUrl,
      },
    })
  } catch (error) {
    await wechat?.close()
    throw error
  }
  const running = api
  const logPath = join(running.dataDir, 'fuzz-server.log')
  writeFileSync(logPath, '')
  let copied = 0
  const copyLog = () => {
    const lines = running.output.slice(copied)
    copied += lines.length
    if (lines.length > 0) appendFileSync(logPath, `${lines.join('\n')}\n`)
  }
  copyLog()
  timer = setInterval(copyLog, 100)

  project.provide('fuzzServer', {
    baseUrl: running.baseUrl,
    port: running.port,
    dataDir: running.dataDir,
    logPath,
    seed,
  })

  return async () => {
    if (timer) clearInterval(timer)
    timer = undefined
    copyLog()
    // Kept after the data directory is gone: the server's side of whatever a failure report points at.
    mkdirSync(outputDir, { recursive: true })
    copyFileSync(logPath, join(outputDir, 'server.log'))
    await running.stop()
    await wechat?.close()
  }
}
