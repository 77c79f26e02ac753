import type { MongoClient } from 'mongodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { requireStore, type Config } from '../config';
import { RecruitDbError, type StoreName } from '../errors';
import { refuseProduction, type StoreMeta } from '../stores/meta';
import type { StoreNames } from './names';
import type { Sql } from './records';
import { stackConfig } from './stack';

/**
 * Copying a template into a stack and dropping a stack, for the three stores at once (they are
 * different servers: the stack takes as long as its slowest store, not the sum). Drivers load here,
 * lazily, so a warm hand-out never pays for them.
 */

/** The pool never works on servers whose configured target says production (RECRUIT_DB_ENV or its store stamp). */
export function refuseProductionStamp(config: Config, metas: StoreMeta[]): void {
  refuseProduction(config, metas, false, 'run CI stacks against production', 'point recruit-db ci at test servers (RECRUIT_DB_ENV=test); the pool creates and drops databases and buckets');
}

/**
 * MongoDB and S3 clients for one process, opened on first use and kept. Opening one first reads the
 * stamp of the configured database or bucket (`config` is the caller's own target, not a stack's):
 * one stamped production refuses the pool.
 */
export class Clients {
  private mongoClient?: Promise<MongoClient>;
  private s3Client?: Promise<S3Client>;

  constructor(readonly config: Config) {}

  mongo(): Promise<MongoClient> {
    this.mongoClient ??= (async () => {
      const mongo = requireStore(this.config, 'mongo');
      const { connectMongo } = await import('../stores/mongo/connect');
      const { readMongoMeta } = await import('../stores/mongo/meta');
      const client = await connectMongo(mongo, this.config.timeoutMs);
      try {
        refuseProductionStamp(this.config, [await readMongoMeta(client.db(mongo.db))]);
      } catch (err) {
        await client.close().catch(() => undefined);
        throw err;
      }
      return client;
    })();
    // A failed connect is not cached: the next call tries again.
    this.mongoClient.catch(() => (this.mongoClient = undefined));
    return this.mongoClient;
  }

  s3(): Promise<S3Client> {
    this.s3Client ??= (async () => {
      const s3 = requireStore(this.config, 's3');
      const { createS3Client } = await import('../stores/s3/connect');
      const { readS3Meta } = await import('../stores/s3/meta');
      const client = createS3Client(s3, this.config.timeoutMs);
      try {
        refuseProductionStamp(this.config, [await readS3Meta(client, s3, this.config.timeoutMs)]);
      } catch (err) {
        client.destroy();
        throw err;
      }
      return client;
    })();
    this.s3Client.catch(() => (this.s3Client = undefined));
    return this.s3Client;
  }

  /** Opens the clients of `stores` now: their stamps are read before the first write to any of them. */
  async open(stores: readonly StoreName[]): Promise<void> {
    await Promise.all([stores.includes('mongo') ? this.mongo() : undefined, stores.includes('s3') ? this.s3() : undefined]);
  }

  async close(): Promise<void> {
    const [mongo, s3] = [this.mongoClient, this.s3Client];
    this.mongoClient = this.s3Client = undefined;
    await mongo?.then((c) => c.close()).catch(() => undefined);
    await s3?.then((c) => c.destroy()).catch(() => undefined);
  }
}

export type CopyMs = Partial<Record<StoreName, number>>;

/** Turns a driver error into the store's one-line error, naming the step. */
async function storeError(store: StoreName, config: Config, during: string, err: unknown): Promise<RecruitDbError> {
  if (err instanceof RecruitDbError) return err;
  let base: RecruitDbError;
  if (store === 'postgres') base = (await import('../stores/postgres/connect')).pgError(err, config.postgres!, config.timeoutMs);
  else if (store === 'mongo') base = (await import('../stores/mongo/connect')).mongoError(err, config.mongo!, config.timeoutMs);
  else base = (await import('../stores/s3/connect')).s3Error(err, config.s3!, config.timeoutMs);
  return new RecruitDbError({ code: base.code, store, message: `${during}: ${base.message}`, hint: base.hint, exitCode: base.exitCode, cause: err });
}

/** Runs one task per store concurrently; every task finishes before the first failure is thrown. */
async function perStore<T>(config: Config, during: string, tasks: Partial<Record<StoreName, () => Promise<T>>>): Promise<Partial<Record<StoreName, T>>> {
  const entries = Object.entries(tasks) as Array<[StoreName, () => Promise<T>]>;
  const settled = await Promise.allSettled(entries.map(([, task]) => task()));
  const out: Partial<Record<StoreName, T>> = {};
  for (let i = 0; i < entries.length; i++) {
    const r = settled[i];
    if (r.status === 'rejected') throw await storeError(entries[i][0], config, during, r.reason);
    out[entries[i][0]] = r.value;
  }
  return out;
}

/** The choices each store's copy makes, open to the benchmark that made them. */
export interface CopyTuning {
  pgStrategy?: 'FILE_COPY' | 'WAL_LOG';
  mongoIndexes?: 'before' | 'after';
  mongoParallel?: boolean;
  s3Concurrency?: number;
}

/** Copies the template's objects into the stack's names; returns milliseconds per store. */
export async function copyStack(pg: Sql, clients: Clients, template: StoreNames, stack: StoreNames, tuning: CopyTuning = {}): Promise<CopyMs> {
  const target = stackConfig(clients.config, stack);
  const timed = (work: () => Promise<unknown>) => async () => {
    const t0 = performance.now();
    await work();
    return Math.round(performance.now() - t0);
  };
  const tasks: Partial<Record<StoreName, () => Promise<number>>> = {};
  if (stack.postgres) {
    tasks.postgres = timed(async () => (await import('./stores/postgres')).cloneDatabase(pg, template.postgres!, stack.postgres!, tuning.pgStrategy));
  }
  if (stack.mongo) {
    tasks.mongo = timed(async () => (await import('./stores/mongo')).copyDatabase(await clients.mongo(), template.mongo!, stack.mongo!, { indexes: tuning.mongoIndexes, parallel: tuning.mongoParallel }));
  }
  if (stack.s3) {
    tasks.s3 = timed(async () => (await import('./stores/s3')).copyBucket(await clients.s3(), target, template.s3!, { concurrency: tuning.s3Concurrency }));
  }
  return perStore(target, 'copying the template', tasks);
}

/** Drops whatever of `names` exists. Every name is checked to be one the pool creates before it goes. */
export async function dropNames(pg: Sql, clients: Clients, names: StoreNames): Promise<void> {
  const target = stackConfig(clients.config, names);
  const tasks: Partial<Record<StoreName, () => Promise<void>>> = {};
  if (names.postgres) tasks.postgres = async () => (await import('./stores/postgres')).dropDatabase(pg, names.postgres!);
  if (names.mongo) tasks.mongo = async () => (await import('./stores/mongo')).dropDatabase(await clients.mongo(), names.mongo!);
  if (names.s3) tasks.s3 = async () => (await import('./stores/s3')).dropBucket(await clients.s3(), names.s3!);
  await perStore(target, 'dropping', tasks);
}

/** The names a record holds, as StoreNames. */
export function namesOf(row: { pg_database: string | null; mongo_db: string | null; s3_bucket: string | null }): StoreNames {
  const out: StoreNames = {};
  if (row.pg_database) out.postgres = row.pg_database;
  if (row.mongo_db) out.mongo = row.mongo_db;
  if (row.s3_bucket) out.s3 = row.s3_bucket;
  return out;
}
