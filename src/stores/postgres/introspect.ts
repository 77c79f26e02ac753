import type { Client } from 'pg';
import type { Knex } from 'knex';
import type { PgEmbedding, PgForeignKey, PgShape } from '../shapes';
import { parseEmbeddingComment } from './ddl';

type Rows = <T>(sql: string) => Promise<T[]>;

function runner(db: Client | Knex): Rows {
  if ('raw' in db) return async <T>(sql: string) => ((await db.raw(sql)) as { rows: T[] }).rows;
  return async <T>(sql: string) => (await db.query(sql)).rows as T[];
}

// A partition is part of its parent (audit_logs' months), not a table of the schema.
const TABLE_KINDS = `c.relkind IN ('r', 'p') AND NOT c.relispartition`;

/**
 * The live shape of the public schema, read from the catalogs in seven queries (verify runs this on
 * every call, so it stays cheap whatever the number of tables).
 */
export async function introspectPostgres(db: Client | Knex): Promise<PgShape> {
  const q = runner(db);
  const [server] = await q<{ version: string; num: string }>(
    `SELECT current_setting('server_version') AS version, current_setting('server_version_num') AS num`,
  );

  const tables = (
    await q<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND ${TABLE_KINDS} ORDER BY c.relname`,
    )
  ).map((r) => r.name);

  const enums: Record<string, string[]> = {};
  for (const r of await q<{ name: string; label: string }>(
    `SELECT t.typname AS name, e.enumlabel AS label
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
      WHERE n.nspname = 'public' ORDER BY t.typname, e.enumsortorder`,
  )) {
    (enums[r.name] ??= []).push(r.label);
  }

  // Constraints with their columns in key order; conkey is kept to compare with index keys.
  const constraints = await q<{ kind: 'p' | 'f'; name: string; tbl: string; cols: string[]; keys: number[]; ref: string | null }>(
    `SELECT con.contype AS kind, con.conname AS name, c.relname AS tbl,
            array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS cols,
            con.conkey::int[] AS keys, rc.relname AS ref
       FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_class rc ON rc.oid = con.confrelid
      WHERE n.nspname = 'public' AND con.contype IN ('p', 'f')
      ORDER BY c.relname, con.conname`,
  );

  // Key columns of every index (expression columns are 0 and never match a column).
  const indexes = await q<{ tbl: string; keys: number[]; am: string; opclass: string | null }>(
    `SELECT c.relname AS tbl, string_to_array(i.indkey::text, ' ')::int[] AS keys, am.amname AS am,
            (SELECT oc.opcname FROM pg_opclass oc WHERE oc.oid = i.indclass[0]) AS opclass
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
      WHERE n.nspname = 'public'`,
  );

  // Columns typed with an enum (or an array of one), and candidate embedding columns.
  const columns = await q<{
    tbl: string;
    col: string;
    attnum: number;
    typname: string;
    typtype: string;
    elemname: string | null;
    elemtype: string | null;
    typmod: number;
    comment: string | null;
  }>(
    `SELECT c.relname AS tbl, a.attname AS col, a.attnum, t.typname, t.typtype, et.typname AS elemname, et.typtype AS elemtype,
            a.atttypmod AS typmod, col_description(c.oid, a.attnum) AS comment
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
      WHERE n.nspname = 'public' AND ${TABLE_KINDS} AND a.attnum > 0 AND NOT a.attisdropped
        AND (t.typtype = 'e' OR et.typtype = 'e' OR t.typname = 'vector' OR et.typname IN ('float4', 'float8')
             OR col_description(c.oid, a.attnum) LIKE 'recruit-db:embedding%')
      ORDER BY c.relname, a.attnum`,
  );

  const extensions: Record<string, string> = {};
  for (const r of await q<{ name: string; version: string }>(`SELECT extname AS name, extversion AS version FROM pg_extension ORDER BY extname`)) {
    extensions[r.name] = r.version;
  }

  const primaryKeys: Record<string, string[]> = {};
  const foreignKeys: PgForeignKey[] = [];
  const indexesOf = new Map<string, typeof indexes>();
  for (const ix of indexes) indexesOf.set(ix.tbl, [...(indexesOf.get(ix.tbl) ?? []), ix]);
  for (const con of constraints) {
    if (con.kind === 'p') {
      primaryKeys[con.tbl] = con.cols;
      continue;
    }
    const want = [...con.keys].sort((a, b) => a - b).join(',');
    const indexed = (indexesOf.get(con.tbl) ?? []).some(
      (ix) => ix.keys.length >= con.keys.length && [...ix.keys.slice(0, con.keys.length)].sort((a, b) => a - b).join(',') === want,
    );
    foreignKeys.push({ table: con.tbl, constraint: con.name, columns: con.cols, referencedTable: con.ref ?? '', indexed });
  }

  const enumUsage: Record<string, { table: string; column: string }[]> = {};
  const embeddings: PgEmbedding[] = [];
  for (const col of columns) {
    const enumName = col.typtype === 'e' ? col.typname : col.elemtype === 'e' ? col.elemname : null;
    if (enumName) {
      (enumUsage[enumName] ??= []).push({ table: col.tbl, column: col.col });
      continue;
    }
    const declared = parseEmbeddingComment(col.comment);
    const isVector = col.typname === 'vector';
    if (!declared && !isVector && !/embedding/i.test(col.col)) continue;
    const ix = (indexesOf.get(col.tbl) ?? []).find((i) => i.keys[0] === col.attnum && i.am !== 'btree');
    embeddings.push({
      table: col.tbl,
      column: col.col,
      storage: isVector ? 'pgvector' : 'array',
      // pgvector stores the dimension count as the typmod; an array column has none, so the comment says.
      dimensions: isVector && col.typmod > 0 ? col.typmod : declared?.dims,
      index: ix ? `${ix.am}${ix.opclass ? ` ${ix.opclass}` : ''}` : undefined,
    });
  }

  return {
    server: { version: server.version, versionNum: Number(server.num) },
    tables,
    enums,
    primaryKeys,
    foreignKeys,
    enumUsage,
    embeddings,
    extensions,
  };
}
