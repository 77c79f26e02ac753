/**
 * The second MongoDB release as a live system gets it (issue 14, "How to ship it"): a database
 * migrated AND seeded by the first release reaches the new shapes with a plain migrate, every
 * document converted, and a rollback of the new scripts returns it to the old shape exactly
 * (collection options + indexes identical, documents converted back). Against FerretDB, which
 * enforces no validator, so every document is checked with the client-side $jsonSchema checker.
 * Run `npm run build` first: the scripts and the CLI run compiled.
 */
import { MongoClient, UUID, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../src/stores/mongo/collections';
import { formatViolations, validateDocument } from '../../src/stores/mongo/jsonschema';
import { openMongoMigrator } from '../../src/stores/mongo/migrate';
import { RELEASE_1 } from '../../src/stores/mongo/release1';
import { xapiDocument } from '../../src/stores/mongo/xapi';
import { runCli } from '../helpers/cli';
import { baseConfig, cliEnv, freshMongoDbName } from '../helpers/stores';

const dbName = freshMongoDbName('rdb_mongo_r2');
const config = { ...baseConfig(), mongo: { ...baseConfig().mongo!, db: dbName } };
const env = cliEnv({ MONGODB_DB: dbName });
const DAY = 86_400_000;
let client: MongoClient;

type Shape = Record<string, { options: Document; indexes: Document[] }>;
async function shape(): Promise<Shape> {
  const db = client.db(dbName);
  const out: Shape = {};
  for (const c of await db.listCollections().toArray()) {
    if (!RELEASE_1.some((d) => d.name === c.name)) continue;
    out[c.name] = { options: (c as { options?: Document }).options ?? {}, indexes: (await db.collection(c.name).listIndexes().toArray()).sort((a, b) => String(a.name).localeCompare(String(b.name))) };
  }
  return out;
}

/** Every document of every collection, keyed by what identifies it across the rewrite of _id. */
async function documents(): Promise<Record<string, Record<string, Document>>> {
  const out: Record<string, Record<string, Document>> = {};
  for (const def of RELEASE_1) {
    const docs = await client.db(dbName).collection(def.name).find({}, { promoteValues: false }).toArray();
    out[def.name] = Object.fromEntries(
      docs.map((d) => {
        if (def.name === 'xapi_statements' || def.name === 'event_log') {
          const { _id, ...rest } = d;
          return [String(def.name === 'xapi_statements' ? rest.id : rest.eventId), rest];
        }
        return [String(d._id), d];
      }),
    );
  }
  return out;
}

let before: { shape: Shape; docs: Awaited<ReturnType<typeof documents>> };

beforeAll(async () => {
  client = new MongoClient(config.mongo.uri);
  await client.connect();
  const m = await openMongoMigrator(config);
  try {
    await m.up({ to: '20260210000010' });
  } finally {
    await m.close();
  }
  const seeded = await runCli(['seed', '--only', 'mongo', '--profile', 'small'], { env });
  expect(seeded.code, seeded.stderr).toBe(0);
  before = { shape: await shape(), docs: await documents() };
});
afterAll(async () => {
  await client.db(dbName).dropDatabase().catch(() => undefined);
  await client.close();
});

describe('a first-release MongoDB database, migrated and seeded, upgraded with a plain migrate', () => {
  it('migrate applies the seven new scripts and every document passes its new $jsonSchema', async () => {
    const r = await runCli(['migrate', '--only', 'mongo'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('applied 7 migrations');
    const db = client.db(dbName);
    for (const def of COLLECTIONS) {
      const docs = await db.collection(def.name).find({}, { promoteValues: false }).toArray();
      expect(docs.length, def.name).toBe(Object.keys(before.docs[def.name]).length);
      for (const d of docs) expect(formatViolations(validateDocument(def.validator, d)), `${def.name} ${String(d._id)}`).toBe('');
    }
  });

  it('converted each document by its meaning', async () => {
    const db = client.db(dbName);
    for (const s of await db.collection('user_sessions').find({}).toArray()) expect(s.expireAt.getTime() - s.lastActivityAt.getTime()).toBe(90 * DAY);
    for (const s of await db.collection('search_logs').find({}).toArray()) expect(s.expireAt.getTime() - s.searchedAt.getTime()).toBe(180 * DAY);
    const queue = await db.collection('notification_queue').find({}).toArray();
    expect(new Set(queue.map((q) => q.status))).toEqual(new Set(['queued', 'delivered', 'read', 'failed']));
    for (const q of queue) {
      if (q.status === 'queued') expect(q.expireAt, 'a queued entry never expires unsent').toBeUndefined();
      if (q.status === 'read') expect(q.expireAt.getTime() - q.readAt.getTime()).toBe(7 * DAY);
      if (q.status === 'delivered') expect(q.expireAt.getTime() - q.deliveredAt.getTime()).toBe(7 * DAY);
      if (q.status === 'failed') expect(q.expireAt.getTime() - q.scheduledFor.getTime()).toBe(7 * DAY);
    }
    const events = await db.collection('event_log').find({}).toArray();
    for (const e of events) {
      const old = before.docs.event_log[new UUID((e._id as unknown as { buffer: Uint8Array }).buffer).toHexString()];
      expect(old, 'the _id is the first release eventId').toBeDefined();
      expect(e.eventId).toBeUndefined();
      if (e.status === 'processed') expect(e.expireAt.getTime() - e.processedAt.getTime()).toBe(30 * DAY);
      else expect(e.expireAt, `${e.status} events never expire`).toBeUndefined();
    }
    for (const x of await db.collection('xapi_statements').find({}).toArray()) {
      const old = before.docs.xapi_statements[x.statement.id];
      expect(new UUID((x._id as unknown as { buffer: Uint8Array }).buffer).toHexString()).toBe(x.statement.id);
      expect(x.statement.timestamp).toBe(x.timestamp.toISOString());
      expect(x.timestamp.getTime()).toBe((old.timestamp as Date).getTime());
      expect(x.statement.actor).toEqual(old.actor);
      expect(x.userId).toBe(old.userId);
      expect(x.voided).toBe(false);
    }
    // The unique index on the statement/event id is gone: _id is the id.
    expect((await db.collection('xapi_statements').listIndexes().toArray()).map((i) => i.name)).not.toContain('statement_id');
    expect((await db.collection('event_log').listIndexes().toArray()).map((i) => i.name)).not.toContain('event_id');
  });

  it('rollback of the new scripts returns the old shape exactly and the documents converted back', async () => {
    const r = await runCli(['rollback', '--only', 'mongo', '--steps', '7'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(await shape()).toEqual(before.shape);
    const after = await documents();
    for (const def of RELEASE_1) {
      expect(Object.keys(after[def.name]).sort(), def.name).toEqual(Object.keys(before.docs[def.name]).sort());
      for (const [k, d] of Object.entries(before.docs[def.name])) expect(after[def.name][k], `${def.name} ${k}`).toEqual(d);
    }
    const again = await runCli(['migrate', '--only', 'mongo'], { env });
    expect(again.code, again.stderr).toBe(0);
  });

  it('rollback refuses, changing nothing, when a statement uses xAPI the first release cannot store', async () => {
    const db = client.db(dbName);
    const target = (await db.collection('xapi_statements').findOne({}))!;
    const voiding = {
      id: 'e9b1c0d2-3f4a-4b5c-8d6e-7f8091a2b3c4',
      actor: { mbox: 'mailto:admin@example.com' },
      verb: { id: 'http://adlnet.gov/expapi/verbs/voided', display: { 'en-US': 'voided' } },
      object: { objectType: 'StatementRef', id: target.statement.id },
      timestamp: '2026-02-01T10:00:00.000Z',
      stored: '2026-02-01T10:00:01.000Z',
      authority: { objectType: 'Agent', account: { homePage: 'https://lms.example.com', name: 'lrs' } },
      version: '1.0.3',
    };
    const doc = xapiDocument(voiding, { userId: target.userId });
    expect(formatViolations(validateDocument(COLLECTIONS.find((c) => c.name === 'xapi_statements')!.validator, doc))).toBe('');
    await db.collection('xapi_statements').insertOne(doc);
    const count = await db.collection('xapi_statements').countDocuments();
    const r = await runCli(['rollback', '--only', 'mongo', '--steps', '7'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/1 xAPI statement\(s\) use what the first release cannot store \(e\.g\. e9b1c0d2/);
    expect(await db.collection('xapi_statements').countDocuments()).toBe(count);
    expect(await db.collection('xapi_statements').countDocuments({ _id: { $type: 'binData' } })).toBe(count);
  });
});
