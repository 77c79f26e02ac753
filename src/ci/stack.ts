import type { Config } from '../config';
import type { StoreName } from '../errors';
import { mongoUriWithDatabase, pgUrlWithDatabase, type StoreNames } from './names';

/**
 * A stack's settings: the caller's own (servers, credentials, environment) with the stack's database,
 * MongoDB database and bucket in place of theirs, for the stores the stack has and no other.
 */
export function stackConfig(base: Config, names: StoreNames): Config {
  return {
    ...base,
    postgres: names.postgres && base.postgres ? { ...base.postgres, url: pgUrlWithDatabase(base.postgres.url, names.postgres), database: names.postgres } : undefined,
    mongo: names.mongo && base.mongo ? { uri: mongoUriWithDatabase(base.mongo.uri, names.mongo), db: names.mongo } : undefined,
    s3: names.s3 && base.s3 ? { ...base.s3, bucket: names.s3 } : undefined,
  };
}

export function storesOf(names: StoreNames): StoreName[] {
  return (['postgres', 'mongo', 's3'] as const).filter((s) => names[s]);
}

/** The variables recruit-db (and the application) read, for the stores the stack has. */
export function stackEnv(config: Config, lease?: string): Record<string, string> {
  const env: Record<string, string> = { RECRUIT_DB_ENV: config.env };
  if (lease) env.RECRUIT_DB_CI_LEASE = lease;
  if (config.postgres) env.DATABASE_URL = config.postgres.url;
  if (config.mongo) {
    env.MONGODB_URI = config.mongo.uri;
    env.MONGODB_DB = config.mongo.db;
  }
  const s3 = config.s3;
  if (s3) {
    env.S3_BUCKET = s3.bucket;
    env.AWS_REGION = s3.region;
    if (s3.endpoint) env.AWS_ENDPOINT_URL_S3 = s3.endpoint;
    env.S3_FORCE_PATH_STYLE = String(s3.forcePathStyle);
    env.RECRUIT_DB_WEB_ORIGINS = s3.webOrigins.join(',');
    // The stack's bucket is encrypted with this key; verify expects it, so the stack's settings name it.
    if (s3.kmsKeyId) env.RECRUIT_DB_S3_KMS_KEY_ID = s3.kmsKeyId;
    if (s3.accessKeyId) env.AWS_ACCESS_KEY_ID = s3.accessKeyId;
    if (s3.secretAccessKey) env.AWS_SECRET_ACCESS_KEY = s3.secretAccessKey;
    if (s3.sessionToken) env.AWS_SESSION_TOKEN = s3.sessionToken;
  }
  return env;
}

const shellQuote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;

/** `export KEY='value'` lines: a shell sources them, and recruit-db reads them as an --env-file. */
export function exportLines(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `export ${k}=${shellQuote(v)}`)
    .join('\n');
}
