import { describe, expect, it } from 'vitest';
import { DEFAULT_LOCKS, type Config } from '../../src/config';
import { RecruitDbError } from '../../src/errors';
import { bucketNameProblem, s3Error } from '../../src/stores/s3/connect';
import type { BucketSettings } from '../../src/stores/s3/introspect';
import { desiredBucket, mergedCors, mergedLifecycle, mergedTags, planBootstrap } from '../../src/stores/s3/migrate';

function config(over: Partial<NonNullable<Config['s3']>> = {}): Config {
  return {
    env: 'test',
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
    encryption: 'AES256',
    publicAccessBlock: { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true },
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
    expect(items).toHaveLength(7 + 9);
    expect(items.every((i) => i.action === 'create')).toBe(true);
  });

  it('plans nothing for a bucket that matches (idempotence)', () => {
    expect(Object.values(actions(matching())).every((a) => a === 'unchanged')).toBe(true);
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
    expect(actions(s)).toMatchObject({
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

  it('keeps a stronger KMS default encryption instead of replacing it', () => {
    const s = matching();
    s.encryption = 'aws:kms';
    expect(actions(s).encryption).toBe('unchanged');
    s.encryption = 'something-else';
    expect(actions(s).encryption).toBe('update');
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
