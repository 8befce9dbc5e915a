import { defineConfig } from 'vitest/config'

/** Crash and fault tests against real server processes: bounded, one file at a time. */
export default defineConfig({
  test: {
    include: ['fault/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
})
