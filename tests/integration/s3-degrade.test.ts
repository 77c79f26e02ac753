import { HeadBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniquePrefixes } from '../../s3-layout';
import { runCli, type CliResult } from '../helpers/cli';
import { cliEnv, freshBucketName } from '../helpers/stores';
const S3rver = require('s3rver');

/*
 * s3rver (in-process) implements objects, buckets and CORS but not encryption, public access block,
 * lifecycle or tagging (501 NotImplemented), and treats PUT ?versioning as a bucket create: the
 * degrade path. It also checks access keys (its only account is S3RVER/S3RVER), which moto does not.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const dir = mkdtempSync(join(tmpdir(), 'rdb-s3rver-'));
let server: { close(cb: () => void): void };
let endpoint = '';
let client: S3Client;

beforeAll(async () => {
  server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir });
  const address = (await (server as unknown as { run(): Promise<{ port: number }> }).run()) as { port: number };
  endpoint = `http://127.0.0.1:${address.port}`;
  client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
});

afterAll(async () => {
  client?.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

function run(bucket: string, args: string[], over: Record<string, string> = {}): Promise<CliResult> {
  return runCli(['s3', ...args], { env: cliEnv({ AWS_ENDPOINT_URL_S3: endpoint, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', S3_BUCKET: bucket, ...over }) });
}

async function bucketExists(bucket: string): Promise<boolean> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch {
    return false;
  }
}

/** What s3rver lacks, plus the TLS-only policy its plain-http endpoint cannot have. */
const UNSUPPORTED = ['bucketEncryption', 'publicAccessBlock', 'bucketOwnership', 'bucketPolicy', 'bucketVersioning', 'bucketLifecycle', 'bucketTagging', 'tlsOnlyPolicy'];

describe('s3 bootstrap on s3rver (a server lacking most bucket settings)', () => {
  const bucket = freshBucketName('rdbs3rver');

  it('warns for each unsupported setting, naming it and the server, and applies the rest', async () => {
    const r = await run(bucket, ['bootstrap']);
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.stderr.trim().split('\n');
    // A new bucket is not read before it is written, and over plain http no policy is written: its
    // unreadable policy shows from the second run on.
    const firstRun = UNSUPPORTED.filter((f) => f !== 'bucketPolicy');
    expect(warnings).toHaveLength(firstRun.length);
    for (const feature of firstRun) {
      const server = feature === 'tlsOnlyPolicy' ? endpoint : `S3 server at ${endpoint}`;
      expect(warnings.find((w) => w.includes(`${feature} not supported by ${server}`)), feature).toMatch(/^recruit-db: warning: s3: .*the rest was applied$/);
    }
    expect(r.stderr).toMatch(/bucketVersioning.*BucketAlreadyExists/);
    expect(r.stdout).toMatch(/cors\s+create/);
    for (const prefix of uniquePrefixes()) {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: prefix }));
      expect(head.ContentLength, prefix).toBe(0);
    }
  });

  it('a second run changes nothing and still warns', async () => {
    const r = await run(bucket, ['bootstrap', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.changed).toBe(false);
    expect(j.capabilities.map((c: { feature: string }) => c.feature).sort()).toEqual([...UNSUPPORTED].sort());
    expect(j.capabilities.every((c: { supported: boolean; server: string }) => !c.supported && c.server.includes(endpoint))).toBe(true);
  });

  it('--strict turns the warnings into a failure (exit 1)', async () => {
    const r = await run(bucket, ['bootstrap', '--strict']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/recruit-db: error: s3: bucketVersioning not supported by .*--strict/);
  });

  it('status counts unsupported settings as warnings, not drift; --strict fails', async () => {
    const r = await run(bucket, ['status']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/versioning\s+unsupported/);
    expect(r.stdout).toContain('the bucket matches the layout');
    expect((await run(bucket, ['status', '--strict'])).code).toBe(1);
  });

  it('wrong credentials: one line, exit 2, nothing created, no secret echoed', async () => {
    const other = freshBucketName('rdbs3rver');
    const secret = 'wrong-secret-do-not-print-1234';
    const r = await run(other, ['bootstrap'], { AWS_ACCESS_KEY_ID: 'NOT-A-KEY', AWS_SECRET_ACCESS_KEY: secret });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^recruit-db: s3: credentials rejected by .*InvalidAccessKeyId.*hint: check AWS_ACCESS_KEY_ID/);
    expect(r.stdout + r.stderr).not.toContain(secret);
    expect(await bucketExists(other)).toBe(false);
  });
});
