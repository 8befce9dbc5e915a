import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { ReceptionSessionListSchema } from '@xinfang/shared'
import automator from 'miniprogram-automator'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { REPO_ROOT, type RunningApi, startApi } from '../support/api-server'

/*
 * The home-page journey in the real WeChat DevTools simulator. DevTools exists only for macOS and Windows, so
 * this runs on a developer's machine: set WECHAT_DEVTOOLS_CLI to the CLI (e.g.
 * /Applications/wechatwebdevtools.app/Contents/MacOS/cli) and enable 设置 → 安全设置 → 服务端口.
 * On Linux the same journey is proven by tests/weapp (miniprogram-simulate with WeChat's own compiler).
 */
const cliPath = process.env.WECHAT_DEVTOOLS_CLI
const WEAPP_DIR = join(REPO_ROOT, 'miniapp', 'dist', 'weapp')

let api: RunningApi
let miniProgram: Awaited<ReturnType<typeof automator.launch>>

beforeAll(async () => {
  if (!cliPath) {
    throw new Error('Set WECHAT_DEVTOOLS_CLI to the WeChat DevTools CLI to run these specs (macOS/Windows only).')
  }
  api = await startApi()
  // DevTools talks to the network for real: build the package against this API's address.
  const build = spawnSync('pnpm', ['--filter', '@xinfang/miniapp', 'run', 'build:weapp'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env: { ...process.env, TARO_APP_API_BASE: api.baseUrl },
  })
  if (build.status !== 0) throw new Error('weapp build failed')
  miniProgram = await automator.launch({ cliPath, projectPath: WEAPP_DIR })
})

afterAll(async () => {
  await miniProgram?.close()
  await api?.stop()
})

test('the home page in WeChat DevTools lists the seeded reception sessions', async () => {
  const sessions = ReceptionSessionListSchema.parse(await (await fetch(`${api.baseUrl}/api/v1/receptions`)).json())
  const page = await miniProgram.reLaunch('/pages/index/index')
  if (!page) throw new Error('DevTools did not open the home page')
  await page.waitFor(async () => (await page.$$('.reception-card')).length > 0)
  const cards = await page.$$('.reception-card')
  expect(cards.length).toBe(sessions.items.length)
  const list = await page.$('#reception-list')
  expect(await list?.text()).toContain(sessions.items[0]?.leader.name ?? '')
})
