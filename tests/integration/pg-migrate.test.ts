import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { introspectPostgres } from '../../src/stores/postgres/introspect';
import { ADVISORY_LOCK_KEY, listMigrationFiles, openPostgresMigrator } from '../../src/stores/postgres/migrate';
import { loadConfig } from '../../src/config';
import { BIN, onStderr, REPO, runCli, startCli, type CliResult } from '../helpers/cli';
import { baseConfig, cliEnv, freshPgDatabase, uniqueName } from '../helpers/stores';

/**
 * The PostgreSQL side of `migrate`, `rollback`, `status` and `make`, driven as a user would: the
 * compiled CLI in a real process (run `npm run build` first), each case on a database
 * of its own. Works with whatever migrations are in migrations/; failure and edit cases use
 * throwaway migrations in temp folders (RECRUIT_DB_MIGRATIONS_DIR).
 */

const password = decodeURIComponent(new URL(baseConfig().postgres!.url).password);
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

async function freshDb(): Promise<{ url: string; database: string }> {
  const db = await freshPgDatabase('rdbmig');
  cleanups.push(db.drop);
  return db;
}

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const cli = (args: string[], url: string, extra: Record<string, string | undefined> = {}): Promise<CliResult> =>
  runCli(args, { env: cliEnv({ DATABASE_URL: url, ...extra }) });

function expectNoSecret(r: CliResult): void {
  expect(password.length).toBeGreaterThan(3);
  expect(r.stdout + r.stderr).not.toContain(password);
}

function expectOneLineError(r: CliResult, code: number, ...mentions: RegExp[]): void {
  expect(r.code, r.stdout + r.stderr).toBe(code);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^recruit-db: /);
  for (const m of mentions) expect(lines[0]).toMatch(m);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expectNoSecret(r);
}

function tempMigrations(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rdb-migs-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const createTable = (table: string, extraUp = '') => `
exports.up = async (knex) => { await knex.schema.createTable('${table}', (t) => { t.increments('id'); }); ${extraUp} };
exports.down = async (knex) => { await knex.schema.dropTable('${table}'); };
`;

async function publicObjects(url: string): Promise<{ tables: string[]; types: string[]; functions: string[] }> {
  return withClient(url, async (c) => ({
    tables: (await c.query(`SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r','p','v','m') ORDER BY 1`)).rows.map((r) => r.relname),
    types: (await c.query(`SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typtype IN ('e','d') ORDER BY 1`)).rows.map((r) => r.typname),
    functions: (await c.query(`SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' ORDER BY 1`)).rows.map((r) => r.proname),
  }));
}

async function appliedNames(url: string): Promise<string[]> {
  return withClient(url, async (c) => (await c.query('SELECT name FROM knex_migrations ORDER BY id')).rows.map((r) => r.name));
}

/** The schema as pg_dump prints it, minus the per-run \restrict token pg_dump 15.14+ adds. */
function schemaDump(url: string): string {
  const r = spawnSync('pg_dump', ['--schema-only', '--no-owner', url], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.replace(/^\\(un)?restrict .*$/gm, '');
}

const BOOKKEEPING = ['knex_migrations', 'knex_migrations_lock', 'recruit_db_meta', 'recruit_db_migration_checksums'];
const repoMigrations = listMigrationFiles().map((f) => f.name);

describe('recruit-db migrate / status / rollback (postgres)', () => {
  beforeAll(() => {
    expect(readdirSync(join(REPO, 'dist/src/stores/postgres'))).toContain('migrate.js');
  });

  it('migrate applies every migration, status lists them with times, rollback --all leaves nothing, and a second migrate rebuilds the identical catalog', async () => {
    const { url } = await freshDb();
    const m = await cli(['migrate', '--only', 'postgres'], url);
    expect(m.code, m.stderr).toBe(0);
    // Not a terminal: one progress line per finished phase, with its count and elapsed time.
    expect(m.stderr).toMatch(new RegExp(`^postgres: migrate: ${repoMigrations.length} migrations in \\d+\\.\\ds\n$`));
    expect(await appliedNames(url)).toEqual(repoMigrations);

    const s = await cli(['status', '--only', 'postgres', '--json'], url);
    expect(s.code, s.stderr).toBe(0);
    const status = JSON.parse(s.stdout);
    const pg = status.stores.find((x: { store: string }) => x.store === 'postgres').result;
    expect(pg.entries.map((e: { name: string }) => e.name)).toEqual(repoMigrations);
    for (const e of pg.entries) {
      expect(e.state).toBe('applied');
      expect(Date.parse(e.appliedAt)).toBeGreaterThan(Date.now() - 10 * 60_000);
      expect(e.batch).toBe(1);
    }
    expect(pg.capabilities.map((c: { feature: string }) => c.feature).sort()).toEqual(['btree_gist', 'pgvector']);
    expect(pg.target).not.toContain(password);
    const text = await cli(['status', '--only', 'postgres'], url);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^postgres\s/m);
    if (repoMigrations.length) expect(text.stdout).toMatch(new RegExp(`${repoMigrations[0].replace('.', '\\.')}\\s+applied\\s+\\d{4}-`));

    const dump1 = schemaDump(url);
    const shape1 = await withClient(url, (c) => introspectPostgres(c));

    const r = await cli(['rollback', '--only', 'postgres', '--all'], url);
    expect(r.code, r.stderr).toBe(0);
    const left = await publicObjects(url);
    expect(left.tables.filter((t) => !BOOKKEEPING.includes(t))).toEqual([]);
    expect(left.types).toEqual([]);
    expect(left.functions).toEqual([]);
    expect(await appliedNames(url)).toEqual([]);
    const checksums = await withClient(url, async (c) => (await c.query('SELECT count(*)::int AS n FROM recruit_db_migration_checksums')).rows[0].n);
    expect(checksums).toBe(0);

    const again = await cli(['migrate', '--only', 'postgres'], url);
    expect(again.code, again.stderr).toBe(0);
    expect(schemaDump(url)).toBe(dump1);
    expect(await withClient(url, (c) => introspectPostgres(c))).toEqual(shape1);
  });

  it('four concurrent migrate processes on an empty database all exit 0 and apply each migration once', async () => {
    const { url } = await freshDb();
    const runs = await Promise.all([1, 2, 3, 4].map(() => cli(['migrate', '--only', 'postgres'], url)));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const names = await appliedNames(url);
    expect(names).toEqual(repoMigrations);
    expect(new Set(names).size).toBe(names.length);
    // Exactly one process did the work; the others found nothing pending.
    expect(runs.filter((r) => /applied \d+ migration/.test(r.stdout))).toHaveLength(repoMigrations.length ? 1 : 0);
  });

  it('a migrate killed with SIGKILL mid-run leaves no lock behind: the next run finishes without manual unlocking', async () => {
    const { url } = await freshDb();
    const dir = tempMigrations({
      '0001_first.js': createTable('first_t'),
      '0002_slow.js': createTable('slow_t', `if (process.env.RDB_TEST_SLOW === '1') await knex.raw('SELECT pg_sleep(120)');`),
      '0003_third.js': createTable('third_t'),
    });
    const env = cliEnv({ DATABASE_URL: url, RECRUIT_DB_MIGRATIONS_DIR: dir, RDB_TEST_SLOW: '1' });
    const child = spawn(process.execPath, [BIN, 'migrate', '--only', 'postgres'], { env, cwd: tmpdir(), stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_c, sig) => res(sig)));
    try {
      await withClient(url, async (c) => {
        const deadline = Date.now() + 30_000;
        for (;;) {
          const r = await c.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(120)%' AND pid <> pg_backend_pid()`);
          if (r.rowCount) break;
          if (Date.now() > deadline) throw new Error('the slow migration never started');
          await new Promise((res) => setTimeout(res, 100));
        }
      });
    } finally {
      child.kill('SIGKILL');
    }
    expect(await exited).toBe('SIGKILL');

    const next = await runCli(['migrate', '--only', 'postgres'], { env: { ...env, RDB_TEST_SLOW: '0' }, timeoutMs: 60_000 });
    expect(next.code, next.stderr).toBe(0);
    expect(next.ms).toBeLessThan(30_000);
    expect(await appliedNames(url)).toEqual(['0001_first.ts', '0002_slow.ts', '0003_third.ts']);
    expect((await publicObjects(url)).tables).toEqual(expect.arrayContaining(['first_t', 'slow_t', 'third_t']));
  });

  it('an edited applied migration shows as changed; migrate refuses naming the file until --accept-changed', async () => {
    const { url } = await freshDb();
    const dir = tempMigrations({ '0001_alpha.js': createTable('alpha_t'), '0002_beta.js': createTable('beta_t') });
    const extra = { RECRUIT_DB_MIGRATIONS_DIR: dir };
    expect((await cli(['migrate', '--only', 'postgres'], url, extra)).code).toBe(0);
    expect((await cli(['status', '--only', 'postgres'], url, extra)).code).toBe(0);

    appendFileSync(join(dir, '0001_alpha.js'), '\n// edited after it ran\n');
    const s = await cli(['status', '--only', 'postgres', '--json'], url, extra);
    expect(s.code).toBe(1);
    const entries = JSON.parse(s.stdout).stores[0].result.entries;
    expect(entries.map((e: { name: string; state: string }) => `${e.name}:${e.state}`)).toEqual(['0001_alpha.ts:changed', '0002_beta.ts:applied']);
    const text = await cli(['status', '--only', 'postgres'], url, extra);
    expect(text.stdout).toMatch(/0001_alpha\.ts\s+changed/);

    const refused = await cli(['migrate', '--only', 'postgres'], url, extra);
    expectOneLineError(refused, 1, /0001_alpha\.js/, /--accept-changed/);

    const accepted = await cli(['migrate', '--only', 'postgres', '--accept-changed'], url, extra);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect((await cli(['status', '--only', 'postgres'], url, extra)).code).toBe(0);

    rmSync(join(dir, '0002_beta.js'));
    const missing = await cli(['status', '--only', 'postgres', '--json'], url, extra);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).stores[0].result.entries.find((e: { name: string }) => e.name === '0002_beta.ts').state).toBe('missing');
    expectOneLineError(await cli(['migrate', '--only', 'postgres'], url, extra), 1, /0002_beta\.ts/);
  });

  it('a failing migration leaves no partial schema, is not recorded, and is reported on one line', async () => {
    const { url } = await freshDb();
    const dir = tempMigrations({
      '0001_good.js': createTable('good_t'),
      '0002_bad.js': `
exports.up = async (knex) => {
  await knex.schema.createTable('half_done', (t) => { t.increments('id'); });
  await knex.raw('ALTER TABLE no_such_table ADD COLUMN x int');
};
exports.down = async () => {};
`,
    });
    const r = await cli(['migrate', '--only', 'postgres'], url, { RECRUIT_DB_MIGRATIONS_DIR: dir });
    expectOneLineError(r, 1, /0002_bad/, /no_such_table/, /does not exist/);
    expect(r.stderr).not.toMatch(/ALTER TABLE/);
    expect(await appliedNames(url)).toEqual(['0001_good.ts']);
    const tables = (await publicObjects(url)).tables;
    expect(tables).toContain('good_t');
    expect(tables).not.toContain('half_done');
  });

  it('a failing table in the middle of pipelined createTable calls is the error reported, not the aborted transaction after it', async () => {
    const { url } = await freshDb();
    // The compiled helpers, so the CLI pipelines these tables as it does the repository's migrations.
    const ddl = JSON.stringify(join(REPO, 'dist/src/stores/postgres/ddl.js'));
    const dir = tempMigrations({
      '0001_tables.js': `
const { createTable, createUpdatedAtFunction } = require(${ddl});
exports.up = async (knex) => {
  await createUpdatedAtFunction(knex);
  await createTable(knex, 'first_t', (k) => { k.text('label'); });
  await createTable(knex, 'broken_t', (k) => { k.fk('first_id', 'no_such_parent', 'CASCADE'); });
  await createTable(knex, 'third_t', (k) => { k.fk('first_id', 'first_t', 'CASCADE'); });
  await knex.raw('SELECT 1');
};
exports.down = async () => {};
`,
    });
    const r = await cli(['migrate', '--only', 'postgres'], url, { RECRUIT_DB_MIGRATIONS_DIR: dir });
    expectOneLineError(r, 1, /0001_tables/, /relation "no_such_parent" does not exist/);
    expect(r.stderr).not.toMatch(/transaction is aborted/);
    expect(await appliedNames(url)).toEqual([]);
    expect(await publicObjects(url)).toEqual({ tables: BOOKKEEPING, types: [], functions: [] });
  });

  it('a migrate behind a held lock says it waits and for whom, and gives up after RECRUIT_DB_LOCK_WAIT_MS with one line naming the holder', async () => {
    const { url, database } = await freshDb();
    await withClient(url, async (holder) => {
      await holder.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_KEY]);
      const pid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;

      const waited1 = await cli(['migrate', '--only', 'postgres'], url, { RECRUIT_DB_LOCK_WAIT_MS: '800' });
      const [notice, ...rest] = waited1.stderr.trim().split('\n');
      expect(notice).toMatch(new RegExp(`^postgres: waiting for the migration lock: another migrate run holds the lock on ${database} \\(pid ${pid}, connected for \\d+(\\.\\d)?s\\); waiting up to 0\\.8s$`));
      const r = { ...waited1, stderr: rest.join('\n') + '\n' };
      expectOneLineError(r, 2, new RegExp(`another migrate run holds the lock on ${database} \\(pid ${pid}, connected for \\d+(\\.\\d)?s\\); waited \\d+(\\.\\d)?s`), /RECRUIT_DB_LOCK_WAIT_MS/);
      const waited = Number(/waited (\d+(?:\.\d)?)s/.exec(r.stderr)![1]);
      expect(waited).toBeGreaterThanOrEqual(0.8);
      expect(waited).toBeLessThan(10);
      expect(r.stdout).toBe('');
      expect(await publicObjects(url)).toEqual({ tables: [], types: [], functions: [] });

      expectOneLineError(await cli(['migrate', '--only', 'postgres'], url, { RECRUIT_DB_LOCK_WAIT_MS: 'soon' }), 2, /RECRUIT_DB_LOCK_WAIT_MS must be a whole number/);

      // Released while a run waits within its bound: that run proceeds and says nothing about the wait.
      // Released once the run says it waits (a fixed delay can elapse before a loaded machine starts it).
      const waiting = startCli(['migrate', '--only', 'postgres'], { env: cliEnv({ DATABASE_URL: url, RECRUIT_DB_LOCK_WAIT_MS: '30000' }) });
      onStderr(waiting, /waiting for the migration lock/, () => holder.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_KEY]));
      const ok = await waiting.done;
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stderr).toMatch(/^postgres: waiting for the migration lock: another migrate run holds the lock .*\npostgres: migrate: \d+ migrations in /);
      expect(ok.stdout).not.toMatch(/holds the lock|waited/);
      expect(await appliedNames(url)).toEqual(repoMigrations);
    });
  });

  it('--dry-run prints the SQL and leaves the database empty', async () => {
    const { url } = await freshDb();
    const dir = tempMigrations({ '0001_alpha.js': createTable('alpha_t'), '0002_beta.js': createTable('beta_t') });
    const r = await cli(['migrate', '--only', 'postgres', '--dry-run'], url, { RECRUIT_DB_MIGRATIONS_DIR: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/-- up 0001_alpha\.ts/);
    expect(r.stdout).toMatch(/create table "alpha_t"/i);
    expect(r.stdout).toMatch(/create table "beta_t"/i);
    expect(await publicObjects(url)).toEqual({ tables: [], types: [], functions: [] });

    // The repository's own migrations too: a plan, and still nothing created.
    const real = await cli(['migrate', '--only', 'postgres', '--dry-run', '--json'], url);
    expect(real.code, real.stderr).toBe(0);
    const plan: string[] = JSON.parse(real.stdout).stores[0].result.plan;
    if (repoMigrations.length) expect(plan.some((s) => /^create table/i.test(s))).toBe(true);
    expect(await publicObjects(url)).toEqual({ tables: [], types: [], functions: [] });
  });

  it('rollback: default is the last batch, --steps N, --to NAME; bad values are usage errors that touch nothing', async () => {
    const { url } = await freshDb();
    const dir = tempMigrations({ '0001_a.js': createTable('a_t'), '0002_b.js': createTable('b_t'), '0003_c.js': createTable('c_t'), '0004_d.js': createTable('d_t') });
    const extra = { RECRUIT_DB_MIGRATIONS_DIR: dir };
    expect((await cli(['migrate', '--only', 'postgres', '--to', '0002_b'], url, extra)).code).toBe(0);
    expect(await appliedNames(url)).toEqual(['0001_a.ts', '0002_b.ts']);
    expect((await cli(['migrate', '--only', 'postgres'], url, extra)).code).toBe(0);

    for (const bad of ['0', '-1', 'abc', '1.5']) {
      expectOneLineError(await cli(['rollback', '--only', 'postgres', '--steps', bad], url, extra), 2, /--steps must be a positive integer/);
    }
    expectOneLineError(await cli(['migrate', '--only', 'postgres', '--to', 'no_such_migration'], url, extra), 2, /unknown migration "no_such_migration"/);
    expectOneLineError(await cli(['rollback', '--only', 'postgres', '--to', 'nope'], url, extra), 2, /unknown migration "nope"/);
    expectOneLineError(await cli(['rollback', '--only', 'postgres', '--steps', '1', '--all'], url, extra), 2, /only one of/);
    expect(await appliedNames(url)).toHaveLength(4);

    const last = await cli(['rollback', '--only', 'postgres'], url, extra);
    expect(last.code, last.stderr).toBe(0);
    expect(await appliedNames(url)).toEqual(['0001_a.ts', '0002_b.ts']);
    expect((await cli(['migrate', '--only', 'postgres'], url, extra)).code).toBe(0);
    expect((await cli(['rollback', '--only', 'postgres', '--steps', '1'], url, extra)).code).toBe(0);
    expect(await appliedNames(url)).toEqual(['0001_a.ts', '0002_b.ts', '0003_c.ts']);
    expect((await cli(['rollback', '--only', 'postgres', '--to', '0001_a.js'], url, extra)).code).toBe(0);
    expect(await appliedNames(url)).toEqual(['0001_a.ts']);
    expect((await publicObjects(url)).tables.filter((t) => !BOOKKEEPING.includes(t))).toEqual(['a_t']);

    const prod = await cli(['rollback', '--only', 'postgres', '--all'], url, { ...extra, RECRUIT_DB_ENV: 'production' });
    expectOneLineError(prod, 2, /production/, /--allow-production/);
    expect(await appliedNames(url)).toEqual(['0001_a.ts']);
    const allowed = await cli(['rollback', '--only', 'postgres', '--all', '--allow-production'], url, { ...extra, RECRUIT_DB_ENV: 'production' });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(await appliedNames(url)).toEqual([]);
  });

  it('connection and privilege problems are one line, exit 2, without the password', async () => {
    const base = new URL(baseConfig().postgres!.url);
    const nowhere = new URL(base.toString());
    nowhere.pathname = `/${uniqueName('rdb_absent').toLowerCase()}`;
    for (const cmd of ['migrate', 'status', 'rollback']) {
      expectOneLineError(await cli([cmd, '--only', 'postgres'], nowhere.toString()), 2, /does not exist/, /createdb|DATABASE_URL/);
    }

    const { url, database } = await freshDb();
    const role = uniqueName('rdb_noddl').toLowerCase();
    const rolePassword = `pw_${uniqueName('x')}`;
    await withClient(base.toString(), async (c) => {
      await c.query(`CREATE ROLE "${role}" LOGIN PASSWORD '${rolePassword}'`);
      await c.query(`GRANT CONNECT ON DATABASE "${database}" TO "${role}"`);
    });
    cleanups.push(() => withClient(base.toString(), async (c) => void (await c.query(`REVOKE ALL ON DATABASE "${database}" FROM "${role}"; DROP ROLE IF EXISTS "${role}"`))));
    await withClient(url, (c) => c.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`));
    const limited = new URL(url);
    limited.username = role;
    limited.password = rolePassword;
    const r = await cli(['migrate', '--only', 'postgres'], limited.toString());
    expectOneLineError(r, 2, /permission denied/);
    expect(r.stdout + r.stderr).not.toContain(rolePassword);
    expect((await publicObjects(url)).tables).toEqual([]);
  });

  it('the plain knex CLI and recruit-db share migrations and bookkeeping', async () => {
    const { url } = await freshDb();
    const knexEnv = { ...cliEnv({ DATABASE_URL: url }), TS_NODE_TRANSPILE_ONLY: 'true' };
    const k = spawnSync('npx', ['knex', '--knexfile', 'knexfile.ts', 'migrate:latest'], { cwd: REPO, env: knexEnv, encoding: 'utf8', timeout: 120_000 });
    expect(k.status, k.stderr + k.stdout).toBe(0);
    expect(await appliedNames(url)).toEqual(repoMigrations);

    const s = await cli(['status', '--only', 'postgres', '--json'], url);
    expect(s.code, s.stderr).toBe(0);
    const entries = JSON.parse(s.stdout).stores[0].result.entries;
    expect(entries.every((e: { state: string }) => e.state === 'applied')).toBe(true);
    expect(entries).toHaveLength(repoMigrations.length);
    const m = await cli(['migrate', '--only', 'postgres'], url);
    expect(m.code, m.stderr).toBe(0);
    expect(await appliedNames(url)).toEqual(repoMigrations);

    // recruit-db reverts what knex applied, then records what it applies (from the compiled .js)
    // under the names the knex CLI expects for migrations/*.ts.
    const back = await cli(['rollback', '--only', 'postgres', '--all'], url);
    expect(back.code, back.stderr).toBe(0);
    expect(await appliedNames(url)).toEqual([]);
    expect((await cli(['migrate', '--only', 'postgres'], url)).code).toBe(0);
    const ks = spawnSync('npx', ['knex', '--knexfile', 'knexfile.ts', 'migrate:status'], { cwd: REPO, env: knexEnv, encoding: 'utf8', timeout: 120_000 });
    expect(ks.status, ks.stderr).toBe(0);
    expect(ks.stdout).toMatch(/No Pending Migration files Found/);
  });
});

describe('recruit-db migrate: bookkeeping details (postgres)', () => {
  it('a migration with config.transaction = false runs outside a transaction, and is skipped by a dry run', async () => {
    const { url } = await freshDb();
    const dir = tempMigrations({
      '0001_table.js': createTable('big_t'),
      '0002_concurrent_index.js': `
exports.config = { transaction: false };
exports.up = async (knex) => { await knex.raw('CREATE INDEX CONCURRENTLY big_t_id_idx ON big_t (id)'); };
exports.down = async (knex) => { await knex.raw('DROP INDEX CONCURRENTLY big_t_id_idx'); };
`,
    });
    const extra = { RECRUIT_DB_MIGRATIONS_DIR: dir };
    const dry = await cli(['migrate', '--only', 'postgres', '--dry-run'], url, extra);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/0002_concurrent_index\.ts runs outside a transaction/);
    const m = await cli(['migrate', '--only', 'postgres'], url, extra);
    expect(m.code, m.stderr).toBe(0);
    const idx = await withClient(url, async (c) => (await c.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'big_t' ORDER BY 1`)).rows.map((r) => r.indexname));
    expect(idx).toEqual(['big_t_id_idx', 'big_t_pkey']);
    expect((await cli(['rollback', '--only', 'postgres', '--steps', '1'], url, extra)).code).toBe(0);
    expect(await appliedNames(url)).toEqual(['0001_table.ts']);
    const lock = await withClient(url, async (c) => (await c.query('SELECT is_locked FROM knex_migrations_lock')).rows.map((r) => r.is_locked));
    expect(lock).toEqual([0]);
  });

  it('rows recorded as .js (knex run against dist/) count as the same migrations and are renamed to .ts', async () => {
    const { url } = await freshDb();
    const dir = tempMigrations({ '0001_a.js': createTable('a_t'), '0002_b.js': createTable('b_t') });
    const extra = { RECRUIT_DB_MIGRATIONS_DIR: dir };
    expect((await cli(['migrate', '--only', 'postgres', '--to', '0001_a'], url, extra)).code).toBe(0);
    await withClient(url, (c) => c.query(`UPDATE knex_migrations SET name = '0001_a.js'`));
    const s = await cli(['status', '--only', 'postgres', '--json'], url, extra);
    expect(s.code, s.stderr).toBe(0);
    expect(JSON.parse(s.stdout).stores[0].result.entries.map((e: { state: string }) => e.state)).toEqual(['applied', 'pending']);
    const m = await cli(['migrate', '--only', 'postgres'], url, extra);
    expect(m.code, m.stderr).toBe(0);
    expect(await appliedNames(url)).toEqual(['0001_a.ts', '0002_b.ts']);
  });
});

describe('openPostgresMigrator (library, under a TypeScript loader)', () => {
  it('loads migrations/*.ts directly, records the same names, and reports capabilities', async () => {
    const { url } = await freshDb();
    const config = loadConfig({ databaseUrl: url }, { RECRUIT_DB_ENV: 'test' }, tmpdir());
    const m = await openPostgresMigrator(config);
    try {
      const up = await m.up({});
      expect(up.done).toEqual(repoMigrations);
      const st = await m.status();
      expect(st.entries.every((e) => e.state === 'applied')).toBe(true);
      expect(st.capabilities.find((c) => c.feature === 'btree_gist')?.supported).toBe(true);
      await expect(m.down({ steps: 0 })).rejects.toThrow(/positive integer/);
      const prod = await openPostgresMigrator({ ...config, env: 'production' });
      try {
        await expect(prod.down({ all: true })).rejects.toThrow(/production/);
      } finally {
        await prod.close();
      }
      const down = await m.down({ all: true });
      expect(down.done).toEqual([...repoMigrations].reverse());
    } finally {
      await m.close();
    }
  });
});

describe('recruit-db make', () => {
  it('numbers after the highest existing migration and refuses names that are not snake_case', async () => {
    const dir = tempMigrations({ '0007_existing.ts': 'export {};\n' });
    const env = cliEnv({ RECRUIT_DB_MIGRATIONS_DIR: dir });
    const a = await runCli(['make', 'add_user_nickname'], { env });
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toContain('0008_add_user_nickname.ts');
    const body = readFileSync(join(dir, '0008_add_user_nickname.ts'), 'utf8');
    expect(body).toMatch(/export async function up\(knex: Knex\)/);
    expect(body).toMatch(/export async function down\(knex: Knex\)/);
    const b = await runCli(['make', 'second_one', '--migrations-dir', dir], { env: cliEnv() });
    expect(b.code, b.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['0007_existing.ts', '0008_add_user_nickname.ts', '0009_second_one.ts']);

    for (const bad of ['AddUser', 'add-user', '1_add', 'add__user', 'add user', '_x']) {
      expectOneLineError(await runCli(['make', bad], { env }), 2, /snake_case/);
    }
    expect(readdirSync(dir)).toHaveLength(3);
  });

  it('every command has --help with an example', async () => {
    for (const cmd of ['migrate', 'rollback', 'status', 'make']) {
      const r = await runCli([cmd, '--help'], { env: cliEnv() });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Example/);
      expect(r.stdout).toContain(`recruit-db ${cmd}`);
    }
  });
});
