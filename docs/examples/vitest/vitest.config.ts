import { defineConfig } from 'vitest/config';

// The pool is warmed once per run (globalSetup); each test file takes a stack of its own (setupFiles).
export default defineConfig({
  test: {
    globalSetup: ['./ci.global.ts'],
    setupFiles: ['./ci.stack.ts'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2 } },
  },
});
