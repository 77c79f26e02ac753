import { HeadBucketCommand, ListBucketsCommand, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Readable } from 'node:stream';
import { DEFAULT_UPLOAD_TIMEOUT_MS, type S3Config } from '../../config';
import { RecruitDbError } from '../../errors';

export function s3Target(s3: S3Config): string {
  return s3.endpoint ?? `https://s3.${s3.region}.amazonaws.com`;
}

/** At most this many tries per request: a refused port should fail within the timeout, not after the SDK's backoff. */
export const ATTEMPTS = 2;

/** The bounds a client was made with, for code that sends requests of its own beside the SDK (put.ts). */
export interface ClientBounds {
  timeoutMs: number;
  uploadTimeoutMs: number;
}

const bounds = new WeakMap<S3Client, ClientBounds>();

/** The bounds createS3Client gave `client`, or undefined for a client made elsewhere. */
export function boundsOf(client: S3Client): ClientBounds | undefined {
  return bounds.get(client);
}

/**
 * An S3 client whose every request is bounded: the HTTP handler throws when a request outlives its
 * timeout (by default it only logs a warning and waits for ever), and each `send`, retries included,
 * carries a deadline of its own. Uploads get `uploadTimeoutMs` instead of `timeoutMs`.
 */
export function createS3Client(s3: S3Config, timeoutMs: number, uploadTimeoutMs = Math.max(timeoutMs, DEFAULT_UPLOAD_TIMEOUT_MS)): S3Client {
  const client = new S3Client({
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: s3.forcePathStyle,
    credentials:
      s3.accessKeyId && s3.secretAccessKey
        ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, sessionToken: s3.sessionToken }
        : undefined,
    maxAttempts: ATTEMPTS,
    // Since 3.729 the SDK adds a CRC32 of every body it sends (hashing each upload once more and adding
    // a header) unless told otherwise. The seeder already hashes what it uploads, and a read-back
    // compares that with the ETags, so only requests S3 requires a checksum for (DeleteObjects) get one.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    requestHandler: new NodeHttpHandler({ connectionTimeout: timeoutMs, requestTimeout: timeoutMs, throwOnRequestTimeout: true }),
  });
  const send = client.send.bind(client) as (command: unknown, options?: Record<string, unknown>) => Promise<unknown>;
  const bounded = (command: unknown, options: Record<string, unknown> = {}) => {
    const upload = command instanceof PutObjectCommand || command instanceof UploadPartCommand;
    const perTry = upload ? uploadTimeoutMs : timeoutMs;
    // A timer cleared when the send settles, not AbortSignal.timeout: a seed sends ~15,000 requests,
    // and each AbortSignal.timeout would keep its timer (and signal) alive for the full deadline.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), perTry * ATTEMPTS + 1000);
    timer.unref();
    const given = options.abortSignal as AbortSignal | undefined;
    return send(command, { ...options, requestTimeout: perTry, abortSignal: given ? AbortSignal.any([given, deadline.signal]) : deadline.signal }).finally(() => clearTimeout(timer));
  };
  client.send = bounded as S3Client['send'];
  bounds.set(client, { timeoutMs, uploadTimeoutMs });
  return client;
}

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: { code?: string };
}

/**
 * Translates an SDK or network error into one line naming the problem and the fix. `during` names
 * the step that failed (e.g. "setting versioning") so a failure halfway through a run says where.
 */
export function s3Error(err: unknown, s3: S3Config, timeoutMs: number, during?: string): RecruitDbError {
  const base = translate(err, s3, timeoutMs);
  if (!during || ['unreachable', 'unknown-host', 'timeout', 'auth-failed'].includes(base.code)) return base;
  return new RecruitDbError({ code: base.code, store: 's3', message: `${during}: ${base.message}`, hint: base.hint, cause: err });
}

function translate(err: unknown, s3: S3Config, timeoutMs: number): RecruitDbError {
  const e = err as AwsLikeError;
  const net = e.code ?? e.cause?.code ?? '';
  const target = s3Target(s3);
  const status = e.$metadata?.httpStatusCode;
  const make = (code: string, message: string, hint: string) => new RecruitDbError({ code, store: 's3', message, hint, cause: err });
  if (net === 'ECONNREFUSED') return make('unreachable', `connection refused at ${target}`, 'start the S3 server (bash scripts/stores.sh start) or fix AWS_ENDPOINT_URL_S3');
  if (net === 'ENOTFOUND' || net === 'EAI_AGAIN') return make('unknown-host', `unknown host in ${target}`, 'fix the host in AWS_ENDPOINT_URL_S3');
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || net === 'ETIMEDOUT' || /timed? ?out/i.test(e.message ?? '')) {
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

/**
 * True when the server says it does not implement a request (s3rver, Cloudflare R2, some MinIO
 * set-ups). Callers record a capability instead of failing.
 */
export function isNotImplemented(err: unknown): boolean {
  const e = err as AwsLikeError;
  return e?.$metadata?.httpStatusCode === 501 || e?.name === 'NotImplemented' || e?.code === 'NotImplemented';
}

export function errorName(err: unknown): string | undefined {
  return (err as AwsLikeError)?.name;
}

// S3's naming rules (general purpose buckets), checked locally so a bad name never reaches the network.
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** Why `name` is not a valid bucket name, or undefined when it is. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `must be 3 to 63 characters long (it has ${name.length})`;
  if (!BUCKET_NAME.test(name)) return 'may hold only lowercase letters, digits, dots and hyphens, and must start and end with a letter or digit';
  if (name.includes('..')) return 'must not contain two adjacent dots';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'must not look like an IP address';
  const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return `must not start with the reserved prefix "${prefix}"`;
  const suffix = RESERVED_SUFFIXES.find((p) => name.endsWith(p));
  if (suffix) return `must not end with the reserved suffix "${suffix}"`;
  return undefined;
}

export function assertValidBucketName(s3: S3Config): void {
  const problem = bucketNameProblem(s3.bucket);
  if (problem) {
    throw new RecruitDbError({ code: 'bad-bucket', store: 's3', message: `invalid bucket name "${s3.bucket}": it ${problem}`, hint: 'set S3_BUCKET (or --s3-bucket) to 3-63 lowercase letters, digits, dots and hyphens' });
  }
}

/** What the client has learned about the server from raw responses (headers, bodies). */
export interface ServerObservations {
  /** The `Server` header of the last response, if any. */
  serverHeader?: string;
  /**
   * Set when GET ?versioning came back as a bucket listing: the server ignored the sub-resource
   * (s3rver does; its PUT ?versioning then answers BucketAlreadyExists), so versioning is unsupported.
   */
  versioningIgnored?: boolean;
  /** The same for GET ?ownershipControls (s3rver again: its PUT answers BucketAlreadyExists). */
  ownershipIgnored?: boolean;
}

/** Sub-resource reads a server may answer with a bucket listing, and the observation each sets. */
const LISTING_ANSWERS: Record<string, 'versioningIgnored' | 'ownershipIgnored'> = {
  GetBucketVersioningCommand: 'versioningIgnored',
  GetBucketOwnershipControlsCommand: 'ownershipIgnored',
};

const observed = new WeakMap<S3Client, ServerObservations>();

/**
 * Watches raw responses (once per client). Runs before the SDK parses them, because a server that ignores a sub-resource
 * answers with XML the parser silently reads as "nothing set" (a listing becomes "versioning never enabled").
 */
export function observeServer(client: S3Client): ServerObservations {
  const known = observed.get(client);
  if (known) return known;
  const seen: ServerObservations = {};
  observed.set(client, seen);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const response = result.response as { headers?: Record<string, string>; statusCode?: number; body?: unknown };
      if (response?.headers?.server) seen.serverHeader = response.headers.server;
      const flag = context.commandName ? LISTING_ANSWERS[context.commandName] : undefined;
      if (flag && response?.body instanceof Readable) {
        const chunks: Buffer[] = [];
        for await (const chunk of response.body) chunks.push(Buffer.from(chunk));
        const body = Buffer.concat(chunks);
        seen[flag] = /<ListBucketResult[\s>]/.test(body.toString('utf8', 0, 512));
        response.body = Readable.from([body]);
      }
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'recruitDbObserveServer' },
  );
  return seen;
}

/** A readable name for the server, for warnings: "moto at http://127.0.0.1:5055". */
export function serverLabel(s3: S3Config, seen: ServerObservations): string {
  const h = seen.serverHeader ?? '';
  const name = /werkzeug|amazon\.com/i.test(h)
    ? 'moto'
    : /AmazonS3/.test(h)
      ? 'AWS S3'
      : /minio/i.test(h)
        ? 'MinIO'
        : /cloudflare/i.test(h)
          ? 'Cloudflare R2'
          : 'S3 server';
  return `${name} at ${s3Target(s3)}`;
}
