import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    // Integration tests wait on real servers, not on CPU: a few files at once keeps the 2 cores busy.
    poolOptions: { forks: { maxForks: 4, minForks: 1 } },
    // Bounds against a hang, not timings: on a slow or loaded 2-core machine the heaviest files
    // (schema dump of every store, seeds redone by `up`) take 60-115 s per test.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
