import type { S3Client } from '@aws-sdk/client-s3';
import type { Db, MongoClient } from 'mongodb';
import type { Client } from 'pg';
import type { SeedOptions, SeedResult } from '../seeds/index';
import { requireStore, type Config } from './config';
import { RecruitDbError, type StoreName } from './errors';
import { tookOverText } from './lease';
import type { OnProgress } from './progress';
import { refuseProduction, startedRecord, type SeedRecord, type StoreMeta } from './stores/meta';

/**
 * Seeding with its safety rails, around the seeder's `runSeed` (seeds/index.ts):
 *
 * - every targeted store's stamp is read first: a store bootstrapped for production is refused
 *   unless --allow-production, whatever RECRUIT_DB_ENV says;
 * - a seed lock per store (PostgreSQL advisory lock, MongoDB and S3 lease locks), taken in store
 *   order, so concurrent seeds (two `up` in CI) wait for each other instead of colliding;
 * - a seed record per store: `started` before the first write, `finished` (hash, counts) after
 *   the last, so a seed killed halfway is reported by up, status and verify, and redone by up.
 */
export interface SeedRunOptions extends SeedOptions {
  /** Seeding asks nothing of the stores: the checks run, then the counts are computed, nothing is written. */
  dryRun?: boolean;
  /** Lock waits, takeovers: things the user must know now. */
  onNotice?: OnProgress;
}

export const ORDER: StoreName[] = ['postgres', 'mongo', 's3'];

export function selected(only: StoreName[] | undefined): StoreName[] {
  return only?.length ? ORDER.filter((s) => only.includes(s)) : ORDER;
}

/** Lazily opened connections to the stores for stamps and locks (not the seeder's own). */
export class StoreHandles {
  private pgClient?: Client;
  private mongoClient?: MongoClient;
  private s3Client?: S3Client;

  constructor(readonly config: Config) {}

  async pg(): Promise<Client> {
    if (!this.pgClient) {
      const { connectPg } = await import('./stores/postgres/connect');
      this.pgClient = await connectPg(requireStore(this.config, 'postgres'), this.config.timeoutMs);
    }
    return this.pgClient;
  }

  async mongo(): Promise<Db> {
    const m = requireStore(this.config, 'mongo');
    if (!this.mongoClient) {
      const { connectMongo } = await import('./stores/mongo/connect');
      this.mongoClient = await connectMongo(m, this.config.timeoutMs);
    }
    return this.mongoClient.db(m.db);
  }

  async s3(): Promise<S3Client> {
    if (!this.s3Client) {
      const { createS3Client } = await import('./stores/s3/connect');
      this.s3Client = createS3Client(requireStore(this.config, 's3'), this.config.timeoutMs, this.config.uploadTimeoutMs);
    }
    return this.s3Client;
  }

  async meta(store: StoreName): Promise<StoreMeta> {
    try {
      switch (store) {
        case 'postgres':
          return (await import('./stores/postgres/meta')).readPgMeta(await this.pg());
        case 'mongo':
          return (await import('./stores/mongo/meta')).readMongoMeta(await this.mongo());
        case 's3':
          return (await import('./stores/s3/meta')).readS3Meta(await this.s3(), this.config.s3!, this.config.timeoutMs);
      }
    } catch (err) {
      throw await this.translate(store, err);
    }
  }

  async metas(stores: StoreName[]): Promise<StoreMeta[]> {
    const all = await Promise.allSettled(stores.map((s) => this.meta(s)));
    const failed = all.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return all.map((r) => (r as PromiseFulfilledResult<StoreMeta>).value);
  }

  async writeRecord(store: StoreName, record: SeedRecord): Promise<void> {
    try {
      switch (store) {
        case 'postgres':
          return (await import('./stores/postgres/meta')).writePgSeedRecord(await this.pg(), record);
        case 'mongo':
          return (await import('./stores/mongo/meta')).writeMongoSeedRecord(await this.mongo(), record);
        case 's3':
          return (await import('./stores/s3/meta')).writeS3SeedRecord(await this.s3(), this.config.s3!, this.config.timeoutMs, record);
      }
    } catch (err) {
      throw await this.translate(store, err);
    }
  }

  private async translate(store: StoreName, err: unknown): Promise<RecruitDbError> {
    if (err instanceof RecruitDbError) return err;
    if (store === 'postgres') return (await import('./stores/postgres/connect')).pgError(err, this.config.postgres!, this.config.timeoutMs);
    if (store === 'mongo') return (await import('./stores/mongo/connect')).mongoError(err, this.config.mongo!, this.config.timeoutMs);
    return (await import('./stores/s3/connect')).s3Error(err, this.config.s3!, this.config.timeoutMs);
  }

  async close(): Promise<void> {
    await this.pgClient?.end().catch(() => undefined);
    await this.mongoClient?.close().catch(() => undefined);
    this.s3Client?.destroy();
  }
}

export async function withHandles<T>(config: Config, work: (h: StoreHandles) => Promise<T>): Promise<T> {
  const h = new StoreHandles(config);
  try {
    return await work(h);
  } finally {
    await h.close();
  }
}

/** The stamps of some stores, each read over a short-lived connection. */
export function readStamps(config: Config, stores: StoreName[]): Promise<StoreMeta[]> {
  return withHandles(config, (h) => h.metas(stores));
}

/** Runs `work` holding the seed lock of every store in `stores`, taken in store order. */
export async function withSeedLocks<T>(h: StoreHandles, stores: StoreName[], onNotice: OnProgress | undefined, work: () => Promise<T>): Promise<T> {
  const config = h.config;
  const [store, ...rest] = ORDER.filter((s) => stores.includes(s));
  if (!store) return work();
  const next = () => withSeedLocks(h, rest, onNotice, work);
  const onWait = (detail: string) => onNotice?.({ store, phase: 'waiting for the seed lock', state: 'notice', detail });
  if (store === 'postgres') {
    const { acquireAdvisoryLock, releaseAdvisoryLock, SEED_LOCK_KEY } = await import('./stores/postgres/lock');
    const client = await h.pg();
    try {
      await acquireAdvisoryLock(client, config.postgres!, { key: SEED_LOCK_KEY, what: 'seed', waitMs: config.locks.waitMs, onWait });
    } catch (err) {
      throw err instanceof RecruitDbError ? err : (await import('./stores/postgres/connect')).pgError(err, config.postgres!, config.timeoutMs);
    }
    try {
      return await next();
    } finally {
      await releaseAdvisoryLock(client, SEED_LOCK_KEY);
    }
  }
  const lease = { what: 'seed', leaseMs: config.locks.mongoLeaseMs, waitMs: config.locks.waitMs, onWait };
  if (store === 's3') {
    // The lock lives in the bucket: a bucket not bootstrapped yet is "migrate first", said plainly.
    const { headBucket } = await import('./stores/s3/connect');
    if ((await headBucket(await h.s3(), config.s3!, config.timeoutMs)) !== 'exists') {
      throw new RecruitDbError({ code: 'not-migrated', store: 's3', message: `bucket "${config.s3!.bucket}" does not exist or is not accessible`, hint: 'run recruit-db migrate first' });
    }
  }
  const r =
    store === 'mongo'
      ? await (await import('./stores/mongo/lock')).withMongoLock(await h.mongo(), 'seed', lease, next)
      : await (await import('./stores/s3/lock')).withS3Lock(await h.s3(), config.s3!, 'seed', lease, next);
  if (r.tookOver) onNotice?.({ store, phase: 'seed lock', state: 'notice', detail: tookOverText(r.tookOver, 'seed') });
  return r.value;
}

/** The record each store gets once the seed is in: hash and counts of that store. */
function finishedRecord(started: SeedRecord, result: SeedResult, store: StoreName): SeedRecord {
  const h = result[store];
  return { ...started, asOf: result.asOf, state: 'finished', finishedAt: new Date().toISOString(), hash: h?.hash, counts: h?.counts };
}

/**
 * One seed of some stores, under their locks, recording it in each. Assumes the locks are held and
 * the production check was done (see seedStores / the up orchestration).
 */
export async function recordedSeed(h: StoreHandles, opts: SeedOptions): Promise<SeedResult> {
  const { runSeed } = await import('../seeds/index');
  const { isoDay, parseAsOf, parseProfile, parseSeed } = await import('../seeds/core');
  const { normaliseOverrides } = await import('../seeds/index');
  const overrides = normaliseOverrides(opts.overrides);
  const stores = selected(opts.only);
  // Resolved once: the record names the day the data is as of, so a redo regenerates the same data.
  const asOf = isoDay(parseAsOf(opts.asOf));
  const started = startedRecord({
    seed: parseSeed(opts.seed),
    profile: parseProfile(opts.profile),
    asOf,
    ...(Object.keys(overrides).length ? { overrides } : {}),
    stores,
  });
  const result = await runSeed(h.config, {
    ...opts,
    asOf,
    // After every check of the seeder passed, before its first write: the seed is on record.
    beforeWrite: async (s) => {
      for (const store of s) await h.writeRecord(store, started);
      await opts.beforeWrite?.(s);
    },
  });
  for (const store of result.stores) await h.writeRecord(store, finishedRecord(started, result, store));
  return result;
}

/** `seed`: stamps, production guard, locks, records; or, with dryRun, the counts without a write. */
export async function seedStores(config: Config, opts: SeedRunOptions): Promise<SeedResult | SeedPlan> {
  const stores = selected(opts.only);
  for (const s of stores) requireStore(config, s);
  // Bad flags are refused before any store is contacted (and before waiting for a lock).
  const { parseAsOf, parseProfile, parseSeed } = await import('../seeds/core');
  const { normaliseOverrides } = await import('../seeds/index');
  const { shapeFor } = await import('../seeds/topology');
  shapeFor(parseProfile(opts.profile), normaliseOverrides(opts.overrides));
  parseSeed(opts.seed);
  parseAsOf(opts.asOf);
  return withHandles(config, async (h) => {
    refuseProduction(config, await h.metas(stores), opts.allowProduction, 'seed');
    if (opts.dryRun) return planSeed(h, opts);
    return withSeedLocks(h, stores, opts.onNotice, () => recordedSeed(h, opts));
  });
}

// ---------------------------------------------------------------------------------------------
// Dry run: what a seed would write
// ---------------------------------------------------------------------------------------------

export interface SeedPlanItem {
  /** Table, collection or key prefix. */
  name: string;
  /** Rows, documents or objects. */
  units: number;
  /** Bytes it would write: COPY text, BSON, object bodies. */
  bytes: number;
}

export interface SeedPlan {
  dryRun: true;
  profile: string;
  seed: number;
  /** The as-of day the data would be generated for (YYYY-MM-DD). */
  asOf: string;
  stores: StoreName[];
  truncate: boolean;
  /** Per store: what it would get. */
  plan: Partial<Record<StoreName, { units: number; bytes: number; items: SeedPlanItem[] }>>;
}

const DRY_RUN = Symbol('dry run');

/**
 * Runs the seeder's own checks (configuration, reachability, migrations, emptiness), stopped just
 * before its first write, then generates the data without writing it and counts it.
 */
async function planSeed(h: StoreHandles, opts: SeedRunOptions): Promise<SeedPlan> {
  const { runSeed } = await import('../seeds/index');
  try {
    await runSeed(h.config, {
      ...opts,
      beforeWrite: async () => {
        throw DRY_RUN;
      },
    });
  } catch (err) {
    if (err !== DRY_RUN) throw err;
  }
  const stores = selected(opts.only);
  let embedding: 'pgvector' | 'array' = 'array';
  if (stores.includes('postgres')) embedding = await (await import('./stores/postgres/seed')).embeddingStorageOf(await h.pg());
  return seedCounts(opts, stores, embedding);
}

/** Units and bytes of what a generator yields, without keeping any of it. */
function tally<T>(name: string, items: Iterable<T>, size: (item: T) => number): SeedPlanItem {
  let units = 0;
  let bytes = 0;
  for (const item of items) {
    units++;
    bytes += size(item);
  }
  return { name, units, bytes };
}

/** Generates what a seed of `stores` would write, and counts it (no store involved). */
export async function seedCounts(opts: SeedOptions, stores: StoreName[], embedding: 'pgvector' | 'array'): Promise<SeedPlan> {
  const { isoDay, parseAsOf, parseProfile, parseSeed } = await import('../seeds/core');
  const { normaliseOverrides } = await import('../seeds/index');
  const { Topology, shapeFor } = await import('../seeds/topology');
  const profile = parseProfile(opts.profile);
  const seed = parseSeed(opts.seed);
  const asOf = parseAsOf(opts.asOf);
  const topo = new Topology(seed, shapeFor(profile, normaliseOverrides(opts.overrides)));
  const out: SeedPlan = { dryRun: true, profile, seed, asOf: isoDay(asOf), stores, truncate: Boolean(opts.truncate), plan: {} };
  const total = (items: SeedPlanItem[]) => ({ units: items.reduce((a, i) => a + i.units, 0), bytes: items.reduce((a, i) => a + i.bytes, 0), items });
  const { genContext, pgTables } = await import('../seeds/postgres');
  const ctx = genContext(topo, embedding, asOf);
  if (stores.includes('postgres')) {
    const { copyLine } = await import('./stores/postgres/seed');
    out.plan.postgres = total(pgTables().map((spec) => tally(spec.table, spec.rows(ctx), (row) => Buffer.byteLength(copyLine(row)))));
  }
  if (stores.includes('mongo')) {
    const { BSON } = await import('mongodb');
    const { mongoCollections } = await import('../seeds/mongo');
    out.plan.mongo = total(mongoCollections().map((spec) => tally(spec.name, spec.docs(ctx), (doc) => BSON.calculateObjectSize(doc))));
  }
  if (stores.includes('s3')) {
    const { allAssets, assetMeta } = await import('../seeds/assets');
    const { fileFor } = await import('../seeds/files');
    const { assetType } = await import('../s3-layout');
    const by = new Map<string, SeedPlanItem>();
    for (const a of allAssets(ctx.w)) {
      const prefix = assetType(a.assetType).prefix;
      const item = by.get(prefix) ?? { name: prefix, units: 0, bytes: 0 };
      item.units++;
      item.bytes += fileFor(a.contentType, seed, a.key, assetMeta(ctx.w, a)).length;
      by.set(prefix, item);
    }
    out.plan.s3 = total([...by.values()]);
  }
  return out;
}
