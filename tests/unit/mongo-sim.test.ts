import { UUID } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { ensureCollection, ensureIndex, FEATURES } from '../../src/stores/mongo/apply';
import { introspectMongoTarget, mongoEntries } from '../../src/stores/mongo/introspect';
import { REFUSALS, SimulatedMongo, simulatedFeatures, simulateMongoMigrations } from '../../src/verify/mongo-sim';

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
    await expect(db.command({ shardCollection: 'x.c' })).rejects.toThrow(/does not know the command "shardCollection"/);
  });

  it('knows how to refuse every feature apply.ts records, and runs the repository\'s scripts', async () => {
    expect(simulatedFeatures()).toEqual(Object.values(FEATURES));
    for (const f of Object.values(FEATURES)) expect(REFUSALS[f]).toBeDefined();
    const { target, migrations } = await simulateMongoMigrations({});
    expect(migrations.length).toBeGreaterThanOrEqual(10);
    expect(Object.keys((await introspectMongoTarget(target)).collections).length).toBeGreaterThanOrEqual(10);
  });
});
