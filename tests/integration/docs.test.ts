import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capableVariant } from '../../src/docs/from-shapes';
import { isBookkeepingTable } from '../../src/stores/postgres/introspect';
import type { ShapeEntry } from '../../src/stores/shapes';
import { allTables, MANIFEST } from '../../src/summary/manifest';
import { loadExpectedShape } from '../../src/verify/expected';
import { REPO, runCli } from '../helpers/cli';
import { cliEnv, freshStores } from '../helpers/stores';

/** No store settings at all: docs from the committed shape must not need any. */
const BARE = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' };
const COMMITTED = join(REPO, 'docs/schema');
const tmp: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'rdb-docs-'));
  tmp.push(d);
  return d;
};
afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

describe('docs --check keeps the committed docs current (CI runs this)', () => {
  it('the committed docs/schema is exactly what the committed expected shapes give', async () => {
    const r = await runCli(['docs', '--check'], { env: BARE, cwd: REPO });
    expect(r.stdout + r.stderr, 'regenerate with `recruit-db docs` and commit docs/schema').toMatch(/is current/);
    expect(r.code).toBe(0);
  });

  it('names each changed, missing and stale file, exits 1 and writes nothing; docs repairs it', async () => {
    const out = join(tempDir(), 'schema');
    cpSync(COMMITTED, out, { recursive: true });
    writeFileSync(join(out, 'postgres/tables/users.md'), '# users\n\nedited by hand\n');
    unlinkSync(join(out, 'mongo/event_log.md'));
    writeFileSync(join(out, 'postgres/tables/dropped_table.md'), '# dropped_table\n');

    const r = await runCli(['docs', '--check', '--out', out], { env: BARE });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('changed  postgres/tables/users.md');
    expect(r.stdout).toContain('missing  mongo/event_log.md');
    expect(r.stdout).toContain('stale    postgres/tables/dropped_table.md');
    expect(r.stdout).toMatch(/out of date: 1 changed, 1 missing, 1 stale/);
    expect(readFileSync(join(out, 'postgres/tables/users.md'), 'utf8')).toContain('edited by hand');

    const json = await runCli(['docs', '--check', '--out', out, '--json'], { env: BARE });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ version: 1, command: 'docs', ok: false, exitCode: 1, clean: false, diff: { changed: ['postgres/tables/users.md'], missing: ['mongo/event_log.md'], extra: ['postgres/tables/dropped_table.md'] } });

    const fix = await runCli(['docs', '--out', out], { env: BARE });
    expect(fix.code).toBe(0);
    expect(fix.stdout).toMatch(/1 new, 1 updated, 1 removed/);
    expect((await runCli(['docs', '--check', '--out', out], { env: BARE })).code).toBe(0);
  });
});

describe('what the generated docs hold, counted against the expected shape', () => {
  const entries = capableVariant(loadExpectedShape('postgres')!.entries);
  const tables = [...new Set(entries.filter((e) => e.kind === 'table' && !isBookkeepingTable(e.name)).map((e) => e.name))];
  const allFks = entries.filter((e) => e.kind === 'table' && e.part?.kind === 'constraint' && String(e.value).startsWith('FOREIGN KEY'));
  // Keys to recruit-db's own tables (0017's recruit_db_application_transitions) are on the table
  // pages, not in the diagrams: those tables are not documented.
  const referenced = (fk: ShapeEntry) => /REFERENCES (\w+)\(/.exec(String(fk.value))![1];
  const fks = allFks.filter((fk) => !isBookkeepingTable(referenced(fk)));
  const read = (f: string) => readFileSync(join(COMMITTED, f), 'utf8');

  it('the overall ER diagram, as Mermaid and as SVG, has every table and every foreign key', () => {
    expect(tables.sort()).toEqual([...allTables(MANIFEST)].sort());
    expect(fks.length).toBeGreaterThan(80);
    const mmd = read('er/overall.mmd');
    expect(mmd.match(/^ {2}[a-z_]+ \{$/gm)).toHaveLength(50);
    // Each relationship as "referenced > referencing: columns ON DELETE action", from both sides.
    const drawn = mmd.match(/^ {2}\S+ [|}][|o](?:--|\.\.)[o|][|{] \S+ : ".*"$/gm)!.map((line) => {
      const [, ref, child, label] = /^ {2}(\S+) \S+ (\S+) : "(.*)"$/.exec(line)!;
      return `${ref} > ${child}: ${label}`;
    });
    const expected = fks.map((fk) => {
      const def = String(fk.value);
      const [, cols, ref] = /^FOREIGN KEY \(([^)]*)\) REFERENCES (\w+)\(/.exec(def)!;
      const action = /ON DELETE (CASCADE|RESTRICT|SET NULL|SET DEFAULT)/.exec(def)?.[1] ?? 'NO ACTION';
      return `${ref} > ${fk.name}: ${cols} ON DELETE ${action}`;
    });
    expect(drawn.sort()).toEqual(expected.sort());
    const svg = read('er/overall.svg');
    expect(svg.match(/<g class="entity/g)).toHaveLength(50);
    for (const fk of fks) expect(svg).toContain(`data-fk="${fk.part!.name}"`);
    expect(svg.match(/<g class="relation"/g)).toHaveLength(fks.length);
    const infra = allFks.filter((fk) => isBookkeepingTable(referenced(fk)));
    expect(infra.map((fk) => fk.part!.name)).toEqual(['application_status_history_transition_foreign']);
    expect(mmd + svg).not.toContain('recruit_db_');
    expect(read('postgres/tables/application_status_history.md')).toContain('| `application_status_history_transition_foreign` | `from_status`, `to_status` | `recruit_db_application_transitions` (a table recruit-db keeps for itself');
  });

  it('the MongoDB pages say what the second release means: per-document expiry, shard keys, the statement as an LRS stores it', () => {
    const readme = read('mongo/README.md');
    expect(readme).toContain('| per document, at expireAt |');
    expect(readme).not.toMatch(/\b0 days\b/);
    expect(readme).toMatch(/^\| `sharding` \| on a mongos \(a sharded cluster\), each large collection is sharded on the key its definition declares/m);
    expect(read('mongo/event_log.md')).toContain('Each document expires at the date in `expireAt` (TTL index `ttl_expire_at`, expireAfterSeconds 0)');
    const xapi = read('mongo/xapi_statements.md');
    expect(xapi).toContain('| `statement.actor` | object | yes |');
    expect(xapi).toContain('| `statement.authority` | object, fields as at `statement.actor` | yes |');
    expect(xapi).toMatch(/^- statement\.object must match at least one of: Activity \(id is present\); Agent /m);
    // Every rule in words: no validator fragment as raw JSON.
    for (const c of MANIFEST.mongoCollections) expect(read(`mongo/${c.name}.md`), c.name).not.toMatch(/\{"/);
  });

  it('a page per table, enum and collection page, the S3 page, one diagram per summary group', () => {
    const pages = readdirSync(join(COMMITTED, 'postgres/tables')).map((f) => f.replace(/\.md$/, ''));
    expect(pages.sort()).toEqual([...allTables(MANIFEST)].sort());
    expect(readdirSync(join(COMMITTED, 'mongo')).filter((f) => f !== 'README.md').map((f) => f.replace(/\.md$/, '')).sort()).toEqual(MANIFEST.mongoCollections.map((c) => c.name).sort());
    expect(readdirSync(join(COMMITTED, 'er')).filter((f) => f.endsWith('.svg'))).toHaveLength(MANIFEST.pgGroups.length + 1);
    expect(read('postgres/enums.md').match(/^## /gm)).toHaveLength(MANIFEST.enums.length);
    const s3 = read('s3/README.md');
    for (const a of MANIFEST.s3AssetTypes) expect(s3).toContain(`| ${a.name} | \`${a.prefix}\``);
  });
});

describe('docs --live documents the stores as verify reads them', () => {
  let env: NodeJS.ProcessEnv;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ env, cleanup } = await freshStores('rdbdocs'));
    const m = await runCli(['migrate'], { env });
    expect(m.code, m.stderr).toBe(0);
  });
  afterAll(async () => cleanup?.());

  it('a freshly migrated target gives the committed pages where no capability is involved, and says what this server lacks', async () => {
    const out = join(tempDir(), 'live');
    const r = await runCli(['docs', '--live', '--out', out], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/from the live stores/);
    const live = (f: string) => readFileSync(join(out, f), 'utf8');
    for (const page of ['postgres/tables/users.md', 'postgres/tables/applications.md', 'postgres/tables/audit_logs.md', 'postgres/enums.md']) {
      expect(live(page), page).toBe(readFileSync(join(COMMITTED, page), 'utf8'));
    }
    expect(readdirSync(join(out, 'postgres/tables'))).toHaveLength(50);
    // This server has no pgvector: the live page shows the fallback the migrations chose, and says so.
    expect(live('postgres/tables/student_embeddings.md')).toContain('| `embedding` | real\\[\\] | not null |');
    expect(live('postgres/tables/student_embeddings.md')).toContain('storage=array (column comment)');
  });
});

describe('bad input', () => {
  it('refuses a folder of someone else\'s files with one line and exit 2, touching nothing', async () => {
    const out = tempDir();
    writeFileSync(join(out, 'notes.txt'), 'mine\n');
    const r = await runCli(['docs', '--out', out], { env: BARE });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/holds files that recruit-db docs did not write \(hint: choose an empty or new folder/);
    expect(readdirSync(out)).toEqual(['notes.txt']);
  });

  it('--live against a store that does not answer: one line naming it, exit 2, no secret, nothing written', async () => {
    const out = join(tempDir(), 'never');
    const env = cliEnv({ DATABASE_URL: 'postgres://recruit:s3cret-pw@127.0.0.1:9/recruit_db', RECRUIT_DB_TIMEOUT: '2' });
    const r = await runCli(['docs', '--live', '--out', out], { env });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^recruit-db: postgres: /);
    expect(r.stdout + r.stderr).not.toContain('s3cret-pw');
    expect(existsSync(out)).toBe(false);
  });

  it('--live without store settings says which is missing and exits 2', async () => {
    const r = await runCli(['docs', '--live', '--out', join(tempDir(), 'x')], { env: BARE });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/DATABASE_URL/);
  });
});
