import { createHash } from 'node:crypto';
import type { Client } from 'pg';
import type * as CopyStreams from 'pg-copy-streams';
import type { Config } from '../../config';
import { RecruitDbError } from '../../errors';
import { combineHashes } from '../multiset';
import { connectPg, isConnectionLoss, pgError } from './connect';

// Loaded when a load or a read-back starts (as the driver is, in connect): the generators import
// this module for `Json`, and a seed of the other stores alone never needs them.
const copyStreams = () => require('pg-copy-streams') as typeof CopyStreams;

/**
 * Bulk writes for the seeder: every table through COPY FROM STDIN (text format) in one
 * transaction, so a failure leaves nothing behind, hashing the text as it is sent; plus the
 * emptiness check, TRUNCATE, a fingerprint of what is live, and the opt-in read-back check.
 */

/** A jsonb value that may be a scalar: a bare string would otherwise be written as text. */
export class Json {
  constructor(readonly value: unknown) {}
}

/** A jsonb value already serialised (a generator that builds the text directly skips JSON.stringify). */
export class JsonText {
  constructor(readonly text: string) {}
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const NEEDS_CARE = /[\\\t\n\r\0]/;

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
      // Objects and arrays are jsonb documents; a wrapper carries a scalar jsonb value or ready text.
      s = value instanceof JsonText ? value.text : JSON.stringify(value instanceof Json ? value.value : value);
  }
  // One scan for the common case (nothing to escape); NUL is checked only when something matched.
  if (!NEEDS_CARE.test(s)) return s;
  if (s.includes('\0')) throw new Error('NUL byte in a COPY field');
  return s.replace(/[\\\t\n\r]/g, (ch) => ESCAPES[ch]);
}

/** Length of a uuid's text, and of an instant's as toISOString writes it (years 0000-9999). */
const UUID_TEXT = 36;
const INSTANT_TEXT = 24;

/**
 * Per column of a table (decided once per table, from the column names of the schema's conventions:
 * `id` and `*_id` are uuid columns, `*_at` timestamptz; the one text `*_id` is listed), the length of
 * a value that needs no escape scan: a uuid or an ISO instant never holds a backslash, tab, newline
 * or CR, and the scan (a regex call that first flattens the value's rope) was the largest single
 * cost of the COPY text. Any other length, or a column of no such kind (0), is scanned as before; in
 * a uuid or timestamptz column a value that would have needed escaping is invalid either way.
 */
export function copyKinds(columns: readonly string[]): Uint8Array {
  const kinds = new Uint8Array(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i];
    if (TEXT_ID_COLUMNS.has(c)) continue;
    if (c === 'id' || c.endsWith('_id')) kinds[i] = UUID_TEXT;
    else if (c.endsWith('_at')) kinds[i] = INSTANT_TEXT;
  }
  return kinds;
}
/** `*_id` columns that are not uuids (migrations: payments.gateway_payment_id is text). */
const TEXT_ID_COLUMNS = new Set(['gateway_payment_id']);

/** One row in COPY text format; `kinds` (copyKinds of the row's columns) skips the scan of safe values. */
export function copyLine(row: readonly unknown[], kinds?: Uint8Array): string {
  let line = '';
  for (let i = 0; i < row.length; i++) {
    const value = row[i];
    const field = kinds !== undefined && typeof value === 'string' && value.length === kinds[i] ? value : copyField(value);
    line += (i ? '\t' : '') + field;
  }
  return line + '\n';
}

/** Bytes of COPY text built before one write: large enough that per-write overhead vanishes. */
const CHUNK = 1 << 18;
/**
 * How far generation may run ahead of the server (bytes of COPY text queued). While the server
 * finishes a table, starts the next COPY or re-creates a table's keys, generation goes on into this
 * queue, so neither side waits for the other at table boundaries. Bounded, so memory stays flat.
 */
const AHEAD = 32 << 20;
/**
 * When to defer keys ('auto'): a load of fewer rows than DEFER_MIN_TOTAL keeps every foreign key and
 * index in place, and so does, in a bigger load, a table expected to get fewer than DEFER_MIN_ROWS.
 * Dropping and re-creating a key costs a fixed share of DDL whatever the size, checking it per row
 * microseconds a row: the small profile (~2,000 rows) loads fastest with every key in place, the
 * medium one (~326,000) with them deferred (bench/seed).
 */
export const DEFER_MIN_TOTAL = 20_000;
export const DEFER_MIN_ROWS = 2_000;

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

const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A table's COPY text in CHUNK-sized pieces; `end` marks its last piece. */
interface Piece {
  t: number;
  bytes: Buffer;
  rows: number;
  end: boolean;
}

/**
 * Generation as a bounded queue of COPY text: `run` generates every table in order, yielding to the
 * event loop after each piece so the writer is never starved of its I/O events, and pausing while
 * AHEAD bytes wait unwritten. `take` gives the pieces in order. A failure on either side stops both.
 */
class Generator {
  private readonly queue: Piece[] = [];
  private queued = 0;
  private wake?: () => void;
  private space?: () => void;
  private finished = false;
  failure?: unknown;

  constructor(private readonly tables: readonly CopyTable[]) {}

  async run(): Promise<void> {
    try {
      for (let t = 0; t < this.tables.length; t++) {
        let text = '';
        let rows = 0;
        const kinds = copyKinds(this.tables[t].columns);
        for (const row of this.tables[t].rows) {
          text += copyLine(row, kinds);
          rows++;
          if (text.length >= CHUNK) {
            await this.put({ t, bytes: Buffer.from(text, 'utf8'), rows, end: false });
            text = '';
            rows = 0;
          }
        }
        await this.put({ t, bytes: Buffer.from(text, 'utf8'), rows, end: true });
      }
    } catch (err) {
      this.failure ??= err;
    } finally {
      this.finished = true;
      this.wake?.();
    }
  }

  private async put(p: Piece): Promise<void> {
    if (this.failure) throw this.failure;
    this.queue.push(p);
    this.queued += p.bytes.length;
    this.wake?.();
    while (this.queued > AHEAD && !this.failure) await new Promise<void>((resolve) => (this.space = resolve));
    if (this.failure) throw this.failure;
    await yieldToIo();
  }

  /** The next piece, or undefined when generation stopped (finished, or failed: see `failure`). */
  async take(): Promise<Piece | undefined> {
    while (!this.queue.length) {
      if (this.finished || this.failure) return undefined;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
    const p = this.queue.shift()!;
    this.queued -= p.bytes.length;
    if (this.queued <= AHEAD) this.space?.();
    return p;
  }

  stop(err: unknown): void {
    this.failure ??= err;
    this.space?.();
    this.wake?.();
  }
}

/** The foreign keys and plain indexes of one table, dropped for the load and re-created after it. */
interface Deferred {
  table: string;
  drop: string[];
  /** `CREATE INDEX ...` as the catalog defines them. */
  indexes: string[];
  /** `ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY ...`, with the tables each one references. */
  foreignKeys: Array<{ sql: string; references: string }>;
}

/**
 * The keys and indexes of `tables` that a load can defer, from the catalog's own definitions
 * (pg_get_constraintdef, pg_get_indexdef), so names and definitions come back unchanged: every
 * foreign key on a table, and every index that backs no constraint (conindid). Primary keys, unique
 * and exclusion constraints stay in place: keys depend on them. One query for all tables.
 */
export async function deferrableKeys(client: Client, tables: readonly string[]): Promise<Map<string, Deferred>> {
  const r = await client.query<{ table: string; kind: 'f' | 'i'; sql: string; drop: string; references: string | null }>(
    `SELECT c.relname AS table, 'f' AS kind, con.confrelid::regclass::text AS references,
            format('ALTER TABLE %s ADD CONSTRAINT %I %s', con.conrelid::regclass, con.conname, pg_get_constraintdef(con.oid)) AS sql,
            format('ALTER TABLE %s DROP CONSTRAINT %I', con.conrelid::regclass, con.conname) AS drop, con.conname::text AS name
       FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE con.contype = 'f' AND n.nspname = 'public' AND c.relname = ANY($1)
     UNION ALL
     -- A partitioned table's index prints as "ON ONLY parent" (parent alone, left invalid); re-created
     -- without ONLY it is built on every partition again.
     SELECT c.relname, 'i', NULL, regexp_replace(pg_get_indexdef(i.indexrelid), ' ON ONLY ', ' ON '), format('DROP INDEX %s', i.indexrelid::regclass), i.indexrelid::regclass::text
       FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relname = ANY($1)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint x WHERE x.conindid = i.indexrelid)
      ORDER BY 1, 2, 6`,
    [tables],
  );
  const out = new Map<string, Deferred>();
  for (const x of r.rows) {
    let d = out.get(x.table);
    if (!d) out.set(x.table, (d = { table: x.table, drop: [], indexes: [], foreignKeys: [] }));
    d.drop.push(x.drop);
    if (x.kind === 'i') d.indexes.push(x.sql);
    else d.foreignKeys.push({ sql: x.sql, references: unqualified(x.references!) });
  }
  return out;
}

/** `public.users` or `users` (regclass text depends on search_path) -> `users`. */
const unqualified = (name: string) => name.replace(/^(?:public|"public")\./, '').replace(/^"(.*)"$/, '$1');

export interface CopyTable {
  table: string;
  columns: string[];
  rows: Iterable<unknown[]>;
  /** Rows the table is expected to get, when known before the load (see DEFER_MIN_ROWS). */
  expectedRows?: number;
}

export interface CopyOptions {
  /**
   * Foreign keys and plain indexes of the loaded tables: dropped for the load and re-created before
   * COMMIT (true), kept in place (false: every row is checked and indexed as it arrives), or 'auto'
   * (default): see DEFER_MIN_TOTAL; a table whose `expectedRows` is unknown counts as big.
   */
  deferChecks?: boolean | 'auto';
  /** Rows expected in the whole load, for 'auto' (default: the sum of the tables' expectedRows). */
  expectedTotal?: number;
}

export interface CopyResult {
  /** Rows written per table. */
  rows: Record<string, number>;
  /** sha256 of the COPY text sent for each table: the content hash of what was generated and loaded. */
  sha256: Record<string, string>;
  /** The tables whose keys and indexes were deferred. */
  deferred: string[];
  /** Time spent hashing, of the whole load. */
  hashMs: number;
}

/** The tables whose foreign keys and plain indexes a load defers (see CopyOptions.deferChecks). */
export function tablesToDefer(tables: readonly CopyTable[], opts: CopyOptions = {}): string[] {
  const mode = opts.deferChecks ?? 'auto';
  if (mode !== 'auto') return mode ? tables.map((t) => t.table) : [];
  const total = opts.expectedTotal ?? tables.reduce((n, t) => n + (t.expectedRows ?? 0), 0);
  if (total < DEFER_MIN_TOTAL) return [];
  return tables.filter((t) => (t.expectedRows ?? Infinity) >= DEFER_MIN_ROWS).map((t) => t.table);
}

/**
 * COPY every table in order inside one transaction; returns rows and the content hash per table.
 *
 * Foreign keys and plain indexes of the big tables are dropped first (one round trip) and each
 * table's are re-created as soon as it and the tables its keys reference are loaded (one round trip
 * per table), inside the same transaction, as pg_restore does: a per-row foreign-key check and
 * per-row index maintenance more than doubled the server's time for COPY, while one validating
 * join per key and one sorted index build are cheap. Re-adding a key validates every row: bad data
 * still fails the load, and a failure rolls back the drops with everything else. Meanwhile the
 * generator runs ahead (see AHEAD), so the server's work on one table overlaps generation of the
 * next.
 */
export async function copyTables(
  client: Client,
  tables: Iterable<CopyTable>,
  onRows: (table: string, n: number) => void = () => undefined,
  opts: CopyOptions = {},
): Promise<CopyResult> {
  const list = [...tables];
  const result: CopyResult = { rows: {}, sha256: {}, deferred: tablesToDefer(list, opts), hashMs: 0 };
  await whileGenerating(client, new Generator(list), 'BEGIN', async (gen) => {
    const plan = result.deferred.length ? await deferrableKeys(client, result.deferred) : new Map<string, Deferred>();
    const drops = [...plan.values()].flatMap((d) => d.drop);
    if (drops.length) await client.query(drops.join(';\n'));
    const waiting: Array<{ sql: string; references: string }> = [];
    const pending = new Set(list.map((t) => t.table));
    for (let t = 0; t < list.length; t++) {
      const table = list[t].table;
      result.rows[table] = 0;
      const hash = new TimedHash();
      await copyOne(client, list[t], gen, t, hash, (n) => ((result.rows[table] += n), onRows(table, n)));
      result.sha256[table] = hash.digest();
      result.hashMs += hash.ms;
      pending.delete(table);
      // This table's indexes, and every waiting key whose referenced table is now loaded.
      const d = plan.get(table);
      if (d) waiting.push(...d.foreignKeys);
      const ready = waiting.filter((k) => !pending.has(k.references));
      const sql = [...(d?.indexes ?? []), ...ready.map((k) => k.sql)];
      for (const k of ready) waiting.splice(waiting.indexOf(k), 1);
      if (sql.length) await client.query(sql.join(';\n'));
    }
  });
  return result;
}

/**
 * One transaction (opened by `begin`) fed by `gen`: generation starts at once, so the first rows are
 * ready when the first COPY starts. A failure on either side stops both and rolls back.
 */
async function whileGenerating(client: Client, gen: Generator, begin: string, work: (gen: Generator) => Promise<void>): Promise<void> {
  const generating = gen.run();
  try {
    await client.query(begin);
    await work(gen);
    await generating;
    if (gen.failure) throw gen.failure;
    await client.query('COMMIT');
  } catch (err) {
    gen.stop(err);
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** Streams one table's pieces through COPY FROM STDIN, honouring backpressure. */
/** sha256 that keeps the time it took, so a seed can say what its content hash cost. */
class TimedHash {
  private readonly h = createHash('sha256');
  ms = 0;

  update(bytes: Buffer): void {
    const t0 = performance.now();
    this.h.update(bytes);
    this.ms += performance.now() - t0;
  }

  digest(): string {
    return this.h.digest('hex');
  }
}

async function copyOne(client: Client, t: CopyTable, gen: Generator, index: number, hash: TimedHash, onRows: (n: number) => void): Promise<void> {
  const stream = client.query(copyStreams().from(`COPY ${q(t.table)} (${t.columns.map(q).join(', ')}) FROM STDIN`));
  let failed: Error | undefined;
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', (err: Error) => {
      failed = err;
      reject(err);
    });
  });
  // A rejection that arrives while we are still writing is re-thrown below, not left unhandled.
  done.catch(() => undefined);
  for (;;) {
    const p = await gen.take();
    if (!p) {
      // Generation failed: CopyFail ends this COPY (and the caller rolls back).
      const err = gen.failure ?? new Error('the row generator stopped early');
      stream.destroy(err as Error);
      await done.catch(() => undefined);
      throw err;
    }
    if (p.t !== index) throw new Error(`COPY of ${t.table} was handed rows of another table`);
    if (failed) throw failed;
    hash.update(p.bytes);
    if (p.end) {
      if (p.bytes.length) stream.end(p.bytes);
      else stream.end();
      await done;
      if (p.rows) onRows(p.rows);
      return;
    }
    const more = stream.write(p.bytes);
    onRows(p.rows);
    // Generation goes on while the server parses; wait only when the connection's buffer is full.
    if (!more) await drained(stream);
  }
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

/** `table.column` for every column of the given tables in the current schema. */
export async function liveColumns(client: Client, tables: readonly string[]): Promise<Set<string>> {
  if (!tables.length) return new Set();
  const r = await client.query<{ c: string }>(`SELECT table_name || '.' || column_name AS c FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ANY($1)`, [tables]);
  return new Set(r.rows.map((x) => x.c));
}

/** How the embedding columns are stored here ('pgvector' or 'array'), read from the live column type. */
export async function embeddingStorageOf(client: Client): Promise<'pgvector' | 'array'> {
  const r = await client.query<{ udt: string }>(
    `SELECT udt_name AS udt FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'student_embeddings' AND column_name = 'embedding'`,
  );
  return r.rows[0]?.udt === 'vector' ? 'pgvector' : 'array';
}

/** The session settings that change how values print, pinned so a fingerprint means the same on every server. */
const PINNED_TEXT = `SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL extra_float_digits = 1; SET LOCAL IntervalStyle = 'postgres'`;

/**
 * A table's fingerprint, computed in the server without sorting: the row count and the sum of
 * md5(row text) as two 64-bit halves (an additive multiset hash, as MultisetHash is client-side).
 */
const fingerprint = (row: string, from: string) =>
  `SELECT count(*)::text || ':' || coalesce(sum(('x' || substr(h, 1, 16))::bit(64)::bigint::numeric), 0)::text || ':' || coalesce(sum(('x' || substr(h, 17, 16))::bit(64)::bigint::numeric), 0)::text AS fp, count(*)::int AS n FROM (SELECT md5(${row}::text) AS h FROM ${from}) x`;

export interface TableHashes {
  /** combineHashes over the tables, in the order given. */
  hash: string;
  rows: Record<string, number>;
  tables: Record<string, string>;
}

/**
 * Read-back: a fingerprint of what is live in each table (every column, row order ignored), all
 * tables in one query. It identifies the stored content (same rows, same fingerprint); it is a
 * different number from the hash of the COPY text a seed sent (the server prints values its own
 * way), which `verifyTables` compares through the server instead.
 */
export async function hashTables(client: Client, tables: readonly string[]): Promise<TableHashes> {
  const rows: Record<string, number> = {};
  const fps: Record<string, string> = {};
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  try {
    await client.query(PINNED_TEXT);
    const r = await client.query<{ t: string; fp: string; n: number }>(tables.map((t) => `SELECT ${pgLiteral(t)} AS t, * FROM (${fingerprint('r', `${q(t)} r`)}) f`).join(' UNION ALL '));
    for (const x of r.rows) (rows[x.t] = x.n), (fps[x.t] = x.fp);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  return { hash: combineHashes(tables.map((t) => [t, fps[t]] as const)), rows, tables: fps };
}

export interface TableCheck {
  table: string;
  ok: boolean;
  /** What differs, in one line (absent when ok). */
  problem?: string;
}

/**
 * The opt-in read-back of a seed: are the rows live in each table exactly the rows it loaded?
 * `tables` regenerates them (the generators are deterministic) and `sent` holds the sha256 of the
 * COPY text the seed sent; the regenerated text must hash the same, or the generators changed.
 * Each table's rows are copied into a temporary table of the seeded columns and both sides are
 * fingerprinted by the server (the same types print the same way), in one repeatable-read
 * transaction that writes nothing outside pg_temp.
 */
export async function verifyTables(client: Client, tables: readonly CopyTable[], sent: Readonly<Record<string, string>>): Promise<TableCheck[]> {
  const out: TableCheck[] = [];
  await whileGenerating(client, new Generator(tables), 'BEGIN ISOLATION LEVEL REPEATABLE READ', async (gen) => {
    await client.query(PINNED_TEXT);
    for (let i = 0; i < tables.length; i++) {
      const t = tables[i];
      const cols = t.columns.map(q).join(', ');
      await client.query(`CREATE TEMP TABLE recruit_db_expected AS SELECT ${cols} FROM ${q(t.table)} WITH NO DATA`);
      const hash = new TimedHash();
      let written = 0;
      await copyOne(client, { ...t, table: 'recruit_db_expected' }, gen, i, hash, (n) => (written += n));
      const r = await client.query<{ side: string; fp: string; n: number }>(
        `SELECT 'live' AS side, * FROM (${fingerprint(`row(${cols})`, q(t.table))}) a UNION ALL SELECT 'expected', * FROM (${fingerprint('e', 'pg_temp.recruit_db_expected e')}) b`,
      );
      await client.query('DROP TABLE pg_temp.recruit_db_expected');
      const live = r.rows.find((x) => x.side === 'live')!;
      const expected = r.rows.find((x) => x.side === 'expected')!;
      const regenerated = hash.digest();
      let problem: string | undefined;
      if (sent[t.table] !== undefined && regenerated !== sent[t.table]) problem = 'the generators gave other rows than the seed sent (same seed and profile?)';
      else if (live.n !== written) problem = `${live.n} rows stored, ${written} written`;
      else if (live.fp !== expected.fp) problem = `the stored rows differ from the ${written} written`;
      out.push({ table: t.table, ok: !problem, problem });
    }
  });
  return out;
}

/** Connects for seeding; wraps connection errors in the store's one-line form. */
export async function openSeedClient(config: Config): Promise<Client> {
  const pg = config.postgres!;
  return connectPg(pg, config.timeoutMs);
}

export function seedPgError(err: unknown, config: Config): RecruitDbError {
  if (err instanceof RecruitDbError) return err;
  const e = err as { code?: string; message?: string; table?: string; constraint?: string };
  // A socket error (EPIPE is five capitals too) is the server going away, never a generator's bug.
  if (e.code && !isConnectionLoss(err) && /^[0-9A-Z]{5}$/.test(e.code) && !/^(08|28|3D|57)/.test(e.code)) {
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
