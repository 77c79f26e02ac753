/**
 * `recruit-db seed` against the real stores (fresh PostgreSQL database, Mongo database and bucket):
 * the small profile fills every table, collection and prefix; constraints hold; the stores agree
 * with each other; the same seed gives the same live content hash; refusals write nothing.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { MongoClient } from 'mongodb';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config';
import { collectionDef } from '../../src/stores/mongo/collections';
import { formatViolations, validateDocument } from '../../src/stores/mongo/jsonschema';
import { createS3Client } from '../../src/stores/s3/connect';
import { ASSET_TYPES, normaliseContentType, uniquePrefixes } from '../../s3-layout';
import { contentHash, isStoreEmpty, MONGO_COLLECTIONS, PG_TABLES } from '../../seeds/index';
import { cosine } from '../../seeds/embeddings';
import { DEV_PASSWORD, isValidStatusPath, verifyPassword, type ApplicationStatus } from '../../seeds/domain';
import { sniffContentType } from '../../seeds/files';
import { genContext, pgTables } from '../../seeds/postgres';
import { Topology, shapeFor } from '../../seeds/topology';
import { copyTables } from '../../src/stores/postgres/seed';
import { runCli } from '../helpers/cli';
import { keysAndIndexes } from '../helpers/pg';
import { baseConfig, freshStores, migrateStores, migratedPgClient } from '../helpers/stores';

const base = baseConfig();
/** Every seed here names its as-of day: the default (today) would change the data at midnight. */
const AS_OF = '2026-01-01';
const SECRETS = [decodeURIComponent(new URL(base.postgres!.url).password), decodeURIComponent(new URL(base.mongo!.uri).password), base.s3!.secretAccessKey!];

let config: Config;
let env: NodeJS.ProcessEnv;
let cleanup: () => Promise<void>;
let pg: Client;
let mongo: MongoClient;
let migratedSchema: string[];

beforeAll(async () => {
  const fresh = await freshStores('rdbseed');
  ({ config, env, cleanup } = fresh);
  await migrateStores(config);
  pg = new Client({ connectionString: config.postgres!.url });
  await pg.connect();
  migratedSchema = await keysAndIndexes(pg);
  mongo = new MongoClient(base.mongo!.uri);
  await mongo.connect();
});

afterAll(async () => {
  await pg?.end();
  await mongo?.close();
  await cleanup?.();
});

const expectNoSecrets = (text: string) => SECRETS.forEach((s) => expect(text).not.toContain(s));

async function allEmpty(): Promise<boolean> {
  for (const s of ['postgres', 'mongo', 's3'] as const) if (!(await isStoreEmpty(config, s))) return false;
  return true;
}

describe('recruit-db seed: refusals write nothing', () => {
  it('refuses a production target (exit 2) and writes nothing', async () => {
    const r = await runCli(['seed'], { env: { ...env, RECRUIT_DB_ENV: 'production' } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/production.*--allow-production/);
    expectNoSecrets(r.stdout + r.stderr);
    expect(await allEmpty()).toBe(true);
  });

  it.each([
    [['--profile', 'huge'], /unknown profile "huge"/],
    [['--seed', '1.5'], /seed must be an integer/],
    [['--set', 'nosuch=3'], /unknown table or collection "nosuch"/],
    [['--set', 'users=abc'], /bad override/],
    [['--set', 'payments=10'], /cannot set payments/],
    [['--set', 'enrollments=100000'], /at most 58 enrollments/],
    [['--as-of', '2026-02-30'], /as-of must be a calendar day/],
  ])('rejects %j in one line with exit 2', async (args, message) => {
    const r = await runCli(['seed', ...args], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(await allEmpty()).toBe(true);
  });
});

describe('recruit-db seed: the small profile', () => {
  let first: { hash: string; postgres: { hash: string; counts: Record<string, number> }; mongo: { hash: string; counts: Record<string, number> }; s3: { hash: string; counts: Record<string, number> } };

  beforeAll(async () => {
    const r = await runCli(['seed', '--json', '--seed', '7', '--as-of', AS_OF], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    first = JSON.parse(r.stdout);
  });

  it('reports the as-of day it generated for', () => {
    expect((first as unknown as { asOf: string }).asOf).toBe(AS_OF);
  });

  it('passes its own consistency audit (seed --check-only): zero violations of every rule', async () => {
    const r = await runCli(['seed', '--check-only', '--json', '--as-of', AS_OF], { env });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    const failed = out.check.findings.filter((f: { violations: number }) => f.violations > 0);
    expect(failed, JSON.stringify(failed, null, 1)).toEqual([]);
    expect(out.check.findings.length).toBeGreaterThan(60);
    expect(out.check.skipped).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('the same audit as of another day finds the history in the wrong place (exit 1)', async () => {
    // As of a year earlier, most of the history lies in the future: the audit must say so.
    const r = await runCli(['seed', '--check-only', '--json', '--as-of', '2025-01-01', '--only', 'postgres'], { env });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.check.findings.find((f: { rule: string }) => f.rule === 'no-future-history').violations).toBeGreaterThan(100);
  });

  it('fills all 50 tables, all 10 collections and every asset prefix', async () => {
    expect(PG_TABLES).toHaveLength(50);
    for (const t of PG_TABLES) expect(first.postgres.counts[t], t).toBeGreaterThan(0);
    expect(Object.keys(first.postgres.counts)).toHaveLength(50);
    for (const c of MONGO_COLLECTIONS) expect(first.mongo.counts[c], c).toBeGreaterThan(0);
    for (const p of uniquePrefixes()) expect(first.s3.counts[p], p).toBeGreaterThan(0);
    const users = await pg.query('SELECT count(*)::int AS n FROM users');
    expect(users.rows[0].n).toBe(first.postgres.counts.users);
  });

  it('the foreign keys and indexes dropped for the load are back, exactly as migrated', async () => {
    expect(migratedSchema.filter((d) => / FOREIGN KEY /.test(d)).length).toBeGreaterThan(50);
    expect(await keysAndIndexes(pg)).toEqual(migratedSchema);
  });

  it('the reported MongoDB and S3 hashes are those of what is live (PostgreSQL\'s: see seed-hash.test.ts)', async () => {
    const live = await contentHash(config);
    expect(live.mongo!.hash).toBe(first.mongo.hash);
    expect(live.s3!.hash).toBe(first.s3.hash);
    expect(live.postgres!.counts).toEqual(first.postgres.counts);
  });

  it('every referenced S3 key exists and its bytes match its content type', async () => {
    const cols = await pg.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND (column_name LIKE '%s3_key' OR column_name = 's3_key') ORDER BY 1, 2`,
    );
    expect(cols.rows.length).toBe(9);
    const keys = new Set<string>();
    for (const { table_name, column_name } of cols.rows) {
      const r = await pg.query(`SELECT DISTINCT "${column_name}" AS k FROM "${table_name}" WHERE "${column_name}" IS NOT NULL`);
      r.rows.forEach((x) => keys.add(x.k));
    }
    expect(keys.size).toBeGreaterThan(100);
    const byExt = new Map<string, Set<string>>();
    for (const a of ASSET_TYPES) for (const [ct, ext] of Object.entries(a.contentTypes)) byExt.set(ext, (byExt.get(ext) ?? new Set()).add(ct));
    const s3 = createS3Client(config.s3!, 10_000);
    try {
      for (const key of keys) {
        const obj = await s3.send(new GetObjectCommand({ Bucket: config.s3!.bucket, Key: key }));
        const bytes = Buffer.from(await obj.Body!.transformToByteArray());
        const ext = key.slice(key.lastIndexOf('.') + 1);
        const declared = normaliseContentType(obj.ContentType ?? '');
        expect(byExt.get(ext)?.has(declared), `${key} declared ${declared}`).toBe(true);
        // OOXML files are zips: the sniffer reports the container, so compare the family.
        const sniffed = sniffContentType(bytes);
        expect(sniffed === declared || (sniffed === 'application/zip' && /openxmlformats/.test(declared)), `${key}: sniffed ${sniffed}, declared ${declared}`).toBe(true);
      }
    } finally {
      s3.destroy();
    }
  });

  it('every Mongo document passes its collection $jsonSchema (checked client-side)', async () => {
    const db = mongo.db(config.mongo!.db);
    for (const name of MONGO_COLLECTIONS) {
      const def = collectionDef(name);
      for await (const doc of db.collection(name).find({})) {
        const v = validateDocument(def.validator, doc);
        expect(v, `${name}: ${formatViolations(v)}`).toEqual([]);
      }
    }
  });

  it('Mongo references to PostgreSQL ids exist (each kind)', async () => {
    const db = mongo.db(config.mongo!.db);
    const exists = async (table: string, id: string) => (await pg.query(`SELECT 1 FROM "${table}" WHERE id = $1`, [id])).rowCount === 1;
    for (const d of await db.collection('learning_progress').find({}).limit(25).toArray()) {
      expect(await exists('users', d.userId)).toBe(true);
      expect(await exists('lessons', d.lessonId)).toBe(true);
      const e = await pg.query('SELECT e.course_id, u.id AS user_id FROM enrollments e JOIN students s ON s.id = e.student_id JOIN users u ON u.id = s.user_id WHERE e.id = $1', [d.enrollmentId]);
      expect(e.rows[0]).toEqual({ course_id: d.courseId, user_id: d.userId });
      const l = await pg.query('SELECT m.course_id FROM lessons l JOIN modules m ON m.id = l.module_id WHERE l.id = $1', [d.lessonId]);
      expect(l.rows[0].course_id).toBe(d.courseId);
    }
    for (const d of await db.collection('xapi_statements').find({}).limit(25).toArray()) {
      const u = await pg.query('SELECT email FROM users WHERE id = $1', [d.userId]);
      expect(`mailto:${u.rows[0].email}`).toBe((d.statement ?? d).actor.mbox);
    }
    for (const d of await db.collection('user_sessions').find({}).limit(25).toArray()) {
      const u = await pg.query('SELECT user_type::text AS t FROM users WHERE id = $1', [d.userId]);
      expect(u.rows[0].t).toBe(d.userType);
    }
    for (const d of await db.collection('resume_analysis').find({}).toArray()) {
      const s = await pg.query('SELECT user_id, resume_s3_key FROM students WHERE id = $1', [d.studentId]);
      expect(s.rows[0]).toEqual({ user_id: d.userId, resume_s3_key: d.resumeS3Key });
    }
    for (const d of await db.collection('flashcard_progress').find({}).limit(25).toArray()) {
      const f = await pg.query('SELECT d.course_id FROM flashcards f JOIN flashcard_decks d ON d.id = f.deck_id WHERE f.id = $1', [d.flashcardId]);
      expect(f.rows[0].course_id).toBe(d.courseId);
    }
    for (const d of await db.collection('notification_queue').find({}).limit(25).toArray()) {
      const n = await pg.query('SELECT user_id, notification_type::text AS t FROM notifications WHERE id = $1', [d.notificationId]);
      expect(n.rows[0]).toEqual({ user_id: d.userId, t: d.type });
    }
    for (const d of await db.collection('course_engagement').find({}).limit(10).toArray()) expect(await exists('lessons', d.lessonId)).toBe(true);
    for (const d of await db.collection('event_log').find({}).limit(10).toArray()) expect(await exists(`${d.aggregateType}s`, d.aggregateId)).toBe(true);
  });

  it('every application status history is a valid path ending in the current status', async () => {
    const r = await pg.query<{ status: ApplicationStatus; path: ApplicationStatus[]; froms: Array<ApplicationStatus | null> }>(
      `SELECT a.status::text AS status, array_agg(h.to_status::text ORDER BY h.changed_at) AS path, array_agg(h.from_status::text ORDER BY h.changed_at) AS froms
         FROM applications a JOIN application_status_history h ON h.application_id = a.id GROUP BY a.id, a.status`,
    );
    expect(r.rows.length).toBe(first.postgres.counts.applications);
    for (const row of r.rows) {
      expect(isValidStatusPath(row.path, row.status), row.path.join(' > ')).toBe(true);
      expect(row.froms).toEqual([null, ...row.path.slice(0, -1)]);
    }
    // The funnel narrows: fewer hired than forwarded than applied.
    const f = await pg.query(`SELECT count(*) FILTER (WHERE forwarded_at IS NOT NULL)::int AS fwd, count(*) FILTER (WHERE status = 'hired')::int AS hired, count(*)::int AS n FROM applications`);
    expect(f.rows[0].n).toBeGreaterThan(f.rows[0].fwd);
    expect(f.rows[0].fwd).toBeGreaterThan(f.rows[0].hired);
  });

  it('paid rows link a payment of their price; a rescheduled session hands its payment to its replacement', async () => {
    const paid = await pg.query(`SELECT count(*)::int AS n FROM enrollments e JOIN payments p ON p.id = e.payment_id WHERE p.amount > 0`);
    expect(paid.rows[0].n).toBeGreaterThan(0);
    const moved = await pg.query(
      `SELECT o.payment_id AS original, s.payment_id AS replacement, o.student_id = s.student_id AS same_student FROM mentor_sessions s JOIN mentor_sessions o ON o.id = s.rescheduled_from_id`,
    );
    expect(moved.rows.length).toBeGreaterThan(0);
    for (const row of moved.rows) expect(row).toMatchObject({ original: null, same_student: true });
  });

  it('passwords are scrypt hashes of the documented development password; emails are unique', async () => {
    const r = await pg.query(`SELECT count(DISTINCT password_hash)::int AS n, min(password_hash) AS h, count(DISTINCT lower(email))::int AS emails, count(*)::int AS users FROM users`);
    expect(r.rows[0].n).toBe(1);
    expect(r.rows[0].h).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(r.rows[0].h).not.toContain(DEV_PASSWORD);
    expect(verifyPassword(DEV_PASSWORD, r.rows[0].h)).toBe(true);
    expect(verifyPassword('wrong-password', r.rows[0].h)).toBe(false);
    expect(r.rows[0].emails).toBe(r.rows[0].users);
  });

  it('ratings skew to 4-5 and match scores are the cosine of the stored embeddings, ranking same-skill students higher', async () => {
    const ratings = await pg.query(`SELECT avg(rating)::float AS avg FROM (SELECT rating FROM course_reviews UNION ALL SELECT rating FROM mentor_reviews) x`);
    expect(ratings.rows[0].avg).toBeGreaterThan(3.6);
    const recs = await pg.query(`SELECT r.score::float AS score, s.embedding AS se, j.embedding AS je, r.job_id FROM admin_match_recommendations r JOIN student_embeddings s ON s.student_id = r.student_id JOIN job_embeddings j ON j.job_id = r.job_id`);
    expect(recs.rows.length).toBeGreaterThan(0);
    for (const row of recs.rows) expect(Math.abs(Math.max(0, cosine(row.se, row.je)) - row.score)).toBeLessThan(2e-4);
    const all = await pg.query(`SELECT s.embedding AS se, j.embedding AS je FROM student_embeddings s CROSS JOIN job_embeddings j`);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(recs.rows.map((r) => r.score))).toBeGreaterThan(mean(all.rows.map((r) => cosine(r.se, r.je))) + 0.2);
  });

  it('refuses to seed the non-empty target without --truncate (exit 2, nothing changed)', async () => {
    const before = await contentHash(config);
    const r = await runCli(['seed', '--seed', '7', '--as-of', AS_OF], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already holds data.*--truncate/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expectNoSecrets(r.stdout + r.stderr);
    expect((await contentHash(config)).hash).toBe(before.hash);
  });

  it('--truncate reseeds: the same seed gives the same hash, a different seed a different one', async () => {
    const same = await runCli(['seed', '--json', '--seed', '7', '--as-of', AS_OF, '--truncate'], { env });
    expect(same.code).toBe(0);
    const again = JSON.parse(same.stdout);
    expect(again.hash).toBe(first.hash);
    expect(again.postgres.hash).toBe(first.postgres.hash);
    expect(again.mongo.hash).toBe(first.mongo.hash);
    expect(again.s3.hash).toBe(first.s3.hash);

    const other = await runCli(['seed', '--json', '--seed', '8', '--as-of', AS_OF, '--truncate'], { env });
    expect(other.code).toBe(0);
    const diff = JSON.parse(other.stdout);
    expect(diff.postgres.hash).not.toBe(first.postgres.hash);
    expect(diff.mongo.hash).not.toBe(first.mongo.hash);
    expect(diff.s3.hash).not.toBe(first.s3.hash);
    expect(diff.postgres.counts.users).toBe(first.postgres.counts.users);
  });
});

describe('the PostgreSQL load is one transaction', () => {
  let drop: () => Promise<void>;
  let client: Client;

  beforeAll(async () => {
    ({ client, drop } = await migratedPgClient('rdbseedtx'));
  });

  afterAll(async () => drop?.());

  it.each([true, false])('rows that break a foreign key fail the load and leave nothing, schema intact (deferChecks %s)', async (deferChecks) => {
    const before = await keysAndIndexes(client);
    const ctx = genContext(new Topology(3, shapeFor('small')), 'array', Date.UTC(2026, 0, 1));
    const specs = pgTables().filter((t) => t.table === 'categories' || t.table === 'students');
    // categories load fine; students point at users that were never loaded.
    await expect(copyTables(client, specs.map((t) => ({ table: t.table, columns: t.columns, rows: t.rows(ctx) })), undefined, { deferChecks })).rejects.toMatchObject({ code: '23503' });
    const n = await client.query(`SELECT (SELECT count(*) FROM categories)::int AS categories, (SELECT count(*) FROM students)::int AS students`);
    expect(n.rows[0]).toEqual({ categories: 0, students: 0 });
    expect(await keysAndIndexes(client)).toEqual(before);
  });
});
