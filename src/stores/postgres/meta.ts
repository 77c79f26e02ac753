import type { SeedRecord, StoreMeta } from '../meta';

/**
 * The PostgreSQL store stamp: one small key/value table the tool owns (verify, dumps and seeding
 * treat recruit_db_* as infrastructure). Keys: `environment` ({env, at}) and `seed` (SeedRecord).
 * It is not created by a migration, so `rollback --all` and `reset` keep it: a database bootstrapped
 * for production stays marked as such.
 */
export const META_TABLE = 'recruit_db_meta';

export const CREATE_META_SQL = `CREATE TABLE IF NOT EXISTS ${META_TABLE} (key text PRIMARY KEY, value jsonb NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`;

interface Queryable {
  query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/** The stamp, or an empty one when the table does not exist yet (nothing was ever migrated). */
export async function readPgMeta(db: Queryable): Promise<StoreMeta> {
  const exists = await db.query<{ t: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS t`, [META_TABLE]);
  if (!exists.rows[0]?.t) return { store: 'postgres' };
  const rows = await db.query<{ key: string; value: Record<string, unknown> }>(`SELECT key, value FROM ${META_TABLE} WHERE key IN ('environment', 'seed')`);
  const by = new Map(rows.rows.map((r) => [r.key, r.value]));
  const env = by.get('environment')?.env;
  return { store: 'postgres', env: typeof env === 'string' ? env : undefined, seed: by.get('seed') as SeedRecord | undefined };
}

/** Statements that record the environment the first time; an existing stamp is never changed. */
export function stampEnvSql(env: string): string {
  return `${CREATE_META_SQL};\nINSERT INTO ${META_TABLE} (key, value) VALUES ('environment', ${literal(JSON.stringify({ env, at: new Date().toISOString() }))}::jsonb) ON CONFLICT (key) DO NOTHING`;
}

export async function writePgSeedRecord(db: Queryable, record: SeedRecord): Promise<void> {
  await db.query(CREATE_META_SQL);
  await db.query(
    `INSERT INTO ${META_TABLE} (key, value, updated_at) VALUES ('seed', $1::jsonb, now())
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [JSON.stringify(record)],
  );
}

/** A SQL string literal (standard_conforming_strings on): for the few statements built as text. */
export const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
