/**
 * The documentation model from the canonical shape entries: the very entries verify compares and
 * the committed expected shapes hold (or, with --live, the ones introspection makes of the live
 * stores), joined with the summary's groups and purposes and the S3 layout. Nothing here reads a
 * catalog; a fact the entries do not give is not documented.
 */
import { ASSET_TYPES, buildKey, uniquePrefixes, type AssetType } from '../../s3-layout';
import type { JsonValue, ShapeEntry } from '../stores/shapes';
import type { Manifest } from '../summary/manifest';
import { NOT_IN_SUMMARY } from '../verify/compare';
import { cmp } from './er';
import type {
  CapabilityNote,
  ConstraintKind,
  DocColumn,
  DocCollection,
  DocConstraint,
  DocForeignKey,
  DocIndex,
  DocMongoIndex,
  DocTable,
  MongoDocs,
  OnDeleteAction,
  PgDocs,
  S3Docs,
} from './model';
import { slug } from './model';
import { pgReferences, validatorFields } from './mongo-fields';

interface RawTable {
  comment?: string;
  options?: string;
  columns: DocColumn[];
  comments: Map<string, string>;
  constraints: DocConstraint[];
  indexes: DocIndex[];
  triggers: DocTable['triggers'];
}


/** The entries of a capable server (a condition the entries do not state counts as present), absent ones dropped. */
export function capableVariant(entries: readonly ShapeEntry[]): ShapeEntry[] {
  return entries.filter((e) => (!e.when || e.when.present) && e.value !== null);
}

/**
 * Each capability the entries distinguish ([with X] / [without X] variants) as one note: the
 * objects it touches and what each kind of server gets.
 */
export function variantNotes(store: CapabilityNote['store'], entries: readonly ShapeEntry[], words: Record<string, { withFeature: string; without: string }> = {}): CapabilityNote[] {
  const byCap = new Map<string, ShapeEntry[]>();
  for (const e of entries) if (e.when) byCap.set(e.when.capability, [...(byCap.get(e.when.capability) ?? []), e]);
  return [...byCap.keys()].sort().map((cap) => {
    const list = byCap.get(cap)!;
    const objects = new Map<string, string[]>();
    for (const e of list) {
      const parts = objects.get(e.name) ?? [];
      const part = e.part ? e.part.name || e.part.kind : undefined;
      if (part && !parts.includes(part)) parts.push(part);
      objects.set(e.name, parts);
    }
    const side = (present: boolean) =>
      list
        .filter((e) => e.when!.present === present)
        .map((e) => `${e.part ? `${e.part.kind} ${e.part.name}`.trim() : `${e.kind} ${e.name}`}: ${e.value === null ? 'absent' : valueText(e.value)}`)
        .join('; ');
    return {
      store,
      feature: cap,
      withFeature: words[cap]?.withFeature ?? side(true),
      without: words[cap]?.without ?? side(false),
      objects: [...objects].map(([name, parts]) => ({ name, parts })),
      inThisShape: 'documented with it',
    };
  });
}

export function valueText(v: JsonValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

// ---------------------------------------------------------------------------------------------- postgres

/** Splits `type [COLLATE "c"] [NOT NULL] [DEFAULT expr] [GENERATED ...]`, the column text of the entries. */
export function parseColumn(name: string, text: string): DocColumn {
  const m =
    /^(.*?)(?: COLLATE ("(?:[^"]|"")*"|\S+))?( NOT NULL)?(?: DEFAULT (.*?))?(?: GENERATED (ALWAYS|BY DEFAULT) AS IDENTITY)?(?: GENERATED ALWAYS AS \((.*)\) (STORED|VIRTUAL))?$/s.exec(
      text,
    )!;
  const col: DocColumn = { name, type: m[1], nullable: !m[3] };
  if (m[4] !== undefined) col.default = m[4];
  if (m[5]) col.identity = m[5].toLowerCase();
  if (m[6] !== undefined) col.generated = `${m[6]} (${m[7].toLowerCase()})`;
  return col;
}

const unquote = (s: string) => s.trim().replace(/^"(.*)"$/s, (_, x: string) => x.replace(/""/g, '"'));
const list = (s: string) => s.split(',').map(unquote).filter(Boolean);

export function constraintKind(definition: string): ConstraintKind {
  if (/^PRIMARY KEY\b/.test(definition)) return 'primary key';
  if (/^FOREIGN KEY\b/.test(definition)) return 'foreign key';
  if (/^UNIQUE\b/.test(definition)) return 'unique';
  if (/^CHECK\b/.test(definition)) return 'check';
  if (/^EXCLUDE\b/.test(definition)) return 'exclusion';
  if (/^NOT NULL\b/.test(definition)) return 'not null';
  return 'other';
}

/** `FOREIGN KEY (a) REFERENCES t(id) ON DELETE CASCADE` as pg_get_constraintdef prints it. */
export function parseForeignKey(table: string, name: string, definition: string): Omit<DocForeignKey, 'optional' | 'unique'> | undefined {
  const m = /^FOREIGN KEY \(([^)]*)\) REFERENCES ((?:"(?:[^"]|"")+"|[^\s(])+)\(([^)]*)\)(.*)$/s.exec(definition);
  if (!m) return undefined;
  const action = (which: 'DELETE' | 'UPDATE') => (new RegExp(`ON ${which} (CASCADE|RESTRICT|SET NULL|SET DEFAULT|NO ACTION)`).exec(m[4])?.[1] ?? 'NO ACTION') as OnDeleteAction;
  const refTable = unquote(m[2].replace(/^public\./, ''));
  return { name, table, columns: list(m[1]), refTable, refColumns: list(m[3]), onDelete: action('DELETE'), onUpdate: action('UPDATE') };
}

/** The plain columns of a UNIQUE constraint or a unique, non-partial index on columns only. */
function uniqueColumns(text: string): string[] | undefined {
  const m = /^UNIQUE (?:NULLS (?:NOT )?DISTINCT )?(?:USING \w+ )?\(([^()]*)\)(.*)$/s.exec(text);
  if (!m || /\bWHERE\b/.test(m[2])) return undefined;
  return list(m[1]);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');
}

/**
 * PostgreSQL's part of the model from its entries (capable variant), grouped as the summary lists
 * the tables. `infrastructure` names the tables to leave out (the live stores' bookkeeping; the
 * expected shapes hold none): passed in, so documenting the committed shape never loads a driver.
 */
export function pgDocs(entries: readonly ShapeEntry[], manifest: Manifest, server: string, infrastructure: (table: string) => boolean = () => false): PgDocs {
  const chosen = capableVariant(entries);
  const enums = new Map<string, string[]>();
  const extensions: Record<string, string> = {};
  const functions = new Map<string, PgDocs['functions'][number]>();
  const views: PgDocs['views'] = [];
  const domains = new Map<string, PgDocs['domains'][number]>();
  const sequences: PgDocs['sequences'] = [];
  const raw = new Map<string, RawTable>();

  for (const e of chosen) {
    const v = valueText(e.value);
    if (e.kind === 'enum' && !e.part) enums.set(e.name, v === '' ? [] : v.split(', '));
    else if (e.kind === 'extension' && !e.part) extensions[e.name] = v;
    else if (e.kind === 'function') {
      const f: PgDocs['functions'][number] = functions.get(e.name) ?? { name: e.name };
      if (e.part?.kind === 'comment') f.comment = v;
      else if (!e.part) f.definition = v;
      functions.set(e.name, f);
    } else if (e.kind === 'view' && !e.part) views.push({ name: e.name, definition: v });
    else if (e.kind === 'sequence' && !e.part) sequences.push({ name: e.name, definition: v });
    else if (e.kind === 'domain') {
      const d = domains.get(e.name) ?? { name: e.name, definition: '', checks: [] };
      if (e.part) d.checks.push(`${e.part.name}: ${v}`);
      else d.definition = v;
      domains.set(e.name, d);
    } else if (e.kind === 'table') {
      if (infrastructure(e.name)) continue;
      const t: RawTable = raw.get(e.name) ?? { columns: [], comments: new Map(), constraints: [], indexes: [], triggers: [] };
      raw.set(e.name, t);
      if (!e.part) {
        if (v) t.options = v;
        continue;
      }
      const { kind, name } = e.part;
      if (kind === 'comment' && name === '') t.comment = v;
      else if (kind === 'comment') t.comments.set(name, v);
      else if (kind === 'column') t.columns.push(parseColumn(name, v));
      else if (kind === 'constraint') t.constraints.push({ name, kind: constraintKind(v), definition: v });
      else if (kind === 'index') {
        const unique = v.startsWith('UNIQUE ');
        const rest = unique ? v.slice(7) : v;
        t.indexes.push({ name, unique, method: /^USING (\w+)/.exec(rest)?.[1], definition: `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${name} ON ${e.name} ${rest}` });
      } else if (kind === 'trigger') {
        const enabled = !/ DISABLED$/.test(v);
        t.triggers.push({ name, definition: v, enabled });
      }
    }
  }

  const enumNames = new Set(enums.keys());
  const tables = new Map<string, DocTable>();
  for (const [name, t] of raw) {
    for (const c of t.columns) {
      const comment = t.comments.get(c.name);
      if (comment !== undefined) c.comment = comment;
      const base = c.type.replace(/(\[\])+$/, '');
      if (enumNames.has(base)) c.enum = base;
    }
    const pk = t.constraints.find((c) => c.kind === 'primary key');
    const uniques = [
      ...t.constraints.filter((c) => c.kind === 'unique' || c.kind === 'primary key').map((c) => uniqueColumns(c.definition.replace(/^PRIMARY KEY/, 'UNIQUE'))),
      ...t.indexes.filter((i) => i.unique).map((i) => uniqueColumns(`UNIQUE ${i.definition.replace(/^CREATE UNIQUE INDEX \S+ ON \S+ /, '')}`)),
    ].filter((u): u is string[] => Boolean(u));
    const nullable = new Map(t.columns.map((c) => [c.name, c.nullable]));
    const foreignKeys: DocForeignKey[] = [];
    for (const c of t.constraints) {
      if (c.kind !== 'foreign key') continue;
      const fk = parseForeignKey(name, c.name, c.definition);
      if (!fk) continue;
      foreignKeys.push({ ...fk, optional: fk.columns.every((col) => nullable.get(col) !== false), unique: uniques.some((u) => sameSet(u, fk.columns)) });
    }
    tables.set(name, {
      name,
      group: NOT_IN_SUMMARY,
      ...(t.comment !== undefined ? { comment: t.comment } : {}),
      ...(t.options ? { options: t.options } : {}),
      columns: t.columns,
      primaryKey: pk ? list(/\(([^)]*)\)/.exec(pk.definition)?.[1] ?? '') : [],
      constraints: t.constraints,
      foreignKeys: foreignKeys.sort((a, b) => cmp(a.name, b.name)),
      referencedBy: [],
      indexes: t.indexes,
      triggers: t.triggers,
    });
  }
  for (const t of tables.values()) for (const fk of t.foreignKeys) tables.get(fk.refTable)?.referencedBy.push(fk);
  for (const t of tables.values()) t.referencedBy.sort((a, b) => cmp(a.table, b.table) || cmp(a.name, b.name));

  const groups = manifest.pgGroups.map((g) => ({ name: g.name, slug: slug(g.name), tables: g.tables.filter((t) => tables.has(t)) }));
  const ordered: DocTable[] = [];
  for (const g of manifest.pgGroups) {
    for (const name of g.tables) {
      const t = tables.get(name);
      if (!t) continue;
      t.group = g.name;
      t.purpose = g.purposes[name];
      ordered.push(t);
    }
  }
  const rest = [...tables.values()].filter((t) => t.group === NOT_IN_SUMMARY).sort((a, b) => cmp(a.name, b.name));
  if (rest.length) groups.push({ name: NOT_IN_SUMMARY, slug: slug(NOT_IN_SUMMARY), tables: rest.map((t) => t.name) });
  ordered.push(...rest);

  const usage = new Map<string, Array<{ table: string; column: string }>>();
  for (const t of ordered) for (const c of t.columns) if (c.enum) usage.set(c.enum, [...(usage.get(c.enum) ?? []), { table: t.name, column: c.name }]);
  // Summary order for the documented enums, then any other by name.
  const enumOrder = [...manifest.enums.map((e) => e.name).filter((n) => enums.has(n)), ...[...enums.keys()].filter((n) => !manifest.enums.some((e) => e.name === n)).sort()];

  return {
    server,
    groups: groups.filter((g) => g.tables.length),
    tables: ordered,
    enums: enumOrder.map((name) => ({ name, labels: enums.get(name)!, usedBy: usage.get(name) ?? [] })),
    extensions,
    functions: [...functions.values()].sort((a, b) => cmp(a.name, b.name)),
    views: views.sort((a, b) => cmp(a.name, b.name)),
    domains: [...domains.values()].sort((a, b) => cmp(a.name, b.name)),
    sequences: sequences.sort((a, b) => cmp(a.name, b.name)),
    capabilities: withRecorded(variantNotes('postgres', entries, PG_WORDS), recordedChoices(ordered)),
  };
}

/** One note per feature: a recorded choice completes the variant note of the same feature. */
function withRecorded(notes: CapabilityNote[], recorded: CapabilityNote[]): CapabilityNote[] {
  for (const r of recorded) {
    const same = notes.find((n) => n.feature === r.feature);
    if (!same) notes.push(r);
    else same.inThisShape = r.inThisShape;
  }
  return notes;
}

/** What the migrations' capability variants mean, in words. */
const PG_WORDS: Record<string, { withFeature: string; without: string }> = {
  pgvector: {
    withFeature: 'embedding columns are vector(384) with an HNSW cosine index',
    without: 'embedding columns are real[] with a CHECK on their length (no similarity index)',
  },
  btree_gist: {
    withFeature: 'overlapping bookings are refused by an EXCLUDE USING gist constraint',
    without: 'the same rule is kept by a BEFORE INSERT OR UPDATE trigger that raises the same SQLSTATE (23P01)',
  },
};

/**
 * The choices the migrations record in `recruit-db:` comments (which embedding storage, which
 * no-overlap guard), for a shape without variants (a live store) to still say what it got.
 */
function recordedChoices(tables: readonly DocTable[]): CapabilityNote[] {
  const notes: CapabilityNote[] = [];
  const embedding = tables.flatMap((t) => t.columns.filter((c) => /^recruit-db:embedding /.test(c.comment ?? '')).map((c) => ({ t, c })));
  if (embedding.length) {
    const storages = [...new Set(embedding.map(({ c }) => /storage=(\S+)/.exec(c.comment!)?.[1]))];
    notes.push({ store: 'postgres', feature: 'pgvector', ...PG_WORDS.pgvector, objects: embedding.map(({ t, c }) => ({ name: t.name, parts: [c.name] })), inThisShape: `storage=${storages.join(', ')} (column comment)` });
  }
  const guards = tables.filter((t) => /^recruit-db:no-overlap /.test(t.comment ?? ''));
  if (guards.length) {
    const kinds = [...new Set(guards.map((t) => /guard=(\S+)/.exec(t.comment!)?.[1]))];
    notes.push({ store: 'postgres', feature: 'btree_gist', ...PG_WORDS.btree_gist, objects: guards.map((t) => ({ name: t.name, parts: [] })), inThisShape: `guard=${kinds.join(', ')} (table comment)` });
  }
  return notes;
}

// ---------------------------------------------------------------------------------------------- mongo

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** MongoDB's part of the model from its entries (capable variant: validators and TTL indexes in force). */
export function mongoDocs(entries: readonly ShapeEntry[], manifest: Manifest, pgTables: ReadonlySet<string>, server: string, capabilities: CapabilityNote[] = []): MongoDocs {
  const chosen = capableVariant(entries);
  const byName = new Map<string, DocCollection>();
  const documented = new Map(manifest.mongoCollections.map((c) => [c.name, c]));
  const get = (name: string) => {
    let c = byName.get(name);
    if (!c) {
      const def = documented.get(name);
      c = { name, ...(def?.purpose ? { purpose: def.purpose } : {}), ...(def?.ttlDays !== undefined ? { summaryTtlDays: def.ttlDays } : {}), fields: [], closed: false, alternatives: [], indexes: [], references: [] };
      byName.set(name, c);
    }
    return c;
  };
  for (const e of chosen) {
    if (e.kind !== 'collection') continue;
    const c = get(e.name);
    if (!e.part) continue;
    if (e.part.kind === 'validator' && isObject(e.value)) {
      const { fields, closed, alternatives } = validatorFields(e.value);
      for (const f of fields) {
        const table = pgReferences([f], pgTables)[0]?.table;
        if (table) f.references = table;
      }
      Object.assign(c, { fields, closed, alternatives, references: pgReferences(fields, pgTables) });
    } else if (e.part.kind === 'validationLevel') c.validationLevel = valueText(e.value);
    else if (e.part.kind === 'validationAction') c.validationAction = valueText(e.value);
    else if (e.part.kind === 'index' && isObject(e.value)) {
      const { key, unique, expireAfterSeconds, partialFilterExpression, ...options } = e.value as Record<string, unknown>;
      const idx: DocMongoIndex = { name: e.part.name, key: isObject(key) ? key : {}, unique: unique === true, options };
      if (typeof expireAfterSeconds === 'number') {
        idx.expireAfterSeconds = expireAfterSeconds;
        c.ttl = { index: idx.name, field: Object.keys(idx.key)[0] ?? '', seconds: expireAfterSeconds };
      }
      if (isObject(partialFilterExpression)) idx.partialFilterExpression = partialFilterExpression;
      c.indexes.push(idx);
    }
  }
  // The summary's order, then any other collection by name.
  const order = [...manifest.mongoCollections.map((c) => c.name).filter((n) => byName.has(n)), ...[...byName.keys()].filter((n) => !documented.has(n)).sort()];
  return {
    server,
    collections: order.map((n) => byName.get(n)!),
    capabilities: [...variantNotes('mongo', entries, MONGO_WORDS), ...capabilities],
  };
}

/** What a capability means, in words, for the notes of any store (none for a feature not named here). */
export function capabilityWords(feature: string): { withFeature: string; without: string } | undefined {
  return PG_WORDS[feature] ?? MONGO_WORDS[feature];
}

const MONGO_WORDS: Record<string, { withFeature: string; without: string }> = {
  jsonSchemaValidator: {
    withFeature: 'each collection carries its $jsonSchema validator, enforced by the server',
    without: 'collections are created without validators; the toolkit checks documents client-side before writing (seed, fixtures)',
  },
  ttlIndex: {
    withFeature: 'TTL indexes expire documents after the stated time',
    without: 'the TTL fields get a plain index; nothing expires by itself',
  },
  sharding: {
    withFeature: 'on a mongos (a sharded cluster), each large collection is sharded on the key its definition declares, with an index on that key (shard_<fields>)',
    without: 'a standalone server, a replica set or FerretDB keeps every collection unsharded: the shard key stays declared, without its index',
  },
};

// ---------------------------------------------------------------------------------------------- s3

/** The owner segment of a key, as the key scheme names it. */
const OWNER_SEGMENT: Record<AssetType['owner'], string> = {
  user: '{userId}',
  student: '{studentId}',
  company: '{companyId}',
  course: '{courseId}',
  lesson: '{lessonId}',
  material: '{materialId}',
};

/** The layout's key scheme, from the key builder itself: `users/resumes/{studentId}/{uuid}.{ext}`. */
export function keyScheme(a: AssetType): string {
  const [contentType] = Object.keys(a.contentTypes);
  const built = buildKey(a.id, { ownerId: 'OWNER', id: 'OBJECT', contentType, size: 1 });
  return built.key.replace('/OWNER/', `/${OWNER_SEGMENT[a.owner]}/`).replace(/OBJECT\.[^.]+$/, '{uuid}.{ext}');
}

/** Why the bucket carries each kind of setting (s3-layout/layout.ts decides them). */
const SETTING_NOTES: Record<string, string> = {
  versioning: 'an overwritten or deleted object stays as a noncurrent version until the lifecycle expires it',
  encryption: 'default server-side encryption of every new object',
  'public-access-block': 'no public ACL or bucket policy takes effect: public-cdn assets reach people through the CDN only',
  ownership: 'BucketOwnerEnforced: ACLs are off and the bucket owner owns every object',
  lifecycle: 'a rule the layout owns (rules with other ids are left alone)',
  cors: 'browser uploads and downloads with presigned URLs from the web origins',
  tag: 'bucket tag set by the bootstrap',
};

/**
 * S3's part of the model: the asset types the layout declares (prefix, key scheme, content types,
 * visibility, cache policy, retention) and the bucket settings as the shape entries give them.
 */
export function s3Docs(entries: readonly ShapeEntry[], server: string, capabilities: CapabilityNote[] = []): S3Docs {
  // Every variant is shown: S3's conditions are the target's settings (a KMS key, an https
  // endpoint, the web origins), not missing features, so neither side is "the" shape.
  const settings = entries
    .filter((e) => e.kind !== 'marker' && (e.part || e.value !== ''))
    .map((e) => {
      const note = e.part ? SETTING_NOTES[e.part.kind] : undefined;
      return {
        setting: e.part ? `${e.part.kind}${e.part.name ? ` ${e.part.name}` : ''}` : e.kind,
        value: e.value === null ? 'absent' : valueText(e.value),
        ...(e.when ? { when: `${e.when.present ? 'with' : 'without'} ${e.when.capability}` } : {}),
        ...(note ? { note } : {}),
      };
    });
  return {
    server,
    assetTypes: ASSET_TYPES.map((a) => ({
      id: a.id,
      name: a.name,
      prefix: a.prefix,
      owner: a.owner,
      keyScheme: keyScheme(a),
      contentTypes: Object.entries(a.contentTypes).map(([contentType, extension]) => ({ contentType, extension })),
      maxBytes: a.maxBytes,
      visibility: a.visibility,
      cacheControl: a.cacheControl,
      retention: a.retention,
    })),
    prefixes: uniquePrefixes().map((prefix) => ({ prefix, assetTypes: ASSET_TYPES.filter((a) => a.prefix === prefix).map((a) => a.name) })),
    settings,
    capabilities,
  };
}
