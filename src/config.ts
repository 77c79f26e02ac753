import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { RecruitDbError, usageError } from './errors';
import { maskUrl, registerSecret } from './secrets';

export const TARGET_ENVS = ['development', 'test', 'staging', 'production'] as const;
export type TargetEnv = (typeof TARGET_ENVS)[number];

export interface PostgresConfig {
  url: string;
  host: string;
  port: number;
  database: string;
  user: string;
}

export interface MongoConfig {
  uri: string;
  db: string;
}

export interface S3Config {
  /** Undefined means the SDK's default AWS endpoint for the region. */
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** Emulators (moto, s3rver, MinIO) need path-style addressing; AWS itself prefers virtual hosts. */
  forcePathStyle: boolean;
  /** Browser origins allowed to upload with presigned URLs (CORS). */
  webOrigins: string[];
  /** True when RECRUIT_DB_WEB_ORIGINS set them; false when they are the development default. */
  webOriginsConfigured?: boolean;
  /** RECRUIT_DB_S3_KMS_KEY_ID: default encryption with this KMS key (and an S3 bucket key) instead of SSE-S3. */
  kmsKeyId?: string;
}

export interface Config {
  env: TargetEnv;
  timeoutMs: number;
  postgres?: PostgresConfig;
  mongo?: MongoConfig;
  s3?: S3Config;
  locks: LockConfig;
  /** Where the .env file was read from, if one was. */
  envFile?: string;
}

/** Migration locks: how long a run waits for another's, and the MongoDB lock's lease. */
export interface LockConfig {
  /** RECRUIT_DB_LOCK_WAIT_MS (default 120 s; 0: do not wait). */
  waitMs: number;
  /** RECRUIT_DB_MONGO_LOCK_LEASE_MS (default 60 s): a killed run blocks others at most this long. */
  mongoLeaseMs: number;
}

/** Flags from the CLI; each overrides the environment variable of the same meaning. */
export interface ConfigFlags {
  envFile?: string;
  env?: string;
  databaseUrl?: string;
  mongodbUri?: string;
  mongodbDb?: string;
  s3Endpoint?: string;
  s3Bucket?: string;
  region?: string;
  timeout?: string | number;
}

export const DEFAULT_TIMEOUT_MS = 5000;

/** Parses a .env file: KEY=VALUE lines, `export ` prefixes, # comments, single or double quotes. */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2];
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    out[m[1]] = value;
  }
  return out;
}

function readEnvFile(flags: ConfigFlags, cwd: string): { vars: Record<string, string>; path?: string } {
  const path = resolve(cwd, flags.envFile ?? '.env');
  if (!existsSync(path)) {
    if (flags.envFile) throw usageError(`env file ${flags.envFile} does not exist`, 'pass an existing file to --env-file, or drop the flag');
    return { vars: {} };
  }
  return { vars: parseDotenv(readFileSync(path, 'utf8')), path };
}

function parseUrl(value: string, variable: string, protocols: string[], example: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usageError(`${variable} is not a valid URL: ${maskUrl(value)}`, `use the form ${example}`);
  }
  if (!protocols.includes(url.protocol)) {
    throw usageError(`${variable} must start with ${protocols.map((p) => p + '//').join(' or ')}, got ${maskUrl(value)}`, `use the form ${example}`);
  }
  if (!url.hostname) throw usageError(`${variable} has no host: ${maskUrl(value)}`, `use the form ${example}`);
  return url;
}

function parsePostgres(value: string): PostgresConfig {
  const url = parseUrl(value, 'DATABASE_URL', ['postgres:', 'postgresql:'], 'postgres://user:password@host:5432/database');
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw usageError(`DATABASE_URL names no database: ${maskUrl(value)}`, 'append the database name, e.g. postgres://user:password@host:5432/recruit_db');
  registerSecret(decodeURIComponent(url.password));
  return { url: value, host: url.hostname, port: Number(url.port || 5432), database, user: decodeURIComponent(url.username) };
}

function parseMongo(value: string, dbOverride: string | undefined): MongoConfig {
  const url = parseUrl(value, 'MONGODB_URI', ['mongodb:', 'mongodb+srv:'], 'mongodb://user:password@host:27017/recruit_db');
  registerSecret(decodeURIComponent(url.password));
  const fromPath = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const db = dbOverride || fromPath || 'recruit_db';
  if (/[/\\. "$\0]/.test(db)) throw usageError(`MongoDB database name "${db}" contains a character MongoDB forbids`, 'use letters, digits, _ and -');
  return { uri: value, db };
}

/** The CORS origin a development bucket gets when RECRUIT_DB_WEB_ORIGINS is unset (refused for production). */
export const DEFAULT_WEB_ORIGIN = 'http://localhost:3000';

function parseS3(vars: Record<string, string | undefined>, flags: ConfigFlags): S3Config | undefined {
  const endpoint = flags.s3Endpoint ?? vars.AWS_ENDPOINT_URL_S3 ?? vars.AWS_ENDPOINT_URL;
  const bucket = flags.s3Bucket ?? vars.S3_BUCKET;
  if (!bucket) return undefined;
  if (endpoint) parseUrl(endpoint, 'AWS_ENDPOINT_URL_S3', ['http:', 'https:'], 'http://127.0.0.1:5055');
  registerSecret(vars.AWS_SECRET_ACCESS_KEY);
  registerSecret(vars.AWS_SESSION_TOKEN);
  // Set but empty still means "explicitly none" (no CORS rule), as it always has.
  const configured = vars.RECRUIT_DB_WEB_ORIGINS !== undefined;
  const origins = (configured ? vars.RECRUIT_DB_WEB_ORIGINS! : DEFAULT_WEB_ORIGIN)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    endpoint,
    region: flags.region ?? vars.AWS_REGION ?? vars.AWS_DEFAULT_REGION ?? 'us-east-1',
    bucket,
    accessKeyId: vars.AWS_ACCESS_KEY_ID,
    secretAccessKey: vars.AWS_SECRET_ACCESS_KEY,
    sessionToken: vars.AWS_SESSION_TOKEN,
    forcePathStyle: vars.S3_FORCE_PATH_STYLE ? vars.S3_FORCE_PATH_STYLE === 'true' : Boolean(endpoint),
    webOrigins: origins,
    webOriginsConfigured: configured,
    kmsKeyId: vars.RECRUIT_DB_S3_KMS_KEY_ID?.trim() || undefined,
  };
}

function parseMs(vars: Record<string, string | undefined>, name: string, fallback: number, min: number): number {
  const raw = vars[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < min) {
    throw usageError(`${name} must be a whole number of milliseconds${min > 0 ? ` of at least ${min}` : ''}, got "${raw}"`, `e.g. ${name}=${fallback}`);
  }
  return ms;
}

export const DEFAULT_LOCKS: Readonly<LockConfig> = Object.freeze({ waitMs: 120_000, mongoLeaseMs: 60_000 });

function parseLocks(vars: Record<string, string | undefined>): LockConfig {
  return {
    waitMs: parseMs(vars, 'RECRUIT_DB_LOCK_WAIT_MS', DEFAULT_LOCKS.waitMs, 0),
    mongoLeaseMs: parseMs(vars, 'RECRUIT_DB_MONGO_LOCK_LEASE_MS', DEFAULT_LOCKS.mongoLeaseMs, 1),
  };
}

function parseTimeout(value: string | number | undefined): number {
  if (value === undefined || value === '') return DEFAULT_TIMEOUT_MS;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw usageError(`timeout must be a positive number of seconds, got "${value}"`, 'pass e.g. --timeout 5');
  return Math.round(seconds * 1000);
}

/**
 * The one typed configuration object. Precedence: flags, then the process environment, then `.env`.
 * A store whose variables are absent is left undefined; commands that need it ask `requireStore`.
 */
export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const file = readEnvFile(flags, cwd);
  const vars: Record<string, string | undefined> = { ...file.vars, ...env };
  const targetEnv = (flags.env ?? vars.RECRUIT_DB_ENV ?? 'development') as TargetEnv;
  if (!TARGET_ENVS.includes(targetEnv)) {
    throw usageError(`RECRUIT_DB_ENV must be one of ${TARGET_ENVS.join(', ')}, got "${targetEnv}"`, 'set RECRUIT_DB_ENV or --env to one of those');
  }
  const pgUrl = flags.databaseUrl ?? vars.DATABASE_URL;
  const mongoUri = flags.mongodbUri ?? vars.MONGODB_URI;
  return {
    env: targetEnv,
    timeoutMs: parseTimeout(flags.timeout ?? vars.RECRUIT_DB_TIMEOUT),
    postgres: pgUrl ? parsePostgres(pgUrl) : undefined,
    mongo: mongoUri ? parseMongo(mongoUri, flags.mongodbDb ?? vars.MONGODB_DB) : undefined,
    s3: parseS3(vars, flags),
    locks: parseLocks(vars),
    envFile: file.path,
  };
}

const MISSING_HINT: Record<'postgres' | 'mongo' | 's3', string> = {
  postgres: 'set DATABASE_URL (or --database-url), e.g. postgres://user:password@127.0.0.1:5432/recruit_db; scripts/stores.sh start writes one to .env',
  mongo: 'set MONGODB_URI (or --mongodb-uri), e.g. mongodb://user:password@127.0.0.1:27017/recruit_db; scripts/stores.sh start writes one to .env',
  s3: 'set S3_BUCKET (and AWS_ENDPOINT_URL_S3 for an emulator); scripts/stores.sh start writes them to .env',
};

export function requireStore<K extends 'postgres' | 'mongo' | 's3'>(config: Config, store: K): NonNullable<Config[K]> {
  const value = config[store];
  if (!value) throw new RecruitDbError({ code: 'not-configured', store, message: 'not configured', hint: MISSING_HINT[store] });
  return value as NonNullable<Config[K]>;
}

/** Destructive commands call this first: production is refused unless the operator says so explicitly. */
export function assertNotProduction(config: Config, allowProduction: boolean | undefined, action: string): void {
  if (config.env === 'production' && !allowProduction) {
    throw usageError(`refusing to ${action}: the target is production (RECRUIT_DB_ENV=production)`, 'pass --allow-production if you really mean it');
  }
}
