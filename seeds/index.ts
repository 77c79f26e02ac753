import { createHash } from 'node:crypto';
import type { Client } from 'pg';
import type { MongoClient } from 'mongodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { assertNotProduction, requireStore, type Config } from '../src/config';
import { RecruitDbError, usageError, type StoreName } from '../src/errors';
import type { OnProgress } from '../src/progress';
import { assetType, checkAsset, uniquePrefixes } from '../s3-layout';
import { isoDay, parseAsOf, parseOverrides, parseProfile, parseSeed, type ProfileName } from './core';
import { allAssets, assetMeta, countAssets } from './assets';
import { fileFor } from './files';
import type { AuditResult } from './audit';
import { liveShapes, mongoCollections } from './mongo';
import { genContext, liveTables, pgTables, type GenContext } from './postgres';
import { MONGO_COLLECTIONS, OVERRIDABLE, PG_TABLES, Topology, shapeFor } from './topology';

/**
 * The seeder's library entry: `runSeed` fills the selected stores with generated data (refusing
 * non-empty or production targets before writing anything), `contentHash` fingerprints what is
 * live, and `isStoreEmpty` / `truncateStore` are shared with `up` and `reset`.
 */

export const ALL_STORES: StoreName[] = ['postgres', 'mongo', 's3'];

export interface SeedProgress {
  store: StoreName;
  /** Writing the data, reading it back for the content hash, or auditing it (--check). */
  phase?: 'write' | 'hash' | 'check';
  /** Table, collection or prefix being written. */
  name: string;
  /** Units (rows, documents, objects) written so far in this store. */
  done: number;
  /** Estimated units for this store (derived tables are estimated). */
  total: number;
}

export interface SeedOptions {
  profile?: string;
  seed?: string | number;
  /** The as-of day (`YYYY-MM-DD`); default the current UTC day. Same seed + same as-of = same data. */
  asOf?: string | Date;
  only?: StoreName[];
  truncate?: boolean;
  allowProduction?: boolean;
  /** `{ users: 500 }` or the CLI's raw `['users=500,jobs=20']`. */
  overrides?: Record<string, number> | string[];
  /** Read the stores back for a content hash (default true; about 40% of a medium seed's time). */
  hash?: boolean;
  /** Audit the loaded stores afterwards (the consistency rules of seeds/audit.ts). */
  check?: boolean;
  onProgress?: (p: SeedProgress) => void;
  /** Phases as they start and end (each store's load, the read-back content hash); see src/progress.ts. */
  onPhase?: OnProgress;
  /** Called after every check passed and before the first write (src/seedrun.ts records the seed there). */
  beforeWrite?: (stores: StoreName[]) => Promise<void>;
}

export interface StoreHash {
  /** Absent when the seed ran without the read-back hash (--no-hash). */
  hash?: string;
  /** Rows per table, documents per collection, or objects per prefix. */
  counts: Record<string, number>;
}

export interface SeedResult {
  profile: ProfileName;
  seed: number;
  /** The as-of day the data was generated for, `YYYY-MM-DD` (UTC). */
  asOf: string;
  stores: StoreName[];
  truncated: boolean;
  postgres?: StoreHash;
  mongo?: StoreHash;
  s3?: StoreHash;
  /** sha256 over the per-store hashes, in store order; absent with --no-hash. */
  hash?: string;
  /** The audit of the loaded stores, when asked for (--check). */
  check?: AuditResult;
  elapsedMs: number;
  /** Per store: units written and seconds spent writing them. */
  timings: Partial<Record<StoreName, { units: number; ms: number }>>;
}

export interface ContentHash {
  postgres?: StoreHash;
  mongo?: StoreHash;
  s3?: StoreHash;
  hash: string;
}

// ---------------------------------------------------------------------------------------------
// Connections (opened lazily, closed together)
// ---------------------------------------------------------------------------------------------

export class Connections {
  pg?: Client;
  mongo?: MongoClient;
  s3?: S3Client;

  constructor(readonly config: Config) {}

  async postgres(): Promise<Client> {
    if (!this.pg) {
      requireStore(this.config, 'postgres');
      const { openSeedClient } = await import('../src/stores/postgres/seed');
      this.pg = await openSeedClient(this.config);
    }
    return this.pg;
  }

  async mongoDb() {
    const m = requireStore(this.config, 'mongo');
    if (!this.mongo) {
      const { connectMongo } = await import('../src/stores/mongo/connect');
      this.mongo = await connectMongo(m, this.config.timeoutMs);
    }
    return this.mongo.db(m.db);
  }

  async s3Client(): Promise<S3Client> {
    const s3 = requireStore(this.config, 's3');
    if (!this.s3) {
      const { createS3Client, headBucket } = await import('../src/stores/s3/connect');
      this.s3 = createS3Client(s3, this.config.timeoutMs, this.config.uploadTimeoutMs);
      const state = await headBucket(this.s3, s3, this.config.timeoutMs);
      if (state !== 'exists') {
        throw new RecruitDbError({ code: 'not-migrated', store: 's3', message: `bucket "${s3.bucket}" ${state === 'missing' ? 'does not exist' : 'is not accessible'}`, hint: 'run recruit-db migrate first' });
      }
    }
    return this.s3;
  }

  async close(): Promise<void> {
    await this.pg?.end().catch(() => undefined);
    await this.mongo?.close().catch(() => undefined);
    this.s3?.destroy();
  }
}

async function withConnections<T>(config: Config, work: (c: Connections) => Promise<T>): Promise<T> {
  const c = new Connections(config);
  try {
    return await work(c);
  } finally {
    await c.close();
  }
}

const PREFIXES = () => uniquePrefixes();

async function nonEmpty(c: Connections, store: StoreName): Promise<string[]> {
  switch (store) {
    case 'postgres': {
      const { nonEmptyTables } = await import('../src/stores/postgres/seed');
      return nonEmptyTables(await c.postgres(), PG_TABLES);
    }
    case 'mongo': {
      const { nonEmptyCollections } = await import('../src/stores/mongo/seed');
      return nonEmptyCollections(await c.mongoDb(), MONGO_COLLECTIONS);
    }
    case 's3': {
      const { nonEmptyPrefixes } = await import('../src/stores/s3/seed');
      return nonEmptyPrefixes(await c.s3Client(), c.config.s3!, c.config.timeoutMs, PREFIXES());
    }
  }
}

async function truncate(c: Connections, store: StoreName): Promise<void> {
  switch (store) {
    case 'postgres': {
      const { truncateTables } = await import('../src/stores/postgres/seed');
      return truncateTables(await c.postgres(), PG_TABLES);
    }
    case 'mongo': {
      const { clearCollections } = await import('../src/stores/mongo/seed');
      return clearCollections(await c.mongoDb(), MONGO_COLLECTIONS);
    }
    case 's3': {
      const { deleteSeeded } = await import('../src/stores/s3/seed');
      await deleteSeeded(await c.s3Client(), c.config.s3!, c.config.timeoutMs, PREFIXES());
    }
  }
}

/** True when the store holds no seeded data (the 50 tables, the 10 collections, objects under the layout's prefixes). */
export async function isStoreEmpty(config: Config, store: StoreName): Promise<boolean> {
  return withConnections(config, async (c) => (await nonEmpty(c, store)).length === 0);
}

/** TRUNCATE the 50 tables (CASCADE) / empty the 10 collections / delete seeded objects (markers stay). */
export async function truncateStore(config: Config, store: StoreName, opts: { allowProduction?: boolean } = {}): Promise<void> {
  assertNotProduction(config, opts.allowProduction, `truncate ${store}`);
  await withConnections(config, (c) => truncate(c, store));
}

// ---------------------------------------------------------------------------------------------
// Seeding
// ---------------------------------------------------------------------------------------------

export function normaliseOverrides(o: SeedOptions['overrides']): Record<string, number> {
  if (!o) return {};
  if (Array.isArray(o)) return parseOverrides(o, [...OVERRIDABLE, 'users']);
  return parseOverrides(Object.entries(o).map(([k, v]) => `${k}=${v}`), [...OVERRIDABLE, 'users']);
}

/** Rough totals for the progress display; derived tables are estimated from their drivers. */
function estimatePg(ctx: GenContext): number {
  const s = ctx.t.shape;
  let n = 0;
  for (const spec of pgTables()) n += spec.count(ctx) ?? 0;
  const perEnrollment = 1 + ctx.t.lessonsPerCourse * 0.6 + s.modulesPerCourse * 0.6 + s.course_reviews / Math.max(1, s.enrollments);
  return Math.round(n + s.enrollments * perEnrollment + s.applications * 5 + s.mentor_sessions * 2.5 + s.webinar_registrations * 1.6 + s.material_downloads * 1.6 + s.student_placements * 2 + s.admin_match_recommendations + s.audit_logs + ctx.t.actingStudents * s.badges * 0.35);
}

export async function runSeed(config: Config, opts: SeedOptions = {}): Promise<SeedResult> {
  const started = Date.now();
  const profile = parseProfile(opts.profile);
  const seed = parseSeed(opts.seed);
  const asOf = parseAsOf(opts.asOf);
  const shape = shapeFor(profile, normaliseOverrides(opts.overrides));
  const stores = opts.only?.length ? ALL_STORES.filter((s) => opts.only!.includes(s)) : ALL_STORES;
  for (const s of stores) requireStore(config, s);
  assertNotProduction(config, opts.allowProduction, 'seed');
  const progress = opts.onProgress ?? (() => undefined);
  const topo = new Topology(seed, shape);

  return withConnections(config, async (c) => {
    // Every check before any write: reachability, migrations, emptiness.
    for (const store of stores) {
      const full = await nonEmpty(c, store);
      if (full.length && !opts.truncate) {
        throw usageError(
          `${store} already holds data (${full.slice(0, 3).join(', ')}${full.length > 3 ? `, and ${full.length - 3} more` : ''} not empty); nothing was written`,
          'pass --truncate to replace it, or seed a fresh target',
        );
      }
    }
    await opts.beforeWrite?.(stores);
    if (opts.truncate) for (const store of stores) await truncate(c, store);

    const timings: SeedResult['timings'] = {};
    let embedding: 'pgvector' | 'array' = 'array';
    if (stores.includes('postgres')) {
      const { embeddingStorageOf } = await import('../src/stores/postgres/seed');
      embedding = await embeddingStorageOf(await c.postgres());
    }
    const ctx = genContext(topo, embedding, asOf);

    const written: Partial<Record<StoreName, Record<string, number>>> = {};
    if (stores.includes('postgres')) {
      const { copyTables, liveColumns, seedPgError } = await import('../src/stores/postgres/seed');
      const t0 = Date.now();
      opts.onPhase?.({ store: 'postgres', phase: 'load', state: 'start' });
      const total = estimatePg(ctx);
      let done = 0;
      try {
        const present = await liveColumns(await c.postgres(), pgTables().filter((x) => x.optional?.length).map((x) => x.table));
        const counts = await copyTables(
          await c.postgres(),
          liveTables(ctx, present),
          (table, n) => progress({ store: 'postgres', phase: 'write', name: table, done: (done += n), total: Math.max(total, done) }),
        );
        written.postgres = counts;
        timings.postgres = { units: Object.values(counts).reduce((a, b) => a + b, 0), ms: Date.now() - t0 };
        opts.onPhase?.({ store: 'postgres', phase: 'load', state: 'end', done: timings.postgres.units, unit: 'rows' });
      } catch (err) {
        throw seedPgError(err, config);
      }
    }

    if (stores.includes('mongo')) {
      const { indexedFields, insertAll } = await import('../src/stores/mongo/seed');
      const { mongoError } = await import('../src/stores/mongo/connect');
      const db = await c.mongoDb();
      // The documents take the shapes of the release the target is migrated to (see seeds/mongo.ts).
      const fields = await indexedFields(db, MONGO_COLLECTIONS);
      const specs = mongoCollections(liveShapes((name) => fields.get(name) ?? new Set()));
      const total = specs.reduce((a, s) => a + s.count(ctx), 0);
      const t0 = Date.now();
      opts.onPhase?.({ store: 'mongo', phase: 'load', state: 'start' });
      let done = 0;
      const counts: Record<string, number> = {};
      try {
        for (const spec of specs) counts[spec.name] = await insertAll(db, spec.name, spec.docs(ctx), (n) => progress({ store: 'mongo', phase: 'write', name: spec.name, done: (done += n), total: Math.max(total, done) }));
      } catch (err) {
        if (err instanceof RecruitDbError) throw err;
        const e = mongoError(err, config.mongo!, config.timeoutMs);
        throw new RecruitDbError({ code: e.code, store: 'mongo', message: `inserting seed documents failed: ${e.message}`, hint: 'the documents written so far stay; rerun with --truncate', cause: err });
      }
      written.mongo = counts;
      timings.mongo = { units: done, ms: Date.now() - t0 };
      opts.onPhase?.({ store: 'mongo', phase: 'load', state: 'end', done, unit: 'documents' });
    }

    if (stores.includes('s3')) {
      const { uploadAll } = await import('../src/stores/s3/seed');
      const client = await c.s3Client();
      const total = countAssets(ctx.w);
      const t0 = Date.now();
      opts.onPhase?.({ store: 's3', phase: 'load', state: 'start' });
      let done = 0;
      const perPrefix: Record<string, number> = Object.fromEntries(PREFIXES().map((p) => [p, 0]));
      const items = (function* () {
        for (const a of allAssets(ctx.w)) {
          const type = assetType(a.assetType);
          yield {
            key: a.key,
            contentType: a.contentType,
            cacheControl: type.cacheControl,
            body: () => {
              const body = fileFor(a.contentType, seed, a.key, assetMeta(ctx.w, a));
              checkAsset(type, a.contentType, body.length);
              return body;
            },
          };
        }
      })();
      const prefixes = PREFIXES();
      await uploadAll(client, config.s3!, config.timeoutMs, items, (item) => {
        const prefix = prefixes.find((p) => item.key.startsWith(p))!;
        perPrefix[prefix]++;
        progress({ store: 's3', phase: 'write', name: prefix, done: ++done, total });
      });
      written.s3 = perPrefix;
      timings.s3 = { units: done, ms: Date.now() - t0 };
      opts.onPhase?.({ store: 's3', phase: 'load', state: 'end', done, unit: 'objects' });
    }

    ctx.w.release();
    // The read-back hash is its own phase (and optional): it reads every stored row again.
    let hashed: Partial<ContentHash>;
    if (opts.hash === false) hashed = Object.fromEntries(stores.map((st) => [st, { counts: written[st] ?? {} }]));
    else {
      opts.onPhase?.({ phase: 'content hash (read-back)', state: 'start' });
      hashed = await hashStores(c, stores, progress);
      opts.onPhase?.({ phase: 'content hash (read-back)', state: 'end', done: stores.length, unit: 'stores' });
    }
    const result: SeedResult = { profile, seed, asOf: isoDay(asOf), stores, truncated: Boolean(opts.truncate), ...hashed, elapsedMs: 0, timings };
    if (opts.check) {
      const { audit } = await import('./audit');
      opts.onPhase?.({ phase: 'check', state: 'start' });
      result.check = await audit(c, { asOf, stores, onProgress: (name, done, total) => progress({ store: stores[0], phase: 'check', name, done, total }) });
      const violated = result.check.findings.filter((f) => f.violations > 0).length;
      opts.onPhase?.({ phase: 'check', state: 'end', done: result.check.findings.length, unit: 'rules', detail: violated ? `${violated} rules violated` : 'no violation' });
    }
    result.elapsedMs = Date.now() - started;
    return result;
  });
}

async function hashStores(c: Connections, stores: StoreName[], progress: (p: SeedProgress) => void = () => undefined): Promise<ContentHash> {
  const out: ContentHash = { hash: '' };
  const total = createHash('sha256');
  for (const store of stores) {
    const onItem = (name: string, done: number, of: number) => progress({ store, phase: 'hash', name: `content hash: ${name}`, done, total: of });
    if (store === 'postgres') {
      const { hashTables } = await import('../src/stores/postgres/seed');
      const r = await hashTables(await c.postgres(), PG_TABLES, onItem);
      out.postgres = { hash: r.hash, counts: r.rows };
    } else if (store === 'mongo') {
      const { hashCollections } = await import('../src/stores/mongo/seed');
      const r = await hashCollections(await c.mongoDb(), MONGO_COLLECTIONS, onItem);
      out.mongo = { hash: r.hash, counts: r.docs };
    } else {
      const { hashObjects } = await import('../src/stores/s3/seed');
      const r = await hashObjects(await c.s3Client(), c.config.s3!, c.config.timeoutMs, PREFIXES(), onItem);
      out.s3 = { hash: r.hash, counts: r.objects };
    }
    total.update(`${store}:${out[store]!.hash}\n`);
  }
  out.hash = total.digest('hex');
  return out;
}

/** Audits what is live in the selected stores (seed --check-only), for data generated as of `asOf`. */
export async function checkSeed(config: Config, opts: { asOf?: string | Date; only?: StoreName[]; onProgress?: (p: SeedProgress) => void } = {}): Promise<AuditResult> {
  const asOf = parseAsOf(opts.asOf);
  const stores = opts.only?.length ? ALL_STORES.filter((s) => opts.only!.includes(s)) : ALL_STORES;
  for (const s of stores) requireStore(config, s);
  const { audit } = await import('./audit');
  return withConnections(config, (c) => audit(c, { asOf, stores, onProgress: (name, done, total) => opts.onProgress?.({ store: stores[0], phase: 'check', name, done, total }) }));
}

/** Fingerprint of what is live in the selected stores (not of what a generator would produce). */
export async function contentHash(config: Config, only?: StoreName[]): Promise<ContentHash> {
  const stores = only?.length ? ALL_STORES.filter((s) => only.includes(s)) : ALL_STORES;
  return withConnections(config, (c) => hashStores(c, stores));
}

/** Units seeded in one store (rows, documents or objects), for `up`'s summary. */
export function seededCount(result: SeedResult, store: StoreName): number {
  const h = result[store];
  return h ? Object.values(h.counts).reduce((a, b) => a + b, 0) : 0;
}

export { DEV_PASSWORD, devPasswordHash, verifyPassword } from './domain';
export { PG_TABLES, MONGO_COLLECTIONS } from './topology';
