import {
  DeleteObjectCommand,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MongoClient } from 'mongodb';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config';
import type { StoreName } from '../../src/errors';
import { createS3Client } from '../../src/stores/s3/connect';
import type { VerifyItem } from '../../src/verify/compare';
import type { VerifyJson } from '../../src/verify/render';
import { runCli, type CliResult } from '../helpers/cli';
import { baseConfig, freshStores } from '../helpers/stores';

const SUMMARY = resolve(__dirname, '../../../shared/spec/SCHEMA_SUMMARY.md');

/** One isolated set of stores: a fresh PG database, Mongo database name and bucket, migrated. */
interface StoreSet {
  env: NodeJS.ProcessEnv;
  config: Config;
  pgUrl: string;
  mongoDb: string;
  bucket: string;
  cleanup: () => Promise<void>;
}

async function migratedSet(prefix: string): Promise<StoreSet> {
  const fresh = await freshStores(prefix);
  const set: StoreSet = {
    env: fresh.env,
    config: fresh.config,
    pgUrl: fresh.config.postgres!.url,
    mongoDb: fresh.config.mongo!.db,
    bucket: fresh.config.s3!.bucket,
    cleanup: fresh.cleanup,
  };
  const r = await runCli(['migrate'], { env: set.env });
  if (r.code !== 0) await set.cleanup().catch(() => undefined);
  expect(r.code, `migrate failed: ${r.stderr}`).toBe(0);
  return set;
}

async function sql(url: string, statements: string[]): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    for (const s of statements) await c.query(s);
  } finally {
    await c.end();
  }
}

function verifyJson(r: CliResult): VerifyJson {
  expect(r.stderr, 'verify --json wrote to stderr').toBe('');
  return JSON.parse(r.stdout) as VerifyJson;
}

const items = (j: VerifyJson): VerifyItem[] => j.stores.flatMap((s) => s.items);
const key = (i: VerifyItem) => `${i.store} ${i.kind} ${i.name}`;
const withStatus = (j: VerifyJson, pick: (s: VerifyItem['status']) => boolean) => items(j).filter((i) => pick(i.status)).map(key).sort();
const failures = (j: VerifyJson) => withStatus(j, (s) => s !== 'ok' && s !== 'warning');
const warnings = (j: VerifyJson) => withStatus(j, (s) => s === 'warning');

// What a migrated set looks like on PostgreSQL 15 without pgvector and FerretDB 1.24: the summary's own
// miscount, the embeddings fallback, and FerretDB's missing validators and TTL indexes. Nothing else.
const TTL_COLLECTIONS = ['user_sessions', 'search_logs', 'notification_queue', 'event_log'];
const COLLECTIONS = ['learning_progress', 'xapi_statements', 'flashcard_progress', 'analytics_aggregates', 'user_sessions', 'resume_analysis', 'search_logs', 'notification_queue', 'event_log', 'course_engagement'];
const DOC_WARNINGS = ['summary doc header-count-mismatch', 'summary doc header-count-mismatch'];
const PG_WARNINGS = ['postgres embedding embeddings'];
const MONGO_WARNINGS = [...COLLECTIONS.map((c) => `mongo validator ${c}`), ...TTL_COLLECTIONS.map((c) => `mongo ttl ${c}`)];
const CLEAN_WARNINGS = [...DOC_WARNINGS, ...PG_WARNINGS, ...MONGO_WARNINGS].sort();

function secretsOf(env: NodeJS.ProcessEnv): string[] {
  const pgPassword = decodeURIComponent(new URL(baseConfig().postgres!.url).password);
  const mongoPassword = decodeURIComponent(new URL(baseConfig().mongo!.uri).password);
  return [pgPassword, mongoPassword, env.AWS_SECRET_ACCESS_KEY!].filter((s) => s && s.length >= 4);
}

function expectNoSecrets(r: CliResult, env: NodeJS.ProcessEnv): void {
  for (const s of secretsOf(env)) {
    expect(r.stdout).not.toContain(s);
    expect(r.stderr).not.toContain(s);
  }
}

describe('verify on a clean migrated set (PostgreSQL 15 without pgvector, FerretDB, moto)', () => {
  let set: StoreSet;
  let clean: VerifyJson;

  beforeAll(async () => {
    set = await migratedSet('rdbverify');
    const r = await runCli(['verify', '--json'], { env: set.env });
    expect(r.code, r.stderr).toBe(0);
    clean = verifyJson(r);
  });
  afterAll(async () => set?.cleanup());

  it('exits 0 with exactly the documented warnings and no failures', () => {
    expect(failures(clean)).toEqual([]);
    expect(warnings(clean)).toEqual(CLEAN_WARNINGS);
    expect(clean).toMatchObject({ version: 1, clean: false, exitCode: 0, strict: false });
    expect(clean.stores.map((s) => s.store)).toEqual(['summary', 'postgres', 'mongo', 's3']);
    const all = items(clean);
    const doc = all.filter((i) => i.kind === 'doc').map((i) => i.detail);
    expect(doc).toEqual(['Quick Stats claims 47 PostgreSQL tables but the group lists name 50', 'Quick Stats claims 22 enum types but the Enum Types table lists 21']);
    for (const i of all.filter((x) => x.store === 'mongo' && x.status === 'warning')) expect(i.detail).toMatch(/not supported by FerretDB 1\.24/);
    expect(all.find((i) => i.kind === 'embedding')?.detail).toMatch(/real\[\] fallback: pgvector not available on this server \(PostgreSQL 15/);
    // Every documented object was checked: 50 tables, 21 enums, 10 collections, 9 prefixes, 5 bucket settings.
    const count = (kind: string, status = 'ok') => all.filter((i) => i.kind === kind && i.status === status).length;
    expect([count('table'), count('enum'), count('collection'), count('prefix'), count('bucket-setting')]).toEqual([50, 21, 10, 9, 5]);
  });

  it('text output: grouped by store and summary group, a mark per item, one total line per store', async () => {
    const r = await runCli(['verify'], { env: set.env });
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/^postgres$/m);
    expect(out).toMatch(/^ {2}User Management$/m);
    expect(out).toMatch(/^ {4}✓ table +users$/m);
    expect(out).toMatch(/^ {4}✓ enum +application_status$/m);
    expect(out).toMatch(/^ {2}Vector Search$/m);
    expect(out).toMatch(/^ {4}! embedding +embeddings +embeddings stored as real\[\] fallback/m);
    expect(out).toMatch(/^ {4}! ttl +user_sessions +documented 90-day TTL not in force: TTL indexes not supported by FerretDB/m);
    expect(out).toMatch(/^ {4}✓ prefix +courses\/content\/ +Lesson PDFs, Lesson Audio, Lesson Images$/m);
    expect(out).toContain('summary: 0 ok, 2 warnings, 0 missing, 0 different, 0 unexpected');
    expect(out).toContain('postgres: 71 ok, 1 warning, 0 missing, 0 different, 0 unexpected');
    expect(out).toContain('mongo: 10 ok, 14 warnings, 0 missing, 0 different, 0 unexpected');
    expect(out).toContain('s3: 15 ok, 0 warnings, 0 missing, 0 different, 0 unexpected');
    expect(out).not.toMatch(/\u001b\[/);
    expect(r.stderr).toBe('');
    expectNoSecrets(r, set.env);
  });

  it('--problems-only hides ok items but keeps the totals', async () => {
    const r = await runCli(['verify', '--problems-only'], { env: set.env });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('✓');
    expect(r.stdout).toContain('postgres: 71 ok, 1 warning');
  });

  it('--summary with the real summary file gives the same verdict and the same store items', async () => {
    const r = await runCli(['verify', '--json', '--summary', SUMMARY], { env: set.env });
    expect(r.code, r.stderr).toBe(0);
    const j = verifyJson(r);
    expect({ exitCode: j.exitCode, clean: j.clean, strict: j.strict }).toEqual({ exitCode: clean.exitCode, clean: clean.clean, strict: clean.strict });
    const stores = (x: VerifyJson) => x.stores.filter((s) => s.store !== 'summary');
    expect(stores(j)).toEqual(stores(clean));
    // The file also has section headings to miscount ("(47 Total)", "(22)"): the manifest keeps only the Quick Stats claims.
    const doc = j.stores.find((s) => s.store === 'summary')!.items.map((i) => i.name);
    expect(doc).toEqual(['header-count-mismatch', 'section-count-mismatch', 'header-count-mismatch', 'section-count-mismatch']);
  });

  it('--strict: the same clean set fails, warnings become failures', async () => {
    const r = await runCli(['verify', '--strict', '--json'], { env: set.env });
    expect(r.code).toBe(1);
    const j = verifyJson(r);
    expect(j).toMatchObject({ exitCode: 1, strict: true, clean: false });
    expect(failures(j)).toEqual([]);
    expect(j.stores.map((s) => [s.store, s.failures])).toEqual([['summary', 0], ['postgres', 1], ['mongo', 14], ['s3', 0]]);
    const text = await runCli(['verify', '--strict'], { env: set.env });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('mongo: 10 ok, 14 warnings, 0 missing, 0 different, 0 unexpected (strict: warnings count as failures)');
  });

  it('--only postgres checks only postgres (other stores need not even be configured)', async () => {
    const env: NodeJS.ProcessEnv = { ...set.env };
    delete env.MONGODB_URI;
    delete env.S3_BUCKET;
    const r = await runCli(['verify', '--only', 'postgres', '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const j = verifyJson(r);
    expect(j.stores.map((s) => s.store)).toEqual(['summary', 'postgres']);
    expect(warnings(j)).toEqual([...DOC_WARNINGS, ...PG_WARNINGS].sort());
  });

  it('--summary on a file that is not a summary: exit 2, one clear line, nothing on stdout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdb-verify-'));
    const readme = join(dir, 'README.md');
    writeFileSync(readme, '# My project\n\n## Install\n\nnpm install\n');
    const r = await runCli(['verify', '--summary', readme], { env: set.env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^recruit-db: not a schema summary: no "## PostgreSQL Tables", .* section.* found in .*README\.md \(hint: pass the path of the schema summary/);
    const missing = await runCli(['verify', '--summary', join(dir, 'nope.md'), '--json'], { env: set.env });
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout)).toEqual({ version: 1, command: 'verify', ok: false, exitCode: 2, error: { store: null, code: 'usage', message: expect.stringMatching(/nope\.md not found/), hint: expect.any(String) } });
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an unreachable store: exit 2, one line naming it, no secret; --json adds the error object', async () => {
    const url = new URL(set.pgUrl);
    url.port = '1';
    const env = { ...set.env, DATABASE_URL: url.toString() };
    const r = await runCli(['verify'], { env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^recruit-db: postgres: connection refused at 127\.0\.0\.1:1 \(hint: /);
    expectNoSecrets(r, env);

    const s3env = { ...set.env, AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1' };
    const j = await runCli(['verify', '--json', '--timeout', '3'], { env: s3env });
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout)).toEqual({ version: 1, command: 'verify', ok: false, exitCode: 2, error: { store: 's3', code: 'unreachable', message: 'connection refused at http://127.0.0.1:1', hint: expect.any(String) } });
    expect(j.stderr.trim().split('\n')).toHaveLength(1);
    expectNoSecrets(j, s3env);
  });
});

describe('verify detects real drift, names it and exits 1', () => {
  let set: StoreSet;
  // Drift accumulates store by store; every step asserts the exact set of failures so far.
  const expected: Record<StoreName, string[]> = { postgres: [], mongo: [], s3: [] };

  beforeAll(async () => {
    set = await migratedSet('rdbdrift');
  });
  afterAll(async () => set?.cleanup());

  async function expectDrift(store: StoreName, added: string, detail: RegExp): Promise<void> {
    expected[store].push(added);
    const r = await runCli(['verify', '--only', store, '--json'], { env: set.env });
    expect(r.code, r.stderr).toBe(1);
    const j = verifyJson(r);
    expect(j.exitCode).toBe(1);
    expect(failures(j)).toEqual([...expected[store]].sort());
    const item = items(j).find((i) => key(i) === added)!;
    expect(item.detail).toMatch(detail);
    // The text report names it too.
    const text = await runCli(['verify', '--only', store, '--problems-only'], { env: set.env });
    expect(text.code).toBe(1);
    const [, kind, name] = added.split(' ');
    expect(text.stdout).toMatch(new RegExp(`^ {4}[✗≠+] ${kind} +${name.replace(/[/.]/g, '\\$&')} +${detail.source.replace(/^\^/, '')}`, 'm'));
  }

  it('starts clean', async () => {
    const r = await runCli(['verify', '--json'], { env: set.env });
    expect(r.code, r.stderr).toBe(0);
    expect(failures(verifyJson(r))).toEqual([]);
  });

  it('a missing table (DROP TABLE ... CASCADE)', async () => {
    await sql(set.pgUrl, ['DROP TABLE mentor_reviews CASCADE']);
    await expectDrift('postgres', 'postgres table mentor_reviews', /no such table/);
  });

  it('an enum with an extra label (ALTER TYPE ... ADD VALUE)', async () => {
    await sql(set.pgUrl, ["ALTER TYPE job_status ADD VALUE 'archived'"]);
    await expectDrift('postgres', 'postgres enum job_status', /extra label "archived"/);
  });

  it('an enum missing a label (the usual recipe: a replacement type without it, columns moved over)', async () => {
    await sql(set.pgUrl, [
      'BEGIN',
      'ALTER TYPE remote_type RENAME TO remote_type_old',
      "CREATE TYPE remote_type AS ENUM ('remote', 'on_site')",
      'ALTER TABLE jobs ALTER COLUMN remote_type TYPE remote_type USING remote_type::text::remote_type',
      'DROP TYPE remote_type_old',
      'COMMIT',
    ]);
    await expectDrift('postgres', 'postgres enum remote_type', /missing label "hybrid"/);
  });

  it('a missing collection (dropped)', async () => {
    const client = new MongoClient(baseConfig().mongo!.uri);
    try {
      await client.connect();
      expect(await client.db(set.mongoDb).collection('course_engagement').drop()).toBe(true);
    } finally {
      await client.close();
    }
    await expectDrift('mongo', 'mongo collection course_engagement', /no such collection/);
  });

  it('a missing S3 prefix marker (DeleteObject)', async () => {
    const s3 = createS3Client(set.config.s3!, set.config.timeoutMs);
    try {
      await s3.send(new DeleteObjectCommand({ Bucket: set.bucket, Key: 'certificates/' }));
    } finally {
      s3.destroy();
    }
    await expectDrift('s3', 's3 prefix certificates/', /no prefix marker \(for Certificates\)/);
  });

  it('versioning suspended (PutBucketVersioning Suspended)', async () => {
    const s3: S3Client = createS3Client(set.config.s3!, set.config.timeoutMs);
    try {
      await s3.send(new PutBucketVersioningCommand({ Bucket: set.bucket, VersioningConfiguration: { Status: 'Suspended' } }));
    } finally {
      s3.destroy();
    }
    await expectDrift('s3', 's3 bucket-setting versioning', /versioning is Suspended/);
  });

  it('all stores together: every drift above, nothing else, exit 1', async () => {
    const r = await runCli(['verify', '--json'], { env: set.env });
    expect(r.code).toBe(1);
    const j = verifyJson(r);
    expect(failures(j)).toEqual([...expected.postgres, ...expected.mongo, ...expected.s3].sort());
    // The dropped collection's validator warning goes with it: a missing collection is one finding.
    expect(warnings(j)).toEqual(CLEAN_WARNINGS.filter((w) => w !== 'mongo validator course_engagement'));
    expect(j.stores.map((s) => [s.store, s.failures])).toEqual([['summary', 0], ['postgres', 3], ['mongo', 1], ['s3', 2]]);
  });
});
