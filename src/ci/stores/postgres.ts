import type { Config } from '../../config';
import { connectPg } from '../../stores/postgres/connect';
import { assertOwnedName, pgUrlWithDatabase } from '../names';
import type { Sql } from '../records';

/**
 * PostgreSQL side of the pool: a template database cloned with CREATE DATABASE ... TEMPLATE. FILE_COPY
 * measured faster than WAL_LOG here (bench/ci, BENCHMARKS.md "ci"): a small database copied as files
 * beats writing every block through the WAL. Servers before 15 have no STRATEGY clause and copy files.
 */
export type CloneStrategy = 'FILE_COPY' | 'WAL_LOG';
export const CLONE_STRATEGY: CloneStrategy = 'FILE_COPY';

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Retries what fails only because a session is still on the database: 55006 (object in use: a client
 * ending, or an autovacuum worker) and 42501 (FORCE could not signal a process of another role, such as
 * autovacuum). Both pass once that process is gone.
 */
async function whileBusy<T>(work: () => Promise<T>, deadlineMs = 30_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
    try {
      return await work();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if ((code !== '55006' && code !== '42501') || Date.now() > deadline) throw err;
      await sleep(wait);
    }
  }
}

const versions = new WeakMap<Sql, Promise<number>>();
function serverVersion(sql: Sql): Promise<number> {
  let v = versions.get(sql);
  if (!v) {
    v = sql("SELECT current_setting('server_version_num') AS v").then((r) => Number(r.rows[0].v));
    versions.set(sql, v);
  }
  return v;
}

export async function createDatabase(sql: Sql, name: string): Promise<void> {
  assertOwnedName(name);
  await sql(`CREATE DATABASE ${q(name)}`);
}

export async function cloneDatabase(sql: Sql, template: string, name: string, strategy: CloneStrategy = CLONE_STRATEGY): Promise<void> {
  assertOwnedName(name);
  const clause = (await serverVersion(sql)) >= 150000 ? ` STRATEGY ${strategy}` : '';
  await whileBusy(() => sql(`CREATE DATABASE ${q(name)} TEMPLATE ${q(template)}${clause}`));
}

/**
 * Once built: frozen and analysed (so autovacuum has no reason to visit it, or any clone, while the pool
 * copies it), then closed to connections and marked a template: CREATE DATABASE refuses a source with
 * other sessions, and now there can be none.
 */
export async function sealTemplate(sql: Sql, config: Config, name: string): Promise<void> {
  assertOwnedName(name);
  const pg = config.postgres!;
  const db = await connectPg({ ...pg, url: pgUrlWithDatabase(pg.url, name), database: name }, config.timeoutMs);
  try {
    await db.query('VACUUM (FREEZE, ANALYZE)');
  } finally {
    await db.end().catch(() => undefined);
  }
  await sql(`ALTER DATABASE ${q(name)} WITH ALLOW_CONNECTIONS false IS_TEMPLATE true`);
}

export async function dropDatabase(sql: Sql, name: string): Promise<void> {
  assertOwnedName(name);
  // A template cannot be dropped; a missing database has nothing to unmark.
  await sql(`ALTER DATABASE ${q(name)} WITH IS_TEMPLATE false`).catch((err: { code?: string }) => {
    if (err.code !== '3D000') throw err;
  });
  const force = (await serverVersion(sql)) >= 130000 ? ' WITH (FORCE)' : '';
  await whileBusy(() => sql(`DROP DATABASE IF EXISTS ${q(name)}${force}`));
}
