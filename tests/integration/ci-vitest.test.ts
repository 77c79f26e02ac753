/**
 * The documented vitest set-up (docs/examples/vitest: a globalSetup that warms the pool, a setup file
 * that gives each test file a stack of its own), run as a user's project would run it: vitest in a
 * folder where recruit-db is an installed package.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, runProcess } from '../helpers/cli';
import { dropPool, namesOnServers, poolRecords, uniquePool } from '../helpers/ci';
import { cliEnv } from '../helpers/stores';

const POOL = uniquePool('vitest');
const dir = mkdtempSync(join(tmpdir(), 'rdb-ci-vitest-'));

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropPool(POOL);
  expect(await namesOnServers(POOL)).toEqual([]);
});

const TEST_FILE = (name: string) => `import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

test('runs against a stack of its own', () => {
  expect(process.env.DATABASE_URL).toMatch(/\\/rdbci_${POOL}_s_[a-z0-9]{10}$/);
  expect(process.env.MONGODB_DB).toBe('rdbci_${POOL}_s_' + process.env.RECRUIT_DB_CI_LEASE);
  expect(process.env.S3_BUCKET).toBe('rdbci-${POOL}-s-' + process.env.RECRUIT_DB_CI_LEASE);
  writeFileSync(join(${JSON.stringify(dir)}, '${name}.lease'), process.env.RECRUIT_DB_CI_LEASE!);
});
`;

describe('the documented vitest globalSetup and per-file stack', () => {
  it('gives every test file its own warm stack and releases it afterwards', async () => {
    cpSync(join(REPO, 'docs', 'examples', 'vitest'), dir, { recursive: true });
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(REPO, join(dir, 'node_modules', 'recruit-db'));
    symlinkSync(join(REPO, 'node_modules', 'vitest'), join(dir, 'node_modules', 'vitest'));
    for (const name of ['a', 'b', 'c']) writeFileSync(join(dir, `${name}.test.ts`), TEST_FILE(name));
    const r = await runProcess(process.execPath, [join(REPO, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', dir], {
      cwd: dir,
      env: cliEnv({ RECRUIT_DB_ENV: 'test', RECRUIT_DB_CI_POOL: POOL, CI: '1' }),
      timeoutMs: 280_000,
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Test Files\s+3 passed/);
    const leases = ['a', 'b', 'c'].map((n) => (existsSync(join(dir, `${n}.lease`)) ? readFileSync(join(dir, `${n}.lease`), 'utf8') : ''));
    expect(new Set(leases).size).toBe(3);
    for (const l of leases) expect(l).toMatch(/^[a-z0-9]{10}$/);
    const records = await poolRecords(POOL);
    expect(records.templates.map((t) => t.state)).toEqual(['ready']);
    // Every file's stack was released; what is left is the warm pool for the next run.
    expect(records.stacks.filter((s) => s.state !== 'ready')).toEqual([]);
    for (const l of leases) expect(records.stacks.map((s) => s.id)).not.toContain(l);
  });
});
