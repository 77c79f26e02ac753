/**
 * When the committed schema snapshot may stand for the migrations (pure logic: the header against
 * the files and the server's probe), and how pg_dump's script is made fit for one transaction.
 */
import { describe, expect, it } from 'vitest';
import { listMigrationFiles } from '../../src/stores/postgres/migrate';
import { readSnapshot, serverMismatch, snapshotMismatch, snapshotScript, transactionScript, type Snapshot } from '../../src/stores/postgres/snapshot';

const files = listMigrationFiles();
const committed = readSnapshot()!;
const probe = { version: '15.18', versionNum: 150018, available: { btree_gist: '1.7' } as Record<string, string> };
const variant = (edit: (s: Snapshot) => void): Snapshot => {
  const s: Snapshot = JSON.parse(JSON.stringify(committed));
  edit(s);
  return s;
};

describe('schema snapshot: when it stands for the migrations', () => {
  it('the committed one matches the files in migrations/', () => {
    expect(committed.header.migrations.map(([n]) => n)).toEqual(files.map((f) => f.name));
    expect(snapshotMismatch(committed, files)).toBeUndefined();
    expect(serverMismatch(committed, probe)).toBeUndefined();
  });

  it('a file edited, added or removed since, another server major or extension set: not used, and says why', () => {
    const [first, ...rest] = committed.header.migrations;
    expect(snapshotMismatch(variant((s) => (s.header.migrations[3][1] = '0'.repeat(64))), files)).toMatch(/0004_payments\.ts changed since it was made/);
    expect(snapshotMismatch(variant((s) => (s.header.migrations = rest)), files)).toMatch(/holds 20 migrations, migrations\/ has 21/);
    expect(snapshotMismatch(variant((s) => (s.header.migrations = [rest[0], first, ...rest.slice(1)])), files)).toMatch(/its migration 1 is 0002/);
    expect(serverMismatch(committed, { ...probe, versionNum: 160004 })).toMatch(/made on PostgreSQL 15, the server is 16/);
    expect(serverMismatch(committed, { ...probe, available: { btree_gist: '1.7', vector: '0.8.0' } })).toMatch(/the server offers \[btree_gist, vector\]/);
    expect(serverMismatch(committed, { ...probe, available: {} })).toMatch(/made with \[btree_gist\] offered/);
  });
});

describe('schema snapshot: the script', () => {
  it("keeps pg_dump's settings inside the transaction, drops its timeouts, meta-commands and comments", () => {
    const dump = ['\\restrict abc', '-- comment', 'SET statement_timeout = 0;', 'SET lock_timeout = 0;', "SET client_encoding = 'UTF8';", "SELECT pg_catalog.set_config('search_path', '', false);", 'CREATE TABLE public.t (a int);', '', '\\unrestrict abc'].join('\n');
    expect(transactionScript(dump)).toBe(["SET LOCAL client_encoding = 'UTF8';", "SELECT pg_catalog.set_config('search_path', '', true);", 'CREATE TABLE public.t (a int);', ''].join('\n'));
  });

  it('writes the rows a one-by-one run writes, in one transaction, quoting names', () => {
    const sql = snapshotScript({ header: committed.header, sql: 'CREATE TABLE public.t (a int);\n' }, { migrations: [["0001_o'k.ts", 'ab']], runId: 'r1', env: 'test', lockTimeoutMs: 5000, statementTimeoutMs: 60000 });
    expect(sql.startsWith('BEGIN;\nSET LOCAL lock_timeout = 5000;\nSET LOCAL statement_timeout = 60000;\nCREATE TABLE public.t (a int);\n')).toBe(true);
    expect(sql).toContain("VALUES ('0001_o''k.ts', 1, now())");
    expect(sql).toContain("(VALUES ('0001_o''k.ts', 'ab'))");
    expect(sql.endsWith('COMMIT')).toBe(true);
  });
});
