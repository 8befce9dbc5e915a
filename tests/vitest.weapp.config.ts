import { defineConfig } from 'vitest/config'

// The real weapp build driven in miniprogram-simulate against a real API (see support/weapp-harness.ts).
export default defineConfig({
  test: {
    include: ['weapp/**/*.test.ts'],
    environment: 'node',
    // Each file gets its own process: WeChat's globals (wx, App, Page) are process-wide.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
