import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Client } from 'pg';
import type * as CopyStreams from 'pg-copy-streams';
import type { Config } from '../../config';
import { RecruitDbError } from '../../errors';
import { connectPg, pgError } from './connect';

// Loaded when a load or a read-back starts (as the driver is, in connect): the generators import
// this module for `Json`, and a seed of the other stores alone never needs them.
const copyStreams = () => require('pg-copy-streams') as typeof CopyStreams;

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

/** Bytes of COPY text built before one write: large enough that per-write overhead vanishes. */
const CHUNK = 1 << 18;

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Resolves on 'drain', or on 'error' (which the caller sees through the stream's own promise). */
function drained(stream: NodeJS.EventEmitter): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('error', done);
  });
}

/** Streams one table's rows through COPY FROM STDIN, building text in CHUNK-sized writes and honouring backpressure. */
async function copyOne(client: Client, t: CopyTable, onRows: (n: number) => void): Promise<number> {
  const stream = client.query(copyStreams().from(`COPY ${q(t.table)} (${t.columns.map(q).join(', ')}) FROM STDIN`));
  let failed: Error | undefined;
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', (err: Error) => {
      failed = err;
      reject(err);
    });
  });
  // A rejection that arrives while we are still generating is re-thrown below, not left unhandled.
  done.catch(() => undefined);
  let total = 0;
  let n = 0;
  let buf = '';
  for (const row of t.rows) {
    buf += copyLine(row);
    n++;
    if (buf.length >= CHUNK) {
      if (failed) throw failed;
      const more = stream.write(buf);
      buf = '';
      total += n;
      onRows(n);
      n = 0;
      // Generation runs while the server parses the previous chunk; wait only when its buffer is full.
      if (!more) await drained(stream);
    }
  }
  if (failed) throw failed;
  stream.end(buf);
  await done;
  total += n;
  if (n) onRows(n);
  return total;
}

interface Deferred {
  /** `ALTER TABLE ... ADD CONSTRAINT` for each foreign key on a loaded table. */
  foreignKeys: string[];
  /** `CREATE INDEX` for each index that backs no constraint. */
  indexes: string[];
}

/**
 * Foreign keys and plain indexes on the loaded tables are dropped for the load and re-created after
 * it, inside the same transaction (what pg_restore does): a per-row foreign-key trigger and per-row
 * index maintenance more than doubled the server's time for COPY, while one validating join per key
 * and one sorted index build are cheap. The definitions come from the catalog (pg_get_constraintdef,
 * pg_get_indexdef), so names and definitions come back unchanged, and re-adding a key validates every
 * row: bad data still fails the load, and a failure rolls back the drops with everything else.
 * Primary keys, unique and exclusion constraints stay in place (keys depend on them), and so does any
 * index a constraint uses (conindid).
 */
async function dropDeferrable(client: Client, tables: string[]): Promise<Deferred> {
  const fks = await client.query<{ sql: string; drop: string }>(
    `SELECT format('ALTER TABLE %s ADD CONSTRAINT %I %s', con.conrelid::regclass, con.conname, pg_get_constraintdef(con.oid)) AS sql,
            format('ALTER TABLE %s DROP CONSTRAINT %I', con.conrelid::regclass, con.conname) AS drop
       FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE con.contype = 'f' AND n.nspname = 'public' AND c.relname = ANY($1)
      ORDER BY c.relname, con.conname`,
    [tables],
  );
  const idx = await client.query<{ sql: string; drop: string }>(
    `SELECT pg_get_indexdef(i.indexrelid) AS sql, format('DROP INDEX %s', i.indexrelid::regclass) AS drop
       FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relname = ANY($1)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint x WHERE x.conindid = i.indexrelid)
      ORDER BY c.relname, i.indexrelid::regclass::text`,
    [tables],
  );
  for (const r of fks.rows) await client.query(r.drop);
  for (const r of idx.rows) await client.query(r.drop);
  return { foreignKeys: fks.rows.map((r) => r.sql), indexes: idx.rows.map((r) => r.sql) };
}

async function restoreDeferred(client: Client, d: Deferred): Promise<void> {
  for (const sql of d.indexes) await client.query(sql);
  for (const sql of d.foreignKeys) await client.query(sql);
}

export interface CopyOptions {
  /**
   * Drop foreign keys and plain indexes of the loaded tables for the load and re-create them before
   * COMMIT (default true). false keeps them in place: every row is checked and indexed as it arrives.
   */
  deferChecks?: boolean;
}

/** COPY every table in order inside one transaction; returns rows per table. */
export async function copyTables(
  client: Client,
  tables: Iterable<CopyTable>,
  onRows: (table: string, n: number) => void = () => undefined,
  opts: CopyOptions = {},
): Promise<Record<string, number>> {
  const list = [...tables];
  const counts: Record<string, number> = {};
  await client.query('BEGIN');
  try {
    const deferred = opts.deferChecks === false ? undefined : await dropDeferrable(client, list.map((t) => t.table));
    for (const t of list) {
      counts[t.table] = 0;
      await copyOne(client, t, (n) => ((counts[t.table] += n), onRows(t.table, n)));
    }
    if (deferred) await restoreDeferred(client, deferred);
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
    await pipeline(client.query(copyStreams().to(`COPY (SELECT * FROM ${q(t)} ORDER BY id) TO STDOUT`)), sink);
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
