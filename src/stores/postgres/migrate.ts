import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Client } from 'pg';
import type { Knex } from 'knex';
import { assertNotProduction, requireStore, type Config, type PostgresConfig } from '../../config';
import { EXIT, RecruitDbError, usageError } from '../../errors';
import { codeDir, COMPILED, ROOT } from '../../paths';
import { maskUrl } from '../../secrets';
import { changedMigrationError, fileChecksum, type DownOptions, type MigrateResult, type MigrationEntry, type MigrationStatus, type StoreMigrator, type UpOptions } from '../migrator';
import type { Capability } from '../shapes';
import { connectPg, pgClientConfig, pgError, probePg } from './connect';

/** For tests and advanced use: run the migrations of another folder (.js files, or .ts under a TS loader). */
export const MIGRATIONS_DIR_ENV = 'RECRUIT_DB_MIGRATIONS_DIR';
/** knex's own bookkeeping table, shared with the plain `knex` CLI. */
export const KNEX_TABLE = 'knex_migrations';
export const CHECKSUM_TABLE = 'recruit_db_migration_checksums';
/** Any fixed bigint: every recruit-db migrate/rollback on a database serialises on it. */
export const ADVISORY_LOCK_KEY = 7_302_914_551;
/**
 * The application_name of the connections that run migration code. While we hold the advisory
 * lock, any other busy session with this name belongs to a run whose process died (its lock session
 * ended with it), so it is safe to terminate.
 */
const WORKER_APP = 'recruit-db:migrate';
const LOCK_WAIT_ENV = 'RECRUIT_DB_LOCK_WAIT_MS';
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

const checksumOf = (file: MigrationFile) => fileChecksum(file.sourcePath);

const loaded = new Map<string, MigrationModule>();

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
      message: `cannot load migration ${file.name}: ${firstLine((err as Error).message)}`,
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
      message: `migration ${file.name} does not export both up and down functions`,
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
  checksums: Map<string, string>;
  knexLocked: boolean;
  hasKnexTable: boolean;
  hasKnexLockTable: boolean;
  hasChecksumTable: boolean;
}

async function readState(client: Client): Promise<DbState> {
  const exists = await client.query<{ m: boolean; c: boolean; l: boolean }>(
    `SELECT to_regclass($1) IS NOT NULL AS m, to_regclass($2) IS NOT NULL AS c, to_regclass($3) IS NOT NULL AS l`,
    [KNEX_TABLE, CHECKSUM_TABLE, `${KNEX_TABLE}_lock`],
  );
  const { m, c, l } = exists.rows[0];
  const applied = m ? (await client.query<AppliedRow>(`SELECT id, name, batch, migration_time FROM ${KNEX_TABLE} ORDER BY id`)).rows : [];
  const checksums = new Map<string, string>();
  if (c) for (const r of (await client.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM ${CHECKSUM_TABLE}`)).rows) checksums.set(r.name, r.checksum);
  const knexLocked = l ? (await client.query(`SELECT 1 FROM ${KNEX_TABLE}_lock WHERE is_locked = 1`)).rowCount! > 0 : false;
  return { applied, checksums, knexLocked, hasKnexTable: m, hasKnexLockTable: l, hasChecksumTable: c };
}

/** The bookkeeping tables exist and every recorded name is canonical: a run with nothing to apply has nothing to write. */
function bookkeepingCurrent(state: DbState): boolean {
  return state.hasKnexTable && state.hasKnexLockTable && state.hasChecksumTable && state.applied.every((r) => canonicalName(r.name) === r.name);
}

interface Classified {
  entries: MigrationEntry[];
  pending: MigrationFile[];
  changed: MigrationFile[];
  /** Applied by a tool that recorded no checksum (the plain knex CLI): adopted on the next run. */
  unchecked: MigrationFile[];
  missing: string[];
  applied: Map<string, AppliedRow>;
}

function classify(files: MigrationFile[], state: DbState): Classified {
  const applied = new Map<string, AppliedRow>();
  for (const row of state.applied) applied.set(canonicalName(row.name), row);
  const known = new Set(files.map((f) => f.name));
  const out: Classified = { entries: [], pending: [], changed: [], unchecked: [], missing: [], applied };
  for (const f of files) {
    const row = applied.get(f.name);
    if (!row) {
      out.pending.push(f);
      out.entries.push({ name: f.name, state: 'pending' });
      continue;
    }
    const recorded = state.checksums.get(f.name);
    let st: MigrationEntry['state'] = 'applied';
    if (recorded === undefined) out.unchecked.push(f);
    else if (recorded !== checksumOf(f)) {
      st = 'changed';
      out.changed.push(f);
    }
    out.entries.push({ name: f.name, state: st, appliedAt: new Date(row.migration_time).toISOString(), batch: row.batch });
  }
  for (const row of state.applied) {
    const name = canonicalName(row.name);
    if (known.has(name)) continue;
    out.missing.push(name);
    out.entries.push({ name, state: 'missing', appliedAt: new Date(row.migration_time).toISOString(), batch: row.batch });
  }
  return out;
}

function capabilitiesOf(probe: Awaited<ReturnType<typeof probePg>>): Capability[] {
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

const NOT_A_CHANGE = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|SELECT)\b/i;

class PostgresMigrator implements StoreMigrator {
  readonly store = 'postgres' as const;
  private knexInstance?: Knex;
  /** The statements last sent: knex prefixes the failed one to its error message. */
  private readonly recentSql: string[] = [];
  private readonly notes: string[] = [];
  /** From the capability probe: knex would otherwise ask every new connection `select version()`. */
  private serverVersion?: string;
  private knexRowLocked = false;

  constructor(
    private readonly config: Config,
    private readonly pg: PostgresConfig,
    private readonly client: Client,
    private readonly dirOverride?: string,
  ) {}

  private files(): MigrationFile[] {
    return listMigrationFiles(this.dirOverride);
  }

  private knex(files: MigrationFile[]): Knex {
    if (this.knexInstance) return this.knexInstance;
    // Loaded on first use: a run with nothing to do never pays for knex's start-up.
    const { knex: knexFactory } = require('knex') as typeof import('knex');
    const k = knexFactory({
      client: 'pg',
      connection: { ...pgClientConfig(this.pg, this.config.timeoutMs), application_name: WORKER_APP } as Knex.PgConnectionConfig,
      pool: { min: 0, max: 2 },
      version: this.serverVersion,
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

  private async capabilities(): Promise<Capability[]> {
    try {
      const probe = await probePg(this.client);
      this.serverVersion = `${Math.floor(probe.versionNum / 10000)}.${probe.versionNum % 10000}`;
      return capabilitiesOf(probe);
    } catch (err) {
      throw pgError(err, this.pg, this.config.timeoutMs);
    }
  }

  /**
   * Runs `work` holding the advisory lock on our own session: if this process dies, its session
   * and lock die with it, so nobody ever unlocks by hand. Then knex's lock row can be cleared safely.
   */
  private async locked<T>(work: () => Promise<T>): Promise<T> {
    const waitMs = this.config.locks.waitMs;
    try {
      const got = await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [ADVISORY_LOCK_KEY]);
      if (!got.rows[0].ok) await this.waitForLock(waitMs);
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
      await this.client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_KEY]).catch(() => undefined);
    }
  }

  /**
   * Waits for the advisory lock at most `waitMs` (lock_timeout bounds pg_advisory_lock like any
   * other lock wait), so a run queued behind a hung one fails saying who holds it, instead of
   * waiting silently for ever.
   */
  private async waitForLock(waitMs: number): Promise<void> {
    const started = Date.now();
    if (waitMs > 0) {
      try {
        await this.client.query(`SELECT set_config('lock_timeout', $1, false)`, [`${waitMs}ms`]);
        await this.client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_KEY]);
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw err;
      } finally {
        await this.client.query('RESET lock_timeout').catch(() => undefined);
      }
    }
    const holder = await this.client
      .query<{ pid: number; running_s: number | null }>(
        `SELECT l.pid, extract(epoch FROM now() - a.backend_start)::float8 AS running_s
           FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND l.classid = ($1::bigint >> 32)::oid AND l.objid = ($1::bigint & 4294967295)::oid
          LIMIT 1`,
        [ADVISORY_LOCK_KEY],
      )
      .then((r) => r.rows[0])
      .catch(() => undefined);
    const seconds = (ms: number) => `${Math.round(ms / 100) / 10}s`;
    const who = holder
      ? ` (pid ${holder.pid}${holder.running_s === null ? '' : `, running for ${seconds(holder.running_s * 1000)}`})`
      : '';
    throw new RecruitDbError({
      code: 'lock-timeout',
      store: 'postgres',
      message: `another migrate holds the lock on ${this.pg.database}${who}; waited ${seconds(Date.now() - started)}`,
      hint: `let it finish and rerun; if it is hung, stop that process${holder ? ` (or SELECT pg_terminate_backend(${holder.pid}))` : ''}; ${LOCK_WAIT_ENV} sets the wait in ms`,
      exitCode: EXIT.USAGE,
    });
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

  private failed(file: MigrationFile, mod: MigrationModule | undefined, err: unknown, dryRun: boolean): RecruitDbError {
    if (err instanceof RecruitDbError) return err;
    const outside = mod?.config?.transaction === false;
    const what = dryRun
      ? 'dry run, nothing was changed'
      : outside
        ? 'it runs outside a transaction (config.transaction = false): check for partial changes'
        : 'nothing of it was applied';
    return new RecruitDbError({
      code: 'migration-failed',
      store: 'postgres',
      message: `migration ${file.name} failed: ${this.dbMessage(err)} (${what})`,
      hint: `fix ${file.sourcePath} and run the command again`,
      exitCode: EXIT.DRIFT,
      cause: err,
    });
  }

  async status(): Promise<MigrationStatus> {
    const files = this.files();
    let state: DbState;
    try {
      state = await readState(this.client);
    } catch (err) {
      throw pgError(err, this.pg, this.config.timeoutMs);
    }
    const c = classify(files, state);
    const notes: string[] = [];
    if (state.knexLocked) {
      notes.push(`${KNEX_TABLE}_lock is set: a migration run is in progress, or one was killed (recruit-db clears it on its next run; for the plain knex CLI: knex migrate:unlock)`);
    }
    if (c.unchecked.length) notes.push(`${c.unchecked.length} applied migration(s) have no recorded checksum (applied by another tool); the next migrate records them`);
    return { store: 'postgres', target: maskUrl(this.pg.url), entries: c.entries, capabilities: await this.capabilities(), notes };
  }

  async up(opts: UpOptions = {}): Promise<MigrateResult> {
    const files = this.files();
    const target = opts.to !== undefined ? resolveName(files, [], opts.to, '--to') : undefined;
    const capabilities = await this.capabilities();
    return this.locked(async () => {
      const state = await readState(this.client).catch((err) => {
        throw pgError(err, this.pg, this.config.timeoutMs);
      });
      const c = classify(files, state);
      if (c.missing.length) throw this.missingError(c.missing);
      if (c.changed.length && !opts.acceptChanged) {
        throw changedMigrationError('postgres', c.changed.map((f) => f.sourcePath));
      }
      let pending = c.pending;
      if (target) {
        const idx = files.findIndex((f) => f.name === target);
        pending = pending.filter((f) => files.indexOf(f) <= idx);
        if (c.applied.has(target)) this.notes.push(`${target} is already applied`);
      }
      const knex = () => this.knex(files);
      // Open the worker connection while the bookkeeping runs on ours: start-up is most of a small run.
      const warm = pending.length ? knex().raw('SELECT 1').catch(() => undefined) : undefined;
      if (opts.dryRun) {
        await warm;
        const plan = await this.capture(knex(), pending, 'up');
        if (c.changed.length) this.notes.push(`would record new checksums for ${c.changed.map((f) => f.name).join(', ')}`);
        return { store: 'postgres', direction: 'up', done: [], plan, capabilities, notes: this.takeNotes() };
      }
      if (!pending.length && !c.unchecked.length && !(opts.acceptChanged && c.changed.length) && bookkeepingCurrent(state)) {
        // Nothing to apply and nothing to record: no bookkeeping writes, only a knex lock row left
        // set by a killed run is cleared (we hold the advisory lock, so no live run owns it).
        if (state.knexLocked) {
          await this.client.query(`UPDATE ${KNEX_TABLE}_lock SET is_locked = 0`).catch((err) => {
            throw pgError(err, this.pg, this.config.timeoutMs);
          });
        }
        if (!this.notes.length) this.notes.push('already up to date');
        return { store: 'postgres', direction: 'up', done: [], capabilities, notes: this.takeNotes() };
      }
      // Loaded while the server works on the bookkeeping; a file that fails to load fails in runOne, in turn.
      void Promise.all(pending.map((f) => loadMigration(f).catch(() => undefined)));
      let batch: number;
      try {
        await this.prepareBookkeeping(knex, state);
        for (const f of [...c.unchecked, ...(opts.acceptChanged ? c.changed : [])]) await this.recordChecksum(this.client, f);
        if (opts.acceptChanged && c.changed.length) this.notes.push(`recorded new checksums for ${c.changed.map((f) => f.name).join(', ')}`);
        // One recruit-db run is one batch, as with `knex migrate:latest`, so a default rollback undoes it.
        // `state` was read under the lock, so its highest batch is the table's.
        batch = state.applied.reduce((max, r) => Math.max(max, r.batch), 0) + 1;
      } catch (err) {
        throw pgError(err, this.pg, this.config.timeoutMs);
      }
      await warm;
      const done: string[] = [];
      for (const f of pending) {
        await this.runOne(knex(), f, 'up', batch);
        done.push(f.name);
      }
      if (!done.length && !this.notes.length) this.notes.push('already up to date');
      return { store: 'postgres', direction: 'up', done, capabilities, notes: this.takeNotes() };
    });
  }

  async down(opts: DownOptions = {}): Promise<MigrateResult> {
    const chosen = [opts.steps !== undefined, opts.to !== undefined, Boolean(opts.all)].filter(Boolean).length;
    if (chosen > 1) throw usageError('pass only one of --steps, --to and --all', 'e.g. recruit-db rollback --steps 1');
    if (opts.steps !== undefined && (!Number.isInteger(opts.steps) || opts.steps < 1)) {
      throw usageError(`--steps must be a positive integer, got "${opts.steps}"`, 'e.g. --steps 1');
    }
    if (!opts.dryRun) assertNotProduction(this.config, opts.allowProduction, 'roll back PostgreSQL migrations');
    const files = this.files();
    const capabilities = await this.capabilities();
    return this.locked(async () => {
      const state = await readState(this.client).catch((err) => {
        throw pgError(err, this.pg, this.config.timeoutMs);
      });
      const c = classify(files, state);
      const appliedDesc = [...state.applied].reverse().map((r) => ({ name: canonicalName(r.name), batch: r.batch }));
      let revert: string[];
      if (opts.all) revert = appliedDesc.map((r) => r.name);
      else if (opts.steps !== undefined) revert = appliedDesc.slice(0, opts.steps).map((r) => r.name);
      else if (opts.to !== undefined) {
        const target = resolveName(files, c.missing, opts.to, '--to');
        const idx = appliedDesc.findIndex((r) => r.name === target);
        if (idx < 0) throw usageError(`migration ${target} is not applied, so there is nothing after it to roll back`, 'pass an applied migration (see recruit-db status --only postgres)');
        revert = appliedDesc.slice(0, idx).map((r) => r.name);
      } else {
        const last = appliedDesc[0]?.batch;
        revert = appliedDesc.filter((r) => r.batch === last).map((r) => r.name);
      }
      const missing = revert.filter((n) => c.missing.includes(n));
      if (missing.length) throw this.missingError(missing);
      const byName = new Map(files.map((f) => [f.name, f]));
      const toRun = revert.map((n) => byName.get(n)!);
      const knex = () => this.knex(files);
      if (opts.dryRun) {
        const plan = await this.capture(knex(), toRun, 'down');
        return { store: 'postgres', direction: 'down', done: [], plan, capabilities, notes: this.takeNotes() };
      }
      try {
        await this.prepareBookkeeping(knex, state);
      } catch (err) {
        throw pgError(err, this.pg, this.config.timeoutMs);
      }
      const done: string[] = [];
      for (const f of toRun) {
        await this.runOne(knex(), f, 'down', 0);
        done.push(f.name);
      }
      if (!done.length) this.notes.push('nothing to roll back');
      return { store: 'postgres', direction: 'down', done, capabilities, notes: this.takeNotes() };
    });
  }

  async close(): Promise<void> {
    await this.knexInstance?.destroy().catch(() => undefined);
    await this.client.end().catch(() => undefined);
  }

  /**
   * knex's own tables, as knex's migrator creates them (the same schema-builder calls, so the plain
   * knex CLI finds them as it expects), our checksum table and the lock row: one round trip, and
   * all or nothing (a multi-statement query is one implicit transaction).
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
      `CREATE TABLE IF NOT EXISTS ${CHECKSUM_TABLE} (name text PRIMARY KEY, checksum text NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now())`,
    );
    await this.client.query(sql.join(';\n'));
    this.knexRowLocked = true;
    await this.canonicaliseNames(state);
  }

  /** One migration, its knex_migrations row and its checksum row in one transaction: all or nothing. */
  private async runOne(knex: Knex, f: MigrationFile, direction: 'up' | 'down', batch: number): Promise<void> {
    const mod = await loadMigration(f);
    // The DDL helpers are loaded with the first migration that runs, not by a run with nothing to do.
    const { pipelineDdl } = await import('./ddl');
    let started = false;
    const body = async (db: Knex) => {
      started = true;
      await pipelineDdl(db, () => mod[direction](db));
      // One statement for both bookkeeping rows: a round trip per migration saved.
      if (direction === 'up') {
        await db.raw(
          `WITH m AS (INSERT INTO ${KNEX_TABLE} (name, batch, migration_time) VALUES (?, ?, now()))
           INSERT INTO ${CHECKSUM_TABLE} (name, checksum, recorded_at) VALUES (?, ?, now())
           ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, recorded_at = EXCLUDED.recorded_at`,
          [f.name, batch, f.name, checksumOf(f)],
        );
      } else {
        await db.raw(`WITH m AS (DELETE FROM ${KNEX_TABLE} WHERE name = ?) DELETE FROM ${CHECKSUM_TABLE} WHERE name = ?`, [f.name, f.name]);
      }
    };
    try {
      if (mod.config?.transaction === false) await body(knex);
      else await knex.transaction((trx) => body(trx));
    } catch (err) {
      if (!started) throw err instanceof RecruitDbError ? err : pgError(err, this.pg, this.config.timeoutMs);
      throw this.failed(f, mod, err, false);
    }
  }

  private takeNotes(): string[] {
    return this.notes.splice(0);
  }

  private async recordChecksum(db: Client, f: MigrationFile): Promise<void> {
    await db.query(
      `INSERT INTO ${CHECKSUM_TABLE} (name, checksum, recorded_at) VALUES ($1, $2, now())
       ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, recorded_at = EXCLUDED.recorded_at`,
      [f.name, checksumOf(f)],
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

/**
 * Opens the PostgreSQL migrator: knex migrations from migrations/ (compiled to dist/migrations),
 * recorded in knex_migrations like the plain knex CLI does, with checksums and a self-freeing lock.
 */
export async function openPostgresMigrator(config: Config, opts: { migrationsDir?: string } = {}): Promise<StoreMigrator> {
  const pg = requireStore(config, 'postgres');
  const client = await connectPg(pg, config.timeoutMs);
  return new PostgresMigrator(config, pg, client, opts.migrationsDir);
}

const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

const TEMPLATE = (name: string) => `import type { Knex } from 'knex';

/**
 * ${name.replace(/_/g, ' ')}: say why this change exists. Runs in its own transaction; \`down\` must
 * undo exactly what \`up\` did. Never edit this file once it has run anywhere: add a new migration.
 */
export async function up(knex: Knex): Promise<void> {
  // e.g. await knex.schema.alterTable('users', (t) => t.text('nickname'));
}

export async function down(knex: Knex): Promise<void> {
  // e.g. await knex.schema.alterTable('users', (t) => t.dropColumn('nickname'));
}
`;

/** Creates migrations/NNNN_<name>.ts (the next number after the highest) from the template. */
export function createMigrationFile(name: string, override?: string): { file: string; name: string } {
  if (!SNAKE_CASE.test(name)) {
    throw usageError(`migration name "${name}" is not snake_case`, 'use lowercase letters, digits and underscores, starting with a letter, e.g. add_user_nickname');
  }
  const dir = migrationsDirs(override).source;
  if (!existsSync(dir)) throw usageError(`migrations folder ${dir} does not exist`, `create it, or fix ${MIGRATIONS_DIR_ENV} / --migrations-dir`);
  const numbers = readdirSync(dir)
    .map((f) => /^(\d{4})_/.exec(f)?.[1])
    .filter((n): n is string => Boolean(n))
    .map(Number);
  const next = (numbers.length ? Math.max(...numbers) : 0) + 1;
  if (next > 9999) throw usageError('migration numbers are exhausted (9999)', 'squash old migrations');
  const stem = `${String(next).padStart(4, '0')}_${name}`;
  const file = join(dir, `${stem}.ts`);
  writeFileSync(file, TEMPLATE(name), { flag: 'wx' });
  return { file, name: `${stem}.ts` };
}
