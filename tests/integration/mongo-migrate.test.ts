import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient, type CommandStartedEvent, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS, INTERNAL, ttlIndexOf } from '../../src/stores/mongo/collections';
import { RELEASE_1 } from '../../src/stores/mongo/release1';
import { withoutEmptyRequired } from '../../src/stores/mongo/schema';
import { introspectMongo } from '../../src/stores/mongo/introspect';
import { readFastForward } from '../../src/stores/mongo/fastforward';
import { openMongoMigrator } from '../../src/stores/mongo/migrate';
import type { MongoShape } from '../../src/stores/shapes';
import { REPO, runCli } from '../helpers/cli';
import { baseConfig, cliEnv, freshMongoDbName } from '../helpers/stores';

// Run `npm run build` first: the scripts run compiled from dist/mongo-migrations.
const dbName = freshMongoDbName('rdb_mongo_mig');
const config = { ...baseConfig(), mongo: { ...baseConfig().mongo!, db: dbName } };
let client: MongoClient;

const shapeOf = (s: MongoShape) =>
  Object.fromEntries(Object.entries(s.collections).map(([n, c]) => [n, c.indexes.map((i) => ({ name: i.name, key: i.key, unique: i.unique ?? false })).sort((a, b) => a.name.localeCompare(b.name))]));

beforeAll(async () => {
  client = new MongoClient(config.mongo.uri);
  await client.connect();
});
afterAll(async () => {
  await client.db(dbName).dropDatabase().catch(() => undefined);
  await client.close();
});

describe('mongo migrations on FerretDB', () => {
  const commands: CommandStartedEvent[] = [];

  it('dry run lists the commands and changes nothing', async () => {
    const m = await openMongoMigrator(config);
    try {
      const r = await m.up({ dryRun: true });
      expect(r.done).toEqual([]);
      // Twice ten: a dry run creates nothing, so the second release finds no collection to collMod.
      expect(r.plan!.filter((p) => p.includes('"create":')).length).toBe(20);
      // The first release's four TTL indexes, then the second release's four expireAt ones.
      expect(r.plan!.filter((p) => p.includes('expireAfterSeconds')).length).toBe(8);
      const names = (await client.db(dbName).listCollections().toArray()).map((c) => c.name);
      expect(names.filter((n) => COLLECTIONS.some((c) => c.name === n))).toEqual([]);
      expect((await m.status()).entries.every((e) => e.state === 'pending')).toBe(true);
      // The run itself would take the fast path on this empty database: the plan says so.
      const released = readFastForward()!.scripts.length;
      expect(r.notes.filter((n) => n.startsWith(`this database is empty: migrate would create the state the first ${released} of them build directly`))).toHaveLength(1);
      expect((await m.up({ dryRun: true, oneByOne: true })).notes.join('\n')).not.toMatch(/this database is empty/);
    } finally {
      await m.close();
    }
  });

  it('migrate creates the 10 collections and their non-TTL indexes, and sends the real validator and TTL commands', async () => {
    // What the scripts themselves send: the fast path to the released state is tested on its own (mongo-concurrent-migrate).
    const m = await openMongoMigrator(config, { onCommand: (e) => commands.push(e), noFastForward: true });
    try {
      const r = await m.up({});
      expect(r.done).toHaveLength(17);
    } finally {
      await m.close();
    }
    const shape = await introspectMongo(client, dbName);
    expect(Object.keys(shape.collections).sort()).toEqual(COLLECTIONS.map((c) => c.name).sort());
    for (const def of COLLECTIONS) {
      const live = shape.collections[def.name].indexes;
      for (const idx of def.indexes) {
        const hit = live.find((i) => i.name === idx.name);
        expect(hit, `${def.name}.${idx.name}`).toBeDefined();
        expect(hit!.key).toEqual(idx.key);
        expect(Boolean(hit!.unique)).toBe(Boolean(idx.unique));
        // FerretDB refused TTL: the index exists as a plain one, and nothing claims it expires.
        expect(hit!.expireAfterSeconds).toBeUndefined();
      }
      // Never pretend: no validator is reported by the server.
      expect(shape.collections[def.name].validator).toBeUndefined();
    }

    const sent = (name: string) => commands.filter((c) => c.commandName === name && c.databaseName === dbName).map((c) => c.command as Document);
    // The first release creates each collection with its (frozen) validator, minus the empty
    // `required` lists MongoDB refuses (apply.ts drops them: they require nothing); the second
    // release then sends the current one with collMod (which FerretDB refuses: recorded below).
    for (const def of RELEASE_1) {
      const create = sent('create').find((c) => c.create === def.name && c.validator);
      expect(create, def.name).toBeDefined();
      expect(create!.validator).toEqual(withoutEmptyRequired(def.validator));
      expect(JSON.stringify(create!.validator)).not.toContain('"required":[]');
    }
    for (const def of COLLECTIONS) {
      const mod = sent('collMod').filter((c) => c.collMod === def.name).pop();
      expect(mod, def.name).toBeDefined();
      expect(mod!.validator).toEqual(def.validator);
      expect(mod!.validationLevel).toBe(def.validationLevel);
      expect(mod!.validationAction).toBe(def.validationAction);
    }
    const ttlSent = sent('createIndexes')
      .filter((c) => c.indexes[0].expireAfterSeconds !== undefined)
      .map((c) => ({ coll: c.createIndexes, key: c.indexes[0].key, seconds: c.indexes[0].expireAfterSeconds }));
    expect(ttlSent.sort((a, b) => a.coll.localeCompare(b.coll) || a.seconds - b.seconds)).toEqual([
      { coll: 'event_log', key: { expireAt: 1 }, seconds: 0 },
      { coll: 'event_log', key: { occurredAt: 1 }, seconds: 2592000 },
      { coll: 'notification_queue', key: { expireAt: 1 }, seconds: 0 },
      { coll: 'notification_queue', key: { createdAt: 1 }, seconds: 604800 },
      { coll: 'search_logs', key: { expireAt: 1 }, seconds: 0 },
      { coll: 'search_logs', key: { searchedAt: 1 }, seconds: 15552000 },
      { coll: 'user_sessions', key: { expireAt: 1 }, seconds: 0 },
      { coll: 'user_sessions', key: { lastActivityAt: 1 }, seconds: 7776000 },
    ]);
    for (const def of COLLECTIONS) expect(Boolean(ttlIndexOf(def))).toBe(ttlSent.some((t) => t.coll === def.name));
    // The old TTL indexes went (dropIndexes), the plain stand-ins for the new ones stay.
    expect(sent('dropIndexes').map((c) => `${c.dropIndexes}.${c.index}`).sort()).toEqual(
      expect.arrayContaining(['event_log.event_id', 'event_log.ttl_occurred_at', 'notification_queue.ttl_created_at', 'search_logs.ttl_searched_at', 'user_sessions.ttl_last_activity', 'xapi_statements.statement_id']),
    );
  });

  it('records honestly what FerretDB refused, with the server label and its words', async () => {
    const docs = await client.db(dbName).collection(INTERNAL.capabilities).find({}).sort({ _id: 1 }).toArray();
    expect(docs.map((d) => [d._id, d.supported])).toEqual([
      ['jsonSchemaValidator', false],
      ['sharding', false],
      ['ttlIndex', false],
    ]);
    for (const d of docs) expect(d.server).toMatch(/^FerretDB 1\.24/);
    for (const d of [docs[0], docs[2]]) {
      expect(d.serverCode).toBe(238);
      expect(d.serverError).toMatch(/not implemented/i);
    }
    expect(docs[0].collections.sort()).toEqual(COLLECTIONS.map((c) => c.name).sort());
    expect(docs[2].collections.sort()).toEqual(['event_log', 'notification_queue', 'search_logs', 'user_sessions']);
    expect(docs[2].serverError).toContain('expireAfterSeconds');
    // Sharding: a note per collection that declares a shard key, naming why it stays unsharded.
    expect(docs[1].serverError).toBe('not sharded: FerretDB');
    expect(docs[1].collections.sort()).toEqual(COLLECTIONS.filter((c) => c.shardKey).map((c) => c.name).sort());
  });

  it('records the checksum of each script\'s TypeScript source, not of its compiled copy', async () => {
    const log = await client.db(dbName).collection(INTERNAL.changelog).find({}).toArray();
    expect(log).toHaveLength(17);
    for (const l of log) {
      const source = join(REPO, 'mongo-migrations', String(l.fileName).replace(/\.js$/, '.ts'));
      expect(l.checksum, String(l.fileName)).toBe(createHash('sha256').update(readFileSync(source)).digest('hex'));
    }
  });

  it('status and doctor (CLI) show the capability record', async () => {
    const env = cliEnv({ MONGODB_DB: dbName });
    const status = await runCli(['status', '--only', 'mongo', '--json'], { env });
    expect(status.code, status.stderr).toBe(0);
    const parsed = JSON.parse(status.stdout);
    const text = JSON.stringify(parsed);
    expect(text).toContain('jsonSchemaValidator');
    expect(text).toContain('ttlIndex');
    expect(text).toMatch(/FerretDB 1\.24/);
    expect(text.match(/"state":"applied"/g)).toHaveLength(17);

    const doctor = await runCli(['doctor', '--only', 'mongo', '--json'], { env });
    const d = JSON.stringify(JSON.parse(doctor.stdout));
    expect(d).toContain('"feature":"jsonSchemaValidator","supported":false');
    expect(d).toContain('"feature":"ttlIndex","supported":false');
    expect(d).toContain('is not implemented yet');
  });

  it('rollback --all removes them, and migrate -> rollback -> migrate gives the same shape', async () => {
    const before = shapeOf(await introspectMongo(client, dbName));
    const env = cliEnv({ MONGODB_DB: dbName });
    const down = await runCli(['rollback', '--only', 'mongo', '--all'], { env });
    expect(down.code, down.stderr).toBe(0);
    const empty = await introspectMongo(client, dbName);
    expect(Object.keys(empty.collections)).toEqual([]);
    expect(empty.capabilities).toEqual([]);
    expect(await client.db(dbName).collection(INTERNAL.changelog).countDocuments()).toBe(0);

    const up = await runCli(['migrate', '--only', 'mongo'], { env });
    expect(up.code, up.stderr).toBe(0);
    const after = await introspectMongo(client, dbName);
    expect(shapeOf(after)).toEqual(before);
    expect(after.capabilities.map((c) => [c.feature, c.supported])).toEqual([
      ['jsonSchemaValidator', false],
      ['sharding', false],
      ['ttlIndex', false],
    ]);
  });

  it('down --steps and up --to move one migration at a time', async () => {
    const m = await openMongoMigrator(config);
    try {
      // Back to the first release first (its own batch), then step through its last two scripts.
      expect((await m.down({ steps: 7 })).done).toHaveLength(7);
      const d = await m.down({ steps: 2 });
      expect(d.done).toEqual(['20260210000010-create-course-engagement', '20260210000009-create-event-log']);
      const caps = await m.status();
      // event_log left the TTL record with its collection.
      expect(caps.capabilities.find((c) => c.feature === 'ttlIndex')!.reason).not.toContain('event_log');
      const u = await m.up({ to: '20260210000009' });
      expect(u.done).toEqual(['20260210000009-create-event-log']);
      const s = await m.status();
      expect(s.entries.filter((e) => e.state === 'pending').map((e) => e.name)).toEqual([
        '20260210000010-create-course-engagement',
        ...(await m.status()).entries.filter((e) => e.name >= '20261201').map((e) => e.name),
      ]);
      expect((await m.up({ to: '20260210000010' })).done).toEqual(['20260210000010-create-course-engagement']);
      expect((await m.up({ to: '20260210000010' })).done).toEqual([]);
      // Runs are numbered like PostgreSQL's batches: the first run, then the two re-applies.
      const batches = Object.fromEntries((await m.status()).entries.map((e) => [e.name.slice(0, 14), e.batch]));
      expect(batches).toMatchObject({ '20260210000001': 1, '20260210000008': 1, '20260210000009': 2, '20260210000010': 3 });
      // A plain rollback reverts the last batch only: here the one migration of batch 3.
      expect((await m.down({})).done).toEqual(['20260210000010-create-course-engagement']);
      expect((await m.up({})).done).toHaveLength(8);
    } finally {
      await m.close();
    }
  });
});
