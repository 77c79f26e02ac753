import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    // Integration tests wait on real servers, not on CPU: a few files at once keeps the 2 cores busy.
    poolOptions: { forks: { maxForks: 4, minForks: 1 } },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
