/**
 * The CI pool through its API, against the real servers: stacks of all three stores handed out from a
 * warm pool are isolated from each other, verify clean and hold the template's seeded content; a
 * hand-out is atomic across connections; release drops everything; an empty pool copies on demand.
 */
import { HeadBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool, type CiPool, type Stack } from '../../src/ci';
import { liveContent } from '../../src/ci/content';
import { RecruitDbError } from '../../src/errors';
import { createS3Client } from '../../src/stores/s3/connect';
import { readStamps } from '../../src/seedrun';
import { runVerify } from '../../src/verify/run';
import { ciConfig, dropPool, namesOnServers, poolRecords, uniquePool } from '../helpers/ci';
import { queryUrl } from '../helpers/pg';

const POOL = uniquePool('pool');
let pool: CiPool;
let templateHash: string;

beforeAll(async () => {
  pool = await openPool(ciConfig(), { pool: POOL });
  const warm = await pool.warm(3);
  expect(warm).toMatchObject({ size: 3, created: 3, available: 3, template: { built: true } });
  const status = await pool.status();
  templateHash = status.templates[0].contentHash!;
  expect(templateHash).toMatch(/^[0-9a-f]{64}$/);
});

afterAll(async () => {
  await pool?.close();
  await dropPool(POOL);
  expect(await namesOnServers(POOL)).toEqual([]);
  expect(await poolRecords(POOL)).toEqual({ templates: [], stacks: [] });
});

describe('a warm pool of three-store stacks', () => {
  let stacks: Stack[];

  it('hands out distinct stacks, each clean against the summary and holding the template’s seeded content', async () => {
    stacks = [await pool.acquire(), await pool.acquire(), await pool.acquire()];
    expect(stacks.map((s) => s.warm)).toEqual([true, true, true]);
    for (const part of ['id', 'postgres', 'mongo', 's3'] as const) {
      const values = stacks.map((s) => (part === 'id' ? s.id : s.names[part]));
      expect(new Set(values).size, part).toBe(3);
    }
    for (const s of stacks) {
      expect(s.stores).toEqual(['postgres', 'mongo', 's3']);
      expect(s.contentHash).toBe(templateHash);
      const verified = await runVerify(s.config, {});
      expect(verified.verdict.exitCode, `stack ${s.id} verify`).toBe(0);
      expect((await liveContent(s.config, s.stores)).hash).toBe(templateHash);
      // The template's store stamps come with it: the environment it was built for and a finished seed.
      for (const meta of await readStamps(s.config, s.stores)) {
        expect(meta, `stack ${s.id} ${meta.store}`).toMatchObject({ env: 'test', seed: { state: 'finished', seed: 1, profile: 'small' } });
      }
    }
  });

  it('a write in one stack is invisible in every other', async () => {
    const [a, b, c] = stacks;
    await queryUrl(a.config.postgres!.url, "UPDATE system_settings SET description = 'ci isolation probe'");
    const mongo = new MongoClient(a.config.mongo!.uri);
    try {
      await mongo.connect();
      await mongo.db(a.config.mongo!.db).collection('search_logs').insertOne({ probe: 'ci isolation' });
    } finally {
      await mongo.close();
    }
    const s3 = createS3Client(a.config.s3!, 10_000);
    try {
      await s3.send(new PutObjectCommand({ Bucket: a.config.s3!.bucket, Key: 'users/profiles/ci-probe/avatar.png', Body: 'probe', ContentType: 'image/png' }));
    } finally {
      s3.destroy();
    }
    const changed = await liveContent(a.config, a.stores);
    // Each store's hash moved in the stack written to...
    for (const store of ['postgres', 'mongo', 's3'] as const) expect(changed.stores[store], store).not.toBe((await liveContent(b.config, b.stores)).stores[store]);
    // ...and nothing moved anywhere else.
    for (const other of [b, c]) expect((await liveContent(other.config, other.stores)).hash).toBe(templateHash);
    const rows = await queryUrl<{ n: number }>(b.config.postgres!.url, "SELECT count(*)::int AS n FROM system_settings WHERE description = 'ci isolation probe'");
    expect(rows[0].n).toBe(0);
  });

  it('refills in the background to the size the pool was warmed to', async () => {
    await pool.settled();
    const status = await pool.status();
    const current = status.templates.find((t) => t.current)!;
    expect(current.stacks).toMatchObject({ ready: 3, leased: 3, creating: 0 });
  });

  it('release drops the stack’s database, MongoDB database and bucket, and its record', async () => {
    const a = stacks[0];
    await a.release();
    const names = await namesOnServers(POOL);
    for (const n of [a.names.postgres, a.names.mongo, a.names.s3]) expect(names.some((x) => x.endsWith(` ${n}`)), n).toBe(false);
    const s3 = createS3Client(ciConfig().s3!, 10_000);
    try {
      await expect(s3.send(new HeadBucketCommand({ Bucket: a.names.s3! }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    } finally {
      s3.destroy();
    }
    expect((await poolRecords(POOL)).stacks.map((s) => s.id)).not.toContain(a.id);
    const again = await a.release().catch((e) => e);
    expect(again).toBeInstanceOf(RecruitDbError);
    expect((again as RecruitDbError).oneLine()).toMatch(/no CI stack with lease id .*released already/);
  });

  it('hands out atomically: concurrent acquires over separate connections never share a stack', async () => {
    const pools = await Promise.all([0, 1, 2].map(() => openPool(ciConfig(), { pool: POOL, refill: false })));
    try {
      await pool.warm(6);
      const got = await Promise.all(pools.flatMap((p) => [p.acquire(), p.acquire()]));
      expect(new Set(got.map((s) => s.id)).size).toBe(6);
      expect(got.filter((s) => s.warm)).toHaveLength(6);
      const leased = (await poolRecords(POOL)).stacks.filter((s) => s.state === 'leased');
      for (const s of got) expect(leased.filter((r) => r.id === s.id)).toHaveLength(1);
    } finally {
      for (const p of pools) await p.close();
    }
  });

  it('an empty pool copies a stack for the caller (cold), which verifies like a warm one', async () => {
    const p = await openPool(ciConfig(), { pool: POOL, refill: false });
    try {
      await p.warm(0);
      await pool.settled();
      const ready = (await p.status()).stacks.filter((x) => x.state === 'ready').length;
      for (let i = 0; i < ready; i++) {
        const taken = await p.acquire();
        expect(taken.warm).toBe(true);
        await taken.release();
      }
      const cold = await p.acquire();
      expect(cold.warm).toBe(false);
      expect(cold.contentHash).toBe(templateHash);
      expect((await runVerify(cold.config, {})).verdict.exitCode).toBe(0);
      expect((await liveContent(cold.config, cold.stores)).hash).toBe(templateHash);
    } finally {
      await p.close();
    }
    // close() released what that pool handed out.
    expect((await poolRecords(POOL)).stacks.filter((s) => s.state !== 'leased' && s.state !== 'ready')).toEqual([]);
  });
});
