import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Where `pnpm --filter @xinfang/miniapp build:weapp` writes the mini-program package. XINFANG_WEAPP_DIR points the
 * weapp layers at another build (a release build kept elsewhere, a build made with another TARO_APP_API_BASE).
 */
export const WEAPP_DIST_DIR = resolve(
  process.env.XINFANG_WEAPP_DIR ?? fileURLToPath(new URL('../../miniapp/dist/weapp/', import.meta.url)),
)

export const BUILD_WEAPP_HINT = 'pnpm --filter @xinfang/miniapp build:weapp'

/** The parts of `app.json` these tests read; WeChat accepts both `subpackages` and `subPackages`. */
export interface WeappAppJson {
  pages: string[]
  subpackages?: WeappSubpackage[]
  subPackages?: WeappSubpackage[]
  /** `tabBar.list[].pagePath`: WeChat refuses navigateTo/redirectTo to these and switchTab to any other page. */
  tabBarPages: string[]
}

export interface WeappSubpackage {
  root: string
  pages: string[]
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
  const file = join(distDir, 'app.json')
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
  if (!isRecord(parsed) || !isStringArray(parsed.pages)) throw new Error(`${file} has no "pages" array of strings`)
  const tabBarList = isRecord(parsed.tabBar) && Array.isArray(parsed.tabBar.list) ? parsed.tabBar.list : []
  const tabBarPages = tabBarList.flatMap((item: unknown) =>
    isRecord(item) && typeof item.pagePath === 'string' ? [item.pagePath] : [],
  )
  const appJson: WeappAppJson = { pages: parsed.pages, tabBarPages }
  for (const key of ['subpackages', 'subPackages'] as const) {
    const value = parsed[key]
    if (value === undefined) continue
    if (!Array.isArray(value)) throw new Error(`${file}: "${key}" is not an array`)
    appJson[key] = value.map((entry: unknown, index) => {
      if (!isRecord(entry) || typeof entry.root !== 'string' || !isStringArray(entry.pages)) {
        throw new Error(`${file}: ${key}[${index}] needs a "root" string and a "pages" array of strings`)
      }
      return { root: entry.root, pages: entry.pages }
    })
  }
  return appJson
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

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
}
