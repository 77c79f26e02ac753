import { describe, expect, it } from 'vitest';
import { DEFAULT_LOCKS, type Config } from '../../src/config';
import { RecruitDbError } from '../../src/errors';
import { bucketNameProblem, s3Error } from '../../src/stores/s3/connect';
import type { BucketSettings } from '../../src/stores/s3/introspect';
import { desiredBucket, mergedCors, mergedLifecycle, mergedPolicy, mergedTags, planBootstrap } from '../../src/stores/s3/migrate';

function config(over: Partial<NonNullable<Config['s3']>> = {}, env: Config['env'] = 'test'): Config {
  return {
    env,
    timeoutMs: 1000,
    locks: { ...DEFAULT_LOCKS },
    s3: { endpoint: 'http://127.0.0.1:1', region: 'us-east-1', bucket: 'recruit-assets', forcePathStyle: true, webOrigins: ['http://localhost:3000'], accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'super-secret-value', ...over },
  };
}

const desired = desiredBucket(config());

/** A live bucket exactly as the bootstrap leaves it. */
function matching(): BucketSettings {
  return {
    bucket: 'recruit-assets',
    exists: true,
    server: 'moto at http://127.0.0.1:1',
    markers: [...desired.markers],
    versioning: 'Enabled',
    encryption: { algorithm: 'AES256', bucketKeyEnabled: false },
    publicAccessBlock: { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true },
    ownership: 'BucketOwnerEnforced',
    policy: [],
    // As servers send them back: Filter with an empty prefix, rule order not ours.
    lifecycleRules: [...desired.lifecycleRules].reverse().map((r) => ({ ...r, Filter: { Prefix: '' } })),
    corsRules: [{ ...desired.corsRule!, AllowedMethods: ['HEAD', 'GET', 'POST', 'PUT'] }],
    tags: { app: 'recruit-db', env: 'test', owner: 'platform-team' },
    capabilities: [],
  };
}

const actions = (s: BucketSettings) => Object.fromEntries(planBootstrap(desired, s).map((i) => [i.name, i.action]));

describe('planBootstrap', () => {
  it('plans every item as create for a missing bucket', () => {
    const items = planBootstrap(desired, { bucket: 'recruit-assets', exists: false, server: 'x', markers: [], capabilities: [] });
    // bucket, encryption, public access block, ownership, policy (unsupported over plain http), versioning, lifecycle, cors, tags
    expect(items).toHaveLength(9 + 9);
    expect(items.filter((i) => i.action !== 'create').map((i) => [i.name, i.action])).toEqual([['policy', 'unsupported']]);
  });

  it('plans nothing for a bucket that matches (idempotence); over plain http the TLS-only policy is unsupported', () => {
    const { policy, ...rest } = actions(matching());
    expect(Object.values(rest).every((a) => a === 'unchanged')).toBe(true);
    expect(policy).toBe('unsupported');
  });

  it('sees each kind of drift', () => {
    const s = matching();
    s.markers = s.markers.filter((m) => m !== 'materials/');
    s.versioning = 'Suspended';
    s.encryption = null;
    s.publicAccessBlock = { ...s.publicAccessBlock!, restrictPublicBuckets: false };
    s.lifecycleRules = s.lifecycleRules!.map((r) => (r.NoncurrentVersionExpiration ? { ...r, NoncurrentVersionExpiration: { NoncurrentDays: 1 } } : r));
    s.corsRules = [{ ...s.corsRules![0], AllowedOrigins: ['https://evil.example'] }];
    s.tags = { app: 'someone-else', env: 'test' };
    s.ownership = 'ObjectWriter';
    expect(actions(s)).toMatchObject({
      ownership: 'update',
      'marker materials/': 'create',
      'marker users/profiles/': 'unchanged',
      versioning: 'update',
      encryption: 'create',
      'public access block': 'update',
      lifecycle: 'update',
      cors: 'update',
      tags: 'update',
      bucket: 'unchanged',
    });
  });

  it('treats a lifecycle rule of ours that also expires current objects as drift', () => {
    const s = matching();
    s.lifecycleRules = s.lifecycleRules!.map((r) => ({ ...r, Expiration: { Days: 1 } }));
    expect(actions(s).lifecycle).toBe('update');
  });

  it('encryption is exactly the configured one: another KMS key is replaced, the configured key needs its bucket key', () => {
    const s = matching();
    s.encryption = { algorithm: 'aws:kms', kmsKeyId: 'arn:aws:kms:us-east-1:222222222222:key/other', bucketKeyEnabled: true };
    expect(actions(s).encryption).toBe('update');
    const key = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const kms = desiredBucket(config({ kmsKeyId: key }));
    expect(kms.encryption).toEqual({ algorithm: 'aws:kms', kmsKeyId: key, bucketKeyEnabled: true });
    const plan = (e: BucketSettings['encryption']) => planBootstrap(kms, { ...matching(), encryption: e }).find((i) => i.name === 'encryption')!.action;
    expect(plan({ algorithm: 'aws:kms', kmsKeyId: key, bucketKeyEnabled: true })).toBe('unchanged');
    // The same key named by its id alone is the same key.
    expect(plan({ algorithm: 'aws:kms', kmsKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab', bucketKeyEnabled: true })).toBe('unchanged');
    expect(plan({ algorithm: 'aws:kms', kmsKeyId: key, bucketKeyEnabled: false })).toBe('update');
    expect(plan({ algorithm: 'AES256', bucketKeyEnabled: false })).toBe('update');
  });

  it('ownership controls: BucketOwnerEnforced (ACLs off) is set on a bucket without them', () => {
    expect(desired.ownership).toBe('BucketOwnerEnforced');
    expect(actions({ ...matching(), ownership: null }).ownership).toBe('create');
    expect(actions({ ...matching(), ownership: 'BucketOwnerPreferred' }).ownership).toBe('update');
  });

  it('TLS-only policy: applied on https and AWS endpoints, a capability note over plain http', () => {
    expect(desired.policyStatements).toEqual([]);
    expect(desired.capabilities).toEqual([expect.objectContaining({ feature: 'tlsOnlyPolicy', supported: false, reason: expect.stringMatching(/plain-http endpoint/) })]);
    for (const endpoint of ['https://s3.example.test', undefined]) {
      const d = desiredBucket(config({ endpoint }));
      expect(d.capabilities).toEqual([]);
      expect(d.policyStatements).toEqual([
        {
          Sid: 'recruit-db-deny-insecure-transport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: ['arn:aws:s3:::recruit-assets', 'arn:aws:s3:::recruit-assets/*'],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ]);
      const plan = (policy: BucketSettings['policy']) => planBootstrap(d, { ...matching(), policy }).find((i) => i.name === 'policy')!.action;
      expect(plan([])).toBe('create');
      expect(plan(structuredClone(d.policyStatements))).toBe('unchanged');
      expect(plan([{ ...d.policyStatements[0], Resource: 'arn:aws:s3:::recruit-assets' }])).toBe('update');
      // Other statements are kept; ours is replaced by Sid.
      const other = { Sid: 'cdn-read', Effect: 'Allow' as const, Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::recruit-assets/users/profiles/*' };
      expect(mergedPolicy(d, [other, { ...d.policyStatements[0], Effect: 'Allow' }])).toEqual([other, d.policyStatements[0]]);
    }
  });

  it('marks settings the server does not support as unsupported, never as create', () => {
    const s = matching();
    s.versioning = undefined;
    s.capabilities = [{ store: 's3', feature: 'bucketVersioning', supported: false, server: 's3rver' }];
    expect(actions(s).versioning).toBe('unsupported');
  });
});

describe('merging with what others put on the bucket', () => {
  it('keeps foreign lifecycle rules, CORS rules and tags', () => {
    const foreign = { ID: 'team-archive', Status: 'Enabled' as const, Filter: { Prefix: 'exports/' }, Expiration: { Days: 90 } };
    expect(mergedLifecycle(desired, [foreign, { ID: 'expire-noncurrent-versions', Status: 'Disabled' }]).map((r) => r.ID)).toEqual(['team-archive', 'abort-incomplete-multipart-uploads', 'expire-noncurrent-versions']);
    const otherCors = { AllowedOrigins: ['https://admin.example.com'], AllowedMethods: ['GET'] };
    const cors = mergedCors(desired, [otherCors, { ID: 'recruit-db-browser-uploads', AllowedOrigins: ['http://old'], AllowedMethods: ['GET'] }]);
    expect(cors).toEqual([otherCors, desired.corsRule]);
    expect(mergedTags(desired, { owner: 'team', app: 'old' })).toEqual({ owner: 'team', env: 'test', app: 'recruit-db' });
  });

  it('never re-tags the env of a bucket bootstrapped for another environment (its store stamp)', () => {
    const s = matching();
    s.tags = { app: 'recruit-db', env: 'production' };
    const tags = planBootstrap(desired, s).find((i) => i.kind === 'tags')!;
    expect(tags.action).toBe('unchanged');
    expect(tags.detail).toMatch(/env kept: the bucket was bootstrapped for production, the configuration says test/);
    expect(mergedTags(desired, { owner: 'team', env: 'production' })).toEqual({ owner: 'team', env: 'production', app: 'recruit-db' });
  });
});

describe('input checked before any call', () => {
  it('applies S3 bucket naming rules', () => {
    for (const ok of ['abc', 'recruit-assets', 'a.b-c.1', 'x'.repeat(63)]) expect(bucketNameProblem(ok)).toBeUndefined();
    for (const bad of ['ab', 'x'.repeat(64), 'Recruit', 'has_underscore', '-start', 'end-', 'a..b', '192.168.1.1', 'xn--abc', 'sthree-x', 'name-s3alias', 'name--ol-s3', 'a b']) {
      expect(bucketNameProblem(bad), bad).toBeDefined();
    }
  });

  it('refuses a bad bucket name or web origin in desiredBucket', () => {
    expect(() => desiredBucket(config({ bucket: 'Bad_Bucket' }))).toThrow(/invalid bucket name "Bad_Bucket"/);
    for (const origin of ['localhost:3000', 'https://app.example.com/path', 'https://*.*.example.com']) {
      expect(() => desiredBucket(config({ webOrigins: [origin] }))).toThrow(RecruitDbError);
    }
    expect(desiredBucket(config({ webOrigins: ['https://*.example.com', '*'] })).corsRule?.AllowedOrigins).toEqual(['https://*.example.com', '*']);
    expect(desiredBucket(config({ webOrigins: [] })).corsRule).toBeNull();
  });

  it('refuses a production bucket without explicit https web origins, naming the problem and the fix', () => {
    const prod = (over: Partial<NonNullable<Config['s3']>>) => () => desiredBucket(config(over, 'production'));
    expect(prod({ webOriginsConfigured: false })).toThrow(/production bucket without explicit https web origins: RECRUIT_DB_WEB_ORIGINS is not set, so the bucket's CORS would allow the development default http:\/\/localhost:3000/);
    expect(prod({ webOrigins: ['https://app.example.com', 'http://localhost:3000'], webOriginsConfigured: true })).toThrow(/"http:\/\/localhost:3000", which is not an https origin/);
    expect(prod({ webOrigins: ['*'], webOriginsConfigured: true })).toThrow(/"\*", which is not an https origin/);
    expect(prod({ webOrigins: [], webOriginsConfigured: true })).toThrow(/names no origin/);
    try {
      prod({ webOriginsConfigured: false })();
    } catch (err) {
      expect((err as RecruitDbError).hint).toMatch(/RECRUIT_DB_WEB_ORIGINS=https:\/\/app\.example\.com/);
      expect((err as RecruitDbError).exitCode).toBe(2);
    }
    expect(desiredBucket(config({ webOrigins: ['https://app.example.com'], webOriginsConfigured: true }, 'production')).corsRule?.AllowedOrigins).toEqual(['https://app.example.com']);
    // Elsewhere the development default stands.
    expect(desiredBucket(config({ webOriginsConfigured: false }, 'staging')).corsRule?.AllowedOrigins).toEqual(['http://localhost:3000']);
  });

  it('puts a LocationConstraint only outside us-east-1 (region shown in the plan)', () => {
    const eu = desiredBucket(config({ region: 'eu-west-1' }));
    expect(planBootstrap(eu, { bucket: 'recruit-assets', exists: false, server: 'x', markers: [], capabilities: [] })[0].detail).toBe('region eu-west-1');
  });
});

describe('s3Error', () => {
  const s3 = config().s3!;
  const tr = (err: unknown) => s3Error(err, s3, 1000, 'setting versioning');

  it('names wrong credentials and never echoes the secret', () => {
    for (const name of ['InvalidAccessKeyId', 'SignatureDoesNotMatch']) {
      const e = tr({ name, message: `bad key super-secret-value`, $metadata: { httpStatusCode: 403 } });
      expect(e.code).toBe('auth-failed');
      expect(e.oneLine()).toMatch(/credentials rejected/);
      expect(e.exitCode).toBe(2);
    }
  });

  it('names a 403 as access denied to the bucket, and says where it happened', () => {
    const e = tr({ name: 'AccessDenied', message: 'Access Denied', $metadata: { httpStatusCode: 403 } });
    expect(e.code).toBe('forbidden');
    expect(e.message).toMatch(/^setting versioning: access denied to bucket "recruit-assets"/);
  });

  it('names a refused connection', () => {
    expect(tr({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }).oneLine()).toMatch(/connection refused at http:\/\/127\.0\.0\.1:1/);
  });
});
