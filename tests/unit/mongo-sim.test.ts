import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UUID } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { applyCollection, ensureCollection, ensureIndex, FEATURES, type CommandTarget } from '../../src/stores/mongo/apply';
import { RELEASE_1 } from '../../src/stores/mongo/release1';
import { withoutEmptyRequired } from '../../src/stores/mongo/schema';
import { introspectMongoTarget, mongoEntries } from '../../src/stores/mongo/introspect';
import { REFUSALS, SimulatedMongo, simulatedFeatures, simulateMongoMigrations } from '../../src/verify/mongo-sim';
import { REPO } from '../helpers/cli';

/**
 * The in-memory MongoDB the expected shape is built on: MongoDB's catalog semantics, and FerretDB's
 * refusals when a feature is switched off, so apply.ts falls back exactly as it does there.
 */
const line = (e: ReturnType<typeof mongoEntries>[number]) => `${e.part ? `${e.part.kind} ${e.part.name}` : e.kind}: ${JSON.stringify(e.value)}`;

async function build(caps: Record<string, boolean>) {
  const db = new SimulatedMongo(caps);
  const def = {
    name: 'notifications',
    purpose: 'x',
    validator: { $jsonSchema: { bsonType: 'object', required: ['expireAt'], properties: { _id: { bsonType: 'binData' }, expireAt: { bsonType: 'date' } } } },
    validationLevel: 'strict' as const,
    validationAction: 'error' as const,
    validationWhy: 'x',
    indexes: [],
  };
  await ensureCollection(db, def);
  // Per-document expiry: the TTL index fires at each document's own expireAt.
  await ensureIndex(db, 'notifications', { name: 'expire_at', key: { expireAt: 1 }, expireAfterSeconds: 0 });
  await db.command({ createIndexes: 'notifications', indexes: [{ key: { ownerId: 1, status: 1 }, name: 'by_owner', partialFilterExpression: { ownerId: new UUID('0f8c0f8c-0f8c-4f8c-8f8c-0f8c0f8c0f8c'), status: { $in: ['pending', 'failed'] } } }] });
  return mongoEntries(await introspectMongoTarget(db)).filter((e) => e.name === 'notifications').map(line);
}

describe('the simulated MongoDB', () => {
  it('with every capability: validator, a per-document TTL (expireAfterSeconds 0), a partial index with a UUID in its filter', async () => {
    expect(await build({})).toEqual([
      'collection: ""',
      'validator : {"$jsonSchema":{"bsonType":"object","properties":{"_id":{"bsonType":"binData"},"expireAt":{"bsonType":"date"}},"required":["expireAt"]}}',
      'validationLevel : "strict"',
      'validationAction : "error"',
      'index _id_: {"key":{"_id":1}}',
      'index by_owner: {"key":{"ownerId":1,"status":1},"partialFilterExpression":{"ownerId":{"$uuid":"0f8c0f8c-0f8c-4f8c-8f8c-0f8c0f8c0f8c"},"status":{"$in":["pending","failed"]}}}',
      'index expire_at: {"expireAfterSeconds":0,"key":{"expireAt":1}}',
    ]);
  });

  it('without validators and TTL indexes (FerretDB): apply.ts falls back, as on the real server', async () => {
    const lines = await build({ [FEATURES.validator]: false, [FEATURES.ttl]: false });
    expect(lines.filter((l) => /^valid/.test(l))).toEqual([]);
    expect(lines).toContain('index expire_at: {"key":{"expireAt":1}}');
  });

  it('refuses a partial index the way FerretDB does (code 238) when switched off', async () => {
    const db = new SimulatedMongo({ partialIndex: false });
    await db.command({ create: 'c' });
    await expect(db.command({ createIndexes: 'c', indexes: [{ key: { a: 1 }, name: 'a', partialFilterExpression: { a: 1 } }] })).rejects.toMatchObject({ code: 238 });
  });

  it('has MongoDB semantics: create of an existing collection fails, the same index twice is a no-op, another spec under its name conflicts', async () => {
    const db = new SimulatedMongo({});
    await db.command({ create: 'c' });
    await expect(db.command({ create: 'c' })).rejects.toMatchObject({ code: 48 });
    await db.command({ createIndexes: 'c', indexes: [{ key: { a: 1 }, name: 'a' }] });
    await db.command({ createIndexes: 'c', indexes: [{ key: { a: 1 }, name: 'a' }] });
    await expect(db.command({ createIndexes: 'c', indexes: [{ key: { a: 1 }, name: 'a', unique: true }] })).rejects.toMatchObject({ code: 85 });
    // The same key and options under another name is the same index to MongoDB.
    await expect(db.command({ createIndexes: 'c', indexes: [{ key: { a: 1 }, name: 'a_again' }] })).rejects.toMatchObject({ code: 85, message: expect.stringMatching(/different name: a$/) });
    await expect(db.command({ shardCollection: 'x.c' })).rejects.toThrow(/does not know the command "shardCollection"/);
  });

  it('is a mongos with sharding, a standalone without it', async () => {
    const mongos = new SimulatedMongo({});
    await mongos.command({ create: 'c' });
    expect(await mongos.admin().command({ hello: 1 })).toMatchObject({ msg: 'isdbgrid' });
    expect(await mongos.admin().command({ shardCollection: 'simulated.c', key: { a: 1 } })).toMatchObject({ ok: 1 });
    const standalone = new SimulatedMongo({ sharding: false });
    expect(await standalone.admin().command({ hello: 1 })).not.toHaveProperty('msg');
    await expect(standalone.admin().command({ shardCollection: 'simulated.c', key: { a: 1 } })).rejects.toThrow(/does not know the admin command "shardCollection"/);
  });

  it('knows how to refuse every feature apply.ts records, and runs the repository\'s scripts', async () => {
    expect(simulatedFeatures()).toEqual(Object.values(FEATURES));
    for (const f of Object.values(FEATURES)) expect(REFUSALS[f]).toBeDefined();
    const { target, migrations } = await simulateMongoMigrations({});
    expect(migrations.length).toBeGreaterThanOrEqual(10);
    expect(Object.keys((await introspectMongoTarget(target)).collections).length).toBeGreaterThanOrEqual(10);
  });

  it('refuses a validator with an empty `required` list, at any depth, as MongoDB does (FailedToParse); without validators the NotImplemented comes first', async () => {
    const nested = { $jsonSchema: { bsonType: 'object', properties: { a: { bsonType: 'object', required: [], properties: {} } } } };
    const db = new SimulatedMongo({});
    await expect(db.command({ create: 'c', validator: nested })).rejects.toMatchObject({ code: 9, codeName: 'FailedToParse' });
    await db.command({ create: 'c' });
    await expect(db.command({ collMod: 'c', validator: { $jsonSchema: { required: [] } } })).rejects.toMatchObject({ code: 9 });
    await expect(new SimulatedMongo({ [FEATURES.validator]: false }).command({ create: 'c', validator: nested })).rejects.toMatchObject({ code: 238 });
  });
});

/**
 * The first release's frozen definitions hold `required: []` in sub-objects, so as written its ten
 * scripts could not run on a real MongoDB; apply.ts drops the empty lists from what it sends.
 */
describe('the first release on a MongoDB that parses its validators', () => {
  const script = async (prefix: string) => {
    const file = readdirSync(join(REPO, 'mongo-migrations')).find((f) => f.startsWith(prefix) && f.endsWith('.ts'))!;
    return (await import(join(REPO, 'mongo-migrations', file))) as { up(db: CommandTarget): Promise<void>; down(db: CommandTarget): Promise<void> };
  };
  const shape = async (db: SimulatedMongo) => mongoEntries(await introspectMongoTarget(db)).map((e) => `${e.name} ${line(e)}`);

  it('has empty lists to drop: the frozen definitions are not edited', () => {
    const empties = (v: unknown): number => (Array.isArray(v) ? v.reduce((n: number, x) => n + empties(x), 0) : v && typeof v === 'object' ? Object.entries(v).reduce((n, [k, x]) => n + (k === 'required' && Array.isArray(x) && x.length === 0 ? 1 : empties(x)), 0) : 0);
    expect(RELEASE_1.map((c) => empties(c.validator)).reduce((a, b) => a + b)).toBeGreaterThan(0);
    for (const c of RELEASE_1) expect(empties(withoutEmptyRequired(c.validator)), c.name).toBe(0);
  });

  it('each first-release collection is created with the same rules, minus the empty lists', async () => {
    const db = new SimulatedMongo({});
    for (const def of RELEASE_1) {
      await applyCollection(db, def.name);
      const res = await db.command({ listCollections: 1, filter: { name: def.name } });
      expect(res.cursor.firstBatch[0].options.validator, def.name).toEqual(withoutEmptyRequired(def.validator));
    }
  });

  it('20261201000006 is still correct after the first ten, now a no-op both ways, and idempotent', async () => {
    const db = new SimulatedMongo({ [FEATURES.sharding]: false });
    const firstTen = readdirSync(join(REPO, 'mongo-migrations')).filter((f) => f.startsWith('20260210') && f.endsWith('.ts')).sort();
    expect(firstTen).toHaveLength(10);
    for (const f of firstTen) await (await script(f)).up(db);
    const before = await shape(db);
    expect(before.filter((l) => / validator /.test(l))).toHaveLength(10);
    const six = await script('20261201000006');
    await six.up(db);
    expect(await shape(db)).toEqual(before);
    await six.up(db);
    expect(await shape(db)).toEqual(before);
    await six.down(db);
    expect(await shape(db)).toEqual(before);
  });
});

