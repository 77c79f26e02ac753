import { GetBucketTaggingCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '../../config';
import type { SeedRecord, StoreMeta } from '../meta';
import { errorName, s3Error } from './connect';

/**
 * The S3 store stamp: the bucket's `env` tag (set by the first bootstrap, never re-tagged) and, for
 * what tags cannot hold, objects under `.recruit-db/`, a prefix no layout prefix covers.
 */
export const META_PREFIX = '.recruit-db/';
export const SEED_RECORD_KEY = `${META_PREFIX}seed.json`;

const ABSENT = new Set(['NoSuchTagSet', 'NoSuchBucket', 'NoSuchKey', 'NotFound']);
const absent = (err: unknown) => ABSENT.has(errorName(err) ?? '') || (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 404;

export async function readS3Meta(client: S3Client, s3: S3Config, timeoutMs: number): Promise<StoreMeta> {
  const [tags, seed] = await Promise.all([
    client
      .send(new GetBucketTaggingCommand({ Bucket: s3.bucket }))
      .then((r) => Object.fromEntries((r.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])))
      .catch((err) => {
        if (absent(err) || errorName(err) === 'NotImplemented') return {} as Record<string, string>;
        throw s3Error(err, s3, timeoutMs, 'reading the bucket tags');
      }),
    readJson<SeedRecord>(client, s3, timeoutMs, SEED_RECORD_KEY),
  ]);
  return { store: 's3', env: tags.env || undefined, seed };
}

export async function readJson<T>(client: S3Client, s3: S3Config, timeoutMs: number, key: string): Promise<T | undefined> {
  try {
    const r = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
    return JSON.parse(await r.Body!.transformToString('utf8')) as T;
  } catch (err) {
    if (absent(err)) return undefined;
    if (err instanceof SyntaxError) return undefined;
    throw s3Error(err, s3, timeoutMs, `reading ${key}`);
  }
}

export async function writeS3SeedRecord(client: S3Client, s3: S3Config, timeoutMs: number, record: SeedRecord): Promise<void> {
  try {
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: SEED_RECORD_KEY, Body: JSON.stringify(record), ContentType: 'application/json' }));
  } catch (err) {
    throw s3Error(err, s3, timeoutMs, `writing ${SEED_RECORD_KEY}`);
  }
}
