import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import { SCREENSHOT_DIR } from './browser'

/** Taro's H5 inputs are `<taro-input-core id=…><input></taro-input-core>`, textareas likewise. */
export function field(page: Page, id: string) {
  return page.locator(`#${id} input, #${id} textarea`)
}

/**
 * 适老化 (../shared/DOMAIN.md): text ≥ 18 CSS px with a line height ≥ 1.3, tap targets (buttons, inputs, textareas)
 * ≥ 44 CSS px tall, and text against what is behind it ≥ 4.5:1 (WCAG's contrast ratio).
 */
export const ELDER_FRIENDLY = { fontSizeMin: 18, lineHeightMin: 1.3, tapTargetMin: 44, contrastMin: 4.5 } as const

/**
 * What under `selector` is too small or too faint for older eyes and fingers, by the rules of ELDER_FRIENDLY, and
 * how many elements were checked. Only what is on screen counts: Taro's H5 router keeps earlier pages in the
 * document, hidden, and their ids may repeat.
 */
export async function elderProblems(page: Page, selector: string): Promise<{ checked: number; problems: string[] }> {
  return page.evaluate(
    ({ root, rules }) => {
      const problems: string[] = []
      let checked = 0
      const isShown = (element: Element) => element.getClientRects().length > 0
      const describe = (element: Element) => (element.id ? `#${element.id}` : (element.textContent ?? '').trim())

      /** `rgb(…)` / `rgba(…)` as computed styles give them; null for anything else (a gradient, `color(…)`). */
      const rgba = (value: string): [number, number, number, number] | null => {
        const match = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(value)
        if (!match) return null
        return [Number(match[1]), Number(match[2]), Number(match[3]), match[4] === undefined ? 1 : Number(match[4])]
      }
      const over = (top: [number, number, number, number], below: [number, number, number]) =>
        [0, 1, 2].map((i) => (top[i] ?? 0) * top[3] + (below[i] ?? 0) * (1 - top[3])) as [number, number, number]
      const luminance = (rgb: [number, number, number]) => {
        const [r, g, b] = rgb.map((channel) => {
          const c = channel / 255
          return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
        }) as [number, number, number]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
      }
      /** The colour behind `element`: its own background and its ancestors', painted over a white page. */
      const backgroundOf = (element: Element): [number, number, number] | null => {
        const layers: [number, number, number, number][] = []
        for (let node: Element | null = element; node !== null; node = node.parentElement) {
          const style = getComputedStyle(node)
          // A picture behind the text cannot be judged from styles: reported, so nothing passes unchecked.
          if (style.backgroundImage !== 'none') return null
          const colour = rgba(style.backgroundColor)
          if (colour === null) return null
          if (colour[3] > 0) layers.push(colour)
          if (colour[3] >= 1) break
        }
        return layers.reduceRight<[number, number, number]>((below, layer) => over(layer, below), [255, 255, 255])
      }
      const opacityOf = (element: Element) => {
        let opacity = 1
        for (let node: Element | null = element; node !== null; node = node.parentElement) {
          opacity *= Number(getComputedStyle(node).opacity)
        }
        return opacity
      }
      const checkContrast = (element: Element) => {
        const colour = rgba(getComputedStyle(element).color)
        const background = backgroundOf(element)
        if (colour === null || background === null) {
          problems.push(`${describe(element)}: contrast cannot be judged (a picture or an unknown colour behind it)`)
          return
        }
        const text = over([colour[0], colour[1], colour[2], colour[3] * opacityOf(element)], background)
        const [lighter, darker] = [luminance(text), luminance(background)].sort((x, y) => y - x) as [number, number]
        const ratio = (lighter + 0.05) / (darker + 0.05)
        if (ratio < rules.contrastMin) problems.push(`${describe(element)}: contrast ${ratio.toFixed(2)}:1`)
      }

      for (const element of document.querySelectorAll(`${root} taro-text-core`)) {
        if (!isShown(element) || (element.textContent ?? '').trim() === '') continue
        checked += 1
        const style = getComputedStyle(element)
        const fontSize = Number.parseFloat(style.fontSize)
        if (fontSize < rules.fontSizeMin) problems.push(`${describe(element)}: font ${fontSize}px`)
        // Chromium lays text out in 1/64 px units, so a line height of exactly 1.3 may compute a hair below it.
        // `normal` (no line height set) is the font's own, which for the CJK fonts is above 1.3.
        const lineHeight = Number.parseFloat(style.lineHeight)
        if (lineHeight < fontSize * rules.lineHeightMin - 1 / 64) {
          problems.push(`${describe(element)}: line height ${style.lineHeight} for ${fontSize}px`)
        }
        checkContrast(element)
      }
      for (const element of document.querySelectorAll(
        `${root} taro-input-core, ${root} taro-textarea-core, ${root} taro-button-core`,
      )) {
        if (!isShown(element)) continue
        checked += 1
        const height = element.getBoundingClientRect().height
        if (height < rules.tapTargetMin) problems.push(`${describe(element)}: ${height}px tall`)
        checkContrast(element)
      }
      return { checked, problems }
    },
    { root: selector, rules: ELDER_FRIENDLY },
  )
}

/** Everything under `selector` passes elderProblems, and there was something to check (more than `atLeast`). */
export async function expectElderFriendly(page: Page, selector: string, atLeast = 5): Promise<void> {
  const result = await elderProblems(page, selector)
  expect(result.problems).toEqual([])
  expect(result.checked).toBeGreaterThan(atLeast)
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
