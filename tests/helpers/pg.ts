import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Knex } from 'knex';

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
