import { createHash } from 'node:crypto';
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '../../config';
import { s3Error } from './connect';
import { META_PREFIX } from './meta';

/**
 * Bulk writes for the seeder: concurrent PutObject with a bounded pool, plus the emptiness check,
 * deletion of seeded objects (never the prefix markers the bootstrap writes, never an object the
 * seed did not write) and the content hash (key + ETag of every object under the layout's prefixes).
 *
 * The seed journals its keys: before each chunk of objects is uploaded, the chunk's keys are written
 * to an object under `.recruit-db/seed-keys/`. `seed --truncate` and `reset` delete exactly the keys
 * the journal lists (a seed killed halfway included) and leave every other object, a real upload
 * in staging say, where it is.
 */

export const UPLOAD_CONCURRENCY = 16;
export const SEED_KEYS_PREFIX = `${META_PREFIX}seed-keys/`;
/** Keys per journal object, and per upload chunk. */
const JOURNAL_CHUNK = 1000;

export interface UploadItem {
  key: string;
  contentType: string;
  cacheControl?: string;
  body: () => Buffer;
}

/** Uploads with at most `concurrency` requests in flight; items are pulled lazily, a journalled chunk at a time. */
export async function uploadAll(
  client: S3Client,
  s3: S3Config,
  timeoutMs: number,
  items: Iterable<UploadItem>,
  onObject: (item: UploadItem, bytes: number) => void = () => undefined,
  concurrency = UPLOAD_CONCURRENCY,
): Promise<number> {
  const it = items[Symbol.iterator]();
  let seq = (await journalKeys(client, s3, timeoutMs)).length;
  let done = 0;
  for (;;) {
    const chunk: UploadItem[] = [];
    while (chunk.length < JOURNAL_CHUNK) {
      const next = it.next();
      if (next.done) break;
      chunk.push(next.value);
    }
    if (!chunk.length) return done;
    // Journalled before any of its objects exists: a seed killed mid-chunk can still be cleaned up.
    const journal = `${SEED_KEYS_PREFIX}${String(++seq).padStart(6, '0')}.txt`;
    try {
      await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: journal, Body: chunk.map((i) => i.key).join('\n') + '\n', ContentType: 'text/plain' }));
    } catch (err) {
      throw s3Error(err, s3, timeoutMs, `writing the seed journal ${journal}`);
    }
    done += await uploadChunk(client, s3, timeoutMs, chunk, onObject, concurrency);
  }
}

async function uploadChunk(client: S3Client, s3: S3Config, timeoutMs: number, chunk: UploadItem[], onObject: (item: UploadItem, bytes: number) => void, concurrency: number): Promise<number> {
  let next = 0;
  let done = 0;
  let failed: unknown;
  const worker = async () => {
    while (!failed && next < chunk.length) {
      const item = chunk[next++];
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

/** The journal objects, oldest first. */
async function journalKeys(client: S3Client, s3: S3Config, timeoutMs: number): Promise<string[]> {
  const keys: string[] = [];
  try {
    let token: string | undefined;
    do {
      const r = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: SEED_KEYS_PREFIX, ContinuationToken: token }));
      for (const o of r.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = r.NextContinuationToken;
    } while (token);
  } catch (err) {
    throw s3Error(err, s3, timeoutMs, 'listing the seed journal');
  }
  return keys.sort();
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

async function deleteKeys(client: S3Client, s3: S3Config, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) {
    const r = await client.send(new DeleteObjectsCommand({ Bucket: s3.bucket, Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true } }));
    if (r.Errors?.length) throw Object.assign(new Error(`${r.Errors[0].Key}: ${r.Errors[0].Code} ${r.Errors[0].Message ?? ''}`), { name: r.Errors[0].Code });
  }
}

/**
 * Deletes the objects the seed journal lists (under `prefixes`), then the journal; nothing else.
 * Returns how many seeded keys were deleted.
 */
export async function deleteSeeded(client: S3Client, s3: S3Config, timeoutMs: number, prefixes: readonly string[]): Promise<number> {
  let deleted = 0;
  try {
    const journals = await journalKeys(client, s3, timeoutMs);
    for (const journal of journals) {
      const r = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: journal }));
      const keys = (await r.Body!.transformToString('utf8')).split('\n').filter((k) => k && prefixes.some((p) => k.startsWith(p) && k !== p));
      await deleteKeys(client, s3, keys);
      deleted += keys.length;
    }
    // The journal goes last: a delete killed halfway is finished by the next one.
    await deleteKeys(client, s3, journals);
  } catch (err) {
    throw s3Error(err, s3, timeoutMs, 'deleting seeded objects');
  }
  return deleted;
}

/** Objects under `prefixes` (markers excepted), e.g. what a truncation kept because the seed did not write it. */
export async function countObjects(client: S3Client, s3: S3Config, timeoutMs: number, prefixes: readonly string[]): Promise<number> {
  let n = 0;
  try {
    for await (const _ of listSeeded(client, s3.bucket, prefixes)) n++;
  } catch (err) {
    throw s3Error(err, s3, timeoutMs, 'listing the bucket');
  }
  return n;
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
