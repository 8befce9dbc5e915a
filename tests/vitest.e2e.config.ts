import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    setupFiles: ['support/e2e-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One browser and one server at a time: the machine has two cores.
    fileParallelism: false,
  },
})
