/**
 * The documentation's pages, from the model: what each page says, in the neutral document tree
 * (doc.ts) that the Markdown and HTML renderers both draw.
 */
import { NOT_IN_SUMMARY } from '../verify/compare';
import { code, join, link, type Block, type Inline, type Page } from './doc';
import { cardinalityWords, erDiagram, mermaid, type ErDiagram } from './er';
import type { CapabilityNote, DocCollection, DocForeignKey, DocTable, DocsModel, MongoField, PgDocs } from './model';

export const OVERALL = 'overall';

export interface Diagram {
  key: string;
  diagram: ErDiagram;
  mermaid: string;
}

export interface Site {
  pages: Page[];
  /** ER diagrams by key: "overall" and one per summary group (its slug). */
  diagrams: Diagram[];
}

export const tablePage = (t: string) => `pg/table/${t}`;
export const groupPage = (slug: string) => `pg/group/${slug}`;
export const collectionPage = (c: string) => `mongo/${c}`;

const tableLink = (t: string): Inline => link(tablePage(t), code(t));
const enumLink = (e: string): Inline => link('pg/enums', code(e), e);

const diagramCache = new WeakMap<PgDocs, Diagram[]>();

/** The overall diagram and one per summary group; made once per model (see run.ts: made early while other stores answer). */
export function diagramsOf(pg: PgDocs): Diagram[] {
  const cached = diagramCache.get(pg);
  if (cached) return cached;
  const all = erDiagram(pg, 'PostgreSQL: all tables', pg.tables.map((t) => t.name), { groups: true });
  const diagrams: Diagram[] = [{ key: OVERALL, diagram: all, mermaid: mermaid(all) }];
  for (const g of pg.groups) {
    const d = erDiagram(pg, `PostgreSQL: ${g.name}`, g.tables);
    diagrams.push({ key: g.slug, diagram: d, mermaid: mermaid(d) });
  }
  diagramCache.set(pg, diagrams);
  return diagrams;
}

const pgPageCache = new WeakMap<PgDocs, Page[]>();

/** PostgreSQL's pages, made once per model: they depend on nothing else, so run.ts has them made early. */
export function pgPagesOf(pg: PgDocs): Page[] {
  const cached = pgPageCache.get(pg);
  if (cached) return cached;
  const diagrams = diagramsOf(pg);
  const pages = [pgPage(pg, diagrams), ...pg.groups.map((g) => groupPageOf(pg, g.name, g.slug, diagrams.find((d) => d.key === g.slug)!)), ...pg.tables.map((t) => tablePageOf(pg, t)), enumsPage(pg)];
  pgPageCache.set(pg, pages);
  return pages;
}

export function buildSite(model: DocsModel): Site {
  const pages: Page[] = [];
  const pg = model.postgres;
  const diagrams: Diagram[] = pg ? diagramsOf(pg) : [];
  pages.push(indexPage(model, diagrams));
  if (pg) pages.push(...pgPagesOf(pg));
  if (model.mongo) {
    pages.push(mongoPage(model));
    for (const c of model.mongo.collections) pages.push(collectionPageOf(c, model.mongo.capabilities));
  }
  if (model.s3) pages.push(s3Page(model));
  return { pages, diagrams };
}

// ---------------------------------------------------------------------------------------------- index

/** How to read the SVG diagrams (svg.ts draws by these rules). */
const LEGEND: Block = {
  table: {
    head: ['in the diagrams', 'means'],
    rows: [
      ['red line', 'ON DELETE CASCADE: deleting the referenced row deletes these rows'],
      ['dark line', 'ON DELETE RESTRICT (grey: NO ACTION): the referenced row cannot be deleted while these rows exist'],
      ['blue line', 'ON DELETE SET NULL: deleting the referenced row clears the key'],
      ['dashed line, circle at the referenced end', 'the key may be null: a row references zero or one row'],
      ["crow's foot / bar and circle at the referencing end", 'zero or more rows / zero or one row (the key is unique: one-to-one)'],
      ['dashed box', 'a table of another summary group, drawn with its key only'],
    ],
  },
};

function indexPage(model: DocsModel, diagrams: Diagram[]): Page {
  const blocks: Block[] = [];
  const rows: Inline[][] = [];
  if (model.postgres) {
    const fks = model.postgres.tables.reduce((n, t) => n + t.foreignKeys.length, 0);
    rows.push([link('pg', 'PostgreSQL'), `${model.postgres.tables.length} tables, ${fks} foreign keys, ${model.postgres.enums.length} enum types`, model.postgres.server]);
  }
  if (model.mongo) rows.push([link('mongo', 'MongoDB'), `${model.mongo.collections.length} collections`, model.mongo.server]);
  if (model.s3) rows.push([link('s3', 'S3'), `${model.s3.assetTypes.length} asset types under ${model.s3.prefixes.length} prefixes`, model.s3.server]);
  blocks.push({ table: { head: ['store', 'what', 'shape of'], rows } });
  const overall = diagrams.find((d) => d.key === OVERALL);
  if (overall) {
    blocks.push({ h: 2, text: 'Entity-relationship diagram' });
    blocks.push({
      p: [
        'Every table with its primary-key and foreign-key columns; every foreign key as a line from the referencing table (crow\'s foot: zero or more; bar and circle: zero or one) to the referenced one (two bars: exactly one; circle: optional), labelled with its columns and ON DELETE action. Per summary group: ',
        join(model.postgres!.groups.map((g) => link(groupPage(g.slug), g.name))),
        '.',
      ],
    });
    blocks.push({ diagram: OVERALL, alt: overall.diagram.title });
    blocks.push(LEGEND);
  }
  return {
    id: 'index',
    title: 'recruit-db schema',
    lead: [`The three stores as the migrations shape them, generated by `, code('recruit-db docs'), ` from the ${model.source}. Do not edit: regenerate.`],
    blocks,
    nav: { section: 'Overview' },
  };
}

// ---------------------------------------------------------------------------------------------- postgres

function pgPage(pg: PgDocs, diagrams: Diagram[]): Page {
  const blocks: Block[] = [];
  blocks.push({ h: 2, text: 'Groups' });
  blocks.push({
    table: {
      head: ['group', 'tables'],
      rows: pg.groups.map((g) => [link(groupPage(g.slug), g.name), join(g.tables.map(tableLink))]),
    },
  });
  blocks.push({ h: 2, text: 'All tables' });
  blocks.push({
    table: {
      head: ['table', 'group', 'purpose', 'columns', 'references', 'referenced by'],
      rows: pg.tables.map((t) => [tableLink(t.name), t.group, t.purpose ?? '', String(t.columns.length), String(t.foreignKeys.length), String(t.referencedBy.length)]),
    },
  });
  blocks.push({ h: 2, text: 'Entity-relationship diagram' });
  blocks.push({ diagram: OVERALL, alt: 'PostgreSQL: all tables', drawnOn: 'index' });
  blocks.push({ mermaid: diagrams.find((d) => d.key === OVERALL)!.mermaid });
  blocks.push(...capabilityBlocks(pg.capabilities));
  blocks.push({ h: 2, text: 'Extensions' });
  const versions = Object.values(pg.extensions).some(Boolean);
  blocks.push({ table: { head: versions ? ['extension', 'version'] : ['extension'], rows: Object.entries(pg.extensions).map(([name, v]) => (versions ? [code(name), v] : [code(name)])) } });
  if (pg.functions.length) {
    blocks.push({ h: 2, text: 'Functions the migrations own' });
    blocks.push({ table: { head: ['function', 'definition', 'comment'], rows: pg.functions.map((f) => [code(f.name), f.definition ? code(f.definition) : '', f.comment ?? '']) } });
  }
  if (pg.views.length) {
    blocks.push({ h: 2, text: 'Views' });
    blocks.push({ table: { head: ['view', 'definition'], rows: pg.views.map((v) => [code(v.name), code(v.definition)]) } });
  }
  if (pg.domains.length) {
    blocks.push({ h: 2, text: 'Domains' });
    blocks.push({ table: { head: ['domain', 'definition', 'checks'], rows: pg.domains.map((d) => [code(d.name), code(d.definition), join(d.checks.map((c) => code(c)))]) } });
  }
  if (pg.sequences.length) {
    blocks.push({ h: 2, text: 'Sequences' });
    blocks.push({ table: { head: ['sequence', 'definition'], rows: pg.sequences.map((q) => [code(q.name), code(q.definition)]) } });
  }
  return {
    id: 'pg',
    title: 'PostgreSQL',
    lead: `${pg.tables.length} tables in ${pg.groups.length} summary groups, ${pg.enums.length} enum types; shape of ${pg.server}.`,
    blocks,
    nav: { section: 'PostgreSQL' },
  };
}

/** The notes that touch one object, each narrowed to that object. */
function notesOn(notes: readonly CapabilityNote[], name: string): CapabilityNote[] {
  return notes.filter((n) => n.objects.some((o) => o.name === name)).map((n) => ({ ...n, objects: n.objects.filter((o) => o.name === name) }));
}

function capabilityBlocks(notes: CapabilityNote[], heading = 'Capability notes'): Block[] {
  if (!notes.length) return [];
  return [
    { h: 2, text: heading },
    {
      table: {
        head: ['feature', 'with it', 'without it', 'objects', 'in this shape'],
        rows: notes.map((c) => [code(c.feature), c.withFeature, c.without, join(c.objects.map((o) => [code(o.name), o.parts.length ? ` (${o.parts.join(', ')})` : ''])), c.inThisShape ?? '']),
      },
    },
  ];
}

function groupPageOf(pg: PgDocs, name: string, slug: string, d: Diagram): Page {
  const tables = pg.tables.filter((t) => t.group === name);
  return {
    id: groupPage(slug),
    title: name,
    lead: `Summary group: ${tables.length} tables. Tables of other groups that these reference are drawn dashed, with their key only.`,
    blocks: [
      { table: { head: ['table', 'purpose'], rows: tables.map((t) => [tableLink(t.name), t.purpose ?? '']) } },
      { diagram: slug, alt: d.diagram.title },
      LEGEND,
      { mermaid: d.mermaid },
    ],
    nav: { section: 'PostgreSQL', group: name },
  };
}

/** A referenced table: a link when it has a page, else its name and why it has none. */
function refTableCell(pg: PgDocs, fk: DocForeignKey): Inline {
  if (pg.tables.some((t) => t.name === fk.refTable)) return tableLink(fk.refTable);
  return [code(fk.refTable), ' (a table recruit-db keeps for itself: not documented here, not in the diagrams)'];
}

function fkRow(pg: PgDocs, fk: DocForeignKey, side: 'references' | 'referenced'): Inline[] {
  const cols = join(fk.columns.map((c) => code(c)));
  if (side === 'references') return [code(fk.name), cols, [refTableCell(pg, fk), ` (${fk.refColumns.join(', ')})`], fk.onDelete, cardinalityWords(fk)];
  return [code(fk.name), tableLink(fk.table), cols, fk.onDelete, cardinalityWords(fk)];
}

function tablePageOf(pg: PgDocs, t: DocTable): Page {
  const blocks: Block[] = [];
  const enumOf = new Map(pg.enums.map((e) => [e.name, e]));
  blocks.push({ h: 2, text: 'Columns' });
  blocks.push({
    table: {
      head: ['column', 'type', 'null', 'default', 'comment'],
      rows: t.columns.map((c) => [
        [code(c.name), t.primaryKey.includes(c.name) ? ' (PK)' : '', t.foreignKeys.some((f) => f.columns.includes(c.name)) ? ' (FK)' : ''],
        c.enum ? [enumLink(c.enum), c.type === c.enum ? '' : ` (${c.type})`] : c.type,
        c.nullable ? 'null' : 'not null',
        c.identity ? `identity (${c.identity})` : c.generated ? ['generated: ', code(c.generated)] : c.default !== undefined ? code(c.default) : '',
        c.comment ?? '',
      ]),
    },
  });
  const enumCols = t.columns.filter((c) => c.enum && enumOf.has(c.enum));
  if (enumCols.length) {
    blocks.push({ h: 2, text: 'Enum labels' });
    blocks.push({ table: { head: ['column', 'enum', 'labels (in order)'], rows: enumCols.map((c) => [code(c.name), enumLink(c.enum!), join(enumOf.get(c.enum!)!.labels.map((l) => code(l)))]) } });
  }
  blocks.push({ h: 2, text: 'Constraints' });
  blocks.push(
    t.constraints.length
      ? { table: { head: ['constraint', 'kind', 'definition'], rows: t.constraints.map((c) => [code(c.name), c.kind, code(c.definition)]) } }
      : { p: 'None.' },
  );
  blocks.push({ h: 2, text: 'References' });
  blocks.push(
    t.foreignKeys.length
      ? { table: { head: ['constraint', 'columns', 'references', 'on delete', 'cardinality'], rows: t.foreignKeys.map((f) => fkRow(pg, f, 'references')) } }
      : { p: 'This table references no other table.' },
  );
  blocks.push({ h: 2, text: 'Referenced by' });
  blocks.push(
    t.referencedBy.length
      ? { table: { head: ['constraint', 'table', 'columns', 'on delete', 'cardinality'], rows: t.referencedBy.map((f) => fkRow(pg, f, 'referenced')) } }
      : { p: 'No table references this one.' },
  );
  blocks.push({ h: 2, text: 'Indexes' });
  blocks.push(
    t.indexes.length
      ? { table: { head: ['index', 'definition'], rows: t.indexes.map((i) => [[code(i.name), i.constraint ? ` (${i.constraint})` : ''], code(i.definition)]) } }
      : { p: 'None.' },
  );
  blocks.push({ h: 2, text: 'Triggers' });
  blocks.push(
    t.triggers.length
      ? { table: { head: ['trigger', 'definition', 'enabled'], rows: t.triggers.map((tr) => [code(tr.name), code(tr.definition), tr.enabled ? 'yes' : 'no']) } }
      : { p: 'None.' },
  );
  blocks.push(...capabilityBlocks(notesOn(pg.capabilities, t.name)));
  const lead: Inline[] = [];
  if (t.purpose) lead.push(t.purpose, ' — ');
  lead.push('summary group: ', t.group === NOT_IN_SUMMARY ? t.group : link(groupPage(pg.groups.find((g) => g.name === t.group)!.slug), t.group));
  if (t.comment) lead.push('. Comment: ', code(t.comment));
  if (t.options) lead.push('. Table: ', code(t.options));
  return {
    id: tablePage(t.name),
    title: t.name,
    lead,
    blocks,
    keywords: t.columns.map((c) => c.name),
    nav: { section: 'PostgreSQL', group: t.group },
  };
}

function enumsPage(pg: PgDocs): Page {
  const blocks: Block[] = [];
  for (const e of pg.enums) {
    blocks.push({ h: 2, text: e.name, anchor: e.name });
    blocks.push({ p: ['Labels, in sort order: ', join(e.labels.map((l) => code(l)))] });
    blocks.push({ p: ['Used by: ', e.usedBy.length ? join(e.usedBy.map((u) => link(tablePage(u.table), code(`${u.table}.${u.column}`)))) : 'no column'] });
  }
  return { id: 'pg/enums', title: 'Enum types', lead: `${pg.enums.length} enum types.`, blocks, keywords: pg.enums.map((e) => e.name), nav: { section: 'PostgreSQL' } };
}

// ---------------------------------------------------------------------------------------------- mongo

function mongoPage(model: DocsModel): Page {
  const mongo = model.mongo!;
  return {
    id: 'mongo',
    title: 'MongoDB',
    lead: `${mongo.collections.length} collections; shape of ${mongo.server}.`,
    blocks: [
      {
        table: {
          head: ['collection', 'purpose', 'validation', 'indexes', 'TTL', 'references'],
          rows: mongo.collections.map((c) => [
            link(collectionPage(c.name), code(c.name)),
            c.purpose ?? '',
            c.validationLevel ? `${c.validationLevel} / ${c.validationAction ?? ''}` : 'none',
            String(c.indexes.length),
            c.ttl ? ttlSummary(c.ttl) : c.summaryTtlDays ? `${c.summaryTtlDays} days (not in this shape)` : '',
            join([...new Set(c.references.map((r) => r.table))].map(tableLink)),
          ]),
        },
      },
      ...capabilityBlocks(mongo.capabilities),
    ],
    nav: { section: 'MongoDB' },
  };
}

function days(seconds: number): string {
  return seconds % 86_400 === 0 ? `${seconds / 86_400} days` : `${seconds} s`;
}

/**
 * expireAfterSeconds 0 is a per-document expiry: each document goes at the date its field holds
 * (the writer sets it from what the document means), not "0 days" after anything.
 */
function ttlSummary(ttl: NonNullable<DocCollection['ttl']>): string {
  return ttl.seconds === 0 ? `per document, at ${ttl.field}` : `${days(ttl.seconds)} on ${ttl.field}`;
}

/** What drives expiry, in words: a fixed TTL after a date, or each document's own date (expireAfterSeconds 0). */
function expiry(c: DocCollection): Inline {
  if (!c.ttl) return c.summaryTtlDays !== undefined ? `The summary states a ${c.summaryTtlDays}-day TTL, but this shape has no TTL index.` : 'Documents do not expire.';
  const where: Inline[] = [code(c.ttl.field), ' (TTL index ', code(c.ttl.index)];
  const stated = c.summaryTtlDays;
  if (c.ttl.seconds === 0) {
    return [
      'Each document expires at the date in ',
      ...where,
      ', expireAfterSeconds 0); a document without that field never expires. Its writer sets the date from what the document records',
      stated !== undefined ? ` plus the ${stated} days the summary states` : '',
      '.',
    ];
  }
  return ['Documents expire ', days(c.ttl.seconds), ' after the date in ', ...where, stated !== undefined ? `; the summary states ${stated} days` : '', ').'];
}

function ttlOption(seconds: number): string {
  return `expireAfterSeconds: ${seconds} (${seconds === 0 ? 'at the date itself' : days(seconds)})`;
}

function fieldType(f: MongoField): string {
  return f.types.length ? f.types.join(' | ') : f.enum ? 'enum' : 'any';
}

function collectionPageOf(c: DocCollection, capabilities: CapabilityNote[]): Page {
  const blocks: Block[] = [];
  blocks.push({ h: 2, text: 'Validator' });
  if (!c.fields.length) {
    blocks.push({ p: 'No $jsonSchema validator in this shape.' });
  } else {
    blocks.push({
      p: [`Validation level `, code(c.validationLevel ?? 'strict'), `, action `, code(c.validationAction ?? 'error'), c.closed ? '. Top-level fields not listed here are refused.' : '.'],
    });
    blocks.push({
      table: {
        head: ['path', 'BSON type', 'required', 'enum', 'pattern', 'limits', 'references'],
        rows: c.fields.map((f) => [
          code(f.path),
          f.sameAs ? [fieldType(f), ', fields as at ', code(f.sameAs)] : fieldType(f),
          f.required ? 'yes' : '',
          f.enum ? join(f.enum.map((v) => code(String(v)))) : '',
          f.pattern ? code(f.pattern) : '',
          f.limits ?? '',
          f.references ? tableLink(f.references) : '',
        ]),
      },
    });
    if (c.alternatives.length) blocks.push({ list: c.alternatives });
  }
  blocks.push({ h: 2, text: 'Indexes' });
  blocks.push({
    table: {
      head: ['index', 'key', 'unique', 'options'],
      rows: c.indexes.map((i) => [
        code(i.name),
        code(Object.entries(i.key).map(([k, v]) => `${k}: ${String(v)}`).join(', ')),
        i.unique ? 'yes' : '',
        join(
          [
            ...(i.expireAfterSeconds !== undefined ? [ttlOption(i.expireAfterSeconds)] : []),
            ...(i.partialFilterExpression ? [code(`partialFilterExpression: ${JSON.stringify(i.partialFilterExpression)}`)] : []),
            ...Object.entries(i.options).map(([k, v]) => code(`${k}: ${JSON.stringify(v)}`)),
          ] as Inline[],
        ),
      ]),
    },
  });
  blocks.push({ h: 2, text: 'Expiry' });
  blocks.push({ p: expiry(c) });
  blocks.push({ h: 2, text: 'References to PostgreSQL' });
  blocks.push(
    c.references.length
      ? { table: { head: ['field', 'holds ids of'], rows: c.references.map((r) => [code(r.path), tableLink(r.table)]) } }
      : { p: 'No field holds ids of PostgreSQL rows.' },
  );
  blocks.push(...capabilityBlocks(notesOn(capabilities, c.name)));
  return {
    id: collectionPage(c.name),
    title: c.name,
    lead: c.purpose,
    blocks,
    keywords: c.fields.map((f) => f.path),
    nav: { section: 'MongoDB' },
  };
}

// ---------------------------------------------------------------------------------------------- s3

function s3Page(model: DocsModel): Page {
  const s3 = model.s3!;
  const MiB = 1024 * 1024;
  const variants = s3.settings.some((s) => s.when);
  return {
    id: 's3',
    title: 'S3',
    lead: `One bucket: ${s3.assetTypes.length} asset types under ${s3.prefixes.length} prefixes; settings of ${s3.server}.`,
    blocks: [
      { h: 2, text: 'Asset types' },
      {
        table: {
          head: ['asset type', 'prefix', 'key scheme', 'content types', 'max size', 'visibility', 'cache policy', 'retention'],
          rows: s3.assetTypes.map((a) => [
            a.name,
            code(a.prefix),
            code(a.keyScheme),
            join(a.contentTypes.map((ct) => code(`${ct.contentType} (.${ct.extension})`))),
            `${+(a.maxBytes / MiB).toFixed(1)} MiB`,
            a.visibility,
            code(a.cacheControl),
            a.retention,
          ]),
        },
      },
      { h: 2, text: 'Prefixes' },
      { table: { head: ['prefix', 'asset types'], rows: s3.prefixes.map((p) => [code(p.prefix), p.assetTypes.join(', ')]) } },
      { h: 2, text: 'Bucket settings' },
      ...(variants
        ? [
            { p: 'A setting marked "with X" / "without X" holds on targets with or without X (a KMS key, an https endpoint, the web origins); ${...} stands for the target\'s own value.' } as Block,
            { table: { head: ['setting', 'value', 'on', 'note'], rows: s3.settings.map((s) => [s.setting, code(s.value), s.when ?? 'every target', s.note ?? '']) } } as Block,
          ]
        : [{ table: { head: ['setting', 'value', 'note'], rows: s3.settings.map((s) => [s.setting, code(s.value), s.note ?? '']) } } as Block]),
      ...capabilityBlocks(s3.capabilities),
    ],
    keywords: s3.assetTypes.flatMap((a) => [a.name, a.prefix]),
    nav: { section: 'S3' },
  };
}
