import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { assertWeappBuild, listFiles, WEAPP_DIST_DIR } from '../support/weapp-build'
import { type CompileOutcome, compileWxmlFile, compileWxmlPackage, compileWxssFile } from '../support/weapp-compiler'

let scratchDir: string

beforeAll(() => {
  assertWeappBuild()
  scratchDir = mkdtempSync(join(tmpdir(), 'weapp-static-'))
})

afterAll(() => {
  if (scratchDir) rmSync(scratchDir, { recursive: true, force: true })
})

/** "file: compiler message" for every file of the build with this extension that does not compile. */
function failuresOf(extension: string, compile: (file: string) => CompileOutcome): string[] {
  const files = listFiles(WEAPP_DIST_DIR).filter((file) => file.endsWith(extension))
  expect(files.length, `no ${extension} files in ${WEAPP_DIST_DIR}`).toBeGreaterThan(0)
  return files.flatMap((file) => {
    const outcome = compile(file)
    return outcome.ok ? [] : [`${file}: ${outcome.message}`]
  })
}

test("every WXML file in the weapp build compiles with WeChat's wcc", () => {
  const wxsModules = listFiles(WEAPP_DIST_DIR).filter((file) => file.endsWith('.wxs'))
  expect(failuresOf('.wxml', (file) => compileWxmlFile(WEAPP_DIST_DIR, file, wxsModules))).toEqual([])
})

test("every WXSS file in the weapp build compiles with WeChat's wcsc", () => {
  const wxssFiles = listFiles(WEAPP_DIST_DIR).filter((file) => file.endsWith('.wxss'))
  expect(failuresOf('.wxss', (file) => compileWxssFile(WEAPP_DIST_DIR, file, wxssFiles))).toEqual([])
})

test('the WXML of the whole package compiles together, custom components and WXS modules included', () => {
  expect(compileWxmlPackage(WEAPP_DIST_DIR)).toEqual({ ok: true })
})

test('a WXML syntax error fails the check and names the file', () => {
  writeFileSync(join(scratchDir, 'broken.wxml'), '<view><text>{{ name }}</view>\n')
  const outcome = compileWxmlFile(scratchDir, 'broken.wxml')
  expect(outcome.ok).toBe(false)
  expect(outcome.ok ? '' : outcome.message).toContain('broken.wxml')
})

test('a WXSS syntax error fails the check and names the file', () => {
  writeFileSync(join(scratchDir, 'broken.wxss'), '.card { color: red; } }\n')
  const outcome = compileWxssFile(scratchDir, 'broken.wxss')
  expect(outcome.ok).toBe(false)
  expect(outcome.ok ? '' : outcome.message).toContain('broken.wxss')
})
