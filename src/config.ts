import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { RecruitDbError, usageError } from './errors';
import { maskUrl, registerSettings, registerUrlSecret } from './secrets';

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
  /** Bound on each request to a store (RECRUIT_DB_TIMEOUT / --timeout). */
  timeoutMs: number;
  /** Bound on each S3 upload: RECRUIT_DB_UPLOAD_TIMEOUT (loadConfig always sets it; absent means the default). */
  uploadTimeoutMs?: number;
  /** Safety rails of each PostgreSQL migration (loadConfig always sets them; absent means the defaults). */
  migrations?: MigrationLimits;
  postgres?: PostgresConfig;
  mongo?: MongoConfig;
  s3?: S3Config;
  locks: LockConfig;
  /** RECRUIT_DB_SEED_LANES: `parallel` runs every store's seed pipeline at once (see seedLanes). */
  seedLanes?: 'auto' | 'parallel';
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

/**
 * Bounds set on the session before each PostgreSQL migration runs: a migration that waits for a lock
 * a busy table holds gives up after lockTimeoutMs (and is retried, lockRetries times, with a pause),
 * instead of queueing every other query on that table behind it.
 */
export interface MigrationLimits {
  /** RECRUIT_DB_MIGRATION_LOCK_TIMEOUT_MS (default 10 s; 0: wait for ever). */
  lockTimeoutMs: number;
  /** RECRUIT_DB_MIGRATION_STATEMENT_TIMEOUT_MS (default 15 min; 0: no limit). */
  statementTimeoutMs: number;
  /** RECRUIT_DB_MIGRATION_LOCK_RETRIES (default 3): further attempts after a lock timeout (55P03). */
  lockRetries: number;
}

export function migrationLimits(config: Pick<Config, 'migrations'>): MigrationLimits {
  return config.migrations ?? DEFAULT_MIGRATION_LIMITS;
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
export const DEFAULT_UPLOAD_TIMEOUT_MS = 60_000;
export const DEFAULT_MIGRATION_LIMITS: Readonly<MigrationLimits> = Object.freeze({ lockTimeoutMs: 10_000, statementTimeoutMs: 15 * 60_000, lockRetries: 3 });

/**
 * Settings that only make sense together. Each group is read from ONE source: when the process
 * environment sets any of its variables, none of the group comes from .env. A CI job that exports
 * MONGODB_URI=.../pipeline_123 must never be paired with the MONGODB_DB a developer's .env pins.
 */
export const SETTING_GROUPS: readonly (readonly string[])[] = [
  ['MONGODB_URI', 'MONGODB_DB'],
  ['S3_BUCKET', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL', 'S3_FORCE_PATH_STYLE'],
  ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'],
];

const isSet = (v: string | undefined) => v !== undefined && v !== '';

/** The environment over .env, variable by variable, except that a group set in the environment wins whole. */
export function mergeSettings(file: Record<string, string>, env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const vars: Record<string, string | undefined> = { ...file };
  for (const [k, v] of Object.entries(env)) if (isSet(v)) vars[k] = v;
  for (const group of SETTING_GROUPS) {
    if (!group.some((k) => isSet(env[k]))) continue;
    for (const k of group) vars[k] = isSet(env[k]) ? env[k] : undefined;
  }
  return vars;
}

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

/** The variables of a .env file, or none when it cannot be read: for masking secrets early, never for settings. */
export function readEnvFileQuietly(path: string | undefined, cwd = process.cwd()): Record<string, string> {
  try {
    const file = resolve(cwd, path ?? '.env');
    return existsSync(file) ? parseDotenv(readFileSync(file, 'utf8')) : {};
  } catch {
    return {};
  }
}

function parseUrl(value: string, variable: string, protocols: string[], example: string): URL {
  // Before the parse: a value that fails to parse still has its password masked in the error.
  registerUrlSecret(value);
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
  return { url: value, host: url.hostname, port: Number(url.port || 5432), database, user: decodeURIComponent(url.username) };
}

const MONGO_EXAMPLE = 'mongodb://user:password@host:27017/recruit_db (a replica set: mongodb://user:password@h1:27017,h2:27017/recruit_db?replicaSet=rs0)';
/** scheme://[userinfo@]hosts[/[database]][?options]: MongoDB's connection string, not a WHATWG URL. */
const MONGO_URI = /^(mongodb(?:\+srv)?):\/\/(?:([^@/?#]*)@)?([^/?#]*)(?:\/([^?#]*))?(?:\?([^#]*))?$/i;
/** A host name, an IPv4 address, a bracketed IPv6 address or a percent-encoded socket path, then an optional port. */
const MONGO_HOST = /^(?:\[[0-9a-f:.]+\]|[^\s:@[\]]+)(?::(\d{1,5}))?$/i;

/**
 * A MongoDB connection string: its seed list may name several hosts (a replica set, a sharded
 * cluster's routers), which the WHATWG URL parser refuses, so it is read by MongoDB's own grammar.
 */
function parseMongo(value: string, dbOverride: string | undefined): MongoConfig {
  registerUrlSecret(value);
  const bad = (problem: string) => usageError(`MONGODB_URI ${problem}: ${maskUrl(value)}`, `use the form ${MONGO_EXAMPLE}`);
  if (!/^mongodb(\+srv)?:\/\//i.test(value)) throw usageError(`MONGODB_URI must start with mongodb:// or mongodb+srv://, got ${maskUrl(value)}`, `use the form ${MONGO_EXAMPLE}`);
  // Every "@" but the one that ends the user name and password means an unescaped character in them
  // (@ / ? #) moved the split: what follows could hold part of the password, so nothing of it is quoted.
  const afterScheme = value.slice(value.indexOf('//') + 2);
  const at = afterScheme.search(/[@/?#]/);
  if (afterScheme.includes('@') && (afterScheme[at] !== '@' || afterScheme.indexOf('@', at + 1) !== -1)) {
    throw bad('has an unescaped character in its user name or password (escape @ : / ? # as %40 %3A %2F %3F %23)');
  }
  const m = MONGO_URI.exec(value);
  if (!m) throw bad('is not a valid connection string');
  const [, scheme, , seedList, path = ''] = m;
  const hosts = seedList.split(',');
  if (!seedList) throw bad('has no host');
  hosts.forEach((host, i) => {
    // After the check above no host holds part of a password; quoted only when it is plainly a host.
    const which = /^[a-z0-9.\-[\]:]+$/i.test(host) ? `"${host}"` : `number ${i + 1} of the seed list`;
    const h = MONGO_HOST.exec(host);
    if (!h) throw bad(`has a malformed host (${which})`);
    if (h[1] !== undefined && (Number(h[1]) < 1 || Number(h[1]) > 65535)) throw bad(`has a port out of range (${which})`);
    if (h[1] !== undefined && scheme.toLowerCase() === 'mongodb+srv') throw bad('names a port, which mongodb+srv:// takes from DNS');
  });
  if (hosts.length > 1 && scheme.toLowerCase() === 'mongodb+srv') throw bad('names several hosts, but mongodb+srv:// takes one (DNS lists the rest)');
  let fromPath: string;
  try {
    fromPath = decodeURIComponent(path);
  } catch {
    throw bad('has a database name that is not valid percent-encoding');
  }
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

function parseSeconds(value: string | number | undefined, what: string, fallbackMs: number, example: string): number {
  if (value === undefined || value === '') return fallbackMs;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw usageError(`${what} must be a positive number of seconds, got "${value}"`, `pass e.g. ${example}`);
  return Math.round(seconds * 1000);
}

function parseMigrationLimits(vars: Record<string, string | undefined>): MigrationLimits {
  const d = DEFAULT_MIGRATION_LIMITS;
  return {
    lockTimeoutMs: parseMs(vars, 'RECRUIT_DB_MIGRATION_LOCK_TIMEOUT_MS', d.lockTimeoutMs, 0),
    statementTimeoutMs: parseMs(vars, 'RECRUIT_DB_MIGRATION_STATEMENT_TIMEOUT_MS', d.statementTimeoutMs, 0),
    lockRetries: parseCount(vars, 'RECRUIT_DB_MIGRATION_LOCK_RETRIES', d.lockRetries),
  };
}

function parseCount(vars: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = vars[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 100) throw usageError(`${name} must be a whole number from 0 to 100, got "${raw}"`, `e.g. ${name}=${fallback}`);
  return n;
}

/**
 * The one typed configuration object. Precedence: flags, then the process environment, then `.env`,
 * where a group of settings that belong together (SETTING_GROUPS) comes whole from one source.
 * A store whose variables are absent is left undefined; commands that need it ask `requireStore`.
 */
export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const file = readEnvFile(flags, cwd);
  registerSettings(file.vars);
  registerSettings(env);
  const vars = mergeSettings(file.vars, env);
  const targetEnv = (flags.env ?? vars.RECRUIT_DB_ENV ?? 'development') as TargetEnv;
  if (!TARGET_ENVS.includes(targetEnv)) {
    throw usageError(`RECRUIT_DB_ENV must be one of ${TARGET_ENVS.join(', ')}, got "${targetEnv}"`, 'set RECRUIT_DB_ENV or --env to one of those');
  }
  const pgUrl = flags.databaseUrl ?? vars.DATABASE_URL;
  const mongoUri = flags.mongodbUri ?? vars.MONGODB_URI;
  const seedLanes = vars.RECRUIT_DB_SEED_LANES || 'auto';
  if (seedLanes !== 'auto' && seedLanes !== 'parallel') {
    throw usageError(`RECRUIT_DB_SEED_LANES must be auto or parallel, got "${seedLanes}"`, 'set RECRUIT_DB_SEED_LANES=auto (the default) or parallel, or unset it');
  }
  return {
    env: targetEnv,
    timeoutMs: parseSeconds(flags.timeout ?? vars.RECRUIT_DB_TIMEOUT, 'timeout', DEFAULT_TIMEOUT_MS, '--timeout 5 (or RECRUIT_DB_TIMEOUT=5)'),
    uploadTimeoutMs: parseSeconds(vars.RECRUIT_DB_UPLOAD_TIMEOUT, 'RECRUIT_DB_UPLOAD_TIMEOUT', DEFAULT_UPLOAD_TIMEOUT_MS, 'RECRUIT_DB_UPLOAD_TIMEOUT=60'),
    migrations: parseMigrationLimits(vars),
    postgres: pgUrl ? parsePostgres(pgUrl) : undefined,
    // A URI given as a flag names its database itself (its path) unless --mongodb-db says otherwise.
    mongo: mongoUri ? parseMongo(mongoUri, flags.mongodbUri ? flags.mongodbDb : (flags.mongodbDb ?? vars.MONGODB_DB)) : undefined,
    s3: parseS3(vars, flags),
    locks: parseLocks(vars),
    seedLanes,
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
