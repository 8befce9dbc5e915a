import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT } from '../support/api-server'
import {
  BUILD_WEAPP_HINT,
  fileSize,
  listFiles,
  readAppJson,
  subpackagesOf,
  WEAPP_DIST_DIR,
} from '../support/weapp-build'

/** WeChat refuses to upload a mini-program whose main package exceeds 2 MB (subpackages have their own limit). */
export const MAIN_PACKAGE_LIMIT_BYTES = 2 * 1024 * 1024

export interface WeappSize {
  distDir: string
  mainPackageBytes: number
  subpackages: { root: string; bytes: number }[]
  totalBytes: number
  limitBytes: number
  /** Whether this run had to build the package first (and how long that took). */
  builtMs: number | null
}

/** DevTools project settings sit in the build folder but are not part of the uploaded code package. */
const PROJECT_FILES = new Set(['project.config.json', 'project.private.config.json'])

/**
 * The main package is every file of the build outside the subpackage roots of `app.json` (and outside the DevTools
 * project settings) — what WeChat counts against the 2 MB limit.
 */
export function measureWeappSize(): WeappSize {
  let builtMs: number | null = null
  if (!existsSync(join(WEAPP_DIST_DIR, 'app.json'))) {
    process.stdout.write(`  no weapp build yet: ${BUILD_WEAPP_HINT}\n`)
    const started = performance.now()
    const result = spawnSync('npx', ['--yes', 'pnpm@12.21.0', '--filter', '@xinfang/miniapp', 'run', 'build:weapp'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 180_000,
    })
    if (result.status !== 0) throw new Error(`the weapp build failed (${BUILD_WEAPP_HINT})`)
    builtMs = performance.now() - started
  }
  const appJson = readAppJson()
  const roots = subpackagesOf(appJson).map((pkg) => `${pkg.root.replace(/\/+$/, '')}/`)
  const files = listFiles(WEAPP_DIST_DIR)
    .filter((file) => !PROJECT_FILES.has(file))
    .map((file) => ({ file, bytes: fileSize(join(WEAPP_DIST_DIR, file)) }))
  const subpackages = roots.map((root) => ({
    root,
    bytes: files.filter(({ file }) => file.startsWith(root)).reduce((sum, { bytes }) => sum + bytes, 0),
  }))
  const mainPackageBytes = files
    .filter(({ file }) => !roots.some((root) => file.startsWith(root)))
    .reduce((sum, { bytes }) => sum + bytes, 0)
  return {
    distDir: WEAPP_DIST_DIR,
    mainPackageBytes,
    subpackages,
    totalBytes: files.reduce((sum, { bytes }) => sum + bytes, 0),
    limitBytes: MAIN_PACKAGE_LIMIT_BYTES,
    builtMs,
  }
}
