/**
 * The committed expected shapes cannot rot: a fresh dump (fresh migrations on PGlite, a scratch
 * database on the machine's PostgreSQL 15, a simulated MongoDB and a scratch FerretDB database, a
 * scratch bucket on moto) must equal them. And a new migration shows its effect as a diff of the file.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli } from '../helpers/cli';
import { cliEnv } from '../helpers/stores';

// The CLI runs from dist/: build first, as tests/helpers/cli.ts says.
const env = cliEnv();

describe('recruit-db schema dump', () => {
  it('--check: the committed expected shapes equal a fresh dump of every store', async () => {
    const r = await runCli(['schema', 'dump', '--check', '--json'], { env, timeoutMs: 300_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ version: 1, command: 'schema dump', ok: true, exitCode: 0, check: true });
    expect(out.stores.map((s: { store: string; file: string; changed: boolean; written: boolean }) => [s.store, s.file, s.changed, s.written])).toEqual([
      ['postgres', 'migrations/expected-shape.txt', false, false],
      ['mongo', 'mongo-migrations/expected-shape.txt', false, false],
      ['s3', 's3-layout/expected-shape.txt', false, false],
    ]);
    const pg = out.stores[0].checkedAgainst.join(' ');
    expect(pg).toMatch(/PGlite 18\.\d+ .*PostgreSQL 15\.\d+ \(with btree_gist, without pgvector\)/);
    // FerretDB is not a mongos either: the second release's shard keys stay declared only.
    expect(out.stores[1].checkedAgainst.join(' ')).toMatch(/FerretDB 1\.24\.\d+ .*\(without jsonSchemaValidator, without sharding, without ttlIndex\)/);
  });

  it('a new migration makes --check fail with the diff a pull request would show; the dump then writes it', async () => {
    // Beside dist/migrations, so the compiled files' require('../src/...') still resolves.
    const dir = mkdtempSync(join(REPO, 'dist', 'rdb-dump-'));
    try {
      await newMigrationDiff(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  async function newMigrationDiff(dir: string): Promise<void> {
    const compiled = join(REPO, 'dist', 'migrations');
    for (const f of readdirSync(compiled).filter((x) => x.endsWith('.js'))) copyFileSync(join(compiled, f), join(dir, f));
    const committed = readFileSync(join(REPO, 'migrations', 'expected-shape.txt'), 'utf8');
    writeFileSync(join(dir, 'expected-shape.txt'), committed);
    writeFileSync(
      join(dir, '0099_job_tags.js'),
      `exports.up = async (knex) => { await knex.raw('CREATE TABLE job_tags (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), job_id uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE, tag text NOT NULL)'); await knex.raw('CREATE INDEX job_tags_job_id_index ON job_tags (job_id)'); };
       exports.down = async (knex) => { await knex.raw('DROP TABLE job_tags'); };`,
    );
    const withDir = { ...env, RECRUIT_DB_MIGRATIONS_DIR: dir };

    const check = await runCli(['schema', 'dump', '--check', '--only', 'postgres'], { env: withDir, timeoutMs: 300_000 });
    expect(check.code, check.stderr).toBe(1);
    expect(check.stdout).toContain('postgres: ');
    expect(check.stdout).toMatch(/expected-shape\.txt differs from a fresh dump/);
    expect(check.stdout).toContain('  + migration 0099_job_tags');
    expect(check.stdout).toContain('  + table job_tags');
    expect(check.stdout).toContain('  +   constraint job_tags_job_id_fkey: FOREIGN KEY (job_id) REFERENCES jobs(id) ON DELETE CASCADE');
    expect(check.stdout).toMatch(/expected shapes are stale: run `recruit-db schema dump` and commit the result/);
    expect(readFileSync(join(dir, 'expected-shape.txt'), 'utf8')).toBe(committed);

    const write = await runCli(['schema', 'dump', '--only', 'postgres'], { env: withDir, timeoutMs: 300_000 });
    expect(write.code, write.stderr).toBe(0);
    const written = readFileSync(join(dir, 'expected-shape.txt'), 'utf8');
    expect(written).toContain('migration 0099_job_tags\n');
    expect(written).toMatch(/\ntable job_tags\n {2}column id: uuid NOT NULL DEFAULT gen_random_uuid\(\)\n/);
    // Everything else is as committed: a migration's diff is its own effect only.
    const removed = committed.split('\n').filter((l) => !written.split('\n').includes(l));
    expect(removed).toEqual([]);
  }

  it('refuses production: it creates and drops scratch databases', async () => {
    const r = await runCli(['schema', 'dump', '--check'], { env: { ...env, RECRUIT_DB_ENV: 'production' } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toMatch(/^recruit-db: refusing to dump expected shapes against production: .* \(hint: run it against a development or CI set of stores/);
  });
});
