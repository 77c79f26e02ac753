/**
 * The CI pool's pure parts: names it may touch, the URLs it hands out, what its template key covers,
 * leases and the export lines. No store.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, parseDotenv, type Config } from '../../src/config';
import { RecruitDbError } from '../../src/errors';
import { codeHash, FileHashes, mongoScriptsDir, templateKey, type TemplateSpec } from '../../src/ci/key';
import { tmpCacheFile } from '../../src/codecache';
import { parseDuration } from '../../src/ci/lease';
import { assertOwnedName, checkPoolName, checkStackId, CONTROL_DB, isOwnedName, mongoUriWithDatabase, newStackId, pgUrlWithDatabase, stackNames, templateNames } from '../../src/ci/names';
import { exportLines, stackConfig, stackEnv } from '../../src/ci/stack';
import { mongoMigrationsDir } from '../../src/stores/mongo/mmconfig';
import { bucketNameProblem } from '../../src/stores/s3/connect';

const REPO = resolve(__dirname, '../..');
const emptyDir = () => mkdtempSync(join(tmpdir(), 'rdb-ci-key-'));

function config(overrides: Record<string, string> = {}): Config {
  return loadConfig({}, {
    RECRUIT_DB_ENV: 'test',
    DATABASE_URL: 'postgres://ci:pw-secret-1@db.example:5432/app?sslmode=disable',
    MONGODB_URI: 'mongodb://ci:pw-secret-2@m1:27017/app?replicaSet=rs0',
    S3_BUCKET: 'assets',
    AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:5055',
    AWS_ACCESS_KEY_ID: 'key',
    AWS_SECRET_ACCESS_KEY: 'secret-3-abc',
    ...overrides,
  }, emptyDir());
}

const SPEC: TemplateSpec = { pool: 'main', stores: ['postgres', 'mongo', 's3'], seed: { profile: 'small', seed: '1' } };

describe('names', () => {
  it('makes names every store accepts, recognised as the pool’s own', () => {
    const id = newStackId();
    expect(id).toMatch(/^[a-z0-9]{10}$/);
    for (const names of [stackNames('abcdefghijklmnop', id, ['postgres', 'mongo', 's3']), templateNames('main', 'c401bd7376', ['postgres', 'mongo', 's3'])]) {
      expect(names.postgres!.length).toBeLessThanOrEqual(63);
      expect(names.mongo).toMatch(/^[a-z0-9_]+$/);
      expect(bucketNameProblem(names.s3!)).toBeUndefined();
      for (const n of Object.values(names)) expect(isOwnedName(n)).toBe(true);
    }
    expect(stackNames('main', id, ['postgres'])).toEqual({ postgres: `rdbci_main_s_${id}` });
  });

  it('never recognises a name it did not make, and refuses to drop it', () => {
    for (const n of ['recruit_db', CONTROL_DB, 'rdbci_main_s_short', 'rdbci_main-s-abcdefghij', 'xrdbci_main_s_abcdefghij', 'rdbci_Main_s_abcdefghij', 'rdbci_main_x_abcdefghij', 'rdbtest_abc']) {
      expect(isOwnedName(n), n).toBe(false);
      expect(() => assertOwnedName(n)).toThrow(/refusing to drop/);
    }
  });

  it('refuses bad pool names and lease ids with one line naming the fix', () => {
    for (const bad of ['', 'Main', '1pool', 'with_underscore', 'a'.repeat(17)]) {
      const err = (() => { try { checkPoolName(bad); } catch (e) { return e; } })() as RecruitDbError;
      expect(err).toBeInstanceOf(RecruitDbError);
      expect(err.oneLine()).toMatch(/pool name .* is not valid .*hint: use 1-16 lowercase/);
    }
    expect(() => checkStackId('../../etc')).toThrow(/is not a CI lease id/);
  });
});

describe('stack settings', () => {
  it('point at the stack’s names, keep credentials and parameters, and pin the MongoDB auth database', () => {
    expect(pgUrlWithDatabase('postgres://u:p%40ss@h:5432/app?sslmode=require', 'rdbci_main_s_abcdefghij')).toBe('postgres://u:p%40ss@h:5432/rdbci_main_s_abcdefghij?sslmode=require');
    expect(mongoUriWithDatabase('mongodb://u:p@m1:1,m2:2/app?replicaSet=rs0', 'x')).toBe('mongodb://u:p@m1:1,m2:2/x?replicaSet=rs0&authSource=app');
    expect(mongoUriWithDatabase('mongodb://u:p@m/app?authSource=admin', 'x')).toBe('mongodb://u:p@m/x?authSource=admin');
    // No path: the driver's default (admin) stays in force.
    expect(mongoUriWithDatabase('mongodb://u:p@m:27017', 'x')).toBe('mongodb://u:p@m:27017/x');
  });

  it('hand out only the stores the stack has', () => {
    const base = config();
    const pgOnly = stackConfig(base, { postgres: 'rdbci_main_s_abcdefghij' });
    expect(pgOnly.mongo).toBeUndefined();
    expect(pgOnly.s3).toBeUndefined();
    expect(Object.keys(stackEnv(pgOnly, 'abcdefghij')).sort()).toEqual(['DATABASE_URL', 'RECRUIT_DB_CI_LEASE', 'RECRUIT_DB_ENV']);
    const all = stackEnv(stackConfig(base, stackNames('main', 'abcdefghij', ['postgres', 'mongo', 's3'])));
    expect(all).toMatchObject({ MONGODB_DB: 'rdbci_main_s_abcdefghij', S3_BUCKET: 'rdbci-main-s-abcdefghij', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:5055', RECRUIT_DB_ENV: 'test' });
    expect(all.DATABASE_URL).toContain('/rdbci_main_s_abcdefghij?sslmode=disable');
    expect(all.RECRUIT_DB_S3_KMS_KEY_ID).toBeUndefined();
    // A KMS-encrypted bucket's stack names its key: verify on the stack expects that key, not SSE-S3.
    const key = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const kms = stackEnv(stackConfig({ ...base, s3: { ...base.s3!, kmsKeyId: key } }, stackNames('main', 'abcdefghij', ['postgres', 's3'])));
    expect(kms.RECRUIT_DB_S3_KMS_KEY_ID).toBe(key);
    expect(loadConfig({}, kms, emptyDir()).s3?.kmsKeyId).toBe(key);
  });

  it('export lines survive both a shell and recruit-db’s .env reader', () => {
    const env = { A: "it's quoted", B: 'postgres://u:p$1@h/db', C: 'plain' };
    const file = join(emptyDir(), 'stack.env');
    writeFileSync(file, exportLines(env) + '\n');
    const shell = execFileSync('bash', ['-c', `. "${file}"; printf '%s\\n' "$A" "$B" "$C"`], { encoding: 'utf8' });
    expect(shell).toBe(`${env.A}\n${env.B}\n${env.C}\n`);
    expect(parseDotenv(exportLines({ B: env.B, C: env.C }))).toEqual({ B: env.B, C: env.C });
  });
});

describe('template key', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env.RECRUIT_DB_MIGRATIONS_DIR = saved.RECRUIT_DB_MIGRATIONS_DIR;
    if (saved.RECRUIT_DB_MIGRATIONS_DIR === undefined) delete process.env.RECRUIT_DB_MIGRATIONS_DIR;
  });

  it('names the seeder\'s default as-of (the current UTC day) in the key, not in the lineage', () => {
    const late = templateKey(config(), SPEC, process.env, Date.UTC(2026, 11, 1, 23, 59, 59));
    const next = templateKey(config(), SPEC, process.env, Date.UTC(2026, 11, 2, 0, 0, 1));
    expect(late.inputs.seed).toEqual({ profile: 'small', seed: '1', asOf: '2026-12-01' });
    expect(next.inputs.seed).toEqual({ profile: 'small', seed: '1', asOf: '2026-12-02' });
    // Yesterday's template holds yesterday's data: another key, the same lineage (gc retires it).
    expect(next.key).not.toBe(late.key);
    expect(next.lineage).toBe(late.lineage);
    // The day the default resolved to builds what that day pinned explicitly builds.
    expect(templateKey(config(), { ...SPEC, seed: { profile: 'small', seed: '1', asOf: '2026-12-01' } }).key).toBe(late.key);
    expect(templateKey(config(), { ...SPEC, seed: false }, process.env, Date.UTC(2026, 11, 2)).inputs.seed).toBe(false);
  });

  it('is stable for the same inputs and changes with each one of them, the lineage only with settings', () => {
    const base = templateKey(config(), SPEC);
    expect(templateKey(config(), SPEC)).toEqual(base);
    expect(base.key).toMatch(/^[0-9a-f]{64}$/);
    expect(base.short).toBe(base.key.slice(0, 10));
    const variants: Array<[string, ReturnType<typeof templateKey>]> = [
      ['profile', templateKey(config(), { ...SPEC, seed: { profile: 'medium', seed: '1' } })],
      ['seed', templateKey(config(), { ...SPEC, seed: { profile: 'small', seed: '2' } })],
      ['as-of', templateKey(config(), { ...SPEC, seed: { profile: 'small', seed: '1', asOf: '2026-01-01' } })],
      ['no seed', templateKey(config(), { ...SPEC, seed: false })],
      ['stores', templateKey(config(), { ...SPEC, stores: ['postgres'] })],
      ['pool', templateKey(config(), { ...SPEC, pool: 'other' })],
      ['env', templateKey(config({ RECRUIT_DB_ENV: 'staging' }), SPEC)],
      ['web origins', templateKey(config({ RECRUIT_DB_WEB_ORIGINS: 'https://app.example' }), SPEC)],
      ['mongo server', templateKey(config({ MONGODB_URI: 'mongodb://ci:pw-secret-2@elsewhere:27017/app' }), SPEC)],
    ];
    const keys = new Set([base.key, ...variants.map(([, k]) => k.key)]);
    expect(keys.size).toBe(variants.length + 1);
    for (const [what, k] of variants) expect(k.lineage, what).not.toBe(base.lineage);
    // Credentials are not an input: the same servers with another password are the same template.
    expect(templateKey(config({ DATABASE_URL: 'postgres://ci:other@db.example:5432/app?sslmode=disable' }), SPEC).key).toBe(base.key);
    expect(JSON.stringify(base.inputs)).not.toMatch(/pw-secret|secret-3/);
    expect(base.inputs.tool.version).toBe(require('../../package.json').version);
    expect(base.inputs.tool.libraries['@faker-js/faker']).toMatch(/^\d+\./);
  });

  it('a changed PostgreSQL migration file changes the key but not the lineage', () => {
    const before = templateKey(config(), SPEC);
    const dir = emptyDir();
    cpSync(join(REPO, 'migrations'), dir, { recursive: true });
    process.env.RECRUIT_DB_MIGRATIONS_DIR = dir;
    const copy = templateKey(config(), SPEC);
    const last = readdirSync(dir).filter((f) => /^\d{4}_.*\.ts$/.test(f)).sort().at(-1)!;
    appendFileSync(join(dir, last), '\n// an edit\n');
    const edited = templateKey(config(), SPEC);
    writeFileSync(join(dir, '9999_new.ts'), 'export async function up() {}\nexport async function down() {}\n');
    const added = templateKey(config(), SPEC);
    // Not a migration, but what verify may compare the template with (a committed expected shape).
    appendFileSync(join(dir, 'expected-shape.txt'), 'a line\n');
    const shape = templateKey(config(), SPEC);
    expect(new Set([before.key, edited.key, added.key, shape.key]).size).toBe(4);
    expect(copy.inputs.migrations.postgres).not.toBe(edited.inputs.migrations.postgres);
    for (const k of [copy, edited, added, shape]) expect(k.lineage).toBe(before.lineage);
  });

  it('a changed MongoDB migration script changes the key; the folder rule is migrate-mongo’s own', () => {
    const env = { ...process.env };
    delete env.RECRUIT_DB_MONGO_MIGRATIONS_DIR;
    expect(mongoScriptsDir(env)).toBe(mongoMigrationsDir(env));
    const dir = emptyDir();
    expect(mongoScriptsDir({ RECRUIT_DB_MONGO_MIGRATIONS_DIR: dir })).toBe(mongoMigrationsDir({ RECRUIT_DB_MONGO_MIGRATIONS_DIR: dir }));
    writeFileSync(join(dir, '20260101000000-a.js'), 'module.exports = { up() {}, down() {} };\n');
    const one = templateKey(config(), SPEC, { RECRUIT_DB_MONGO_MIGRATIONS_DIR: dir });
    appendFileSync(join(dir, '20260101000000-a.js'), '// edit\n');
    const two = templateKey(config(), SPEC, { RECRUIT_DB_MONGO_MIGRATIONS_DIR: dir });
    expect(one.key).not.toBe(two.key);
    expect(one.lineage).toBe(two.lineage);
    // PostgreSQL-only templates do not depend on MongoDB scripts.
    const pg = { ...SPEC, stores: ['postgres' as const] };
    expect(templateKey(config(), pg, { RECRUIT_DB_MONGO_MIGRATIONS_DIR: dir }).key).toBe(templateKey(config(), pg, env).key);
  });

  it('covers recruit-db’s own code, sources and compiled copies, but not the CLI', () => {
    const root = emptyDir();
    for (const f of ['src/stores/postgres/seed.ts', 'dist/seeds/core.js', 'src/cli/up.ts', 's3-layout/layout.ts']) {
      mkdirSync(join(root, f, '..'), { recursive: true });
      writeFileSync(join(root, f), `// ${f}\n`);
    }
    const h = codeHash(root);
    appendFileSync(join(root, 'src/cli/up.ts'), '// render change\n');
    expect(codeHash(root)).toBe(h);
    // A V8 code cache written beside a compiled module by the first run: the same code.
    writeFileSync(join(root, 'dist/seeds/core.js.v8cache'), 'cache');
    expect(codeHash(root)).toBe(h);
    // ...and one still being written by a process exiting while another computes a key (src/codecache.ts).
    writeFileSync(tmpCacheFile(join(root, 'dist/seeds/core.js.migrate.v8cache'), 4242), 'half a cache');
    expect(codeHash(root)).toBe(h);
    for (const f of ['src/stores/postgres/seed.ts', 'dist/seeds/core.js', 's3-layout/layout.ts']) {
      const before = codeHash(root);
      appendFileSync(join(root, f), '// change\n');
      expect(codeHash(root), f).not.toBe(before);
    }
    copyFileSync(join(root, 'src/stores/postgres/seed.ts'), join(root, 'src/stores/postgres/extra.ts'));
    expect(codeHash(root)).not.toBe(h);
  });

  it('remembers file hashes by stat, reads a file again once it was written, and never remembers a fresh one', () => {
    const dir = emptyDir();
    const store = join(dir, 'hashes.json');
    const file = join(dir, 'x.ts');
    writeFileSync(file, 'export const a = 1;\n');
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    const later = () => Date.now() + 10_000;
    const first = new FileHashes(store, later);
    expect(first.of(file)).toBe(sha('export const a = 1;\n'));
    first.save();
    // An unchanged stat is answered from the store without reading (a planted value proves it).
    const saved = JSON.parse(readFileSync(store, 'utf8'));
    saved[file][1] = 'planted';
    writeFileSync(store, JSON.stringify(saved));
    expect(new FileHashes(store, later).of(file)).toBe('planted');
    // A rewrite of the same size with the old mtime put back still moves ctime: read again.
    const { mtime } = statSync(file);
    writeFileSync(file, 'export const b = 2;\n');
    utimesSync(file, mtime, mtime);
    expect(new FileHashes(store, later).of(file)).toBe(sha('export const b = 2;\n'));
    // With the real clock the file is seconds old at most: hashed, but not remembered.
    const fresh = new FileHashes(join(dir, 'other.json'));
    fresh.of(file);
    fresh.save();
    expect(existsSync(join(dir, 'other.json'))).toBe(false);
  });
});

describe('leases', () => {
  it('reads durations and refuses what is not one', () => {
    expect(parseDuration('90', '--lease')).toBe(90_000);
    expect(parseDuration('90s', '--lease')).toBe(90_000);
    expect(parseDuration('30m', '--lease')).toBe(1_800_000);
    expect(parseDuration('2h', '--lease')).toBe(7_200_000);
    expect(parseDuration('500ms', '--lease')).toBe(500);
    for (const bad of ['', 'soon', '-1s', '0', '1d']) expect(() => parseDuration(bad, '--lease')).toThrow(/--lease must be a duration/);
  });
});
