import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecruitDbError } from '../../src/errors';
import { allTables, MANIFEST, ttlSeconds, uniquePrefixes } from '../../src/summary/manifest';
import { loadSummary, parseSummary } from '../../src/summary/parse';

const SUMMARY_PATH = resolve(__dirname, '../../../shared/spec/SCHEMA_SUMMARY.md');
const SUMMARY = readFileSync(SUMMARY_PATH, 'utf8');

function expectNotASummary(fn: () => unknown, pattern: RegExp): RecruitDbError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RecruitDbError);
    const e = err as RecruitDbError;
    expect(e.code).toBe('usage');
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(pattern);
    expect(e.oneLine()).not.toContain('\n');
    return e;
  }
  throw new Error('expected a RecruitDbError');
}

describe('MANIFEST', () => {
  it('holds the documented counts', () => {
    expect(MANIFEST.headerClaims).toEqual({ pgTables: 47, mongoCollections: 10, enumTypes: 22, s3AssetTypes: 11 });
    expect(MANIFEST.pgGroups).toHaveLength(13);
    expect(allTables(MANIFEST)).toHaveLength(50);
    expect(new Set(allTables(MANIFEST)).size).toBe(50);
    expect(MANIFEST.enums).toHaveLength(21);
    expect(MANIFEST.mongoCollections).toHaveLength(10);
    expect(MANIFEST.s3AssetTypes).toHaveLength(11);
    expect(uniquePrefixes(MANIFEST)).toHaveLength(9);
    expect(uniquePrefixes(MANIFEST).find((p) => p.prefix === 'courses/content/')?.assetTypes).toEqual(['Lesson PDFs', 'Lesson Audio', 'Lesson Images']);
    const ttl = Object.fromEntries(MANIFEST.mongoCollections.filter((c) => c.ttlDays).map((c) => [c.name, c.ttlDays]));
    expect(ttl).toEqual({ user_sessions: 90, search_logs: 180, notification_queue: 7, event_log: 30 });
    expect(ttlSeconds(90)).toBe(7_776_000);
  });

  it('is frozen', () => {
    expect(() => (MANIFEST.pgGroups[0].tables as string[]).push('x')).toThrow();
  });
});

describe('parseSummary on the shipped summary', () => {
  const { manifest, warnings } = parseSummary(SUMMARY, SUMMARY_PATH);

  it('reproduces MANIFEST exactly', () => {
    expect(manifest).toStrictEqual(JSON.parse(JSON.stringify(MANIFEST)));
    expect(manifest).toEqual(MANIFEST);
  });

  it('reports the header miscounts with exact numbers, and nothing else', () => {
    expect(warnings).toEqual([
      { code: 'header-count-mismatch', message: 'Quick Stats claims 47 PostgreSQL tables but the group lists name 50' },
      { code: 'section-count-mismatch', message: 'heading "## PostgreSQL Tables (47 Total)" says 47 PostgreSQL tables but the group lists name 50' },
      { code: 'header-count-mismatch', message: 'Quick Stats claims 22 enum types but the Enum Types table lists 21' },
      { code: 'section-count-mismatch', message: 'heading "## Enum Types (22)" says 22 enum types but the Enum Types table lists 21' },
    ]);
  });

  it('loadSummary reads the file and gives the same result', () => {
    const loaded = loadSummary(SUMMARY_PATH);
    expect(loaded.manifest).toEqual(MANIFEST);
    expect(loaded.warnings).toEqual(warnings);
    expect(loaded.path).toBe(SUMMARY_PATH);
  });

  it('tolerates CRLF line endings, a BOM and trailing spaces', () => {
    const quirky = '\uFEFF' + SUMMARY.split('\n').map((l) => `${l}  `).join('\r\n');
    const parsed = parseSummary(quirky);
    expect(parsed.manifest).toEqual(MANIFEST);
    expect(parsed.warnings).toEqual(warnings);
  });

  it('tolerates sections in another order', () => {
    const parts = SUMMARY.split(/\n(?=## )/);
    const reordered = [parts[0], ...parts.slice(1).reverse()].join('\n');
    expect(parseSummary(reordered).manifest).toEqual(MANIFEST);
  });
});

describe('parseSummary on a changed summary', () => {
  it('a removed table and an added enum label give a different manifest, and a group miscount', () => {
    const mutated = SUMMARY.replace('4. `admins` - Admin users\n', '').replace(
      '| `job_status` | draft, active, paused, closed, filled |',
      '| `job_status` | draft, active, paused, closed, filled, archived |',
    );
    expect(mutated).not.toBe(SUMMARY);
    const { manifest, warnings } = parseSummary(mutated);
    expect(manifest).not.toEqual(MANIFEST);
    expect(allTables(manifest)).toHaveLength(49);
    expect(allTables(manifest)).not.toContain('admins');
    expect(manifest.enums.find((e) => e.name === 'job_status')?.labels).toEqual(['draft', 'active', 'paused', 'closed', 'filled', 'archived']);
    expect(warnings).toContainEqual({
      code: 'group-count-mismatch',
      message: 'group heading "### User Management (8)" says 8 tables but lists 7',
    });
    expect(warnings.map((w) => w.message)).toContain('Quick Stats claims 47 PostgreSQL tables but the group lists name 49');
  });

  it('a changed TTL and prefix are read', () => {
    const mutated = SUMMARY.replace('(90-day TTL)', '(60-day TTL)').replace('(`certificates/`)', '(`certs/`)');
    const { manifest } = parseSummary(mutated);
    expect(manifest.mongoCollections.find((c) => c.name === 'user_sessions')).toEqual({ name: 'user_sessions', purpose: 'Session tracking', ttlDays: 60 });
    expect(manifest.s3AssetTypes.at(-1)).toEqual({ name: 'Certificates', prefix: 'certs/' });
  });

  it('ignores a "## PostgreSQL Tables" line inside a code fence', () => {
    const fenced = '# Doc\n\n```\n## PostgreSQL Tables (1)\n1. `x` - y\n```\n';
    expectNotASummary(() => parseSummary(fenced, 'fenced.md'), /no "## PostgreSQL Tables"/);
  });
});

describe('parseSummary on input that is not a summary', () => {
  it('empty string', () => {
    expectNotASummary(() => parseSummary('', 'empty.md'), /^not a schema summary: no "## PostgreSQL Tables", .* sections found in empty\.md$/);
  });

  it('README-like markdown', () => {
    const readme = '# recruit-db\n\nMigrations and seeders.\n\n## Install\n\n```bash\nnpm ci\n```\n\n## Usage\n\n- `recruit-db migrate` - apply migrations\n';
    expectNotASummary(() => parseSummary(readme, 'README.md'), /not a schema summary: no "## PostgreSQL Tables".* found in README\.md/);
  });

  it('random bytes, as a Buffer and as a string', () => {
    const bytes = randomBytes(4096);
    expectNotASummary(() => parseSummary(bytes, 'blob.bin'), /not a schema summary: blob\.bin looks like binary data/);
    expectNotASummary(() => parseSummary(bytes.toString('utf8'), 'blob.bin'), /binary data/);
    expectNotASummary(() => parseSummary(bytes.toString('latin1'), 'blob.bin'), /binary data/);
  });

  it('sections present but lists empty', () => {
    const hollow = SUMMARY.replace(/^\d+\. `[a-z_]+` - .*\n/gm, '');
    expectNotASummary(() => parseSummary(hollow, 'hollow.md'), /"## PostgreSQL Tables" lists no tables.*"## MongoDB Collections" lists no collections/);
  });

  it('loadSummary: a missing file is a usage error with a hint', () => {
    const e = expectNotASummary(() => loadSummary('/nonexistent/SCHEMA_SUMMARY.md'), /schema summary \/nonexistent\/SCHEMA_SUMMARY\.md not found/);
    expect(e.hint).toBeTruthy();
  });

  it('loadSummary: a directory and a binary file are usage errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdb-summary-'));
    expectNotASummary(() => loadSummary(dir), /is a directory/);
    const bin = join(dir, 'x.md');
    writeFileSync(bin, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
    expectNotASummary(() => loadSummary(bin), /looks like binary data/);
  });
});
