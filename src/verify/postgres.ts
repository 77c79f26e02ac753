/**
 * PostgreSQL: the expected shape against the summary, and the live database against the expected
 * shape at full depth (see compare.ts for the shared items and verdict).
 */
import { isBookkeepingTable, postgresEntries } from '../stores/postgres/introspect';
import { selectVariant } from '../stores/shape-file';
import type { PgShape, ShapeConditions, ShapeEntry } from '../stores/shapes';
import { allTables, groupOf, type Manifest } from '../summary/manifest';
import { NOT_VALID_MARKER } from '../stores/postgres/ddl';
import { diffEntries, showValue, type EntryDiff } from './deep';
import { describeConditions } from './expected';
import { collector, deepItem, labelDiff, migrationState, MIGRATIONS, NOT_IN_SUMMARY, report, staleShape, type Add, type ExpectedShape, type StoreReport } from './compare';

/** The optional PostgreSQL extensions the migrations adapt to (0001's OPTIONAL_EXTENSIONS), by capability name. */
export const PG_CAPABILITIES: ReadonlyArray<{ capability: string; extension: string }> = [
  { capability: 'pgvector', extension: 'vector' },
  { capability: 'btree_gist', extension: 'btree_gist' },
];

/** Which variant a live database is: an optional extension installed means the migrations used it. */
export function pgConditions(shape: Pick<PgShape, 'extensions'>): ShapeConditions {
  return Object.fromEntries(PG_CAPABILITIES.map((c) => [c.capability, c.extension in shape.extensions]));
}

const enumLabelsOf = (entries: ShapeEntry[]) =>
  new Map(entries.filter((e) => e.kind === 'enum' && !e.part && typeof e.value === 'string').map((e) => [e.name, String(e.value).split(', ').filter(Boolean)]));

const isPgBookkeeping = (e: ShapeEntry) => e.kind === 'table' && isBookkeepingTable(e.name);

/**
 * PostgreSQL: the expected shape against the summary (tables and enum labels), then the live
 * database against the expected shape's variant for its capabilities (pgvector, btree_gist), at full
 * depth. Without an expected shape (a custom migrations folder), the documented names only.
 */
export function verifyPostgres(manifest: Manifest, shape: PgShape, expected?: ExpectedShape): StoreReport {
  const { items, add } = collector('postgres');
  const listed = new Set(allTables(manifest));
  const documentedEnums = new Set(manifest.enums.map((e) => e.name));
  const liveTables = new Set(shape.tables);
  const group = (table: string) => groupOf(manifest, table) ?? NOT_IN_SUMMARY;

  if (!expected) {
    namesOnlyPostgres(manifest, shape, add);
    add(MIGRATIONS, 'shape', 'expected shape', 'warning', 'no expected shape for this migrations folder: only the documented names were compared (write one with `recruit-db schema dump`)');
    health(manifest, shape, add, new Set());
    embeddings(manifest, shape, add);
    return report('postgres', items);
  }

  const conditions = pgConditions(shape);
  const exp = selectVariant(expected.entries, conditions).filter((e) => !isPgBookkeeping(e));
  const expTables = new Set(exp.filter((e) => e.kind === 'table' && !e.part).map((e) => e.name));
  const expEnums = enumLabelsOf(exp);

  // The migrations against the contract: every documented table and enum, with its labels in order.
  for (const g of manifest.pgGroups) {
    for (const t of g.tables) if (!expTables.has(t)) add(g.name, 'table', t, 'missing', `documented, but the migrations do not create it (${expected.path})`);
  }
  for (const e of manifest.enums) {
    const labels = expEnums.get(e.name);
    if (!labels) add('Enum Types', 'enum', e.name, 'missing', `documented, but the migrations do not create it (${expected.path})`);
    else {
      const diff = labelDiff(e.labels, labels);
      if (diff) add('Enum Types', 'enum', e.name, 'different', `the migrations' labels differ from the summary: ${diff}`);
    }
  }
  for (const t of [...expTables].sort()) if (!listed.has(t)) add(NOT_IN_SUMMARY, 'table', t, 'unexpected', 'created by the migrations, but the summary does not list it');
  for (const n of [...expEnums.keys()].sort()) if (!documentedEnums.has(n)) add(NOT_IN_SUMMARY, 'enum', n, 'unexpected', 'created by the migrations, but the summary does not list it');
  staleShape(expected, add);

  if (migrationState(expected, shape.migrations, add, 'run `recruit-db migrate` to bring the database to the expected shape')) return report('postgres', items);

  // Documented names, live: one item each (the deep comparison does not repeat them).
  for (const g of manifest.pgGroups) {
    for (const t of g.tables) {
      if (expTables.has(t)) add(g.name, 'table', t, liveTables.has(t) ? 'ok' : 'missing', liveTables.has(t) ? undefined : 'no such table in the public schema');
    }
  }
  for (const e of manifest.enums) {
    const want = expEnums.get(e.name);
    if (!want) continue;
    const labels = shape.enums[e.name];
    if (!labels) add('Enum Types', 'enum', e.name, 'missing', 'no such enum type');
    else {
      const diff = labelDiff(want, labels);
      add('Enum Types', 'enum', e.name, diff ? 'different' : 'ok', diff, diff ? { expected: want.join(', '), live: labels.join(', ') } : undefined);
    }
  }

  const live = postgresEntries(shape);
  const diffs = diffEntries(exp, live, isPgBookkeeping).filter((d) => {
    const e = d.expected ?? d.live!;
    if (e.part) return true;
    return !(e.kind === 'table' && listed.has(e.name) && expTables.has(e.name)) && !(e.kind === 'enum' && documentedEnums.has(e.name) && expEnums.has(e.name));
  });
  const left = leftByMigrations(diffs, shape);
  const drifted = new Set<string>();
  for (const d of diffs) {
    if (left.absorbed.has(d)) continue;
    const e = d.expected ?? d.live!;
    if (e.kind === 'table') drifted.add(e.name);
    // An extension a DBA added (pg_stat_statements on a managed server) changes none of our objects: a warning, not drift.
    if (e.kind === 'extension' && d.status === 'unexpected') {
      add('Schema', 'extension', e.name, 'warning', 'installed, but not by the migrations (nothing of the schema depends on it)');
      continue;
    }
    deepItem(add, e.kind === 'table' ? group(e.name) : e.kind === 'enum' ? 'Enum Types' : 'Schema', d, 'the expected shape', left.details.get(d));
  }
  add(MIGRATIONS, 'shape', 'expected shape', 'ok', `${exp.length} definitions compared with ${expected.path} (${describeConditions(conditions)})`);
  health(manifest, shape, add, drifted);
  embeddings(manifest, shape, add);
  return report('postgres', items);
}

/**
 * What the migrations leave on purpose where rows written before a rule break it (0021): a
 * constraint left NOT VALID, a unique key built as a plain index, each with a `recruit-db:not-valid`
 * comment saying why and how to finish. Still a difference (the rule does not hold for those rows),
 * but one item each, in the migration's own words: the plain index stands in for the missing key.
 */
function leftByMigrations(diffs: EntryDiff[], shape: PgShape): { details: Map<EntryDiff, string>; absorbed: Set<EntryDiff> } {
  const details = new Map<EntryDiff, string>();
  const absorbed = new Set<EntryDiff>();
  const why = (comment: string | undefined) => (comment?.startsWith(NOT_VALID_MARKER) ? comment.slice(NOT_VALID_MARKER.length).trim() : undefined);
  for (const d of diffs) {
    const e = d.expected ?? d.live!;
    if (e.kind !== 'table' || !e.part) continue;
    const table = shape.schema.tables[e.name];
    if (d.status === 'different' && e.part.kind === 'constraint' && d.live!.value === `${showValue(d.expected!.value)} NOT VALID`) {
      const reason = why(table?.constraints[e.part.name]?.comment);
      details.set(
        d,
        reason
          ? `left NOT VALID by the migrations: ${reason}`
          : `NOT VALID: rows written before it are not checked (new and changed rows are); ALTER TABLE ${e.name} VALIDATE CONSTRAINT ${e.part.name} checks them`,
      );
    } else if (d.status === 'unexpected' && e.part.kind === 'index') {
      const reason = why(table?.indexes[e.part.name]?.comment);
      if (!reason) continue;
      const columns = /^USING btree (\([^()]*\))$/.exec(showValue(e.value))?.[1];
      const key = diffs.find((m) => m.status === 'missing' && m.expected!.kind === 'table' && m.expected!.name === e.name && m.expected!.part?.kind === 'constraint' && m.expected!.value === `UNIQUE ${columns}`);
      if (key) {
        details.set(key, `built as the plain index ${e.part.name} by the migrations: ${reason}`);
        absorbed.add(d);
      } else {
        details.set(d, `made by the migrations: ${reason}`);
      }
    }
  }
  return { details, absorbed };
}

/** Without an expected shape: the documented tables and enums exist, and nothing undocumented does. */
function namesOnlyPostgres(manifest: Manifest, shape: PgShape, add: Add): void {
  const live = new Set(shape.tables);
  const listed = new Set(allTables(manifest));
  for (const g of manifest.pgGroups) {
    for (const t of g.tables) add(g.name, 'table', t, live.has(t) ? 'ok' : 'missing', live.has(t) ? undefined : 'no such table in the public schema');
  }
  for (const e of manifest.enums) {
    const labels = shape.enums[e.name];
    if (!labels) {
      add('Enum Types', 'enum', e.name, 'missing', 'no such enum type');
      continue;
    }
    const diff = labelDiff(e.labels, labels);
    add('Enum Types', 'enum', e.name, diff ? 'different' : 'ok', diff);
  }
  for (const t of shape.tables) {
    if (!listed.has(t) && !isBookkeepingTable(t)) add(NOT_IN_SUMMARY, 'table', t, 'unexpected', 'table exists but the summary does not list it');
  }
  const documented = new Set(manifest.enums.map((e) => e.name));
  for (const name of Object.keys(shape.enums).sort()) {
    if (!documented.has(name) && !name.startsWith('recruit_db_')) add(NOT_IN_SUMMARY, 'enum', name, 'unexpected', 'enum type exists but the summary does not list it');
  }
}

/**
 * Health rules on the live database, reported only when they fail (50 "has a primary key" lines would
 * bury what matters), and not for a table whose drift is already listed: a dropped index is one item.
 */
function health(manifest: Manifest, shape: PgShape, add: Add, drifted: Set<string>): void {
  const listed = new Set(allTables(manifest));
  for (const t of shape.tables) {
    if (listed.has(t) && !drifted.has(t) && !shape.primaryKeys[t]?.length) add('Health', 'health', t, 'different', 'table has no primary key');
  }
  for (const fk of shape.foreignKeys) {
    if (fk.indexed || isBookkeepingTable(fk.table) || drifted.has(fk.table)) continue;
    const cols = fk.columns.join(', ');
    add('Health', 'health', `${fk.table}.${fk.constraint}`, 'different', `foreign key (${cols}) -> ${fk.referencedTable} has no index starting with (${cols})`);
  }
  for (const e of manifest.enums) {
    if (shape.enums[e.name] && !shape.enumUsage[e.name]?.length) add('Health', 'health', e.name, 'different', 'enum type is not used by any column');
  }
}

/** The capability the embeddings depend on: ok on pgvector, a warning naming the server on the real[] fallback. */
function embeddings(manifest: Manifest, shape: PgShape, add: Add): void {
  if (shape.embeddings.length === 0) return;
  const group = groupOf(manifest, shape.embeddings[0].table) ?? 'Vector Search';
  const cols = shape.embeddings.map((e) => `${e.table}.${e.column}`).join(', ');
  const fallback = shape.embeddings.filter((e) => e.storage === 'array');
  if (fallback.length === 0) {
    const version = shape.extensions.vector ? ` ${shape.extensions.vector}` : '';
    add(group, 'embedding', 'embeddings', 'ok', `pgvector${version}: ${cols}`);
  } else {
    add(
      group,
      'embedding',
      'embeddings',
      'warning',
      `embeddings stored as real[] fallback: pgvector not available on this server (PostgreSQL ${shape.server.version}): ${fallback.map((e) => `${e.table}.${e.column}`).join(', ')}`,
    );
  }
}

