import { afterAll, expect } from 'vitest';
import type { Config } from '../../src/config';
import { runCli } from './cli';
import { cliEnv, freshPgDatabase, freshStores } from './stores';

/**
 * For a test file that needs several fresh three-store targets: `migrated(prefix)` makes one and
 * runs `recruit-db migrate` on it; every target made is dropped after the file. Call at the top level.
 */
export function migratedTargets(): (prefix: string) => Promise<{ config: Config; env: NodeJS.ProcessEnv }> {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups) await c().catch(() => undefined);
  });
  return async (prefix) => {
    const f = await freshStores(prefix);
    cleanups.push(f.cleanup);
    const m = await runCli(['migrate'], { env: f.env });
    expect(m.code, m.stderr).toBe(0);
    return f;
  };
}

/**
 * For a test file that needs several empty PostgreSQL databases: `database(prefix)` makes one, with a
 * CLI environment pointing at it; every one made is dropped after the file. Call at the top level.
 */
export function emptyPgDatabases(): (prefix: string) => Promise<{ url: string; env: NodeJS.ProcessEnv }> {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups) await c().catch(() => undefined);
  });
  return async (prefix) => {
    const db = await freshPgDatabase(prefix);
    cleanups.push(db.drop);
    return { url: db.url, env: cliEnv({ DATABASE_URL: db.url }) };
  };
}
