import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Where `pnpm --filter @xinfang/miniapp build:weapp` writes the mini-program package. */
export const WEAPP_DIST_DIR = fileURLToPath(new URL('../../miniapp/dist/weapp/', import.meta.url))

export const BUILD_WEAPP_HINT = 'pnpm --filter @xinfang/miniapp build:weapp'

/** The parts of `app.json` these tests read; WeChat accepts both `subpackages` and `subPackages`. */
export interface WeappAppJson {
  pages: string[]
  subpackages?: WeappSubpackage[]
  subPackages?: WeappSubpackage[]
  tabBar?: { list?: { pagePath: string }[] }
}

export interface WeappSubpackage {
  root: string
  pages: string[]
  name?: string
  independent?: boolean
}

/**
 * Fails with a message a newcomer can act on: these layers test the build, they do not make it (the top-level
 * runner builds first, and a stale or missing build must not pass silently).
 */
export function assertWeappBuild(distDir: string = WEAPP_DIST_DIR): void {
  const appJson = join(distDir, 'app.json')
  if (!existsSync(appJson)) {
    throw new Error(`No weapp build at ${distDir} (app.json is missing). Build it first: ${BUILD_WEAPP_HINT}`)
  }
}

export function readAppJson(distDir: string = WEAPP_DIST_DIR): WeappAppJson {
  assertWeappBuild(distDir)
  const parsed: unknown = JSON.parse(readFileSync(join(distDir, 'app.json'), 'utf8'))
  if (!isRecord(parsed) || !Array.isArray(parsed.pages) || !parsed.pages.every((page) => typeof page === 'string')) {
    throw new Error(`${join(distDir, 'app.json')} has no "pages" array of strings`)
  }
  // The checks above and miniprogram-ci's validation (weapp-static) vouch for the rest of the shape.
  return parsed as unknown as WeappAppJson
}

export function subpackagesOf(appJson: WeappAppJson): WeappSubpackage[] {
  return appJson.subpackages ?? appJson.subPackages ?? []
}

/** Every file under `dir`, as paths relative to it with forward slashes (WeChat's own notation). */
export function listFiles(dir: string): string[] {
  const files: string[] = []
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = join(current, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.isFile()) files.push(relative(dir, full).split(sep).join('/'))
    }
  }
  walk(dir)
  return files.sort()
}

export function fileSize(path: string): number {
  return statSync(path).size
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
