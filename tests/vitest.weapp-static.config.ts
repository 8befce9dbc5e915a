import { defineConfig } from 'vitest/config'

// Static checks of the built weapp package with WeChat's own tools (wcc, wcsc, miniprogram-ci).
export default defineConfig({
  test: {
    include: ['weapp-static/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
