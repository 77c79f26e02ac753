import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { combineVariants, mergeVariant, parseShape, renderShape, selectVariant, ShapeFileError } from '../../src/stores/shape-file';
import type { BucketOwner, MongoShape, PgShape, ShapeEntry } from '../../src/stores/shapes';
import { mongoEntries } from '../../src/stores/mongo/introspect';
import { MANIFEST } from '../../src/summary/manifest';
import type { StoreReport, VerifyItem } from '../../src/verify/compare';
import { diffEntries, jsonDifferences } from '../../src/verify/deep';
import { verifyMongo } from '../../src/verify/mongo';
import { verifyPostgres } from '../../src/verify/postgres';
import { verifyS3 } from '../../src/verify/s3';
import { accountOf, kmsKeyAccount, lifecycleEffect, statementGrant } from '../../src/verify/s3-effect';
import { cleanBucket, cleanMongoShape, cleanPgShape, desiredFor, expectedOf, ferretLikeMongoShape, s3Config } from '../helpers/shapes';

const REPO = resolve(__dirname, '../..');
const problems = (r: StoreReport): VerifyItem[] => r.items.filter((i) => i.status !== 'ok');
const brief = (r: StoreReport) => problems(r).map((i) => [i.kind, i.name, i.status]);

describe('the expected-shape file format', () => {
  const entries: ShapeEntry[] = [
    { kind: 'extension', name: 'plpgsql', value: '' },
    { kind: 'extension', name: 'vector', value: '', when: { capability: 'pgvector', present: true } },
    { kind: 'extension', name: 'vector', value: null, when: { capability: 'pgvector', present: false } },
    { kind: 'function', name: 'f(a integer, b text)', value: 'RETURNS trigger LANGUAGE plpgsql' },
    { kind: 'table', name: 'jobs', value: '' },
    { kind: 'table', name: 'jobs', part: { kind: 'comment', name: '' }, value: 'multi\nline: "quoted"' },
    { kind: 'table', name: 'jobs', part: { kind: 'column', name: 'title' }, value: 'text NOT NULL' },
    { kind: 'table', name: 'jobs', part: { kind: 'column', name: 'tags' }, value: '[]-looking text' },
    { kind: 'table', name: 'jobs', part: { kind: 'column', name: 'dash' }, value: '-' },
    { kind: 'collection', name: 'c', value: '' },
    { kind: 'collection', name: 'c', part: { kind: 'index', name: 'a_1' }, value: { key: { b: 1, a: -1 }, unique: true } },
    { kind: 'collection', name: 'c', part: { kind: 'validator', name: '' }, value: { $jsonSchema: { properties: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`field${i}`, { bsonType: 'string' }])) } } },
  ];

  it('round-trips every entry, names with spaces, risky text, null and long JSON included', () => {
    const text = renderShape({ migrations: ['0001_a', '0002_b'], entries }, ['a header line']);
    expect(text).toMatch(/^# a header line\nformat 1\nmigration 0001_a\nmigration 0002_b\n/);
    expect(text).toContain('[with pgvector] extension vector\n[without pgvector] extension vector: -\n');
    expect(text).toContain('function "f(a integer, b text)": RETURNS trigger LANGUAGE plpgsql');
    expect(text).toContain('  validator: {\n    "$jsonSchema": {');
    expect(text).toContain('  index a_1: {"key":{"b":1,"a":-1},"unique":true}');
    expect(parseShape(text, 'x')).toEqual({ migrations: ['0001_a', '0002_b'], entries });
  });

  it('refuses what it cannot read, naming the line', () => {
    expect(() => parseShape('table x\n', 'f')).toThrow(ShapeFileError);
    expect(() => parseShape('format 2\n', 'f')).toThrow(/f:1: format 2 is not the format 1/);
    expect(() => parseShape('format 1\n  column a: x\n', 'f')).toThrow(/f:2: an indented part before any object/);
    expect(() => parseShape('format 1\ntable t\n  validator: {\n    "a": 1\n', 'f')).toThrow(/unterminated JSON value/);
  });

  it('merges two variants: common entries plain, differences tagged, one-sided ones with an explicit absent line', () => {
    const base: ShapeEntry[] = [
      { kind: 'table', name: 't', value: '' },
      { kind: 'table', name: 't', part: { kind: 'column', name: 'e' }, value: 'real[]' },
      { kind: 'table', name: 't', part: { kind: 'constraint', name: 'dims' }, value: 'CHECK (...)' },
    ];
    const withIt: ShapeEntry[] = [
      { kind: 'extension', name: 'vector', value: '' },
      { kind: 'table', name: 't', value: '' },
      { kind: 'table', name: 't', part: { kind: 'column', name: 'e' }, value: 'vector(3)' },
      { kind: 'table', name: 't', part: { kind: 'index', name: 'hnsw' }, value: 'USING hnsw (e)' },
    ];
    const merged = mergeVariant(withIt, base, 'pgvector');
    const line = (e: ShapeEntry) => `${e.when ? (e.when.present ? '+' : '-') : ' '} ${e.kind} ${e.part?.name ?? e.name} ${JSON.stringify(e.value)}`;
    expect(merged.map(line)).toEqual([
      '+ extension vector ""',
      '- extension vector null',
      '  table t ""',
      '+ table e "vector(3)"',
      '- table e "real[]"',
      '+ table dims null',
      '- table dims "CHECK (...)"',
      '+ table hnsw "USING hnsw (e)"',
      '- table hnsw null',
    ]);
    // Each variant selects back exactly what it was built from.
    expect(selectVariant(merged, { pgvector: true })).toEqual(withIt.sort((a, b) => (a.kind === 'extension' ? -1 : b.kind === 'extension' ? 1 : 0)));
    expect(selectVariant(merged, { pgvector: false })).toEqual(base);
    // A target that does not say counts as capable.
    expect(selectVariant(merged, {})).toEqual(selectVariant(merged, { pgvector: true }));
  });

  it('combines capabilities measured against one baseline, refusing two that change the same entry', () => {
    const t = (v: string): ShapeEntry[] => [{ kind: 'table', name: 't', value: '' }, { kind: 'table', name: 't', part: { kind: 'column', name: 'c' }, value: v }];
    const other: ShapeEntry[] = [...t('a'), { kind: 'extension', name: 'x', value: '' }];
    const combined = combineVariants(t('a'), [{ capability: 'x', entries: other }, { capability: 'y', entries: t('b') }]);
    expect(selectVariant(combined, { x: true, y: false })).toEqual(expect.arrayContaining(other));
    expect(selectVariant(combined, { x: false, y: true }).find((e) => e.part)?.value).toBe('b');
    expect(() => combineVariants(t('a'), [{ capability: 'x', entries: t('b') }, { capability: 'y', entries: t('c') }])).toThrow(/capabilities x and y both change table t column c/);
  });

  it('the committed files parse, and render back to the same text', () => {
    for (const rel of ['migrations/expected-shape.txt', 'mongo-migrations/expected-shape.txt', 's3-layout/expected-shape.txt']) {
      const text = readFileSync(resolve(REPO, rel), 'utf8');
      const file = parseShape(text, rel);
      expect(file.entries.length, rel).toBeGreaterThan(10);
      const header = text.split('\n').filter((l) => l.startsWith('# ')).map((l) => l.slice(2));
      expect(renderShape(file, header), rel).toBe(text);
    }
  });
});

describe('diffEntries', () => {
  const table = (parts: Array<[string, string, string]>): ShapeEntry[] => [
    { kind: 'table', name: 'jobs', value: '' },
    ...parts.map(([kind, name, value]) => ({ kind: 'table', name: 'jobs', part: { kind, name }, value })),
  ];

  it('a missing object is one finding, its parts are not listed again', () => {
    const d = diffEntries(table([['column', 'a', 'text']]), []);
    expect(d.map((x) => [x.status, x.expected?.part?.name ?? x.expected?.name])).toEqual([['missing', 'jobs']]);
  });

  it('names a likely rename, and drops a dropped column\'s comment as a consequence', () => {
    const d = diffEntries(table([['column', 'title', 'text NOT NULL'], ['comment', 'title', 'x']]), table([['column', 'name', 'text NOT NULL']]));
    expect(d.map((x) => [x.status, (x.expected ?? x.live)!.part!.name, x.note])).toEqual([
      ['unexpected', 'name', 'renamed from title?'],
      ['missing', 'title', 'renamed to name?'],
    ]);
  });

  it('JSON differences are named by path, both sides given', () => {
    expect(jsonDifferences({ a: { b: 1, c: [1, 2] } }, { a: { b: 2, c: [1, 3], d: true } })).toEqual(['a.b: expected 1, live 2', 'a.c[1]: expected 2, live 3', 'a.d: expected absent, live true']);
  });
});

describe('postgres against an expected shape', () => {
  const deep = (mutate: (s: PgShape) => void, expectedShape = cleanPgShape(MANIFEST)) => {
    const live = cleanPgShape(MANIFEST);
    mutate(live);
    return verifyPostgres(MANIFEST, live, expectedOf(expectedShape));
  };
  const col = (s: PgShape, t: string, c: string) => s.schema.tables[t].columns.find((x) => x.name === c)!;

  it('clean: every table and enum ok, and an item saying what was compared', () => {
    const r = deep(() => undefined);
    expect(brief(r)).toEqual([]);
    expect(r.items.find((i) => i.kind === 'shape')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^\d+ definitions compared with expected-shape\.txt \(without btree_gist, with pgvector\)$/) });
  });

  it('each column, constraint, index and trigger change is one item with both definitions', () => {
    const r = deep((s) => {
      col(s, 'jobs', 'title').type = 'character varying(10)';
      col(s, 'users', 'title').nullable = true;
      col(s, 'courses', 'title').default = "'x'::text";
      s.schema.tables.companies.columns.push({ name: 'extra', type: 'integer', nullable: true });
      delete s.schema.tables.payments.constraints.payments_pkey;
      s.schema.tables.webinars.indexes.webinars_title_idx = { name: 'webinars_title_idx', method: 'btree', unique: false, keys: ['title'], include: [], valid: true, definition: 'USING btree (title)' };
      s.schema.tables.audit_logs.triggers.guard = { name: 'guard', definition: 'BEFORE UPDATE ON audit_logs FOR EACH ROW EXECUTE FUNCTION g()', constraint: false, enabled: 'disabled', function: 'g' };
    }, ((e) => {
      e.schema.tables.audit_logs.triggers.guard = { name: 'guard', definition: 'BEFORE UPDATE ON audit_logs FOR EACH ROW EXECUTE FUNCTION g()', constraint: false, enabled: 'origin', function: 'g' };
      return e;
    })(cleanPgShape(MANIFEST)));
    expect(brief(r)).toEqual([
      ['trigger', 'audit_logs.guard', 'different'],
      ['column', 'companies.extra', 'unexpected'],
      ['column', 'courses.title', 'different'],
      ['column', 'jobs.title', 'different'],
      ['constraint', 'payments.payments_pkey', 'missing'],
      ['column', 'users.title', 'different'],
      ['index', 'webinars.webinars_title_idx', 'unexpected'],
    ]);
    const jobs = problems(r).find((i) => i.name === 'jobs.title')!;
    expect(jobs).toMatchObject({ group: 'Jobs & Applications', expected: 'text NOT NULL', live: 'character varying(10) NOT NULL' });
    expect(problems(r).find((i) => i.name === 'audit_logs.guard')?.live).toMatch(/DISABLED$/);
  });

  it('a dropped documented table is one item under its summary group', () => {
    const r = deep((s) => {
      delete s.schema.tables.mentor_reviews;
      s.tables = s.tables.filter((t) => t !== 'mentor_reviews');
    });
    expect(problems(r)).toEqual([{ store: 'postgres', group: 'Mentorship', kind: 'table', name: 'mentor_reviews', status: 'missing', detail: 'no such table in the public schema' }]);
  });

  it('a target behind the expected shape is "N migrations pending", not a wall of drift', () => {
    const r = deep((s) => {
      s.migrations = ['0001_first'];
      delete s.schema.tables.users;
    });
    expect(problems(r)).toEqual([expect.objectContaining({ kind: 'migrations', name: 'pending', status: 'missing', detail: expect.stringMatching(/^1 migration pending \(0002_second\): run `recruit-db migrate`/) })]);
    const empty = deep((s) => {
      s.migrations = [];
    });
    expect(problems(empty).map((i) => i.detail)).toEqual([expect.stringMatching(/^2 migrations pending \(0001_first, 0002_second\)/)]);
    const ahead = deep((s) => {
      s.migrations = [...s.migrations, '0003_later'];
    });
    expect(brief(ahead)).toEqual([['migrations', 'unknown', 'unexpected']]);
  });

  it('the expected shape against the summary: a documented table the migrations do not create; a stale file', () => {
    const expected = cleanPgShape(MANIFEST);
    delete expected.schema.tables.badges;
    const r = verifyPostgres(MANIFEST, cleanPgShape(MANIFEST), { ...expectedOf(expected), files: ['0001_first', '0002_second', '0003_new'] });
    expect(problems(r).map((i) => [i.kind, i.name, i.status, i.detail])).toEqual([
      ['table', 'badges', 'missing', 'documented, but the migrations do not create it (expected-shape.txt)'],
      ['shape', 'expected shape', 'warning', 'expected-shape.txt is stale (not in it: 0003_new): regenerate it with `recruit-db schema dump`'],
      ['table', 'badges', 'unexpected', expect.stringMatching(/^live but not in the expected shape/)],
    ]);
  });

  it('an extension installed by hand is a warning; one the migrations installed, gone, is missing', () => {
    const extra = deep((s) => {
      s.extensions.pg_stat_statements = '1.10';
    });
    expect(problems(extra).map((i) => [i.kind, i.name, i.status])).toEqual([['extension', 'pg_stat_statements', 'warning']]);
    const gone = deep((s) => {
      delete s.extensions.plpgsql;
    });
    expect(brief(gone)).toEqual([['extension', 'plpgsql', 'missing']]);
  });

  it('bookkeeping tables are never drift', () => {
    const r = deep((s) => {
      s.schema.tables.recruit_db_meta = { ...s.schema.tables.recruit_db_lock, name: 'recruit_db_meta' };
    });
    expect(brief(r)).toEqual([]);
  });
});

describe('mongo against an expected shape, with capability variants', () => {
  /** The expected shape as the dump builds it: FerretDB-like baseline, each capability measured on its own. */
  function expected(): ReturnType<typeof expectedOf> {
    const clean = cleanMongoShape(MANIFEST);
    const ferret = ferretLikeMongoShape(MANIFEST);
    const onlyValidators = structuredClone(clean);
    for (const c of Object.values(onlyValidators.collections)) for (const i of c.indexes) delete i.expireAfterSeconds;
    const onlyTtl = structuredClone(ferret);
    for (const [name, c] of Object.entries(onlyTtl.collections)) c.indexes = structuredClone(clean.collections[name].indexes);
    const entries = combineVariants(mongoEntries(ferret), [
      { capability: 'jsonSchemaValidator', entries: mongoEntries(onlyValidators) },
      { capability: 'ttlIndex', entries: mongoEntries(onlyTtl) },
    ]);
    return { path: 'expected-shape.txt', migrations: clean.migrations, entries };
  }
  const run = (shape: MongoShape) => verifyMongo(MANIFEST, shape, expected());

  it('a real MongoDB is clean; FerretDB gets its variant and a warning per refused feature, naming it', () => {
    expect(brief(run(cleanMongoShape(MANIFEST)))).toEqual([]);
    const f = run(ferretLikeMongoShape(MANIFEST));
    expect(f.totals).toEqual({ ok: 11, warning: 14, missing: 0, different: 0, unexpected: 0 });
    for (const w of problems(f)) expect(w.detail).toMatch(/not supported by FerretDB 1\.24\.2/);
  });

  it('a per-document expiry (expireAfterSeconds 0) in the migrations keeps the documented TTL', () => {
    const s = cleanMongoShape(MANIFEST);
    s.collections.event_log.indexes[1] = { name: 'ttl_expire_at', key: { expireAt: 1 }, expireAfterSeconds: 0 };
    const r = verifyMongo(MANIFEST, s, expectedOf(s));
    expect(brief(r)).toEqual([]);
    expect(r.items.find((i) => i.kind === 'ttl' && i.name === 'event_log')?.detail).toMatch(/per-document expiry .* 30 days after/);
  });

  it('index dropped, extra index, unique made non-unique, validator edited, validation relaxed, TTL changed: one item each', () => {
    const s = cleanMongoShape(MANIFEST);
    s.collections.learning_progress.indexes.push({ name: 'extra_1', key: { extra: 1 } });
    s.collections.user_sessions.indexes = s.collections.user_sessions.indexes.filter((i) => i.name !== 'ttl_created_at');
    s.collections.event_log.indexes[1].expireAfterSeconds = 60;
    s.collections.xapi_statements.indexes.push({ name: 'statement_id', key: { id: 1 } });
    s.collections.search_logs.validator = { $jsonSchema: { bsonType: 'object', required: ['userId'] } };
    s.collections.course_engagement.validationAction = 'warn';
    const exp = expected();
    exp.entries.push({ kind: 'collection', name: 'xapi_statements', part: { kind: 'index', name: 'statement_id' }, value: { key: { id: 1 }, unique: true } });
    const r = verifyMongo(MANIFEST, s, exp);
    expect(brief(r)).toEqual([
      ['validationAction', 'course_engagement', 'different'],
      ['index', 'event_log.ttl_created_at', 'different'],
      ['index', 'learning_progress.extra_1', 'unexpected'],
      ['validator', 'search_logs', 'different'],
      ['index', 'user_sessions.ttl_created_at', 'missing'],
      ['index', 'xapi_statements.statement_id', 'different'],
    ]);
    expect(problems(r).find((i) => i.name === 'search_logs')?.detail).toBe('differs at $jsonSchema.required: expected absent, live ["userId"]');
    expect(problems(r).find((i) => i.name === 'xapi_statements.statement_id')).toMatchObject({ expected: '{"key":{"id":1},"unique":true}', live: '{"key":{"id":1}}' });
  });
});

describe('s3 judged by effect', () => {
  const d = desiredFor();
  const owner: BucketOwner = { account: '123456789012', how: 'test' };
  const run = (mutate: (b: ReturnType<typeof cleanBucket>) => void, o: BucketOwner = owner, desired = d) => {
    const b = cleanBucket(desired);
    mutate(b);
    return verifyS3(MANIFEST, b, desired, o);
  };
  const grant = { Sid: 'share-resumes', Effect: 'Allow' as const, Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::recruit-assets-test/users/resumes/*' };

  it('clean on https: the TLS-only statement and every setting ok', () => {
    const r = run(() => undefined);
    expect(brief(r)).toEqual([]);
    expect(r.items.find((i) => i.name === 'policy')?.detail).toBe('recruit-db-deny-insecure-transport: requests without TLS denied');
  });

  it('a statement granting another account read on users/resumes/* is drift; to the owner it is not; unknown owner says so', () => {
    expect(problems(run((b) => b.policy!.push(grant)))).toEqual([
      expect.objectContaining({ kind: 'bucket-setting', name: 'policy share-resumes', status: 'unexpected', detail: 'statement share-resumes grants s3:GetObject to account 222222222222, not the bucket owner (123456789012)' }),
    ]);
    expect(brief(run((b) => b.policy!.push({ ...grant, Principal: { AWS: 'arn:aws:iam::123456789012:role/app' } })))).toEqual([]);
    expect(problems(run((b) => b.policy!.push(grant), { how: 'STS GetCallerIdentity failed' }))).toEqual([
      expect.objectContaining({ status: 'warning', detail: expect.stringMatching(/the bucket owner's account is unknown \(STS GetCallerIdentity failed\)/) }),
    ]);
    expect(brief(run((b) => b.policy!.push({ ...grant, Principal: '*' })))).toEqual([['bucket-setting', 'policy share-resumes', 'unexpected']]);
    expect(brief(run((b) => b.policy!.push({ ...grant, Effect: 'Deny', Principal: '*' })))).toEqual([]);
    // Our own statement edited is "different"; removed is "missing".
    expect(brief(run((b) => (b.policy![0].Condition = { Bool: { 'aws:SecureTransport': 'true' } })))).toEqual([['bucket-setting', 'policy recruit-db-deny-insecure-transport', 'different']]);
    expect(brief(run((b) => (b.policy = [])))).toEqual([['bucket-setting', 'policy recruit-db-deny-insecure-transport', 'missing']]);
  });

  it('over plain http the TLS-only policy is a capability warning naming the endpoint', () => {
    const http = desiredFor(s3Config({ endpoint: 'http://127.0.0.1:5055' }));
    const r = run(() => undefined, owner, http);
    expect(problems(r)).toEqual([expect.objectContaining({ name: 'policy', status: 'warning', detail: expect.stringMatching(/^the TLS-only bucket policy not supported by http:\/\/127\.0\.0\.1:5055 \(plain-http endpoint/) })]);
  });

  it('ownership controls switched to ObjectWriter, versioning suspended', () => {
    expect(problems(run((b) => (b.ownership = 'ObjectWriter')))).toEqual([expect.objectContaining({ name: 'ownership', status: 'different', detail: 'expected BucketOwnerEnforced; live ObjectWriter: ACLs are in force' })]);
    expect(problems(run((b) => (b.versioning = 'Suspended')))).toEqual([expect.objectContaining({ name: 'versioning', status: 'different', expected: 'Enabled', live: 'Suspended' })]);
  });

  it('KMS: another account\'s key is drift naming both accounts; the configured key passes; unknown owner says so', () => {
    const foreign = { algorithm: 'aws:kms', kmsKeyId: 'arn:aws:kms:us-east-1:222222222222:key/k', bucketKeyEnabled: true };
    expect(problems(run((b) => (b.encryption = foreign)))[0]).toMatchObject({
      name: 'encryption',
      status: 'different',
      detail: expect.stringMatching(/a key of account 222222222222, not the bucket owner \(123456789012\)/),
    });
    expect(problems(run((b) => (b.encryption = foreign), { how: 'STS not answering' }))[0].detail).toMatch(/a key of account 222222222222; the bucket owner's account is unknown \(STS not answering\)/);
    const configured = desiredFor(s3Config({ kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/mine' }));
    expect(brief(run(() => undefined, owner, configured))).toEqual([]);
    expect(brief(run((b) => (b.encryption = foreign), owner, configured))).toEqual([['bucket-setting', 'encryption', 'different']]);
    expect(brief(run((b) => (b.encryption = { ...b.encryption!, bucketKeyEnabled: false }), owner, configured))).toEqual([['bucket-setting', 'encryption', 'different']]);
  });

  it('a foreign lifecycle rule expiring current objects on every prefix is drift; one on noncurrent versions or elsewhere is not', () => {
    const expire = { ID: 'cleanup', Status: 'Enabled' as const, Filter: { Prefix: '' }, Expiration: { Days: 1 } };
    expect(problems(run((b) => b.lifecycleRules!.push(expire)))).toEqual([
      expect.objectContaining({ name: 'lifecycle cleanup', status: 'unexpected', detail: expect.stringMatching(/^rule cleanup expires current objects after 1 day on every prefix/) }),
    ]);
    const r = run((b) => b.lifecycleRules!.push({ ...expire, Expiration: undefined, NoncurrentVersionExpiration: { NoncurrentDays: 5 } }, { ...expire, ID: 'exports', Filter: { Prefix: 'exports/' } }));
    expect(brief(r)).toEqual([]);
    expect(r.items.find((i) => i.name === 'lifecycle')?.detail).toMatch(/^also has rules cleanup \(affects only noncurrent versions.*\), exports \(expires current objects after 1 day under exports\/, outside the layout's prefixes\)$/);
    expect(brief(run((b) => (b.lifecycleRules![0].AbortIncompleteMultipartUpload = { DaysAfterInitiation: 1 })))).toEqual([['bucket-setting', 'lifecycle abort-incomplete-multipart-uploads', 'different']]);
  });

  it('CORS is compared exactly: "*" added is drift, another rule is drift', () => {
    expect(problems(run((b) => b.corsRules![0].AllowedOrigins!.push('*')))).toEqual([
      expect.objectContaining({ name: 'cors recruit-db-browser-uploads', status: 'different', detail: 'differs at AllowedOrigins: expected ["https://app.example.com"], live ["*","https://app.example.com"]' }),
    ]);
    expect(brief(run((b) => b.corsRules!.push({ AllowedOrigins: ['*'], AllowedMethods: ['GET'] })))).toEqual([['bucket-setting', 'cors #2', 'unexpected']]);
  });

  it('a missing marker, our tag changed (foreign tags left alone), a server without a feature', () => {
    expect(brief(run((b) => (b.markers = b.markers.filter((m) => m !== 'certificates/'))))).toEqual([['prefix', 'certificates/', 'missing']]);
    expect(brief(run((b) => (b.tags = { ...b.tags, app: 'someone-else' })))).toEqual([['bucket-setting', 'tag app', 'different']]);
    // The env tag is the bucket's store stamp, never re-tagged by the bootstrap: verify expects the kept one ...
    const kept = run((b) => (b.tags = { ...b.tags, env: 'production' }));
    expect(brief(kept)).toEqual([]);
    expect(kept.items.find((i) => i.name === 'tags')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^env production kept/) });
    // ... and one the bucket lacks is still missing.
    expect(brief(run((b) => (b.tags = Object.fromEntries(Object.entries(b.tags ?? {}).filter(([k]) => k !== 'env')))))).toEqual([['bucket-setting', 'tag env', 'missing']]);
    const r = run((b) => {
      b.versioning = undefined;
      b.capabilities = [{ store: 's3', feature: 'bucketVersioning', supported: false, server: 's3rver 3.7.1' }];
    });
    expect(problems(r)).toEqual([expect.objectContaining({ name: 'versioning', status: 'warning', detail: 'versioning not supported by s3rver 3.7.1' })]);
  });
});

describe('effect rules', () => {
  const owner = { account: '111122223333', how: 'test' };
  it('accounts of principals and keys', () => {
    expect([accountOf('111122223333'), accountOf('arn:aws:iam::111122223333:role/x'), accountOf('*')]).toEqual(['111122223333', '111122223333', undefined]);
    expect([kmsKeyAccount('arn:aws:kms:eu-west-1:444455556666:key/abc'), kmsKeyAccount('abc'), kmsKeyAccount('alias/x')]).toEqual(['444455556666', undefined, undefined]);
  });
  it('a service principal must be tied to the owner account by a source condition', () => {
    const cdn = { Effect: 'Allow' as const, Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };
    expect(statementGrant(cdn, owner).verdict).toBe('outside');
    expect(statementGrant({ ...cdn, Condition: { StringEquals: { 'AWS:SourceArn': 'arn:aws:cloudfront::111122223333:distribution/E1' } } }, owner).verdict).toBe('fine');
    expect(statementGrant({ ...cdn, Condition: { StringEquals: { 'aws:SourceAccount': '999999999999' } } }, owner).verdict).toBe('outside');
    expect(statementGrant({ ...cdn, NotPrincipal: { AWS: 'x' }, Principal: undefined }, owner).verdict).toBe('outside');
  });
  it('lifecycle rules by what they do to current objects', () => {
    const prefixes = ['users/resumes/', 'certificates/'];
    expect(lifecycleEffect({ Status: 'Enabled', Filter: { Prefix: 'users/' }, Transitions: [{ Days: 30, StorageClass: 'GLACIER' }] }, prefixes)).toEqual({ harmful: true, why: 'moves current objects to GLACIER after 30 days under users/resumes/' });
    expect(lifecycleEffect({ Status: 'Disabled', Filter: { Prefix: '' }, Expiration: { Days: 1 } }, prefixes).harmful).toBe(false);
    expect(lifecycleEffect({ Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { ExpiredObjectDeleteMarker: true } }, prefixes).harmful).toBe(false);
  });
});
