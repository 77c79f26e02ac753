/**
 * Issue 11.3 (a seed killed halfway is reported and redone, never called clean), 11.4 (concurrent
 * seeds take turns) and 11.8 (truncation and reset delete only what a seed wrote). Each case failed
 * before its fix: the next `up` said "verify: clean" over 134 of 166 objects, losers of a race
 * printed "XX000 cache lookup failed", and a real upload was deleted by `seed --truncate`.
 */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config';
import { contentHash } from '../../seeds/index';
import { listMigrationFiles } from '../../src/stores/postgres/migrate';
import { createS3Client } from '../../src/stores/s3/connect';
import { BIN, runCli } from '../helpers/cli';
import { freshStores } from '../helpers/stores';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups) await c().catch(() => undefined);
});

async function migrated(prefix: string): Promise<{ config: Config; env: NodeJS.ProcessEnv }> {
  const f = await freshStores(prefix);
  cleanups.push(f.cleanup);
  const m = await runCli(['migrate'], { env: f.env });
  expect(m.code, m.stderr).toBe(0);
  return f;
}

async function objectKeys(config: Config, prefix = ''): Promise<string[]> {
  const c = createS3Client(config.s3!, 5000);
  try {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const r = await c.send(new ListObjectsV2Command({ Bucket: config.s3!.bucket, Prefix: prefix, ContinuationToken: token }));
      keys.push(...(r.Contents ?? []).map((o) => o.Key!));
      token = r.NextContinuationToken;
    } while (token);
    return keys;
  } finally {
    c.destroy();
  }
}

describe('a seed killed during the S3 upload (11.3)', () => {
  let config: Config;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => ({ config, env } = await migrated('rdbkill')));

  it('is reported by status and verify, redone by up, and ends exactly as a clean seed', async () => {
    const child = spawn(process.execPath, [BIN, 'seed'], { env, cwd: tmpdir(), stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_c, sig) => r(sig)));
    // The seed journals each chunk of keys before uploading it: once the journal exists, the upload has begun.
    const until = Date.now() + 60_000;
    while (!(await objectKeys(config, '.recruit-db/seed-keys/')).length) {
      if (Date.now() > until) throw new Error('the S3 upload never started');
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const status = await runCli(['status'], { env });
    expect(status.code).toBe(1);
    for (const store of ['postgres', 'mongo', 's3']) expect(status.stderr).toMatch(new RegExp(`recruit-db: ${store}: a seed started at \\S+ \\(seed 1, profile small, as of \\d{4}-\\d{2}-\\d{2}\\) never finished: its data is incomplete`));
    const verify = await runCli(['verify', '--json'], { env });
    expect(verify.code).toBe(1);
    const seedItems = JSON.parse(verify.stdout).stores.flatMap((s: { items: Array<{ kind: string; name: string; status: string }> }) => s.items.filter((i) => i.name === 'seed'));
    expect(seedItems.map((i: { status: string }) => i.status)).toEqual(['different', 'different', 'different']);

    const up = await runCli(['up'], { env });
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout, up.stdout).toMatch(/^s3\s+nothing new\s+\d+\s+.*redid the seed started at \S+ that never finished \(seed 1, profile small, as of \d{4}-\d{2}-\d{2}\)/m);
    expect(up.stdout).toMatch(/^verify: clean, with warnings/m);
    const redone = await contentHash(config);
    expect((await runCli(['status'], { env })).code).toBe(0);

    const clean = await runCli(['seed', '--truncate'], { env });
    expect(clean.code, clean.stderr).toBe(0);
    expect(await contentHash(config)).toEqual(redone);
  });
});

describe('concurrent seeds on the same targets (11.4)', () => {
  it('take turns: one seeds, the others wait and then refuse (data present), with no internal error', async () => {
    const { config, env } = await migrated('rdbrace');
    const runs = await Promise.all([1, 2, 3].map(() => runCli(['seed'], { env })));
    expect(runs.filter((r) => r.code === 0)).toHaveLength(1);
    for (const r of runs.filter((x) => x.code !== 0)) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/already holds data .*nothing was written/);
      expect(r.stderr).not.toMatch(/XX000|cache lookup failed|seed generators/);
    }
    expect(runs.some((r) => /waiting for the seed lock/.test(r.stderr))).toBe(true);
    const once = await contentHash(config);
    expect(Object.values(once.postgres!.counts).reduce((a, b) => a + b, 0)).toBeGreaterThan(1000);

    // Three `up` at once (CI retries): all succeed, the data is seeded once.
    await runCli(['reset', '--yes', '--no-seed'], { env });
    const ups = await Promise.all([1, 2, 3].map(() => runCli(['up'], { env })));
    for (const r of ups) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/XX000|cache lookup failed/);
    }
    expect(await contentHash(config)).toEqual(once);
  });
});

describe('the seed lock of a bucket that does not exist yet', () => {
  it('is "migrate first" at once, not a wait', async () => {
    const f = await freshStores('rdbnobucket');
    cleanups.push(f.cleanup);
    const r = await runCli(['seed', '--only', 's3'], { env: f.env, timeoutMs: 30_000 });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^recruit-db: s3: bucket "\S+" does not exist or is not accessible \(hint: run recruit-db migrate first\)$/);
    expect(r.ms).toBeLessThan(15_000);
  });
});

describe('truncation deletes only what a seed wrote (11.8)', () => {
  it('seed --truncate and reset keep an upload no seed wrote', async () => {
    const { config, env } = await migrated('rdbkeep');
    expect((await runCli(['seed'], { env })).code).toBe(0);
    const seeded = (await objectKeys(config, 'users/profiles/')).length;
    const c = createS3Client(config.s3!, 5000);
    const real = 'users/profiles/a-real-user/uploaded-in-staging.jpg';
    try {
      await c.send(new PutObjectCommand({ Bucket: config.s3!.bucket, Key: real, Body: 'a real photo', ContentType: 'image/jpeg' }));
      const t = await runCli(['seed', '--truncate'], { env });
      expect(t.code, t.stderr).toBe(0);
      expect((await objectKeys(config, 'users/profiles/')).length).toBe(seeded + 1);
      expect(await (await c.send(new GetObjectCommand({ Bucket: config.s3!.bucket, Key: real }))).Body!.transformToString()).toBe('a real photo');

      const reset = await runCli(['reset', '--yes', '--json'], { env });
      expect(reset.code, reset.stderr).toBe(0);
      const dropped = JSON.parse(reset.stdout).dropped.find((d: { store: string }) => d.store === 's3');
      expect(dropped.kept).toBe(1);
      expect(dropped.deleted).toBeGreaterThan(100);
      expect(await objectKeys(config, real)).toEqual([real]);
      const text = await runCli(['reset', '--yes'], { env });
      expect(text.stdout).toMatch(/^s3: dropped: deleted \d+ seeded objects; kept 1 object no seed wrote$/m);
      expect(text.stdout).toMatch(new RegExp(`^postgres: dropped: reverted ${listMigrationFiles().length} migrations`, 'm'));
    } finally {
      c.destroy();
    }
  });
});
