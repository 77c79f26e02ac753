import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Client } from 'pg';
import type { Config, PostgresConfig } from '../../config';
import { RecruitDbError, usageError } from '../../errors';
import { ROOT } from '../../paths';
import { maskUrl } from '../../secrets';
import { fileChecksum } from '../migrator';
import type { PgProbe } from './connect';
import { literal, META_TABLE, stampEnvSql } from './meta';

/**
 * The schema snapshot: what every migration in migrations/ produces on an empty database, as one
 * SQL script (a pg_dump of a database migrated one migration at a time), committed beside them.
 *
 * Why: a fresh database (a developer's first `migrate`, every CI database) would otherwise run 21
 * migrations one by one, each its own transaction and its own catalog reads, which costs about
 * twice what the server needs to create the same schema. Loading the snapshot is one transaction
 * and no migration code at all (knex is not even loaded); the bookkeeping rows are the ones the
 * one-by-one run writes, so `status`, `rollback` and the next `migrate` cannot tell the difference.
 *
 * It is used only when it provably stands for the migrations at hand: the same files (checksums),
 * the same server major version, the same optional extensions available and none installed yet
 * (0001 creates and marks them only then), schema `public`, every migration pending, and no
 * custom migrations folder. Anything else, or any error while loading it (an object that already
 * exists, a refused extension), rolls it back and the migrations run one by one as always.
 */
export const SNAPSHOT_FILE = join(ROOT, 'migrations', 'snapshot.sql');
const HEADER_TAG = '-- recruit-db-snapshot: ';
/** Bookkeeping the migrator writes itself (the stamp is not created by a migration: see meta.ts). */
const NOT_IN_SNAPSHOT = [META_TABLE];
/** The tables whose rows are bookkeeping, not part of the schema: the snapshot holds their shape only. */
const BOOKKEEPING_DATA = ['knex_migrations', 'knex_migrations_lock', 'recruit_db_migration_checksums'];

export interface SnapshotHeader {
  format: 1;
  serverMajor: number;
  /** The optional extensions the server offered (0001 installs those). */
  extensions: string[];
  /** Every migration, in order, with the checksum of its file. */
  migrations: Array<[name: string, checksum: string]>;
}

export interface Snapshot {
  header: SnapshotHeader;
  sql: string;
}

/** The extensions 0001 installs when offered; the snapshot holds their marked CREATE EXTENSION. */
export const OPTIONAL_EXTENSIONS = ['btree_gist', 'vector'];

export function readSnapshot(path = SNAPSHOT_FILE): Snapshot | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  const at = text.indexOf(HEADER_TAG);
  if (at < 0) return undefined;
  const end = text.indexOf('\n', at);
  try {
    return { header: JSON.parse(text.slice(at + HEADER_TAG.length, end)) as SnapshotHeader, sql: text.slice(end + 1) };
  } catch {
    return undefined;
  }
}

/** Why the snapshot cannot stand for these migration files, or undefined when it can. */
export function snapshotMismatch(snap: Snapshot, files: Array<{ name: string; sourcePath: string }>): string | undefined {
  const h = snap.header;
  if (h.format !== 1) return `snapshot format ${h.format} is not known`;
  if (h.migrations.length !== files.length) return `it holds ${h.migrations.length} migrations, migrations/ has ${files.length}`;
  for (let i = 0; i < files.length; i++) {
    const [name, sum] = h.migrations[i];
    if (name !== files[i].name) return `its migration ${i + 1} is ${name}, migrations/ has ${files[i].name}`;
    if (sum !== fileChecksum(files[i].sourcePath)) return `${name} changed since it was made`;
  }
  return undefined;
}

/** Why the snapshot cannot stand for the migrations on this server (its probe), or undefined when it can. */
export function serverMismatch(snap: Snapshot, probe: PgProbe): string | undefined {
  const h = snap.header;
  const major = Math.floor(probe.versionNum / 10000);
  if (h.serverMajor !== major) return `made on PostgreSQL ${h.serverMajor}, the server is ${major}`;
  const offered = OPTIONAL_EXTENSIONS.filter((e) => e in probe.available);
  if (offered.join(',') !== [...h.extensions].sort().join(',')) return `made with [${h.extensions.join(', ')}] offered, the server offers [${offered.join(', ')}]`;
  return undefined;
}

/**
 * The preconditions the database itself must meet: schema public (pg_dump names objects
 * schema-qualified), and none of the optional extensions installed (a migration would leave an
 * extension it did not create unmarked; the snapshot would mark it). Read in one round trip.
 */
export async function databaseAllowsSnapshot(client: Client): Promise<string | undefined> {
  const r = await client.query<{ schema: string; ext: string[] | null }>(
    `SELECT current_schema() AS schema, (SELECT array_agg(extname::text) FROM pg_extension WHERE extname = ANY($1)) AS ext`,
    [OPTIONAL_EXTENSIONS],
  );
  const { schema, ext } = r.rows[0];
  if (schema !== 'public') return `the current schema is ${schema}, the snapshot is for public`;
  if (ext?.length) return `extension(s) ${ext.join(', ')} already installed`;
  return undefined;
}

export interface LoadRows {
  /** Every migration, in order, and its file's checksum. */
  migrations: Array<[name: string, checksum: string]>;
  runId: string;
  env: string;
  lockTimeoutMs: number;
  statementTimeoutMs: number;
}

/**
 * The snapshot and the rows a one-by-one run would leave (knex's, ours, the stamp, knex's lock row
 * free) as one script for one transaction: a single round trip, all or nothing.
 */
export function snapshotScript(snap: Snapshot, rows: LoadRows): string {
  const values = rows.migrations.map(([name]) => `(${literal(name)}, 1, now())`).join(', ');
  const sums = rows.migrations.map(([name, sum]) => `(${literal(name)}, ${literal(sum)})`).join(', ');
  return [
    'BEGIN',
    `SET LOCAL lock_timeout = ${rows.lockTimeoutMs}`,
    `SET LOCAL statement_timeout = ${rows.statementTimeoutMs}`,
    snap.sql.trimEnd().replace(/;$/, ''),
    // pg_dump empties search_path for its script; the rows below name tables as the migrator does.
    `SELECT pg_catalog.set_config('search_path', 'public', true)`,
    `INSERT INTO knex_migrations_lock (is_locked) VALUES (0)`,
    `INSERT INTO knex_migrations (name, batch, migration_time) VALUES ${values}`,
    `INSERT INTO recruit_db_migration_checksums (name, checksum, recorded_at, knex_id, run_id)
       SELECT k.name, v.checksum, now(), k.id, ${literal(rows.runId)} FROM knex_migrations k JOIN (VALUES ${sums}) AS v(name, checksum) USING (name)`,
    stampEnvSql(rows.env),
    'COMMIT',
  ].join(';\n');
}

// ------------------------------------------------------------------------------------- writing

// child_process is required here, not at the top: every `migrate` loads this module, only
// `schema snapshot` runs pg_dump, and loading it (with dgram and the rest) is ~4 ms of a no-op migrate.
const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv) =>
  new Promise<string>((resolve, reject) =>
    (require('node:child_process') as typeof import('node:child_process')).execFile(cmd, args, { env, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => (err ? reject(Object.assign(err, { stderr })) : resolve(stdout))),
  );

/**
 * pg_dump's plain script, made fit for one transaction on a session that goes on afterwards: its
 * session settings become SET LOCAL (its timeouts are dropped: the migrator sets its own), and
 * psql's meta-commands (\restrict) and comments go.
 */
export function transactionScript(dump: string): string {
  const out: string[] = [];
  for (const line of dump.split('\n')) {
    if (line.startsWith('\\') || line.startsWith('--') || !line.trim()) continue;
    if (/^SET (statement_timeout|lock_timeout|idle_in_transaction_session_timeout|transaction_timeout) /.test(line)) continue;
    if (line.startsWith('SET ')) out.push(line.replace(/^SET /, 'SET LOCAL '));
    else out.push(line.replace(/^SELECT pg_catalog\.set_config\('search_path', '', false\);$/, "SELECT pg_catalog.set_config('search_path', '', true);"));
  }
  return `${out.join('\n')}\n`;
}

/** pg_dump of a freshly migrated database: its schema, and the rows its migrations inserted. */
async function dumpDatabase(pg: PostgresConfig): Promise<string> {
  const url = new URL(pg.url);
  // The password goes through the environment, never argv (visible to every user in ps).
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(url.password) };
  url.password = '';
  const common = ['--no-owner', '--no-privileges', '--no-tablespaces', ...NOT_IN_SNAPSHOT.map((t) => `--exclude-table=${t}`), '--dbname', url.toString()];
  try {
    const schema = await run('pg_dump', ['--schema-only', ...common], env);
    const data = await run('pg_dump', ['--data-only', '--inserts', ...BOOKKEEPING_DATA.map((t) => `--exclude-table-data=${t}*`), ...common], env);
    return `${transactionScript(schema)}${transactionScript(data)}`;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    throw new RecruitDbError({
      code: 'pg-dump',
      store: 'postgres',
      message: e.code === 'ENOENT' ? 'pg_dump is not installed' : `pg_dump of ${maskUrl(pg.url)} failed: ${(e.stderr ?? e.message).split('\n')[0]}`,
      hint: e.code === 'ENOENT' ? 'install the PostgreSQL client (Debian: postgresql-client-15), the major version of the server' : 'check the server and the role, then run it again',
      cause: err,
    });
  }
}

export interface SnapshotResult {
  file: string;
  changed: boolean;
  written: boolean;
  header: SnapshotHeader;
  bytes: number;
}

/**
 * `recruit-db schema snapshot`: migrates a scratch database on the configured server one migration
 * at a time, dumps it, and writes (or, with check, compares) migrations/snapshot.sql.
 */
export async function writeSnapshot(config: Config, opts: { check?: boolean } = {}): Promise<SnapshotResult> {
  if (config.env === 'production') {
    throw usageError('refusing to make a schema snapshot against production: it creates and drops a scratch database', 'run it against a development or CI server (RECRUIT_DB_ENV=development or test)');
  }
  const { withScratchDatabase } = await import('../../verify/pglite');
  const { listMigrationFiles } = await import('./migrate');
  const { connectPg, probePg } = await import('./connect');
  const files = listMigrationFiles();
  return withScratchDatabase(config, `recruit_db_snapshot_${Date.now().toString(36)}`, async (pg) => {
    const { openMigrator } = await import('../migrator');
    const m = await openMigrator('postgres', { ...config, postgres: pg });
    try {
      await m.up({ oneByOne: true });
    } finally {
      await m.close();
    }
    const client = await connectPg(pg, config.timeoutMs);
    let probe: PgProbe;
    try {
      probe = await probePg(client);
    } finally {
      await client.end().catch(() => undefined);
    }
    const header: SnapshotHeader = {
      format: 1,
      serverMajor: Math.floor(probe.versionNum / 10000),
      extensions: OPTIONAL_EXTENSIONS.filter((e) => e in probe.available),
      migrations: files.map((f) => [f.name, fileChecksum(f.sourcePath)]),
    };
    const text = [
      '-- recruit-db schema snapshot: what migrations/ produce on an empty PostgreSQL database, in one script.',
      '-- Written by `recruit-db schema snapshot` (a pg_dump of a database migrated one migration at a time); do not edit.',
      '-- `migrate` loads it in one transaction on an empty database when the header matches the migrations and the server;',
      '-- otherwise it runs the migrations one by one. `recruit-db schema snapshot --check` fails when it is stale.',
      `${HEADER_TAG}${JSON.stringify(header)}`,
      await dumpDatabase(pg),
    ].join('\n');
    const before = existsSync(SNAPSHOT_FILE) ? readFileSync(SNAPSHOT_FILE, 'utf8') : '';
    const changed = before !== text;
    if (changed && !opts.check) writeFileSync(SNAPSHOT_FILE, text);
    return { file: relative(ROOT, SNAPSHOT_FILE), changed, written: changed && !opts.check, header, bytes: Buffer.byteLength(text) };
  });
}
