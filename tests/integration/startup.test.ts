/**
 * Start-up: a command loads only the drivers and generators it uses. Each case runs the compiled CLI
 * (as users do) with a preload that records every npm package the process resolved, and whether
 * Node's fetch implementation (undici) was loaded; the assertions are about what a command pulls in,
 * not how long it takes (timings live in bench/migrate).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, REPO, runCli } from '../helpers/cli';
import { baseConfig, cliEnv, dropBucket, dropMongoDatabase, freshBucketName, freshMongoDbName, freshPgDatabase, migratedPgDatabase } from '../helpers/stores';

const PRELOAD = join(REPO, 'tests/helpers/record-loads.cjs');
const DRIVERS = ['pg', 'knex', 'mongodb', 'migrate-mongo', '@aws-sdk/client-s3', '@faker-js/faker', 'pg-copy-streams'];

interface Loads {
  code: number | null;
  stderr: string;
  packages: string[];
  undici: boolean;
  files: string[];
}

function loadsOf(args: string[], env: NodeJS.ProcessEnv): Promise<Loads> {
  const dir = mkdtempSync(join(tmpdir(), 'rdb-loads-'));
  const file = join(dir, 'loads.json');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', PRELOAD, BIN, ...args], { cwd: dir, env: { ...env, RDB_RECORD_LOADS: file }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const rec = JSON.parse(readFileSync(file, 'utf8')) as { packages: string[]; undici: boolean; files: string[] };
      resolve({ code, stderr, ...rec });
    });
  });
}

/** The drivers/generators among what was loaded. */
const drivers = (l: Loads) => DRIVERS.filter((d) => l.packages.includes(d));

/** The files loaded from node_modules (rather than from the bundles under dist/vendor/). */
const fromNodeModules = (l: Loads) => l.files.filter((f) => /[\\/]node_modules[\\/]/.test(f));

let migrated: Awaited<ReturnType<typeof migratedPgDatabase>>;
let empty: Awaited<ReturnType<typeof freshPgDatabase>>;
let seedTarget: Awaited<ReturnType<typeof migratedPgDatabase>>;

beforeAll(async () => {
  // One after another: vitest's module loader can hand a concurrent first import a half-evaluated module.
  migrated = await migratedPgDatabase('rdbload');
  empty = await freshPgDatabase('rdbload');
  seedTarget = await migratedPgDatabase('rdbload');
});

afterAll(async () => {
  await Promise.all([migrated?.drop(), empty?.drop(), seedTarget?.drop()]);
});

describe('each command loads only what it uses', () => {
  it('--help and a usage error load no driver', async () => {
    for (const args of [['--help'], ['migrate', '--only', 'nosuch']]) {
      const l = await loadsOf(args, cliEnv());
      expect(drivers(l), args.join(' ')).toEqual([]);
    }
  });

  it('migrate --only postgres with nothing pending: pg only (no knex, no other store, no fetch, no colours off a TTY)', async () => {
    const l = await loadsOf(['migrate', '--only', 'postgres'], cliEnv({ DATABASE_URL: migrated.url }));
    expect(l.code, l.stderr).toBe(0);
    expect(drivers(l)).toEqual(['pg']);
    expect(l.undici).toBe(false);
    expect(l.packages).not.toContain('chalk');
  });

  it('migrate --only postgres on an empty database loads the schema snapshot with pg alone; --one-by-one adds knex, each from its one-file bundle', async () => {
    const l = await loadsOf(['migrate', '--only', 'postgres'], cliEnv({ DATABASE_URL: empty.url }));
    expect(l.code, l.stderr).toBe(0);
    // commander is inside the CLI's own bundle (dist/src/cli.bundle.js), so no package of its own.
    expect(l.packages).toEqual(['pg']);
    expect(l.files).toEqual(expect.arrayContaining([join(REPO, 'dist/vendor/pg.js'), join(REPO, 'dist/src/cli.bundle.js')]));
    expect(l.undici).toBe(false);
    const other = await freshPgDatabase('rdbstartup');
    try {
      const one = await loadsOf(['migrate', '--only', 'postgres', '--one-by-one'], cliEnv({ DATABASE_URL: other.url }));
      expect(one.code, one.stderr).toBe(0);
      expect(one.packages).toEqual(['knex', 'pg']);
    } finally {
      await other.drop();
    }
  });

  it('status and doctor of one store load that store\'s driver only', async () => {
    for (const cmd of ['status', 'doctor']) {
      const l = await loadsOf([cmd, '--only', 'postgres'], cliEnv({ DATABASE_URL: migrated.url }));
      expect(l.code, `${cmd}: ${l.stderr}`).toBe(0);
      expect(drivers(l), cmd).toEqual(['pg']);
    }
  });

  it('seed and up refuse a bad profile before loading any driver or generator', async () => {
    for (const args of [['seed', '--only', 'postgres', '--profile', 'huge'], ['up', '--profile', 'huge'], ['seed', '--seed', 'x']]) {
      const l = await loadsOf(args, cliEnv({ DATABASE_URL: migrated.url }));
      expect(l.code, args.join(' ')).toBe(2);
      expect(drivers(l), args.join(' ')).toEqual([]);
    }
  });

  it('seed --only postgres loads the PostgreSQL driver and the generators, not the other stores\' drivers', async () => {
    const l = await loadsOf(['seed', '--only', 'postgres'], cliEnv({ DATABASE_URL: seedTarget.url }));
    expect(l.code, l.stderr).toBe(0);
    expect(drivers(l).sort()).toEqual(['@faker-js/faker', 'pg', 'pg-copy-streams'].sort());
    expect(l.undici).toBe(false);
  });
});

describe('the MongoDB and S3 paths load from their bundles', () => {
  const buckets: string[] = [];
  const mongoDbs: string[] = [];
  afterAll(async () => {
    await Promise.all([...buckets.map((b) => dropBucket(baseConfig(), b)), ...mongoDbs.map((d) => dropMongoDatabase(d))]);
  });

  it('migrate --only s3 loads the AWS SDK from dist/vendor/aws-sdk.js, nothing of it from node_modules, no other driver', async () => {
    const bucket = freshBucketName('rdbload');
    buckets.push(bucket);
    for (const run of ['fresh bucket', 'nothing to change']) {
      const l = await loadsOf(['migrate', '--only', 's3'], cliEnv({ S3_BUCKET: bucket }));
      expect(l.code, `${run}: ${l.stderr}`).toBe(0);
      expect(drivers(l), run).toEqual(['@aws-sdk/client-s3']);
      expect(l.files, run).toContain(join(REPO, 'dist/vendor/aws-sdk.js'));
      expect(fromNodeModules(l), run).toEqual([]);
    }
  });

  it('migrate --only mongo loads the driver and bson from their bundles, nothing from node_modules, no other driver', async () => {
    const db = freshMongoDbName('rdbload');
    mongoDbs.push(db);
    const l = await loadsOf(['migrate', '--only', 'mongo'], cliEnv({ MONGODB_DB: db }));
    expect(l.code, l.stderr).toBe(0);
    expect(drivers(l)).toEqual(['mongodb']);
    expect(l.files).toEqual(expect.arrayContaining([join(REPO, 'dist/vendor/mongodb.js'), join(REPO, 'dist/vendor/bson.js')]));
    expect(fromNodeModules(l)).toEqual([]);
  });

  it('without static keys the SDK\'s default chain still works: a profile in a shared credentials file, its provider from node_modules', async () => {
    const c = baseConfig().s3!;
    const dir = mkdtempSync(join(tmpdir(), 'rdb-aws-'));
    const credentials = join(dir, 'credentials');
    writeFileSync(credentials, `[rdbload]\naws_access_key_id = ${c.accessKeyId}\naws_secret_access_key = ${c.secretAccessKey}\n`, { mode: 0o600 });
    const empty = join(dir, 'empty');
    writeFileSync(empty, '');
    const bucket = freshBucketName('rdbload');
    buckets.push(bucket);
    try {
      // No keys anywhere (and no instance metadata to ask): the chain must fail, so the case below proves the file was read.
      const none = await loadsOf(['migrate', '--only', 's3'], cliEnv({ S3_BUCKET: bucket, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SHARED_CREDENTIALS_FILE: empty, AWS_CONFIG_FILE: empty, AWS_EC2_METADATA_DISABLED: 'true' }));
      expect(none.code, none.stderr).toBe(2);
      expect(none.stderr).toMatch(/s3: credentials rejected/);
      const l = await loadsOf(['migrate', '--only', 's3'], cliEnv({ S3_BUCKET: bucket, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: empty, AWS_PROFILE: 'rdbload' }));
      expect(l.code, l.stderr).toBe(0);
      expect(l.stderr).not.toContain(c.secretAccessKey!);
      expect(l.packages).toContain('@aws-sdk/credential-provider-ini');
      // The provider itself comes from node_modules; what it requires of the SDK, from the bundle.
      expect(fromNodeModules(l).every((f) => /[\\/]node_modules[\\/]@aws-sdk[\\/]credential-provider-/.test(f)), fromNodeModules(l).join('\n')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('migrate with nothing pending', () => {
  const lockRow = async (url: string) => {
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query<{ ctid: string; xmin: string; is_locked: number }>('SELECT ctid::text, xmin::text, is_locked FROM knex_migrations_lock')).rows;
    } finally {
      await c.end();
    }
  };

  it('still clears a knex lock row left set by a killed run', async () => {
    const c = new Client({ connectionString: migrated.url });
    await c.connect();
    await c.query('UPDATE knex_migrations_lock SET is_locked = 1').finally(() => c.end());
    const r = await runCli(['migrate', '--only', 'postgres'], { env: cliEnv({ DATABASE_URL: migrated.url }) });
    expect(r.code, r.stderr).toBe(0);
    expect((await lockRow(migrated.url)).map((x) => x.is_locked)).toEqual([0]);
  });
});
