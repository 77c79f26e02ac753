import type { Document } from 'mongodb';
import type { Capability } from '../shapes';
import { INTERNAL } from './collections';
import { probeMongoServerWith, type MongoServer } from './connect';
import { RELEASE_1 } from './release1';
import { withoutEmptyRequired, type CollectionDef, type IndexDef, type ShardKey } from './schema';

/**
 * What the migration scripts call. Every change goes out as one raw database command (create,
 * collMod, createIndexes, drop), so the command a real MongoDB receives is exactly the one written
 * here, command monitoring sees it, and a dry run can record it instead of sending it.
 *
 * When the server refuses a feature it does not implement (FerretDB: validators, TTL indexes), the
 * rest is applied and the refusal is written to the capability record with the server's own words.
 * Nothing here ever claims a validator or TTL is in force without the server having accepted it.
 */

/** The part of a mongodb `Db` these helpers use; a dry-run wrapper implements it too. */
export interface CommandTarget {
  readonly databaseName: string;
  /** `options`: the driver's, e.g. { promoteValues: false } to read numbers with their BSON types. */
  command(cmd: Document, options?: Document): Promise<Document>;
  admin(): { command(cmd: Document): Promise<Document> };
}

export const FEATURES = {
  validator: 'jsonSchemaValidator',
  ttl: 'ttlIndex',
  sharding: 'sharding',
} as const;
export type Feature = (typeof FEATURES)[keyof typeof FEATURES];

/** One document per feature in the capability collection. */
export interface CapabilityRecord {
  _id: Feature;
  supported: boolean;
  server: string;
  /** The server's error text when it refused. */
  serverError?: string;
  serverCode?: number;
  /** What was done instead, e.g. "created the collection without a validator". */
  fallback?: string;
  /** Collections whose migration met this feature. */
  collections: string[];
  updatedAt: Date;
}

const NOT_IMPLEMENTED_CODES = new Set([238 /* NotImplemented */, 59 /* CommandNotFound */, 115 /* CommandNotSupported */]);

/** True when the server says it lacks a feature, as opposed to rejecting our input or failing. */
export function isCapabilityGap(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e?.code === 'number' && NOT_IMPLEMENTED_CODES.has(e.code)) return true;
  return /not implemented|not supported|unsupported/i.test(String(e?.message ?? ''));
}

function errorText(err: unknown): { text: string; code?: number } {
  const e = err as { code?: unknown; codeName?: unknown; message?: unknown };
  // FerretDB echoes the refused value as a Go struct dump with memory addresses
  // ('with value &{map[...] [{0x1969fce13c50 ...}]}'); dropping it keeps the server's words stable
  // across runs, so saved --json reports diff cleanly.
  const text = String(e?.message ?? err)
    .replace(/ with value &\{.*\}(?= is not implemented)/, '')
    .replace(/0x[0-9a-f]{6,}/g, '0x…');
  return { text, code: typeof e?.code === 'number' ? e.code : undefined };
}

const serverCache = new WeakMap<object, Promise<MongoServer>>();
function serverOf(db: CommandTarget): Promise<MongoServer> {
  const admin = db.admin();
  let p = serverCache.get(db);
  if (!p) {
    p = probeMongoServerWith((cmd) => admin.command(cmd));
    serverCache.set(db, p);
  }
  return p;
}

async function record(db: CommandTarget, feature: Feature, collection: string, outcome: { supported: true } | { supported: false; err: unknown; fallback: string }): Promise<void> {
  const server = await serverOf(db);
  const set: Document = { supported: outcome.supported, server: server.label, updatedAt: new Date() };
  const unset: Document = {};
  if (outcome.supported) {
    Object.assign(unset, { serverError: '', serverCode: '', fallback: '' });
  } else {
    const { text, code } = errorText(outcome.err);
    Object.assign(set, { serverError: text, fallback: outcome.fallback });
    if (code === undefined) unset.serverCode = '';
    else set.serverCode = code;
  }
  const u: Document = { $set: set, $addToSet: { collections: collection } };
  if (Object.keys(unset).length) u.$unset = unset;
  await db.command({ update: INTERNAL.capabilities, updates: [{ q: { _id: feature }, u, upsert: true }] });
}

/**
 * The validation options every create and collMod sends: the one place a definition becomes a
 * command. Empty `required` lists are dropped here, not in the frozen definitions: the first
 * release's have them, which MongoDB refuses (FailedToParse), so no MongoDB ever applied those
 * scripts as written, and FerretDB stores no validator; for every database that applied them the
 * change is a no-op, and a real MongoDB can now run them.
 */
function validationOptions(def: CollectionDef): Document {
  return { validator: withoutEmptyRequired(def.validator), validationLevel: def.validationLevel, validationAction: def.validationAction };
}

/** The create command a real MongoDB receives for a collection. */
export function createCommand(def: CollectionDef): Document {
  return { create: def.name, ...validationOptions(def) };
}

/** The createIndexes command for one index (TTL included). */
export function createIndexCommand(collection: string, index: IndexDef): Document {
  const spec: Document = { key: index.key, name: index.name };
  if (index.unique) spec.unique = true;
  if (index.expireAfterSeconds !== undefined) spec.expireAfterSeconds = index.expireAfterSeconds;
  return { createIndexes: collection, indexes: [spec] };
}

async function collectionExists(db: CommandTarget, name: string): Promise<boolean> {
  const res = await db.command({ listCollections: 1, filter: { name }, nameOnly: true });
  return (res.cursor?.firstBatch ?? []).length > 0;
}

/**
 * Creates the collection with its validator, or brings an existing one's validator up to date.
 * With `fresh` (the fast path's, on an empty database): the collection is known not to exist, a
 * validator refused earlier in the run is not offered again, and a new refusal is noted there.
 */
export async function ensureCollection(db: CommandTarget, def: CollectionDef, fresh?: Refusals): Promise<void> {
  const exists = fresh ? false : await collectionExists(db, def.name);
  const without = async (err: unknown) => {
    if (!exists) await db.command({ create: def.name });
    await record(db, FEATURES.validator, def.name, {
      supported: false,
      err,
      fallback: exists ? 'left the existing collection without a validator' : 'created the collection without a validator',
    });
  };
  if (fresh?.has(FEATURES.validator)) return without(fresh.get(FEATURES.validator));
  const cmd = exists ? { collMod: def.name, ...validationOptions(def) } : createCommand(def);
  try {
    await db.command(cmd);
    await record(db, FEATURES.validator, def.name, { supported: true });
  } catch (err) {
    if (!fresh && (err as { code?: number }).code === 48 /* NamespaceExists: a concurrent creator */) return ensureCollection(db, def);
    if (!isCapabilityGap(err)) throw err;
    fresh?.set(FEATURES.validator, err);
    await without(err);
  }
}

/**
 * Creates one index; a TTL index the server refuses becomes a plain index on the same field, recorded.
 * With `refused` (the fast path's): a TTL refused earlier in the run is not offered again, and a new
 * refusal is noted there.
 */
export async function ensureIndex(db: CommandTarget, collection: string, index: IndexDef, refused?: Refusals): Promise<void> {
  const plainInstead = async (err: unknown) => {
    const { expireAfterSeconds: _dropped, ...plain } = index;
    await db.command(createIndexCommand(collection, plain));
    await record(db, FEATURES.ttl, collection, { supported: false, err, fallback: 'created a plain (non-expiring) index on the same field instead; documents do not expire' });
  };
  if (index.expireAfterSeconds !== undefined && refused?.has(FEATURES.ttl)) return plainInstead(refused.get(FEATURES.ttl));
  try {
    await db.command(createIndexCommand(collection, index));
    if (index.expireAfterSeconds !== undefined) await record(db, FEATURES.ttl, collection, { supported: true });
  } catch (err) {
    if (index.expireAfterSeconds === undefined || !isCapabilityGap(err)) throw err;
    refused?.set(FEATURES.ttl, err);
    await plainInstead(err);
  }
}

/** What a server refused during one run, by feature: later collections skip the attempt. */
export type Refusals = Map<Feature, unknown>;

/**
 * A collection created on an EMPTY database straight in the state `def` describes: one create,
 * the plain indexes in one createIndexes, each TTL index on its own (the one a server may refuse),
 * the shard key. The fast path of migrate (fastforward.ts) calls this instead of replaying every
 * script's create, collMod, dropIndexes and createIndexes. A feature the server refused once in
 * the run is not offered again (`refused`): the record says what that refusal said.
 */
export async function arriveAt(db: CommandTarget, def: CollectionDef, refused: Refusals): Promise<void> {
  await ensureCollection(db, def, refused);
  const plain = def.indexes.filter((i) => i.expireAfterSeconds === undefined);
  if (plain.length) await db.command({ createIndexes: def.name, indexes: plain.map((i) => createIndexCommand(def.name, i).indexes[0]) });
  for (const ttl of def.indexes.filter((i) => i.expireAfterSeconds !== undefined)) await ensureIndex(db, def.name, ttl, refused);
  await ensureShardKey(db, def);
}

/**
 * What each first-release script does for its collection: the FROZEN first-release definition
 * (release1.ts), whatever the current definitions are. Later scripts call applyDefinition or
 * changeIndexes with the definitions of their own release.
 */
export async function applyCollection(db: CommandTarget, name: string): Promise<void> {
  const def = RELEASE_1.find((c) => c.name === name);
  if (!def) throw new Error(`recruit-db: no first-release MongoDB collection named "${name}"`);
  await applyDefinition(db, def);
}

/**
 * An index the server's storage holds but its catalogue does not list: FerretDB (SQLite) killed
 * in the middle of a createIndexes can leave one, and every later createIndexes of that name then
 * fails with "index ... already exists" while listIndexes does not show it.
 */
function isOrphanedIndex(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  // 85/86 are MongoDB's own "same name, other options/keys": a real conflict, not an orphan.
  return e?.code !== 85 && e?.code !== 86 && /index \S+ already exists/i.test(String(e?.message ?? ''));
}

/**
 * Creates the collection (or updates its validator) and every index of `def`. A killed server's
 * orphaned index is converged on the next run: an empty collection is dropped and created again
 * (its storage, the orphan with it, goes); a collection holding documents is never dropped, and
 * the error says why.
 */
export async function applyDefinition(db: CommandTarget, def: CollectionDef): Promise<void> {
  try {
    await applyOnce(db, def);
  } catch (err) {
    if (!isOrphanedIndex(err)) throw err;
    const count = await db.command({ count: def.name });
    if (Number(count.n ?? 0) > 0) {
      throw Object.assign(new Error(`${def.name}: the server holds an index its catalogue does not list (left by a server killed while creating it), and the collection holds ${count.n} documents, so it is not re-created: ${String((err as Error).message)}`), { code: (err as { code?: unknown }).code });
    }
    await db.command({ drop: def.name });
    await applyOnce(db, def);
  }
}

async function applyOnce(db: CommandTarget, def: CollectionDef): Promise<void> {
  await ensureCollection(db, def);
  for (const index of def.indexes) await ensureIndex(db, def.name, index);
}

const sameIndex = (a: IndexDef, b: IndexDef) =>
  a.name === b.name && JSON.stringify(a.key) === JSON.stringify(b.key) && Boolean(a.unique) === Boolean(b.unique) && a.expireAfterSeconds === b.expireAfterSeconds;

/**
 * Moves a collection's indexes from one release's definition to another's: drops those `from` has
 * and `to` lacks (or defines differently), then creates the new ones. Drops come first, so a unique
 * index the new document shape cannot satisfy is gone before documents change shape.
 */
export async function changeIndexes(db: CommandTarget, from: CollectionDef, to: CollectionDef): Promise<void> {
  for (const old of from.indexes) {
    if (to.indexes.some((i) => sameIndex(i, old))) continue;
    await db.command({ dropIndexes: from.name, index: old.name }).catch((err) => {
      if ((err as { code?: number }).code !== 27 /* IndexNotFound */) throw err;
    });
  }
  for (const index of to.indexes) {
    if (from.indexes.some((i) => sameIndex(i, index))) continue;
    await ensureIndex(db, to.name, index).catch(async (err) => {
      // FerretDB (SQLite) under load can still hold, for a moment, the storage of an index of the
      // same name dropped just above; one more drop and one retry converge, a real conflict stays.
      if (!isOrphanedIndex(err)) throw err;
      await db.command({ dropIndexes: to.name, index: index.name }).catch(() => undefined);
      await ensureIndex(db, to.name, index);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Converting documents between releases (client-side: FerretDB has no update pipelines)
// ---------------------------------------------------------------------------------------------

const BATCH = 500;

/**
 * Pages through the documents matching `filter` in _id order, `BATCH` at a time. Paging by the last
 * _id seen (not by "what is left") ends even when the writes are only recorded (a dry run).
 * Numbers are read with their BSON types (promoteValues: false), so a rewritten document keeps an
 * int an int and a double a double.
 */
export async function* pages(db: CommandTarget, collection: string, filter: Document): AsyncGenerator<Document[]> {
  let after: unknown;
  for (;;) {
    const q = after === undefined ? filter : { $and: [filter, { _id: { $gt: after } }] };
    const res = await db.command({ find: collection, filter: q, sort: { _id: 1 }, limit: BATCH, batchSize: BATCH }, { promoteValues: false });
    const docs = (res.cursor?.firstBatch ?? []) as Document[];
    if (docs.length === 0) return;
    yield docs;
    after = docs[docs.length - 1]._id;
    if (docs.length < BATCH) return;
  }
}

/** Updates each matching document with the update `change` returns for it (undefined: leave it). */
export async function updateEach(db: CommandTarget, collection: string, filter: Document, change: (doc: Document) => Document | undefined): Promise<number> {
  let n = 0;
  for await (const docs of pages(db, collection, filter)) {
    const updates = docs.flatMap((d) => {
      const u = change(d);
      return u ? [{ q: { _id: d._id }, u }] : [];
    });
    if (updates.length) await db.command({ update: collection, updates, ordered: true });
    n += updates.length;
  }
  return n;
}

/**
 * Replaces each matching document with the one `convert` returns, which has another _id: the new
 * documents are upserted by their _id (so a run that died halfway repeats cleanly), then the old
 * ones deleted. `filter` must not match the new documents (e.g. select by the old _id's type).
 */
export async function replaceEach(db: CommandTarget, collection: string, filter: Document, convert: (doc: Document) => Document): Promise<number> {
  let n = 0;
  for await (const docs of pages(db, collection, filter)) {
    const fresh = docs.map(convert);
    await db.command({ update: collection, updates: fresh.map((d) => ({ q: { _id: d._id }, u: d, upsert: true })), ordered: true });
    await db.command({ delete: collection, deletes: [{ q: { _id: { $in: docs.map((d) => d._id) } }, limit: 0 }] });
    n += docs.length;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Sharding
// ---------------------------------------------------------------------------------------------

/** 'mongos' when the target is a sharded cluster's router; otherwise what it is instead. */
export async function deploymentOf(db: CommandTarget): Promise<'mongos' | 'FerretDB' | 'replica set' | 'standalone'> {
  const server = await serverOf(db);
  if (server.flavour === 'ferretdb') return 'FerretDB';
  const hello = await db.admin().command({ hello: 1 });
  if (hello.msg === 'isdbgrid') return 'mongos';
  return hello.setName ? 'replica set' : 'standalone';
}

/**
 * Shards the collection on its declared key when the target is a mongos (the key's index first: a
 * non-empty collection needs it); anywhere else records why it stays unsharded. A collection
 * declared without a key is left alone.
 */
export async function ensureShardKey(db: CommandTarget, def: CollectionDef): Promise<void> {
  const key: ShardKey | null | undefined = def.shardKey;
  if (!key) return;
  const deployment = await deploymentOf(db);
  if (deployment !== 'mongos') {
    await record(db, FEATURES.sharding, def.name, {
      supported: false,
      err: new Error(`not sharded: ${deployment}`),
      fallback: 'the collection stays unsharded (its shard key is declared in the definitions)',
    });
    return;
  }
  await db.command({ createIndexes: def.name, indexes: [{ key, name: `shard_${Object.keys(key).join('_')}` }] }).catch((err) => {
    if ((err as { code?: number }).code !== 85 /* IndexOptionsConflict: an index on the key exists */) throw err;
  });
  await db.admin().command({ shardCollection: `${db.databaseName}.${def.name}`, key });
  await record(db, FEATURES.sharding, def.name, { supported: true });
}

/**
 * The reverse of ensureShardKey: a sharded collection cannot be unsharded here (MongoDB before 8.0
 * has no unshardCollection), so a rollback on a mongos stops with that; elsewhere the note goes.
 */
export async function forgetShardKey(db: CommandTarget, def: CollectionDef): Promise<void> {
  if (!def.shardKey) return;
  if ((await deploymentOf(db)) === 'mongos') {
    throw new Error(`${def.name} is sharded and cannot be unsharded by a rollback; leave this migration applied`);
  }
  await db.command({ update: INTERNAL.capabilities, updates: [{ q: { _id: FEATURES.sharding }, u: { $pull: { collections: def.name } } }] });
  await db.command({ delete: INTERNAL.capabilities, deletes: [{ q: { _id: FEATURES.sharding, collections: { $size: 0 } }, limit: 0 }] });
}

/** The reverse: drops the collection (its indexes go with it) and its entries in the capability record. */
export async function dropCollection(db: CommandTarget, name: string): Promise<void> {
  if (await collectionExists(db, name)) await db.command({ drop: name });
  await db.command({ update: INTERNAL.capabilities, updates: [{ q: {}, u: { $pull: { collections: name } }, multi: true }] });
  await db.command({ delete: INTERNAL.capabilities, deletes: [{ q: { collections: { $size: 0 } }, limit: 0 }] });
}

/** The capability record as the shared Capability type (store-neutral, for status/doctor/verify). */
export async function readCapabilities(db: CommandTarget): Promise<Capability[]> {
  const res = await db.command({ find: INTERNAL.capabilities, filter: {}, sort: { _id: 1 } });
  const docs = (res.cursor?.firstBatch ?? []) as CapabilityRecord[];
  return docs.map((d) => ({
    store: 'mongo' as const,
    feature: d._id,
    supported: d.supported,
    server: d.server,
    reason: d.supported
      ? `applied on ${d.collections.length} collection(s): ${d.collections.join(', ')}`
      : `the server answered${d.serverCode === undefined ? '' : ` (code ${d.serverCode})`}: ${d.serverError}; ${d.fallback} on ${d.collections.length} collection(s): ${d.collections.join(', ')}`,
  }));
}

/**
 * A collection whose documents gain a per-document `expireAt` (second release): indexes and
 * validator of `to`, then each document matching `filter` gets the date `expireAt` gives it
 * (undefined: none, it never expires).
 */
export async function addExpiry(db: CommandTarget, from: CollectionDef, to: CollectionDef, filter: Document, expireAt: (doc: Document) => Date | undefined): Promise<void> {
  await changeIndexes(db, from, to);
  await ensureCollection(db, to);
  await updateEach(db, to.name, { $and: [{ expireAt: { $exists: false } }, filter] }, (d) => {
    const at = expireAt(d);
    return at ? { $set: { expireAt: at } } : undefined;
  });
}

/** The reverse of addExpiry: the validator of `from` first (it forbids expireAt), then the field goes. */
export async function removeExpiry(db: CommandTarget, from: CollectionDef, to: CollectionDef): Promise<void> {
  await ensureCollection(db, from);
  await updateEach(db, to.name, { expireAt: { $exists: true } }, () => ({ $unset: { expireAt: '' } }));
  await changeIndexes(db, to, from);
}
