/**
 * `migrate` with nothing to do (issue 18.2), against the real server: it answers from the plan's
 * read, so it neither takes the migration lock nor writes bookkeeping; every state that a run would
 * repair (knex's lock row left set, a missing checksum, a missing environment stamp, a name recorded
 * with another extension) still takes the lock and gets repaired.
 * Drives the compiled CLI: run `npm run build` first.
 */
import { Client } from 'pg';
import { describe, expect, it } from 'vitest';
import { MIGRATE_LOCK_KEY } from '../../src/stores/postgres/lock';
import { CHECKSUM_TABLE } from '../../src/stores/postgres/migrate';
import { runCli } from '../helpers/cli';
import { emptyPgDatabases } from '../helpers/fixtures';
import { messageCounter, queryUrl } from '../helpers/pg';

const database = emptyPgDatabases();

/** Holds the migration lock on a session of its own while `work` runs. */
async function holdingLock<T>(url: string, work: () => Promise<T>): Promise<T> {
  const holder = new Client({ connectionString: url });
  await holder.connect();
  try {
    await holder.query('SELECT pg_advisory_lock($1)', [MIGRATE_LOCK_KEY]);
    return await work();
  } finally {
    await holder.end();
  }
}

/** The transaction that last wrote each bookkeeping row: a write of any of them changes its xmin. */
async function writers(url: string): Promise<string[]> {
  const rows = await queryUrl<{ w: string }>(
    url,
    `SELECT 'lock ' || xmin::text AS w FROM knex_migrations_lock
     UNION ALL SELECT 'knex ' || name || ' ' || xmin::text FROM knex_migrations
     UNION ALL SELECT 'sum ' || name || ' ' || xmin::text FROM ${CHECKSUM_TABLE}
     UNION ALL SELECT 'meta ' || key || ' ' || xmin::text FROM recruit_db_meta
     UNION ALL SELECT 'table ' || relname || ' ' || xmin::text FROM pg_class WHERE relname IN ('knex_migrations', 'knex_migrations_lock', '${CHECKSUM_TABLE}', 'recruit_db_meta')
     ORDER BY 1`,
  );
  return rows.map((r) => r.w);
}

async function migrated(prefix: string) {
  const db = await database(prefix);
  const r = await runCli(['migrate', '--only', 'postgres'], { env: db.env });
  expect(r.code, r.stderr).toBe(0);
  return db;
}

const noWait = (env: NodeJS.ProcessEnv) => ({ ...env, RECRUIT_DB_LOCK_WAIT_MS: '0' });

describe('migrate with nothing pending (postgres)', () => {
  it('answers without the migration lock and writes nothing, with the same report as before', async () => {
    const db = await migrated('rdbnoop');
    const before = await writers(db.url);
    const r = await holdingLock(db.url, () => runCli(['migrate', '--only', 'postgres', '--json'], { env: noWait(db.env) }));
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(true);
    const pg = JSON.stringify(out);
    expect(pg).toMatch(/already up to date/);
    expect(await writers(db.url)).toEqual(before);
    expect(before.length).toBeGreaterThan(40);

    const plain = await runCli(['migrate', '--only', 'postgres'], { env: db.env });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/already up to date/);
    expect(plain.stderr).toMatch(/^postgres: migrate: 0 migrations in /m);
  });

  it('costs one query after authentication; a first-release checksum table still reads right, in two', async () => {
    const db = await migrated('rdbnooprt');
    const wire = await messageCounter(db.url);
    try {
      const env = { ...db.env, DATABASE_URL: wire.url };
      const r = await runCli(['migrate', '--only', 'postgres'], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/already up to date/);
      // SCRAM's two messages, the one batch of reads (with the server's version and extensions), goodbye.
      expect(wire.sent.filter((t) => t !== 'p')).toEqual(['Q', 'X']);

      // The checksum table as the first release made it (no knex_id, run_id): the batch that assumes
      // them is refused as a whole, the state is read in two, and the checksums still count.
      await queryUrl(db.url, `ALTER TABLE ${CHECKSUM_TABLE} DROP COLUMN knex_id, DROP COLUMN run_id`);
      wire.sent.length = 0;
      const status = await runCli(['status', '--only', 'postgres', '--json'], { env });
      expect(status.code, status.stderr).toBe(0);
      const entries = JSON.parse(status.stdout).stores.find((s: { store: string }) => s.store === 'postgres').result.entries as { state: string }[];
      expect(entries.length).toBeGreaterThan(20);
      expect(new Set(entries.map((e) => e.state))).toEqual(new Set(['applied']));
      // The refused batch, then which tables exist (extended protocol: the names are bound).
      expect(wire.sent.filter((t) => t !== 'p').join('')).toMatch(/^QPBDES/);
    } finally {
      await wire.close();
    }
  });

  const repairs: Array<[string, string, string]> = [
    ["knex's lock row left set by a killed run", `UPDATE knex_migrations_lock SET is_locked = 1`, `SELECT count(*)::int AS n FROM knex_migrations_lock WHERE is_locked = 0`],
    ['a checksum the plain knex CLI did not record', `DELETE FROM ${CHECKSUM_TABLE} WHERE name = '0001_extensions_and_enums.ts'`, `SELECT count(*)::int AS n FROM ${CHECKSUM_TABLE} WHERE name = '0001_extensions_and_enums.ts'`],
    ['no environment stamp', `DELETE FROM recruit_db_meta WHERE key = 'environment'`, `SELECT count(*)::int AS n FROM recruit_db_meta WHERE key = 'environment'`],
    ['a name recorded as compiled JavaScript', `UPDATE knex_migrations SET name = '0001_extensions_and_enums.js' WHERE name = '0001_extensions_and_enums.ts'`, `SELECT count(*)::int AS n FROM knex_migrations WHERE name = '0001_extensions_and_enums.ts'`],
  ];
  it.each(repairs)('%s: takes the lock and repairs it', async (_what, breakIt, repaired) => {
    const db = await migrated('rdbnooprep');
    const first = await queryUrl<{ name: string }>(db.url, `SELECT name FROM knex_migrations ORDER BY id LIMIT 1`);
    expect(first[0].name).toBe('0001_extensions_and_enums.ts');
    await queryUrl(db.url, breakIt);
    expect((await queryUrl<{ n: number }>(db.url, repaired))[0].n).toBe(0);

    const blocked = await holdingLock(db.url, () => runCli(['migrate', '--only', 'postgres'], { env: noWait(db.env) }));
    expect(blocked.code, blocked.stdout).toBe(2);
    expect(blocked.stderr).toMatch(/holds the lock/);

    const r = await runCli(['migrate', '--only', 'postgres'], { env: db.env });
    expect(r.code, r.stderr).toBe(0);
    expect((await queryUrl<{ n: number }>(db.url, repaired))[0].n).toBe(1);
    // Repaired once, settled after: the next run is a no-op again.
    const again = await holdingLock(db.url, () => runCli(['migrate', '--only', 'postgres'], { env: noWait(db.env) }));
    expect(again.code, again.stderr).toBe(0);
  });
});
