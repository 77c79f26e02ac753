import { createHash } from 'node:crypto';
import type { Client } from 'pg';
import type { MongoClient } from 'mongodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { assertNotProduction, requireStore, type Config } from '../src/config';
import { RecruitDbError, usageError, type StoreName } from '../src/errors';
import { assetType, checkAsset, uniquePrefixes } from '../s3-layout';
import { parseOverrides, parseProfile, parseSeed, type ProfileName } from './core';
import type { GenContext } from './postgres';
import { MONGO_COLLECTIONS, OVERRIDABLE, PG_TABLES, Topology, shapeFor } from './topology';

/**
 * The seeder's library entry: `runSeed` fills the selected stores with generated data (refusing
 * non-empty or production targets before writing anything), `contentHash` fingerprints what is
 * live, and `isStoreEmpty` / `truncateStore` are shared with `up` and `reset`.
 */

export const ALL_STORES: StoreName[] = ['postgres', 'mongo', 's3'];

export interface SeedProgress {
  store: StoreName;
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
  only?: StoreName[];
  truncate?: boolean;
  allowProduction?: boolean;
  /** `{ users: 500 }` or the CLI's raw `['users=500,jobs=20']`. */
  overrides?: Record<string, number> | string[];
  onProgress?: (p: SeedProgress) => void;
}

export interface StoreHash {
  hash: string;
  /** Rows per table, documents per collection, or objects per prefix. */
  counts: Record<string, number>;
}

export interface SeedResult {
  profile: ProfileName;
  seed: number;
  stores: StoreName[];
  truncated: boolean;
  postgres?: StoreHash;
  mongo?: StoreHash;
  s3?: StoreHash;
  /** sha256 over the per-store hashes, in store order. */
  hash: string;
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

class Connections {
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
      this.s3 = createS3Client(s3, this.config.timeoutMs);
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

function normaliseOverrides(o: SeedOptions['overrides']): Record<string, number> {
  if (!o) return {};
  if (Array.isArray(o)) return parseOverrides(o, [...OVERRIDABLE, 'users']);
  return parseOverrides(Object.entries(o).map(([k, v]) => `${k}=${v}`), [...OVERRIDABLE, 'users']);
}

/** Rough totals for the progress display; derived tables are estimated from their drivers. */
function estimatePg(ctx: GenContext, pgTables: typeof import('./postgres').pgTables): number {
  const s = ctx.t.shape;
  let n = 0;
  for (const spec of pgTables()) n += spec.count(ctx) ?? 0;
  return Math.round(n + s.enrollments * (ctx.t.lessonsPerCourse * 0.5 + 0.7) + s.applications * 3.5 + s.mentor_sessions * 1.6 + s.webinar_registrations * 0.6 + s.material_downloads * 0.6 + s.student_placements);
}

export async function runSeed(config: Config, opts: SeedOptions = {}): Promise<SeedResult> {
  const started = Date.now();
  const profile = parseProfile(opts.profile);
  const seed = parseSeed(opts.seed);
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
    if (opts.truncate) for (const store of stores) await truncate(c, store);

    const timings: SeedResult['timings'] = {};
    // The generators are loaded once the input is known good, and only those of the selected stores.
    const { genContext, pgTables } = await import('./postgres');
    let embedding: 'pgvector' | 'array' = 'array';
    if (stores.includes('postgres')) {
      const { embeddingStorageOf } = await import('../src/stores/postgres/seed');
      embedding = await embeddingStorageOf(await c.postgres());
    }
    const ctx = genContext(topo, embedding);

    if (stores.includes('postgres')) {
      const { copyTables, seedPgError } = await import('../src/stores/postgres/seed');
      const t0 = Date.now();
      const total = estimatePg(ctx, pgTables);
      let done = 0;
      try {
        const counts = await copyTables(
          await c.postgres(),
          pgTables().map((spec) => ({ table: spec.table, columns: spec.columns, rows: spec.rows(ctx) })),
          (table, n) => progress({ store: 'postgres', name: table, done: (done += n), total: Math.max(total, done) }),
        );
        timings.postgres = { units: Object.values(counts).reduce((a, b) => a + b, 0), ms: Date.now() - t0 };
      } catch (err) {
        throw seedPgError(err, config);
      }
    }

    if (stores.includes('mongo')) {
      const { insertAll } = await import('../src/stores/mongo/seed');
      const { mongoCollections } = await import('./mongo');
      const { mongoError } = await import('../src/stores/mongo/connect');
      const db = await c.mongoDb();
      const specs = mongoCollections();
      const total = specs.reduce((a, s) => a + s.count(ctx), 0);
      const t0 = Date.now();
      let done = 0;
      try {
        for (const spec of specs) await insertAll(db, spec.name, spec.docs(ctx), (n) => progress({ store: 'mongo', name: spec.name, done: (done += n), total }));
      } catch (err) {
        if (err instanceof RecruitDbError) throw err;
        const e = mongoError(err, config.mongo!, config.timeoutMs);
        throw new RecruitDbError({ code: e.code, store: 'mongo', message: `inserting seed documents failed: ${e.message}`, hint: 'the documents written so far stay; rerun with --truncate', cause: err });
      }
      timings.mongo = { units: done, ms: Date.now() - t0 };
    }

    if (stores.includes('s3')) {
      const { uploadAll } = await import('../src/stores/s3/seed');
      const { allAssets, countAssets } = await import('./assets');
      const { fileFor } = await import('./files');
      const client = await c.s3Client();
      const total = countAssets(topo);
      const t0 = Date.now();
      let done = 0;
      const items = (function* () {
        for (const a of allAssets(topo)) {
          const type = assetType(a.assetType);
          yield {
            key: a.key,
            contentType: a.contentType,
            cacheControl: type.cacheControl,
            body: () => {
              const body = fileFor(a.contentType, seed, a.key);
              checkAsset(type, a.contentType, body.length);
              return body;
            },
          };
        }
      })();
      await uploadAll(client, config.s3!, config.timeoutMs, items, (item) => progress({ store: 's3', name: item.key.slice(0, item.key.indexOf('/', item.key.indexOf('/') + 1) + 1), done: ++done, total }));
      timings.s3 = { units: done, ms: Date.now() - t0 };
    }

    const hashed = await hashStores(c, stores);
    return { profile, seed, stores, truncated: Boolean(opts.truncate), ...hashed, elapsedMs: Date.now() - started, timings };
  });
}

async function hashStores(c: Connections, stores: StoreName[]): Promise<ContentHash> {
  const out: ContentHash = { hash: '' };
  const total = createHash('sha256');
  for (const store of stores) {
    if (store === 'postgres') {
      const { hashTables } = await import('../src/stores/postgres/seed');
      const r = await hashTables(await c.postgres(), PG_TABLES);
      out.postgres = { hash: r.hash, counts: r.rows };
    } else if (store === 'mongo') {
      const { hashCollections } = await import('../src/stores/mongo/seed');
      const r = await hashCollections(await c.mongoDb(), MONGO_COLLECTIONS);
      out.mongo = { hash: r.hash, counts: r.docs };
    } else {
      const { hashObjects } = await import('../src/stores/s3/seed');
      const r = await hashObjects(await c.s3Client(), c.config.s3!, c.config.timeoutMs, PREFIXES());
      out.s3 = { hash: r.hash, counts: r.objects };
    }
    total.update(`${store}:${out[store]!.hash}\n`);
  }
  out.hash = total.digest('hex');
  return out;
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
