/**
 * recruit-db's CI pool, for Node test runners: isolated, migrated and seeded stacks of PostgreSQL,
 * MongoDB and S3, copied from a template per content hash and handed out from a warm pool.
 *
 *   const pool = await openPool(loadConfig(), { stores: ['postgres', 'mongo', 's3'] });
 *   const stack = await pool.acquire();     // stack.config, stack.env, stack.release()
 *
 * docs/ci.md has the vitest globalSetup and per-worker examples.
 */
import { loadConfig, type Config } from '../config';
import { gcPool, type GcOptions, type GcResult } from './gc';
import { CiPool, type PoolOptions, type Stack } from './pool';

export { CiPool, type PoolOptions, type PoolStatus, type Stack, type WarmResult } from './pool';
export { type GcOptions, type GcResult } from './gc';
export { type CiEvent } from './template';
export { templateKey, type TemplateKey, type TemplateSpec } from './key';
export { CLI_LEASE_MS, LIVE_LEASE_MS, parseDuration } from './lease';
export { exportLines, stackEnv } from './stack';

export function openPool(config: Config = loadConfig(), opts: PoolOptions = {}): Promise<CiPool> {
  return CiPool.open(config, opts);
}

/** One stack for one test file or worker: its release() also closes the pool it came from. */
export async function acquireStack(config: Config = loadConfig(), opts: PoolOptions = {}): Promise<Stack> {
  const pool = await CiPool.open(config, opts);
  try {
    const stack = await pool.acquire();
    return {
      ...stack,
      release: async () => {
        try {
          await stack.release();
        } finally {
          await pool.close();
        }
      },
    };
  } catch (err) {
    await pool.close();
    throw err;
  }
}

export function gc(pool: CiPool, opts: GcOptions = {}): Promise<GcResult> {
  return gcPool(pool, opts);
}
