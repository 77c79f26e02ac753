import type { Document } from 'mongodb';
import type { Capability } from '../shapes';
import { collectionDef, INTERNAL, type CollectionDef, type IndexDef } from './collections';
import { probeMongoServerWith, type MongoServer } from './connect';

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
  command(cmd: Document): Promise<Document>;
  admin(): { command(cmd: Document): Promise<Document> };
}

export const FEATURES = {
  validator: 'jsonSchemaValidator',
  ttl: 'ttlIndex',
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

/** The create command a real MongoDB receives for a collection. */
export function createCommand(def: CollectionDef): Document {
  return { create: def.name, validator: def.validator, validationLevel: def.validationLevel, validationAction: def.validationAction };
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

/** Creates the collection with its validator, or brings an existing one's validator up to date. */
export async function ensureCollection(db: CommandTarget, def: CollectionDef): Promise<void> {
  const exists = await collectionExists(db, def.name);
  const cmd = exists
    ? { collMod: def.name, validator: def.validator, validationLevel: def.validationLevel, validationAction: def.validationAction }
    : createCommand(def);
  try {
    await db.command(cmd);
    await record(db, FEATURES.validator, def.name, { supported: true });
  } catch (err) {
    if ((err as { code?: number }).code === 48 /* NamespaceExists: a concurrent creator */) return ensureCollection(db, def);
    if (!isCapabilityGap(err)) throw err;
    if (!exists) await db.command({ create: def.name });
    await record(db, FEATURES.validator, def.name, {
      supported: false,
      err,
      fallback: exists ? 'left the existing collection without a validator' : 'created the collection without a validator',
    });
  }
}

/** Creates one index; a TTL index the server refuses becomes a plain index on the same field, recorded. */
export async function ensureIndex(db: CommandTarget, collection: string, index: IndexDef): Promise<void> {
  try {
    await db.command(createIndexCommand(collection, index));
    if (index.expireAfterSeconds !== undefined) await record(db, FEATURES.ttl, collection, { supported: true });
  } catch (err) {
    if (index.expireAfterSeconds === undefined || !isCapabilityGap(err)) throw err;
    const { expireAfterSeconds: _dropped, ...plain } = index;
    await db.command(createIndexCommand(collection, plain));
    await record(db, FEATURES.ttl, collection, {
      supported: false,
      err,
      fallback: 'created a plain (non-expiring) index on the same field instead; documents do not expire',
    });
  }
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

async function applyOnce(db: CommandTarget, def: CollectionDef): Promise<void> {
  await ensureCollection(db, def);
  for (const index of def.indexes) await ensureIndex(db, def.name, index);
}

/**
 * Everything one migration script does for one collection. A killed server's orphaned index is
 * converged on the next run: an empty collection is dropped and created again (its storage, the
 * orphan with it, goes); a collection holding documents is never dropped, and the error says why.
 */
export async function applyCollection(db: CommandTarget, name: string): Promise<void> {
  const def = collectionDef(name);
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
