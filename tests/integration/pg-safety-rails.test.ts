/**
 * Issue 14, the migrator's safety rails: every PostgreSQL migration runs with lock_timeout and
 * statement_timeout set (configurable), a migration that times out waiting for a lock (55P03) is
 * retried a bounded number of times and reported as such, and one that runs too long is stopped.
 * Before, a migration behind a busy table waited for ever, queueing every query on that table.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { onStderr, runCli, startCli } from '../helpers/cli';
import { cliEnv, freshPgDatabase } from '../helpers/stores';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups) await c().catch(() => undefined);
});

async function setup(files: Record<string, string>) {
  const db = await freshPgDatabase('rdbrails');
  cleanups.push(db.drop);
  const dir = mkdtempSync(join(tmpdir(), 'rdb-rails-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  const env = (extra: Record<string, string> = {}) => cliEnv({ DATABASE_URL: db.url, RECRUIT_DB_MIGRATIONS_DIR: dir, ...extra });
  return { db, dir, env };
}

const table = "exports.up = async (k) => { await k.schema.createTable('busy', (t) => { t.increments('id'); }); };\nexports.down = async (k) => { await k.schema.dropTable('busy'); };\n";
const alter = "exports.up = async (k) => { await k.schema.alterTable('busy', (t) => { t.text('note'); }); };\nexports.down = async (k) => { await k.schema.alterTable('busy', (t) => { t.dropColumn('note'); }); };\n";
const settings =
  "exports.up = async (k) => { const r = await k.raw(\"SELECT current_setting('lock_timeout') AS l, current_setting('statement_timeout') AS s\"); await k.raw('CREATE TABLE seen (l text, s text)'); await k.raw('INSERT INTO seen VALUES (?, ?)', [r.rows[0].l, r.rows[0].s]); };\nexports.down = async (k) => { await k.raw('DROP TABLE seen'); };\n";

async function holdLock(url: string, ms: number): Promise<Client> {
  const c = new Client({ connectionString: url });
  // The test database is dropped WITH (FORCE) at the end, which ends this session.
  c.on('error', () => undefined);
  await c.connect();
  await c.query('BEGIN');
  await c.query('LOCK TABLE busy IN ACCESS SHARE MODE');
  setTimeout(() => c.query('COMMIT').then(() => c.end()).catch(() => undefined), ms).unref();
  return c;
}

describe('PostgreSQL migrations run with lock_timeout and statement_timeout (issue 14)', () => {
  it('sets both on the session of every migration, with the documented defaults and from the environment', async () => {
    const { db, env } = await setup({ '0001_settings.js': settings });
    expect((await runCli(['migrate', '--only', 'postgres'], { env: env() })).code).toBe(0);
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      expect((await c.query('SELECT l, s FROM seen')).rows[0]).toEqual({ l: '10s', s: '15min' });
    } finally {
      await c.end();
    }
    expect((await runCli(['rollback', '--only', 'postgres'], { env: env() })).code).toBe(0);
    expect((await runCli(['migrate', '--only', 'postgres'], { env: env({ RECRUIT_DB_MIGRATION_LOCK_TIMEOUT_MS: '1500', RECRUIT_DB_MIGRATION_STATEMENT_TIMEOUT_MS: '60000' }) })).code).toBe(0);
    const c2 = new Client({ connectionString: db.url });
    await c2.connect();
    try {
      expect((await c2.query('SELECT l, s FROM seen')).rows[0]).toEqual({ l: '1500ms', s: '1min' });
    } finally {
      await c2.end();
    }
  });

  it('a migration behind a busy table gives up after lock_timeout and is retried; the retry is reported', async () => {
    const { db, dir, env } = await setup({ '0001_busy.js': table });
    expect((await runCli(['migrate', '--only', 'postgres'], { env: env() })).code).toBe(0);
    writeFileSync(join(dir, '0002_alter.js'), alter);
    // Held until the first attempt (300 ms) has timed out and said so; a retry then gets through.
    const holder = await holdLock(db.url, 60_000);
    const run = startCli(['migrate', '--only', 'postgres'], { env: env({ RECRUIT_DB_MIGRATION_LOCK_TIMEOUT_MS: '300', RECRUIT_DB_MIGRATION_LOCK_RETRIES: '4' }) });
    onStderr(run, /waiting for a table lock/, () => holder.query('COMMIT'));
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/postgres: waiting for a table lock: 0002_alter\.ts: lock timeout after 300 ms \(55P03\), attempt 1 of 5; retrying in 500 ms/);
    expect(r.stdout).toMatch(/postgres: 0002_alter\.ts: lock timeout \(55P03\), applied on attempt [2-5]/);
  });

  it('when the retries run out: exit 2, nothing of it applied, naming the oldest open transaction', async () => {
    const { db, dir, env } = await setup({ '0001_busy.js': table });
    expect((await runCli(['migrate', '--only', 'postgres'], { env: env() })).code).toBe(0);
    writeFileSync(join(dir, '0002_alter.js'), alter);
    const holder = await holdLock(db.url, 20_000);
    const pid = (await holder.query('SELECT pg_backend_pid() AS p')).rows[0].p;
    const r = await runCli(['migrate', '--only', 'postgres'], { env: env({ RECRUIT_DB_MIGRATION_LOCK_TIMEOUT_MS: '200', RECRUIT_DB_MIGRATION_LOCK_RETRIES: '1' }) });
    expect(r.code).toBe(2);
    const line = r.stderr.trim().split('\n').pop()!;
    expect(line).toMatch(new RegExp(`^recruit-db: postgres: migration 0002_alter\\.ts could not take a lock within 200 ms \\(55P03\\) in 2 attempts; nothing of it was applied; the oldest open transaction is pid ${pid} `));
    expect(line).toMatch(/hint: run it again when that session is done, or raise RECRUIT_DB_MIGRATION_LOCK_TIMEOUT_MS/);
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      expect((await c.query("SELECT count(*)::int AS n FROM knex_migrations WHERE name = '0002_alter.ts'")).rows[0].n).toBe(0);
    } finally {
      await c.end();
    }
  });

  it('a statement running past statement_timeout is stopped and reported as such (exit 1)', async () => {
    const { env } = await setup({ '0001_slow.js': "exports.up = async (k) => { await k.raw('SELECT pg_sleep(5)'); };\nexports.down = async () => {};\n" });
    const r = await runCli(['migrate', '--only', 'postgres'], { env: env({ RECRUIT_DB_MIGRATION_STATEMENT_TIMEOUT_MS: '300' }) });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').pop()).toMatch(/^recruit-db: postgres: migration 0001_slow\.ts failed: canceling statement due to statement timeout \(nothing of it was applied\) \(hint: it ran longer than RECRUIT_DB_MIGRATION_STATEMENT_TIMEOUT_MS \(300 ms\)/);
  });
});
