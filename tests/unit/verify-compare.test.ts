import { describe, expect, it } from 'vitest';
import { MANIFEST, ttlSeconds } from '../../src/summary/manifest';
import { parseSummary } from '../../src/summary/parse';
import { applyStrict, docReport, docWarnings, labelDiff, verdict, type StoreReport, type VerifyItem } from '../../src/verify/compare';
import { verifyMongo } from '../../src/verify/mongo';
import { verifyPostgres } from '../../src/verify/postgres';
import { renderText, toJson } from '../../src/verify/render';
import { verifyS3 } from '../../src/verify/s3';
import { cleanBucket, cleanMongoShape, cleanPgShape, desiredFor, ferretLikeMongoShape } from '../helpers/shapes';

/**
 * These judge the documented names only: what verify does for a migrations folder without an
 * expected shape (its one warning saying so is left out here). The deep comparison against an
 * expected shape is in verify-deep.test.ts.
 */
const problems = (r: StoreReport): VerifyItem[] => r.items.filter((i) => i.status !== 'ok' && i.kind !== 'shape');

describe('clean shapes', () => {
  it('postgres with pgvector: every table and enum ok, nothing else', () => {
    const r = verifyPostgres(MANIFEST, cleanPgShape(MANIFEST));
    expect(problems(r)).toEqual([]);
    expect(r.totals).toEqual({ ok: 72, warning: 1, missing: 0, different: 0, unexpected: 0 });
    expect(r.items.find((i) => i.kind === 'shape')).toMatchObject({ status: 'warning', detail: expect.stringMatching(/^no expected shape for this migrations folder: only the documented names were compared/) });
    expect(r.items.find((i) => i.kind === 'embedding')).toMatchObject({ status: 'ok', group: 'Vector Search' });
    expect(r.items.find((i) => i.name === 'users')).toEqual({ store: 'postgres', group: 'User Management', kind: 'table', name: 'users', status: 'ok' });
  });

  it('postgres without pgvector: one warning for the real[] fallback', () => {
    const r = verifyPostgres(MANIFEST, cleanPgShape(MANIFEST, 'array'));
    expect(r.totals).toEqual({ ok: 71, warning: 2, missing: 0, different: 0, unexpected: 0 });
    expect(problems(r)[0].detail).toMatch(/^embeddings stored as real\[\] fallback: pgvector not available on this server/);
    expect(verdict([r], false)).toEqual({ exitCode: 0, clean: false, strict: false });
    expect(verdict([r], true)).toEqual({ exitCode: 1, clean: false, strict: true });
  });

  it('mongo and s3', () => {
    const m = verifyMongo(MANIFEST, cleanMongoShape(MANIFEST));
    expect(problems(m)).toEqual([]);
    // 10 collections + 10 validators + 4 TTLs
    expect(m.totals.ok).toBe(24);
    const d = desiredFor();
    const s = verifyS3(MANIFEST, cleanBucket(d), d);
    expect(problems(s)).toEqual([]);
    // bucket + 8 settings (versioning, encryption, public access block, ownership, policy, lifecycle, cors, tags) + 9 unique prefixes
    expect(s.totals.ok).toBe(18);
    expect(s.items.find((i) => i.name === 'courses/content/')?.detail).toBe('Lesson PDFs, Lesson Audio, Lesson Images');
    expect(verdict([s], true)).toEqual({ exitCode: 0, clean: true, strict: true });
  });
});

describe('postgres drift', () => {
  it('missing table', () => {
    const shape = cleanPgShape(MANIFEST);
    shape.tables = shape.tables.filter((t) => t !== 'mentor_reviews');
    const r = verifyPostgres(MANIFEST, shape);
    expect(problems(r)).toEqual([{ store: 'postgres', group: 'Mentorship', kind: 'table', name: 'mentor_reviews', status: 'missing', detail: 'no such table in the public schema' }]);
    expect(verdict([r], false).exitCode).toBe(1);
  });

  it('unexpected table, but not bookkeeping tables', () => {
    const shape = cleanPgShape(MANIFEST);
    shape.tables.push('legacy_users', 'recruit_db_seed_runs');
    shape.primaryKeys.legacy_users = ['id'];
    const r = verifyPostgres(MANIFEST, shape);
    expect(problems(r)).toEqual([expect.objectContaining({ kind: 'table', name: 'legacy_users', status: 'unexpected' })]);
  });

  it('enum with an extra label', () => {
    const shape = cleanPgShape(MANIFEST);
    shape.enums.job_status = [...shape.enums.job_status, 'archived'];
    const p = problems(verifyPostgres(MANIFEST, shape));
    expect(p).toEqual([{ store: 'postgres', group: 'Enum Types', kind: 'enum', name: 'job_status', status: 'different', detail: 'extra label "archived"' }]);
  });

  it('enum missing a label', () => {
    const shape = cleanPgShape(MANIFEST);
    shape.enums.enrollment_status = ['in_progress', 'completed', 'dropped'];
    const p = problems(verifyPostgres(MANIFEST, shape));
    expect(p).toEqual([expect.objectContaining({ name: 'enrollment_status', status: 'different', detail: 'missing label "expired"' })]);
  });

  it('enum reordered', () => {
    const shape = cleanPgShape(MANIFEST);
    shape.enums.remote_type = ['on_site', 'remote', 'hybrid'];
    const p = problems(verifyPostgres(MANIFEST, shape));
    expect(p).toEqual([expect.objectContaining({ name: 'remote_type', status: 'different' })]);
    expect(p[0].detail).toBe('labels out of order: documented remote, on_site, hybrid; live on_site, remote, hybrid');
    expect(labelDiff(['a', 'b'], ['a', 'b'])).toBeUndefined();
  });

  it('missing enum', () => {
    const shape = cleanPgShape(MANIFEST);
    delete shape.enums.admin_role;
    const p = problems(verifyPostgres(MANIFEST, shape));
    expect(p).toEqual([expect.objectContaining({ kind: 'enum', name: 'admin_role', status: 'missing' })]);
  });

  it('health: no primary key, unindexed foreign key, unused enum', () => {
    const shape = cleanPgShape(MANIFEST);
    delete shape.primaryKeys.audit_logs;
    shape.foreignKeys.push({ table: 'applications', constraint: 'applications_job_id_foreign', columns: ['job_id'], referencedTable: 'jobs', indexed: false });
    shape.enumUsage.pricing_model = [];
    const p = problems(verifyPostgres(MANIFEST, shape));
    expect(p.map((i) => [i.group, i.kind, i.name, i.status])).toEqual([
      ['Health', 'health', 'audit_logs', 'different'],
      ['Health', 'health', 'applications.applications_job_id_foreign', 'different'],
      ['Health', 'health', 'pricing_model', 'different'],
    ]);
    expect(p[1].detail).toContain('(job_id)');
  });
});

describe('mongo drift', () => {
  it('TTL with wrong seconds names both numbers', () => {
    const shape = cleanMongoShape(MANIFEST);
    shape.collections.user_sessions.indexes[1].expireAfterSeconds = 86_400 * 89;
    const p = problems(verifyMongo(MANIFEST, shape));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ store: 'mongo', group: 'Collections', kind: 'ttl', name: 'user_sessions', status: 'different' });
    expect(p[0].detail).toContain(String(86_400 * 89));
    expect(p[0].detail).toContain(String(ttlSeconds(90)));
  });

  it('a per-document expiry (expireAfterSeconds 0 on an expiry date) keeps a documented TTL', () => {
    const shape = cleanMongoShape(MANIFEST);
    shape.collections.user_sessions.indexes[1] = { name: 'ttl_expire_at', key: { expireAt: 1 }, expireAfterSeconds: 0 };
    const r = verifyMongo(MANIFEST, shape);
    expect(problems(r)).toEqual([]);
    expect(r.items.find((i) => i.kind === 'ttl' && i.name === 'user_sessions')?.detail).toMatch(/^index "ttl_expire_at": per-document expiry \(expireAfterSeconds 0: .* 90 days after/);
  });

  it('TTL where none is documented', () => {
    const shape = cleanMongoShape(MANIFEST);
    shape.collections.resume_analysis.indexes.push({ name: 'ttl_x', key: { created_at: 1 }, expireAfterSeconds: 3600 });
    const p = problems(verifyMongo(MANIFEST, shape));
    expect(p).toEqual([expect.objectContaining({ kind: 'ttl', name: 'resume_analysis', status: 'unexpected' })]);
  });

  it('TTL absent', () => {
    const shape = cleanMongoShape(MANIFEST);
    shape.collections.event_log.indexes = shape.collections.event_log.indexes.filter((i) => i.expireAfterSeconds === undefined);
    const p = problems(verifyMongo(MANIFEST, shape));
    expect(p).toEqual([expect.objectContaining({ kind: 'ttl', name: 'event_log', status: 'missing' })]);
  });

  it('missing collection is one finding, not three', () => {
    const shape = cleanMongoShape(MANIFEST);
    delete shape.collections.search_logs;
    const p = problems(verifyMongo(MANIFEST, shape));
    expect(p).toEqual([{ store: 'mongo', group: 'Collections', kind: 'collection', name: 'search_logs', status: 'missing', detail: 'no such collection' }]);
  });

  it('missing validator on real MongoDB', () => {
    const shape = cleanMongoShape(MANIFEST);
    delete shape.collections.xapi_statements.validator;
    const p = problems(verifyMongo(MANIFEST, shape));
    expect(p).toEqual([expect.objectContaining({ kind: 'validator', name: 'xapi_statements', status: 'missing' })]);
  });

  it('unexpected collection, but not bookkeeping ones', () => {
    const shape = cleanMongoShape(MANIFEST);
    shape.collections.old_stuff = { indexes: [] };
    shape.collections['system.views'] = { indexes: [] };
    const p = problems(verifyMongo(MANIFEST, shape));
    expect(p).toEqual([expect.objectContaining({ kind: 'collection', name: 'old_stuff', status: 'unexpected' })]);
  });

  it('FerretDB-like server: validators and TTL are warnings naming the server, failures under strict', () => {
    const r = verifyMongo(MANIFEST, ferretLikeMongoShape(MANIFEST));
    expect(r.totals).toEqual({ ok: 10, warning: 15, missing: 0, different: 0, unexpected: 0 });
    for (const w of problems(r)) {
      expect(w.status).toBe('warning');
      expect(w.detail).toContain('FerretDB 1.24.2');
    }
    expect(r.items.filter((i) => i.kind === 'ttl').map((i) => i.name)).toEqual(['user_sessions', 'search_logs', 'notification_queue', 'event_log']);
    // The server's answer is given once per capability, on its first item.
    const details = (kind: string) => problems(r).filter((i) => i.kind === kind).map((i) => i.detail);
    expect(details('validator')[0]).toBe('no validator: $jsonSchema validators not supported by FerretDB 1.24.2 (validator is not enforced)');
    expect(new Set(details('validator').slice(1))).toEqual(new Set(['no validator: $jsonSchema validators not supported by FerretDB 1.24.2 (as above)']));
    expect(details('ttl')[0]).toBe('documented 90-day TTL not in force: TTL indexes not supported by FerretDB 1.24.2 (expireAfterSeconds is not supported)');
    expect(details('ttl')[1]).toBe('documented 180-day TTL not in force: TTL indexes not supported by FerretDB 1.24.2 (as above)');
    expect(verdict([r], false)).toMatchObject({ exitCode: 0, clean: false });
    expect(verdict([r], true).exitCode).toBe(1);
    const strict = applyStrict(r, true);
    expect(strict.failures).toBe(15);
    expect(applyStrict(r, false).failures).toBe(0);
    expect(verdict([strict], false).exitCode).toBe(1);
  });
});

describe('documentation warnings, rendering and JSON', () => {
  const { warnings } = parseSummary(`# x\n## PostgreSQL Tables (2)\n### A (1)\n1. \`t\` - x\n## Enum Types\n| Enum | Values |\n|-|-|\n| \`e\` | a, b |\n## MongoDB Collections\n1. \`c\` - y\n## S3 Asset Types\n1. A (\`a/\`)\n`);

  it('doc warnings are warnings under "Documentation"', () => {
    const items = docWarnings(warnings);
    expect(items.length).toBeGreaterThan(0);
    for (const i of items) expect(i).toMatchObject({ store: 'summary', group: 'Documentation', kind: 'doc', status: 'warning' });
    expect(verdict([docReport(warnings)], false).exitCode).toBe(0);
    // --strict judges the stores; a miscount in the document is not something a store can fix.
    expect(verdict([docReport(warnings)], true).exitCode).toBe(0);
    expect(applyStrict(docReport(warnings), true).failures).toBe(0);
  });

  it('renderText: grouped lines with marks and a total per store, no colour codes unless asked', () => {
    const shape = cleanPgShape(MANIFEST, 'array');
    shape.enums.job_status.push('archived');
    shape.tables = shape.tables.filter((t) => t !== 'users');
    const d = desiredFor();
    const reports = [verifyPostgres(MANIFEST, shape), verifyS3(MANIFEST, cleanBucket(d), d)];
    const text = renderText(reports, { color: false });
    expect(text).not.toMatch(/\u001b\[/);
    expect(text).toMatch(/^postgres$/m);
    expect(text).toMatch(/^ {2}User Management$/m);
    expect(text).toMatch(/^ {4}✗ table +users +no such table/m);
    expect(text).toMatch(/^ {4}≠ enum +job_status +extra label "archived"$/m);
    expect(text).toMatch(/^ {4}! embedding +embeddings +embeddings stored as real\[\] fallback/m);
    expect(text).toContain('postgres: 69 ok, 2 warnings, 1 missing, 1 different, 0 unexpected');
    expect(text).toContain('s3: 18 ok, 0 warnings, 0 missing, 0 different, 0 unexpected');
    expect(renderText(reports, { color: true })).toMatch(/\u001b\[/);
    expect(renderText(reports, { color: false, problemsOnly: true })).not.toContain('✓');
  });

  it('toJson: the documented stable shape', () => {
    const r = applyStrict(verifyMongo(MANIFEST, ferretLikeMongoShape(MANIFEST)), true);
    const v = verdict([r], true);
    const json = toJson([r], v);
    expect(Object.keys(json)).toEqual(['version', 'clean', 'exitCode', 'strict', 'stores']);
    expect(json).toMatchObject({ version: 1, clean: false, exitCode: 1, strict: true });
    expect(json.stores[0]).toMatchObject({ store: 'mongo', totals: { ok: 10, warning: 15 }, failures: 15 });
    expect(Object.keys(json.stores[0].items[1])).toEqual(['store', 'group', 'kind', 'name', 'status', 'detail']);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    // strict given only to verdict still shows in the JSON's failures
    const plain = verifyMongo(MANIFEST, ferretLikeMongoShape(MANIFEST));
    const j2 = toJson([plain], verdict([plain], true));
    expect(j2).toMatchObject({ strict: true, exitCode: 1, stores: [{ failures: 15 }] });
    expect(renderText([plain], { color: false, strict: true })).toContain('(strict: warnings count as failures)');
  });
});
