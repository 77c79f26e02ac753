/**
 * How `migrate` sends PostgreSQL migrations (issue 18.2), against the real server:
 * - 0021 (written to run outside a transaction: CONCURRENTLY, NOT VALID then VALIDATE) runs in one
 *   transaction on a database whose tables are all empty, and as written, online-safe, as soon as
 *   one table holds a row; both give the same schema.
 * - DDL batched into few round trips keeps each migration's meaning: a query sees the DDL before
 *   it, a failure is reported for its migration with the server's words and nothing of it applied,
 *   and an error caught in a savepoint stays caught.
 * Drives the compiled CLI: run `npm run build` first.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { queryUrl, schemaDump } from '../helpers/pg';
import { emptyPgDatabases } from '../helpers/fixtures';

const database = emptyPgDatabases();



/** Indexes 0021 builds, on tables of both releases. */
const INDEXES_0021 = ['users_email_unique', 'payments_id_payment_type_unique', 'jobs_search_gin', 'notifications_unread_index', 'students_user_id_user_type_unique'];

/**
 * The transactions that wrote 0021's indexes, and the one that recorded 0021: one and the same when
 * it ran in one transaction; CREATE INDEX CONCURRENTLY commits each index in transactions of its own.
 */
async function writers(url: string): Promise<{ indexes: string[]; record: string }> {
  const idx = await queryUrl<{ x: string }>(url, `SELECT DISTINCT xmin::text AS x FROM pg_class WHERE relkind = 'i' AND relname IN (${INDEXES_0021.map((n) => `'${n}'`).join(', ')})`);
  const [rec] = await queryUrl<{ x: string }>(url, `SELECT xmin::text AS x FROM knex_migrations WHERE name = '0021_keys_and_indexes.ts'`);
  return { indexes: idx.map((r) => r.x), record: rec.x };
}

describe('0021 on an empty database and on one with data (postgres)', () => {
  it('runs in one transaction when every table is empty, online-safe as soon as one holds a row, to the same schema', async () => {
    const empty = await database('rdbfastempty');
    const held = await database('rdbfastrow');
    for (const db of [empty, held]) {
      const r = await runCli(['migrate', '--only', 'postgres', '--to', '0020_smaller_rules'], { env: db.env });
      expect(r.code, r.stderr).toBe(0);
    }
    await queryUrl(held.url, `INSERT INTO categories (name, slug) VALUES ('Data', 'data')`);
    for (const db of [empty, held]) {
      const r = await runCli(['migrate', '--only', 'postgres'], { env: db.env });
      expect(r.code, r.stderr).toBe(0);
    }

    const fast = await writers(empty.url);
    expect(fast.indexes).toEqual([fast.record]);
    const safe = await writers(held.url);
    expect(safe.indexes.length).toBeGreaterThan(1);
    expect(safe.indexes).not.toContain(safe.record);

    expect(schemaDump(empty.url)).toEqual(schemaDump(held.url));
    expect(await queryUrl(held.url, `SELECT slug FROM categories`)).toEqual([{ slug: 'data' }]);
    for (const db of [empty, held]) {
      expect(await queryUrl(db.url, `SELECT conname FROM pg_constraint WHERE NOT convalidated`)).toEqual([]);
      expect(await queryUrl(db.url, `SELECT indexrelid::regclass::text AS i FROM pg_index WHERE NOT indisvalid`)).toEqual([]);
    }
  });
});

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tempMigrations(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rdb-fast-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  temps.push(dir);
  return dir;
}

const noDown = `exports.down = async () => {};`;

describe('batched DDL keeps what each migration means (postgres)', () => {
  it('a query sees the DDL sent before it, with and without bindings, and an error caught in a savepoint stays caught', async () => {
    const db = await database('rdbbatchok');
    const dir = tempMigrations({
      '0001_seen.js': `
exports.up = async (knex) => {
  await knex.raw('CREATE TABLE seen_t (id int)');
  await knex.raw("COMMENT ON TABLE seen_t IS 'seen'");
  const plain = await knex.raw("SELECT obj_description('seen_t'::regclass, 'pg_class') AS c");
  const bound = await knex.raw('SELECT count(*)::int AS n FROM pg_class WHERE relname = ?', ['seen_t']);
  await knex.raw('CREATE TABLE seen_result (plain text, bound int)');
  await knex.raw('INSERT INTO seen_result VALUES (?, ?)', [plain.rows[0].c, bound.rows[0].n]);
};
${noDown}`,
      '0002_caught.js': `
exports.up = async (knex) => {
  await knex.raw('CREATE TABLE before_t (id int)');
  try {
    await knex.transaction((sp) => sp.raw('ALTER TABLE no_such_table ADD COLUMN x int'));
  } catch (err) {
    await knex.raw('CREATE TABLE caught_t (code text)');
    await knex.raw('INSERT INTO caught_t VALUES (?)', [err.code]);
  }
};
${noDown}`,
    });
    const r = await runCli(['migrate', '--only', 'postgres'], { env: { ...db.env, RECRUIT_DB_MIGRATIONS_DIR: dir } });
    expect(r.code, r.stderr).toBe(0);
    expect(await queryUrl(db.url, 'SELECT plain, bound FROM seen_result')).toEqual([{ plain: 'seen', bound: 1 }]);
    expect(await queryUrl(db.url, 'SELECT code FROM caught_t')).toEqual([{ code: '42P01' }]);
    expect(await queryUrl(db.url, `SELECT to_regclass('before_t') IS NOT NULL AS ok`)).toEqual([{ ok: true }]);
  });

  it('a failing statement among batched DDL fails its own migration, in the server words, with nothing of it applied', async () => {
    const db = await database('rdbbatchfail');
    const dir = tempMigrations({
      '0001_good.js': `exports.up = async (knex) => { await knex.raw('CREATE TABLE good_t (id int)'); };\n${noDown}`,
      '0002_bad.js': `
exports.up = async (knex) => {
  await knex.raw('CREATE TABLE half_t (id int)');
  await knex.raw('ALTER TABLE no_such_table ADD COLUMN x int');
  await knex.raw('CREATE TABLE after_t (id int)');
  await knex.raw('SELECT 1');
};
${noDown}`,
    });
    const r = await runCli(['migrate', '--only', 'postgres'], { env: { ...db.env, RECRUIT_DB_MIGRATIONS_DIR: dir } });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toMatch(/migration 0002_bad\.ts failed: relation "no_such_table" does not exist \(nothing of it was applied\)/);
    const tables = await queryUrl<{ t: string }>(db.url, `SELECT relname AS t FROM pg_class WHERE relname IN ('good_t', 'half_t', 'after_t') ORDER BY 1`);
    expect(tables.map((x) => x.t)).toEqual(['good_t']);
    expect(await queryUrl(db.url, `SELECT name FROM knex_migrations ORDER BY id`)).toEqual([{ name: '0001_good.ts' }]);
  });
});
