import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '../../config';
import { withLease, type LeaseBackend, type LeaseDoc, type LeaseOptions, type LeaseResult } from '../../lease';
import { errorName } from './connect';
import { META_PREFIX } from './meta';

/**
 * A lease lock kept as one object under `.recruit-db/`, written with conditional requests:
 * `If-None-Match: *` to take it, `If-Match: <etag>` to take over or renew it (AWS S3 and moto
 * implement both). A server that ignores the conditions is caught by reading the lock back.
 */
const status = (err: unknown) => (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode ?? 0;
/** Someone else's write won the condition. */
const lost = (err: unknown) => ['PreconditionFailed', 'ConditionalRequestConflict'].includes(errorName(err) ?? '') || [409, 412].includes(status(err));
/** The lock object is not there (a missing bucket is not this: it is an error). */
const noLock = (err: unknown) => errorName(err) === 'NoSuchKey' || (status(err) === 404 && errorName(err) !== 'NoSuchBucket');

export function s3LeaseBackend(client: S3Client, s3: S3Config, name: string): LeaseBackend<string> {
  const Key = `${META_PREFIX}${name}.lock`;
  const put = (doc: LeaseDoc, cond: { IfNoneMatch?: string; IfMatch?: string }) =>
    client.send(new PutObjectCommand({ Bucket: s3.bucket, Key, Body: JSON.stringify(doc), ContentType: 'application/json', ...cond }));
  const read = async (): Promise<{ doc: LeaseDoc; version: string } | undefined> => {
    try {
      const r = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key }));
      const raw = JSON.parse(await r.Body!.transformToString('utf8')) as LeaseDoc;
      return { doc: { ...raw, acquiredAt: new Date(raw.acquiredAt), expiresAt: new Date(raw.expiresAt) }, version: r.ETag ?? '' };
    } catch (err) {
      if (noLock(err)) return undefined;
      throw err;
    }
  };
  const conditional = async (doc: LeaseDoc, cond: { IfNoneMatch?: string; IfMatch?: string }) => {
    try {
      await put(doc, cond);
    } catch (err) {
      if (lost(err)) return false;
      throw err;
    }
    return (await read())?.doc.token === doc.token;
  };
  return {
    create: (doc) => conditional(doc, { IfNoneMatch: '*' }),
    read,
    replace: (etag, doc) => conditional(doc, { IfMatch: etag }),
    async renew(token, expiresAt) {
      const current = await read();
      return current?.doc.token === token ? conditional({ ...current.doc, expiresAt }, { IfMatch: current.version }) : false;
    },
    async release(token) {
      const current = await read();
      if (current?.doc.token === token) await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key }));
    },
  };
}

export function withS3Lock<T>(client: S3Client, s3: S3Config, name: string, opts: Omit<LeaseOptions, 'store'>, work: () => Promise<T>): Promise<LeaseResult<T>> {
  return withLease(s3LeaseBackend(client, s3, name), { ...opts, store: 's3' }, work);
}
