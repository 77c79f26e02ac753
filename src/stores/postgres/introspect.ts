import type { Client } from 'pg';
import type { Knex } from 'knex';
import type {
  PgColumn,
  PgConstraint,
  PgConstraintType,
  PgDomain,
  PgEmbedding,
  PgFkAction,
  PgForeignKey,
  PgFunction,
  PgIndex,
  PgSchema,
  PgSequence,
  PgShape,
  PgTable,
  PgTrigger,
  PgView,
  ShapeEntry,
} from '../shapes';
import { parseEmbeddingComment } from './ddl';
import { KNEX_TABLE, stemOf } from './migrate';

type Rows = <T>(sql: string) => Promise<T[]>;

/** Tables the migration tooling owns (knex's and ours): infrastructure, never schema. */
export function isBookkeepingTable(name: string): boolean {
  return name === KNEX_TABLE || name === `${KNEX_TABLE}_lock` || name.startsWith('recruit_db_');
}

/**
 * Runs the catalog reads in one read-only transaction with `search_path = public`: the pg_get_*
 * functions qualify every name outside the search path, so fixing it is what makes a default,
 * constraint or index print the same (`'x'::session_status`, `ON jobs`) whatever the session's or
 * the role's own search_path, on PostgreSQL 15 and PGlite alike.
 */
async function withCatalog<T>(db: Client | Knex, work: (q: Rows) => Promise<T>): Promise<T> {
  if ('raw' in db) {
    return db.transaction(async (trx) => {
      await trx.raw('SET TRANSACTION READ ONLY');
      await trx.raw('SET LOCAL search_path = public');
      return work(async <R>(sql: string) => ((await trx.raw(sql)) as { rows: R[] }).rows);
    });
  }
  await db.query('BEGIN READ ONLY');
  try {
    await db.query('SET LOCAL search_path = public');
    const out = await work(async <R>(sql: string) => (await db.query(sql)).rows as R[]);
    await db.query('COMMIT');
    return out;
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** Objects an extension installed (btree_gist's functions, pgvector's type) are the extension's, not ours. */
const NOT_EXTENSION = (classTable: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${classTable}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;

const PUBLIC = `n.nspname = 'public'`;

interface RelRow {
  oid: number;
  name: string;
  relkind: 'r' | 'p' | 'v' | 'm';
  persistence: string;
  rls: boolean;
  partkey: string | null;
  parent: string | null;
  bound: string | null;
  comment: string | null;
  viewdef: string | null;
}

interface ColRow {
  tbl: string;
  attnum: number;
  name: string;
  type: string;
  notnull: boolean;
  def: string | null;
  identity: string;
  generated: string;
  collation: string | null;
  comment: string | null;
  typname: string;
  typtype: string;
  elemname: string | null;
  elemtype: string | null;
  typmod: number;
}

interface ConRow {
  tbl: string;
  name: string;
  contype: 'p' | 'u' | 'f' | 'c' | 'x';
  def: string;
  cols: string[];
  keys: number[];
  reftbl: string | null;
  refcols: string[] | null;
  deltype: string;
  updtype: string;
  matchtype: string;
  deferrable: boolean;
  deferred: boolean;
  validated: boolean;
  comment: string | null;
}

interface IdxRow {
  tbl: string;
  name: string;
  method: string;
  unique: boolean;
  valid: boolean;
  nkeys: number;
  keys: number[];
  def: string;
  predicate: string | null;
  constraint: string | null;
  opclass: string | null;
  comment: string | null;
}

interface TrgRow {
  tbl: string;
  name: string;
  enabled: 'O' | 'D' | 'R' | 'A';
  def: string;
  is_constraint: boolean;
  func: string;
}

interface FnRow {
  name: string;
  args: string;
  result: string | null;
  prokind: 'f' | 'p' | 'a' | 'w';
  lang: string;
  volatility: 'i' | 's' | 'v';
  secdef: boolean;
  strict: boolean;
  body: string;
  config: string[] | null;
  comment: string | null;
}

/**
 * The live shape of the public schema at full depth, read from the catalogs in ten set-based
 * queries whatever the number of tables (verify runs this on every call).
 */
export async function introspectPostgres(db: Client | Knex): Promise<PgShape> {
  return withCatalog(db, async (q) => {
    const [server] = await q<{ version: string; num: string }>(
      `SELECT current_setting('server_version') AS version, current_setting('server_version_num') AS num`,
    );

    const extensions: Record<string, string> = {};
    for (const r of await q<{ name: string; version: string }>(`SELECT extname AS name, extversion AS version FROM pg_extension ORDER BY extname`)) {
      extensions[r.name] = r.version;
    }

    const enums: Record<string, string[]> = {};
    for (const r of await q<{ name: string; label: string }>(
      `SELECT t.typname AS name, e.enumlabel AS label
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
        WHERE ${PUBLIC} ORDER BY t.typname, e.enumsortorder`,
    )) {
      (enums[r.name] ??= []).push(r.label);
    }

    const rels = await q<RelRow>(
      `SELECT c.oid, c.relname AS name, c.relkind, c.relpersistence AS persistence, c.relrowsecurity AS rls,
              CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partkey,
              (SELECT p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE i.inhrelid = c.oid AND c.relispartition) AS parent,
              pg_get_expr(c.relpartbound, c.oid) AS bound,
              obj_description(c.oid, 'pg_class') AS comment,
              CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END AS viewdef
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE ${PUBLIC} AND c.relkind IN ('r', 'p', 'v', 'm') AND ${NOT_EXTENSION('pg_class', 'c.oid')}
        ORDER BY c.relname`,
    );

    const cols = await q<ColRow>(
      `SELECT c.relname AS tbl, a.attnum, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
              a.attnotnull AS notnull, pg_get_expr(d.adbin, d.adrelid) AS def, a.attidentity AS identity, a.attgenerated AS generated,
              CASE WHEN a.attcollation <> t.typcollation THEN co.collname END AS collation,
              col_description(c.oid, a.attnum) AS comment,
              t.typname, t.typtype, et.typname AS elemname, et.typtype AS elemtype, a.atttypmod AS typmod
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_type t ON t.oid = a.atttypid
         LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         LEFT JOIN pg_collation co ON co.oid = a.attcollation
        WHERE ${PUBLIC} AND c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY c.relname, a.attnum`,
    );

    // NOT NULL constraints (PostgreSQL 18 lists them as contype 'n') are the columns' nullability;
    // constraint triggers ('t') are read as triggers.
    const cons = await q<ConRow>(
      `SELECT c.relname AS tbl, con.conname AS name, con.contype, pg_get_constraintdef(con.oid) AS def,
              array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS cols,
              coalesce(con.conkey::int[], '{}') AS keys,
              rc.relname AS reftbl,
              CASE WHEN con.contype = 'f' THEN array(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) END AS refcols,
              con.confdeltype AS deltype, con.confupdtype AS updtype, con.confmatchtype AS matchtype,
              con.condeferrable AS deferrable, con.condeferred AS deferred, con.convalidated AS validated,
              obj_description(con.oid, 'pg_constraint') AS comment
         FROM pg_constraint con
         JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_class rc ON rc.oid = con.confrelid
        WHERE ${PUBLIC} AND con.contype IN ('p', 'u', 'f', 'c', 'x') AND NOT c.relispartition
        ORDER BY c.relname, con.conname`,
    );

    const idxs = await q<IdxRow>(
      `SELECT c.relname AS tbl, ic.relname AS name, am.amname AS method, i.indisunique AS unique, i.indisvalid AS valid,
              i.indnkeyatts AS nkeys, string_to_array(i.indkey::text, ' ')::int[] AS keys,
              pg_get_indexdef(i.indexrelid) AS def, pg_get_expr(i.indpred, i.indrelid) AS predicate,
              (SELECT con.conname FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')) AS constraint,
              (SELECT oc.opcname FROM pg_opclass oc WHERE oc.oid = i.indclass[0]) AS opclass,
              obj_description(ic.oid, 'pg_class') AS comment
         FROM pg_index i
         JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
        WHERE ${PUBLIC} AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        ORDER BY c.relname, ic.relname`,
    );

    // Internal triggers implement foreign keys; partitions' clones belong to their parent's trigger.
    const trgs = await q<TrgRow>(
      `SELECT c.relname AS tbl, tg.tgname AS name, tg.tgenabled AS enabled, pg_get_triggerdef(tg.oid) AS def,
              tg.tgconstraint <> 0 AS is_constraint, p.proname AS func
         FROM pg_trigger tg
         JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_proc p ON p.oid = tg.tgfoid
        WHERE ${PUBLIC} AND NOT tg.tgisinternal AND NOT c.relispartition
        ORDER BY c.relname, tg.tgname`,
    );

    const fns = await q<FnRow>(
      `SELECT p.proname AS name, pg_get_function_identity_arguments(p.oid) AS args, pg_get_function_result(p.oid) AS result,
              p.prokind, l.lanname AS lang, p.provolatile AS volatility, p.prosecdef AS secdef, p.proisstrict AS strict,
              md5(CASE WHEN p.prokind IN ('f', 'p') AND coalesce(p.prosrc, '') = '' THEN pg_get_functiondef(p.oid) ELSE coalesce(p.prosrc, '') END) AS body,
              p.proconfig AS config, obj_description(p.oid, 'pg_proc') AS comment
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
        WHERE ${PUBLIC} AND ${NOT_EXTENSION('pg_proc', 'p.oid')}
        ORDER BY p.proname, 2`,
    );

    // Domains and free-standing sequences: the rarer objects, in one query.
    const misc = await q<{ what: 'domain' | 'sequence'; name: string; type: string; notnull: boolean; def: string | null; checks: Array<{ name: string; def: string }> | null }>(
      `SELECT 'domain' AS what, t.typname AS name, format_type(t.typbasetype, t.typtypmod) AS type, t.typnotnull AS notnull, t.typdefault AS def,
              (SELECT json_agg(json_build_object('name', con.conname, 'def', pg_get_constraintdef(con.oid)) ORDER BY con.conname)
                 FROM pg_constraint con WHERE con.contypid = t.oid AND con.contype = 'c') AS checks
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE ${PUBLIC} AND t.typtype = 'd' AND ${NOT_EXTENSION('pg_type', 't.oid')}
       UNION ALL
       SELECT 'sequence', c.relname, format_type(s.seqtypid, NULL) || ' START ' || s.seqstart || ' INCREMENT ' || s.seqincrement
                || ' MINVALUE ' || s.seqmin || ' MAXVALUE ' || s.seqmax || ' CACHE ' || s.seqcache || CASE WHEN s.seqcycle THEN ' CYCLE' ELSE '' END,
              false, NULL, NULL
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_sequence s ON s.seqrelid = c.oid
        WHERE ${PUBLIC} AND c.relkind = 'S' AND ${NOT_EXTENSION('pg_class', 'c.oid')}
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0)
        ORDER BY 1, 2`,
    );

    // The bookkeeping says which migrations made this: verify tells "behind" from "drifted" by it.
    const migrations = rels.some((r) => r.name === KNEX_TABLE)
      ? (await q<{ name: string }>(`SELECT name FROM ${KNEX_TABLE} ORDER BY id`)).map((m) => stemOf(m.name))
      : [];

    return { ...assemble({ server, extensions, enums, rels, cols, cons, idxs, trgs, fns, misc }), migrations };
  });
}

const FK_ACTION: Record<string, PgFkAction> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };
const CON_TYPE: Record<ConRow['contype'], PgConstraintType> = { p: 'primary key', u: 'unique', f: 'foreign key', c: 'check', x: 'exclusion' };
const ENABLED: Record<TrgRow['enabled'], PgTrigger['enabled']> = { O: 'origin', D: 'disabled', R: 'replica', A: 'always' };
const VOLATILITY: Record<FnRow['volatility'], PgFunction['volatility']> = { i: 'immutable', s: 'stable', v: 'volatile' };
const PROKIND: Record<FnRow['prokind'], PgFunction['kind']> = { f: 'function', p: 'procedure', a: 'aggregate', w: 'window' };

const some = <T>(v: T | null | undefined): T | undefined => (v === null || v === undefined ? undefined : v);

function assemble(r: {
  server: { version: string; num: string };
  extensions: Record<string, string>;
  enums: Record<string, string[]>;
  rels: RelRow[];
  cols: ColRow[];
  cons: ConRow[];
  idxs: IdxRow[];
  trgs: TrgRow[];
  fns: FnRow[];
  misc: Array<{ what: 'domain' | 'sequence'; name: string; type: string; notnull: boolean; def: string | null; checks: Array<{ name: string; def: string }> | null }>;
}): Omit<PgShape, 'migrations'> {
  const schema: PgSchema = { tables: {}, views: {}, functions: {}, domains: {}, sequences: {} };
  for (const rel of r.rels) {
    if (rel.relkind === 'v' || rel.relkind === 'm') {
      schema.views[rel.name] = { name: rel.name, materialized: rel.relkind === 'm', definition: normaliseSql(rel.viewdef ?? ''), columns: [], comment: some(rel.comment) } satisfies PgView;
      continue;
    }
    if (rel.parent) continue;
    schema.tables[rel.name] = {
      name: rel.name,
      kind: rel.relkind === 'p' ? 'partitioned' : 'table',
      unlogged: rel.persistence === 'u',
      rowSecurity: rel.rls,
      columns: [],
      constraints: {},
      indexes: {},
      triggers: {},
      partitioning: rel.relkind === 'p' ? { key: rel.partkey ?? '', partitions: {} } : undefined,
      comment: some(rel.comment),
    } satisfies PgTable;
  }
  // Partitions hang off their parent (a partition of a partition off the top one it resolves to).
  for (const rel of r.rels) {
    const parent = rel.parent ? schema.tables[rel.parent]?.partitioning : undefined;
    if (parent) parent.partitions[rel.name] = rel.bound ?? '';
  }
  const table = (name: string): PgTable | undefined => schema.tables[name];

  for (const c of r.cols) {
    const view = schema.views[c.tbl];
    if (view) view.columns.push(`${c.name} ${c.type}`);
    const t = table(c.tbl);
    if (!t) continue;
    const col: PgColumn = { name: c.name, type: c.type, nullable: !c.notnull };
    if (c.generated === 's' || c.generated === 'v') col.generated = { expression: c.def ?? '', kind: c.generated === 's' ? 'stored' : 'virtual' };
    else if (c.def !== null) col.default = c.def;
    if (c.identity === 'a') col.identity = 'always';
    else if (c.identity === 'd') col.identity = 'by default';
    if (c.collation) col.collation = c.collation;
    if (c.comment !== null) col.comment = c.comment;
    t.columns.push(col);
  }

  for (const c of r.cons) {
    const t = table(c.tbl);
    if (!t) continue;
    const con: PgConstraint = {
      name: c.name,
      type: CON_TYPE[c.contype],
      definition: c.def,
      columns: c.cols,
      deferrable: c.deferrable,
      initiallyDeferred: c.deferred,
      validated: c.validated,
      comment: some(c.comment),
    };
    if (c.contype === 'f') {
      con.foreignKey = {
        table: c.reftbl ?? '',
        columns: c.refcols ?? [],
        onDelete: FK_ACTION[c.deltype] ?? 'NO ACTION',
        onUpdate: FK_ACTION[c.updtype] ?? 'NO ACTION',
        match: c.matchtype === 'f' ? 'full' : c.matchtype === 'p' ? 'partial' : 'simple',
      };
    }
    t.constraints[c.name] = con;
  }

  for (const i of r.idxs) {
    const t = table(i.tbl);
    if (!t) continue;
    const { keys, include } = indexColumns(i.def);
    t.indexes[i.name] = {
      name: i.name,
      method: i.method,
      unique: i.unique,
      keys,
      include,
      predicate: some(i.predicate),
      constraint: some(i.constraint),
      valid: i.valid,
      definition: indexDefinition(i.def),
      comment: some(i.comment),
    } satisfies PgIndex;
  }

  for (const tg of r.trgs) {
    const t = table(tg.tbl);
    if (!t) continue;
    t.triggers[tg.name] = { name: tg.name, definition: triggerDefinition(tg.def), constraint: tg.is_constraint, enabled: ENABLED[tg.enabled], function: tg.func } satisfies PgTrigger;
  }

  for (const f of r.fns) {
    schema.functions[`${f.name}(${f.args})`] = {
      name: f.name,
      arguments: f.args,
      returns: f.result ?? '',
      kind: PROKIND[f.prokind],
      language: f.lang,
      volatility: VOLATILITY[f.volatility],
      securityDefiner: f.secdef,
      strict: f.strict,
      bodyMd5: f.body,
      config: f.config ?? [],
      comment: some(f.comment),
    } satisfies PgFunction;
  }

  for (const m of r.misc) {
    if (m.what === 'domain') {
      schema.domains[m.name] = {
        name: m.name,
        type: m.type,
        nullable: !m.notnull,
        default: some(m.def),
        checks: Object.fromEntries((m.checks ?? []).map((c) => [c.name, c.def])),
      } satisfies PgDomain;
    } else {
      schema.sequences[m.name] = { name: m.name, definition: m.type } satisfies PgSequence;
    }
  }

  return {
    server: { version: r.server.version, versionNum: Number(r.server.num) },
    tables: Object.keys(schema.tables).sort(),
    enums: r.enums,
    ...keysOf(schema, r.idxs, r.cons),
    ...columnUses(schema, r.cols, r.idxs),
    extensions: r.extensions,
    schema,
  };
}

/** Primary keys and foreign keys with whether an index leads with the FK's columns (in any order). */
function keysOf(schema: PgSchema, idxs: IdxRow[], cons: ConRow[]): Pick<PgShape, 'primaryKeys' | 'foreignKeys'> {
  const primaryKeys: Record<string, string[]> = {};
  const foreignKeys: PgForeignKey[] = [];
  const indexesOf = new Map<string, IdxRow[]>();
  for (const ix of idxs) indexesOf.set(ix.tbl, [...(indexesOf.get(ix.tbl) ?? []), ix]);
  for (const con of cons) {
    if (!schema.tables[con.tbl]) continue;
    if (con.contype === 'p') primaryKeys[con.tbl] = con.cols;
    if (con.contype !== 'f') continue;
    const want = [...con.keys].sort((a, b) => a - b).join(',');
    // Expression key columns are 0 and never match a column.
    const indexed = (indexesOf.get(con.tbl) ?? []).some(
      (ix) => ix.keys.length >= con.keys.length && [...ix.keys.slice(0, con.keys.length)].sort((a, b) => a - b).join(',') === want,
    );
    foreignKeys.push({ table: con.tbl, constraint: con.name, columns: con.cols, referencedTable: con.reftbl ?? '', indexed });
  }
  return { primaryKeys, foreignKeys };
}

/** Columns typed with an enum (or an array of one), and embedding columns. */
function columnUses(schema: PgSchema, cols: ColRow[], idxs: IdxRow[]): Pick<PgShape, 'enumUsage' | 'embeddings'> {
  const enumUsage: Record<string, { table: string; column: string }[]> = {};
  const embeddings: PgEmbedding[] = [];
  for (const col of cols) {
    if (!schema.tables[col.tbl]) continue;
    const enumName = col.typtype === 'e' ? col.typname : col.elemtype === 'e' ? col.elemname : null;
    if (enumName) {
      (enumUsage[enumName] ??= []).push({ table: col.tbl, column: col.name });
      continue;
    }
    const isVector = col.typname === 'vector';
    const isFloatArray = col.elemname === 'float4' || col.elemname === 'float8';
    const declared = parseEmbeddingComment(col.comment);
    if (!isVector && !declared && !(isFloatArray && /embedding/i.test(col.name))) continue;
    const ix = idxs.find((i) => i.tbl === col.tbl && i.keys[0] === col.attnum && i.method !== 'btree');
    embeddings.push({
      table: col.tbl,
      column: col.name,
      storage: isVector ? 'pgvector' : 'array',
      // pgvector stores the dimension count as the typmod; an array column has none, so the comment says.
      dimensions: isVector && col.typmod > 0 ? col.typmod : declared?.dims,
      index: ix ? `${ix.method}${ix.opclass ? ` ${ix.opclass}` : ''}` : undefined,
    });
  }
  return { enumUsage, embeddings };
}

// ------------------------------------------------------------------------------------- normalising

/** Whitespace runs to one space: view and function text keeps the author's layout otherwise. */
function normaliseSql(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

/** Splits at commas outside parentheses and quotes: `lower(a), b DESC` -> [`lower(a)`, `b DESC`]. */
function splitTopLevel(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const ch = list[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(list.slice(start).trim());
  return out.filter(Boolean);
}

/** The parenthesised list after `start` in `text`, up to its matching parenthesis. */
function parenthesised(text: string, start: number): { inner: string; end: number } | undefined {
  const open = text.indexOf('(', start);
  if (open < 0) return undefined;
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return { inner: text.slice(open + 1, i), end: i + 1 };
  }
  return undefined;
}

/**
 * Key columns or expressions and INCLUDE columns, as the server's own definition writes them (with
 * order, NULLS placement, collation and a non-default opclass, which per-column reads leave out).
 */
export function indexColumns(def: string): { keys: string[]; include: string[] } {
  const using = def.indexOf(' USING ');
  const keyList = parenthesised(def, using < 0 ? 0 : using);
  if (!keyList) return { keys: [], include: [] };
  const rest = def.slice(keyList.end);
  const inc = /^\s+INCLUDE\s*/.test(rest) ? parenthesised(rest, 0) : undefined;
  return { keys: splitTopLevel(keyList.inner), include: inc ? splitTopLevel(inc.inner) : [] };
}

/** `CREATE UNIQUE INDEX x ON ONLY jobs USING btree (a)` -> `USING btree (a)`: the name and table are the entry's. */
export function indexDefinition(def: string): string {
  const m = /^CREATE (?:UNIQUE )?INDEX (?:"(?:[^"]|"")+"|\S+) ON (?:ONLY )?(?:"(?:[^"]|"")+"|\S+) (USING .*)$/s.exec(def);
  return m ? m[1] : def;
}

/** `CREATE CONSTRAINT TRIGGER x AFTER INSERT ON jobs ...` -> `AFTER INSERT ON jobs ...`. */
export function triggerDefinition(def: string): string {
  const m = /^CREATE (?:CONSTRAINT )?TRIGGER (?:"(?:[^"]|"")+"|\S+) (.*)$/s.exec(def);
  return m ? m[1] : def;
}

// ------------------------------------------------------------------------------------- canonical entries

function columnText(c: PgColumn): string {
  const parts = [c.type];
  if (c.collation) parts.push(`COLLATE "${c.collation}"`);
  if (!c.nullable) parts.push('NOT NULL');
  if (c.default !== undefined) parts.push(`DEFAULT ${c.default}`);
  if (c.identity) parts.push(`GENERATED ${c.identity.toUpperCase()} AS IDENTITY`);
  if (c.generated) parts.push(`GENERATED ALWAYS AS (${c.generated.expression.replace(/^\((.*)\)$/s, '$1')}) ${c.generated.kind.toUpperCase()}`);
  return parts.join(' ');
}

function constraintText(c: PgConstraint): string {
  // pg_get_constraintdef omits what is the default; NOT VALID and DEFERRABLE are in its text already.
  return c.definition;
}

function indexText(i: PgIndex): string {
  return `${i.unique ? 'UNIQUE ' : ''}${i.definition}${i.valid ? '' : ' INVALID'}`;
}

function triggerText(t: PgTrigger): string {
  // The table is the entry's object; only a state other than the normal one is spelled out.
  const def = t.definition.replace(/ ON (?:"(?:[^"]|"")+"|\S+) /, ' ');
  return `${t.constraint ? 'CONSTRAINT ' : ''}${def}${t.enabled === 'origin' ? '' : ` ${t.enabled.toUpperCase()}`}`;
}

function functionText(f: PgFunction): string {
  const parts = [`RETURNS ${f.returns}`, `LANGUAGE ${f.language}`, f.volatility.toUpperCase()];
  if (f.kind !== 'function') parts.unshift(f.kind.toUpperCase());
  if (f.strict) parts.push('STRICT');
  if (f.securityDefiner) parts.push('SECURITY DEFINER');
  for (const c of f.config) parts.push(`SET ${c}`);
  parts.push(`body md5:${f.bodyMd5}`);
  return parts.join(' ');
}

function tableText(t: PgTable): string {
  const parts: string[] = [];
  if (t.partitioning) parts.push(`PARTITION BY ${t.partitioning.key}`);
  if (t.unlogged) parts.push('UNLOGGED');
  if (t.rowSecurity) parts.push('ROW LEVEL SECURITY');
  return parts.join(' ');
}

/**
 * The canonical entries of a PostgreSQL shape: what the expected shape file holds and verify
 * compares. Extension versions are left out (servers ship different ones: the name is what the
 * migrations require), as are partitions' names and bounds (monthly partitions are made by date).
 * Indexes that implement a constraint are that constraint's (one change, one entry).
 */
export function postgresEntries(shape: PgShape): ShapeEntry[] {
  const out: ShapeEntry[] = [];
  const s = shape.schema;
  for (const name of Object.keys(shape.extensions).sort()) out.push({ kind: 'extension', name, value: '' });
  for (const name of Object.keys(shape.enums).sort()) out.push({ kind: 'enum', name, value: shape.enums[name].join(', ') });
  for (const name of Object.keys(s.domains).sort()) {
    const d = s.domains[name];
    out.push({ kind: 'domain', name, value: [d.type, d.nullable ? '' : 'NOT NULL', d.default === undefined ? '' : `DEFAULT ${d.default}`].filter(Boolean).join(' ') });
    for (const c of Object.keys(d.checks).sort()) out.push({ kind: 'domain', name, part: { kind: 'constraint', name: c }, value: d.checks[c] });
  }
  for (const key of Object.keys(s.functions).sort()) {
    const f = s.functions[key];
    out.push({ kind: 'function', name: key, value: functionText(f) });
    if (f.comment !== undefined) out.push({ kind: 'function', name: key, part: { kind: 'comment', name: '' }, value: f.comment });
  }
  for (const name of Object.keys(s.sequences).sort()) out.push({ kind: 'sequence', name, value: s.sequences[name].definition });
  for (const name of Object.keys(s.tables).sort()) {
    const t = s.tables[name];
    const part = (kind: string, partName: string, value: string) => out.push({ kind: 'table', name, part: { kind, name: partName }, value });
    out.push({ kind: 'table', name, value: tableText(t) });
    if (t.comment !== undefined) part('comment', '', t.comment);
    for (const c of t.columns) part('column', c.name, columnText(c));
    for (const c of t.columns) if (c.comment !== undefined) part('comment', c.name, c.comment);
    for (const k of Object.keys(t.constraints).sort()) part('constraint', k, constraintText(t.constraints[k]));
    for (const k of Object.keys(t.indexes).sort()) if (!t.indexes[k].constraint) part('index', k, indexText(t.indexes[k]));
    for (const k of Object.keys(t.triggers).sort()) part('trigger', k, triggerText(t.triggers[k]));
  }
  for (const name of Object.keys(s.views).sort()) {
    // By columns: servers print the same view's query differently (PostgreSQL 16 dropped the table
    // qualifiers 15 writes), so the text would differ between servers with nothing changed.
    const v = s.views[name];
    out.push({ kind: 'view', name, value: `${v.materialized ? 'MATERIALIZED VIEW' : 'VIEW'} (${v.columns.join(', ')})` });
  }
  return out;
}
