/**
 * Issue 12.2, 12.3 and 11.7: destructive commands refuse before they act, everything that can
 * refuse is checked for every store before the first write to any, a plain rollback reverts what
 * the user ran last, and a store's own record of being production is obeyed whatever
 * RECRUIT_DB_ENV says. Each case failed before its fix.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetBucketTaggingCommand, PutBucketTaggingCommand } from '@aws-sdk/client-s3';
import { MongoClient } from 'mongodb';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config';
import { COLLECTION_NAMES } from '../../src/stores/mongo/collections';
import { listMigrationFiles } from '../../src/stores/postgres/migrate';
import { createS3Client } from '../../src/stores/s3/connect';
import { BIN, REPO, runCli, type CliResult } from '../helpers/cli';
import { freshStores } from '../helpers/stores';

const cleanups: Array<() => Promise<void>> = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const c of cleanups) await c().catch(() => undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function stores(prefix: string): Promise<{ config: Config; env: NodeJS.ProcessEnv }> {
  const f = await freshStores(prefix);
  cleanups.push(f.cleanup);
  return f;
}

function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rdb-safety-migs-'));
  dirs.push(dir);
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
}

// Counted on disk, so a schema release adding migrations does not break these tests.
const PG_MIGRATIONS = listMigrationFiles().length;
const MONGO_MIGRATIONS = readdirSync(join(REPO, 'mongo-migrations')).filter((f) => /^\d{14}-.*\.ts$/.test(f)).length;

const createTable = (t: string) => `exports.up = async (k) => { await k.schema.createTable('${t}', (x) => { x.increments('id'); }); };\nexports.down = async (k) => { await k.schema.dropTable('${t}'); };\n`;

async function pg<T>(config: Config, sql: string): Promise<T[]> {
  const c = new Client({ connectionString: config.postgres!.url });
  await c.connect();
  try {
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end();
  }
}

const pgTables = (config: Config) => pg<{ t: string }>(config, "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").then((r) => r.map((x) => x.t));
const applied = (config: Config) => pg<{ name: string }>(config, 'SELECT name FROM knex_migrations ORDER BY id').then((r) => r.map((x) => x.name)).catch(() => [] as string[]);

async function mongoCollections(config: Config): Promise<string[]> {
  const m = new MongoClient(config.mongo!.uri);
  await m.connect();
  try {
    return (await m.db(config.mongo!.db).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  } finally {
    await m.close();
  }
}

const oneLine = (r: CliResult) => r.stderr.trim().split('\n').filter((l) => /^recruit-db: /.test(l));

describe('every refusal is checked for all stores before the first write to any (11.7, 12.2)', () => {
  let config: Config;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => ({ config, env } = await stores('rdbrefuse')));

  it.each([
    ['an invalid bucket name', { S3_BUCKET: 'Bad_Bucket' }, /s3: invalid bucket name "Bad_Bucket"/],
    ['an invalid web origin', { RECRUIT_DB_WEB_ORIGINS: 'https://ok.example,ftp://nope' }, /s3: web origin "ftp:\/\/nope" is not an origin/],
  ])('%s: migrate is refused, and neither PostgreSQL nor MongoDB was touched', async (_name, extra, message) => {
    const r = await runCli(['migrate'], { env: { ...env, ...extra } });
    expect(r.code).toBe(2);
    expect(oneLine(r)).toHaveLength(1);
    expect(oneLine(r)[0]).toMatch(message);
    expect(await pgTables(config)).toEqual([]);
    expect(await mongoCollections(config)).toEqual([]);
  });

  it.each([
    ['a syntax error', '0002_broken.js', 'exports.up = async (k) => { await k.raw("SELECT 1") ;;; }}}\n', /cannot load migration 0002_broken\.ts: .*nothing was changed/],
    ['no down function', '0002_no_down.js', 'exports.up = async () => {};\n', /migration 0002_no_down\.ts does not export both up and down functions; nothing was changed/],
  ])('a PostgreSQL migration with %s is refused before any bookkeeping table (or another store) is created', async (_name, file, body, message) => {
    const dir = migrationsDir({ '0001_ok.js': createTable('ok_t'), [file]: body });
    const r = await runCli(['migrate'], { env: { ...env, RECRUIT_DB_MIGRATIONS_DIR: dir } });
    expect(r.code).toBe(1);
    expect(oneLine(r)[0]).toMatch(message);
    expect(await pgTables(config)).toEqual([]);
    expect(await mongoCollections(config)).toEqual([]);
  });
});

describe('one run identity across the stores; rollback reverts exactly the last run (12.2)', () => {
  let config: Config;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => ({ config, env } = await stores('rdbrun')));

  it('after a migrate that touched only PostgreSQL, a plain rollback reverts only that, then the run before it in both stores', async () => {
    const dir = migrationsDir({ '0001_a.js': createTable('a_t'), '0002_b.js': createTable('b_t') });
    const e = { ...env, RECRUIT_DB_MIGRATIONS_DIR: dir };
    const first = await runCli(['migrate', '--json'], { env: e });
    expect(first.code, first.stderr).toBe(0);
    const runA = JSON.parse(first.stdout).runId;
    writeFileSync(join(dir, '0003_c.js'), createTable('c_t'));
    const second = await runCli(['migrate', '--json'], { env: e });
    const runB = JSON.parse(second.stdout).runId;
    expect(runB).not.toBe(runA);

    const status = JSON.parse((await runCli(['status', '--json', '--only', 'postgres,mongo'], { env: e })).stdout);
    const pgRuns = status.stores[0].result.entries.map((x: { name: string; runId: string }) => `${x.name}:${x.runId === runA ? 'A' : x.runId === runB ? 'B' : x.runId}`);
    expect(pgRuns).toEqual(['0001_a.ts:A', '0002_b.ts:A', '0003_c.ts:B']);
    expect(status.stores[1].result.entries.every((x: { runId: string }) => x.runId === runA)).toBe(true);

    // S3 was part of both runs' plans but is never rolled back: the default rollback leaves it, without failing.
    const back = await runCli(['rollback', '--json'], { env: e });
    expect(back.code, back.stderr).toBe(0);
    const out = JSON.parse(back.stdout);
    expect(out.runId).toBe(runB);
    expect(out.stores.map((s: { store: string; result: { done: string[] } }) => [s.store, s.result.done])).toEqual([
      ['postgres', ['0003_c.ts']],
      ['mongo', []],
    ]);
    expect(out.stores[1].result.notes[0]).toMatch(/not touched by the last migrate run/);
    expect((await mongoCollections(config)).filter((c) => !c.startsWith('recruit_db_') && c !== 'changelog')).toHaveLength(COLLECTION_NAMES.length);

    const again = JSON.parse((await runCli(['rollback', '--json'], { env: e })).stdout);
    expect(again.runId).toBe(runA);
    expect(again.stores.map((s: { result: { done: string[] } }) => s.result.done.length)).toEqual([2, MONGO_MIGRATIONS]);
    expect(await applied(config)).toEqual([]);
  });

  it('migrate --steps N applies at most N pending migrations per store', async () => {
    const dir = migrationsDir({ '0101_a.js': createTable('s_a'), '0102_b.js': createTable('s_b'), '0103_c.js': createTable('s_c') });
    const e = { ...env, RECRUIT_DB_MIGRATIONS_DIR: dir };
    const r = await runCli(['migrate', '--only', 'postgres,mongo', '--steps', '2'], { env: e });
    expect(r.code, r.stderr).toBe(0);
    expect(await applied(config)).toEqual(['0101_a.ts', '0102_b.ts']);
    expect((await mongoCollections(config)).filter((c) => !c.startsWith('recruit_db_') && c !== 'changelog')).toHaveLength(2);
    const bad = await runCli(['migrate', '--only', 'postgres', '--steps', '0'], { env: e });
    expect(bad.code).toBe(2);
    expect(await applied(config)).toHaveLength(2);
    await runCli(['rollback', '--all', '--only', 'postgres,mongo'], { env: e });
  });

  it('rollback --only with s3 is refused before PostgreSQL is changed', async () => {
    const dir = migrationsDir({ '0201_a.js': createTable('r_a') });
    const e = { ...env, RECRUIT_DB_MIGRATIONS_DIR: dir };
    expect((await runCli(['migrate', '--only', 'postgres,s3'], { env: e })).code).toBe(0);
    const r = await runCli(['rollback', '--only', 'postgres,s3'], { env: e });
    expect(r.code).toBe(2);
    expect(oneLine(r)[0]).toMatch(/refusing to roll back s3: .*nothing was changed/);
    expect(await applied(config)).toEqual(['0201_a.ts']);
  });
});

describe('the production guard is the stores\' own record, not a label (12.3)', () => {
  let config: Config;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    ({ config, env } = await stores('rdbprod'));
    // RECRUIT_DB_ENV unset: the configuration says development.
    delete env.RECRUIT_DB_ENV;
    const m = await runCli(['migrate'], { env });
    expect(m.code, m.stderr).toBe(0);
  });

  const tags = async () => {
    const c = createS3Client(config.s3!, 5000);
    try {
      return Object.fromEntries(((await c.send(new GetBucketTaggingCommand({ Bucket: config.s3!.bucket }))).TagSet ?? []).map((t) => [t.Key, t.Value]));
    } finally {
      c.destroy();
    }
  };

  it('a bucket tagged env=production: reset is refused naming it, the bootstrap never re-tags it, s3 status shows the tag', async () => {
    const c = createS3Client(config.s3!, 5000);
    try {
      await c.send(new PutBucketTaggingCommand({ Bucket: config.s3!.bucket, Tagging: { TagSet: [{ Key: 'app', Value: 'recruit-db' }, { Key: 'env', Value: 'production' }] } }));
    } finally {
      c.destroy();
    }
    const r = await runCli(['reset', '--yes'], { env });
    expect(r.code).toBe(2);
    expect(oneLine(r)[0]).toMatch(/^recruit-db: refusing to reset: s3 was bootstrapped for production .*whatever RECRUIT_DB_ENV=development says \(hint: pass --allow-production/);
    expect(await applied(config)).toHaveLength(PG_MIGRATIONS);

    const boot = await runCli(['s3', 'bootstrap'], { env });
    expect(boot.code, boot.stderr).toBe(0);
    expect(await tags()).toMatchObject({ env: 'production' });
    const st = await runCli(['s3', 'status'], { env });
    expect(st.stdout).toMatch(/live tags: app=recruit-db env=production \(bootstrapped for production\)/);
    expect(JSON.parse((await runCli(['s3', 'status', '--json'], { env })).stdout).tags).toEqual({ app: 'recruit-db', env: 'production' });
    // verify expects the env tag the bootstrap keeps: the bucket is not "tag env different".
    const v = await runCli(['verify', '--only', 's3', '--json'], { env });
    expect(v.code, v.stdout).toBe(0);
    const items = (JSON.parse(v.stdout).stores as Array<{ store: string; items: Array<{ name: string; status: string; detail?: string }> }>).find((s) => s.store === 's3')!.items;
    expect(items.filter((i) => i.name.startsWith('tag'))).toEqual([expect.objectContaining({ name: 'tags', status: 'ok', detail: 'env production kept (the store stamp; the configuration says development)' })]);
  });

  it('a database stamped production: rollback and seed are refused, --allow-production lets them through', async () => {
    await pg(config, `UPDATE recruit_db_meta SET value = '{"env":"production"}' WHERE key = 'environment'`);
    const rb = await runCli(['rollback', '--only', 'postgres', '--steps', '1'], { env });
    expect(rb.code).toBe(2);
    expect(oneLine(rb)[0]).toMatch(/refusing to roll back migrations: postgres was bootstrapped for production/);
    const sd = await runCli(['seed', '--only', 'postgres'], { env });
    expect(sd.code).toBe(2);
    expect(oneLine(sd)[0]).toMatch(/refusing to seed: postgres was bootstrapped for production/);
    expect(await applied(config)).toHaveLength(PG_MIGRATIONS);
    const allowed = await runCli(['rollback', '--only', 'postgres', '--steps', '1', '--allow-production'], { env });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(await applied(config)).toHaveLength(PG_MIGRATIONS - 1);
  });

  it('reset on a terminal asks first, and a no changes nothing', async () => {
    await pg(config, `UPDATE recruit_db_meta SET value = '{"env":"test"}' WHERE key = 'environment'`);
    const c = createS3Client(config.s3!, 5000);
    try {
      await c.send(new PutBucketTaggingCommand({ Bucket: config.s3!.bucket, Tagging: { TagSet: [{ Key: 'app', Value: 'recruit-db' }, { Key: 'env', Value: 'test' }] } }));
    } finally {
      c.destroy();
    }
    const cmd = `${process.execPath} ${BIN} reset`;
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { env: { ...env, TERM: 'dumb' }, input: 'n\n', encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).toMatch(/recruit-db reset will drop everything recruit-db owns in:/);
    expect(r.stdout).toMatch(/postgres: postgres:\/\/recruit:\*\*\*\*@/);
    expect(r.stdout).toMatch(/Go on\? \[y\/N\]/);
    expect(r.stdout).toMatch(/reset cancelled: nothing was changed/);
    expect(r.status).toBe(2);
    expect(await applied(config)).toHaveLength(PG_MIGRATIONS - 1);
  });
});
