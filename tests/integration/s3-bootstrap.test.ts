import {
  DeleteBucketCommand,
  DeleteBucketEncryptionCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectCommand,
  GetBucketCorsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { uniquePrefixes } from '../../s3-layout';
import type { Config } from '../../src/config';
import { RecruitDbError } from '../../src/errors';
import { openMigrator } from '../../src/stores/migrator';
import { createS3Client } from '../../src/stores/s3/connect';
import { introspectS3, readBucket } from '../../src/stores/s3/introspect';
import { bootstrapS3 } from '../../src/stores/s3/migrate';
import { runCli, type CliResult } from '../helpers/cli';
import { baseConfig, cliEnv, freshBucketName } from '../helpers/stores';

// The CLI runs from dist/: build first (npm run build), as tests/helpers/cli.ts says.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const base = baseConfig();
const secret = base.s3!.secretAccessKey!;
const created: Array<{ bucket: string; region: string }> = [];

function clientFor(region = base.s3!.region): S3Client {
  return createS3Client({ ...base.s3!, region }, 10_000);
}

function fresh(region = base.s3!.region): string {
  const bucket = freshBucketName('rdbs3');
  created.push({ bucket, region });
  return bucket;
}

async function s3(bucket: string, args: string[], extra: Record<string, string> = {}): Promise<CliResult> {
  const r = await runCli(['s3', ...args], { env: cliEnv({ S3_BUCKET: bucket, ...extra }) });
  expect(r.stdout + r.stderr).not.toContain(secret);
  return r;
}

async function exists(client: S3Client, bucket: string): Promise<boolean> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (err) {
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw err;
  }
}

/** Versioned buckets keep every version: all of them go before the bucket can (one by one: moto 5.2 answers 500 to some DeleteObjects batches). */
async function destroy(bucket: string, region: string): Promise<void> {
  const client = clientFor(region);
  try {
    if (!(await exists(client, bucket))) return;
    const v = await client.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    for (const o of [...(v.Versions ?? []), ...(v.DeleteMarkers ?? [])]) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key!, VersionId: o.VersionId }));
    await client.send(new DeleteBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
}

afterAll(async () => {
  const failures: string[] = [];
  // Every bucket gets its chance even if one cannot be removed; then the test run says which.
  for (const b of created) await destroy(b.bucket, b.region).catch((err: Error) => failures.push(`${b.bucket}: ${err.name}`));
  expect(failures).toEqual([]);
});

describe('s3 bootstrap against moto', () => {
  const bucket = fresh();
  const client = clientFor();
  afterAll(() => client.destroy());

  it('--dry-run on a fresh bucket plans every item as create and changes nothing', async () => {
    const r = await s3(bucket, ['bootstrap', '--dry-run', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.dryRun).toBe(true);
    // bucket, encryption, public access block, ownership, policy, versioning, lifecycle, cors, tags
    expect(out.items).toHaveLength(9 + uniquePrefixes().length);
    // moto listens on plain http: the TLS-only deny would refuse every request, so it is a capability note.
    expect(out.items.filter((i: { action: string }) => i.action !== 'create')).toEqual([{ name: 'policy', kind: 'policy', action: 'unsupported', detail: 'TLS-only deny not applied: plain-http endpoint' }]);
    expect(out.capabilities).toEqual([expect.objectContaining({ feature: 'tlsOnlyPolicy', supported: false })]);
    expect(await exists(client, bucket)).toBe(false);
  });

  it('creates the bucket, its hardening and one marker per prefix', async () => {
    const r = await s3(bucket, ['bootstrap']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/create 17, update 0/);
    expect(r.stderr.trim()).toMatch(/^recruit-db: warning: s3: tlsOnlyPolicy not supported by http:\/\/127\.0\.0\.1:\d+ \(plain-http endpoint: .*\); the rest was applied$/);

    const Bucket = bucket;
    const enc = await client.send(new GetBucketEncryptionCommand({ Bucket }));
    expect(enc.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('AES256');
    const pab = await client.send(new GetPublicAccessBlockCommand({ Bucket }));
    expect(pab.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    expect((await client.send(new GetBucketVersioningCommand({ Bucket }))).Status).toBe('Enabled');
    const lc = await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket }));
    const rules = Object.fromEntries((lc.Rules ?? []).map((x) => [x.ID, x]));
    expect(rules['abort-incomplete-multipart-uploads']?.AbortIncompleteMultipartUpload?.DaysAfterInitiation).toBe(7);
    expect(rules['expire-noncurrent-versions']?.NoncurrentVersionExpiration?.NoncurrentDays).toBe(30);
    const cors = await client.send(new GetBucketCorsCommand({ Bucket }));
    expect(cors.CORSRules).toHaveLength(1);
    expect(cors.CORSRules![0]).toMatchObject({ AllowedOrigins: ['http://localhost:3000'], ExposeHeaders: ['ETag'] });
    expect(new Set(cors.CORSRules![0].AllowedMethods)).toEqual(new Set(['PUT', 'POST', 'GET', 'HEAD']));
    const tags = await client.send(new GetBucketTaggingCommand({ Bucket }));
    expect(Object.fromEntries(tags.TagSet!.map((t) => [t.Key, t.Value]))).toEqual({ app: 'recruit-db', env: 'test' });
    expect((await client.send(new GetBucketOwnershipControlsCommand({ Bucket }))).OwnershipControls?.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    await expect(client.send(new GetBucketPolicyCommand({ Bucket }))).rejects.toMatchObject({ name: 'NoSuchBucketPolicy' });
    for (const prefix of uniquePrefixes()) {
      const head = await client.send(new HeadObjectCommand({ Bucket, Key: prefix }));
      expect(head.ContentLength, prefix).toBe(0);
    }
  });

  it('a second run reports no changes', async () => {
    const r = await s3(bucket, ['bootstrap']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no changes: the bucket already matches the layout');
    const j = JSON.parse((await s3(bucket, ['bootstrap', '--json'])).stdout);
    expect(j.changed).toBe(false);
    expect(j.items.filter((i: { action: string }) => i.action !== 'unchanged').map((i: { name: string }) => i.name)).toEqual(['policy']);
  });

  it('status matches the layout, and introspect gives the shape verify reads', async () => {
    const r = await s3(bucket, ['status']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('the bucket matches the layout');
    const config: Config = { ...base, env: 'test', s3: { ...base.s3!, bucket } };
    const shape = await introspectS3(client, config);
    expect(shape).toMatchObject({ exists: true, versioning: 'Enabled', encryption: 'AES256', corsOrigins: ['http://localhost:3000'], tags: { app: 'recruit-db', env: 'test' }, capabilities: [] });
    expect(shape.markers).toEqual(uniquePrefixes());
    expect(shape.lifecycleRuleIds?.sort()).toEqual(['abort-incomplete-multipart-uploads', 'expire-noncurrent-versions']);
    expect(shape.publicAccessBlock).toEqual({ blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true });
  });

  it('status reports drift (deleted marker, suspended versioning, removed encryption, ACLs back on) with exit 1; bootstrap repairs it', async () => {
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'materials/' }));
    await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Suspended' } }));
    await client.send(new DeleteBucketEncryptionCommand({ Bucket: bucket }));
    await client.send(new PutBucketOwnershipControlsCommand({ Bucket: bucket, OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] } }));

    const r = await s3(bucket, ['status']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/drift: .*encryption missing.*versioning drift.*marker materials\/ missing/);
    const j = JSON.parse((await s3(bucket, ['status', '--json'])).stdout);
    const state = Object.fromEntries(j.items.map((i: { name: string; state: string }) => [i.name, i.state]));
    expect(state).toMatchObject({ 'marker materials/': 'missing', versioning: 'drift', encryption: 'missing', ownership: 'drift', 'marker users/profiles/': 'ok', cors: 'ok', policy: 'unsupported' });
    expect(j.drift).toBe(true);
    expect(j.shape.versioning).toBe('Suspended');

    const fix = await s3(bucket, ['bootstrap']);
    expect(fix.code).toBe(0);
    expect(fix.stdout).toMatch(/create 2, update 2; 13 unchanged/);
    expect((await s3(bucket, ['status'])).code).toBe(0);
    expect((await client.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }))).OwnershipControls?.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
  });
});

describe('the layout change of issue 14 on a bucket the previous release bootstrapped', () => {
  // The previous release's bootstrap left a plain SSE-S3 rule and no policy: what a bucket has
  // before this layout change reaches it.
  it('the configured KMS key with a bucket key replaces SSE-S3, once', async () => {
    const bucket = fresh();
    const client = clientFor();
    const key = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    try {
      expect((await s3(bucket, ['bootstrap'])).code).toBe(0);
      const kms: Config = { ...base, env: 'test', s3: { ...base.s3!, bucket, kmsKeyId: key } };
      const first = await bootstrapS3(kms, { client });
      expect(first.items.filter((i) => i.action === 'update').map((i) => [i.name, i.detail])).toEqual([
        ['encryption', `SSE-KMS aws:kms key ${key}, bucket key on (now SSE-S3 AES256)`],
      ]);
      const enc = await client.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
      expect(enc.ServerSideEncryptionConfiguration?.Rules).toEqual([{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key }, BucketKeyEnabled: true }]);
      expect((await readBucket(client, kms.s3!, 10_000)).encryption).toEqual({ algorithm: 'aws:kms', kmsKeyId: key, bucketKeyEnabled: true });
      const second = await bootstrapS3(kms, { client });
      expect(second.changed).toBe(false);
      // Without the setting, the layout asks for SSE-S3 again: another key is never "good enough".
      const back = await s3(bucket, ['bootstrap', '--dry-run']);
      expect(back.stdout).toMatch(/encryption\s+update\s+SSE-S3 AES256 \(now SSE-KMS aws:kms key /);
    } finally {
      client.destroy();
    }
  });

  it('the TLS-only statement joins the policy on an https endpoint, a foreign statement kept; moto enforces it, which is why plain http never gets it', async () => {
    const bucket = fresh();
    const client = clientFor();
    // The decision follows the configured endpoint; the requests go to moto through the client.
    const tls: Config = { ...base, env: 'test', s3: { ...base.s3!, bucket, endpoint: 'https://s3.example.test' } };
    try {
      expect((await s3(bucket, ['bootstrap'])).code).toBe(0);
      const foreign = { Sid: 'cdn-read', Effect: 'Allow', Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/users/profiles/*`, Condition: { StringEquals: { 'AWS:SourceAccount': '123456789012' } } };
      await client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [foreign] }) }));

      const r = await bootstrapS3(tls, { client });
      expect(r.items.filter((i) => i.action !== 'unchanged').map((i) => [i.name, i.action])).toEqual([['policy', 'create']]);
      expect(r.capabilities).toEqual([]);
      const policy = JSON.parse((await client.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy!);
      expect(policy.Statement).toEqual([
        foreign,
        {
          Sid: 'recruit-db-deny-insecure-transport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ]);
      // Over plain http the bucket now refuses its owner too.
      await expect(client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'certificates/' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    } finally {
      // The owner may always remove a bucket policy, which gives the bucket back for cleanup.
      await client.send(new DeleteBucketPolicyCommand({ Bucket: bucket })).catch(() => undefined);
      client.destroy();
    }
  });
});

describe('s3 bootstrap on a bucket others already use', () => {
  it('keeps foreign lifecycle rules and tags while adding its own', async () => {
    const bucket = fresh();
    const client = clientFor();
    try {
      expect((await s3(bucket, ['bootstrap'])).code).toBe(0);
      await client.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [{ Key: 'owner', Value: 'platform-team' }] } }));
      await client.send(
        new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules: [{ ID: 'team-exports', Status: 'Enabled', Filter: { Prefix: 'exports/' }, Expiration: { Days: 90 } }] } }),
      );
      const r = await s3(bucket, ['bootstrap']);
      expect(r.stdout).toMatch(/lifecycle\s+create/);
      expect(r.stdout).toMatch(/tags\s+create/);
      const tags = await client.send(new GetBucketTaggingCommand({ Bucket: bucket }));
      expect(Object.fromEntries(tags.TagSet!.map((t) => [t.Key, t.Value]))).toEqual({ owner: 'platform-team', app: 'recruit-db', env: 'test' });
      const lc = await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
      expect(lc.Rules!.map((x) => x.ID).sort()).toEqual(['abort-incomplete-multipart-uploads', 'expire-noncurrent-versions', 'team-exports']);
    } finally {
      client.destroy();
    }
  });

  it('creates the bucket in the configured region (LocationConstraint outside us-east-1)', async () => {
    const bucket = fresh('eu-west-1');
    const r = await s3(bucket, ['bootstrap'], { AWS_REGION: 'eu-west-1' });
    expect(r.code, r.stderr).toBe(0);
    const client = clientFor('eu-west-1');
    try {
      expect((await client.send(new GetBucketLocationCommand({ Bucket: bucket }))).LocationConstraint).toBe('eu-west-1');
    } finally {
      client.destroy();
    }
  });
});

describe('the S3 StoreMigrator', () => {
  it('up bootstraps, status lists every item, down refuses', async () => {
    const bucket = fresh();
    const config: Config = { ...base, env: 'test', s3: { ...base.s3!, bucket } };
    const m = await openMigrator('s3', config);
    try {
      const before = await m.status();
      // Every item but the TLS-only policy, which plain http cannot have (a capability, neither applied nor pending).
      expect(before.entries).toHaveLength(17);
      expect(before.capabilities).toEqual([expect.objectContaining({ feature: 'tlsOnlyPolicy', supported: false })]);
      expect(before.entries.every((e) => e.state === 'pending')).toBe(true);

      const dry = await m.up({ dryRun: true });
      expect(dry.done).toEqual([]);
      expect(dry.plan).toContain('create bucket');

      const up = await m.up({});
      expect(up.done).toContain('versioning');
      expect(up.done).toHaveLength(17);
      const again = await m.up({});
      expect(again.done).toEqual([]);
      expect(again.notes.join(' ')).toMatch(/no changes/);

      const after = await m.status();
      expect(after.entries.map((e) => e.state)).toEqual(Array(17).fill('applied'));
      expect(after.entries.map((e) => e.name)).toEqual(expect.arrayContaining(['bucket', 'encryption', 'public access block', 'ownership', 'versioning', 'lifecycle', 'cors', 'tags', 'marker certificates/']));

      const down = m.down({ all: true });
      await expect(down).rejects.toBeInstanceOf(RecruitDbError);
      await expect(down).rejects.toMatchObject({ code: 'not-reversible', message: expect.stringMatching(/buckets hold user data/) });
    } finally {
      await m.close();
    }
  });
});
