import { CopyObjectCommand, DeleteBucketCommand, DeleteObjectCommand, DeleteObjectsCommand, ListBucketsCommand, ListObjectsV2Command, ListObjectVersionsCommand, PutBucketVersioningCommand, type S3Client } from '@aws-sdk/client-s3';
import { uniquePrefixes } from '../../../s3-layout';
import type { Config } from '../../config';
import { errorName } from '../../stores/s3/connect';
import { bootstrapS3 } from '../../stores/s3/migrate';
import { assertOwnedName } from '../names';

/**
 * S3 has no bucket clone: a stack gets a bucket of its own, brought to the layout by the same bootstrap
 * `migrate` runs (encryption, public access block, versioning, lifecycle, CORS, tags, markers), then
 * the template's objects copied server-side with CopyObject, a bounded number in flight. A shared bucket
 * with a key prefix per stack would be cheaper but is not isolation: the application's keys have no
 * room for a prefix, and bucket settings would be shared.
 */
/** Copies in flight per bucket: the fastest of 8, 16 and 32 against moto (bench/ci). */
export const COPY_CONCURRENCY = 32;

export interface CopyResult {
  objects: number;
}

// A ready template never changes (its name carries its key): its listing is read once per process.
const listings = new Map<string, string[]>();

async function keysOf(client: S3Client, bucket: string): Promise<string[]> {
  const known = listings.get(bucket);
  if (known) return known;
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = page.NextContinuationToken;
  } while (token);
  listings.set(bucket, keys);
  return keys;
}

async function bounded<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (next < items.length && failed === undefined) {
      const item = items[next++];
      try {
        await work(item);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failed !== undefined) throw failed;
}

const copySource = (bucket: string, key: string) => `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;

/** `stack` is the stack's configuration (its bucket in s3.bucket). */
export async function copyBucket(client: S3Client, stack: Config, from: string, opts: { concurrency?: number } = {}): Promise<CopyResult> {
  const to = stack.s3!.bucket;
  assertOwnedName(to);
  await bootstrapS3(stack, { client });
  // The bootstrap wrote the prefix markers; everything else comes from the template.
  const markers = new Set(uniquePrefixes());
  const keys = (await keysOf(client, from)).filter((k) => !markers.has(k));
  await bounded(keys, opts.concurrency ?? COPY_CONCURRENCY, (Key) => client.send(new CopyObjectCommand({ Bucket: to, Key, CopySource: copySource(from, Key) })));
  return { objects: keys.length };
}

type Version = { Key: string; VersionId?: string };

/** A page of versions in one DeleteObjects; where a server refuses that, one DeleteObject each, 8 at a time. */
async function deleteVersions(client: S3Client, bucket: string, versions: Version[]): Promise<void> {
  try {
    const r = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: versions, Quiet: true } }));
    if (!r.Errors?.length) return;
  } catch (err) {
    if (errorName(err) === 'NoSuchBucket') throw err;
  }
  await bounded(versions, 8, (v) => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: v.Key, VersionId: v.VersionId })));
}

/**
 * Every version and delete marker, then the bucket; a bucket already gone is fine. Versioning is
 * switched back on first: a test may have suspended it, and moto answers deletes of keys with a
 * delete marker with 500 while it is suspended.
 */
export async function dropBucket(client: S3Client, bucket: string): Promise<void> {
  assertOwnedName(bucket);
  listings.delete(bucket);
  try {
    await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } })).catch((err) => {
      if (errorName(err) === 'NoSuchBucket') throw err;
    });
    for (;;) {
      const page = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 1000 }));
      const all = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key!, VersionId: v.VersionId }));
      if (!all.length) break;
      await deleteVersions(client, bucket, all);
    }
    await client.send(new DeleteBucketCommand({ Bucket: bucket }));
  } catch (err) {
    if (errorName(err) !== 'NoSuchBucket') throw err;
  }
}

export async function bucketsNamed(client: S3Client, prefix: string): Promise<string[]> {
  const r = await client.send(new ListBucketsCommand({}));
  return (r.Buckets ?? []).map((b) => b.Name ?? '').filter((n) => n.startsWith(prefix)).sort();
}
