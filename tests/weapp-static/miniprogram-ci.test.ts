import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, expect, test } from 'vitest'
import {
  assertWeappBuild,
  fileSize,
  isRecord,
  listFiles,
  readAppJson,
  subpackagesOf,
  WEAPP_DIST_DIR,
  type WeappAppJson,
} from '../support/weapp-build'
import { type CiReport, runMiniprogramCi } from '../support/weapp-compiler'

/** Our own budget, half of WeChat's 2 MB main-package limit, so growth is noticed long before uploads fail. */
const MAIN_PACKAGE_BUDGET_BYTES = 1024 * 1024

let ci: { report: CiReport; output: string }
let appJson: WeappAppJson

beforeAll(async () => {
  assertWeappBuild()
  appJson = readAppJson()
  ci = await runMiniprogramCi(WEAPP_DIST_DIR)
})

function allPages(json: WeappAppJson): string[] {
  return [
    ...json.pages,
    ...subpackagesOf(json).flatMap((pkg) => pkg.pages.map((page) => `${pkg.root.replace(/\/+$/, '')}/${page}`)),
  ]
}

test('miniprogram-ci compiles the package and accepts its app.json', () => {
  expect(ci.report.compile, ci.output).toMatchObject({ ok: true })
})

test('every page listed in app.json, subpackages included, is in the compiled package', () => {
  const compiled = ci.report.compile.ok ? ci.report.compile.files : []
  for (const page of allPages(appJson)) {
    expect(compiled, `page ${page}`).toEqual(expect.arrayContaining([`${page}.js`, `${page}.json`, `${page}.wxml`]))
  }
})

test('miniprogram-ci rejects an app.json that lists a page the package lacks', async () => {
  const copy = mkdtempSync(join(tmpdir(), 'weapp-missing-page-'))
  try {
    cpSync(WEAPP_DIST_DIR, copy, { recursive: true })
    const json: unknown = JSON.parse(readFileSync(join(copy, 'app.json'), 'utf8'))
    writeFileSync(
      join(copy, 'app.json'),
      JSON.stringify({ ...(isRecord(json) ? json : {}), pages: [...appJson.pages, 'pages/not-built/index'] }),
    )
    const { report } = await runMiniprogramCi(copy)
    expect(report.compile.ok).toBe(false)
    expect(report.compile.ok ? '' : report.compile.error).toContain('pages/not-built/index')
  } finally {
    rmSync(copy, { recursive: true, force: true })
  }
})

test("the main package stays under the 1 MB budget (WeChat's limit is 2 MB)", () => {
  const fromCi = 'packageSizes' in ci.report.quality ? ci.report.quality.packageSizes.__APP__ : undefined
  // checkCodeQuality reports the main package as `__APP__`; should it ever fail offline, count the files outside
  // every subpackage root ourselves.
  const roots = subpackagesOf(appJson).map((pkg) => `${pkg.root.replace(/\/+$/, '')}/`)
  const bytes =
    fromCi ??
    listFiles(WEAPP_DIST_DIR)
      .filter((file) => !roots.some((root) => file.startsWith(root)))
      .reduce((sum, file) => sum + fileSize(join(WEAPP_DIST_DIR, file)), 0)
  const source = fromCi === undefined ? 'summed from the files' : 'miniprogram-ci checkCodeQuality'
  console.log(
    `weapp main package: ${(bytes / 1024).toFixed(1)} KB of ${MAIN_PACKAGE_BUDGET_BYTES / 1024} KB budget (${source})`,
  )
  expect(bytes).toBeGreaterThan(0)
  expect(bytes).toBeLessThan(MAIN_PACKAGE_BUDGET_BYTES)
})
