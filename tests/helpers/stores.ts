import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig, type Config } from '../../src/config';
import { deleteBucket } from '../../src/stores/s3/migrate';
import { dropDatabaseRetrying } from '../../src/verify/pglite';

/**
 * Every test file gets stores of its own (a fresh Postgres database, Mongo database and S3 bucket),
 * so files run in parallel against the one set of servers scripts/stores.sh starts.
 */
export function baseConfig(): Config {
  const config = loadConfig();
  if (!config.postgres || !config.mongo || !config.s3) {
    throw new Error('tests need the stores: run `bash scripts/stores.sh start` (it writes .env)');
  }
  return config;
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + database;
  return u.toString();
}

/** Creates an empty Postgres database; returns its URL and a drop function. */
export async function freshPgDatabase(prefix = 'rdbtest'): Promise<{ url: string; database: string; drop: () => Promise<void> }> {
  const base = baseConfig().postgres!;
  const database = uniqueName(prefix).toLowerCase();
  const admin = new Client({ connectionString: base.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(base.url, database),
    database,
    drop: async () => {
      const c = new Client({ connectionString: base.url });
      await c.connect();
      try {
        await dropDatabaseRetrying(c, database);
      } finally {
        await c.end();
      }
    },
  };
}

/** A fresh Postgres database with every migration applied, and a Config pointing at it. */
export async function migratedPgDatabase(prefix = 'rdbtest'): Promise<{ config: Config; url: string; database: string; drop: () => Promise<void> }> {
  const db = await freshPgDatabase(prefix);
  const base = baseConfig();
  const config: Config = { ...base, env: 'test', postgres: { ...base.postgres!, url: db.url, database: db.database } };
  const { openMigrator } = await import('../../src/stores/migrator');
  try {
    const m = await openMigrator('postgres', config);
    try {
      await m.up({});
    } finally {
      await m.close();
    }
  } catch (err) {
    await db.drop().catch(() => undefined);
    throw err;
  }
  return { config, ...db };
}

/** A fresh migrated Postgres database with a connected client; `drop` ends the client and drops the database. */
export async function migratedPgClient(prefix = 'rdbtest'): Promise<{ client: Client; url: string; drop: () => Promise<void> }> {
  const db = await migratedPgDatabase(prefix);
  const client = new Client({ connectionString: db.url });
  await client.connect();
  const drop = async () => {
    await client.end().catch(() => undefined);
    await db.drop();
  };
  return { client, url: db.url, drop };
}

/** Applies every migration of the given stores (all three by default) to the targets of `config`. */
export async function migrateStores(config: Config, stores: Array<'postgres' | 'mongo' | 's3'> = ['postgres', 'mongo', 's3']): Promise<void> {
  const { openMigrator } = await import('../../src/stores/migrator');
  for (const store of stores) {
    const m = await openMigrator(store, config);
    try {
      await m.up({});
    } finally {
      await m.close();
    }
  }
}

/** A Mongo database name no other test uses (Mongo creates databases on first write). */
export function freshMongoDbName(prefix = 'rdbtest'): string {
  return uniqueName(prefix);
}

/** A bucket name no other test uses (S3 names: lowercase, digits, hyphens). */
export function freshBucketName(prefix = 'rdbtest'): string {
  return uniqueName(prefix).toLowerCase().replace(/_/g, '-');
}

/** Environment for spawning the CLI against a chosen set of stores, with .env ignored. */
export function cliEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const c = baseConfig();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NO_COLOR: '1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    RECRUIT_DB_ENV: 'test',
    // The real servers answer a loaded CI machine in seconds, not the 5 s a user's default allows;
    // tests of the bounds themselves pass their own --timeout or RECRUIT_DB_TIMEOUT.
    RECRUIT_DB_TIMEOUT: '20',
    DATABASE_URL: c.postgres!.url,
    MONGODB_URI: c.mongo!.uri,
    MONGODB_DB: c.mongo!.db,
    AWS_ENDPOINT_URL_S3: c.s3!.endpoint,
    AWS_REGION: c.s3!.region,
    AWS_ACCESS_KEY_ID: c.s3!.accessKeyId,
    AWS_SECRET_ACCESS_KEY: c.s3!.secretAccessKey,
    S3_BUCKET: c.s3!.bucket,
    ...overrides,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env;
}

/** Empties and deletes a bucket (every version and delete marker first). */
export async function dropBucket(config: Config, bucket: string): Promise<void> {
  const { createS3Client } = await import('../../src/stores/s3/connect');
  const client = createS3Client({ ...config.s3!, bucket }, 10_000);
  try {
    await deleteBucket(client, bucket);
  } finally {
    client.destroy();
  }
}

export async function dropMongoDatabase(name: string): Promise<void> {
  const { MongoClient } = await import('mongodb');
  const mongo = new MongoClient(baseConfig().mongo!.uri);
  try {
    await mongo.db(name).dropDatabase();
  } finally {
    await mongo.close();
  }
}

/** A fresh PG database, Mongo database and bucket, as a Config and as CLI environment, with cleanup. */
export async function freshStores(prefix = 'rdbtest'): Promise<{ config: Config; env: NodeJS.ProcessEnv; cleanup: () => Promise<void> }> {
  const base = baseConfig();
  const db = await freshPgDatabase(prefix);
  const config: Config = {
    ...base,
    env: 'test',
    postgres: { ...base.postgres!, url: db.url, database: db.database },
    mongo: { ...base.mongo!, db: freshMongoDbName(prefix) },
    s3: { ...base.s3!, bucket: freshBucketName(prefix) },
  };
  const env = cliEnv({ DATABASE_URL: db.url, MONGODB_DB: config.mongo!.db, S3_BUCKET: config.s3!.bucket });
  // All three are attempted; a failure is still reported, so a leaked resource fails the caller.
  const cleanup = async () => {
    const done = await Promise.allSettled([db.drop(), dropMongoDatabase(config.mongo!.db), dropBucket(config, config.s3!.bucket)]);
    const failed = done.find((d): d is PromiseRejectedResult => d.status === 'rejected');
    if (failed) throw failed.reason;
  };
  return { config, env, cleanup };
}
