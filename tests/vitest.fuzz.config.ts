import { defineConfig } from 'vitest/config'

/**
 * The hostile-input layer (`fuzz/`): property-based requests from the OpenAPI document and the route-by-role
 * ownership matrix, against one real API process started by `fuzz/global-setup.ts` on 127.0.0.1. Bounded: one
 * file at a time, a fixed request budget, generous per-test limits, and the server stopped whatever happens.
 * `FUZZ_SEED=<seed>` replays a run.
 */
export default defineConfig({
  test: {
    include: ['fuzz/**/*.test.ts'],
    globalSetup: ['fuzz/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 90_000,
    teardownTimeout: 30_000,
    fileParallelism: false,
  },
})
