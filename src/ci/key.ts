import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { isCodeCacheFile } from '../codecache';
import type { Config } from '../config';
import type { StoreName } from '../errors';
import { packageVersion, ROOT } from '../paths';
import { listMigrationFiles, migrationsDirs } from '../stores/postgres/migrate';
import { envDir } from './envfile';

/**
 * What a template is keyed by. Everything that decides its content goes in: the migration files the
 * migrators will run (both stores, wherever RECRUIT_DB_*MIGRATIONS_DIR point), the S3 layout's inputs,
 * the seed, profile and as-of, the summary, the servers, and recruit-db itself — its version, the bytes
 * of its own code (sources and compiled copies) and the versions of the libraries that write data
 * (pgtestdb's lesson: a cached template must never hide a changed migrator or seeder).
 *
 * The lineage is the same minus the files: templates of one lineage replace each other as the code and
 * migrations change, so gc knows a template of the same lineage but another key is stale.
 *
 * Only the filesystem and crypto are used: `ci acquire` computes this on every call and loads no driver
 * beyond pg (which listMigrationFiles' module pulls in, and which acquire needs anyway).
 */

export interface SeedSpec {
  profile: string;
  seed: string;
  /** The day the data is as of (YYYY-MM-DD); absent means the seeder's default, the current UTC day. */
  asOf?: string;
}

export interface TemplateSpec {
  pool: string;
  stores: StoreName[];
  /** false: migrated only (no seed data). */
  seed: SeedSpec | false;
  /** Verify against this summary file instead of the shipped manifest. */
  summaryPath?: string;
}

export interface TemplateKey {
  /** sha256 hex of every input. */
  key: string;
  /** First 10 hex digits: names the template's objects. */
  short: string;
  lineage: string;
  inputs: KeyInputs;
}

export interface KeyInputs {
  pool: string;
  stores: StoreName[];
  env: string;
  seed: SeedSpec | false;
  summary: { path: string; sha256: string } | 'shipped manifest';
  servers: Partial<Record<StoreName, string>>;
  /** The S3 settings but the bucket name, the endpoint (in servers) and the credentials. */
  s3Layout?: Record<string, unknown>;
  tool: { version: string; code: string; libraries: Record<string, string> };
  migrations: Partial<Record<'postgres' | 'mongo', string>>;
}

/** Code whose change can change what a template holds. The CLI only parses and renders; it is left out. */
const CODE_ROOTS = ['src', 'seeds', 's3-layout'];
const SKIP_DIRS = new Set([join('src', 'cli')]);
/**
 * Type declarations, source maps, build bookkeeping and V8 code caches (written beside the modules
 * by the first run that lacks one, src/codecache.ts) change nothing that runs.
 */
const skipFile = (name: string): boolean => /(\.d\.ts|\.map|\.tsbuildinfo)$/.test(name) || isCodeCacheFile(name);
/** Libraries that write or generate the content. */
const LIBRARIES = ['knex', 'pg', 'pg-copy-streams', 'mongodb', 'migrate-mongo', '@aws-sdk/client-s3', '@faker-js/faker'];

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * sha256 of files, remembered across processes by inode, size, mtime and ctime: the kernel moves ctime
 * on every write and no tool sets it back, so the same four mean the same bytes. A key reads ~250
 * files; `ci acquire` computes one per call, and a stat costs a fraction of a read and a hash.
 * File times tick coarsely (a few ms), so two writes in one tick can share them: as git does with
 * "racily clean" entries, a file changed in the last two seconds is read every time, never remembered.
 */
const RACY_MS = 2000;

export class FileHashes {
  private readonly known: Record<string, [string, string]> = {};
  private changed = false;

  constructor(
    private readonly store: string,
    private readonly now: () => number = Date.now,
  ) {
    try {
      Object.assign(this.known, JSON.parse(readFileSync(store, 'utf8')));
    } catch {
      // No cache yet (or a broken one): every file is read.
    }
  }

  of(path: string): string {
    const st = statSync(path);
    const stamp = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
    const hit = this.known[path];
    if (hit && hit[0] === stamp) return hit[1];
    const hash = sha256(readFileSync(path));
    if (this.now() - Math.max(st.mtimeMs, st.ctimeMs) > RACY_MS) {
      this.known[path] = [stamp, hash];
      this.changed = true;
    }
    return hash;
  }

  save(): void {
    if (!this.changed) return;
    try {
      mkdirSync(dirname(this.store), { recursive: true, mode: 0o700 });
      const tmp = `${this.store}.${process.pid}`;
      writeFileSync(tmp, JSON.stringify(this.known), { mode: 0o600 });
      renameSync(tmp, this.store);
      this.changed = false;
    } catch {
      // A cache that cannot be written only costs the next call its reads.
    }
  }
}

const fileHashes = (root: string) => new FileHashes(join(envDir(), `file-hashes-${sha256(root).slice(0, 12)}.json`));

function walk(dir: string, rel: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const r = join(rel, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(r)) walk(join(dir, entry.name), r, out);
    } else if (entry.isFile() && !skipFile(entry.name)) {
      out.push(r);
    }
  }
}

/** sha256 over "path sha256" lines of the tool's own code, sources and compiled copies both. */
export function codeHash(root = ROOT, hashes = fileHashes(root)): string {
  const lines: string[] = [];
  for (const base of ['', 'dist']) {
    for (const top of CODE_ROOTS) {
      const files: string[] = [];
      walk(join(root, base, top), top, files);
      for (const f of files.sort()) lines.push(`${join(base, f)} ${hashes.of(join(root, base, f))}`);
    }
  }
  hashes.save();
  return sha256(lines.join('\n'));
}

/** A library's installed version, found the way Node would (walking up node_modules folders). */
function installedVersion(name: string, from = ROOT): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(pkg)) return String(JSON.parse(readFileSync(pkg, 'utf8')).version);
    if (dirname(dir) === dir) return 'not installed';
  }
}

/**
 * Where migrate-mongo loads the MongoDB scripts from: the rule of mmconfig.mongoMigrationsDir, which
 * cannot be imported here without loading the MongoDB driver. tests/unit/ci-key.test.ts keeps the two equal.
 */
export function mongoScriptsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.RECRUIT_DB_MONGO_MIGRATIONS_DIR || join(ROOT, 'dist', 'mongo-migrations');
}

/**
 * Each migration's source and, for the shipped folder, its compiled copy too, whichever of them this
 * process would load: a stale build must not pass for the edited source, and the CLI (compiled) and a
 * test runner (TypeScript) compute the same key.
 */
function pgMigrationsHash(hashes: FileHashes): string {
  const { custom, source } = migrationsDirs();
  const files = listMigrationFiles();
  const lines = files.map((f) => {
    const paths = new Set([f.sourcePath, f.loadPath]);
    if (!custom) paths.add(join(ROOT, 'dist', 'migrations', `${f.stem}.js`));
    // Named by file name and extension only: the same files in another folder are the same template.
    return `${f.name} ${[...paths].filter((p) => existsSync(p)).map((p) => `${extname(p)}=${hashes.of(p)}`).sort().join(' ')}`;
  });
  // Whatever else the folder holds (a committed expected shape verify compares with) counts too.
  const migrations = new Set(files.map((f) => f.sourcePath));
  for (const f of otherFiles(source, migrations)) lines.push(`${f} ${hashes.of(join(source, f))}`);
  return sha256(lines.join('\n'));
}

function mongoMigrationsHash(env: NodeJS.ProcessEnv, hashes: FileHashes): string {
  const dir = mongoScriptsDir(env);
  const lines: string[] = [];
  const dirs = [dir];
  // With the default folder, the TypeScript sources count too (a stale build must not hide an edit).
  if (!env.RECRUIT_DB_MONGO_MIGRATIONS_DIR) dirs.push(join(ROOT, 'mongo-migrations'));
  for (const d of dirs) {
    if (!existsSync(d) || !statSync(d).isDirectory()) {
      lines.push(`${d} missing`);
      continue;
    }
    for (const f of otherFiles(d, new Set())) lines.push(`${f} ${hashes.of(join(d, f))}`);
  }
  return sha256(lines.join('\n'));
}

/** The regular files of a folder, by name, except `skip` (full paths) and what skipFile leaves out. */
function otherFiles(dir: string, skip: Set<string>): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && !skipFile(e.name) && !skip.has(join(dir, e.name)))
    .map((e) => e.name)
    .sort();
}

function hostsOfMongo(uri: string): string {
  return /^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?([^/?]+)/.exec(uri)?.[1] ?? uri;
}

/** The servers a template lives on, without credentials. */
function servers(config: Config, stores: StoreName[]): Partial<Record<StoreName, string>> {
  const out: Partial<Record<StoreName, string>> = {};
  if (stores.includes('postgres') && config.postgres) out.postgres = `${config.postgres.host}:${config.postgres.port}`;
  if (stores.includes('mongo') && config.mongo) out.mongo = hostsOfMongo(config.mongo.uri);
  if (stores.includes('s3') && config.s3) out.s3 = config.s3.endpoint ?? `aws:${config.s3.region}`;
  return out;
}

/**
 * Every S3 setting decides what the bootstrap writes (region, CORS origins, encryption...), so all of
 * them go in — also ones added after this was written — but the bucket name, the endpoint (a server)
 * and the credentials.
 */
function s3Layout(s3: NonNullable<Config['s3']>): Record<string, unknown> {
  const { bucket: _b, endpoint: _e, accessKeyId: _a, secretAccessKey: _s, sessionToken: _t, ...layout } = s3;
  return Object.fromEntries(Object.entries(layout).sort(([a], [b]) => a.localeCompare(b)));
}

export function templateKey(config: Config, spec: TemplateSpec, env: NodeJS.ProcessEnv = process.env, now: number = Date.now()): TemplateKey {
  const stores = [...spec.stores];
  // A default as-of is today's UTC day (seeds/core parseAsOf): yesterday's template holds other data, so
  // the day goes into the key (and the build seeds with it), not the lineage (it replaces yesterday's).
  const seed: SeedSpec | false = spec.seed && !spec.seed.asOf ? { ...spec.seed, asOf: new Date(now).toISOString().slice(0, 10) } : spec.seed;
  const lineageInputs = {
    pool: spec.pool,
    stores,
    env: config.env,
    seed: spec.seed,
    summaryPath: spec.summaryPath ?? null,
    servers: servers(config, stores),
    s3Layout: stores.includes('s3') && config.s3 ? s3Layout(config.s3) : undefined,
  };
  const hashes = fileHashes(ROOT);
  const migrations: KeyInputs['migrations'] = {};
  if (stores.includes('postgres')) migrations.postgres = pgMigrationsHash(hashes);
  if (stores.includes('mongo')) migrations.mongo = mongoMigrationsHash(env, hashes);
  const inputs: KeyInputs = {
    pool: spec.pool,
    stores,
    env: config.env,
    seed,
    summary: spec.summaryPath ? { path: spec.summaryPath, sha256: sha256(readFileSync(spec.summaryPath)) } : 'shipped manifest',
    servers: lineageInputs.servers,
    s3Layout: lineageInputs.s3Layout,
    tool: { version: packageVersion(), code: codeHash(ROOT, hashes), libraries: Object.fromEntries(LIBRARIES.map((l) => [l, installedVersion(l)])) },
    migrations,
  };
  const key = sha256(JSON.stringify(inputs));
  return { key, short: key.slice(0, 10), lineage: sha256(JSON.stringify(lineageInputs)), inputs };
}
