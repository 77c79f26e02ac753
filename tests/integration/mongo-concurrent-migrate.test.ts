import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, type CommandStartedEvent, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL } from '../../src/stores/mongo/collections';
import { introspectMongo, mongoEntries } from '../../src/stores/mongo/introspect';
import { openMongoMigrator } from '../../src/stores/mongo/migrate';
import type { RecruitDbError } from '../../src/errors';
import { baseConfig, freshMongoDbName } from '../helpers/stores';

/**
 * An empty MongoDB database is migrated with the scripts running side by side where they touch
 * different collections, the capability record and the changelog written once at the end
 * (src/stores/mongo/lanes.ts). On FerretDB, against the one-by-one path on a database of its own:
 * the same live shape, capability record and changelog, the same rollback, and a failure recorded
 * as the one-by-one run records it.
 */
const fast = freshMongoDbName('rdb_mongo_lanes');
const slow = freshMongoDbName('rdb_mongo_onebyone');
const broken = freshMongoDbName('rdb_mongo_lanes_fail');
const configFor = (db: string) => ({ ...baseConfig(), env: 'test' as const, mongo: { ...baseConfig().mongo!, db } });
let client: MongoClient;
const dirs: string[] = [];

beforeAll(async () => {
  client = new MongoClient(baseConfig().mongo!.uri);
  await client.connect();
});
afterAll(async () => {
  for (const db of [fast, slow, broken]) await client.db(db).dropDatabase().catch(() => undefined);
  await client.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function migrate(db: string, oneByOne: boolean, commands: CommandStartedEvent[] = [], opts: { migrationsDir?: string; noFastForward?: boolean } = { noFastForward: true }) {
  const m = await openMongoMigrator(configFor(db), { oneByOne, onCommand: (e) => commands.push(e), ...opts });
  try {
    return await m.up({});
  } finally {
    await m.close();
  }
}

async function rollbackAll(db: string) {
  const m = await openMongoMigrator(configFor(db));
  try {
    return await m.down({ all: true });
  } finally {
    await m.close();
  }
}

const capabilityDocs = async (db: string) =>
  (await client.db(db).collection(INTERNAL.capabilities).find({}).sort({ _id: 1 }).toArray()).map(({ updatedAt, ...d }) => {
    expect(updatedAt).toBeInstanceOf(Date);
    return d;
  });

const changelog = async (db: string) => client.db(db).collection(INTERNAL.changelog).find({}).sort({ _id: 1 }).toArray();

const writesTo = (commands: CommandStartedEvent[], db: string, collection: string) =>
  commands.filter((c) => c.databaseName === db && ['insert', 'update', 'delete'].includes(c.commandName) && (c.command as Document)[c.commandName] === collection);

describe('migrate of an empty MongoDB database, scripts side by side', () => {
  const fastCommands: CommandStartedEvent[] = [];
  const slowCommands: CommandStartedEvent[] = [];

  it('applies every script, and writes the capability record and the changelog once each', async () => {
    const [a, b] = await Promise.all([migrate(fast, false, fastCommands), migrate(slow, true, slowCommands)]);
    expect(a.done).toEqual(b.done);
    expect(a.done).toHaveLength(17);
    expect(writesTo(fastCommands, fast, INTERNAL.capabilities)).toHaveLength(1);
    expect(writesTo(fastCommands, fast, INTERNAL.changelog)).toHaveLength(1);
    // One by one: a record update per validator, TTL and shard-key note (35), a changelog write per script.
    expect(writesTo(slowCommands, slow, INTERNAL.capabilities).length).toBeGreaterThan(30);
    expect(writesTo(slowCommands, slow, INTERNAL.changelog)).toHaveLength(17);
    // The scripts' own commands are the same ones, in another interleaving.
    const own = (cs: CommandStartedEvent[], db: string) =>
      cs
        .filter((c) => c.databaseName === db && ['create', 'collMod', 'createIndexes', 'dropIndexes'].includes(c.commandName))
        .map((c) => JSON.stringify(c.command, (k, v) => (k === 'lsid' || k === '$db' || k === '$clusterTime' ? undefined : v)))
        .sort();
    expect(own(fastCommands, fast)).toEqual(own(slowCommands, slow));
  });

  it('leaves the shape, the capability record and the changelog the one-by-one run leaves', async () => {
    const [a, b] = await Promise.all([introspectMongo(client, fast), introspectMongo(client, slow)]);
    expect(Object.keys(a.collections)).toHaveLength(10);
    expect(mongoEntries(a)).toEqual(mongoEntries(b));
    expect(a.capabilities).toEqual(b.capabilities);
    expect(a.migrations).toEqual(b.migrations);
    // The records in full (collections in the order they were first met), not only as reported.
    expect(await capabilityDocs(fast)).toEqual(await capabilityDocs(slow));
    const [la, lb] = await Promise.all([changelog(fast), changelog(slow)]);
    const row = (l: Document) => ({ keys: Object.keys(l).sort(), fileName: l.fileName, checksum: l.checksum, appliedAt: l.appliedAt instanceof Date });
    expect(la.map(row)).toEqual(lb.map(row));
    expect(new Set(la.map((l) => l.runId)).size).toBe(1);
    expect(new Set(la.map((l) => l.migrationBlock)).size).toBe(1);
  });

  it('rolls back to nothing like the one-by-one run, and an emptied database is migrated side by side again', async () => {
    const [a, b] = await Promise.all([rollbackAll(fast), rollbackAll(slow)]);
    expect(a.done).toEqual(b.done);
    expect(a.done).toHaveLength(17);
    const [ea, eb] = await Promise.all([introspectMongo(client, fast), introspectMongo(client, slow)]);
    expect(ea.collections).toEqual({});
    expect(ea).toEqual(eb);
    expect(await capabilityDocs(fast)).toEqual([]);

    const again: CommandStartedEvent[] = [];
    await migrate(fast, false, again);
    expect(writesTo(again, fast, INTERNAL.changelog)).toHaveLength(1);
    await migrate(slow, true);
    expect(mongoEntries(await introspectMongo(client, fast))).toEqual(mongoEntries(await introspectMongo(client, slow)));
    expect(await capabilityDocs(fast)).toEqual(await capabilityDocs(slow));
  });

  it('on a database that holds a collection, runs the scripts one by one', async () => {
    const m = await openMongoMigrator(configFor(fast));
    try {
      expect((await m.down({ steps: 1 })).done).toEqual(['20261201000007-shard-keys']);
    } finally {
      await m.close();
    }
    const commands: CommandStartedEvent[] = [];
    expect((await migrate(fast, false, commands)).done).toEqual(['20261201000007-shard-keys']);
    // The shard-key note per collection, each its own update, then the changelog entry.
    expect(writesTo(commands, fast, INTERNAL.capabilities).length).toBe(7);
  });

  it('records, when a script fails on the server, the scripts before it and no other', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdb-mongo-lanes-'));
    dirs.push(dir);
    const script = (body: string) => `exports.up = async (db) => { ${body} };\nexports.down = async (db) => {};\n`;
    writeFileSync(join(dir, '20300101000001-a.js'), script("await db.command({ create: 'a' });"));
    // Fine on the simulated server (it keeps no documents), a duplicate key on a real one.
    writeFileSync(
      join(dir, '20300101000002-b.js'),
      script("await db.command({ create: 'b' }); const r = await db.command({ insert: 'b', documents: [{ _id: 1 }, { _id: 1 }] }); if (r.writeErrors) throw new Error(r.writeErrors[0].errmsg);"),
    );
    writeFileSync(join(dir, '20300101000003-c.js'), script("await db.command({ create: 'c' });"));
    const err = (await migrate(broken, false, [], { migrationsDir: dir }).then(
      () => undefined,
      (e: unknown) => e,
    )) as RecruitDbError;
    expect(err?.code).toBe('migration-failed');
    expect(err.message).toContain('migration 20300101000002-b failed (up) after applying 20300101000001-a');
    expect((await changelog(broken)).map((l) => l.fileName)).toEqual(['20300101000001-a.js']);
    // The next run is one by one (the database is no longer empty) and says the same.
    const again = (await migrate(broken, false, [], { migrationsDir: dir }).catch((e: unknown) => e)) as RecruitDbError;
    expect(again.message).toContain('migration 20300101000002-b failed (up)');
    expect((await changelog(broken)).map((l) => l.fileName)).toEqual(['20300101000001-a.js']);
  });
});

/**
 * The fast path (src/stores/mongo/fastforward.ts): on an empty database the collections are created
 * straight in the second release's state. On FerretDB, against the one-by-one run: the same live
 * shape, the same capabilities (what is supported, on which collections), the same changelog, the
 * same rollback; a third of the commands.
 */
describe('migrate of an empty MongoDB database, straight to the released state', () => {
  const ffDb = freshMongoDbName('rdb_mongo_ff');
  const refDb = freshMongoDbName('rdb_mongo_ff_ref');
  afterAll(async () => {
    for (const db of [ffDb, refDb]) await client.db(db).dropDatabase().catch(() => undefined);
  });
  const summary = async (db: string) => (await capabilityDocs(db)).map((d) => ({ _id: d._id, supported: d.supported, server: d.server, collections: d.collections }));

  it('leaves what the one-by-one run leaves, with a third of its commands, and rolls back the same', async () => {
    const ffCommands: CommandStartedEvent[] = [];
    const refCommands: CommandStartedEvent[] = [];
    const [a, b] = await Promise.all([migrate(ffDb, false, ffCommands, {}), migrate(refDb, true, refCommands)]);
    expect(a.done).toEqual(b.done);
    expect(a.done).toHaveLength(17);
    const schemaCommands = (cs: CommandStartedEvent[]) => cs.filter((c) => ['create', 'collMod', 'createIndexes', 'dropIndexes'].includes(c.commandName)).length;
    expect(schemaCommands(ffCommands) * 3).toBeLessThan(schemaCommands(refCommands));
    expect(ffCommands.some((c) => c.commandName === 'collMod' || c.commandName === 'dropIndexes')).toBe(false);
    expect(writesTo(ffCommands, ffDb, INTERNAL.capabilities)).toHaveLength(1);
    expect(writesTo(ffCommands, ffDb, INTERNAL.changelog)).toHaveLength(1);

    const [sa, sb] = await Promise.all([introspectMongo(client, ffDb), introspectMongo(client, refDb)]);
    expect(Object.keys(sa.collections)).toHaveLength(10);
    expect(mongoEntries(sa)).toEqual(mongoEntries(sb));
    expect(sa.migrations).toEqual(sb.migrations);
    expect(await summary(ffDb)).toEqual(await summary(refDb));
    const [la, lb] = await Promise.all([changelog(ffDb), changelog(refDb)]);
    const row = (l: Document) => ({ keys: Object.keys(l).sort(), fileName: l.fileName, checksum: l.checksum });
    expect(la.map(row)).toEqual(lb.map(row));

    const [ra, rb] = await Promise.all([rollbackAll(ffDb), rollbackAll(refDb)]);
    expect(ra.done).toEqual(rb.done);
    const [ea, eb] = await Promise.all([introspectMongo(client, ffDb), introspectMongo(client, refDb)]);
    expect(ea.collections).toEqual({});
    expect(ea).toEqual(eb);
    expect(await capabilityDocs(ffDb)).toEqual([]);
  });

  it('--one-by-one replays every script, one after another, on an empty database too', async () => {
    const db = freshMongoDbName('rdb_mongo_ff_obo');
    const commands: CommandStartedEvent[] = [];
    const m = await openMongoMigrator(configFor(db), { onCommand: (e) => commands.push(e) });
    try {
      expect((await m.up({ oneByOne: true })).done).toHaveLength(17);
    } finally {
      await m.close();
      await client.db(db).dropDatabase().catch(() => undefined);
    }
    expect(commands.some((c) => c.commandName === 'collMod')).toBe(true);
    expect(writesTo(commands, db, INTERNAL.changelog)).toHaveLength(17);
  });

  it('after a first migrate killed before it recorded anything, starts over; collections holding documents are never dropped', async () => {
    // What such a kill leaves: the released state's collections, no changelog.
    await migrate(ffDb, false, [], {});
    await client.db(ffDb).collection(INTERNAL.changelog).deleteMany({});
    await client.db(ffDb).collection(INTERNAL.capabilities).deleteMany({});
    const again = await migrate(ffDb, false, [], {});
    expect(again.done).toHaveLength(17);
    expect(again.notes.join('\n')).toContain('dropped 10 empty collection(s) an earlier migrate created and never recorded');
    await migrate(refDb, true);
    expect(mongoEntries(await introspectMongo(client, ffDb))).toEqual(mongoEntries(await introspectMongo(client, refDb)));
    expect(await summary(ffDb)).toEqual(await summary(refDb));

    // The same leftovers with one document in them: kept, and the scripts run one by one over them.
    await client.db(ffDb).collection(INTERNAL.changelog).deleteMany({});
    await client.db(ffDb).collection('search_logs').insertOne({ kept: true });
    const kept = await migrate(ffDb, false, [], {}).catch((e: unknown) => e as RecruitDbError);
    expect(await client.db(ffDb).collection('search_logs').countDocuments({ kept: true })).toBe(1);
    expect('notes' in kept ? kept.notes.join('\n') : '').not.toContain('dropped');
  });
});
