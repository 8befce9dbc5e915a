import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { launchBrowser, PHONE_VIEWPORT } from '../support/browser'
import { elderProblems } from '../support/h5-pages'

let browser: Browser
let closeBrowser: () => Promise<void>

beforeAll(async () => {
  ;({ browser, close: closeBrowser } = await launchBrowser())
})

afterAll(async () => {
  await closeBrowser?.()
})

/** Taro's H5 element names, styled directly: what the check sees of a built page. */
const PAGE = `
  <style>
    body { margin: 0; background: #ffffff; font-family: sans-serif; }
    taro-text-core, taro-button-core { display: block; }
    .good { font-size: 18px; line-height: 1.3; color: #1a1a1a; }
    .tiny { font-size: 14px; line-height: 1.5; color: #1a1a1a; }
    .tight { font-size: 20px; line-height: 1.1; color: #1a1a1a; }
    .faint { font-size: 18px; line-height: 1.5; color: #999999; }
    .on-brand { font-size: 18px; line-height: 1.5; color: #ffffff; background-color: #0b57a4; }
    .hidden { display: none; }
    taro-button-core { height: 48px; font-size: 18px; line-height: 48px; color: #ffffff; background-color: #0b57a4; }
    taro-button-core.small { height: 30px; line-height: 30px; }
  </style>
  <div id="fine">
    <taro-text-core class="good">适老化正文</taro-text-core>
    <taro-text-core class="on-brand">白字蓝底</taro-text-core>
    <taro-button-core id="ok">确定</taro-button-core>
    <div class="hidden"><taro-text-core class="tiny">藏起来的上一页</taro-text-core></div>
  </div>
  <div id="poor">
    <taro-text-core class="tiny">小字</taro-text-core>
    <taro-text-core class="tight">行距太紧</taro-text-core>
    <taro-text-core class="faint">浅灰字</taro-text-core>
    <taro-button-core id="small" class="small">小按钮</taro-button-core>
  </div>
`

test('text of 18 px with 1.3 lines, 4.5:1 contrast and 44 px buttons passes; hidden pages are not checked', async () => {
  const page = await browser.newPage(PHONE_VIEWPORT)
  await page.setContent(PAGE)
  expect(await elderProblems(page, '#fine')).toEqual({ checked: 3, problems: [] })
  await page.close()
})

test('small text, tight lines, faint text and a small button are each reported', async () => {
  const page = await browser.newPage(PHONE_VIEWPORT)
  await page.setContent(PAGE)
  const result = await elderProblems(page, '#poor')
  expect(result.checked).toBe(4)
  expect(result.problems).toEqual([
    '小字: font 14px',
    '行距太紧: line height 22px for 20px',
    '浅灰字: contrast 2.85:1',
    '#small: 30px tall',
  ])
  await page.close()
})
