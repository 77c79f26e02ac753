import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Client } from 'pg';
import type { Knex } from 'knex';
import { migrationLimits, requireStore, type Config, type PostgresConfig } from '../../config';
import { EXIT, RecruitDbError, usageError } from '../../errors';
import { codeDir, COMPILED, ROOT } from '../../paths';
import type { OnProgress } from '../../progress';
import { maskUrl } from '../../secrets';
import { refuseProduction, type StoreMeta } from '../meta';
import {
  changedMigrationError,
  fileChecksum,
  planAndApply,
  runStartedAt,
  selectForDown,
  type DownOptions,
  type MigrateResult,
  type MigrationEntry,
  type MigrationStatus,
  type RunContext,
  type RunInfo,
  type StoreMigrator,
  type StorePlan,
  type UpOptions,
} from '../migrator';
import type { Capability } from '../shapes';
import { connectPg, isConnectionLoss, pgClientConfig, pgError, PROBE_COLUMNS, probeOf, probePg, type PgProbe, type ProbeRow } from './connect';
import { acquireAdvisoryLock, MIGRATE_LOCK_KEY, releaseAdvisoryLock } from './lock';
import { META_TABLE, readPgMeta, stampEnvSql } from './meta';

/** For tests and advanced use: run the migrations of another folder (.js files, or .ts under a TS loader). */
export const MIGRATIONS_DIR_ENV = 'RECRUIT_DB_MIGRATIONS_DIR';
/** knex's own bookkeeping table, shared with the plain `knex` CLI. */
export const KNEX_TABLE = 'knex_migrations';
/**
 * What recruit-db records about each applied migration beside knex's row: the checksum of its
 * file, the knex_migrations row it belongs to (a row knex re-created since makes it stale), and the
 * `migrate` run that applied it.
 */
export const CHECKSUM_TABLE = 'recruit_db_migration_checksums';
export { MIGRATE_LOCK_KEY as ADVISORY_LOCK_KEY };
/** What the migrator itself writes during a run: never locked or counted as schema (see lockEmptyTables). */
const BOOKKEEPING_TABLES = [KNEX_TABLE, `${KNEX_TABLE}_lock`, CHECKSUM_TABLE, META_TABLE];
/**
 * The application_name of the connections that run migration code. While we hold the advisory
 * lock, any other busy session with this name belongs to a run whose process died (its lock session
 * ended with it), so it is safe to terminate.
 */
const WORKER_APP = 'recruit-db:migrate';
const LOCK_NOT_AVAILABLE = '55P03';

export interface MigrationFile {
  /**
   * The name recorded in knex_migrations: always `<stem>.ts`, which is what the plain knex CLI records
   * for migrations/*.ts, so both tools agree whether recruit-db ran the compiled .js or not.
   */
  name: string;
  stem: string;
  /** The module loaded: dist/migrations/<stem>.js when compiled, the .ts under a TypeScript loader. */
  loadPath: string;
  /** The file the checksum covers: the .ts source if there is one, else the .js. */
  sourcePath: string;
  /** Its checksum when it was read ahead, while the connection opened (openPostgresMigrator). */
  checksum?: string;
}

interface MigrationModule {
  up: (knex: Knex) => Promise<unknown>;
  down: (knex: Knex) => Promise<unknown>;
  config?: { transaction?: boolean };
}

interface AppliedRow {
  id: number;
  name: string;
  batch: number;
  migration_time: Date;
}

interface ChecksumRow {
  name: string;
  checksum: string;
  recorded_at: Date;
  knex_id: number | null;
  run_id: string | null;
}

const MIGRATION_FILE = /^([^.].*)\.(ts|js)$/;

export function stemOf(name: string): string {
  return name.replace(/\.(ts|js|cjs|mjs)$/, '');
}

export function canonicalName(name: string): string {
  return `${stemOf(name)}.ts`;
}

/** Where migrations are read from: `override`, then RECRUIT_DB_MIGRATIONS_DIR, then migrations/. */
export function migrationsDirs(override?: string): { source: string; code: string; custom: boolean } {
  const custom = override ?? process.env[MIGRATIONS_DIR_ENV];
  if (custom) {
    const dir = resolve(custom);
    return { source: dir, code: dir, custom: true };
  }
  return { source: join(ROOT, 'migrations'), code: codeDir('migrations'), custom: false };
}

/** The migrations, sorted by name (the 4-digit prefix orders them). */
export function listMigrationFiles(override?: string): MigrationFile[] {
  const dirs = migrationsDirs(override);
  const found = new Map<string, { ts?: string; js?: string }>();
  const scan = (dir: string) => {
    for (const file of readdirSync(dir).sort()) {
      const m = MIGRATION_FILE.exec(file);
      if (!m || file.endsWith('.d.ts')) continue;
      const entry = found.get(m[1]) ?? {};
      entry[m[2] as 'ts' | 'js'] = join(dir, file);
      found.set(m[1], entry);
    }
  };
  if (existsSync(dirs.source)) scan(dirs.source);
  else if (dirs.code !== dirs.source && existsSync(dirs.code)) scan(dirs.code);
  else if (dirs.custom) throw usageError(`migrations folder ${dirs.source} does not exist`, `fix ${MIGRATIONS_DIR_ENV} or --migrations-dir`);
  const canLoadTs = !COMPILED || Boolean(require.extensions['.ts']);
  return [...found.keys()].sort().map((stem) => {
    const { ts, js } = found.get(stem)!;
    const loadPath = !dirs.custom && COMPILED ? join(dirs.code, `${stem}.js`) : canLoadTs && ts ? ts : (js ?? ts!);
    return { name: `${stem}.ts`, stem, loadPath, sourcePath: ts ?? js! };
  });
}

const checksumOf = (file: MigrationFile) => file.checksum ?? fileChecksum(file.sourcePath);

const loaded = new Map<string, MigrationModule>();

/** Loads and checks one migration module: a file that cannot run is refused before anything is written. */
async function loadMigration(file: MigrationFile): Promise<MigrationModule> {
  const cached = loaded.get(file.loadPath);
  if (cached) return cached;
  if (!existsSync(file.loadPath)) {
    throw new RecruitDbError({
      code: 'not-built',
      store: 'postgres',
      message: `migration ${file.name} has no compiled file ${file.loadPath}`,
      hint: 'run `npm run build` so dist/ holds every migration',
      exitCode: EXIT.DRIFT,
    });
  }
  if (file.loadPath.endsWith('.ts') && COMPILED && !require.extensions['.ts']) {
    throw usageError(
      `migration ${file.loadPath} is TypeScript, and the compiled recruit-db runs JavaScript`,
      `put .js migrations in ${MIGRATIONS_DIR_ENV} / --migrations-dir, or compile them first`,
    );
  }
  let mod: Partial<MigrationModule> & { default?: Partial<MigrationModule> };
  try {
    mod = await import(file.loadPath);
  } catch (err) {
    throw new RecruitDbError({
      code: 'migration-load',
      store: 'postgres',
      message: `cannot load migration ${file.name}: ${firstLine((err as Error).message)}; nothing was changed`,
      hint: `fix ${file.sourcePath}`,
      exitCode: EXIT.DRIFT,
      cause: err,
    });
  }
  const m = typeof mod.up === 'function' ? mod : (mod.default ?? {});
  if (typeof m.up !== 'function' || typeof m.down !== 'function') {
    throw new RecruitDbError({
      code: 'migration-invalid',
      store: 'postgres',
      message: `migration ${file.name} does not export both up and down functions; nothing was changed`,
      hint: `export async function up(knex) and down(knex) from ${file.sourcePath}`,
      exitCode: EXIT.DRIFT,
    });
  }
  loaded.set(file.loadPath, m as MigrationModule);
  return m as MigrationModule;
}

/** knex's migrator reads our list, so both tools share knex_migrations and its names. */
class RecruitDbMigrationSource implements Knex.MigrationSource<MigrationFile> {
  constructor(private readonly files: MigrationFile[]) {}
  async getMigrations(): Promise<MigrationFile[]> {
    return this.files;
  }
  getMigrationName(file: MigrationFile): string {
    return file.name;
  }
  async getMigration(file: MigrationFile): Promise<Knex.Migration> {
    return loadMigration(file);
  }
}

function firstLine(s: string | undefined): string {
  return (s ?? '').split('\n')[0].trim();
}

const silentLog = { warn: () => undefined, error: () => undefined, deprecate: () => undefined, debug: () => undefined, log: () => undefined };

interface DbState {
  applied: AppliedRow[];
  checksums: Map<string, ChecksumRow>;
  knexLocked: boolean;
  hasKnexTable: boolean;
  hasKnexLockTable: boolean;
  hasChecksumTable: boolean;
  /** The checksum table has its knex_id and run_id columns (added after the first release). */
  hasChecksumIds: boolean;
  /** recruit_db_meta records the environment this database was bootstrapped for. */
  hasEnvStamp: boolean;
}

type StateRead = 'applied' | 'checksums' | 'locked' | 'stamp' | 'probe';

const STATE_READS: Record<StateRead, (hasIds: boolean) => string> = {
  applied: () => `SELECT id, name, batch, migration_time FROM ${KNEX_TABLE} ORDER BY id`,
  // A checksum table from before knex_id/run_id existed: those columns read as NULL.
  checksums: (hasIds) => `SELECT name, checksum, recorded_at, ${hasIds ? 'knex_id, run_id' : 'NULL::int AS knex_id, NULL::text AS run_id'} FROM ${CHECKSUM_TABLE}`,
  locked: () => `SELECT 1 FROM ${KNEX_TABLE}_lock WHERE is_locked = 1`,
  stamp: () => `SELECT 1 FROM ${META_TABLE} WHERE key = 'environment'`,
  probe: () => `SELECT ${PROBE_COLUMNS}`,
};

/** undefined_table, undefined_column: the bookkeeping is not all there (yet), or from before its last change. */
const NOT_ALL_THERE = new Set(['42P01', '42703']);

/**
 * One round trip on a database recruit-db has migrated: every bookkeeping read (and, with
 * `withProbe`, the server's version and extensions) as one multi-statement query that assumes all
 * of its tables exist. Where one does not (a new database, one migrated by the plain knex CLI, a
 * checksum table from the first release), the server stops the batch at the first read that names
 * it (every statement is a read, so nothing is changed), and the state is read in two: which
 * tables exist, then the reads of those that do.
 */
async function readState(client: Client, withProbe = false): Promise<DbState & { probe?: PgProbe }> {
  const all: StateRead[] = ['applied', 'checksums', 'locked', 'stamp', ...(withProbe ? (['probe'] as const) : [])];
  try {
    return stateOf(await readMany(client, all, true), { m: true, c: true, l: true, k: true });
  } catch (err) {
    if (!NOT_ALL_THERE.has((err as { code?: string }).code ?? '')) throw err;
  }
  // The column probe reads pg_attribute: information_schema.columns is a view PostgreSQL plans at
  // several milliseconds on a fresh connection.
  const exists = await client.query<{ m: boolean; c: boolean; l: boolean; k: boolean; e: boolean }>(
    `SELECT to_regclass($1) IS NOT NULL AS m, to_regclass($2) IS NOT NULL AS c, to_regclass($3) IS NOT NULL AS l,
            (SELECT count(*) = 2 FROM pg_attribute WHERE attrelid = to_regclass($2) AND attname IN ('knex_id', 'run_id') AND NOT attisdropped) AS k,
            to_regclass($4) IS NOT NULL AS e`,
    [KNEX_TABLE, CHECKSUM_TABLE, `${KNEX_TABLE}_lock`, META_TABLE],
  );
  const found = exists.rows[0];
  const present: Record<StateRead, boolean> = { applied: found.m, checksums: found.c, locked: found.l, stamp: found.e, probe: withProbe };
  const reads = all.filter((r) => present[r]);
  return stateOf(await readMany(client, reads, found.k), found);
}

async function readMany(client: Client, reads: StateRead[], hasIds: boolean): Promise<Partial<Record<StateRead, unknown[]>>> {
  if (!reads.length) return {};
  const answer: unknown = await client.query(reads.map((r) => STATE_READS[r](hasIds)).join(';\n'));
  // pg answers one statement with a result, several with an array of results.
  const results = (Array.isArray(answer) ? answer : [answer]) as { rows: unknown[] }[];
  return Object.fromEntries(reads.map((key, i) => [key, results[i].rows]));
}

function stateOf(rows: Partial<Record<StateRead, unknown[]>>, found: { m: boolean; c: boolean; l: boolean; k: boolean }): DbState & { probe?: PgProbe } {
  const checksums = new Map<string, ChecksumRow>();
  for (const r of (rows.checksums ?? []) as ChecksumRow[]) checksums.set(r.name, r);
  return {
    applied: (rows.applied ?? []) as AppliedRow[],
    checksums,
    knexLocked: (rows.locked ?? []).length > 0,
    hasKnexTable: found.m,
    hasKnexLockTable: found.l,
    hasChecksumTable: found.c,
    hasChecksumIds: found.c && found.k,
    hasEnvStamp: (rows.stamp ?? []).length > 0,
    probe: rows.probe ? probeOf((rows.probe as ProbeRow[])[0]) : undefined,
  };
}

/**
 * Whether a checksum row belongs to the knex_migrations row applied now. The plain knex CLI can
 * roll a migration back and apply it again (edited) without touching our table: the row it makes
 * is a new one (a new id, a later migration_time), so the old checksum says nothing about it.
 */
function checksumCurrent(row: AppliedRow, sum: ChecksumRow): boolean {
  if (sum.knex_id !== null) return sum.knex_id === row.id;
  // Rows recorded before knex_id: recruit-db writes both rows in one transaction (same now()),
  // and adopts a checksum later, never earlier, than the row it belongs to.
  return new Date(sum.recorded_at).getTime() >= new Date(row.migration_time).getTime();
}

/**
 * Whether a run with nothing pending would write nothing either: every bookkeeping table in its
 * current form, the environment stamped, knex's lock row clear, every applied migration known, with
 * its current checksum, under its canonical name. Anything else is repaired under the lock.
 */
function settled(state: DbState, c: Classified): boolean {
  return (
    state.hasKnexTable &&
    state.hasKnexLockTable &&
    state.hasChecksumTable &&
    state.hasChecksumIds &&
    state.hasEnvStamp &&
    !state.knexLocked &&
    !c.pending.length &&
    !c.changed.length &&
    !c.unchecked.length &&
    !c.missing.length &&
    state.applied.every((r) => canonicalName(r.name) === r.name)
  );
}

const pseudoRunId = (batch: number) => `knex-batch-${batch}`;

interface Classified {
  entries: MigrationEntry[];
  pending: MigrationFile[];
  changed: MigrationFile[];
  /** Applied by a tool that recorded no checksum (the plain knex CLI): adopted on the next run. */
  unchecked: MigrationFile[];
  missing: string[];
  applied: Map<string, AppliedRow>;
  /** Applied migrations, oldest first, with the run that applied them. */
  appliedAsc: { name: string; runId: string; at: string }[];
}

function classify(files: MigrationFile[], state: DbState): Classified {
  const applied = new Map<string, AppliedRow>();
  for (const row of state.applied) applied.set(canonicalName(row.name), row);
  const known = new Set(files.map((f) => f.name));
  const out: Classified = { entries: [], pending: [], changed: [], unchecked: [], missing: [], applied, appliedAsc: [] };
  const runOf = (name: string, row: AppliedRow) => {
    const sum = state.checksums.get(name);
    return sum?.run_id && checksumCurrent(row, sum) ? sum.run_id : pseudoRunId(row.batch);
  };
  for (const f of files) {
    const row = applied.get(f.name);
    if (!row) {
      out.pending.push(f);
      out.entries.push({ name: f.name, state: 'pending' });
      continue;
    }
    const sum = state.checksums.get(f.name);
    let st: MigrationEntry['state'] = 'applied';
    if (!sum || !checksumCurrent(row, sum)) out.unchecked.push(f);
    else if (sum.checksum !== checksumOf(f)) {
      st = 'changed';
      out.changed.push(f);
    }
    out.entries.push({ name: f.name, state: st, appliedAt: new Date(row.migration_time).toISOString(), batch: row.batch, runId: runOf(f.name, row) });
  }
  for (const row of state.applied) {
    const name = canonicalName(row.name);
    out.appliedAsc.push({ name, runId: runOf(name, row), at: new Date(row.migration_time).toISOString() });
    if (known.has(name)) continue;
    out.missing.push(name);
    out.entries.push({ name, state: 'missing', appliedAt: new Date(row.migration_time).toISOString(), batch: row.batch });
  }
  return out;
}

function capabilitiesOf(probe: PgProbe): Capability[] {
  const server = `PostgreSQL ${probe.version}`;
  const cap = (feature: string, ext: string, fallback: string): Capability => {
    const supported = ext in probe.available;
    return {
      store: 'postgres',
      feature,
      supported,
      server,
      reason: supported ? `${ext} ${probe.available[ext]} in pg_available_extensions` : `${ext} is not in pg_available_extensions: ${fallback}`,
    };
  };
  return [
    cap('pgvector', 'vector', 'embeddings are stored as real[] with a length check, without a vector index'),
    cap('btree_gist', 'btree_gist', 'mentor double-booking is guarded by a trigger instead of an exclusion constraint'),
  ];
}

function resolveName(files: MigrationFile[], extra: string[], to: string, flag: string): string {
  const name = canonicalName(to.trim());
  if (files.some((f) => f.name === name) || extra.includes(name)) return name;
  const first = files[0]?.stem;
  const last = files[files.length - 1]?.stem;
  throw usageError(
    `unknown migration "${to}" for ${flag}`,
    files.length ? `pass a name listed by \`recruit-db status --only postgres\` (${first} ... ${last}), with or without .ts` : 'there are no migrations yet; create one with `recruit-db make NAME`',
  );
}

/** The pending migrations a request asks for, in order: up to --to, at most --steps. */
function selectPending(files: MigrationFile[], c: Classified, opts: UpOptions, target: string | undefined): MigrationFile[] {
  let pending = c.pending;
  if (target) {
    const idx = files.findIndex((f) => f.name === target);
    pending = pending.filter((f) => files.indexOf(f) <= idx);
  }
  if (opts.steps !== undefined) pending = pending.slice(0, opts.steps);
  return pending;
}

/** Inlines $n bindings so a dry-run plan reads as SQL one could run. */
function renderQuery(knex: Knex, sql: string, bindings: readonly unknown[] | undefined): string {
  let text = sql;
  if (bindings && bindings.length) {
    text = sql.replace(/\$(\d+)/g, (m, n: string) => {
      const i = Number(n) - 1;
      return i < bindings.length ? knex.raw('?', [bindings[i] as Knex.Value]).toString() : m;
    });
  }
  return /;\s*$/.test(text) ? text : `${text};`;
}

const NOT_A_CHANGE = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|SELECT|SET)\b/i;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class PostgresMigrator implements StoreMigrator {
  readonly store = 'postgres' as const;
  private knexInstance?: Knex;
  /** The statements last sent: knex prefixes the failed one to its error message. */
  private readonly recentSql: string[] = [];
  private readonly notes: string[] = [];
  private knexRowLocked = false;
  /** From the capability probe: knex would otherwise ask every new connection `select version()`. */
  private serverVersion?: string;
  private probe?: PgProbe;
  private probing?: Promise<Capability[]>;
  /** Plans made from a read that found nothing to apply and no bookkeeping to repair. */
  private readonly settledPlans = new WeakSet<StorePlan>();
  /** The schema snapshot and whether it is stale for these files: null when there is none. */
  private snapshotRead?: { snap: import('./snapshot').Snapshot; file: string; stale: string | undefined } | null;

  constructor(
    private readonly config: Config,
    private readonly pg: PostgresConfig,
    private readonly client: Client,
    private readonly dirOverride?: string,
    /** The listing read while the connection opened: the first files() call takes it. */
    private readAhead?: MigrationFile[],
  ) {}

  private files(): MigrationFile[] {
    const ahead = this.readAhead;
    this.readAhead = undefined;
    return ahead ?? listMigrationFiles(this.dirOverride);
  }

  private knex(files: MigrationFile[]): Knex {
    if (this.knexInstance) return this.knexInstance;
    // Loaded on first use: a run with nothing to do never pays for knex's start-up.
    const { knex: knexFactory } = require('knex') as typeof import('knex');
    const limits = migrationLimits(this.config);
    const k = knexFactory({
      client: 'pg',
      connection: { ...pgClientConfig(this.pg, this.config.timeoutMs), application_name: WORKER_APP } as Knex.PgConnectionConfig,
      version: this.serverVersion,
      pool: {
        min: 0,
        max: 2,
        // The safety rails of every migration statement, in or out of a transaction: a statement that
        // waits longer than lock_timeout for a busy table gives up (and is retried) instead of
        // queueing every other query on that table behind it.
        afterCreate: (conn: Client, done: (err: Error | null, conn: Client) => void) => {
          conn.query(`SET lock_timeout = ${limits.lockTimeoutMs}; SET statement_timeout = ${limits.statementTimeoutMs}`).then(
            () => done(null, conn),
            (err: Error) => done(err, conn),
          );
        },
      },
      acquireConnectionTimeout: this.config.timeoutMs,
      compileSqlOnError: false,
      log: silentLog,
      migrations: { tableName: KNEX_TABLE, migrationSource: new RecruitDbMigrationSource(files) },
    });
    k.on('query', (q: { sql: string }) => {
      this.recentSql.push(q.sql);
      if (this.recentSql.length > 20) this.recentSql.shift();
    });
    this.knexInstance = k;
    return k;
  }

  /** The database's own words, without the SQL knex prefixes to the message. */
  private dbMessage(err: unknown): string {
    const message = (err as Error)?.message ?? String(err);
    const sql = this.recentSql.find((q) => message.startsWith(`${q} - `));
    return firstLine(sql ? message.slice(sql.length + 3) : message);
  }

  /** Asked once per command: the first state read asks it too (state()), else a round trip of its own. */
  private capabilities(): Promise<Capability[]> {
    this.probing ??= probePg(this.client).then(
      (probe) => this.probed(probe),
      (err: unknown) => {
        throw pgError(err, this.pg, this.config.timeoutMs);
      },
    );
    return this.probing;
  }

  private probed(probe: PgProbe): Capability[] {
    this.probe = probe;
    this.serverVersion = `${Math.floor(probe.versionNum / 10000)}.${probe.versionNum % 10000}`;
    return capabilitiesOf(probe);
  }

  private async state(): Promise<DbState> {
    try {
      const state = await readState(this.client, !this.probing);
      if (state.probe) this.probing = Promise.resolve(this.probed(state.probe));
      return state;
    } catch (err) {
      throw pgError(err, this.pg, this.config.timeoutMs);
    }
  }

  async meta(): Promise<StoreMeta> {
    try {
      return await readPgMeta(this.client);
    } catch (err) {
      throw pgError(err, this.pg, this.config.timeoutMs);
    }
  }

  /**
   * Runs `work` holding the advisory lock on our own session: if this process dies, its session
   * and lock die with it, so nobody ever unlocks by hand. Then knex's lock row can be cleared safely.
   */
  private async locked<T>(work: () => Promise<T>, onProgress?: OnProgress): Promise<T> {
    try {
      await acquireAdvisoryLock(this.client, this.pg, {
        key: MIGRATE_LOCK_KEY,
        what: 'migrate',
        waitMs: this.config.locks.waitMs,
        onWait: (detail) => onProgress?.({ store: 'postgres', phase: 'waiting for the migration lock', state: 'notice', detail }),
      });
      await this.terminateOrphans();
    } catch (err) {
      throw err instanceof RecruitDbError ? err : pgError(err, this.pg, this.config.timeoutMs);
    }
    try {
      return await work();
    } finally {
      if (this.knexRowLocked) await this.client.query(`UPDATE ${KNEX_TABLE}_lock SET is_locked = 0`).catch(() => undefined);
      this.knexRowLocked = false;
      await this.knexInstance?.destroy().catch(() => undefined);
      this.knexInstance = undefined;
      await releaseAdvisoryLock(this.client, MIGRATE_LOCK_KEY);
    }
  }

  /**
   * A run killed mid-migration leaves its worker session behind while the server is still busy
   * (e.g. a long statement); its transaction holds locks the next run would wait on.
   */
  private async terminateOrphans(): Promise<void> {
    const rows = await this.client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = $1 AND pid <> pg_backend_pid() AND state IS DISTINCT FROM 'idle'`,
      [WORKER_APP],
    );
    let n = 0;
    for (const { pid } of rows.rows) {
      const r = await this.client.query<{ ok: boolean }>('SELECT pg_terminate_backend($1, 10000) AS ok', [pid]).catch(() => undefined);
      if (r?.rows[0]?.ok) n++;
    }
    if (n) this.notes.push(`terminated ${n} session(s) left by a killed migration run; their transactions were rolled back`);
  }

  /** Rows recorded under another extension (knex run against dist/*.js) get the canonical name. */
  private async canonicaliseNames(state: DbState): Promise<void> {
    const names = new Set(state.applied.map((r) => r.name));
    for (const row of state.applied) {
      const canonical = canonicalName(row.name);
      if (canonical === row.name || names.has(canonical)) continue;
      await this.client.query(`UPDATE ${KNEX_TABLE} SET name = $1 WHERE id = $2`, [canonical, row.id]);
      this.notes.push(`renamed ${row.name} to ${canonical} in ${KNEX_TABLE}`);
    }
  }

  private missingError(missing: string[]): RecruitDbError {
    return new RecruitDbError({
      code: 'missing-migration',
      store: 'postgres',
      message: `applied migration${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'have' : 'has'} no file in ${migrationsDirs(this.dirOverride).source}`,
      hint: `restore the file (e.g. from git); if it was removed on purpose, delete its row: DELETE FROM ${KNEX_TABLE} WHERE name = '${missing[0]}'`,
      exitCode: EXIT.DRIFT,
    });
  }

  /** The server went away while doing `what`: exit 2 with a connection hint, never "fix the file". */
  private connectionLost(what: string, err: unknown): RecruitDbError {
    return new RecruitDbError({
      code: 'connection-lost',
      store: 'postgres',
      message: `lost the connection to ${this.pg.host}:${this.pg.port} while ${what}: ${pgError(err, this.pg, this.config.timeoutMs).message}`,
      hint: 'check that PostgreSQL is up (bash scripts/stores.sh status), then run the command again',
      exitCode: EXIT.USAGE,
      cause: err,
    });
  }

  private failed(file: MigrationFile, mod: MigrationModule | undefined, err: unknown, dryRun: boolean): RecruitDbError {
    if (err instanceof RecruitDbError) return err;
    const outside = mod?.config?.transaction === false;
    if (!dryRun && isConnectionLoss(err)) {
      // The file is fine: the server went away. The server rolls back the open transaction.
      return this.connectionLost(`running migration ${file.name} (${outside ? 'it runs outside a transaction: check for partial changes' : 'its transaction was rolled back'})`, err);
    }
    const what = dryRun
      ? 'dry run, nothing was changed'
      : outside
        ? 'it runs outside a transaction (config.transaction = false): check for partial changes'
        : 'nothing of it was applied';
    const code = (err as { code?: string }).code;
    const limits = migrationLimits(this.config);
    const hint =
      code === '57014'
        ? `it ran longer than RECRUIT_DB_MIGRATION_STATEMENT_TIMEOUT_MS (${limits.statementTimeoutMs} ms): raise it for this run, or split the migration`
        : `fix ${file.sourcePath} and run the command again`;
    return new RecruitDbError({
      code: code === '57014' ? 'statement-timeout' : 'migration-failed',
      store: 'postgres',
      message: `migration ${file.name} failed: ${this.dbMessage(err)} (${what})`,
      hint,
      exitCode: EXIT.DRIFT,
      cause: err,
    });
  }

  async status(): Promise<MigrationStatus> {
    const files = this.files();
    const state = await this.state();
    const c = classify(files, state);
    const notes: string[] = [];
    if (state.knexLocked) {
      notes.push(`${KNEX_TABLE}_lock is set: a migration run is in progress, or one was killed (recruit-db clears it on its next run; for the plain knex CLI: knex migrate:unlock)`);
    }
    if (c.unchecked.length) notes.push(`${c.unchecked.length} applied migration(s) have no current checksum (applied by another tool); the next migrate records them`);
    return { store: 'postgres', target: maskUrl(this.pg.url), entries: c.entries, capabilities: await this.capabilities(), notes };
  }

  async lastRun(): Promise<RunInfo | undefined> {
    const c = classify(this.files(), await this.state());
    const runs = new Map<string, RunInfo>();
    for (const a of c.appliedAsc) {
      const run = runs.get(a.runId) ?? { runId: a.runId, at: runStartedAt(a.runId) ?? a.at, names: [] };
      run.names.push(a.name);
      if (!runStartedAt(a.runId) && a.at > run.at) run.at = a.at;
      runs.set(a.runId, run);
    }
    return [...runs.values()].sort((x, y) => x.at.localeCompare(y.at)).pop();
  }

  async planUp(opts: UpOptions): Promise<StorePlan> {
    validateSteps(opts.steps);
    const files = this.files();
    const target = opts.to !== undefined ? resolveName(files, [], opts.to, '--to') : undefined;
    const state = await this.state();
    const c = classify(files, state);
    if (c.missing.length) throw this.missingError(c.missing);
    if (c.changed.length && !opts.acceptChanged) throw changedMigrationError('postgres', c.changed.map((f) => f.sourcePath));
    const pending = selectPending(files, c, opts, target);
    // Every file that will run is loaded and checked now, before the first write to any store;
    // where the schema snapshot stands for them, their code does not run (nor load: start-up).
    if (opts.dryRun || !(await this.snapshotFor(files, pending, state, opts, false))) for (const f of pending) await loadMigration(f);
    const notes: string[] = [];
    if (target && c.applied.has(target)) notes.push(`${target} is already applied`);
    const plan: StorePlan = { store: 'postgres', direction: 'up', names: pending.map((f) => f.name), dryRun: Boolean(opts.dryRun), notes, request: opts };
    // settled() implies nothing is pending at all, so nothing selected either.
    if (settled(state, c)) this.settledPlans.add(plan);
    return plan;
  }

  async planDown(opts: DownOptions): Promise<StorePlan> {
    const chosen = [opts.steps !== undefined, opts.to !== undefined, Boolean(opts.all), opts.runId !== undefined].filter(Boolean).length;
    if (chosen > 1) throw usageError('pass only one of --steps, --to and --all', 'e.g. recruit-db rollback --steps 1');
    validateSteps(opts.steps);
    if (!opts.dryRun) refuseProduction(this.config, [await this.meta()], opts.allowProduction, 'roll back PostgreSQL migrations');
    const files = this.files();
    const c = classify(files, await this.state());
    const revert = this.selectRevert(files, c, opts);
    const missing = revert.filter((n) => c.missing.includes(n));
    if (missing.length) throw this.missingError(missing);
    const byName = new Map(files.map((f) => [f.name, f]));
    for (const n of revert) await loadMigration(byName.get(n)!);
    return { store: 'postgres', direction: 'down', names: revert, dryRun: Boolean(opts.dryRun), notes: [], request: opts };
  }

  private selectRevert(files: MigrationFile[], c: Classified, opts: DownOptions): string[] {
    const hasSelector = opts.all || opts.steps !== undefined || opts.to !== undefined || opts.runId !== undefined;
    // With no selector at all: the last batch, as knex migrate:rollback does.
    const runId = hasSelector ? opts.runId : c.appliedAsc[c.appliedAsc.length - 1]?.runId;
    return selectForDown(c.appliedAsc, { ...opts, runId }, (to) => resolveName(files, c.missing, to, '--to'));
  }

  async apply(plan: StorePlan, run: RunContext): Promise<MigrateResult> {
    const capabilities = await this.capabilities();
    if (this.settledPlans.has(plan) && !plan.dryRun) {
      // Nothing to apply and nothing to repair, as read by the plan: answering from that read is the
      // same as taking the lock and reading again, since a run that applies something meanwhile
      // could as well have started after this one. No lock, no write: a no-op costs one query (readState).
      const phase = { store: 'postgres' as const, phase: 'migrate', total: 0, unit: 'migrations' };
      run.onProgress?.({ ...phase, state: 'start' });
      run.onProgress?.({ ...phase, state: 'end', done: 0 });
      const notes = plan.notes.length ? [...plan.notes] : ['already up to date'];
      return { store: 'postgres', direction: 'up', done: [], capabilities, notes, runId: run.runId };
    }
    const files = this.files();
    return this.locked(async () => {
      // Read again under the lock: what a concurrent run applied meanwhile counts.
      const state = await this.state();
      const c = classify(files, state);
      const byName = new Map(files.map((f) => [f.name, f]));
      let todo: MigrationFile[];
      const up = plan.direction === 'up';
      if (up) {
        const opts = plan.request as UpOptions;
        if (c.missing.length) throw this.missingError(c.missing);
        if (c.changed.length && !opts.acceptChanged) throw changedMigrationError('postgres', c.changed.map((f) => f.sourcePath));
        todo = selectPending(files, c, opts, opts.to !== undefined ? resolveName(files, [], opts.to, '--to') : undefined);
      } else {
        const names = this.selectRevert(files, c, plan.request as DownOptions);
        const missing = names.filter((n) => c.missing.includes(n));
        if (missing.length) throw this.missingError(missing);
        todo = names.map((n) => byName.get(n)!);
      }
      const notes = [...plan.notes];
      if (up && !plan.dryRun && (await this.loadSnapshot(files, todo, state, plan.request as UpOptions, run))) {
        return { store: 'postgres', direction: 'up', done: todo.map((f) => f.name), capabilities, notes: [...notes, ...this.takeNotes()], runId: run.runId };
      }
      const knex = () => this.knex(files);
      if (plan.dryRun) {
        const statements = await this.capture(knex(), todo, plan.direction);
        if (up && c.changed.length) notes.push(`would record new checksums for ${c.changed.map((f) => f.name).join(', ')}`);
        return { store: 'postgres', direction: plan.direction, done: [], plan: statements, capabilities, notes: [...notes, ...this.takeNotes()] };
      }
      // Open the worker connection while the bookkeeping runs on ours: start-up is most of a small run.
      const warm = todo.length ? knex().raw('SELECT 1').catch(() => undefined) : undefined;
      let batch = 0;
      try {
        await this.prepareBookkeeping(knex, state);
        if (up) {
          const opts = plan.request as UpOptions;
          for (const f of [...c.unchecked, ...(opts.acceptChanged ? c.changed : [])]) await this.recordChecksum(f, c.applied.get(f.name)!);
          if (opts.acceptChanged && c.changed.length) notes.push(`recorded new checksums for ${c.changed.map((f) => f.name).join(', ')}`);
          // One recruit-db run is one batch, as with `knex migrate:latest`; `state` was read under the lock.
          batch = state.applied.reduce((max, r) => Math.max(max, r.batch), 0) + 1;
        }
      } catch (err) {
        throw pgError(err, this.pg, this.config.timeoutMs);
      }
      await warm;
      const done: string[] = [];
      const phaseName = up ? 'migrate' : 'rollback';
      run.onProgress?.({ store: 'postgres', phase: phaseName, state: 'start', total: todo.length, unit: 'migrations' });
      for (const f of todo) {
        run.onProgress?.({ store: 'postgres', phase: phaseName, state: 'advance', done: done.length, total: todo.length, unit: 'migrations', detail: f.name });
        await this.runWithRetry(knex(), f, plan.direction, batch, run);
        done.push(f.name);
      }
      run.onProgress?.({ store: 'postgres', phase: phaseName, state: 'end', done: done.length, total: todo.length, unit: 'migrations' });
      if (!done.length && !notes.length && !this.notes.length) notes.push(up ? 'already up to date' : 'nothing to roll back');
      return { store: 'postgres', direction: plan.direction, done, capabilities, notes: [...notes, ...this.takeNotes()], runId: run.runId };
    }, run.onProgress);
  }

  up(opts: UpOptions = {}): Promise<MigrateResult> {
    return planAndApply(this, 'up', opts);
  }

  down(opts: DownOptions = {}): Promise<MigrateResult> {
    return planAndApply(this, 'down', opts);
  }

  async close(): Promise<void> {
    await this.knexInstance?.destroy().catch(() => undefined);
    await this.client.end().catch(() => undefined);
  }

  /**
   * knex's own tables, as knex's migrator creates them (the same schema-builder calls, so the plain
   * knex CLI finds them as it expects), our checksum table, the store stamp and the lock row: one
   * round trip, and all or nothing (a multi-statement query is one implicit transaction).
   */
  private async prepareBookkeeping(knex: () => Knex, state: DbState): Promise<void> {
    const sql: string[] = [];
    if (!state.hasKnexTable) {
      sql.push(
        ...knex()
          .schema.createTable(KNEX_TABLE, (t) => {
            t.increments();
            t.string('name');
            t.integer('batch');
            t.timestamp('migration_time');
          })
          .toSQL()
          .map((q) => q.sql),
      );
    }
    if (!state.hasKnexLockTable) {
      sql.push(
        ...knex()
          .schema.createTable(`${KNEX_TABLE}_lock`, (t) => {
            t.increments('index').primary();
            t.integer('is_locked');
          })
          .toSQL()
          .map((q) => q.sql),
      );
    }
    // What knex.migrate.forceFreeMigrationsLock does, and then the row is set for the whole run, so a
    // plain `knex migrate:*` started meanwhile refuses to run. Safe: we hold the advisory lock, so a
    // set row can only have been left by a run that died.
    sql.push(
      `DELETE FROM ${KNEX_TABLE}_lock`,
      `INSERT INTO ${KNEX_TABLE}_lock (is_locked) VALUES (1)`,
      `CREATE TABLE IF NOT EXISTS ${CHECKSUM_TABLE} (name text PRIMARY KEY, checksum text NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now(), knex_id integer, run_id text)`,
      `ALTER TABLE ${CHECKSUM_TABLE} ADD COLUMN IF NOT EXISTS knex_id integer, ADD COLUMN IF NOT EXISTS run_id text`,
      // The environment this database is bootstrapped for; recorded once, never changed.
      stampEnvSql(this.config.env),
    );
    await this.client.query(sql.join(';\n'));
    this.knexRowLocked = true;
    await this.canonicaliseNames(state);
  }

  /**
   * The schema snapshot, when it may stand for `todo`: every migration pending on a database that
   * never had one, the built-in migrations folder, and the snapshot made from these very files. A
   * stale snapshot is said once, in a note (`say`): the migrations then run one by one. The file and
   * the migrations' checksums are read once per run (plan, then apply).
   */
  private async snapshotFor(files: MigrationFile[], todo: MigrationFile[], state: DbState, opts: UpOptions, say = true) {
    if (opts.oneByOne || migrationsDirs(this.dirOverride).custom || !files.length || todo.length !== files.length) return undefined;
    if (state.hasKnexTable || state.hasKnexLockTable || state.hasChecksumTable) return undefined;
    if (this.snapshotRead === undefined) {
      const { readSnapshot, snapshotMismatch, SNAPSHOT_FILE } = await import('./snapshot');
      const snap = readSnapshot();
      this.snapshotRead = snap ? { snap, file: relative(ROOT, SNAPSHOT_FILE), stale: snapshotMismatch(snap, files) } : null;
    }
    const read = this.snapshotRead;
    if (!read) return undefined;
    if (read.stale) {
      if (say) this.notes.push(`${read.file} is stale (${read.stale}): ran the migrations one by one; \`recruit-db schema snapshot\` brings it up to date`);
      return undefined;
    }
    return { snap: read.snap, file: read.file };
  }

  /**
   * Every migration pending on a database that never had any: the committed schema snapshot stands
   * for them when it was made from these very files on a server like this one (see snapshot.ts), so
   * it is loaded, with the rows the one-by-one run would write, in one transaction. False, with
   * nothing changed, when it does not apply; then the migrations run one by one.
   */
  private async loadSnapshot(files: MigrationFile[], todo: MigrationFile[], state: DbState, opts: UpOptions, run: RunContext): Promise<boolean> {
    const candidate = await this.snapshotFor(files, todo, state, opts);
    if (!candidate || !this.probe) return false;
    const { snap, file } = candidate;
    const { serverMismatch, databaseAllowsSnapshot, snapshotScript } = await import('./snapshot');
    const mismatch = serverMismatch(snap, this.probe);
    if (mismatch) {
      this.notes.push(`${file} not used (${mismatch}): ran the migrations one by one`);
      return false;
    }
    try {
      if (await databaseAllowsSnapshot(this.client)) return false;
    } catch (err) {
      throw pgError(err, this.pg, this.config.timeoutMs);
    }
    const limits = migrationLimits(this.config);
    const script = snapshotScript(snap, {
      migrations: snap.header.migrations,
      runId: run.runId,
      env: this.config.env,
      lockTimeoutMs: limits.lockTimeoutMs,
      statementTimeoutMs: limits.statementTimeoutMs,
    });
    run.onProgress?.({ store: 'postgres', phase: 'migrate', state: 'start', total: todo.length, unit: 'migrations', detail: `${file}` });
    try {
      await this.client.query(script);
    } catch (err) {
      if (isConnectionLoss(err)) throw this.connectionLost(`loading ${file} (its transaction was rolled back)`, err);
      await this.client.query('ROLLBACK').catch(() => undefined);
      this.notes.push(`${file} not used (${firstLine((err as Error).message)}; rolled back): ran the migrations one by one`);
      return false;
    }
    run.onProgress?.({ store: 'postgres', phase: 'migrate', state: 'end', done: todo.length, total: todo.length, unit: 'migrations' });
    this.notes.push(`applied ${todo.length} migrations in one transaction from ${file}, their schema snapshot (an empty database)`);
    return true;
  }

  /**
   * Runs one migration; one that timed out waiting for a lock (55P03) is retried, a bounded number
   * of times with a growing pause. A transactional one was rolled back whole. One outside a
   * transaction (CREATE INDEX CONCURRENTLY, 0021) kept what its steps did before the timeout, and is
   * run again from the start, as the next migrate would run it after any failure (its row is written
   * only once it finished): such migrations are written to be safe to run again (the make template,
   * 0021). Without the retry, lock_timeout would turn 0021's wait behind a reader into a failure.
   */
  private async runWithRetry(knex: Knex, f: MigrationFile, direction: 'up' | 'down', batch: number, run: RunContext): Promise<void> {
    const mod = await loadMigration(f);
    const limits = migrationLimits(this.config);
    const outside = mod.config?.transaction === false;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.runOne(knex, f, mod, direction, batch, run.runId);
        if (attempt > 1) this.notes.push(`${f.name}: lock timeout (55P03), applied on attempt ${attempt}`);
        return;
      } catch (err) {
        const lockTimeout = (err as { cause?: { code?: string } }).cause?.code === LOCK_NOT_AVAILABLE;
        if (!lockTimeout) throw err;
        if (attempt > limits.lockRetries) throw await this.lockTimeoutError(f, attempt, outside, err);
        const pause = Math.min(10_000, 500 * 2 ** (attempt - 1));
        run.onProgress?.({ store: 'postgres', phase: 'waiting for a table lock', state: 'notice', detail: `${f.name}: lock timeout after ${limits.lockTimeoutMs} ms (55P03), attempt ${attempt} of ${limits.lockRetries + 1}; retrying in ${pause} ms` });
        await sleep(pause);
      }
    }
  }

  private async lockTimeoutError(f: MigrationFile, attempts: number, outside: boolean, err: unknown): Promise<RecruitDbError> {
    const limits = migrationLimits(this.config);
    // The likeliest blocker: the oldest open transaction on this database.
    const oldest = await this.client
      .query<{ pid: number; state: string; age_s: number; query: string }>(
        `SELECT pid, state, extract(epoch FROM now() - xact_start)::int AS age_s, left(regexp_replace(query, '\\s+', ' ', 'g'), 80) AS query
           FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
            AND application_name IS DISTINCT FROM $1
          ORDER BY xact_start LIMIT 1`,
        [WORKER_APP],
      )
      .then((r) => r.rows[0])
      .catch(() => undefined);
    const who = oldest ? `; the oldest open transaction is pid ${oldest.pid} (${oldest.state} for ${oldest.age_s}s: ${oldest.query})` : '';
    return new RecruitDbError({
      code: 'lock-timeout',
      store: 'postgres',
      message: `migration ${f.name} could not take a lock within ${limits.lockTimeoutMs} ms (55P03) in ${attempts} attempt${attempts === 1 ? '' : 's'}; ${outside ? 'it runs outside a transaction: the steps it finished are kept, and the next migrate runs it again from the start' : 'nothing of it was applied'}${who}`,
      hint: 'run it again when that session is done, or raise RECRUIT_DB_MIGRATION_LOCK_TIMEOUT_MS / RECRUIT_DB_MIGRATION_LOCK_RETRIES',
      exitCode: EXIT.USAGE,
      cause: err,
    });
  }

  /** One migration, its knex_migrations row and its checksum row in one transaction: all or nothing. */
  private async runOne(knex: Knex, f: MigrationFile, mod: MigrationModule, direction: 'up' | 'down', batch: number, runId: string): Promise<void> {
    // The DDL helpers are loaded with the first migration that runs, not by a run with nothing to do.
    const { batchDdl, pipelineDdl } = await import('./ddl');
    let started = false;
    const body = (db: Knex) => batchDdl(db, async () => {
      started = true;
      await pipelineDdl(db, () => mod[direction](db));
      // One statement for both bookkeeping rows: a round trip per migration saved.
      if (direction === 'up') {
        await db.raw(
          `WITH m AS (INSERT INTO ${KNEX_TABLE} (name, batch, migration_time) VALUES (?, ?, now()) RETURNING id)
           INSERT INTO ${CHECKSUM_TABLE} (name, checksum, recorded_at, knex_id, run_id) SELECT ?, ?, now(), m.id, ? FROM m
           ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, recorded_at = EXCLUDED.recorded_at, knex_id = EXCLUDED.knex_id, run_id = EXCLUDED.run_id`,
          [f.name, batch, f.name, checksumOf(f), runId],
        );
      } else {
        await db.raw(`WITH m AS (DELETE FROM ${KNEX_TABLE} WHERE name = ?) DELETE FROM ${CHECKSUM_TABLE} WHERE name = ?`, [f.name, f.name]);
      }
    });
    try {
      if (mod.config?.transaction === false) {
        if (!(await this.inOneTransaction(knex, body))) await body(knex);
      } else await knex.transaction((trx) => body(trx));
    } catch (err) {
      if (!started) throw err instanceof RecruitDbError ? err : pgError(err, this.pg, this.config.timeoutMs);
      throw this.failed(f, mod, err, false);
    }
  }

  /**
   * The fast path of a migration written to run outside a transaction (CONCURRENTLY, NOT VALID then
   * VALIDATE: online-safe steps for tables that hold data): on a database whose tables are all
   * empty, those steps guard no rows, so the migration runs in one transaction, every table locked
   * against writes for its length (see lockEmptyTables). False, with nothing applied, when a table
   * holds a row or is busy, or when the migration does what a transaction cannot (its own
   * CONCURRENTLY, VACUUM, a new enum value used at once: any error): then it runs as written.
   */
  private async inOneTransaction(knex: Knex, body: (db: Knex) => Promise<void>): Promise<boolean> {
    const { lockEmptyTables } = await import('./ddl');
    try {
      return await knex.transaction(async (trx) => {
        if (!(await lockEmptyTables(trx, BOOKKEEPING_TABLES, 'recruit_db_'))) return false;
        await body(trx);
        return true;
      });
    } catch (err) {
      if (isConnectionLoss(err)) throw err;
      return false;
    }
  }

  private takeNotes(): string[] {
    return this.notes.splice(0);
  }

  /** Adopts a migration another tool applied: its checksum, tied to the knex row it belongs to. */
  private async recordChecksum(f: MigrationFile, row: AppliedRow): Promise<void> {
    await this.client.query(
      `INSERT INTO ${CHECKSUM_TABLE} (name, checksum, recorded_at, knex_id, run_id) VALUES ($1, $2, now(), $3, NULL)
       ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, recorded_at = EXCLUDED.recorded_at, knex_id = EXCLUDED.knex_id,
         run_id = CASE WHEN ${CHECKSUM_TABLE}.knex_id IS NOT DISTINCT FROM EXCLUDED.knex_id THEN ${CHECKSUM_TABLE}.run_id END`,
      [f.name, checksumOf(f), row.id],
    );
  }

  /**
   * Dry run: the migrations run for real inside one transaction that is rolled back, and every
   * statement they send is captured, so the plan is exactly what would run, and nothing changes.
   */
  private async capture(knex: Knex, files: MigrationFile[], direction: 'up' | 'down'): Promise<string[]> {
    const plan: string[] = [];
    const onQuery = (q: { sql: string; bindings?: readonly unknown[] }) => {
      if (!NOT_A_CHANGE.test(q.sql)) plan.push(renderQuery(knex, q.sql, q.bindings));
    };
    let trx: Knex.Transaction;
    try {
      trx = await knex.transaction();
    } catch (err) {
      throw pgError(err, this.pg, this.config.timeoutMs);
    }
    knex.on('query', onQuery);
    try {
      for (const f of files) {
        const mod = await loadMigration(f);
        plan.push(`-- ${direction} ${f.name}`);
        if (mod.config?.transaction === false) {
          plan.push(`-- (not run in a dry run: ${f.name} runs outside a transaction)`);
          continue;
        }
        try {
          await mod[direction](trx);
        } catch (err) {
          throw this.failed(f, mod, err, true);
        }
      }
    } finally {
      knex.off('query', onQuery);
      await trx.rollback().catch(() => undefined);
    }
    if (!files.length) this.notes.push(direction === 'up' ? 'already up to date' : 'nothing to roll back');
    return plan;
  }
}

function validateSteps(steps: number | undefined): void {
  if (steps !== undefined && (!Number.isInteger(steps) || steps < 1)) {
    throw usageError(`--steps must be a positive integer, got "${steps}"`, 'e.g. --steps 1');
  }
}

/**
 * Opens the PostgreSQL migrator: knex migrations from migrations/ (compiled to dist/migrations),
 * recorded in knex_migrations like the plain knex CLI does, with checksums and a self-freeing lock.
 */
export async function openPostgresMigrator(config: Config, opts: { migrationsDir?: string } = {}): Promise<StoreMigrator> {
  const pg = requireStore(config, 'postgres');
  const connecting = connectPg(pg, config.timeoutMs);
  // A run with nothing to do is mostly start-up: the migrations are read and checksummed while the
  // server forks a backend and authenticates, not after.
  let ahead: MigrationFile[] | undefined;
  try {
    ahead = listMigrationFiles(opts.migrationsDir).map((f) => ({ ...f, checksum: fileChecksum(f.sourcePath) }));
  } catch {
    // files() lists again when asked and reports the problem where it always did
  }
  return new PostgresMigrator(config, pg, await connecting, opts.migrationsDir, ahead);
}

// ---------------------------------------------------------------------------------------------
// make
// ---------------------------------------------------------------------------------------------

const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

const TEMPLATE = (name: string) => `import type { Knex } from 'knex';

/**
 * ${name.replace(/_/g, ' ')}: say why this change exists.
 *
 * Runs in its own transaction, with lock_timeout and statement_timeout set by recruit-db
 * (RECRUIT_DB_MIGRATION_LOCK_TIMEOUT_MS / _STATEMENT_TIMEOUT_MS): a statement that waits too long
 * for a busy table gives up, and the migration is retried (RECRUIT_DB_MIGRATION_LOCK_RETRIES).
 * \`down\` must undo exactly what \`up\` did. Never edit this file once it has run anywhere: add a
 * new migration instead.
 *
 * Safe patterns on tables that already hold data (each in a migration of its own):
 *
 * - An index without blocking writes: CREATE INDEX CONCURRENTLY cannot run in a transaction, so
 *   that migration says so. After a lock timeout or any failure it is run again from the start,
 *   keeping what it did before, so make it safe to run again:
 *
 *     export const config = { transaction: false };
 *     export async function up(knex: Knex) {
 *       await knex.raw('DROP INDEX CONCURRENTLY IF EXISTS jobs_title_idx');
 *       await knex.raw('CREATE INDEX CONCURRENTLY jobs_title_idx ON jobs (title)');
 *     }
 *     export async function down(knex: Knex) {
 *       await knex.raw('DROP INDEX CONCURRENTLY IF EXISTS jobs_title_idx');
 *     }
 *
 * - A constraint without a long exclusive lock: add it NOT VALID here (checked for new rows only,
 *   brief lock), and VALIDATE it in a later migration (scans the table without blocking writes):
 *
 *     await knex.raw('ALTER TABLE jobs ADD CONSTRAINT jobs_salary_check CHECK (salary_min <= salary_max) NOT VALID');
 *     // next migration:
 *     await knex.raw('ALTER TABLE jobs VALIDATE CONSTRAINT jobs_salary_check');
 *
 * - A new enum value in a migration of its own: ALTER TYPE ... ADD VALUE cannot be used in the
 *   transaction that adds it, so whatever uses the value goes in the next migration:
 *
 *     await knex.raw("ALTER TYPE job_status ADD VALUE IF NOT EXISTS 'archived'");
 */
export async function up(knex: Knex): Promise<void> {
  // e.g. await knex.schema.alterTable('users', (t) => t.text('nickname'));
}

export async function down(knex: Knex): Promise<void> {
  // e.g. await knex.schema.alterTable('users', (t) => t.dropColumn('nickname'));
}
`;

/** The file `make NAME` would create next: migrations/NNNN_NAME.ts, NNNN one above the highest. */
export function nextMigrationNumber(override?: string): string {
  const dir = migrationsDirs(override).source;
  const numbers = existsSync(dir)
    ? readdirSync(dir)
        .map((f) => /^(\d{4})_/.exec(f)?.[1])
        .filter((n): n is string => Boolean(n))
        .map(Number)
    : [];
  return String((numbers.length ? Math.max(...numbers) : 0) + 1).padStart(4, '0');
}

/** Creates migrations/NNNN_<name>.ts (the next number after the highest) from the template. */
export function createMigrationFile(name: string, override?: string): { file: string; name: string } {
  if (!SNAKE_CASE.test(name)) {
    throw usageError(`migration name "${name}" is not snake_case`, 'use lowercase letters, digits and underscores, starting with a letter, e.g. add_user_nickname');
  }
  const dir = migrationsDirs(override).source;
  if (!existsSync(dir)) throw usageError(`migrations folder ${dir} does not exist`, `create it, or fix ${MIGRATIONS_DIR_ENV} / --migrations-dir`);
  const same = readdirSync(dir).find((f) => new RegExp(`^\\d{4}_${name}\\.(ts|js)$`).test(f));
  if (same) throw usageError(`a migration named ${name} already exists (${same}); nothing was created`, 'choose a name that says what this change does, e.g. add_jobs_remote_flag');
  const next = nextMigrationNumber(override);
  if (Number(next) > 9999) throw usageError('migration numbers are exhausted (9999)', 'squash old migrations');
  const stem = `${next}_${name}`;
  const file = join(dir, `${stem}.ts`);
  writeFileSync(file, TEMPLATE(name), { flag: 'wx' });
  return { file, name: `${stem}.ts` };
}
