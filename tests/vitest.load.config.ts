import { defineConfig } from 'vitest/config'

/**
 * Load tests against real server processes (`load/`): a thousand concurrent requests through HTTP. Bounded:
 * one file at a time, generous per-test limits, and every server stopped in `afterAll` whatever happens.
 */
export default defineConfig({
  test: {
    include: ['load/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    fileParallelism: false,
  },
})
