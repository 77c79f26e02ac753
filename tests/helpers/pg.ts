import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Knex } from 'knex';
import type { Client } from 'pg';

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
