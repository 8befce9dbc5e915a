#!/usr/bin/env node
// `npm test`: typecheck, lint, build the mini-program, then the four test layers, with a summary line per layer
// and an overall `N passed, N failed` line. Plain .mjs so it runs before anything is compiled.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const OUT = join(ROOT, 'tests', 'test-output')
rmSync(join(OUT, 'results'), { recursive: true, force: true })
mkdirSync(join(OUT, 'results'), { recursive: true })

const results = []
const started = Date.now()

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...options.env } })
  return result.status === 0
}

function heading(text) {
  process.stdout.write(`\n━━ ${text} ${'━'.repeat(Math.max(0, 70 - text.length))}\n`)
}

/** A step that is one check (typecheck, lint, build): counts as one passed or failed. */
function step(name, command, args) {
  heading(name)
  const t0 = Date.now()
  const ok = run(command, args)
  results.push({ name, passed: ok ? 1 : 0, failed: ok ? 0 : 1, seconds: (Date.now() - t0) / 1000 })
  return ok
}

/** A vitest layer: its tests are counted from vitest's JSON report. */
function vitestLayer(name, filter, args = []) {
  heading(name)
  const t0 = Date.now()
  const report = join(OUT, 'results', `${name.replace(/[^a-z0-9]+/gi, '-')}.json`)
  const ok = run('pnpm', [
    '--filter',
    filter,
    'exec',
    'vitest',
    'run',
    ...args,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
  ])
  let passed = 0
  let failed = ok ? 0 : 1
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, 'utf8'))
    passed = json.numPassedTests
    failed = json.numFailedTests + (json.numFailedTestSuites > 0 && json.numFailedTests === 0 ? 1 : 0)
    if (!ok && failed === 0) failed = 1
    if (json.numTotalTests === 0) failed += 1
  }
  results.push({ name, passed, failed, seconds: (Date.now() - t0) / 1000 })
  process.stdout.write(`${name}: ${passed} passed, ${failed} failed\n`)
  return failed === 0
}

/** Debian packages the layers need, each with a file that shows it is installed. */
const DEBIAN_PACKAGES = [
  { name: 'chromium', file: '/usr/bin/chromium', for: 'the H5 layer' },
  { name: 'fonts-noto-cjk', file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', for: 'the H5 layer' },
  { name: 'util-linux', file: '/usr/bin/prlimit', for: "the fault layer's full-disk test" },
]

function ensureDebianPackages() {
  const missing = DEBIAN_PACKAGES.filter((pkg) => !existsSync(pkg.file))
  if (missing.length === 0) return true
  const names = missing.map((pkg) => pkg.name)
  heading(
    `install ${names.join(', ')} (Debian packages, for ${[...new Set(missing.map((pkg) => pkg.for))].join(' and ')})`,
  )
  if (process.getuid?.() !== 0 && !run('sudo', ['-n', 'true'])) {
    process.stdout.write(`Packages cannot be installed without root: apt-get install ${names.join(' ')}\n`)
    return false
  }
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n']
  const apt = (args) =>
    run(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), ...args], {
      env: { DEBIAN_FRONTEND: 'noninteractive' },
    })
  return apt(['update', '-qq']) && apt(['install', '-y', '-qq', '--no-install-recommends', ...names])
}

ensureDebianPackages()
const browserReady = DEBIAN_PACKAGES.filter((pkg) => pkg.for === 'the H5 layer').every((pkg) => existsSync(pkg.file))
step('typecheck', 'pnpm', ['-r', 'run', 'typecheck'])
step('lint', 'pnpm', ['exec', 'biome', 'check', '.'])
const built = step('build mini-program (weapp + h5)', 'pnpm', ['--filter', '@xinfang/miniapp', 'run', 'build'])

vitestLayer('1 unit: shared', '@xinfang/shared')
vitestLayer('1 unit: api', '@xinfang/api')
vitestLayer('1 unit: miniapp', '@xinfang/miniapp')
if (built) {
  vitestLayer('2 weapp simulation', '@xinfang/tests', ['--config', 'vitest.weapp.config.ts'])
  vitestLayer('3 weapp static checks', '@xinfang/tests', ['--config', 'vitest.weapp-static.config.ts'])
}
if (built && browserReady) {
  vitestLayer('4 H5 end-to-end (Chromium)', '@xinfang/tests', ['--config', 'vitest.e2e.config.ts'])
} else {
  results.push({ name: '4 H5 end-to-end (Chromium)', passed: 0, failed: 1, seconds: 0 })
}

vitestLayer('5 fault (crash and restart)', '@xinfang/tests', ['--config', 'vitest.fault.config.ts'])
vitestLayer('6 load (booking contention)', '@xinfang/tests', ['--config', 'vitest.load.config.ts'])
vitestLayer('7 hostile input (fuzz)', '@xinfang/tests', ['--config', 'vitest.fuzz.config.ts'])

heading('summary')
for (const r of results) {
  process.stdout.write(
    `${r.name.padEnd(34)} ${String(r.passed).padStart(4)} passed, ${r.failed} failed  (${r.seconds.toFixed(1)} s)\n`,
  )
}
const passed = results.reduce((sum, r) => sum + r.passed, 0)
const failed = results.reduce((sum, r) => sum + r.failed, 0)
process.stdout.write(`total time ${((Date.now() - started) / 1000).toFixed(0)} s\n`)
process.stdout.write(`${passed} passed, ${failed} failed\n`)
process.exit(failed === 0 ? 0 : 1)
