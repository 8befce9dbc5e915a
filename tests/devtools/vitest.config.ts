import { defineConfig } from 'vitest/config'

/** Specs that drive WeChat DevTools (macOS/Windows only): `npm run test:devtools` with WECHAT_DEVTOOLS_CLI set. */
export default defineConfig({
  test: {
    root: new URL('.', import.meta.url).pathname,
    include: ['**/*.spec.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
})
