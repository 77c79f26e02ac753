import { createHash } from 'node:crypto';
import { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '../../config';
import { s3Error } from './connect';

/**
 * Bulk writes for the seeder: concurrent PutObject with a bounded pool, plus the emptiness check,
 * deletion of seeded objects (never the prefix markers the bootstrap writes) and the content hash
 * (key + ETag of every object under the layout's prefixes).
 */

export const UPLOAD_CONCURRENCY = 16;

export interface UploadItem {
  key: string;
  contentType: string;
  cacheControl?: string;
  body: () => Buffer;
}

/** Uploads with at most `concurrency` requests in flight; items are pulled lazily from the iterable. */
export async function uploadAll(
  client: S3Client,
  s3: S3Config,
  timeoutMs: number,
  items: Iterable<UploadItem>,
  onObject: (item: UploadItem, bytes: number) => void = () => undefined,
  concurrency = UPLOAD_CONCURRENCY,
): Promise<number> {
  const it = items[Symbol.iterator]();
  let done = 0;
  let failed: unknown;
  const worker = async () => {
    for (;;) {
      if (failed) return;
      const next = it.next();
      if (next.done) return;
      const item = next.value;
      const body = item.body();
      try {
        await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: item.key, Body: body, ContentType: item.contentType, CacheControl: item.cacheControl }));
      } catch (err) {
        failed ??= s3Error(err, s3, timeoutMs, `uploading ${item.key}`);
        return;
      }
      done++;
      onObject(item, body.length);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failed) throw failed;
  return done;
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

/** sha256 over "key etag" lines of all seeded objects in listing order (S3 lists keys sorted); objects per prefix. */
export async function hashObjects(client: S3Client, s3: S3Config, timeoutMs: number, prefixes: readonly string[], onPrefix: (prefix: string, done: number, total: number) => void = () => undefined): Promise<{ hash: string; objects: Record<string, number> }> {
  const h = createHash('sha256');
  const objects: Record<string, number> = {};
  try {
    for (const p of prefixes) {
      objects[p] = 0;
      for await (const o of listSeeded(client, s3.bucket, [p])) {
        h.update(`${o.key} ${o.etag}\n`);
        objects[p]++;
      }
      onPrefix(p, Object.keys(objects).length, prefixes.length);
    }
  } catch (err) {
    throw s3Error(err, s3, timeoutMs, 'listing the bucket');
  }
  return { hash: h.digest('hex'), objects };
}
