import { afterAll, beforeAll } from 'vitest';
import { acquireStack, type Stack } from 'recruit-db/dist/src/ci';

// In each worker, around each test file: a stack of its own, in process.env for the code under test.
let stack: Stack;
beforeAll(async () => {
  stack = await acquireStack();
  Object.assign(process.env, stack.env);
}, 120_000);
// Dropping three stores' copies can outlast vitest's 10 s hook default on a busy CI machine.
afterAll(() => stack?.release(), 60_000);
