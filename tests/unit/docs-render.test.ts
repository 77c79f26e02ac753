import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { erDiagram, mermaid } from '../../src/docs/er';
import { diffDocs, isClean, prepareDocs, renderDocs, writeDocs } from '../../src/docs/generate';
import { htmlPage } from '../../src/docs/html';
import { markdownPage } from '../../src/docs/markdown';
import { buildSite } from '../../src/docs/pages';
import { erSvg } from '../../src/docs/svg';
import { smallModel } from '../helpers/docs-model';

/** Tags opened and never closed, or closed out of order (an empty list when the markup nests). */
function unbalanced(xml: string): string[] {
  const stack: string[] = [];
  const bad: string[] = [];
  for (const [tag, close, name] of xml.matchAll(/<(\/?)([a-zA-Z][\w:-]*)\b[^>]*>/g)) {
    if (tag.endsWith('/>')) continue;
    if (!close) stack.push(name);
    else if (stack.pop() !== name) bad.push(tag);
  }
  return [...bad, ...stack];
}

describe('ER diagram selection and Mermaid text', () => {
  const pg = smallModel().postgres!;

  it('the whole schema: every table with its key columns and every foreign key with cardinality and ON DELETE', () => {
    const text = mermaid(erDiagram(pg, 'all', pg.tables.map((t) => t.name)));
    expect(text.startsWith('erDiagram\n')).toBe(true);
    for (const t of pg.tables) expect(text).toContain(`  ${t.name} {`);
    // One-to-one (unique key), required: exactly one user, zero or one student per user.
    expect(text).toContain('users ||..o| students : "user_id ON DELETE CASCADE"');
    // Optional key: zero or one student, zero or more notes.
    expect(text).toContain('students |o..o{ notes : "student_id ON DELETE SET NULL"');
    expect(text).toContain('notes |o..o{ notes : "parent_id ON DELETE RESTRICT"');
    expect(text).toContain('    uuid student_id FK');
    expect(text).toContain('    uuid id PK');
    // Only key columns are drawn.
    expect(text).not.toContain(' email');
    expect(text.match(/ : "/g)).toHaveLength(3);
  });

  it('a key to a table the docs leave out (recruit-db\'s own) is not drawn, in the text or the picture; the page names the table without a link', () => {
    const model = smallModel();
    const notes = model.postgres!.tables.find((t) => t.name === 'notes')!;
    notes.foreignKeys.push({ name: 'notes_kind_foreign', table: 'notes', columns: ['kind'], refTable: 'recruit_db_note_kinds', refColumns: ['kind'], onDelete: 'RESTRICT', optional: false, unique: false });
    for (const tables of [model.postgres!.tables.map((t) => t.name), ['notes']]) {
      const d = erDiagram(model.postgres!, 'x', tables);
      expect(d.relations.map((r) => r.name)).not.toContain('notes_kind_foreign');
      expect(mermaid(d)).not.toContain('recruit_db_note_kinds');
      expect(erSvg(d)).not.toContain('notes_kind_foreign');
    }
    const md = markdownPage(buildSite(model).pages.find((p) => p.id === 'pg/table/notes')!);
    expect(md).toContain('| `notes_kind_foreign` | `kind` | `recruit_db_note_kinds` (a table recruit-db keeps for itself: not documented here, not in the diagrams) (kind) | RESTRICT |');
    expect(md).not.toContain('recruit_db_note_kinds.md');
  });

  it('a group: its tables, the keys they hold, and what those keys point to as stubs', () => {
    const d = erDiagram(pg, 'notes', ['notes']);
    expect(d.entities.map((e) => [e.table, e.external])).toEqual([
      ['notes', false],
      ['students', true],
    ]);
    // A stub shows its key only, not its own foreign keys.
    expect(d.entities[1].columns.map((c) => c.name)).toEqual(['id']);
    expect(d.relations.map((r) => r.name)).toEqual(['notes_parent_id_foreign', 'notes_student_id_foreign']);
  });
});

describe('SVG', () => {
  const pg = smallModel().postgres!;
  const d = erDiagram(pg, 'all', pg.tables.map((t) => t.name));

  it('draws one entity per table and one relation per foreign key, with crow\'s-foot ends by cardinality', () => {
    const svg = erSvg(d, { href: (t) => `#t-${t}`, idPrefix: 'x' });
    expect(svg.match(/<g class="entity/g)).toHaveLength(3);
    expect(svg.match(/<g class="relation"/g)).toHaveLength(3);
    const rel = (fk: string) => svg.slice(svg.indexOf(`data-fk="${fk}"`), svg.indexOf('</g>', svg.indexOf(`data-fk="${fk}"`)));
    expect(rel('students_user_id_foreign')).toContain('marker-start="url(#x-zero-one)" marker-end="url(#x-one)"');
    expect(rel('notes_student_id_foreign')).toContain('marker-start="url(#x-many)" marker-end="url(#x-zero-one)"');
    expect(rel('notes_student_id_foreign')).toContain('data-on-delete="SET NULL"');
    expect(rel('notes_student_id_foreign')).toContain('student_id · SET NULL');
    expect(svg).toContain('<a href="#t-students">');
    // Markers exist for every reference.
    for (const m of ['one', 'zero-one', 'many']) expect(svg).toContain(`<marker id="x-${m}"`);
  });

  it('is deterministic and well-formed enough for an XML reader: no duplicate attribute, every element closed', () => {
    const a = erSvg(d);
    expect(erSvg(d)).toBe(a);
    for (const tag of a.match(/<[a-z]+\b[^>]*>/g)!) {
      const names = [...tag.matchAll(/\s([a-z-]+)="/g)].map((m) => m[1]);
      expect(new Set(names).size, tag).toBe(names.length);
    }
    expect(unbalanced(a)).toEqual([]);
    // Boxes do not overlap: the layout keeps entities apart.
    const rects = [...a.matchAll(/<rect class="body" x="([\d.-]+)" y="([\d.-]+)" width="(\d+)" height="(\d+)"/g)].map((m) => m.slice(1).map(Number));
    for (let i = 0; i < rects.length; i++) {
      for (let j = i + 1; j < rects.length; j++) {
        const [x1, y1, w1, h1] = rects[i];
        const [x2, y2, w2, h2] = rects[j];
        expect(x1 + w1 <= x2 || x2 + w2 <= x1 || y1 + h1 <= y2 || y2 + h2 <= y1).toBe(true);
      }
    }
  });
});

describe('Markdown pages', () => {
  const site = buildSite(smallModel());
  const page = (id: string) => markdownPage(site.pages.find((p) => p.id === id)!);

  it('a table page: columns, enum labels, constraints, references both ways, indexes, triggers, purpose, group link', () => {
    const users = page('pg/table/users');
    expect(users).toContain('# users\n\nMaster authentication — summary group: [People](../groups/people.md)');
    expect(users).toContain("| `status` | [`user_status`](../enums.md#user_status) | not null | `'active'::user_status` |  |");
    expect(users).toContain('| `status` | [`user_status`](../enums.md#user_status) | `active`, `inactive` |');
    expect(users).toContain("`CHECK (email ~ '^[^@]+@[^@]+$'::text)`");
    expect(users).toContain('| `students_user_id_foreign` | [`students`](./students.md) | `user_id` | CASCADE |');
    expect(users).toContain('`CREATE UNIQUE INDEX users_email_lower_unique ON users USING btree (lower(email))`');
    expect(users).toContain('| `users_set_updated_at` | `BEFORE UPDATE FOR EACH ROW EXECUTE FUNCTION recruit_set_updated_at()` | yes |');
    const students = page('pg/table/students');
    expect(students).toContain('| `students_user_id_foreign` | `user_id` | [`users`](./users.md) (id) | CASCADE | each users row has zero or one students rows');
    // A pipe in a cell never splits it.
    expect(students).toContain('shown on the profile \\| public');
    expect(students).toContain('## Capability notes');
  });

  it('the collection page: field table, TTL and what drives it, references to PostgreSQL', () => {
    const s = page('mongo/sessions');
    expect(s).toContain('| `userId` | string | yes |  | `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$` |  | [`users`](../postgres/tables/users.md) |');
    expect(s).toContain('| `kind` | enum |  | `a`, `b\\|c` |');
    expect(s).toContain('Documents expire 7 days after the date in `seenAt` (TTL index `ttl_seen`; the summary states 7 days).');
    expect(s).toContain('Top-level fields not listed here are refused.');
  });

  it('a per-document expiry (expireAfterSeconds 0) is said as such, never as "0 days"', () => {
    const model = smallModel();
    const c = model.mongo!.collections[0];
    c.indexes[1] = { name: 'ttl_expire_at', key: { expireAt: 1 }, unique: false, expireAfterSeconds: 0, options: {} };
    c.ttl = { index: 'ttl_expire_at', field: 'expireAt', seconds: 0 };
    const site = buildSite(model);
    const md = (id: string) => markdownPage(site.pages.find((p) => p.id === id)!);
    const s = md('mongo/sessions');
    expect(s).toContain('Each document expires at the date in `expireAt` (TTL index `ttl_expire_at`, expireAfterSeconds 0); a document without that field never expires. Its writer sets the date from what the document records plus the 7 days the summary states.');
    expect(s).toContain('| `ttl_expire_at` | `expireAt: 1` |  | expireAfterSeconds: 0 (at the date itself) |');
    expect(md('mongo')).toContain('| per document, at expireAt |');
    expect(s + md('mongo')).not.toMatch(/\b0 days\b/);
  });

  it('the S3 page: asset types with prefix, key scheme, content types, visibility, cache policy', () => {
    const s = page('s3');
    expect(s).toContain('| Student Resumes | `users/resumes/` | `users/resumes/{studentId}/{uuid}.{ext}` | `application/pdf (.pdf)` | 10 MiB | private | `private, no-store` | owner-lifetime |');
  });

  it('group pages hold the group diagram as an image and as Mermaid', () => {
    const g = page('pg/group/notes-things');
    expect(g).toContain('![PostgreSQL: Notes & Things](../../er/notes-things.svg)');
    expect(g).toContain('```mermaid\nerDiagram\n');
  });
});

describe('HTML page', () => {
  const html = htmlPage(buildSite(smallModel()), 'test schema');

  it('is self-contained: no external reference, a policy that forbids loading any', () => {
    const urls = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThan(5);
    for (const u of urls) expect(u.startsWith('#'), u).toBe(true);
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).not.toMatch(/https?:\/\//);
    expect(html).toContain(`content="default-src 'none';`);
  });

  it('nests properly (every element closed in order) and every in-page link has its target', () => {
    const body = html.replace(/<(meta|input|br|img|!doctype)\b[^>]*>/gi, '').replace(/<style>[\s\S]*?<\/style>|<script>[\s\S]*?<\/script>/g, '');
    expect(unbalanced(body)).toEqual([]);
    const ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
    const targets = [...html.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
    expect(targets.filter((t) => !ids.has(t))).toEqual([]);
    // SVG marker references resolve too, and no id is used twice.
    const all = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(all.length).toBe(ids.size);
    for (const [, ref] of html.matchAll(/url\(#([^)]+)\)/g)) expect(ids.has(ref), ref).toBe(true);
  });

  it('has every page as a section, links between tables, the search box, and each diagram once', () => {
    for (const id of ['p-index', 'p-pg-table-users', 'p-pg-table-notes', 'p-mongo-sessions', 'p-s3', 'p-pg-enums']) expect(html).toContain(`<section class="page" id="${id}"`);
    expect(html).toContain('<a href="#p-pg-table-students"><code>students</code></a>');
    expect(html).toContain('<input id="search" type="search"');
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).toContain('<h3 id="p-pg-enums--user_status">user_status</h3>');
    expect(html).toContain('<a href="#p-pg-enums--user_status"><code>user_status</code></a>');
  });
});

describe('files, write and check', () => {
  it('renders the same bytes twice; a written folder checks clean; a change, a missing and an extra file are named', () => {
    const files = renderDocs(smallModel());
    expect(renderDocs(smallModel())).toEqual(files);
    expect([...files.keys()]).toContain('postgres/tables/users.md');
    expect([...files.keys()]).toContain('er/overall.svg');
    expect([...files.keys()]).toContain('index.html');
    const dir = join(mkdtempSync(join(tmpdir(), 'rdb-docs-')), 'schema');
    writeDocs(dir, files);
    expect(isClean(diffDocs(dir, files))).toBe(true);

    writeFileSync(join(dir, 'postgres/tables/users.md'), 'edited\n');
    writeFileSync(join(dir, 'postgres/tables/gone.md'), 'stale\n');
    const smaller = new Map(files);
    smaller.set('mongo/new.md', '# new\n');
    expect(diffDocs(dir, smaller)).toEqual({ missing: ['mongo/new.md'], changed: ['postgres/tables/users.md'], extra: ['postgres/tables/gone.md'] });

    // Writing again repairs all three.
    writeDocs(dir, smaller);
    expect(isClean(diffDocs(dir, smaller))).toBe(true);
    expect(readFileSync(join(dir, 'postgres/tables/users.md'), 'utf8')).toBe(files.get('postgres/tables/users.md'));
  });

  it('what prepareDocs renders early is what renderDocs would render: the same bytes', () => {
    const early = smallModel();
    prepareDocs(early.postgres!);
    expect(renderDocs(early)).toEqual(renderDocs(smallModel()));
  });

  it('refuses to write into a folder of someone else\'s files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdb-docs-'));
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    expect(() => writeDocs(dir, renderDocs(smallModel()))).toThrow(/holds files that recruit-db docs did not write/);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine\n');
  });
});

describe('Markdown text escaping', () => {
  it('keeps table names readable and escapes what Markdown would read as syntax', () => {
    const page = (lead: string) =>
      markdownPage({ id: 'pg/table/x', title: 'x', lead, blocks: [], nav: { section: 'PostgreSQL' } }).split('\n')[2];
    expect(page('each mentor_sessions row')).toBe('each mentor_sessions row');
    expect(page('_private and *bold* [x] <b>')).toBe('\\_private and \\*bold\\* \\[x\\] \\<b\\>');
    expect(page('# not a heading')).toBe('\\# not a heading');
  });
});
