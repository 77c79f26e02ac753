/**
 * CI pool gc and safety against the real servers: a killed worker's stacks (leased, or half-copied)
 * come back after their lease and leave nothing; gc never touches what has no record; production is
 * refused before anything is written.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CreateBucketCommand, DeleteBucketCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { MongoClient } from 'mongodb';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openPool } from '../../src/ci';
import { gcPool } from '../../src/ci/gc';
import { RecruitDbError } from '../../src/errors';
import { CREATE_META_SQL } from '../../src/stores/postgres/meta';
import { createS3Client } from '../../src/stores/s3/connect';
import { REPO, runCli } from '../helpers/cli';
import { ciConfig, dropPool, namesOnServers, poolRecords, uniquePool } from '../helpers/ci';
import { cliEnv, dropBucket, dropMongoDatabase, freshBucketName, freshMongoDbName, freshPgDatabase } from '../helpers/stores';

const used: string[] = [];
function pool(prefix: string): string {
  const name = uniquePool(prefix);
  used.push(name);
  return name;
}
afterAll(async () => {
  for (const p of used) await dropPool(p);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A worker process: takes a stack with a 6 s lease (kept alive while it lives), then starts warming
 * more. Unseeded stacks: what gc must find is the same, and they copy faster.
 */
const WORKER = `
const { loadConfig } = require(${JSON.stringify(`${REPO}/dist/src/config.js`)});
const { openPool } = require(${JSON.stringify(`${REPO}/dist/src/ci/index.js`)});
(async () => {
  const pool = await openPool(loadConfig(), { pool: process.argv[1], seed: false, leaseMs: 6000, refill: false });
  const stack = await pool.acquire();
  process.stdout.write(stack.id + '\\n');
  pool.warm(3).catch(() => undefined);
  setInterval(() => undefined, 1000);
})().catch((err) => { process.stderr.write(String(err) + '\\n'); process.exit(3); });
`;

describe('ci gc', () => {
  it('a killed worker’s stacks (leased and half-copied) leak nothing once their lease ran out', async () => {
    const name = pool('kill');
    const child = spawn(process.execPath, ['-e', WORKER, name], { env: cliEnv({ RECRUIT_DB_ENV: 'test' }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise((r) => child.on('exit', r));
    const id = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.on('exit', (code) => reject(new Error(`worker exited ${code}: ${stderr}`)));
    });
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !(await poolRecords(name)).stacks.some((s) => s.state === 'creating')) await sleep(25);
    child.kill('SIGKILL');
    await exited;

    const before = await poolRecords(name);
    expect(before.stacks.find((s) => s.id === id)?.state).toBe('leased');
    const creating = before.stacks.filter((s) => s.state === 'creating').map((s) => s.id as string);
    expect(creating.length).toBeGreaterThan(0);

    const p = await openPool(ciConfig(), { pool: name, seed: false, refill: false });
    try {
      // Within the lease nothing is taken back: the worker might still be alive.
      expect((await gcPool(p)).stacks).toEqual([]);
      // Then wait (by the server's clock) until every lease the worker held has run out.
      const [{ left }] = await p.control.query<{ left: number }>(`SELECT extract(epoch FROM max(lease_until) - now()) * 1000 AS left FROM recruit_db_ci_stacks WHERE pool = $1 AND state <> 'ready'`, [name]);
      await sleep(Math.max(0, Number(left)) + 250);
      const r = await gcPool(p);
      expect(r.stacks.map((s) => s.id).sort()).toEqual([id, ...creating].sort());
      for (const s of r.stacks) expect(s.reason).toBe('lease expired');
      expect(r.kept).toEqual([]);
      const after = await poolRecords(name);
      expect(after.stacks.every((s) => s.state === 'ready')).toBe(true);
      // What is left on the servers is exactly the template and the stacks that finished copying.
      const expected = [...after.templates, ...after.stacks].flatMap((r) => [r.pg_database && `postgres ${r.pg_database}`, r.mongo_db && `mongo ${r.mongo_db}`, r.s3_bucket && `s3 ${r.s3_bucket}`]).filter(Boolean).sort();
      expect(await namesOnServers(name)).toEqual(expected);
      await gcPool(p, { all: true });
      expect(await namesOnServers(name)).toEqual([]);
      expect(await poolRecords(name)).toEqual({ templates: [], stacks: [] });
    } finally {
      await p.close();
    }
  });

  it('leaves alone what has no record, even when it is named like the pool’s own', async () => {
    const name = pool('alien');
    const config = ciConfig();
    const alien = `rdbci_${name}_s_zzzzzzzzzz`;
    const bucket = `rdbci-${name}-s-zzzzzzzzzz`;
    const pg = new Client({ connectionString: config.postgres!.url });
    await pg.connect();
    const mongo = new MongoClient(config.mongo!.uri);
    await mongo.connect();
    const s3 = createS3Client(config.s3!, 10_000);
    try {
      await pg.query(`CREATE DATABASE "${alien}"`);
      await mongo.db(alien).collection('keep').insertOne({ mine: true });
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const p = await openPool(config, { pool: name, stores: ['postgres'], refill: false });
      try {
        await p.warm(1);
        const r = await gcPool(p, { all: true });
        expect(r.unknown).toEqual([`postgres ${alien}`, `mongo ${alien}`, `s3 ${bucket}`]);
        expect(r.templates).toHaveLength(1);
      } finally {
        await p.close();
      }
      expect(await namesOnServers(name)).toEqual([`mongo ${alien}`, `postgres ${alien}`, `s3 ${bucket}`]);
      expect(await mongo.db(alien).collection('keep').countDocuments()).toBe(1);
      await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    } finally {
      await pg.query(`DROP DATABASE IF EXISTS "${alien}"`).catch(() => undefined);
      await mongo.db(alien).dropDatabase().catch(() => undefined);
      await s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
      await pg.end();
      await mongo.close();
      s3.destroy();
    }
  });

  it('refuses a production target before anything is written, in the API and every ci command', async () => {
    const name = pool('prod');
    const err = await openPool({ ...ciConfig(), env: 'production' }, { pool: name }).catch((e) => e);
    expect(err).toBeInstanceOf(RecruitDbError);
    expect((err as RecruitDbError).oneLine()).toMatch(/refusing to run CI stacks against production/);
    const env = cliEnv({ RECRUIT_DB_ENV: 'production' });
    for (const args of [['warm', '--size', '1', '--pool', name], ['acquire', '--pool', name], ['gc', '--all', '--pool', name], ['status', '--pool', name], ['release', 'abcdefghij']]) {
      const r = await runCli(['ci', ...args], { env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/refusing to run CI stacks against production.*hint: point recruit-db ci at test servers/);
      expect(r.stdout).toBe('');
    }
    expect(await poolRecords(name)).toEqual({ templates: [], stacks: [] });
    expect(await namesOnServers(name)).toEqual([]);
  });

  it("refuses servers whose configured target is stamped production (its store stamp), whatever RECRUIT_DB_ENV says", async () => {
    const base = ciConfig();
    const refusal = (store: string) => new RegExp(`refusing to run CI stacks against production: ${store} was bootstrapped for production \\(recorded in its store stamp\\), whatever RECRUIT_DB_ENV=test says`);

    // PostgreSQL: the configured database's recruit_db_meta, read when the pool opens (ci acquire included).
    const db = await freshPgDatabase('rdbcistamp');
    const pgc = new Client({ connectionString: db.url });
    await pgc.connect();
    try {
      await pgc.query(CREATE_META_SQL);
      await pgc.query(`INSERT INTO recruit_db_meta (key, value) VALUES ('environment', '{"env":"production"}')`);
    } finally {
      await pgc.end();
    }
    const name = pool('stamp');
    try {
      const err = await openPool({ ...base, postgres: { ...base.postgres!, url: db.url, database: db.database } }, { pool: name, stores: ['postgres'], seed: false }).catch((e) => e);
      expect(err).toBeInstanceOf(RecruitDbError);
      expect((err as RecruitDbError).oneLine()).toMatch(refusal('postgres'));
      const env = cliEnv({ DATABASE_URL: db.url });
      for (const args of [['acquire', '--only', 'postgres', '--no-seed', '--pool', name], ['release', 'abcdefghij']]) {
        const r = await runCli(['ci', ...args], { env });
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr, args.join(' ')).toMatch(refusal('postgres'));
      }
    } finally {
      await db.drop();
    }

    // MongoDB and S3: the configured database's and bucket's stamps, read before a template is built or copied.
    const mongoDb = freshMongoDbName('rdbcistamp');
    const mongo = new MongoClient(base.mongo!.uri);
    const bucket = freshBucketName('rdbcistamp');
    const s3 = createS3Client(base.s3!, 10_000);
    try {
      await mongo.db(mongoDb).collection<{ _id: string; env: string }>('recruit_db_meta').insertOne({ _id: 'environment', env: 'production' });
      const p = await openPool({ ...base, mongo: { ...base.mongo!, db: mongoDb } }, { pool: name, stores: ['postgres', 'mongo'], seed: false, refill: false });
      try {
        expect(String(await p.warm(1).catch((e) => (e as RecruitDbError).oneLine()))).toMatch(refusal('mongo'));
      } finally {
        await p.close();
      }
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const { PutBucketTaggingCommand } = await import('@aws-sdk/client-s3');
      await s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [{ Key: 'env', Value: 'production' }] } }));
      const q = await openPool({ ...base, s3: { ...base.s3!, bucket } }, { pool: name, stores: ['postgres', 's3'], seed: false, refill: false });
      try {
        expect(String(await q.warm(1).catch((e) => (e as RecruitDbError).oneLine()))).toMatch(refusal('s3'));
      } finally {
        await q.close();
      }
    } finally {
      await dropMongoDatabase(mongoDb).catch(() => undefined);
      await mongo.close();
      await dropBucket({ ...base, s3: { ...base.s3!, bucket } }, bucket).catch(() => undefined);
      s3.destroy();
    }
    expect(await poolRecords(name)).toEqual({ templates: [], stacks: [] });
    expect(await namesOnServers(name)).toEqual([]);
  });
});
