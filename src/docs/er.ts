/**
 * What an ER diagram holds, and the same diagram as Mermaid `erDiagram` text. The SVG renderer
 * (svg.ts) draws the same selection, so the text and the picture never show different tables.
 */
import type { DocForeignKey, DocTable, PgDocs } from './model';

export interface ErEntity {
  table: string;
  /** Drawn as a stub (its key only): a table of another group that this group's keys point to. */
  external: boolean;
  /** Key columns in table order: PK, FK or both. */
  columns: Array<{ name: string; type: string; pk: boolean; fk: boolean }>;
}

export interface ErDiagram {
  title: string;
  entities: ErEntity[];
  relations: DocForeignKey[];
  /** Boxes drawn around tables (the summary groups, in the overall diagram). */
  groups?: Array<{ name: string; tables: string[] }>;
}

function keyColumns(t: DocTable, external: boolean): ErEntity['columns'] {
  const pk = new Set(t.primaryKey);
  const fk = new Set(t.foreignKeys.flatMap((f) => f.columns));
  return t.columns
    .filter((c) => pk.has(c.name) || (!external && fk.has(c.name)))
    .map((c) => ({ name: c.name, type: c.type, pk: pk.has(c.name), fk: !external && fk.has(c.name) }));
}

/**
 * The diagram of some tables: each with its key columns, every foreign key they hold, and (as
 * stubs) the tables those keys point to outside the selection. With every table selected, this is
 * the whole schema: every table and every foreign key between documented tables. A key to a table
 * the docs leave out (recruit-db's own recruit_db_* tables) is not drawn: Mermaid would invent a
 * box for it that the SVG does not have; the table's page lists it.
 */
export function erDiagram(pg: PgDocs, title: string, tables: readonly string[], opts: { groups?: boolean } = {}): ErDiagram {
  const byName = new Map(pg.tables.map((t) => [t.name, t]));
  const inside = new Set(tables);
  const relations = pg.tables
    .filter((t) => inside.has(t.name))
    .flatMap((t) => t.foreignKeys)
    .filter((fk) => byName.has(fk.refTable))
    .sort((a, b) => cmp(a.table, b.table) || cmp(a.name, b.name));
  const stubs = [...new Set(relations.map((r) => r.refTable).filter((t) => !inside.has(t)))];
  const order = new Map(pg.tables.map((t, i) => [t.name, i]));
  const entities = [...tables.filter((t) => byName.has(t)).map((t) => ({ t, external: false })), ...stubs.map((t) => ({ t, external: true }))]
    .sort((a, b) => Number(a.external) - Number(b.external) || order.get(a.t)! - order.get(b.t)!)
    .map(({ t, external }) => ({ table: t, external, columns: keyColumns(byName.get(t)!, external) }));
  const groups = opts.groups ? pg.groups.map((g) => ({ name: g.name, tables: g.tables.filter((t) => inside.has(t)) })).filter((g) => g.tables.length) : undefined;
  return { title, entities, relations, ...(groups ? { groups } : {}) };
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Crow's-foot ends as Mermaid writes them: the referenced side, then the referencing side. */
export function cardinality(fk: DocForeignKey): { parent: '||' | '|o'; child: 'o{' | 'o|' } {
  return { parent: fk.optional ? '|o' : '||', child: fk.unique ? 'o|' : 'o{' };
}

/** Words for the same ends, for pages and tooltips. */
export function cardinalityWords(fk: DocForeignKey): string {
  const child = fk.unique ? 'zero or one' : 'zero or more';
  const parent = fk.optional ? 'zero or one' : 'exactly one';
  return `each ${fk.refTable} row has ${child} ${fk.table} rows; each ${fk.table} row references ${parent} ${fk.refTable}`;
}

/** Mermaid's attribute types allow letters, digits, _ - [ ] ( ): "timestamp with time zone" -> "timestamp_with_time_zone". */
function mermaidType(type: string): string {
  const t = type.replace(/[^A-Za-z0-9_\-[\]()]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[A-Za-z_]/.test(t) ? t : `t_${t}`;
}

function onDeleteLabel(fk: DocForeignKey): string {
  return `${fk.columns.join(', ')} ON DELETE ${fk.onDelete}`;
}

/** Mermaid `erDiagram` text: renders on GitHub inside a ```mermaid block. */
export function mermaid(d: ErDiagram): string {
  const out = ['erDiagram'];
  for (const e of d.entities) {
    if (!e.columns.length) {
      out.push(`  ${e.table} {`, `  }`);
      continue;
    }
    out.push(`  ${e.table} {`);
    for (const c of e.columns) {
      const keys = [c.pk ? 'PK' : '', c.fk ? 'FK' : ''].filter(Boolean).join(', ');
      out.push(`    ${mermaidType(c.type)} ${c.name} ${keys}`);
    }
    out.push('  }');
  }
  for (const r of d.relations) {
    const { parent, child } = cardinality(r);
    // Solid line: the key is part of the child's identity (its primary key); dotted otherwise.
    const line = r.columns.every((c) => d.entities.find((e) => e.table === r.table)?.columns.find((x) => x.name === c)?.pk) ? '--' : '..';
    out.push(`  ${r.refTable} ${parent}${line}${child} ${r.table} : "${onDeleteLabel(r).replace(/"/g, "'")}"`);
  }
  return out.join('\n') + '\n';
}
