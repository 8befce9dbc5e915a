/**
 * WeChat's own WXML/WXSS compilers (`wcc`, `wcsc`, Linux binaries shipped in the `miniprogram-compiler` package)
 * and miniprogram-ci, wrapped for the static checks of the weapp package.
 */
import { spawn, spawnSync } from 'node:child_process'
import { accessSync, chmodSync, constants, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isRecord } from './weapp-build'

const require = createRequire(import.meta.url)

export type CompileOutcome = { ok: true } | { ok: false; message: string }

/** Path to a compiler binary, made executable first: the package ships it without the executable bit. */
export function wechatCompiler(name: 'wcc' | 'wcsc'): string {
  if (process.platform !== 'linux') throw new Error(`The ${name} binaries checked here are the Linux ones`)
  const shipped = join(dirname(require.resolve('miniprogram-compiler')), 'bin', 'linux', name)
  if (isExecutable(shipped)) return shipped
  try {
    // What miniprogram-compiler itself does on first use.
    chmodSync(shipped, 0o755)
    if (isExecutable(shipped)) return shipped
  } catch {
    // A read-only store: run a private copy instead.
  }
  const copy = join(mkdtempSync(join(tmpdir(), 'wechat-compiler-')), name)
  copyFileSync(shipped, copy)
  chmodSync(copy, 0o755)
  return copy
}

/**
 * Compiles one WXML file; its imports are read from `rootDir`, the `.wxs` modules it may use must be listed (wcc
 * does not read those on its own). A syntax error comes back as `file:line:col: …`.
 */
export function compileWxmlFile(rootDir: string, file: string, wxsFiles: string[] = []): CompileOutcome {
  return run(wechatCompiler('wcc'), ['-d', file, ...wxsFiles], rootDir)
}

/**
 * Compiles one WXSS file. wcsc resolves `@import` only among the files on its command line, so the package's other
 * WXSS files are passed after it (`-pc 1`: the first file is the one compiled, the rest are importable); a syntax
 * error in any of them comes back as `ERR: file(line:col): …`.
 */
export function compileWxssFile(rootDir: string, file: string, importable: string[] = []): CompileOutcome {
  const others = importable.filter((other) => other !== file)
  return run(wechatCompiler('wcsc'), ['-db', '-pc', '1', file, ...others], rootDir)
}

/**
 * Compiles every WXML file of the package in one run with the custom-component table, the way
 * miniprogram-simulate and WeChat load it (templates imported across files, `<wxs>` modules, Taro's `comp`).
 */
export function compileWxmlPackage(rootDir: string): CompileOutcome {
  wechatCompiler('wcc')
  const compiler: { wxmlToJs(rootPath: string, options: { maxBuffer: number }): string } =
    require('miniprogram-compiler')
  try {
    compiler.wxmlToJs(rootDir, { maxBuffer: 64 * 1024 * 1024 })
    return { ok: true }
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) }
  }
}

function run(binary: string, args: string[], cwd: string): CompileOutcome {
  const result = spawnSync(binary, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (result.error) throw result.error
  if (result.status === 0) return { ok: true }
  const message = `${result.stderr}${result.stdout.length < 2000 ? result.stdout : ''}`.trim()
  return { ok: false, message: message || `exit status ${result.status}` }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

// ——— miniprogram-ci ———

export interface CiReport {
  compile: { ok: true; files: string[] } | { ok: false; error: string; code?: number }
  analysis: { files: { path: string; size: number; subPackage: string | null }[] } | { error: string }
  quality:
    | { packageSizes: Record<string, number>; checks: { name: string; success: boolean; text: string }[] }
    | {
        error: string
      }
}

const CI_SCRIPT = fileURLToPath(new URL('./weapp-ci.mjs', import.meta.url))

/** Runs support/weapp-ci.mjs in its own Node process (see there why) and returns its report. */
export async function runMiniprogramCi(projectPath: string): Promise<{ report: CiReport; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'weapp-ci-'))
  const resultFile = join(dir, 'result.json')
  try {
    const child = spawn(process.execPath, [CI_SCRIPT, projectPath, resultFile], {
      cwd: dirname(CI_SCRIPT),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject)
      child.once('exit', resolve)
    })
    let text: string
    try {
      text = readFileSync(resultFile, 'utf8')
    } catch {
      throw new Error(`miniprogram-ci exited with ${code} and wrote no report:\n${output}`)
    }
    return { report: parseCiReport(text), output }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The report is our own script's output, but it crosses a process boundary: parse it rather than trust it. */
function parseCiReport(text: string): CiReport {
  const parsed: unknown = JSON.parse(text)
  if (!isRecord(parsed)) throw new Error(`Unexpected miniprogram-ci report: ${text}`)
  const { compile, analysis, quality } = parsed
  if (!isRecord(compile) || !isRecord(analysis) || !isRecord(quality)) {
    throw new Error(`Unexpected miniprogram-ci report: ${text}`)
  }
  return {
    compile:
      compile.ok === true && Array.isArray(compile.files)
        ? { ok: true, files: compile.files.map(String) }
        : {
            ok: false,
            error: String(compile.error),
            code: typeof compile.code === 'number' ? compile.code : undefined,
          },
    analysis: Array.isArray(analysis.files)
      ? {
          files: analysis.files.filter(isRecord).map((file) => ({
            path: String(file.path),
            size: Number(file.size),
            subPackage: typeof file.subPackage === 'string' ? file.subPackage : null,
          })),
        }
      : { error: String(analysis.error) },
    quality:
      isRecord(quality.packageSizes) && Array.isArray(quality.checks)
        ? {
            packageSizes: Object.fromEntries(
              Object.entries(quality.packageSizes).map(([name, size]) => [name, Number(size)]),
            ),
            checks: quality.checks.filter(isRecord).map((check) => ({
              name: String(check.name),
              success: check.success === true,
              text: String(check.text),
            })),
          }
        : { error: String(quality.error) },
  }
}
