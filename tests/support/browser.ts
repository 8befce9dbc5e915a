import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { REPO_ROOT } from './api-server'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const SCREENSHOT_DIR = join(REPO_ROOT, 'tests', 'test-output', 'screenshots')

/**
 * Debian's Chromium, headless, with a fresh profile (playwright makes a temporary one per launch). The
 * background-networking flags matter here: without them Chromium keeps dialling Google hosts this network refuses.
 */
export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  return {
    browser,
    async close() {
      await browser.close()
    },
  }
}

/** A phone-sized page: the H5 app is a mobile app, and elderly users' phones are small. */
export const PHONE_VIEWPORT = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
}
