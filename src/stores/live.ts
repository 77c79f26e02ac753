/**
 * The live shape of the selected stores, as verify judges it and `docs --live` documents it: each
 * store connected, introspected and closed the same way, whoever asks. Drivers load only for the
 * stores selected (a `verify --only postgres` never loads the MongoDB driver or the AWS SDK).
 */
import { requireStore, type Config } from '../config';
import { RecruitDbError, type StoreName } from '../errors';
import type { StoreMeta } from './meta';
import type { BucketSettings } from './s3/introspect';
import type { BucketOwner, MongoShape, PgShape } from './shapes';

export interface LiveShapes {
  postgres: PgShape;
  mongo: MongoShape;
  /** The bucket's settings, and its owner when `s3Owner` asked for it (an STS round trip). */
  s3: { bucket: BucketSettings; owner?: BucketOwner };
}

/**
 * What a caller makes of each store's shape, run once that store is read and its client closed;
 * `meta` is the store's stamp (environment, seed record) when `LiveOptions.meta` asked for it.
 */
export type LiveUse<R extends Partial<Record<StoreName, unknown>>> = { [S in keyof R]: S extends StoreName ? (shape: LiveShapes[S], meta?: StoreMeta) => R[S] | Promise<R[S]> : never };

export interface LiveOptions {
  /** Whether the bucket's owner is worth the STS round trip, given its settings (read while the client is open). */
  s3Owner?: (bucket: BucketSettings) => boolean;
  /** Also read each store's stamp (src/stores/meta.ts) through the same client. */
  meta?: boolean;
}

interface Reading<S extends StoreName> {
  shape: LiveShapes[S];
  meta?: StoreMeta;
}

/**
 * Reads every store `use` names, concurrently; each result is `use[store]` of its shape, so a caller
 * can start on a store that answered first while the others are still read. Every store is
 * configured before any is contacted (half a reading proves nothing); the first store that fails,
 * in postgres, mongo, s3 order, is thrown as its RecruitDbError (exit 2) once every client is closed.
 */
export async function readLiveShapes<R extends Partial<Record<StoreName, unknown>>>(config: Config, use: LiveUse<R>, opts: LiveOptions = {}): Promise<R> {
  const stores = ORDER.filter((s) => s in use);
  for (const s of stores) requireStore(config, s);
  const settled = await Promise.allSettled(
    stores.map(async (s) => {
      const read = READ[s] as (config: Config, opts: LiveOptions) => Promise<Reading<StoreName>>;
      const then = use[s as keyof R] as (shape: unknown, meta?: StoreMeta) => unknown;
      const { shape, meta } = await read(config, opts);
      return then(shape, meta);
    }),
  );
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return Object.fromEntries(stores.map((s, i) => [s, (settled[i] as PromiseFulfilledResult<unknown>).value])) as R;
}

const ORDER: StoreName[] = ['postgres', 'mongo', 's3'];

/** Reads through an open client and closes it whatever happens; a foreign error becomes the store's one-line error (exit 2). */
async function reading<C, T>(client: C, close: (c: C) => unknown, translate: (err: unknown) => RecruitDbError, work: (c: C) => Promise<T>): Promise<T> {
  try {
    return await work(client);
  } catch (err) {
    throw err instanceof RecruitDbError ? err : translate(err);
  } finally {
    await Promise.resolve()
      .then(() => close(client))
      .catch(() => undefined);
  }
}

const READ: { [S in StoreName]: (config: Config, opts: LiveOptions) => Promise<Reading<S>> } = {
  async postgres(config, opts) {
    const pg = requireStore(config, 'postgres');
    const { connectPg, pgError } = await import('./postgres/connect');
    const { introspectPostgres } = await import('./postgres/introspect');
    return reading(await connectPg(pg, config.timeoutMs), (c) => c.end(), (err) => pgError(err, pg, config.timeoutMs), async (client) => {
      const shape = await introspectPostgres(client);
      return { shape, meta: opts.meta ? await (await import('./postgres/meta')).readPgMeta(client) : undefined };
    });
  },
  async mongo(config, opts) {
    const mongo = requireStore(config, 'mongo');
    const { connectMongo, mongoError } = await import('./mongo/connect');
    const { introspectMongo } = await import('./mongo/introspect');
    return reading(await connectMongo(mongo, config.timeoutMs), (c) => c.close(), (err) => mongoError(err, mongo, config.timeoutMs), async (client) => {
      const shape = await introspectMongo(client, mongo.db);
      return { shape, meta: opts.meta ? await (await import('./mongo/meta')).readMongoMeta(client.db(mongo.db)) : undefined };
    });
  },
  async s3(config, opts) {
    const s3 = requireStore(config, 's3');
    const { createS3Client, s3Error } = await import('./s3/connect');
    const { bucketOwner, readBucket } = await import('./s3/introspect');
    return reading(createS3Client(s3, config.timeoutMs), (c) => c.destroy(), (err) => s3Error(err, s3, config.timeoutMs), async (client) => {
      const bucket = await readBucket(client, s3, config.timeoutMs);
      const owner = opts.s3Owner?.(bucket) ? await bucketOwner(client, s3, config.timeoutMs) : undefined;
      const meta = opts.meta ? await (await import('./s3/meta')).readS3Meta(client, s3, config.timeoutMs) : undefined;
      return { shape: owner ? { bucket, owner } : { bucket }, meta };
    });
  },
};
