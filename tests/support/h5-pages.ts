import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { SCREENSHOT_DIR } from './browser'

/** Taro's H5 inputs are `<taro-input-core id=…><input></taro-input-core>`, textareas likewise. */
export function field(page: Page, id: string) {
  return page.locator(`#${id} input, #${id} textarea`)
}

/**
 * Every Taro text, input and button under `selector` that is too small for older eyes and fingers (../shared/DOMAIN.md,
 * 适老化: text ≥ 18 px, line height ≥ 1.3, tap targets ≥ 44 px), and how many were checked.
 */
export async function elderProblems(page: Page, selector: string): Promise<{ checked: number; problems: string[] }> {
  return page.evaluate((root) => {
    const problems: string[] = []
    let checked = 0
    for (const element of document.querySelectorAll(`${root} taro-text-core`)) {
      if (!(element instanceof HTMLElement) || element.offsetParent === null) continue
      checked += 1
      const style = getComputedStyle(element)
      const fontSize = Number.parseFloat(style.fontSize)
      if (fontSize < 18) problems.push(`${element.textContent}: font ${fontSize}px`)
      // Chromium lays text out in 1/64 px units, so a line height of exactly 1.3 may compute a hair below it.
      if (Number.parseFloat(style.lineHeight) < fontSize * 1.3 - 1 / 64) {
        problems.push(`${element.textContent}: line height ${style.lineHeight} for ${fontSize}px`)
      }
    }
    for (const element of document.querySelectorAll(
      `${root} taro-input-core, ${root} taro-textarea-core, ${root} taro-button-core`,
    )) {
      checked += 1
      const height = element.getBoundingClientRect().height
      if (height < 44) problems.push(`#${element.id}: ${height}px tall`)
    }
    return { checked, problems }
  }, selector)
}

/**
 * A screenshot of the whole current page into test-output/screenshots. Taro's H5 router slides pages in, so running
 * transitions are awaited first; and a page scrolls inside its own container rather than the document, so the
 * viewport is stretched to that container's height for the picture.
 */
export async function screenshotPage(page: Page, name: string): Promise<void> {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation.effect?.getComputedTiming().iterations !== Number.POSITIVE_INFINITY)
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  )
  const height = await page.evaluate(() =>
    Math.max(
      window.innerHeight,
      ...Array.from(document.querySelectorAll('.taro_page'), (element) =>
        element instanceof HTMLElement && element.offsetParent !== null ? element.scrollHeight : 0,
      ),
    ),
  )
  const viewport = page.viewportSize()
  if (viewport) await page.setViewportSize({ width: viewport.width, height })
  await page.screenshot({ path: join(SCREENSHOT_DIR, name), fullPage: true })
  if (viewport) await page.setViewportSize(viewport)
}
