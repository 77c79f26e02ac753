/**
 * Small DDL helpers shared by the Knex migrations in `migrations/`.
 *
 * Each piece of schema logic lives here exactly once: enum create/drop, the uuid primary key,
 * created_at/updated_at plus the one shared `recruit_set_updated_at()` trigger function, foreign
 * keys with a deliberate ON DELETE and an index on every foreign-key column, money/currency/rating/
 * percentage checks, extension probing, the embedding column (pgvector or a real[] fallback) and
 * the no-overlap guard (btree_gist exclusion constraint or a trigger fallback).
 *
 * Whatever depends on the server's capabilities is RECORDED in a `COMMENT` that starts with
 * `recruit-db:` so introspection can report what was used:
 *   - embedding columns: `recruit-db:embedding storage=pgvector dims=384` or `storage=array dims=384`
 *   - no-overlap guards (table comment): `recruit-db:no-overlap guard=exclusion ...` or `guard=trigger ...`
 *   - extensions the migrations installed themselves: `recruit-db:installed-by-migration`
 *     (so `down` drops only an extension that `up` created, never one a DBA installed).
 *
 * Migrations are snapshots: they must keep working when this file evolves, so behaviour changes
 * here should be additive (new helpers), never edits to what an existing helper emits.
 */
import type { Knex } from 'knex';

export const UPDATED_AT_FUNCTION = 'recruit_set_updated_at';
export const EMBEDDING_DIMENSIONS = 384;
export const COMMENT_PREFIX = 'recruit-db:';
export const EXTENSION_MARKER = `${COMMENT_PREFIX}installed-by-migration`;

export type OnDelete = 'CASCADE' | 'RESTRICT' | 'SET NULL';
export type EmbeddingStorage = 'pgvector' | 'array';
export type OverlapGuard = 'exclusion' | 'trigger';

// ---------------------------------------------------------------------------------------------
// Quoting. DDL cannot take bind parameters, so names and labels are validated and quoted here.
// ---------------------------------------------------------------------------------------------

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** Quotes a lower-case SQL identifier; anything else is a programming error in a migration. */
export function ident(name: string): string {
  if (!IDENT.test(name) || name.length > 63) throw new Error(`invalid SQL identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

/** A SQL string literal (standard_conforming_strings is on in every supported server). */
export function literal(value: string): string {
  if (value.includes('\0')) throw new Error('NUL byte in SQL literal');
  return `'${value.replace(/'/g, "''")}'`;
}

async function rows<T>(knex: Knex, sql: string, bindings: readonly unknown[] = []): Promise<T[]> {
  const res = (await knex.raw(sql, bindings as Knex.RawBinding[])) as { rows: T[] };
  return res.rows;
}

// ---------------------------------------------------------------------------------------------
// Enums
// ---------------------------------------------------------------------------------------------

export async function createEnum(knex: Knex, name: string, labels: readonly string[]): Promise<void> {
  if (labels.length === 0) throw new Error(`enum ${name} needs at least one label`);
  await knex.raw(`CREATE TYPE ${ident(name)} AS ENUM (${labels.map(literal).join(', ')})`);
}

export async function dropEnum(knex: Knex, name: string): Promise<void> {
  await knex.raw(`DROP TYPE ${ident(name)}`);
}

// ---------------------------------------------------------------------------------------------
// updated_at trigger (one shared function, one trigger per table)
// ---------------------------------------------------------------------------------------------

export async function createUpdatedAtFunction(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION ${ident(UPDATED_AT_FUNCTION)}() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    BEGIN
      NEW.updated_at := now();
      RETURN NEW;
    END
    $fn$`);
  await knex.raw(
    `COMMENT ON FUNCTION ${ident(UPDATED_AT_FUNCTION)}() IS ${literal(`${COMMENT_PREFIX}keeps updated_at current on every table`)}`,
  );
}

export async function dropUpdatedAtFunction(knex: Knex): Promise<void> {
  await knex.raw(`DROP FUNCTION ${ident(UPDATED_AT_FUNCTION)}()`);
}

export async function addUpdatedAtTrigger(knex: Knex, table: string): Promise<void> {
  await knex.raw(updatedAtTriggerSql(table));
}

function updatedAtTriggerSql(table: string): string {
  return (
    `CREATE TRIGGER ${ident(`${table}_set_updated_at`)} BEFORE UPDATE ON ${ident(table)} ` +
    `FOR EACH ROW EXECUTE FUNCTION ${ident(UPDATED_AT_FUNCTION)}()`
  );
}

/** created_at / updated_at, timestamptz NOT NULL DEFAULT now(). */
export function timestamps(knex: Knex, t: Knex.CreateTableBuilder): void {
  t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
}

// ---------------------------------------------------------------------------------------------
// Extensions
// ---------------------------------------------------------------------------------------------

export async function hasExtensionAvailable(knex: Knex, name: string): Promise<boolean> {
  const r = await rows(knex, 'SELECT 1 FROM pg_available_extensions WHERE name = ?', [name]);
  return r.length > 0;
}

export async function hasExtensionInstalled(knex: Knex, name: string): Promise<boolean> {
  const r = await rows(knex, 'SELECT 1 FROM pg_extension WHERE extname = ?', [name]);
  return r.length > 0;
}

export interface ExtensionResult {
  name: string;
  installed: boolean;
  /** true when this call created it (and marked it, so the matching `down` drops it). */
  created: boolean;
  reason?: string;
}

/**
 * Installs an extension when the server offers it and we may create it. The attempt runs in a
 * savepoint, so a refusal (e.g. an untrusted extension for a non-superuser) leaves the migration's
 * transaction usable and is reported instead of thrown.
 */
export async function ensureExtension(knex: Knex, name: string): Promise<ExtensionResult> {
  if (await hasExtensionInstalled(knex, name)) return { name, installed: true, created: false };
  if (!(await hasExtensionAvailable(knex, name))) {
    return { name, installed: false, created: false, reason: `${name} is not available on this server` };
  }
  try {
    await knex.transaction(async (sp) => {
      await sp.raw(`CREATE EXTENSION ${ident(name)}`);
      await sp.raw(`COMMENT ON EXTENSION ${ident(name)} IS ${literal(EXTENSION_MARKER)}`);
    });
    return { name, installed: true, created: true };
  } catch (err) {
    return { name, installed: false, created: false, reason: (err as Error).message };
  }
}

/** Drops the extension only if a migration installed it (see EXTENSION_MARKER). */
export async function dropExtensionIfCreated(knex: Knex, name: string): Promise<boolean> {
  const r = await rows<{ marker: string | null }>(
    knex,
    `SELECT obj_description(e.oid, 'pg_extension') AS marker FROM pg_extension e WHERE e.extname = ?`,
    [name],
  );
  if (r.length === 0 || r[0].marker !== EXTENSION_MARKER) return false;
  await knex.raw(`DROP EXTENSION ${ident(name)}`);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Foreign-key indexes
// ---------------------------------------------------------------------------------------------

/**
 * Creates a btree index for every foreign key of `table` whose columns are not already the leading
 * columns (in any order) of some non-partial index. Returns the names of the indexes created.
 */
export async function indexForeignKeys(knex: Knex, table: string): Promise<string[]> {
  const fks = await rows<{ cols: string[] }>(
    knex,
    `SELECT array_agg(a.attname::text ORDER BY k.ord) AS cols
       FROM pg_constraint c
       CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
      WHERE c.contype = 'f' AND c.conrelid = ?::regclass
        AND NOT EXISTS (
          SELECT 1 FROM pg_index i
           WHERE i.indrelid = c.conrelid AND i.indpred IS NULL
             AND i.indnkeyatts >= cardinality(c.conkey)
             AND (SELECT array_agg(x ORDER BY x) FROM unnest((i.indkey::int2[])[0:cardinality(c.conkey) - 1]) AS x)
               = (SELECT array_agg(x ORDER BY x) FROM unnest(c.conkey) AS x))
      GROUP BY c.oid
      ORDER BY 1`,
    [`public.${table}`],
  );
  const created: string[] = [];
  for (const { cols } of fks) {
    const name = `${table}_${cols.join('_')}_index`;
    await knex.raw(`CREATE INDEX ${ident(name)} ON ${ident(table)} (${cols.map(ident).join(', ')})`);
    created.push(name);
  }
  return created;
}

/**
 * The CREATE INDEX statements `indexForeignKeys` would run after `statements` (the DDL that creates
 * and completes `table`), worked out from the statements themselves instead of the catalog: the
 * same rule (an index per foreign key whose columns do not already lead, in any order, a
 * non-partial index: primary key, unique or exclusion constraint, or CREATE INDEX on plain
 * columns), the same names, and no round trip per table. Returns undefined when the statements do
 * something this reading does not follow (an inline REFERENCES, a DROP, ...): then ask the catalog.
 */
export function foreignKeyIndexStatements(table: string, statements: readonly string[]): string[] | undefined {
  const fks: string[][] = [];
  const leads: string[][] = [];
  for (const raw of statements) {
    const sql = withoutLiterals(raw);
    if (UNFOLLOWED.test(sql)) return undefined;
    const index = CREATE_INDEX.exec(sql);
    if (index) {
      if (sameTable(index[1], table)) {
        const open = index.index + index[0].length - 1;
        const { items, end } = parenItems(sql, open);
        if (!/\bwhere\b/i.test(sql.slice(end))) leads.push(leadingColumns(items));
      }
      continue;
    }
    const target = TABLE_STATEMENT.exec(sql);
    if (!target || !sameTable(target[1], table)) continue;
    const count = (re: RegExp) => sql.match(re)?.length ?? 0;
    if (count(/\breferences\b/gi) !== count(FOREIGN_KEY) || count(/\bunique\b|\bprimary\s+key\b/gi) !== count(KEY_CONSTRAINT)) return undefined;
    for (const m of sql.matchAll(FOREIGN_KEY)) fks.push(parenItems(sql, m.index! + m[0].length - 1).items.map(columnOf) as string[]);
    for (const m of sql.matchAll(KEY_CONSTRAINT)) leads.push(leadingColumns(parenItems(sql, m.index! + m[0].length - 1).items));
    for (const m of sql.matchAll(EXCLUDE_CONSTRAINT)) {
      const { items, end } = parenItems(sql, m.index! + m[0].length - 1);
      if (!/^\s*(?:include\s*\([^)]*\)\s*)?(?:with\s*\([^)]*\)\s*)?(?:using\s+index\s+tablespace\s+\S+\s*)?where\b/i.test(sql.slice(end))) {
        leads.push(leadingColumns(items));
      }
    }
  }
  const covered = (cols: readonly string[]) => {
    const want = [...cols].sort().join(',');
    return leads.some((lead) => lead.length >= cols.length && lead.slice(0, cols.length).sort().join(',') === want);
  };
  const out: string[] = [];
  for (const cols of [...fks].sort((a, b) => a.join(',').localeCompare(b.join(',')))) {
    if (cols.some((c) => !c) || covered(cols)) continue;
    out.push(`CREATE INDEX ${ident(`${table}_${cols.join('_')}_index`)} ON ${ident(table)} (${cols.map(ident).join(', ')})`);
    leads.push(cols);
  }
  return out;
}

const NAME = String.raw`(?:"[^"]+"|[a-z_][a-z0-9_$]*)`;
const QUALIFIED = String.raw`(${NAME}(?:\.${NAME})?)`;
const CREATE_INDEX = new RegExp(String.raw`^\s*create\s+(?:unique\s+)?index\b[\s\S]*?\bon\s+(?:only\s+)?${QUALIFIED}\s*(?:using\s+\w+\s*)?\(`, 'i');
const TABLE_STATEMENT = new RegExp(String.raw`^\s*(?:create\s+table\s+(?:if\s+not\s+exists\s+)?|alter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?)${QUALIFIED}`, 'i');
const FOREIGN_KEY = /\bforeign\s+key\s*\(/gi;
const KEY_CONSTRAINT = /\b(?:primary\s+key|unique(?:\s+nulls\s+(?:not\s+)?distinct)?)\s*\(/gi;
const EXCLUDE_CONSTRAINT = /\bexclude\s+(?:using\s+\w+\s*)?\(/gi;
const UNFOLLOWED = /\b(?:drop|rename|inherits|partition|attach|detach)\b|\(\s*like\b/i;

/** String literals and dollar-quoted bodies blanked out, so text inside them is never read as DDL. */
function withoutLiterals(sql: string): string {
  return sql.replace(/\$([a-z_]*)\$[\s\S]*?\$\1\$|'(?:[^']|'')*'/gi, "''");
}

function unquote(name: string): string {
  return name.startsWith('"') ? name.slice(1, -1) : name.toLowerCase();
}

function sameTable(qualified: string, table: string): boolean {
  const parts = qualified.match(new RegExp(NAME, 'gi'))!.map(unquote);
  return parts[parts.length - 1] === table && (parts.length === 1 || parts[0] === 'public');
}

/** The comma-separated items of the parenthesised group opening at `open`, and the index after it. */
function parenItems(sql: string, open: number): { items: string[]; end: number } {
  const items: string[] = [];
  let depth = 0;
  let start = open + 1;
  let quoted = false;
  for (let i = open; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === '"') quoted = !quoted;
    if (quoted) continue;
    if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) {
      items.push(sql.slice(start, i).trim());
      return { items, end: i + 1 };
    } else if (ch === ',' && depth === 1) {
      items.push(sql.slice(start, i).trim());
      start = i + 1;
    }
  }
  return { items: [], end: sql.length };
}

/** A plain column (optionally with opclass, order or `WITH op`), or undefined for an expression. */
function columnOf(item: string): string | undefined {
  const m = new RegExp(String.raw`^(${NAME})(?:\s+[^(]*)?$`, 'i').exec(item);
  return m ? unquote(m[1]) : undefined;
}

/** The key columns up to the first expression (which has no column number, so leads nothing). */
function leadingColumns(items: readonly string[]): string[] {
  const cols: string[] = [];
  for (const item of items) {
    const c = columnOf(item);
    if (!c) break;
    cols.push(c);
  }
  return cols;
}

// ---------------------------------------------------------------------------------------------
// Sending DDL
// ---------------------------------------------------------------------------------------------

/** A statement as knex compiles it, or plain SQL. */
export type Statement = string | { sql: string; bindings?: readonly unknown[] };

function sqlOf(s: Statement): string {
  return (typeof s === 'string' ? s : s.sql).trim().replace(/;+$/, '');
}

/** Statements PostgreSQL refuses inside a multi-statement query (an implicit transaction block). */
const MUST_RUN_ALONE = /\bconcurrently\b|^\s*(?:vacuum|create\s+database|drop\s+database|alter\s+system)\b/i;

/**
 * Runs statements in order in as few round trips as is safe: consecutive statements without bind
 * parameters go together as one multi-statement query (the simple protocol runs them in order, and
 * the first error stops the rest); a statement with bindings, or one that must run alone, goes by
 * itself. Same statements, same order, same transaction: only the number of round trips changes.
 */
export async function runStatements(knex: Knex, statements: readonly Statement[]): Promise<void> {
  let batch: string[] = [];
  const flush = async () => {
    if (batch.length) await knex.raw(batch.join(';\n'));
    batch = [];
  };
  for (const s of statements) {
    const sql = sqlOf(s);
    if (canBatch(s)) {
      batch.push(sql);
    } else {
      await flush();
      await knex.raw(sql, (typeof s === 'string' ? [] : (s.bindings ?? [])) as Knex.RawBinding[]);
    }
  }
  await flush();
}

function canBatch(s: Statement): boolean {
  return (typeof s === 'string' || !s.bindings?.length) && !MUST_RUN_ALONE.test(sqlOf(s));
}

// ---------------------------------------------------------------------------------------------
// Table kit: the column vocabulary every migration uses
// ---------------------------------------------------------------------------------------------

export interface ColumnOpts {
  nullable?: boolean;
}

/** Wraps Knex's table builder with the project's column conventions; collects post-create SQL. */
export class TableKit {
  private readonly deferred: string[] = [];

  constructor(
    readonly knex: Knex,
    readonly table: string,
    readonly t: Knex.CreateTableBuilder,
  ) {}

  /** SQL to run right after CREATE TABLE (expression indexes, comments, ...). */
  after(sql: string): void {
    this.deferred.push(sql);
  }

  get afterStatements(): readonly string[] {
    return this.deferred;
  }

  /** A named CHECK constraint: `<table>_<name>_check`. */
  check(name: string, predicate: string): void {
    if (predicate.includes('?')) throw new Error('CHECK predicates must not contain "?" (Knex binding marker)');
    this.t.check(predicate, undefined, `${this.table}_${name}_check`);
  }

  /** uuid FK -> refTable(id). SET NULL links are always nullable. The index is added afterwards. */
  fk(column: string, refTable: string, onDelete: OnDelete, opts: ColumnOpts = {}): Knex.ColumnBuilder {
    const nullable = opts.nullable ?? onDelete === 'SET NULL';
    if (onDelete === 'SET NULL' && !nullable) throw new Error(`${this.table}.${column}: SET NULL needs a nullable column`);
    const col = this.t.uuid(column);
    if (!nullable) col.notNullable();
    col.references('id').inTable(refTable).onDelete(onDelete);
    return col;
  }

  /** A column typed with an existing enum type. */
  enumCol(column: string, enumName: string, opts: ColumnOpts & { default?: string } = {}): Knex.ColumnBuilder {
    const col = this.t.specificType(column, ident(enumName));
    if (!opts.nullable) col.notNullable();
    if (opts.default !== undefined) col.defaultTo(this.knex.raw(`${literal(opts.default)}::${ident(enumName)}`));
    return col;
  }

  text(column: string, opts: ColumnOpts = {}): Knex.ColumnBuilder {
    const col = this.t.text(column);
    if (!opts.nullable) col.notNullable();
    return col;
  }

  /** Non-blank text (NOT NULL unless nullable, and never empty/whitespace). */
  name(column: string, opts: ColumnOpts = {}): Knex.ColumnBuilder {
    const col = this.text(column, opts);
    this.check(`${column}_not_blank`, `btrim(${ident(column)}) <> ''`);
    return col;
  }

  /** timestamptz; `defaultNow` implies NOT NULL. */
  ts(column: string, opts: ColumnOpts & { defaultNow?: boolean } = {}): Knex.ColumnBuilder {
    const col = this.t.timestamp(column, { useTz: true });
    if (opts.defaultNow) col.notNullable().defaultTo(this.knex.fn.now());
    else if (opts.nullable === false) col.notNullable();
    return col;
  }

  /** numeric(12,2) >= 0. NOT NULL DEFAULT 0 unless nullable. */
  money(column: string, opts: ColumnOpts & { defaultZero?: boolean } = {}): Knex.ColumnBuilder {
    const col = this.t.decimal(column, 12, 2);
    if (!opts.nullable) col.notNullable();
    if (opts.defaultZero) col.defaultTo(0);
    this.check(`${column}_nonneg`, `${ident(column)} >= 0`);
    return col;
  }

  /** ISO-4217 code: char(3) NOT NULL DEFAULT 'USD' CHECK (~ '^[A-Z]{3}$'). */
  currency(column = 'currency'): Knex.ColumnBuilder {
    const col = this.t.specificType(column, 'char(3)').notNullable().defaultTo('USD');
    this.check(`${column}_iso`, `${ident(column)} ~ '^[A-Z]{3}$'`);
    return col;
  }

  /** smallint rating 1..5. */
  rating(column = 'rating', opts: ColumnOpts = {}): Knex.ColumnBuilder {
    const col = this.t.smallint(column);
    if (!opts.nullable) col.notNullable();
    this.check(`${column}_range`, `${ident(column)} BETWEEN 1 AND 5`);
    return col;
  }

  /** Average of 1..5 ratings: numeric(3,2) 0..5 (0 = no ratings yet). */
  ratingAvg(column = 'rating_avg'): Knex.ColumnBuilder {
    const col = this.t.decimal(column, 3, 2).notNullable().defaultTo(0);
    this.check(`${column}_range`, `${ident(column)} BETWEEN 0 AND 5`);
    return col;
  }

  /** numeric(5,2) percentage 0..100. */
  percent(column: string, opts: ColumnOpts & { default?: number } = {}): Knex.ColumnBuilder {
    const col = this.t.decimal(column, 5, 2);
    if (!opts.nullable) col.notNullable();
    if (opts.default !== undefined) col.defaultTo(opts.default);
    this.check(`${column}_percent`, `${ident(column)} BETWEEN 0 AND 100`);
    return col;
  }

  /** integer >= 0 (counts, durations, positions). */
  count(column: string, opts: ColumnOpts & { default?: number } = {}): Knex.ColumnBuilder {
    const col = this.t.integer(column);
    if (!opts.nullable) col.notNullable();
    if (opts.default !== undefined) col.defaultTo(opts.default);
    this.check(`${column}_nonneg`, `${ident(column)} >= 0`);
    return col;
  }

  /** integer >= 1 (capacities, attempt numbers, ...). */
  positive(column: string, opts: ColumnOpts & { default?: number } = {}): Knex.ColumnBuilder {
    const col = this.t.integer(column);
    if (!opts.nullable) col.notNullable();
    if (opts.default !== undefined) col.defaultTo(opts.default);
    this.check(`${column}_positive`, `${ident(column)} >= 1`);
    return col;
  }

  /** An S3 object key (relative: no leading slash, not blank). Nullable unless told otherwise. */
  s3Key(column: string, opts: ColumnOpts = {}): Knex.ColumnBuilder {
    const col = this.t.text(column);
    if (opts.nullable === false) col.notNullable();
    this.check(`${column}_valid`, `${ident(column)} ~ '^[^/[:space:]]' AND length(${ident(column)}) <= 1024`);
    return col;
  }

  /** jsonb, only for document-shaped data. `kind` constrains jsonb_typeof. */
  document(column: string, kind: 'object' | 'array' | 'any', opts: ColumnOpts & { default?: string } = {}): Knex.ColumnBuilder {
    const col = this.t.jsonb(column);
    if (!opts.nullable) col.notNullable();
    if (opts.default !== undefined) col.defaultTo(this.knex.raw(`${literal(opts.default)}::jsonb`));
    if (kind !== 'any') this.check(`${column}_is_${kind}`, `jsonb_typeof(${ident(column)}) = ${literal(kind)}`);
    return col;
  }

  /** CHECK end > start (both columns must already be declared). */
  period(start: string, end: string, opts: { allowEqual?: boolean } = {}): void {
    this.check(`${end}_after_${start}`, `${ident(end)} ${opts.allowEqual ? '>=' : '>'} ${ident(start)}`);
  }

  /** Case-insensitive uniqueness on a text column: UNIQUE INDEX (lower(col)). */
  uniqueLower(column: string): void {
    this.after(
      `CREATE UNIQUE INDEX ${ident(`${this.table}_${column}_lower_unique`)} ON ${ident(this.table)} (lower(${ident(column)}))`,
    );
  }

  /**
   * The embedding column: `vector(dims)` with an HNSW cosine index when pgvector is installed,
   * otherwise `real[]` with CHECKs on shape. The choice is recorded in the column comment.
   */
  embedding(column: string, storage: EmbeddingStorage, dims = EMBEDDING_DIMENSIONS): void {
    const c = ident(column);
    if (storage === 'pgvector') {
      this.t.specificType(column, `vector(${dims})`).notNullable();
      this.after(
        `CREATE INDEX ${ident(`${this.table}_${column}_hnsw_cosine`)} ON ${ident(this.table)} USING hnsw (${c} vector_cosine_ops)`,
      );
    } else {
      this.t.specificType(column, 'real[]').notNullable();
      this.check(
        `${column}_dims`,
        `array_ndims(${c}) = 1 AND array_length(${c}, 1) = ${dims} AND array_position(${c}, NULL) IS NULL`,
      );
    }
    this.after(
      `COMMENT ON COLUMN ${ident(this.table)}.${c} IS ${literal(embeddingComment(storage, dims))}`,
    );
  }
}

export function embeddingComment(storage: EmbeddingStorage, dims = EMBEDDING_DIMENSIONS): string {
  return `${COMMENT_PREFIX}embedding storage=${storage} dims=${dims}`;
}

/** Parses a column comment written by TableKit.embedding (for introspection). */
export function parseEmbeddingComment(comment: string | null | undefined): { storage: EmbeddingStorage; dims: number } | undefined {
  const m = /^recruit-db:embedding storage=(pgvector|array) dims=(\d+)/.exec(comment ?? '');
  return m ? { storage: m[1] as EmbeddingStorage, dims: Number(m[2]) } : undefined;
}

/**
 * Picks the embedding storage for this server: pgvector when installed, or when available and
 * installable (installs it, marked so 0001's `down` removes it); otherwise the array fallback.
 */
export async function embeddingStorage(knex: Knex): Promise<EmbeddingStorage> {
  const ext = await ensureExtension(knex, 'vector');
  return ext.installed ? 'pgvector' : 'array';
}

/**
 * CREATE TABLE with the conventions: `id uuid PRIMARY KEY DEFAULT gen_random_uuid()`, the columns
 * from `build`, created_at/updated_at, the updated_at trigger, the deferred statements, and an
 * index on every foreign key not already led by an index (see foreignKeyIndexStatements); all of
 * it sent in one round trip (see runStatements).
 */
export async function createTable(
  knex: Knex,
  table: string,
  build: (k: TableKit, t: Knex.CreateTableBuilder) => void,
  opts: { comment?: string } = {},
): Promise<void> {
  let kit: TableKit | undefined;
  // Compiled rather than run: the whole table then goes to the server in one round trip.
  const statements: Statement[] = knex.schema
    .createTable(table, (t) => {
      t.uuid('id').primary({ constraintName: `${table}_pkey` }).defaultTo(knex.raw('gen_random_uuid()'));
      kit = new TableKit(knex, table, t);
      build(kit, t);
      timestamps(knex, t);
    })
    .toSQL();
  statements.push(updatedAtTriggerSql(table), ...kit!.afterStatements);
  if (opts.comment) statements.push(`COMMENT ON TABLE ${ident(table)} IS ${literal(opts.comment)}`);
  const fkIndexes = foreignKeyIndexStatements(table, statements.map(sqlOf));
  const all = fkIndexes ? [...statements, ...fkIndexes] : statements;
  const pipeline = pipelines.get(knex);
  if (pipeline && fkIndexes && all.every(canBatch)) {
    await sendPipelined(knex, pipeline, all.map(sqlOf).join(';\n'));
    return;
  }
  await runStatements(knex, all);
  if (!fkIndexes) await indexForeignKeys(knex, table);
}

// ---------------------------------------------------------------------------------------------
// Pipelining: the server creates one table while the migration compiles the next
// ---------------------------------------------------------------------------------------------

const pipelines = new WeakMap<Knex, Array<Promise<unknown>>>();

/**
 * Runs `work` (a migration's up or down) with createTable pipelined on the transaction `trx`:
 * createTable returns once its statements are queued on the transaction's one connection (which
 * runs everything in the order it was queued), not when the server has run them. Before
 * returning, this waits for everything queued, and throws the first statement that failed (what
 * failed after it only saw the aborted transaction). Not a transaction: `work` runs as is.
 */
export async function pipelineDdl<T>(trx: Knex, work: () => Promise<T>): Promise<T> {
  if (!trx.isTransaction) return work(); // a pool could run queued statements on other connections
  const queued: Array<Promise<unknown>> = [];
  pipelines.set(trx, queued);
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await work() };
  } catch (error) {
    outcome = { ok: false, error };
  } finally {
    pipelines.delete(trx);
  }
  const failed = (await Promise.allSettled(queued)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

/**
 * One table in flight at a time: the server runs it while the migration compiles the next one. A
 * deeper queue would gain little more, and pg warns when a query is queued behind a queued query.
 */
async function sendPipelined(knex: Knex, queue: Array<Promise<unknown>>, sql: string): Promise<void> {
  // A failure has aborted the transaction: send nothing more into it, stop the migration here.
  await queue[queue.length - 1];
  const query = knex.raw(sql);
  // knex emits 'query' synchronously just before handing the SQL to the connection's FIFO queue.
  const handedOver = new Promise<void>((resolve) => query.on('query', () => resolve()));
  const done = query.then(() => undefined);
  done.catch(() => undefined); // reported by pipelineDdl
  queue.push(done);
  await Promise.race([handedOver, done.catch(() => undefined)]);
}

// ---------------------------------------------------------------------------------------------
// Batching: a transaction's DDL in as few round trips as the results allow
// ---------------------------------------------------------------------------------------------

/** What a statement whose result nobody reads can be sent later with others: DDL without bindings. */
const DEFERRABLE = /^\s*(?:create|alter|comment|drop|grant|revoke)\b/i;
const SAVEPOINT_OPEN = /^\s*savepoint\b/i;
const SAVEPOINT_CLOSE = /^\s*(?:release|rollback\s+to)\b/i;
const ROLLBACK = /^\s*rollback\s*;?\s*$/i;
const DEFERRED_RESULT = Object.freeze({ command: 'DEFERRED', rowCount: null, rows: [], fields: [] });

type QueryCallback = (err: Error | null, res?: unknown) => void;
interface PgConnection {
  query: (...args: unknown[]) => unknown;
}

/**
 * Runs `work` (a migration's up or down, inside the transaction `trx`) with its DDL batched: a
 * statement of DEFERRABLE kind without bindings is answered at once with an empty result (DDL has
 * none to read) and held, and everything held goes to the server as one multi-statement query right
 * before the next statement that is not deferrable (a SELECT, an INSERT, a statement with bindings,
 * COMMIT), queued ahead of it on the transaction's one connection, so that statement sees all
 * earlier DDL done: same statements, same order, same transaction, fewer round trips. A failure in
 * a batch is reported by the statement that flushed it (the transaction is aborted by then, so
 * nothing after it runs either). Inside a savepoint nothing is held: code that catches a
 * statement's error (validateOrReport, ensureExtension) gets it from that very statement.
 */
export async function batchDdl<T>(trx: Knex, work: () => Promise<T>): Promise<T> {
  if (!trx.isTransaction) return work();
  const conn = await (trx as unknown as { client: { acquireConnection(): Promise<PgConnection> } }).client.acquireConnection();
  const send = conn.query;
  let held: string[] = [];
  let depth = 0;
  const flush = (): { error?: Error } => {
    const batch: { error?: Error } = {};
    if (!held.length) return batch;
    const sql = held.join(';\n');
    held = [];
    send.call(conn, sql, (err: Error | null) => {
      if (err) batch.error = err;
    });
    return batch;
  };
  conn.query = function (config: unknown, values?: unknown, callback?: unknown): unknown {
    const text = typeof config === 'string' ? config : ((config as { text?: string } | undefined)?.text ?? '');
    const bindings = typeof config === 'object' && config ? (config as { values?: unknown[] }).values : Array.isArray(values) ? values : undefined;
    const cb = (typeof values === 'function' ? values : callback) as QueryCallback | undefined;
    if (depth === 0 && cb && !bindings?.length && DEFERRABLE.test(text) && !MUST_RUN_ALONE.test(text)) {
      held.push(`${text.trim().replace(/;+$/, '')}\n`); // the newline ends a trailing -- comment
      process.nextTick(cb, null, DEFERRED_RESULT);
      return undefined;
    }
    if (SAVEPOINT_OPEN.test(text)) depth++;
    else if (SAVEPOINT_CLOSE.test(text) && depth > 0) depth--;
    if (ROLLBACK.test(text)) held = []; // whatever was held is undone anyway
    const inline = held.length && cb ? inlined(text, bindings) : undefined;
    if (inline !== undefined) {
      // The held DDL and this statement in one simple query: one round trip; its answer is the last.
      const sql = `${held.join(';\n')};\n${inline}`;
      held = [];
      return send.call(conn, sql, (err: Error | null, res?: unknown) => cb!(err, Array.isArray(res) ? res[res.length - 1] : res));
    }
    const batch = flush();
    if (!cb) return send.call(conn, config, values, callback);
    const answer: QueryCallback = (err, res) => (batch.error ? cb(batch.error) : cb(err, res));
    return typeof values === 'function' ? send.call(conn, config, answer) : send.call(conn, config, values, answer);
  };
  try {
    const value = await work();
    const sql = held.join(';\n');
    held = [];
    if (sql) await new Promise<void>((resolve, reject) => send.call(conn, sql, (err: Error | null) => (err ? reject(err) : resolve())));
    return value;
  } finally {
    held = [];
    conn.query = send;
  }
}

/**
 * `sql` with its $n bindings written in as literals, so it can join a multi-statement simple query;
 * undefined when that is not plainly safe (a binding that is not a string, number or boolean, a
 * dollar-quoted body, a $n the bindings do not cover). Each becomes a quoted literal of its text,
 * which is what pg sends for it anyway (untyped text): the server infers its type from the context
 * in both cases.
 */
function inlined(sql: string, bindings: readonly unknown[] | undefined): string | undefined {
  if (!bindings?.length) return sql;
  if (/\$[a-z_]*\$/i.test(sql)) return undefined;
  const texts = bindings.map((b) => (typeof b === 'string' || typeof b === 'boolean' || (typeof b === 'number' && Number.isFinite(b)) ? String(b) : undefined));
  if (texts.some((t) => t === undefined || t.includes('\0'))) return undefined;
  let ok = true;
  const out = sql.replace(/'(?:[^']|'')*'|\$(\d+)/g, (m, n?: string) => {
    if (n === undefined) return m;
    const t = texts[Number(n) - 1];
    if (t === undefined) ok = false;
    return literal(t ?? '');
  });
  return ok ? out : undefined;
}

// ---------------------------------------------------------------------------------------------
// The fast path of a migration that runs outside a transaction, on an empty database
// ---------------------------------------------------------------------------------------------

/** Transactions in which every table is empty and locked against writes (see lockEmptyTables). */
const emptyTables = new WeakSet<Knex>();

/**
 * In the transaction `trx`: locks every table of the schema but `skip` (the migrator's own
 * bookkeeping) in SHARE mode, NOWAIT, and checks that every one of them not starting with
 * `ownedPrefix` is empty (tables the tool owns, e.g. the status graph, hold only rows the migrations
 * wrote). True: the transaction is marked, and until it ends nobody can write a row to those tables
 * (SHARE conflicts with every writer), so the helpers below may do in it what their online-safe
 * form exists to avoid on tables with data: a plain CREATE INDEX (instant on an empty table) instead
 * of CONCURRENTLY, VALIDATE with no savepoint (no row can break a constraint). False, and nothing
 * was done: a table holds rows, or is locked by someone else; the transaction is then unusable and
 * the caller runs the migration the online-safe way, outside it.
 */
export async function lockEmptyTables(trx: Knex, skip: readonly string[], ownedPrefix: string): Promise<boolean> {
  const tables = await rows<{ name: string }>(
    trx,
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND c.relname <> ALL (ARRAY[${skip.map(literal).join(', ') || "''"}]::text[])
      ORDER BY 1`,
  );
  if (!tables.length) return false;
  const names = tables.map((t) => ident(t.name));
  try {
    await trx.raw(`LOCK TABLE ${names.join(', ')} IN SHARE MODE NOWAIT`);
  } catch (err) {
    if ((err as { code?: string }).code === '55P03') return false;
    throw err;
  }
  const checked = tables.filter((t) => !t.name.startsWith(ownedPrefix)).map((t) => `NOT EXISTS (SELECT 1 FROM ${ident(t.name)})`);
  const [{ empty }] = await rows<{ empty: boolean }>(trx, `SELECT ${checked.length ? checked.join(' AND ') : 'true'} AS empty`);
  if (empty) emptyTables.add(trx);
  return empty;
}

/** Drops tables in the given order (children first). */
export async function dropTables(knex: Knex, tables: readonly string[]): Promise<void> {
  for (const table of tables) await knex.schema.dropTable(table);
}

// ---------------------------------------------------------------------------------------------
// No-overlap guard (mentor double-booking)
// ---------------------------------------------------------------------------------------------

export interface NoOverlapSpec {
  table: string;
  /** Constraint / trigger name, e.g. mentor_sessions_no_overlap. */
  name: string;
  /** The column whose rows must not overlap in time (e.g. mentor_id). */
  key: string;
  start: string;
  end: string;
  /** Predicate selecting rows that occupy their slot; `alias` is '' or 'NEW.' / 'o.'. */
  active: (alias: string) => string;
}

/**
 * With btree_gist: EXCLUDE USING gist (key WITH =, tstzrange(start, end) WITH &&) WHERE (active).
 * Without it: a BEFORE INSERT/UPDATE trigger that serialises per key with a transaction-scoped
 * advisory lock and raises the same SQLSTATE (23P01 exclusion_violation) on overlap. The choice is
 * recorded in the table comment.
 */
export interface NoOverlapOptions {
  /**
   * Where the choice is recorded: 'table' (the table comment, as the first release's mentor guard
   * does) or 'guard' (the constraint's or trigger's own comment, for a second guard on a table).
   */
  recordOn?: 'table' | 'guard';
  /**
   * Rows already in the table may overlap (a guard added to a table with data): then the trigger is
   * used even with btree_gist, so old rows stay and only new or changed ones are checked.
   */
  existingRowsChecked?: boolean;
}

export async function addNoOverlapGuard(knex: Knex, spec: NoOverlapSpec, opts: NoOverlapOptions = {}): Promise<OverlapGuard> {
  const { table, name, key, start, end, active } = spec;
  const T = ident(table);
  const onGuard = opts.recordOn === 'guard';
  const overlaps = opts.existingRowsChecked ? await overlappingRows(knex, spec) : 0;
  if ((await hasExtensionInstalled(knex, 'btree_gist')) && overlaps === 0) {
    await knex.raw(
      `ALTER TABLE ${T} ADD CONSTRAINT ${ident(name)} EXCLUDE USING gist ` +
        `(${ident(key)} WITH =, tstzrange(${ident(start)}, ${ident(end)}) WITH &&) WHERE (${active('')})`,
    );
    const record = `${COMMENT_PREFIX}no-overlap guard=exclusion constraint=${name} key=${key}`;
    if (onGuard) await knex.raw(`COMMENT ON CONSTRAINT ${ident(name)} ON ${T} IS ${literal(record)}`);
    else await knex.raw(`COMMENT ON TABLE ${T} IS ${literal(record)}`);
    return 'exclusion';
  }
  await knex.raw(`
    CREATE FUNCTION ${ident(name)}() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    BEGIN
      IF NEW.${ident(end)} <= NEW.${ident(start)} OR NOT (${active('NEW.')}) THEN
        RETURN NEW; -- the CHECK constraint rejects bad periods; inactive rows occupy nothing
      END IF;
      PERFORM pg_advisory_xact_lock(hashtextextended(${literal(`${table}:`)} || NEW.${ident(key)}::text, 0));
      IF EXISTS (
        SELECT 1 FROM ${T} o
         WHERE o.${ident(key)} = NEW.${ident(key)} AND o.id <> NEW.id AND (${active('o.')})
           AND tstzrange(o.${ident(start)}, o.${ident(end)}) && tstzrange(NEW.${ident(start)}, NEW.${ident(end)})
      ) THEN
        RAISE EXCEPTION 'conflicting key value violates exclusion constraint "%"', ${literal(name)}
          USING ERRCODE = 'exclusion_violation', CONSTRAINT = ${literal(name)}, TABLE = ${literal(table)};
      END IF;
      RETURN NEW;
    END
    $fn$`);
  await knex.raw(
    `CREATE TRIGGER ${ident(name)} BEFORE INSERT OR UPDATE ON ${T} FOR EACH ROW EXECUTE FUNCTION ${ident(name)}()`,
  );
  if (onGuard) {
    const reason = overlaps > 0 ? `${overlaps} existing overlapping rows (kept; new and changed rows are checked)` : 'btree_gist unavailable';
    await knex.raw(`COMMENT ON TRIGGER ${ident(name)} ON ${T} IS ${literal(`${COMMENT_PREFIX}no-overlap guard=trigger function=${name} key=${key} reason=${reason}`)}`);
    return 'trigger';
  }
  await knex.raw(
    `COMMENT ON TABLE ${T} IS ${literal(
      `${COMMENT_PREFIX}no-overlap guard=trigger function=${name} key=${key} reason=btree_gist unavailable`,
    )}`,
  );
  return 'trigger';
}

/** Pairs of rows the guard would call a conflict, among the rows already there. */
async function overlappingRows(knex: Knex, spec: NoOverlapSpec): Promise<number> {
  const { table, key, start, end, active } = spec;
  const [{ n }] = await rows<{ n: number }>(
    knex,
    `SELECT count(*)::int AS n FROM ${ident(table)} a JOIN ${ident(table)} o ON o.${ident(key)} = a.${ident(key)} AND o.id < a.id
      WHERE (${active('a.')}) AND (${active('o.')}) AND a.${ident(end)} > a.${ident(start)} AND o.${ident(end)} > o.${ident(start)}
        AND tstzrange(a.${ident(start)}, a.${ident(end)}) && tstzrange(o.${ident(start)}, o.${ident(end)})`,
  );
  return n;
}

/** Undoes addNoOverlapGuard's function (the constraint/trigger go with the table). */
export async function dropNoOverlapGuardFunction(knex: Knex, name: string): Promise<void> {
  await knex.raw(`DROP FUNCTION IF EXISTS ${ident(name)}()`);
}

// ---------------------------------------------------------------------------------------------
// Append-only tables
// ---------------------------------------------------------------------------------------------

export interface AppendOnlySpec {
  table: string;
  /** Function and trigger name, e.g. audit_logs_append_only. */
  name: string;
  /**
   * Columns a foreign key's ON DELETE SET NULL may clear: the one UPDATE allowed, so deleting the
   * referenced row still works and the rest of the record stays as written.
   */
  setNullColumns: readonly string[];
  /**
   * Only the foreign key's own ON DELETE SET NULL may clear those columns: it runs inside the
   * referential trigger, so the guard sees trigger depth 2; an UPDATE typed by hand is depth 1.
   * (Absent: any such UPDATE passes, as in the first release's 0016.)
   */
  onlyFromForeignKey?: boolean;
}

/**
 * A BEFORE UPDATE OR DELETE trigger that refuses both with SQLSTATE 23001 (restrict_violation),
 * except an UPDATE that clears at least one of setNullColumns and changes nothing else (each of
 * them is either cleared or unchanged: one key's SET NULL leaves the others alone; updated_at, kept
 * by its own trigger, is ignored). INSERT and TRUNCATE stay allowed: rows are added, and a
 * retention purge is a deliberate TRUNCATE by someone who owns the table, not a stray statement.
 */
export async function addAppendOnlyGuard(knex: Knex, spec: AppendOnlySpec): Promise<void> {
  const { table, name, setNullColumns } = spec;
  const skip = `ARRAY[${[...setNullColumns, 'updated_at'].map(literal).join(', ')}]`;
  const cols = setNullColumns.map(ident);
  const cleared = cols.length
    ? `(${cols.map((c) => `(NEW.${c} IS NULL OR NEW.${c} IS NOT DISTINCT FROM OLD.${c})`).join(' AND ')}) AND (${cols.map((c) => `(OLD.${c} IS NOT NULL AND NEW.${c} IS NULL)`).join(' OR ')})`
    : 'false';
  const depth = spec.onlyFromForeignKey ? ' AND pg_trigger_depth() > 1' : '';
  await knex.raw(`
    CREATE FUNCTION ${ident(name)}() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    BEGIN
      IF TG_OP = 'UPDATE'${depth} AND ${cleared} AND (to_jsonb(NEW) - ${skip}::text[]) = (to_jsonb(OLD) - ${skip}::text[]) THEN
        RETURN NEW; -- a referenced row was deleted: ON DELETE SET NULL
      END IF;
      RAISE EXCEPTION '% on % is not allowed: its rows are append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation', TABLE = TG_TABLE_NAME,
              HINT = 'insert a new row instead; purging old rows is a TRUNCATE or a migration';
    END
    $fn$`);
  await knex.raw(`CREATE TRIGGER ${ident(name)} BEFORE UPDATE OR DELETE ON ${ident(table)} FOR EACH ROW EXECUTE FUNCTION ${ident(name)}()`);
}

/** Undoes addAppendOnlyGuard. */
export async function dropAppendOnlyGuard(knex: Knex, spec: Pick<AppendOnlySpec, 'table' | 'name'>): Promise<void> {
  await knex.raw(`DROP TRIGGER IF EXISTS ${ident(spec.name)} ON ${ident(spec.table)}`);
  await knex.raw(`DROP FUNCTION IF EXISTS ${ident(spec.name)}()`);
}

// ---------------------------------------------------------------------------------------------
// Second release: safe changes to tables that may already hold data
// ---------------------------------------------------------------------------------------------
//
// The patterns of squawk and strong_migrations: constraints are added NOT VALID (a brief lock, no
// scan) and validated later in their own transaction (SHARE UPDATE EXCLUSIVE: reads and writes go
// on); indexes on existing tables are built CONCURRENTLY in `transaction: false` migrations, whose
// steps are idempotent so a run that died halfway can simply be repeated.

/** The comment a constraint gets when existing rows break it (see validateOrReport). */
export const NOT_VALID_MARKER = `${COMMENT_PREFIX}not-valid`;

/**
 * VALIDATE CONSTRAINT, or, when rows written before the constraint existed break it, leave it NOT
 * VALID (still enforced for every new and updated row) and say so in its comment: `recruit-db:
 * not-valid <the server's words>; fix the rows, then ALTER TABLE ... VALIDATE CONSTRAINT ...`.
 * A plain migrate of an old database must succeed; this is how it reports what it could not prove.
 */
export async function validateOrReport(knex: Knex, table: string, constraint: string): Promise<boolean> {
  if (emptyTables.has(knex)) {
    // Every table is empty and locked against writes (lockEmptyTables): no row can break it.
    await knex.raw(`ALTER TABLE ${ident(table)} VALIDATE CONSTRAINT ${ident(constraint)}`);
    return true;
  }
  try {
    await knex.transaction((sp) => sp.raw(`ALTER TABLE ${ident(table)} VALIDATE CONSTRAINT ${ident(constraint)}`));
    return true;
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (!e.code?.startsWith('23')) throw err;
    const why = `${NOT_VALID_MARKER} existing rows break it (${e.code}: ${firstLine(e.message)}); fix them, then ALTER TABLE ${table} VALIDATE CONSTRAINT ${constraint}`;
    await knex.raw(`COMMENT ON CONSTRAINT ${ident(constraint)} ON ${ident(table)} IS ${literal(why)}`);
    return false;
  }
}

function firstLine(s: string | undefined): string {
  return (s ?? '').split('\n')[0].replace(/^.* - /, '');
}

export async function constraintExists(knex: Knex, table: string, constraint: string): Promise<boolean> {
  const r = await rows(knex, `SELECT 1 FROM pg_constraint WHERE conrelid = ?::regclass AND conname = ?`, [`public.${table}`, constraint]);
  return r.length > 0;
}

/** ALTER TABLE ... ADD CONSTRAINT name <definition>, unless it is there already (a repeated run). */
export async function addConstraint(knex: Knex, table: string, constraint: string, definition: string): Promise<void> {
  if (await constraintExists(knex, table, constraint)) return;
  await knex.raw(`ALTER TABLE ${ident(table)} ADD CONSTRAINT ${ident(constraint)} ${definition}`);
}

export async function dropConstraint(knex: Knex, table: string, constraint: string): Promise<void> {
  await knex.raw(`ALTER TABLE ${ident(table)} DROP CONSTRAINT IF EXISTS ${ident(constraint)}`);
}

/**
 * CREATE [UNIQUE] INDEX CONCURRENTLY, idempotent: a valid index of that name is kept, an invalid one
 * (left by a concurrent build that failed) is dropped and built again. Outside a transaction only,
 * but for the fast path of an empty database (see online()).
 */
export async function createIndexConcurrently(knex: Knex, name: string, on: string, opts: { unique?: boolean } = {}): Promise<void> {
  const r = await rows<{ valid: boolean }>(
    knex,
    `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relname = ?`,
    [name],
  );
  if (r[0]?.valid) return;
  const concurrently = online(knex);
  if (r.length) await knex.raw(`DROP INDEX ${concurrently}IF EXISTS ${ident(name)}`);
  await knex.raw(`CREATE ${opts.unique ? 'UNIQUE ' : ''}INDEX ${concurrently}${ident(name)} ON ${on}`);
}

export async function dropIndexConcurrently(knex: Knex, name: string): Promise<void> {
  await knex.raw(`DROP INDEX ${online(knex)}IF EXISTS ${ident(name)}`);
}

/**
 * 'CONCURRENTLY ', or nothing in a transaction whose tables are all empty and locked against writes
 * (lockEmptyTables): building or dropping an index there blocks nobody who could write, and takes
 * no time; the index is the same.
 */
function online(knex: Knex): string {
  return emptyTables.has(knex) ? '' : 'CONCURRENTLY ';
}

/**
 * A constant column that ties a row to a type (payments.payment_type, users.user_type) for a
 * composite foreign key: `<column> <type> NOT NULL DEFAULT '<value>'` plus a CHECK that it is that
 * value, added NOT VALID. A constant default is stored in the catalog (no table rewrite, unlike a
 * stored generated column), and every existing row reads it, so the CHECK always validates.
 */
export async function addConstantColumn(knex: Knex, table: string, column: string, type: string, value: string): Promise<string> {
  const check = `${table}_${column}_constant_check`;
  await knex.raw(`ALTER TABLE ${ident(table)} ADD COLUMN ${ident(column)} ${ident(type)} NOT NULL DEFAULT ${literal(value)}::${ident(type)}`);
  await knex.raw(`ALTER TABLE ${ident(table)} ADD CONSTRAINT ${ident(check)} CHECK (${ident(column)} = ${literal(value)}::${ident(type)}) NOT VALID`);
  return check;
}

/**
 * Replaces a foreign key by one of the same columns and name with another ON DELETE: dropped and
 * re-added NOT VALID (validated later; the rows passed the old key, so they pass this one).
 */
export async function changeForeignKeyAction(knex: Knex, table: string, column: string, refTable: string, onDelete: OnDelete): Promise<string> {
  const name = `${table}_${column}_foreign`;
  await knex.raw(
    `ALTER TABLE ${ident(table)} DROP CONSTRAINT ${ident(name)}, ADD CONSTRAINT ${ident(name)} FOREIGN KEY (${ident(column)}) REFERENCES ${ident(refTable)} (${ident('id')}) ON DELETE ${onDelete} NOT VALID`,
  );
  return name;
}

/** The definitions a second-release constraint comment documents (rendered by the docs generator). */
export async function commentOnConstraint(knex: Knex, table: string, constraint: string, text: string): Promise<void> {
  await knex.raw(`COMMENT ON CONSTRAINT ${ident(constraint)} ON ${ident(table)} IS ${literal(text)}`);
}

export interface PayerSpec {
  /** The paid row's table, e.g. enrollments. */
  table: string;
  /**
   * The user who gets the access, as SQL over NEW: `NEW.user_id`, or a scalar subquery such as
   * `(SELECT s.user_id FROM students s WHERE s.id = NEW.student_id)`.
   */
  beneficiary: string;
  /** The columns whose change can change the answer (payment_id is always one). */
  columns: readonly string[];
}

/**
 * The payer of a paid row's payment is the user who gets the access: a BEFORE INSERT/UPDATE trigger
 * `<table>_payer_check` refusing (SQLSTATE 23514) a row whose payment was paid by someone else.
 * Rows written before it existed are not re-checked; returns how many of them break the rule (the
 * trigger's comment says so when any do).
 */
export async function addPayerCheck(knex: Knex, spec: PayerSpec): Promise<number> {
  const { table, beneficiary } = spec;
  const name = `${table}_payer_check`;
  await knex.raw(`
    CREATE FUNCTION ${ident(name)}() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    DECLARE
      payer uuid;
      beneficiary uuid := ${beneficiary};
    BEGIN
      SELECT p.user_id INTO payer FROM payments p WHERE p.id = NEW.payment_id;
      IF payer IS DISTINCT FROM beneficiary AND payer IS NOT NULL THEN
        RAISE EXCEPTION 'payment % was paid by user %, but this % row gives the access to user %', NEW.payment_id, payer, TG_TABLE_NAME, beneficiary
          USING ERRCODE = 'check_violation', CONSTRAINT = ${literal(name)}, TABLE = TG_TABLE_NAME,
                HINT = 'the payer of a paid row''s payment is the user who gets the access';
      END IF;
      RETURN NEW;
    END
    $fn$`);
  const cols = [...new Set(['payment_id', ...spec.columns])].map(ident).join(', ');
  await knex.raw(
    `CREATE TRIGGER ${ident(name)} BEFORE INSERT OR UPDATE OF ${cols} ON ${ident(table)} FOR EACH ROW WHEN (NEW.payment_id IS NOT NULL) EXECUTE FUNCTION ${ident(name)}()`,
  );
  const existing = beneficiary.replace(/\bNEW\./g, 't.');
  const [{ n }] = await rows<{ n: number }>(
    knex,
    `SELECT count(*)::int AS n FROM ${ident(table)} t JOIN payments p ON p.id = t.payment_id WHERE p.user_id IS DISTINCT FROM ${existing}`,
  );
  if (n > 0) {
    await knex.raw(
      `COMMENT ON TRIGGER ${ident(name)} ON ${ident(table)} IS ${literal(`${NOT_VALID_MARKER} ${n} row(s) written before this check have a payment paid by another user; new and changed rows are checked`)}`,
    );
  }
  return n;
}

export async function dropPayerCheck(knex: Knex, table: string): Promise<void> {
  const name = `${table}_payer_check`;
  await knex.raw(`DROP TRIGGER IF EXISTS ${ident(name)} ON ${ident(table)}`);
  await knex.raw(`DROP FUNCTION IF EXISTS ${ident(name)}()`);
}
