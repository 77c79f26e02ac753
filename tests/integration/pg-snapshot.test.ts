/**
 * The schema snapshot (migrations/snapshot.sql, issue 18.2) against the real server: on an empty
 * database `migrate` loads it in one transaction instead of running the migrations one by one, and
 * nothing can tell the two apart afterwards: the same schema and rows (pg_dump), the same
 * bookkeeping, `verify` clean, `rollback` back to the same empty state. Where it must not stand for
 * the migrations (an optional extension already installed, an object in the way),
 * the migrations run one by one, with the result they always had. Drives the compiled CLI: run
 * `npm run build` first.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli } from '../helpers/cli';
import { queryUrl, schemaDump } from '../helpers/pg';
import { emptyPgDatabases } from '../helpers/fixtures';
import { cliEnv } from '../helpers/stores';

const database = emptyPgDatabases();

/** The rows migrations insert (bookkeeping aside), as pg_dump prints them. */
const dataDump = (url: string): string =>
  execFileSync('pg_dump', ['--data-only', '--inserts', '--exclude-table-data=knex_migrations*', '--exclude-table-data=recruit_db_migration_checksums', '--exclude-table-data=recruit_db_meta', url], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  })
    .split('\n')
    .filter((l) => !/^\\(un)?restrict /.test(l))
    .join('\n');

/** Every bookkeeping row, without what differs by nature (times, run ids). */
async function bookkeeping(url: string) {
  return {
    knex: await queryUrl(url, `SELECT id, name, batch FROM knex_migrations ORDER BY id`),
    sums: await queryUrl(url, `SELECT c.name, c.checksum, c.knex_id = k.id AS tied, c.run_id IS NOT NULL AS has_run FROM recruit_db_migration_checksums c JOIN knex_migrations k USING (name) ORDER BY c.name`),
    lock: await queryUrl(url, `SELECT * FROM knex_migrations_lock`),
    env: await queryUrl(url, `SELECT value->>'env' AS env FROM recruit_db_meta WHERE key = 'environment'`),
  };
}

const MIGRATIONS = readdirSync(join(REPO, 'migrations')).filter((f) => /^\d{4}_.*\.ts$/.test(f)).sort();
const migrate = (env: NodeJS.ProcessEnv, ...extra: string[]) => runCli(['migrate', '--only', 'postgres', '--json', ...extra], { env });
const resultOf = (stdout: string): { done: string[]; notes: string[] } => JSON.parse(stdout).stores[0].result;
const notesOf = (stdout: string): string[] => resultOf(stdout).notes;
const SNAPSHOT_USED = /applied \d+ migrations in one transaction from migrations\/snapshot\.sql/;

describe('the schema snapshot (postgres)', () => {
  it('is current: made from the migrations in migrations/ on this server', async () => {
    const r = await runCli(['schema', 'snapshot', '--check', '--json'], { env: cliEnv(), timeoutMs: 120_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).changed).toBe(false);
  });

  it('stands for every migration on an empty database: same schema, rows, bookkeeping, verify and rollback as one by one', async () => {
    const snap = await database('rdbsnap');
    const each = await database('rdbeach');
    const a = await migrate(snap.env);
    expect(a.code, a.stderr).toBe(0);
    expect(notesOf(a.stdout).join('\n')).toMatch(SNAPSHOT_USED);
    expect(resultOf(a.stdout).done).toEqual(MIGRATIONS);
    const b = await migrate(each.env, '--one-by-one');
    expect(b.code, b.stderr).toBe(0);
    expect(notesOf(b.stdout).join('\n')).not.toMatch(SNAPSHOT_USED);
    expect(resultOf(a.stdout).done).toEqual(resultOf(b.stdout).done);

    expect(schemaDump(snap.url)).toEqual(schemaDump(each.url));
    expect(dataDump(snap.url)).toEqual(dataDump(each.url));
    expect(dataDump(snap.url)).toMatch(/INSERT INTO public\.recruit_db_application_transitions/);
    expect(await bookkeeping(snap.url)).toEqual(await bookkeeping(each.url));

    const v = await runCli(['verify', '--only', 'postgres', '--json'], { env: snap.env });
    expect(v.code, v.stdout).toBe(0);
    const again = await migrate(snap.env);
    expect(again.code, again.stderr).toBe(0);
    expect(resultOf(again.stdout).done).toEqual([]);

    // A plain rollback reverts the run, migration by migration, to what the one-by-one run leaves.
    for (const db of [snap, each]) {
      const r = await runCli(['rollback', '--only', 'postgres', '--json'], { env: db.env });
      expect(r.code, r.stderr).toBe(0);
    }
    expect(schemaDump(snap.url)).toEqual(schemaDump(each.url));
    expect(await queryUrl(snap.url, `SELECT extname FROM pg_extension WHERE extname = 'btree_gist'`)).toEqual([]);
  });

  it('is not used where it would not stand for the migrations: an optional extension already installed', async () => {
    const pre = await database('rdbsnapext');
    const each = await database('rdbsnapext1');
    for (const db of [pre, each]) await queryUrl(db.url, 'CREATE EXTENSION btree_gist');
    const a = await migrate(pre.env);
    expect(a.code, a.stderr).toBe(0);
    expect(notesOf(a.stdout).join('\n')).not.toMatch(SNAPSHOT_USED);
    const b = await migrate(each.env, '--one-by-one');
    expect(b.code, b.stderr).toBe(0);
    expect(schemaDump(pre.url)).toEqual(schemaDump(each.url));
    // 0001 did not create it, so it is not marked, and a rollback keeps it.
    const [ext] = await queryUrl<{ c: string | null }>(pre.url, `SELECT obj_description(oid, 'pg_extension') AS c FROM pg_extension WHERE extname = 'btree_gist'`);
    expect(ext.c ?? '').not.toMatch(/recruit-db/);

  });

  it('rolls back whole when an object is in its way; the migrations then run one by one, up to the one that fails', async () => {
    const db = await database('rdbsnapway');
    // 0010 creates jobs: the snapshot fails on it as a whole, the one-by-one run at 0010.
    await queryUrl(db.url, 'CREATE TABLE jobs (id int)');
    const r = await migrate(db.env);
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.error.message).toMatch(/migration 0010_jobs_applications\.ts failed: relation "jobs" already exists/);
    const applied = await queryUrl<{ name: string }>(db.url, 'SELECT name FROM knex_migrations ORDER BY id');
    expect(applied.map((x) => x.name)).toEqual(MIGRATIONS.slice(0, 9));
    expect(await queryUrl(db.url, `SELECT column_name FROM information_schema.columns WHERE table_name = 'jobs'`)).toEqual([{ column_name: 'id' }]);
  });
});
