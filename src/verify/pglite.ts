import type { Client } from 'pg';
import type { Config, PostgresConfig } from '../config';
import { RecruitDbError } from '../errors';
import type { PgShape, ShapeEntry } from '../stores/shapes';

/**
 * Freshly migrated PostgreSQL targets for the expected shape: PGlite (PostgreSQL in WASM, a
 * devDependency) with a chosen set of extensions available, and a scratch database on the
 * configured server. Both are migrated by recruit-db's own migrator, the code `migrate` runs.
 */
export interface MigratedPg {
  shape: PgShape;
  entries: ShapeEntry[];
}

async function migrateAndRead(config: Config, pg: PostgresConfig): Promise<MigratedPg> {
  const { openMigrator } = await import('../stores/migrator');
  const { connectPg } = await import('../stores/postgres/connect');
  const { introspectPostgres, postgresEntries } = await import('../stores/postgres/introspect');
  const target: Config = { ...config, postgres: pg };
  const m = await openMigrator('postgres', target);
  try {
    // The expected shape is what the migrations themselves make, never the snapshot of them.
    await m.up({ oneByOne: true });
  } finally {
    await m.close();
  }
  const client: Client = await connectPg(pg, config.timeoutMs);
  try {
    const shape = await introspectPostgres(client);
    return { shape, entries: postgresEntries(shape) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

function missingDevDependency(err: unknown): RecruitDbError {
  return new RecruitDbError({
    code: 'missing-dependency',
    store: 'postgres',
    message: `schema dump needs PGlite to build the capability variants: ${(err as Error).message.split('\n')[0]}`,
    hint: 'install the devDependencies (npm ci) in the recruit-db checkout',
    cause: err,
  });
}

/** Loads an extension bundle by its SQL name: pgvector is its own package, the rest are PGlite's contrib. */
async function extensionBundle(name: string): Promise<unknown> {
  if (name === 'vector') return (await import('@electric-sql/pglite-pgvector')).vector;
  const mod = (await import(`@electric-sql/pglite/contrib/${name}`)) as Record<string, unknown>;
  return mod[name];
}

/** PGlite's `extensions` option offering these extensions (by SQL name). */
export async function pgliteExtensions(names: string[]): Promise<NonNullable<import('@electric-sql/pglite').PGliteOptions['extensions']>> {
  const bundles: Record<string, unknown> = {};
  for (const n of names) bundles[n] = await extensionBundle(n);
  return bundles as NonNullable<import('@electric-sql/pglite').PGliteOptions['extensions']>;
}

/** A new in-memory PGlite offering exactly these extensions, migrated, read, and closed. */
export async function migratedPglite(config: Config, extensions: string[]): Promise<MigratedPg> {
  let PGlite: typeof import('@electric-sql/pglite').PGlite;
  let PGLiteSocketServer: typeof import('@electric-sql/pglite-socket').PGLiteSocketServer;
  let bundles: Awaited<ReturnType<typeof pgliteExtensions>>;
  try {
    ({ PGlite } = await import('@electric-sql/pglite'));
    ({ PGLiteSocketServer } = await import('@electric-sql/pglite-socket'));
    bundles = await pgliteExtensions(extensions);
  } catch (err) {
    throw missingDevDependency(err);
  }
  const db = await PGlite.create({ extensions: bundles });
  // The migrator holds its lock on one connection and works on another: PGlite serves them in turn.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 8 });
  await server.start();
  try {
    const [host, port] = server.getServerConn().split(':');
    const url = `postgres://postgres@${host}:${port}/postgres`;
    return await migrateAndRead(config, { url, host, port: Number(port), database: 'postgres', user: 'postgres' });
  } finally {
    await server.stop().catch(() => undefined);
    await db.close().catch(() => undefined);
  }
}

/** A scratch database on the configured server (CREATE DATABASE), migrated, read, and dropped. */
export async function migratedScratchDatabase(config: Config, name: string): Promise<MigratedPg> {
  return withScratchDatabase(config, name, (scratch) => migrateAndRead(config, scratch));
}

/** Runs `work` on a new scratch database of the configured server, dropped afterwards whatever happens. */
export async function withScratchDatabase<T>(config: Config, name: string, work: (scratch: PostgresConfig) => Promise<T>): Promise<T> {
  const { connectPg, pgError } = await import('../stores/postgres/connect');
  const pg = config.postgres!;
  const url = new URL(pg.url);
  url.pathname = `/${name}`;
  const scratch: PostgresConfig = { ...pg, url: url.toString(), database: name };
  const admin = await connectPg(pg, config.timeoutMs);
  try {
    try {
      await admin.query(`CREATE DATABASE "${name}"`);
    } catch (err) {
      throw new RecruitDbError({
        code: 'scratch-database',
        store: 'postgres',
        message: `cannot create the scratch database ${name}: ${pgError(err, pg, config.timeoutMs).message}`,
        hint: 'schema dump and schema snapshot need a role that may CREATE DATABASE on a development or CI server',
        cause: err,
      });
    }
    try {
      return await work(scratch);
    } finally {
      await dropDatabaseRetrying(admin, name);
    }
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/**
 * Drops a database this process created (a scratch target; the tests' own). FORCE ends client
 * sessions, but not an autovacuum worker busy on the database (a fresh migrate or bulk load wakes
 * one): the drop fails with 55006 (object in use) or, as FORCE may not signal a superuser's process,
 * 42501. Both pass when the worker is done: retried for up to `waitMs`.
 */
export async function dropDatabaseRetrying(admin: Client, name: string, waitMs = 60_000): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if ((code !== '55006' && code !== '42501') || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
