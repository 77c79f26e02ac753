import { createHash } from 'node:crypto';
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '../../config';
import { combineHashes, MultisetHash } from '../multiset';
import { s3Error } from './connect';
import { META_PREFIX } from './meta';
import { createPutter, type Putter } from './put';

/**
 * Bulk writes for the seeder: concurrent PutObject with a bounded pool, plus the emptiness check,
 * deletion of seeded objects (never the prefix markers the bootstrap writes, never an object the
 * seed did not write) and the content hash: per prefix, a multiset hash of `key NUL md5` of every
 * object, computed from the bodies as they are uploaded and, for a read-back, from the listing (an
 * object's ETag is the MD5 of its body when it was put in one request without KMS encryption, which
 * is how the seeder uploads).
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
 * Uploads with at most `concurrency` requests in flight; items are pulled lazily, a journalled chunk
 * at a time. Returns the content hash of what was uploaded (see ObjectHashes), per prefix of `prefixes`.
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
  const hashMs = { ms: 0 };
  let seq = (await journalKeys(client, s3, timeoutMs)).length;
  let done = 0;
  const putter = createPutter(client, s3, concurrency);
  try {
    for (;;) {
      const chunk: UploadItem[] = [];
      while (chunk.length < JOURNAL_CHUNK) {
        const next = it.next();
        if (next.done) break;
        chunk.push(next.value);
      }
      if (!chunk.length) return { ...hashes.result(), uploaded: done, hashMs: hashMs.ms };
      // Journalled before any of its objects exists: a seed killed mid-chunk can still be cleaned up.
      const journal = `${SEED_KEYS_PREFIX}${String(++seq).padStart(6, '0')}.txt`;
      try {
        await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: journal, Body: chunk.map((i) => i.key).join('\n') + '\n', ContentType: 'text/plain' }));
      } catch (err) {
        throw s3Error(err, s3, timeoutMs, `writing the seed journal ${journal}`);
      }
      done += await uploadChunk(putter, s3, timeoutMs, chunk, hashes, hashMs, onObject, concurrency);
    }
  } finally {
    putter.close();
  }
}

async function uploadChunk(
  putter: Putter,
  s3: S3Config,
  timeoutMs: number,
  chunk: UploadItem[],
  hashes: PrefixHashes,
  hashMs: { ms: number },
  onObject: (item: UploadItem, bytes: number) => void,
  concurrency: number,
): Promise<number> {
  let next = 0;
  let done = 0;
  let failed: unknown;
  const worker = async () => {
    while (!failed && next < chunk.length) {
      const item = chunk[next++];
      const body = item.body();
      const t0 = performance.now();
      const md5 = createHash('md5').update(body).digest();
      hashMs.ms += performance.now() - t0;
      try {
        await putter.put({ key: item.key, body, md5, contentType: item.contentType, cacheControl: item.cacheControl });
      } catch (err) {
        failed ??= s3Error(err, s3, timeoutMs, `uploading ${item.key}`);
        return;
      }
      done++;
      const t1 = performance.now();
      hashes.add(item.key, md5.toString('hex'));
      hashMs.ms += performance.now() - t1;
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
  const holds = async (p: string) => {
    for await (const _ of listSeeded(client, s3.bucket, [p], 1)) return true;
    return false;
  };
  try {
    // One short listing per prefix, all at once: a round trip each, not one after another.
    const full = await Promise.all(prefixes.map(holds));
    return prefixes.filter((_, i) => full[i]);
  } catch (err) {
    throw s3Error(err, s3, timeoutMs, 'listing the bucket');
  }
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
