import { afterAll, beforeAll } from 'vitest';
import { acquireStack, type Stack } from 'recruit-db/dist/src/ci';

// In each worker, around each test file: a stack of its own, in process.env for the code under test.
let stack: Stack;
beforeAll(async () => {
  stack = await acquireStack();
  Object.assign(process.env, stack.env);
});
afterAll(() => stack?.release());
