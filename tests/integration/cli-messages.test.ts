/**
 * Issue 12.4, 12.6, 12.7, 12.10, 12.11 and 11.7 (`--only ""`): what a new user, a CI engineer and
 * an ops person meet on the command line. Each case failed before its fix.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMigrationFiles, nextMigrationNumber } from '../../src/stores/postgres/migrate';
import { BIN, REPO, runCli, type CliResult } from '../helpers/cli';
import { cliEnv, freshStores } from '../helpers/stores';

let env: NodeJS.ProcessEnv;
let pgUrl: string;
let cleanup: () => Promise<void>;
const dirs: string[] = [];
beforeAll(async () => {
  const fresh = await freshStores('rdbmsg');
  ({ env, cleanup } = fresh);
  pgUrl = fresh.config.postgres!.url;
});
afterAll(async () => {
  await cleanup?.();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const tmp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};

async function tableCount(): Promise<number> {
  const c = new Client({ connectionString: pgUrl });
  await c.connect();
  try {
    return (await c.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).rows[0].n;
  } finally {
    await c.end();
  }
}

/** The installed command itself (its shebang), not `node bin/recruit-db`. */
function runDirect(args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string }): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { env: opts.env, cwd: opts.cwd ?? tmp('rdb-direct-') });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - started }));
  });
}

describe('--env-file (12.4)', () => {
  it("is the tool's own option: a missing file is the tool's one-line error and exit 2, not Node's exit 9", async () => {
    const r = await runDirect(['--env-file', '/nonexistent/recruit.env', 'doctor'], { env: cliEnv() });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim()).toBe('recruit-db: env file /nonexistent/recruit.env does not exist (hint: pass an existing file to --env-file, or drop the flag)');
  });

  it('reads its settings from the file it names', async () => {
    const dir = tmp('rdb-envfile-');
    writeFileSync(join(dir, 'ci.env'), `DATABASE_URL=${pgUrl}\n`);
    const r = await runDirect(['--env-file', join(dir, 'ci.env'), 'doctor', '--only', 'postgres', '--json'], { env: cliEnv({ DATABASE_URL: undefined }) });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).stores[0]).toMatchObject({ store: 'postgres', usable: true });
  });
});

describe('--only "" (11.7)', () => {
  it('names no store: refused with exit 2 before anything is written', async () => {
    const r = await runCli(['migrate', '--only', ''], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--only <stores>' argument '' is invalid\. names no store; use one or more of postgres, mongo, s3/);
    expect(await tableCount()).toBe(0);
  });
});

describe('a huge --summary (11.7)', () => {
  it('is refused by its size before it is read', () => {
    const file = join(tmp('rdb-huge-'), 'SCHEMA_SUMMARY.md');
    // Markdown text, so nothing but its size gives it away (a sparse file would look binary).
    writeFileSync(file, '## PostgreSQL Tables\n' + '| users | a row of a much too long table |\n'.repeat(2 ** 20 / 2));
    truncateSync(file, 234 * 2 ** 20);
    // A small heap: reading the file whole (0.9 GB before) would crash this process instead of refusing.
    const r = spawnSync(process.execPath, ['--max-old-space-size=96', BIN, 'verify', '--summary', file, '--only', 'postgres'], { env, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr.trim()).toMatch(/^recruit-db: schema summary .*SCHEMA_SUMMARY\.md is 234 MiB, not a schema summary \(at most 4 MiB\)/);
  });
});

describe('recruit-db on PATH (12.7)', () => {
  it('the set-up links the command: `recruit-db` then runs from any folder', () => {
    const prefix = tmp('rdb-prefix-');
    const link = spawnSync('npm', ['link', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: REPO, env: { ...process.env, npm_config_prefix: prefix }, encoding: 'utf8', timeout: 120_000 });
    expect(link.status, link.stderr).toBe(0);
    const r = spawnSync('recruit-db', ['--version'], { cwd: tmp('rdb-anywhere-'), env: { ...cliEnv(), PATH: `${join(prefix, 'bin')}:${process.env.PATH}` }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version);
    expect(readFileSync(join(REPO, 'scripts/up.sh'), 'utf8')).toMatch(/npm link/);
    expect(readFileSync(join(REPO, 'README.md'), 'utf8')).toMatch(/recruit-db` is on your PATH|npx recruit-db/);
  });
});

describe('make (11.7, 12.10, issue 14)', () => {
  it('refuses a name that already exists, and --help names the real next number', async () => {
    const dir = tmp('rdb-make-');
    writeFileSync(join(dir, '0001_extensions_and_enums.ts'), 'export {};\n');
    writeFileSync(join(dir, '0002_user_management.ts'), 'export {};\n');
    const r = await runCli(['make', 'extensions_and_enums', '--migrations-dir', dir], { env: cliEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^recruit-db: a migration named extensions_and_enums already exists \(0001_extensions_and_enums\.ts\); nothing was created/);
    expect(readdirSync(dir)).toHaveLength(2);

    const help = await runCli(['make', '--help'], { env: cliEnv() });
    const next = String(Math.max(...listMigrationFiles().map((f) => Number(f.stem.slice(0, 4)))) + 1).padStart(4, '0');
    expect(next).toBe(nextMigrationNumber());
    expect(help.stdout).toContain(`migrations/${next}_add_user_nickname.ts`);
  });

  it('the PostgreSQL template shows the safe patterns for tables that hold data', async () => {
    const dir = tmp('rdb-make-tpl-');
    expect((await runCli(['make', 'add_job_tags', '--migrations-dir', dir], { env: cliEnv() })).code).toBe(0);
    const body = readFileSync(join(dir, '0001_add_job_tags.ts'), 'utf8');
    expect(body).toMatch(/export const config = \{ transaction: false \};/);
    expect(body).toMatch(/CREATE INDEX CONCURRENTLY/);
    expect(body).toMatch(/NOT VALID/);
    expect(body).toMatch(/VALIDATE CONSTRAINT/);
    expect(body).toMatch(/ADD VALUE/);
    expect(body).toMatch(/lock_timeout/);
  });

  it('--store mongo writes a script in the sources, named after the newest one', async () => {
    const dir = tmp('rdb-make-mongo-');
    writeFileSync(join(dir, '29991231235959-far-future.ts'), 'export {};\n');
    const r = await runCli(['make', 'add_event_log_user_index', '--store', 'mongo', '--migrations-dir', dir, '--json'], { env: cliEnv() });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ store: 'mongo', name: '30000101000000-add-event-log-user-index' });
    const body = readFileSync(join(dir, '30000101000000-add-event-log-user-index.ts'), 'utf8');
    expect(body).toMatch(/export async function up\(db: Db\)/);
    expect(body).toMatch(/export async function down\(db: Db\)/);
    // Without --migrations-dir it is the TypeScript sources, never dist/.
    const { mongoSourceDir, nextMongoStamp } = await import('../../src/stores/mongo/migrate');
    expect(mongoSourceDir()).toBe(join(REPO, 'mongo-migrations'));
    // The newest script, not the folder's last file (mongo-migrations/ also holds expected-shape.txt).
    const newest = readdirSync(join(REPO, 'mongo-migrations')).filter((f) => /^\d{14}-/.test(f)).sort().pop()!.slice(0, 14);
    expect(nextMongoStamp(join(REPO, 'mongo-migrations')) > newest).toBe(true);
    const again = await runCli(['make', 'add-event-log-user-index', '--store', 'mongo', '--migrations-dir', dir], { env: cliEnv() });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
  });
});

describe('messages and missing options (12.10, 12.11)', () => {
  it('up accepts --seed N beside --no-seed, and --dry-run plans all three stores without writing', async () => {
    const r = await runCli(['up', '--seed', '42', '--dry-run', '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.dryRun).toBe(true);
    expect(out.seedPlan).toMatchObject({ seed: 42, profile: 'small', stores: ['postgres', 'mongo', 's3'] });
    const byStore = Object.fromEntries(out.stores.map((s: { store: string }) => [s.store, s]));
    expect(byStore.postgres.plan.some((s: string) => /create table/i.test(s))).toBe(true);
    expect(byStore.mongo.plan.some((s: string) => /"create"/.test(s))).toBe(true);
    expect(byStore.s3.plan).toContain('create bucket');
    expect(await tableCount()).toBe(0);
    const text = await runCli(['up', '--seed', '42', '--as-of', '2026-03-31', '--dry-run'], { env });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr).not.toMatch(/Did you mean/);
    expect(text.stdout).toMatch(/dry run: nothing written; seed 42, profile small, as of 2026-03-31 would write:/);
    expect((await runCli(['up', '--no-seed', '--dry-run', '--json'], { env }).then((x) => JSON.parse(x.stdout))).seedPlan).toBeUndefined();
  });

  it('progress: one line per phase with counts and elapsed time when not on a terminal; the opt-in read-back hash is a phase of its own', async () => {
    const r = await runCli(['up', '--seed', '7', '--verify-hash'], { env });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.trim().split('\n');
    for (const re of [
      /^postgres: migrate: \d+ migrations in \d+\.\ds$/,
      /^mongo: migrate: \d+ migrations in \d+\.\ds$/,
      /^s3: bootstrap: \d+ changes in \d+\.\ds$/,
      /^postgres: load: \d+ rows in \d+\.\ds$/,
      /^mongo: load: \d+ documents in \d+\.\ds$/,
      /^s3: load: \d+ objects in \d+\.\ds$/,
      /^content hash \(read-back\): 3 stores in \d+\.\ds$/,
      /^verify: done in \d+\.\ds \(no drift\)$/,
    ]) {
      expect(lines.some((l) => re.test(l)), `${re} in:\n${r.stderr}`).toBe(true);
    }
    // --json keeps stdout one document and stderr free of progress.
    const j = await runCli(['status', '--json'], { env });
    expect(j.stderr).toBe('');
  });

  it('progress: a live line on a terminal', () => {
    const r = spawnSync('script', ['-qec', `${process.execPath} ${BIN} migrate`, '/dev/null'], { env: { ...env, NO_COLOR: undefined, TERM: 'xterm' }, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stdout).toBe(0);
    // ora redraws the line in place (carriage return / erase line) rather than printing one per phase.
    expect(r.stdout).toMatch(/\r|\x1b\[2K|\x1b\[1G/);
    expect(r.stdout).toMatch(/postgres: migrate: 0 migrations in/);
  });

  it('seed --set users=10 plans a smaller seed instead of complaining about a table the user never named', async () => {
    const r = await runCli(['seed', '--set', 'users=10', '--dry-run', '--truncate', '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const users = JSON.parse(r.stdout).plan.postgres.items.find((i: { name: string }) => i.name === 'users');
    expect(users.units).toBeLessThanOrEqual(12);
  });

  it('verify --strict with warnings only says so, not "drift found"', async () => {
    const r = await runCli(['verify', '--strict'], { env });
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n').pop()).toMatch(/: strict: \d+ warnings count as failures \(no drift\)$/);
  });
});
