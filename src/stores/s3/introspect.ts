import {
  GetBucketCorsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadObjectCommand,
  type CORSRule,
  type LifecycleRule,
  type PublicAccessBlockConfiguration,
  type S3Client,
} from '@aws-sdk/client-s3';
import { uniquePrefixes } from '../../../s3-layout';
import { requireStore, type Config, type S3Config } from '../../config';
import { RecruitDbError } from '../../errors';
import type { Capability, S3Shape } from '../shapes';
import { assertValidBucketName, errorName, headBucket, isNotImplemented, observeServer, s3Error, serverLabel, type ServerObservations } from './connect';

/** The S3 features the layout relies on, as capability names. */
export type S3Feature = 'bucketVersioning' | 'bucketEncryption' | 'publicAccessBlock' | 'bucketLifecycle' | 'bucketCors' | 'bucketTagging';

export type PublicAccessBlock = NonNullable<S3Shape['publicAccessBlock']>;

/**
 * The live bucket in full detail (whole lifecycle and CORS rules, every tag), which the bootstrap
 * compares field by field. A setting is undefined when the server does not support reading it.
 */
export interface BucketSettings {
  bucket: string;
  exists: boolean;
  /** Who answered, e.g. "moto at http://127.0.0.1:5055". */
  server: string;
  markers: string[];
  versioning?: 'Enabled' | 'Suspended' | 'Disabled';
  /** The default encryption algorithm, null when none is set. */
  encryption?: string | null;
  publicAccessBlock?: PublicAccessBlock | null;
  lifecycleRules?: LifecycleRule[];
  corsRules?: CORSRule[];
  tags?: Record<string, string>;
  capabilities: Capability[];
}

/** S3's "nothing configured" answers: the setting is readable, and empty. */
const ABSENT = new Set([
  'ServerSideEncryptionConfigurationNotFoundError',
  'NoSuchPublicAccessBlockConfiguration',
  'NoSuchLifecycleConfiguration',
  'NoSuchCORSConfiguration',
  'NoSuchTagSet',
  'NoSuchTagSetError',
]);

export function unsupported(feature: S3Feature, server: string, reason: string): Capability {
  return { store: 's3', feature, supported: false, server, reason };
}

/** Reads one bucket against the layout's prefixes. Reads only: safe for status, dry runs and verify. */
export async function readBucket(client: S3Client, s3: S3Config, timeoutMs: number, seen: ServerObservations = observeServer(client)): Promise<BucketSettings> {
  assertValidBucketName(s3);
  const state = await headBucket(client, s3, timeoutMs);
  if (state === 'forbidden') {
    throw new RecruitDbError({
      code: 'forbidden',
      store: 's3',
      message: `bucket "${s3.bucket}" exists but these credentials may not use it (it belongs to another account, or a policy denies access)`,
      hint: 'choose another S3_BUCKET, or fix the bucket policy',
    });
  }
  const server = serverLabel(s3, seen);
  const settings: BucketSettings = { bucket: s3.bucket, exists: state === 'exists', server, markers: [], capabilities: [] };
  if (!settings.exists) return settings;

  const Bucket = s3.bucket;
  /** Runs a read; an "absent" answer gives `empty`, NotImplemented records a capability and gives undefined. */
  const read = async <T>(feature: S3Feature, label: string, work: () => Promise<T>, empty: T): Promise<T | undefined> => {
    try {
      return await work();
    } catch (err) {
      if (ABSENT.has(errorName(err) ?? '')) return empty;
      if (isNotImplemented(err)) {
        settings.capabilities.push(unsupported(feature, serverLabel(s3, seen), `reading ${label} answered NotImplemented`));
        return undefined;
      }
      throw s3Error(err, s3, timeoutMs, `reading ${label}`);
    }
  };

  const markerPresent = async (prefix: string): Promise<boolean> => {
    try {
      await client.send(new HeadObjectCommand({ Bucket, Key: prefix }));
      return true;
    } catch (err) {
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.$metadata?.httpStatusCode === 404 || e.name === 'NotFound' || e.name === 'NoSuchKey') return false;
      throw s3Error(err, s3, timeoutMs, `checking marker ${prefix}`);
    }
  };

  const prefixes = uniquePrefixes();
  const [present, versioning, encryption, publicAccessBlock, lifecycleRules, corsRules, tags] = await Promise.all([
    Promise.all(prefixes.map(markerPresent)),
    read('bucketVersioning', 'versioning', async () => {
      const out = await client.send(new GetBucketVersioningCommand({ Bucket }));
      if (seen.versioningIgnored) return 'ignored' as const;
      return (out.Status ?? 'Disabled') as 'Enabled' | 'Suspended' | 'Disabled';
    }, 'Disabled' as const),
    read('bucketEncryption', 'default encryption', async () => {
      const out = await client.send(new GetBucketEncryptionCommand({ Bucket }));
      return out.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? null;
    }, null),
    read('publicAccessBlock', 'the public access block', async () => toPab((await client.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration), null),
    read('bucketLifecycle', 'lifecycle rules', async () => (await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket }))).Rules ?? [], []),
    read('bucketCors', 'CORS rules', async () => (await client.send(new GetBucketCorsCommand({ Bucket }))).CORSRules ?? [], []),
    read('bucketTagging', 'tags', async () => {
      const out = await client.send(new GetBucketTaggingCommand({ Bucket }));
      return Object.fromEntries((out.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    }, {}),
  ]);
  settings.markers = prefixes.filter((_, i) => present[i]);
  if (versioning === 'ignored') {
    settings.capabilities.push(unsupported('bucketVersioning', serverLabel(s3, seen), 'GET ?versioning answered with a bucket listing: the server ignores the versioning sub-resource'));
  } else {
    settings.versioning = versioning;
  }
  settings.encryption = encryption;
  settings.publicAccessBlock = publicAccessBlock;
  settings.lifecycleRules = lifecycleRules;
  settings.corsRules = corsRules;
  settings.tags = tags;
  settings.server = serverLabel(s3, seen);
  for (const c of settings.capabilities) c.server = settings.server;
  return settings;
}

function toPab(c: PublicAccessBlockConfiguration | undefined): PublicAccessBlock | null {
  if (!c) return null;
  return {
    blockPublicAcls: Boolean(c.BlockPublicAcls),
    ignorePublicAcls: Boolean(c.IgnorePublicAcls),
    blockPublicPolicy: Boolean(c.BlockPublicPolicy),
    restrictPublicBuckets: Boolean(c.RestrictPublicBuckets),
  };
}

/** The live shape as plain data, for `verify` and `s3 status --json`. */
export function toShape(settings: BucketSettings): S3Shape {
  return {
    bucket: settings.bucket,
    exists: settings.exists,
    markers: settings.markers,
    versioning: settings.versioning,
    encryption: settings.encryption,
    publicAccessBlock: settings.publicAccessBlock,
    lifecycleRuleIds: settings.lifecycleRules?.map((r) => r.ID ?? '').filter(Boolean),
    corsOrigins: settings.corsRules ? [...new Set(settings.corsRules.flatMap((r) => r.AllowedOrigins ?? []))] : undefined,
    tags: settings.tags,
    capabilities: settings.capabilities,
  };
}

export async function introspectS3(client: S3Client, config: Config): Promise<S3Shape> {
  return toShape(await readBucket(client, requireStore(config, 's3'), config.timeoutMs));
}
