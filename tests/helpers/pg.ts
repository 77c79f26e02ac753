import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Knex } from 'knex';
import { Client } from 'pg';
import { liveTables, pgTables, type GenContext } from '../../seeds/postgres';
import type { CopyTable } from '../../src/stores/postgres/seed';

const MIGRATIONS_DIR = resolve(__dirname, '../../migrations');

/**
 * The repo's migrations loaded through vitest's transform: knex's own loader cannot require .ts,
 * and the schema tests drive knex directly (PGlite has no recruit-db CLI around it).
 */
export const migrationSource: Knex.MigrationSource<string> = {
  async getMigrations() {
    return readdirSync(MIGRATIONS_DIR)
      .filter((f) => /^\d{4}_[a-z0-9_]+\.ts$/.test(f))
      .sort();
  },
  getMigrationName: (m) => m,
  async getMigration(m) {
    return (await import(resolve(MIGRATIONS_DIR, m))) as Knex.Migration;
  },
};

export async function q<T = Record<string, unknown>>(k: Knex, sql: string, bindings: unknown[] = []): Promise<T[]> {
  return ((await k.raw(sql, bindings as Knex.RawBinding[])) as { rows: T[] }).rows;
}

/** The SQLSTATE a statement fails with, or undefined when it succeeds: constraints are asserted by code. */
export async function sqlState(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

/** Every constraint and index of the public schema, as definitions, sorted: what a load must leave as migrated. */
export async function keysAndIndexes(client: Client): Promise<string[]> {
  const r = await client.query<{ d: string }>(
    `SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS d FROM pg_constraint WHERE connamespace = 'public'::regnamespace
     UNION ALL
     SELECT pg_get_indexdef(indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relnamespace = 'public'::regnamespace
     ORDER BY 1`,
  );
  return r.rows.map((x) => x.d);
}

/** One query on a connection of its own to `url`: its rows. */
export async function queryUrl<T = Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end();
  }
}

/** pg_dump's schema, without its per-run \restrict token. */
export const schemaDump = (url: string): string =>
  execFileSync('pg_dump', ['--schema-only', '--no-owner', url], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => !/^\\(un)?restrict /.test(l))
    .join('\n');

type TableSpec = ReturnType<typeof pgTables>[number];

/** The generators' tables as a database migrated to the latest release has them (every optional column). */
export function latestTables(ctx: GenContext, expected: (s: TableSpec) => number | undefined = (s) => s.count(ctx)): CopyTable[] {
  const specs = pgTables();
  const every = new Set(specs.flatMap((s) => (s.optional ?? []).map((c) => `${s.table}.${c}`)));
  return liveTables(ctx, every).map((t, i) => ({ ...t, expectedRows: expected(specs[i]) }));
}

/**
 * A TCP proxy in front of the server that records the type of every message the client sends
 * after its startup packet ('p' authentication, 'Q' simple query, 'P' parse, 'X' terminate...):
 * how many round trips a command costs, read off the wire rather than from the code.
 */
export async function messageCounter(url: string): Promise<{ url: string; sent: string[]; close: () => Promise<void> }> {
  const { createServer, connect } = await import('node:net');
  const target = new URL(url);
  const sent: string[] = [];
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    let buffered = Buffer.alloc(0);
    let started = false;
    client.on('data', (chunk) => {
      upstream.write(chunk);
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const head = started ? 1 : 0;
        if (buffered.length < head + 4) break;
        const len = buffered.readInt32BE(head);
        if (buffered.length < head + len) break;
        if (started) sent.push(String.fromCharCode(buffered[0]));
        buffered = buffered.subarray(head + len);
        started = true;
      }
    });
    upstream.on('data', (chunk) => client.write(chunk));
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as { port: number }).port);
  return { url: proxied.toString(), sent, close: () => new Promise((done) => server.close(() => done())) };
}
