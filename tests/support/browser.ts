import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, type BrowserContext, chromium } from 'playwright-core'
import { REPO_ROOT } from './api-server'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const SCREENSHOT_DIR = join(REPO_ROOT, 'tests', 'test-output', 'screenshots')

const cspViolations: string[] = []

/**
 * Content-Security-Policy violations reported by any page since the last call, emptied by the call: the e2e setup
 * (`support/e2e-setup.ts`) expects none after every test, so a policy that blocks what the app needs fails the
 * test that ran into it.
 */
export function takeCspViolations(): string[] {
  return cspViolations.splice(0)
}

/**
 * Every page of the context reports CSP violations: the `securitypolicyviolation` event (listened for before the
 * page's own scripts run) and, as a second witness, Chromium's console error for a blocked resource.
 */
async function watchCsp(context: BrowserContext): Promise<void> {
  await context.exposeBinding('__reportCspViolation', ({ page }, text: unknown) => {
    cspViolations.push(`${page.url()}: ${String(text)}`)
  })
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __reportCspViolation(text: string): void }).__reportCspViolation
      report(
        `${event.effectiveDirective} blocked ${event.blockedURI || 'an inline resource'} ` +
          `at ${event.sourceFile}:${event.lineNumber} ${JSON.stringify(event.sample)}`,
      )
    })
  })
  context.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
      cspViolations.push(`${message.location().url}: ${message.text()}`)
    }
  })
}

/**
 * Debian's Chromium, headless, with a fresh profile (playwright makes a temporary one per launch). The
 * background-networking flags matter here: without them Chromium keeps dialling Google hosts this network refuses.
 * Every context it opens, including the one behind `newPage`, is watched for CSP violations.
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
  const newContext = browser.newContext.bind(browser)
  browser.newContext = async (options) => {
    const context = await newContext(options)
    await watchCsp(context)
    return context
  }
  // As Playwright's own `newPage`: a context of its own, closed with the page.
  browser.newPage = async (options) => {
    const context = await browser.newContext(options)
    const page = await context.newPage()
    page.once('close', () => {
      // The browser may be closing too, and the context with it.
      context.close().catch(() => undefined)
    })
    return page
  }
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
