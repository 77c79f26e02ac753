import { HeadBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { S3Config } from '../../config';
import { RecruitDbError } from '../../errors';

export function s3Target(s3: S3Config): string {
  return s3.endpoint ?? `https://s3.${s3.region}.amazonaws.com`;
}

export function createS3Client(s3: S3Config, timeoutMs: number): S3Client {
  return new S3Client({
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: s3.forcePathStyle,
    credentials:
      s3.accessKeyId && s3.secretAccessKey
        ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, sessionToken: s3.sessionToken }
        : undefined,
    // One retry at most: a refused port should fail within the timeout, not after the SDK's backoff.
    maxAttempts: 2,
    requestHandler: new NodeHttpHandler({ connectionTimeout: timeoutMs, requestTimeout: timeoutMs }),
  });
}

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: { code?: string };
}

/** Translates an SDK or network error into one line naming the problem and the fix. */
export function s3Error(err: unknown, s3: S3Config, timeoutMs: number): RecruitDbError {
  const e = err as AwsLikeError;
  const net = e.code ?? e.cause?.code ?? '';
  const target = s3Target(s3);
  const status = e.$metadata?.httpStatusCode;
  const make = (code: string, message: string, hint: string) => new RecruitDbError({ code, store: 's3', message, hint, cause: err });
  if (net === 'ECONNREFUSED') return make('unreachable', `connection refused at ${target}`, 'start the S3 server (bash scripts/stores.sh start) or fix AWS_ENDPOINT_URL_S3');
  if (net === 'ENOTFOUND' || net === 'EAI_AGAIN') return make('unknown-host', `unknown host in ${target}`, 'fix the host in AWS_ENDPOINT_URL_S3');
  if (e.name === 'TimeoutError' || net === 'ETIMEDOUT' || /timed? ?out/i.test(e.message ?? '')) {
    return make('timeout', `no answer from ${target} within ${timeoutMs / 1000}s`, 'check AWS_ENDPOINT_URL_S3, or raise --timeout');
  }
  if (e.name === 'InvalidAccessKeyId' || e.name === 'SignatureDoesNotMatch' || e.name === 'CredentialsProviderError' || e.name === 'InvalidClientTokenId') {
    return make('auth-failed', `credentials rejected by ${target} (${e.name})`, 'check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  }
  if (status === 403 || e.name === 'AccessDenied' || e.name === 'Forbidden') {
    return make('forbidden', `access denied to bucket "${s3.bucket}" at ${target}`, 'the bucket belongs to another account or the credentials lack permission; choose another S3_BUCKET or fix the policy');
  }
  if (e.name === 'InvalidBucketName') return make('bad-bucket', `invalid bucket name "${s3.bucket}"`, 'use 3-63 lowercase letters, digits, dots and hyphens');
  return make('error', `${e.name ?? 'error'}: ${(e.message ?? '').split('\n')[0]}`, 'rerun with --debug for details');
}

export type BucketState = 'exists' | 'missing' | 'forbidden';

/** HEAD on the bucket: the cheapest call that proves reachability and credentials together. */
export async function headBucket(client: S3Client, s3: S3Config, timeoutMs: number): Promise<BucketState> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: s3.bucket }));
    return 'exists';
  } catch (err) {
    const e = err as AwsLikeError;
    if (e.$metadata?.httpStatusCode === 404 || e.name === 'NotFound' || e.name === 'NoSuchBucket') return 'missing';
    // A 403 on HEAD is either someone else's bucket or bad credentials; ListBuckets tells which.
    if (e.$metadata?.httpStatusCode === 403) {
      try {
        await client.send(new ListBucketsCommand({}));
        return 'forbidden';
      } catch (inner) {
        throw s3Error(inner, s3, timeoutMs);
      }
    }
    throw s3Error(err, s3, timeoutMs);
  }
}
