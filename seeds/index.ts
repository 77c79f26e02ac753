import { createHash } from 'node:crypto';
import type { Client } from 'pg';
import type { MongoClient } from 'mongodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { assertNotProduction, requireStore, type Config } from '../src/config';
import { RecruitDbError, usageError, type StoreName } from '../src/errors';
import { phase, type OnProgress } from '../src/progress';
import { combineHashes } from '../src/stores/multiset';
import type { CopyTable } from '../src/stores/postgres/seed';
import { assetType, checkAsset, uniquePrefixes } from '../s3-layout';
import { isoDay, parseAsOf, parseOverrides, parseProfile, parseSeed, type ProfileName } from './core';
import type { AuditResult } from './audit';
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
  /** Writing the data (its content hash computed as it is written), or auditing it (--check). */
  phase?: 'write' | 'check';
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
  /** Audit the loaded stores afterwards (the consistency rules of seeds/audit.ts). */
  check?: boolean;
  onProgress?: (p: SeedProgress) => void;
  /**
   * After writing, read the stores back (all three at once) and compare them with what was written
   * (`SeedResult.readBack`). Off by default: the content hash is computed while writing.
   */
  verifyHash?: boolean;
  /** Phases as they start and end (each store's load, the read-back content hash); see src/progress.ts. */
  onPhase?: OnProgress;
  /** Called after every check passed and before the first write (src/seedrun.ts records the seed there). */
  beforeWrite?: (stores: StoreName[]) => Promise<void>;
}

export interface StoreHash {
  hash: string;
  /** Rows per table, documents per collection, or objects per prefix. */
  counts: Record<string, number>;
}

/** One store's part of the read-back check. */
export interface ReadBackStore {
  store: StoreName;
  ok: boolean;
  /** One line per table, collection or prefix that differs from what was written. */
  problems: string[];
  ms: number;
}

/** The opt-in read-back: every selected store read at once and compared with what the seed wrote. */
export interface ReadBack {
  ok: boolean;
  stores: ReadBackStore[];
  ms: number;
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
  /**
   * sha256 over the per-store hashes, in store order. Computed from what was generated, as it was
   * written: per table the sha256 of the COPY text sent, per collection a multiset hash of the
   * documents' BSON, per prefix a multiset hash of key and MD5 of each object. The same seed and
   * profile give the same hash.
   */
  hash: string;
  /** The audit of the loaded stores, when asked for (--check). */
  check?: AuditResult;
  elapsedMs: number;
  /** Per store: units written, time spent writing them, and the part of it spent on the content hash. */
  timings: Partial<Record<StoreName, { units: number; ms: number; hashMs: number }>>;
  /** With `verifyHash`: the stores read back and compared with what was written. */
  readBack?: ReadBack;
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

/**
 * The pipelines that run beside each other, each lane's stores one after another. S3 is the long
 * pole of every seed that includes it (moto: one Python process); the database pipelines beside it
 * compete for its core (PostgreSQL, FerretDB and the generators each want one), so they run in one
 * lane, one after the other, beside S3's. `parallel`: every store at once (BENCHMARKS.md compares).
 */
export function seedLanes(stores: StoreName[], mode: Config['seedLanes'] = 'auto'): StoreName[][] {
  if (mode === 'parallel' || !stores.includes('s3')) return stores.map((s) => [s]);
  const databases = stores.filter((s) => s !== 's3');
  return [['s3'], ...(databases.length ? [databases] : [])];
}

/** Rough totals for the progress display; derived tables are estimated from their drivers. */
function estimatePg(ctx: GenContext, pgTables: typeof import('./postgres').pgTables): number {
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
    // Every check before any write: reachability, migrations, emptiness; the stores asked at once,
    // the answers judged in store order (the same refusal whichever answered first).
    const checked = await Promise.allSettled(stores.map((store) => nonEmpty(c, store)));
    for (const [i, store] of stores.entries()) {
      const r = checked[i];
      if (r.status === 'rejected') throw r.reason;
      const full = r.value;
      if (full.length && !opts.truncate) {
        throw usageError(
          `${store} already holds data (${full.slice(0, 3).join(', ')}${full.length > 3 ? `, and ${full.length - 3} more` : ''} not empty); nothing was written`,
          'pass --truncate to replace it, or seed a fresh target',
        );
      }
    }
    await opts.beforeWrite?.(stores);

    // The generators are loaded once the input is known good, and only those of the selected stores.
    const { genContext, liveTables, pgTables } = await import('./postgres');
    let embedding: 'pgvector' | 'array' = 'array';
    if (stores.includes('postgres')) {
      const { embeddingStorageOf } = await import('../src/stores/postgres/seed');
      embedding = await embeddingStorageOf(await c.postgres());
    }
    const ctx = genContext(topo, embedding, asOf);

    // Each store is its own pipeline (generation, writing, hashing), run in lanes (seedLanes): the
    // servers work in parallel and the generators are pure functions of (seed, as-of, table, row)
    // whose shared world only memoises, so interleaving them changes nothing written. The first failure stops
    // the others at their next row, document or object; its error is the seed's, and the stores it
    // stopped keep their "started" record.
    const stop = new AbortController();
    const job: SeedJob = { c, config, ctx, seed, pgTables, liveTables, progress, signal: stop.signal };
    const load = async (store: StoreName) => {
      try {
        if (opts.truncate) await truncate(c, store);
        opts.onPhase?.({ store, phase: 'load', state: 'start' });
        const t0 = Date.now();
        const loaded = await LOADERS[store](job);
        const ms = Date.now() - t0;
        opts.onPhase?.({ store, phase: 'load', state: 'end', done: loaded.units, unit: loaded.unit });
        return { ...loaded, ms };
      } catch (err) {
        if (!stop.signal.aborted) stop.abort(err);
        throw err;
      }
    };
    const done = new Map<StoreName, Awaited<ReturnType<typeof load>>>();
    await Promise.all(
      seedLanes(stores, config.seedLanes).map(async (lane) => {
        for (const store of lane) {
          if (stop.signal.aborted) return;
          try {
            done.set(store, await load(store));
          } catch {
            return; // load() stopped the other lanes; the seed throws its error once every lane has stopped
          }
        }
      }),
    );
    if (stop.signal.aborted) throw stop.signal.reason;

    const written: Written = {};
    const timings: SeedResult['timings'] = {};
    // Store order, whichever finished first: the result (and its JSON) is the same every run.
    let regenerate: (() => CopyTable[]) | undefined;
    stores.forEach((store) => {
      const loaded = done.get(store)!;
      regenerate ??= loaded.regenerate;
      written[store] = loaded.written;
      timings[store] = { units: loaded.units, ms: loaded.ms, hashMs: Math.round(loaded.hashMs) };
    });
    const result: SeedResult = { profile, seed, asOf: isoDay(asOf), stores, truncated: Boolean(opts.truncate), hash: combinedHash(stores, written), elapsedMs: 0, timings };
    for (const s of stores) result[s] = { hash: written[s]!.hash, counts: written[s]!.counts };
    if (opts.verifyHash) {
      result.readBack = await phase(opts.onPhase, undefined, 'content hash (read-back)', () => readBack(c, stores, written, regenerate ?? (() => [])), () => ({ done: stores.length, unit: 'stores' }));
    }
    // Nothing more is generated: the audit needs the memory more than the world's tables.
    ctx.w.release();
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

/** What one store's pipeline needs; `signal` is aborted when another store's pipeline failed. */
interface SeedJob {
  c: Connections;
  config: Config;
  ctx: GenContext;
  seed: number;
  pgTables: typeof import('./postgres').pgTables;
  liveTables: typeof import('./postgres').liveTables;
  progress: (p: SeedProgress) => void;
  signal: AbortSignal;
}

/** What one store's pipeline wrote, and the part of its time spent on the content hash. */
interface Loaded {
  written: StoreHash & { parts: Record<string, string> };
  units: number;
  unit: string;
  hashMs: number;
  /** PostgreSQL's: the tables again, as loaded, for the read-back (--verify-hash). */
  regenerate?: () => CopyTable[];
}

/** Thrown into a pipeline's generator when another store failed; never reported itself. */
class SeedStopped extends Error {
  constructor() {
    super('stopped: another store failed');
  }
}

/** `items`, until the signal says to stop (checked before each one). */
function* until<T>(signal: AbortSignal, items: Iterable<T>): Generator<T> {
  for (const item of items) {
    if (signal.aborted) throw new SeedStopped();
    yield item;
  }
}

const LOADERS: Record<StoreName, (job: SeedJob) => Promise<Loaded>> = {
  async postgres({ c, config, ctx, pgTables, liveTables, progress, signal }) {
    const { copyTables, liveColumns, seedPgError } = await import('../src/stores/postgres/seed');
    const total = estimatePg(ctx, pgTables);
    let done = 0;
    try {
      // The optional columns the target's release has (see liveTables) are the ones written.
      const present = await liveColumns(await c.postgres(), pgTables().filter((x) => x.optional?.length).map((x) => x.table));
      const tables = (): CopyTable[] => liveTables(ctx, present).map((t, i) => ({ ...t, expectedRows: pgTables()[i].count(ctx) }));
      const r = await copyTables(
        await c.postgres(),
        tables().map((t) => ({ ...t, rows: until(signal, t.rows) })),
        (table, n) => progress({ store: 'postgres', phase: 'write', name: table, done: (done += n), total: Math.max(total, done) }),
        { expectedTotal: total },
      );
      const units = Object.values(r.rows).reduce((a, b) => a + b, 0);
      return { written: { hash: combineHashes(PG_TABLES.map((t) => [t, r.sha256[t] ?? ''] as const)), counts: r.rows, parts: r.sha256 }, units, unit: 'rows', hashMs: r.hashMs, regenerate: tables };
    } catch (err) {
      throw seedPgError(err, config);
    }
  },

  async mongo({ c, config, ctx, progress, signal }) {
    const { indexedFields, insertAll } = await import('../src/stores/mongo/seed');
    const { liveShapes, mongoCollections } = await import('./mongo');
    const { mongoError } = await import('../src/stores/mongo/connect');
    const db = await c.mongoDb();
    // The documents take the shapes of the release the target is migrated to (see seeds/mongo.ts).
    const fields = await indexedFields(db, MONGO_COLLECTIONS);
    const specs = mongoCollections(liveShapes((name) => fields.get(name) ?? new Set()));
    const total = specs.reduce((a, s) => a + s.count(ctx), 0);
    let done = 0;
    let hashMs = 0;
    const counts: Record<string, number> = {};
    const parts: Record<string, string> = {};
    try {
      for (const spec of specs) {
        const r = await insertAll(db, spec.name, until(signal, spec.docs(ctx)), (n) => progress({ store: 'mongo', phase: 'write', name: spec.name, done: (done += n), total }));
        counts[spec.name] = r.docs;
        parts[spec.name] = r.hash;
        hashMs += r.hashMs;
      }
    } catch (err) {
      if (err instanceof RecruitDbError || err instanceof SeedStopped) throw err;
      const e = mongoError(err, config.mongo!, config.timeoutMs);
      throw new RecruitDbError({ code: e.code, store: 'mongo', message: `inserting seed documents failed: ${e.message}`, hint: 'the documents written so far stay; rerun with --truncate', cause: err });
    }
    return { written: { hash: combineHashes(MONGO_COLLECTIONS.map((n) => [n, parts[n] ?? ''] as const)), counts, parts }, units: done, unit: 'documents', hashMs };
  },

  async s3({ c, config, ctx, seed, progress, signal }) {
    const { uploadAll } = await import('../src/stores/s3/seed');
    const { allAssets, assetMeta, countAssets } = await import('./assets');
    const { fileFor } = await import('./files');
    const client = await c.s3Client();
    const total = countAssets(ctx.w);
    let done = 0;
    const items = (function* () {
      for (const a of until(signal, allAssets(ctx.w))) {
        const type = assetType(a.assetType);
        yield {
          key: a.key,
          contentType: a.contentType,
          cacheControl: type.cacheControl,
          body: () => {
            // Bodies are made as they are uploaded, a journalled chunk after its keys were listed.
            if (signal.aborted) throw new SeedStopped();
            const body = fileFor(a.contentType, seed, a.key, assetMeta(ctx.w, a));
            checkAsset(type, a.contentType, body.length);
            return body;
          },
        };
      }
    })();
    const r = await uploadAll(client, config.s3!, config.timeoutMs, items, PREFIXES(), (item) => progress({ store: 's3', phase: 'write', name: item.key.slice(0, item.key.indexOf('/', item.key.indexOf('/') + 1) + 1), done: ++done, total }));
    return { written: { hash: r.hash, counts: r.objects, parts: r.prefixes }, units: done, unit: 'objects', hashMs: r.hashMs };
  },
};

/** What the seed wrote in one store: the store hash, counts, and the hash of each table, collection or prefix. */
type Written = Partial<Record<StoreName, StoreHash & { parts: Record<string, string> }>>;

function combinedHash(stores: StoreName[], hashes: Partial<Record<StoreName, { hash: string }>>): string {
  const total = createHash('sha256');
  for (const store of stores) total.update(`${store}:${hashes[store]!.hash}\n`);
  return total.digest('hex');
}

/** Counts and part hashes, written against stored: one line per part that differs. */
function differences(noun: string, written: StoreHash & { parts: Record<string, string> }, stored: { counts: Record<string, number>; parts: Record<string, string> }): string[] {
  const out: string[] = [];
  for (const [part, n] of Object.entries(written.counts)) {
    const live = stored.counts[part] ?? 0;
    if (live !== n) out.push(`${part}: ${live} ${noun} stored, ${n} written`);
    else if (stored.parts[part] !== written.parts[part]) out.push(`${part}: the stored ${noun} differ from the ${n} written`);
  }
  return out;
}

/**
 * The opt-in read-back (seed --verify-hash): the three stores are read at the same time, each on
 * its own connection, and compared with what this seed wrote. PostgreSQL prints values its own
 * way, so its rows are compared through the server (see verifyTables); MongoDB's raw documents and
 * S3's listing give the very hashes computed while writing.
 */
async function readBack(c: Connections, stores: StoreName[], written: Written, regenerate: () => CopyTable[]): Promise<ReadBack> {
  const t0 = Date.now();
  const check = async (store: StoreName): Promise<ReadBackStore> => {
    const s0 = Date.now();
    let problems: string[];
    if (store === 'postgres') {
      const { verifyTables } = await import('../src/stores/postgres/seed');
      const checks = await verifyTables(await c.postgres(), regenerate(), written.postgres!.parts);
      problems = checks.filter((x) => !x.ok).map((x) => `${x.table}: ${x.problem}`);
    } else if (store === 'mongo') {
      const { hashCollections } = await import('../src/stores/mongo/seed');
      const r = await hashCollections(await c.mongoDb(), Object.keys(written.mongo!.counts));
      problems = differences('documents', written.mongo!, { counts: r.docs, parts: r.collections });
    } else {
      const { hashObjects } = await import('../src/stores/s3/seed');
      const r = await hashObjects(await c.s3Client(), c.config.s3!, c.config.timeoutMs, PREFIXES());
      problems = differences('objects', written.s3!, { counts: r.objects, parts: r.prefixes });
    }
    return { store, ok: problems.length === 0, problems, ms: Date.now() - s0 };
  };
  const results = await Promise.all(stores.map(check));
  return { ok: results.every((r) => r.ok), stores: results, ms: Date.now() - t0 };
}

/** Reads every selected store at once: what is live, fingerprinted without sorting. */
async function hashStores(c: Connections, stores: StoreName[]): Promise<ContentHash> {
  const out: ContentHash = { hash: '' };
  await Promise.all(
    stores.map(async (store) => {
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
    }),
  );
  out.hash = combinedHash(stores, out);
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
/**
 * Fingerprint of what is live in the selected stores (not of what a generator would produce). For
 * MongoDB and S3 it is the very hash a seed reports for what it wrote; PostgreSQL's is computed
 * from the server's text of each row, so it identifies the live rows but differs from the hash of
 * the COPY text a seed reports (`seed --verify-hash` compares those two through the server).
 */
export async function contentHash(config: Config, only?: StoreName[]): Promise<ContentHash> {
  const stores = only?.length ? ALL_STORES.filter((s) => only.includes(s)) : ALL_STORES;
  return withConnections(config, (c) => hashStores(c, stores));
}

/**
 * `contentHash` of the stores a seed just wrote, without reading MongoDB and S3 back (what a seed
 * reports for them is their live hash); PostgreSQL's is read from the server. For whoever keeps the
 * live fingerprint of a seeded target to compare later copies with (the CI template pool).
 */
export async function liveHashAfterSeed(config: Config, result: SeedResult): Promise<ContentHash> {
  const out: ContentHash = { hash: '' };
  for (const s of result.stores) if (s !== 'postgres') out[s] = result[s];
  if (result.stores.includes('postgres')) out.postgres = (await contentHash(config, ['postgres'])).postgres;
  out.hash = combinedHash(result.stores, out);
  return out;
}

/** Units seeded in one store (rows, documents or objects), for `up`'s summary. */
export function seededCount(result: SeedResult, store: StoreName): number {
  const h = result[store];
  return h ? Object.values(h.counts).reduce((a, b) => a + b, 0) : 0;
}

export { DEV_PASSWORD, devPasswordHash, verifyPassword } from './domain';
export { PG_TABLES, MONGO_COLLECTIONS } from './topology';
