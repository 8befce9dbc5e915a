#!/usr/bin/env node
/**
 * Runs WeChat's miniprogram-ci offline against a built weapp package and writes what it found as JSON:
 *
 *   node tests/support/weapp-ci.mjs <miniprogram dir> <result.json>
 *
 * - compile: `getCompiledResult`, which validates app.json (a listed page without its files fails) and compiles
 *   the package as an upload would;
 * - analysis: `analyseCode`, every file with its size and subpackage;
 * - quality: `checkCodeQuality`, whose PACKAGE_SIZE_LIMIT item holds the package sizes (`__APP__` = main package).
 *
 * Why a plain .mjs in its own process: miniprogram-ci forks a compiler worker that breaks under tsx's loader, and it
 * leaves a file watcher open, so the process has to exit explicitly. It needs a private key even offline (any
 * string, since nothing is signed or uploaded) and its project attributes, normally fetched from WeChat's servers,
 * are replaced by its own defaults. `es6: false`: its ES6 transform cannot resolve its babel helpers under pnpm.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const require = createRequire(import.meta.url)
const ci = require('miniprogram-ci')

const [projectPath, resultFile] = process.argv.slice(2)
if (!projectPath || !resultFile) {
  process.stderr.write('usage: node weapp-ci.mjs <miniprogram dir> <result.json>\n')
  process.exit(2)
}

function describe(error) {
  if (error instanceof Error) return { error: error.message, code: 'code' in error ? error.code : undefined }
  return { error: String(error) }
}

function readAppid() {
  const config = join(projectPath, 'project.config.json')
  if (!existsSync(config)) return 'touristappid'
  const { appid } = JSON.parse(readFileSync(config, 'utf8'))
  return typeof appid === 'string' && appid ? appid : 'touristappid'
}

const project = new ci.Project({
  appid: readAppid(),
  type: 'miniProgram',
  projectPath,
  privateKey: 'offline-checks-sign-nothing',
  ignores: ['node_modules/**/*'],
})
project.attr = async () => ci.DefaultProjectAttr

const result = {}
try {
  const compiled = await ci.getCompiledResult({
    project,
    setting: { es6: false, minify: false },
    onProgressUpdate: () => {},
  })
  result.compile = { ok: true, files: Object.keys(compiled).sort() }
} catch (error) {
  result.compile = { ok: false, ...describe(error) }
}

try {
  const analysis = await ci.analyseCode(project, { silent: true })
  result.analysis = {
    files: (analysis?.files ?? []).map(({ path, size, subPackage }) => ({
      path,
      size,
      subPackage: subPackage ?? null,
    })),
  }
} catch (error) {
  result.analysis = describe(error)
}

try {
  const checks = await ci.checkCodeQuality(project)
  const sizeCheck = checks.find((check) => check.name === 'PACKAGE_SIZE_LIMIT')
  result.quality = {
    packageSizes: sizeCheck?.detail ?? {},
    checks: checks.map(({ name, success, text }) => ({ name, success, text })),
  }
} catch (error) {
  result.quality = describe(error)
}

writeFileSync(resultFile, `${JSON.stringify(result, null, 2)}\n`)
process.exit(result.compile.ok ? 0 : 1)
