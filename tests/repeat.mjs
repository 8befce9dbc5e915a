#!/usr/bin/env node
// `npm run test:repeat -- --layer miniapp --times 20`: runs one test layer N times in a row and lists every test
// that failed in any run, with how many times, so that a test which passes only by chance shows up before it
// reaches someone else's branch. Exits non-zero if any test failed even once. Plain .mjs, like run-all.mjs.
//
//   --layer <name>   shared | api | miniapp | weapp | weapp-static | e2e | fault | load | fuzz
//   --times <n>      how many runs (default 10)
//   -- <args>        passed on to vitest, e.g. a file filter: `-- src/db/embedded-client.test.ts`
//
// Ctrl-C (or SIGTERM to this process) stops after the run in progress and reports the runs that completed.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../', import.meta.url))

/** The layers of run-all.mjs: the package that runs it and the vitest config it takes. */
const LAYERS = {
  shared: { dir: 'shared', args: [] },
  api: { dir: 'api', args: [] },
  miniapp: { dir: 'miniapp', args: [] },
  weapp: { dir: 'tests', args: ['--config', 'vitest.weapp.config.ts'], needsBuild: true },
  'weapp-static': { dir: 'tests', args: ['--config', 'vitest.weapp-static.config.ts'], needsBuild: true },
  e2e: { dir: 'tests', args: ['--config', 'vitest.e2e.config.ts'], needsBuild: true },
  fault: { dir: 'tests', args: ['--config', 'vitest.fault.config.ts'] },
  load: { dir: 'tests', args: ['--config', 'vitest.load.config.ts'] },
  fuzz: { dir: 'tests', args: ['--config', 'vitest.fuzz.config.ts'] },
}

function usage(message) {
  process.stderr.write(
    `${message}\nusage: npm run test:repeat -- --layer <${Object.keys(LAYERS).join('|')}> [--times <n>] [-- <vitest args>]\n`,
  )
  process.exit(2)
}

function parseArgs(argv) {
  const options = { layer: undefined, times: 10, vitestArgs: [] }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') {
      options.vitestArgs = argv.slice(i + 1)
      break
    }
    const [name, inline] = arg.split('=', 2)
    const value = () => inline ?? argv[++i]
    if (name === '--layer') options.layer = value()
    else if (name === '--times') options.times = Number(value())
    else usage(`unknown argument ${arg}`)
  }
  if (!options.layer || !(options.layer in LAYERS)) usage(`--layer must be one of ${Object.keys(LAYERS).join(', ')}`)
  if (!Number.isInteger(options.times) || options.times < 1) usage('--times must be a positive integer')
  return options
}

/**
 * Failures of one run from vitest's JSON report: one entry per failed test, and one per file that failed outside
 * any test (an import error, a failing hook), keyed so that the same failure in two runs is counted together.
 */
function failuresOf(report, packageDir) {
  const failures = []
  for (const file of report.testResults ?? []) {
    const fileName = relative(ROOT, file.name)
    const failedTests = (file.assertionResults ?? []).filter((test) => test.status === 'failed')
    for (const test of failedTests) {
      failures.push({ key: `${fileName} › ${test.fullName}`, message: test.failureMessages?.[0] ?? '' })
    }
    if (file.status === 'failed' && failedTests.length === 0) {
      failures.push({ key: `${fileName} (the file itself)`, message: file.message ?? '' })
    }
  }
  if (failures.length === 0 && report.success === false) {
    failures.push({ key: `${relative(ROOT, packageDir) || '.'} (the run itself)`, message: 'vitest reported failure' })
  }
  return failures
}

const options = parseArgs(process.argv.slice(2))
const layer = LAYERS[options.layer]
const packageDir = join(ROOT, layer.dir)
const vitest = join(packageDir, 'node_modules', '.bin', 'vitest')
if (!existsSync(vitest)) usage(`vitest is not installed in ${layer.dir}/: run npm run setup first`)
if (layer.needsBuild && !existsSync(join(ROOT, 'miniapp', 'dist', 'weapp', 'app.js'))) {
  usage('this layer needs the mini-program build: npm run build')
}

const outputDir = join(ROOT, 'tests', 'test-output', 'repeat')
rmSync(outputDir, { recursive: true, force: true })
mkdirSync(outputDir, { recursive: true })

/** Failure key → runs it failed in, and the first message seen. */
const failed = new Map()
let testsPerRun = 0
let runsCompleted = 0
let isStopping = false
// Handled once the run in progress returns: spawnSync holds the event loop until then.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    isStopping = true
  })
}
const started = Date.now()
for (let run = 1; run <= options.times && !isStopping; run++) {
  const report = join(outputDir, `run-${run}.json`)
  const runStarted = Date.now()
  const result = spawnSync(
    vitest,
    ['run', ...layer.args, '--reporter=dot', '--reporter=json', `--outputFile.json=${report}`, ...options.vitestArgs],
    { cwd: packageDir, stdio: ['ignore', 'inherit', 'inherit'], env: process.env },
  )
  // A signal that came during the run is handled only once the event loop has gone round (libuv reads it in the
  // poll phase of one turn and runs the handler in the next).
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve))
  // A run cut short by Ctrl-C says nothing about the tests.
  if (isStopping && (result.signal !== null || result.status === 130 || result.status === 143)) break
  const json = existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : undefined
  const failures = json
    ? failuresOf(json, packageDir)
    : [{ key: `${options.layer} (no report: vitest exited with ${result.status ?? result.signal})`, message: '' }]
  if (result.status !== 0 && failures.length === 0) {
    failures.push({ key: `${options.layer} (vitest exited with ${result.status ?? result.signal})`, message: '' })
  }
  for (const failure of failures) {
    const entry = failed.get(failure.key) ?? { runs: [], message: failure.message }
    entry.runs.push(run)
    failed.set(failure.key, entry)
  }
  testsPerRun = Math.max(testsPerRun, json?.numTotalTests ?? 0)
  runsCompleted = run
  process.stdout.write(
    `[repeat] ${options.layer} run ${run}/${options.times}: ${json?.numPassedTests ?? 0} passed, ` +
      `${failures.length} failed (${((Date.now() - runStarted) / 1000).toFixed(0)} s)\n`,
  )
}

const minutes = ((Date.now() - started) / 60_000).toFixed(1)
const stoppedEarly = runsCompleted < options.times ? ` (stopped after ${runsCompleted} of ${options.times})` : ''
process.stdout.write(
  `\n[repeat] ${options.layer}: ${runsCompleted} runs of ${testsPerRun} tests in ${minutes} min${stoppedEarly}\n`,
)
if (runsCompleted === 0) {
  process.stdout.write('[repeat] no run completed: nothing to report\n')
  process.exit(1)
}
if (failed.size === 0) {
  process.stdout.write('[repeat] every test passed in every run\n')
  process.exit(0)
}
const sorted = [...failed.entries()].sort((a, b) => b[1].runs.length - a[1].runs.length)
for (const [key, { runs, message }] of sorted) {
  process.stdout.write(`\n✗ ${key}\n  failed ${runs.length} of ${runsCompleted} runs (run ${runs.join(', ')})\n`)
  const firstLines = message.split('\n').slice(0, 6).join('\n    ')
  if (firstLines) process.stdout.write(`    ${firstLines}\n`)
}
process.stdout.write(`\n[repeat] ${failed.size} tests failed at least once; reports in ${relative(ROOT, outputDir)}/\n`)
process.exit(1)
