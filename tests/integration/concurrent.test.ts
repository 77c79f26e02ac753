/**
 * Issue 18.1: migrate (and rollback) work on the selected stores concurrently. What must not change
 * with it: the output is grouped per store in store order whichever store finishes first; a store
 * failing while the others apply leaves their results standing and reported (one run id across
 * them, so a plain rollback reverts exactly those); a refusal still comes before any store writes.
 * Real stores throughout; which store finishes last is forced (a held lock, a held S3 write), not
 * left to timing.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { MongoClient } from 'mongodb';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { laggingProxy, writeGatedHttpProxy } from '../../bench/reliability/servers';
import type { Config } from '../../src/config';
import { listMigrationFiles } from '../../src/stores/postgres/migrate';
import { createS3Client } from '../../src/stores/s3/connect';
import { onStderr, REPO, runCli, startCli, type CliResult } from '../helpers/cli';
import { freshStores } from '../helpers/stores';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

async function stores(prefix: string): Promise<{ config: Config; env: NodeJS.ProcessEnv }> {
  const f = await freshStores(prefix);
  cleanups.push(f.cleanup);
  return f;
}

// Counted on disk, so a schema release adding migrations does not break these tests.
const PG_MIGRATIONS = listMigrationFiles().length;
const MONGO_SCRIPTS = readdirSync(join(REPO, 'mongo-migrations')).filter((f) => /^\d{14}-.*\.ts$/.test(f)).sort();
const MONGO_MIGRATIONS = MONGO_SCRIPTS.length;

/** When each store's phase line appeared on stderr (-1: never). */
const finishedAt = (r: CliResult) => ({
  postgres: r.stderr.indexOf('postgres: migrate: '),
  mongo: r.stderr.indexOf('mongo: migrate: '),
  s3: r.stderr.indexOf('s3: bootstrap: '),
});

/** Both patterns on stderr, in any order. */
const both = (a: string, b: string) => new RegExp(`^(?=[\\s\\S]*${a})(?=[\\s\\S]*${b})`);

async function withPg<T>(url: string, work: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

describe('output is grouped per store, in store order, whichever store finishes first', () => {
  // One small PostgreSQL folder for both runs: its second migration waits for an advisory lock the
  // test holds in the run where PostgreSQL must finish last (and passes at once in the other).
  const lockKey = 180_000 + Math.floor(Math.random() * 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'rdb-conc-migs-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, '0301_first.js'), "exports.up = async (k) => { await k.schema.createTable('conc_a', (t) => { t.increments('id'); }); };\nexports.down = async (k) => { await k.schema.dropTable('conc_a'); };\n");
  writeFileSync(join(dir, '0302_waits.js'), `exports.up = async (k) => { await k.raw('SELECT pg_advisory_lock(${lockKey})'); await k.raw('SELECT pg_advisory_unlock(${lockKey})'); };\nexports.down = async () => {};\n`);
  const runEnv = (env: NodeJS.ProcessEnv) => ({ ...env, RECRUIT_DB_MIGRATIONS_DIR: dir, RECRUIT_DB_MIGRATION_LOCK_TIMEOUT_MS: '0' });

  it('S3 last, then PostgreSQL last: the same stdout, postgres then mongo then s3', async () => {
    // Run 1: every S3 write is held until PostgreSQL and MongoDB have reported.
    const one = await stores('rdbconc1');
    const gate = await writeGatedHttpProxy(one.config.s3!.endpoint!);
    cleanups.push(() => gate.close());
    const first = startCli(['migrate'], { env: { ...runEnv(one.env), AWS_ENDPOINT_URL_S3: gate.url } });
    onStderr(first, both('postgres: migrate: ', 'mongo: migrate: '), () => gate.release());
    const r1 = await first.done;
    expect(r1.code, r1.stderr).toBe(0);
    expect(gate.held()).toBeGreaterThan(0);

    // Run 2: PostgreSQL's second migration waits until MongoDB and S3 have reported.
    const two = await stores('rdbconc2');
    const r2 = await withPg(two.config.postgres!.url, async (holder) => {
      await holder.query('SELECT pg_advisory_lock($1)', [lockKey]);
      // Run one after another, PostgreSQL would wait for stores that never start: the CLI's time limit ends it.
      const second = startCli(['migrate'], { env: runEnv(two.env), timeoutMs: 60_000 });
      onStderr(second, both('mongo: migrate: ', 's3: bootstrap: '), () => holder.query('SELECT pg_advisory_unlock($1)', [lockKey]));
      return second.done;
    });
    expect(r2.code, r2.stderr).toBe(0);

    // The stores really finished in different orders ...
    const f1 = finishedAt(r1);
    const f2 = finishedAt(r2);
    expect(Math.min(f1.postgres, f1.mongo, f1.s3)).toBeGreaterThanOrEqual(0);
    expect(f1.s3).toBeGreaterThan(Math.max(f1.postgres, f1.mongo));
    expect(Math.min(f2.postgres, f2.mongo, f2.s3)).toBeGreaterThanOrEqual(0);
    expect(f2.postgres).toBeGreaterThan(Math.max(f2.mongo, f2.s3));
    // ... and stdout is the same (but for the endpoint run 1 reached S3 through), block by block in store order.
    expect(r2.stdout).toBe(r1.stdout.replaceAll(gate.url, one.config.s3!.endpoint!));
    const heads = r1.stdout.split('\n').filter((l) => /^(postgres|mongo|s3): applied /.test(l));
    expect(heads).toEqual(['postgres: applied 2 migrations', `mongo: applied ${MONGO_MIGRATIONS} migrations`, expect.stringMatching(/^s3: applied \d+ migrations$/)]);
    const lines = r1.stdout.split('\n');
    const blockOf = (l: string) => (/^(postgres|mongo|s3):/.exec(l) ?? [])[1];
    const order = lines.map(blockOf).filter((s): s is string => Boolean(s));
    // Grouped: once a store's lines end, that store never appears again.
    expect(order.filter((s, i) => i === 0 || order[i - 1] !== s)).toEqual(['postgres', 'mongo', 's3']);
  });
});

describe('one store fails while the others apply (S3 stops answering once its bootstrap writes)', () => {
  it('PostgreSQL and MongoDB are applied and reported, the error names s3, exit 2; a plain rollback reverts exactly that run', async () => {
    const { config, env } = await stores('rdbconcfail');
    const gate = await writeGatedHttpProxy(config.s3!.endpoint!);
    cleanups.push(() => gate.close());
    // Planning reads S3 (answered), so the command passes pre-flight; the gate is never released.
    const failing = { ...env, AWS_ENDPOINT_URL_S3: gate.url, RECRUIT_DB_TIMEOUT: '2', RECRUIT_DB_UPLOAD_TIMEOUT: '2' };
    const r = await runCli(['migrate', '--json'], { env: failing, timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(gate.held()).toBeGreaterThan(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ command: 'migrate', ok: false, exitCode: 2, error: { store: 's3' } });
    expect(out.error.message).toContain(gate.url.replace('http://', ''));
    expect(out.stores.map((s: { store: string }) => s.store)).toEqual(['postgres', 'mongo', 's3']);
    const [pgOut, mongoOut, s3Out] = out.stores;
    expect(pgOut.result.done).toHaveLength(PG_MIGRATIONS);
    expect(mongoOut.result.done).toHaveLength(MONGO_MIGRATIONS);
    expect(s3Out.result).toBeUndefined();
    expect(s3Out.error).toMatchObject({ exitCode: 2 });
    // One error line on stderr, naming the store that failed.
    expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('recruit-db:'))).toEqual([expect.stringMatching(/^recruit-db: s3: /)]);
    expect(r.stderr).not.toContain(config.s3!.secretAccessKey!);

    // The run id was recorded where something was applied: status shows it in both stores.
    const status = JSON.parse((await runCli(['status', '--json', '--only', 'postgres,mongo'], { env })).stdout);
    for (const s of status.stores) expect(new Set(s.result.entries.map((e: { runId?: string }) => e.runId))).toEqual(new Set([out.runId]));

    // A store stamped production refuses the rollback before the other is touched, in parallel or not.
    const mongo = new MongoClient(config.mongo!.uri);
    try {
      const meta = mongo.db(config.mongo!.db).collection<{ _id: string; env: string }>('recruit_db_meta');
      await meta.updateOne({ _id: 'environment' }, { $set: { env: 'production' } });
      const refused = await runCli(['rollback'], { env });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/refusing to roll back migrations: mongo was bootstrapped for production/);
      const after = JSON.parse((await runCli(['status', '--json', '--only', 'postgres,mongo'], { env })).stdout);
      for (const s of after.stores) expect(s.result.entries.filter((e: { state: string }) => e.state === 'applied')).toHaveLength(s.store === 'postgres' ? PG_MIGRATIONS : MONGO_MIGRATIONS);
      await meta.updateOne({ _id: 'environment' }, { $set: { env: 'test' } });
    } finally {
      await mongo.close();
    }

    const back = await runCli(['rollback', '--json'], { env });
    expect(back.code, back.stderr).toBe(0);
    const rolled = JSON.parse(back.stdout);
    expect(rolled.runId).toBe(out.runId);
    expect(rolled.stores.map((s: { store: string; result: { done: string[] } }) => [s.store, s.result.done.length])).toEqual([
      ['postgres', PG_MIGRATIONS],
      ['mongo', MONGO_MIGRATIONS],
    ]);
    const tables = await withPg(config.postgres!.url, async (c) => (await c.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'knex_migrations%' AND tablename NOT LIKE 'recruit_db_%'")).rows[0].n);
    expect(tables).toBe(0);
  });
});

describe('a refusal that comes late still comes before any write', () => {
  it('MongoDB, answering slowly, refuses long after PostgreSQL and S3 have planned: nothing is left in any store', async () => {
    const { config, env } = await stores('rdbconcprep');
    // MongoDB's plan refuses (an applied script whose checksum differs), and answers slowly, so
    // the other stores' plans are in long before.
    const first = MONGO_SCRIPTS[0].replace(/\.ts$/, '.js');
    const mongo = new MongoClient(config.mongo!.uri);
    try {
      await mongo.db(config.mongo!.db).collection('changelog').insertOne({ fileName: first, appliedAt: new Date(), migrationBlock: 1, checksum: 'edited' });
    } finally {
      await mongo.close();
    }
    const lag = await laggingProxy(Number(new URL(config.mongo!.uri).port), 100);
    cleanups.push(lag.close);
    const uri = new URL(config.mongo!.uri);
    uri.port = String(lag.port);
    const r = await runCli(['migrate'], { env: { ...env, MONGODB_URI: uri.toString() } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^recruit-db: mongo: .*edited after it ran/m);
    const left = await withPg(config.postgres!.url, async (c) => (await c.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'")).rows[0].n);
    expect(left).toBe(0);
    const s3 = createS3Client(config.s3!, 10_000);
    try {
      await expect(s3.send(new HeadBucketCommand({ Bucket: config.s3!.bucket }))).rejects.toThrow();
    } finally {
      s3.destroy();
    }
  });
});
