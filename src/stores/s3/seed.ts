import { createHash } from 'node:crypto';
import { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '../../config';
import { combineHashes, MultisetHash } from '../multiset';
import { s3Error } from './connect';

/**
 * Bulk writes for the seeder: concurrent PutObject with a bounded pool, plus the emptiness check,
 * deletion of seeded objects (never the prefix markers the bootstrap writes) and the content hash:
 * per prefix, a multiset hash of `key NUL md5` of every object, computed from the bodies as they are
 * uploaded and, for a read-back, from the listing (an object's ETag is the MD5 of its body when it
 * was put in one request without KMS encryption, which is how the seeder uploads).
 */

export const UPLOAD_CONCURRENCY = 16;

export interface UploadItem {
  key: string;
  contentType: string;
  cacheControl?: string;
  body: () => Buffer;
}

export interface ObjectHashes {
  /** combineHashes over the prefixes, in the order given. */
  hash: string;
  /** Objects per prefix. */
  objects: Record<string, number>;
  prefixes: Record<string, string>;
}

/** Per-prefix multiset hashes of `key NUL md5` items (one place for the write side and the read-back). */
class PrefixHashes {
  private readonly byPrefix = new Map<string, MultisetHash>();

  constructor(private readonly prefixes: readonly string[]) {
    for (const p of prefixes) this.byPrefix.set(p, new MultisetHash());
  }

  add(key: string, md5: string, prefix = this.prefixes.find((p) => key.startsWith(p))): void {
    if (prefix === undefined) throw new Error(`object ${key} is under none of the layout's prefixes`);
    this.byPrefix.get(prefix)!.add(`${key}\u0000${md5}`);
  }

  result(): ObjectHashes {
    const objects: Record<string, number> = {};
    const prefixes: Record<string, string> = {};
    for (const [p, h] of this.byPrefix) {
      objects[p] = h.count;
      prefixes[p] = h.digest();
    }
    return { hash: combineHashes(this.prefixes.map((p) => [p, prefixes[p]] as const)), objects, prefixes };
  }
}

/**
 * Uploads with at most `concurrency` requests in flight; items are pulled lazily from the iterable.
 * Returns the content hash of what was uploaded (see ObjectHashes), per prefix of `prefixes`.
 */
export async function uploadAll(
  client: S3Client,
  s3: S3Config,
  timeoutMs: number,
  items: Iterable<UploadItem>,
  prefixes: readonly string[],
  onObject: (item: UploadItem, bytes: number) => void = () => undefined,
  concurrency = UPLOAD_CONCURRENCY,
): Promise<ObjectHashes & { uploaded: number; hashMs: number }> {
  const it = items[Symbol.iterator]();
  const hashes = new PrefixHashes(prefixes);
  let done = 0;
  let hashMs = 0;
  let failed: unknown;
  const worker = async () => {
    for (;;) {
      if (failed) return;
      const next = it.next();
      if (next.done) return;
      const item = next.value;
      const body = item.body();
      const t0 = performance.now();
      const md5 = createHash('md5').update(body).digest('hex');
      hashMs += performance.now() - t0;
      try {
        await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: item.key, Body: body, ContentType: item.contentType, CacheControl: item.cacheControl }));
      } catch (err) {
        failed ??= s3Error(err, s3, timeoutMs, `uploading ${item.key}`);
        return;
      }
      done++;
      const t1 = performance.now();
      hashes.add(item.key, md5);
      hashMs += performance.now() - t1;
      onObject(item, body.length);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failed) throw failed;
  return { ...hashes.result(), uploaded: done, hashMs };
}

/** Every object key under `prefixes` except the prefix markers themselves. */
export async function* listSeeded(client: S3Client, bucket: string, prefixes: readonly string[], maxPerPrefix = Infinity): AsyncGenerator<{ key: string; etag: string; size: number }> {
  for (const prefix of prefixes) {
    let token: string | undefined;
    let n = 0;
    do {
      const r = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: Math.min(1000, maxPerPrefix + 1) }));
      for (const o of r.Contents ?? []) {
        if (!o.Key || o.Key === prefix) continue;
        yield { key: o.Key, etag: (o.ETag ?? '').replace(/"/g, ''), size: o.Size ?? 0 };
        if (++n >= maxPerPrefix) break;
      }
      token = n >= maxPerPrefix ? undefined : r.NextContinuationToken;
    } while (token);
  }
}

export async function nonEmptyPrefixes(client: S3Client, s3: S3Config, timeoutMs: number, prefixes: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  try {
    for (const p of prefixes) {
      for await (const _ of listSeeded(client, s3.bucket, [p], 1)) {
        out.push(p);
        break;
      }
    }
  } catch (err) {
    throw s3Error(err, s3, timeoutMs, 'listing the bucket');
  }
  return out;
}

/** Deletes every object under the prefixes except the markers; returns how many. */
export async function deleteSeeded(client: S3Client, s3: S3Config, timeoutMs: number, prefixes: readonly string[]): Promise<number> {
  let deleted = 0;
  try {
    for (const prefix of prefixes) {
      // Collect a page, delete it, list again: deleting while paginating would skip keys.
      for (;;) {
        const keys: string[] = [];
        for await (const o of listSeeded(client, s3.bucket, [prefix], 1000)) keys.push(o.key);
        if (!keys.length) break;
        await client.send(new DeleteObjectsCommand({ Bucket: s3.bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }));
        deleted += keys.length;
      }
    }
  } catch (err) {
    throw s3Error(err, s3, timeoutMs, 'deleting seeded objects');
  }
  return deleted;
}

/** Read-back: the content hash of the objects listed under each prefix (listed concurrently). */
export async function hashObjects(client: S3Client, s3: S3Config, timeoutMs: number, prefixes: readonly string[]): Promise<ObjectHashes> {
  const hashes = new PrefixHashes(prefixes);
  try {
    await Promise.all(
      prefixes.map(async (p) => {
        for await (const o of listSeeded(client, s3.bucket, [p])) hashes.add(o.key, o.etag, p);
      }),
    );
  } catch (err) {
    throw s3Error(err, s3, timeoutMs, 'listing the bucket');
  }
  return hashes.result();
}
