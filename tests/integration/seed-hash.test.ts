/**
 * The seed's content hash is computed from what it writes, as it writes it; reading the stores back
 * is a separate, opt-in check (`seed --verify-hash`) that reports every table, collection or prefix
 * that differs from what was written. Real stores throughout: a fresh PostgreSQL database, MongoDB
 * database and bucket.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config';
import { hashCollections, insertAll } from '../../src/stores/mongo/seed';
import { copyTables, verifyTables, type CopyTable } from '../../src/stores/postgres/seed';
import { createS3Client } from '../../src/stores/s3/connect';
import { hashObjects, uploadAll } from '../../src/stores/s3/seed';
import { uniquePrefixes } from '../../s3-layout';
import { genContext } from '../../seeds/postgres';
import { Topology, shapeFor } from '../../seeds/topology';
import { runCli } from '../helpers/cli';
import { latestTables } from '../helpers/pg';
import { freshStores, migrateStores, migratedPgClient } from '../helpers/stores';

/** One as-of for every run compared here: the default (today, UTC) could change between two of them at midnight. */
const AS_OF = '2026-06-30';

describe('seed --verify-hash', () => {
  let config: Config;
  let env: NodeJS.ProcessEnv;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ config, env, cleanup } = await freshStores('rdbhash'));
    await migrateStores(config);
  });
  afterAll(async () => cleanup?.());

  it('reads all three stores back and finds what was written; without the flag there is no read-back', async () => {
    const checked = await runCli(['seed', '--json', '--seed', '7', '--as-of', AS_OF, '--verify-hash'], { env });
    expect(checked.code, checked.stderr).toBe(0);
    const a = JSON.parse(checked.stdout);
    expect(a.readBack.ok).toBe(true);
    expect(a.readBack.stores.map((s: { store: string; ok: boolean; problems: string[] }) => [s.store, s.ok, s.problems])).toEqual([
      ['postgres', true, []],
      ['mongo', true, []],
      ['s3', true, []],
    ]);
    const plain = await runCli(['seed', '--json', '--seed', '7', '--as-of', AS_OF, '--truncate'], { env });
    expect(plain.code, plain.stderr).toBe(0);
    const b = JSON.parse(plain.stdout);
    expect(b.readBack).toBeUndefined();
    // Computed while writing, so the same seed gives the same hash with or without the check.
    expect(b.hash).toBe(a.hash);
    expect(b.postgres.counts).toEqual(a.postgres.counts);
  });

  it('up --verify-hash checks what it seeds; up without it reads nothing back', async () => {
    const r = await runCli(['reset', '--json', '--verify-hash', '--seed-value', '7', '--as-of', AS_OF], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).readBack.ok).toBe(true);
    const again = await runCli(['reset', '--json', '--seed-value', '7', '--as-of', AS_OF], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).readBack).toBeUndefined();
  });
});

describe('the read-back finds what differs', () => {
  const ctx = genContext(new Topology(3, shapeFor('small')), 'array', Date.UTC(2026, 0, 1));
  const specs = (): CopyTable[] => latestTables(ctx);

  it('PostgreSQL: an edited row and a deleted row, each in its table', async () => {
    const { client, drop } = await migratedPgClient('rdbhashpg');
    try {
      const written = await copyTables(client, specs());
      const clean = await verifyTables(client, specs(), written.sha256);
      expect(clean.filter((c) => !c.ok)).toEqual([]);
      expect(clean).toHaveLength(50);
      await client.query(`UPDATE skills SET name = name || ' (edited)' WHERE id = (SELECT id FROM skills ORDER BY id LIMIT 1)`);
      await client.query(`DELETE FROM skill_synonyms WHERE id = (SELECT id FROM skill_synonyms ORDER BY id LIMIT 1)`);
      const after = await verifyTables(client, specs(), written.sha256);
      expect(after.filter((c) => !c.ok)).toEqual([
        { table: 'skills', ok: false, problem: `the stored rows differ from the ${written.rows.skills} written` },
        { table: 'skill_synonyms', ok: false, problem: `${written.rows.skill_synonyms - 1} rows stored, ${written.rows.skill_synonyms} written` },
      ]);
      // Rows from another seed are not what this one sent: the regenerated text says so first.
      const other = genContext(new Topology(4, shapeFor('small')), 'array', Date.UTC(2026, 0, 1));
      const mismatch = await verifyTables(client, latestTables(other).filter((t) => t.table === 'categories'), written.sha256);
      expect(mismatch[0].problem).toMatch(/the generators gave other rows/);
    } finally {
      await drop();
    }
  });

  it('MongoDB and S3: the hash computed while writing is the read-back hash, until something changes', async () => {
    const { config, cleanup } = await freshStores('rdbhashms');
    const mongo = new MongoClient(config.mongo!.uri);
    await mongo.connect();
    const s3 = createS3Client(config.s3!, 10_000);
    try {
      await migrateStores(config, ['s3']);
      const mdb = mongo.db(config.mongo!.db);
      const docs = Array.from({ length: 2500 }, (_, i) => ({ _id: `doc-${i}`, n: i, at: new Date(Date.UTC(2026, 0, 1) + i * 1000), tags: ['a', String(i % 7)] }));
      const inserted = await insertAll(mdb, 'hash_test', docs.map((d) => ({ ...d })));
      expect(inserted.docs).toBe(2500);
      const stored = await hashCollections(mdb, ['hash_test']);
      expect(stored.collections.hash_test).toBe(inserted.hash);
      await mdb.collection<{ _id: string }>('hash_test').updateOne({ _id: 'doc-7' }, { $set: { n: -7 } });
      expect((await hashCollections(mdb, ['hash_test'])).collections.hash_test).not.toBe(inserted.hash);

      const prefixes = uniquePrefixes();
      const items = Array.from({ length: 30 }, (_, i) => ({ key: `${prefixes[i % prefixes.length]}hash-test-${i}.bin`, contentType: 'application/octet-stream', body: () => Buffer.from(`body ${i}`) }));
      const uploaded = await uploadAll(s3, config.s3!, 10_000, items, prefixes);
      expect(uploaded.uploaded).toBe(30);
      expect((await hashObjects(s3, config.s3!, 10_000, prefixes)).hash).toBe(uploaded.hash);
      await s3.send(new PutObjectCommand({ Bucket: config.s3!.bucket, Key: items[4].key, Body: Buffer.from('other bytes') }));
      const changed = await hashObjects(s3, config.s3!, 10_000, prefixes);
      const differs = prefixes.filter((p) => changed.prefixes[p] !== uploaded.prefixes[p]);
      expect(differs).toEqual([prefixes[4]]);
    } finally {
      s3.destroy();
      await mongo.close();
      await cleanup();
    }
  });
});
