import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecruitDbError } from '../../src/errors';
import { MANIFEST, type Manifest } from '../../src/summary/manifest';
import { manifestWarnings, parseSummary } from '../../src/summary/parse';
import { loadContract } from '../../src/verify/run';

const SUMMARY_PATH = resolve(__dirname, '../../../shared/spec/SCHEMA_SUMMARY.md');

describe('the contract verify checks against', () => {
  it('shipped manifest: its header claims give the same header-count warnings the parser gives for the file', () => {
    const fromFile = parseSummary(readFileSync(SUMMARY_PATH, 'utf8')).warnings.filter((w) => w.code === 'header-count-mismatch');
    const c = loadContract();
    expect(c.manifest).toBe(MANIFEST);
    expect(c.contract).toBe('shipped manifest');
    expect(c.warnings).toEqual(fromFile);
    expect(c.warnings.map((w) => w.message)).toEqual([
      'Quick Stats claims 47 PostgreSQL tables but the group lists name 50',
      'Quick Stats claims 22 enum types but the Enum Types table lists 21',
    ]);
  });

  it('a manifest whose claims match its lists has no warnings; a changed claim gives exactly one', () => {
    const honest: Manifest = { ...MANIFEST, headerClaims: { pgTables: 50, mongoCollections: 10, enumTypes: 21, s3AssetTypes: 11 } };
    expect(manifestWarnings(honest)).toEqual([]);
    const off: Manifest = { ...honest, headerClaims: { ...honest.headerClaims, mongoCollections: 9 } };
    expect(manifestWarnings(off)).toEqual([{ code: 'header-count-mismatch', message: 'Quick Stats claims 9 MongoDB collections but the collection list names 10' }]);
  });

  it('--summary FILE: the parsed file with all of its warnings; a bad path is a usage error', () => {
    const c = loadContract(SUMMARY_PATH);
    expect(c.manifest).toEqual(MANIFEST);
    expect(c.warnings.map((w) => w.code)).toEqual(['header-count-mismatch', 'section-count-mismatch', 'header-count-mismatch', 'section-count-mismatch']);
    expect(c.contract).toBe(SUMMARY_PATH);
    expect(() => loadContract('/nonexistent/summary.md')).toThrow(RecruitDbError);
  });
});
