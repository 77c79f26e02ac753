import {
  DeleteBucketCommand,
  DeleteBucketEncryptionCommand,
  DeleteObjectCommand,
  GetBucketCorsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLocationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketLifecycleConfigurationCommand,
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
import { introspectS3 } from '../../src/stores/s3/introspect';
import { runCli, type CliResult } from '../helpers/cli';
import { baseConfig, cliEnv, freshBucketName } from '../helpers/stores';

// The CLI runs from dist/: build first (npx tsc -p tsconfig.json), as tests/helpers/cli.ts says.
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
    expect(out.items).toHaveLength(7 + uniquePrefixes().length);
    expect(out.items.every((i: { action: string }) => i.action === 'create')).toBe(true);
    expect(await exists(client, bucket)).toBe(false);
  });

  it('creates the bucket, its hardening and one marker per prefix', async () => {
    const r = await s3(bucket, ['bootstrap']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/create 16, update 0/);
    expect(r.stderr).toBe('');

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
    expect(j.items.every((i: { action: string }) => i.action === 'unchanged')).toBe(true);
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

  it('status reports drift (deleted marker, suspended versioning, removed encryption) with exit 1; bootstrap repairs it', async () => {
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'materials/' }));
    await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Suspended' } }));
    await client.send(new DeleteBucketEncryptionCommand({ Bucket: bucket }));

    const r = await s3(bucket, ['status']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/drift: .*encryption missing.*versioning drift.*marker materials\/ missing/);
    const j = JSON.parse((await s3(bucket, ['status', '--json'])).stdout);
    const state = Object.fromEntries(j.items.map((i: { name: string; state: string }) => [i.name, i.state]));
    expect(state).toMatchObject({ 'marker materials/': 'missing', versioning: 'drift', encryption: 'missing', 'marker users/profiles/': 'ok', cors: 'ok' });
    expect(j.drift).toBe(true);
    expect(j.shape.versioning).toBe('Suspended');

    const fix = await s3(bucket, ['bootstrap']);
    expect(fix.code).toBe(0);
    expect(fix.stdout).toMatch(/create 2, update 1; 13 unchanged/);
    expect((await s3(bucket, ['status'])).code).toBe(0);
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
      expect(before.entries).toHaveLength(16);
      expect(before.entries.every((e) => e.state === 'pending')).toBe(true);

      const dry = await m.up({ dryRun: true });
      expect(dry.done).toEqual([]);
      expect(dry.plan).toContain('create bucket');

      const up = await m.up({});
      expect(up.done).toContain('versioning');
      expect(up.done).toHaveLength(16);
      const again = await m.up({});
      expect(again.done).toEqual([]);
      expect(again.notes.join(' ')).toMatch(/no changes/);

      const after = await m.status();
      expect(after.entries.map((e) => e.state)).toEqual(Array(16).fill('applied'));
      expect(after.entries.map((e) => e.name)).toEqual(expect.arrayContaining(['bucket', 'encryption', 'public access block', 'versioning', 'lifecycle', 'cors', 'tags', 'marker certificates/']));

      const down = m.down({ all: true });
      await expect(down).rejects.toBeInstanceOf(RecruitDbError);
      await expect(down).rejects.toMatchObject({ code: 'not-reversible', message: expect.stringMatching(/buckets hold user data/) });
    } finally {
      await m.close();
    }
  });
});
