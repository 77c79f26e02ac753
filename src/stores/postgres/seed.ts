import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Client } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Config } from '../../config';
import { RecruitDbError } from '../../errors';
import { connectPg, pgError } from './connect';

/**
 * Bulk writes for the seeder: every table through COPY FROM STDIN (text format) in one
 * transaction, so a failure leaves nothing behind; plus the emptiness check, TRUNCATE and the
 * content hash (COPY TO of each table ordered by primary key).
 */

/** A jsonb value that may be a scalar: a bare string would otherwise be written as text. */
export class Json {
  constructor(readonly value: unknown) {}
}

export interface CopyTable {
  table: string;
  columns: string[];
  rows: Iterable<unknown[]>;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One field in COPY text format: \N for NULL; backslash, tab, newline and CR escaped. */
export function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  let s: string;
  switch (typeof value) {
    case 'string':
      s = value;
      break;
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`cannot COPY non-finite number ${value}`);
      return String(value);
    case 'boolean':
      return value ? 't' : 'f';
    default:
      // Objects and arrays are jsonb documents; a wrapper carries a scalar jsonb value.
      s = JSON.stringify(value instanceof Json ? value.value : value);
  }
  if (s.includes('\0')) throw new Error('NUL byte in a COPY field');
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (ch) => ESCAPES[ch]) : s;
}

export function copyLine(row: readonly unknown[]): string {
  let line = '';
  for (let i = 0; i < row.length; i++) line += (i ? '\t' : '') + copyField(row[i]);
  return line + '\n';
}

/** Rows as COPY text, in chunks of ~64 KiB; Readable.from pulls only as fast as the server reads. */
async function* copyChunks(rows: Iterable<unknown[]>, onRows: (n: number) => void): AsyncGenerator<string> {
  let buf = '';
  let n = 0;
  for (const row of rows) {
    buf += copyLine(row);
    n++;
    if (buf.length >= 65536) {
      yield buf;
      onRows(n);
      buf = '';
      n = 0;
    }
  }
  if (buf) yield buf;
  if (n) onRows(n);
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** COPY every table in order inside one transaction; returns rows per table. */
export async function copyTables(
  client: Client,
  tables: Iterable<CopyTable>,
  onRows: (table: string, n: number) => void = () => undefined,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  await client.query('BEGIN');
  try {
    for (const t of tables) {
      counts[t.table] = 0;
      const sql = `COPY ${q(t.table)} (${t.columns.map(q).join(', ')}) FROM STDIN`;
      const stream = client.query(copyFrom(sql));
      await pipeline(
        Readable.from(copyChunks(t.rows, (n) => ((counts[t.table] += n), onRows(t.table, n)))),
        stream,
      );
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  return counts;
}

/** Which of `tables` do not exist in the current schema. */
export async function missingTables(client: Client, tables: readonly string[]): Promise<string[]> {
  const r = await client.query<{ name: string }>(
    `SELECT t AS name FROM unnest($1::text[]) AS t WHERE to_regclass('public.' || quote_ident(t)) IS NULL`,
    [tables],
  );
  return r.rows.map((x) => x.name);
}

export function migrateFirst(missing: string[]): RecruitDbError {
  return new RecruitDbError({
    code: 'not-migrated',
    store: 'postgres',
    message: `${missing.length} table(s) missing (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', ...' : ''})`,
    hint: 'run recruit-db migrate first',
  });
}

/** Tables among `tables` that hold at least one row. */
export async function nonEmptyTables(client: Client, tables: readonly string[]): Promise<string[]> {
  const missing = await missingTables(client, tables);
  if (missing.length) throw migrateFirst(missing);
  const sql = tables.map((t) => `SELECT ${pgLiteral(t)} AS name WHERE EXISTS (SELECT 1 FROM ${q(t)})`).join(' UNION ALL ');
  const r = await client.query<{ name: string }>(sql);
  return r.rows.map((x) => x.name);
}

const pgLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;

export async function truncateTables(client: Client, tables: readonly string[]): Promise<void> {
  const missing = await missingTables(client, tables);
  if (missing.length) throw migrateFirst(missing);
  await client.query(`TRUNCATE ${tables.map(q).join(', ')} RESTART IDENTITY CASCADE`);
}

/** How the embedding columns are stored here ('pgvector' or 'array'), read from the live column type. */
export async function embeddingStorageOf(client: Client): Promise<'pgvector' | 'array'> {
  const r = await client.query<{ udt: string }>(
    `SELECT udt_name AS udt FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'student_embeddings' AND column_name = 'embedding'`,
  );
  return r.rows[0]?.udt === 'vector' ? 'pgvector' : 'array';
}

/**
 * sha256 over each table's COPY TO output ordered by id, tables in the given order, with the
 * session settings that change text output pinned (time zone, date style, float digits).
 */
export async function hashTables(client: Client, tables: readonly string[]): Promise<{ hash: string; rows: Record<string, number> }> {
  await client.query(`SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 1; SET IntervalStyle = 'postgres'`);
  const total = createHash('sha256');
  const rows: Record<string, number> = {};
  for (const t of tables) {
    const h = createHash('sha256');
    let lines = 0;
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        h.update(chunk);
        for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
        cb();
      },
    });
    await pipeline(client.query(copyTo(`COPY (SELECT * FROM ${q(t)} ORDER BY id) TO STDOUT`)), sink);
    rows[t] = lines;
    total.update(`${t}\u0000${h.digest('hex')}\n`);
  }
  return { hash: total.digest('hex'), rows };
}

/** Connects for seeding; wraps connection errors in the store's one-line form. */
export async function openSeedClient(config: Config): Promise<Client> {
  const pg = config.postgres!;
  return connectPg(pg, config.timeoutMs);
}

export function seedPgError(err: unknown, config: Config): RecruitDbError {
  if (err instanceof RecruitDbError) return err;
  const e = err as { code?: string; message?: string; table?: string; constraint?: string };
  if (e.code && /^[0-9A-Z]{5}$/.test(e.code) && !/^(08|28|3D|57)/.test(e.code)) {
    return new RecruitDbError({
      code: 'seed-failed',
      store: 'postgres',
      message: `loading seed data failed (${e.code}${e.table ? ` on ${e.table}` : ''}${e.constraint ? `, constraint ${e.constraint}` : ''}): ${(e.message ?? '').split('\n')[0]}; nothing was written`,
      hint: 'this is a bug in the seed generators or a schema they do not know; rerun with --debug',
      exitCode: 1,
      cause: err,
    });
  }
  return pgError(err, config.postgres!, config.timeoutMs);
}
