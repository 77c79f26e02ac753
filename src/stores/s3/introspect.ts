import {
  GetBucketCorsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  type CORSRule,
  type LifecycleRule,
  type PublicAccessBlockConfiguration,
  type S3Client,
} from '@aws-sdk/client-s3';
import { uniquePrefixes } from '../../../s3-layout';
import { requireStore, type Config, type S3Config } from '../../config';
import { RecruitDbError } from '../../errors';
import { canonicalJson } from '../shape-file';
import type { BucketOwner, Capability, JsonValue, S3Encryption, S3PolicyStatement, S3Shape, ShapeEntry } from '../shapes';
import { assertValidBucketName, errorName, headBucket, isNotImplemented, observeServer, s3Error, serverLabel, type ServerObservations } from './connect';

/** The S3 features the layout relies on, as capability names. */
export type S3Feature = 'bucketVersioning' | 'bucketEncryption' | 'publicAccessBlock' | 'bucketOwnership' | 'bucketPolicy' | 'bucketLifecycle' | 'bucketCors' | 'bucketTagging' | 'tlsOnlyPolicy';

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
  /** The default encryption rule, null when none is set. */
  encryption?: S3Encryption | null;
  publicAccessBlock?: PublicAccessBlock | null;
  /** ObjectOwnership of the ownership controls, null when the bucket has none. */
  ownership?: string | null;
  /** The bucket policy's statements; empty when there is no policy. */
  policy?: S3PolicyStatement[];
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
  'OwnershipControlsNotFoundError',
  'NoSuchBucketPolicy',
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
      // s3rver answers GET ?policy with 405; AWS does too for a caller outside the owner's account: either way unreadable here.
      if (isNotImplemented(err) || errorName(err) === 'MethodNotAllowed') {
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
  const [present, versioning, encryption, publicAccessBlock, ownership, policy, lifecycleRules, corsRules, tags] = await Promise.all([
    Promise.all(prefixes.map(markerPresent)),
    read('bucketVersioning', 'versioning', async () => {
      const out = await client.send(new GetBucketVersioningCommand({ Bucket }));
      if (seen.versioningIgnored) return 'ignored' as const;
      return (out.Status ?? 'Disabled') as 'Enabled' | 'Suspended' | 'Disabled';
    }, 'Disabled' as const),
    read('bucketEncryption', 'default encryption', async () => {
      const rule = (await client.send(new GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration?.Rules?.[0];
      const by = rule?.ApplyServerSideEncryptionByDefault;
      if (!by?.SSEAlgorithm) return null;
      return { algorithm: by.SSEAlgorithm, ...(by.KMSMasterKeyID ? { kmsKeyId: by.KMSMasterKeyID } : {}), bucketKeyEnabled: Boolean(rule?.BucketKeyEnabled) } satisfies S3Encryption;
    }, null),
    read('publicAccessBlock', 'the public access block', async () => toPab((await client.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration), null),
    read('bucketOwnership', 'ownership controls', async () => (await client.send(new GetBucketOwnershipControlsCommand({ Bucket }))).OwnershipControls?.Rules?.[0]?.ObjectOwnership ?? null, null),
    read('bucketPolicy', 'the bucket policy', async () => policyStatements((await client.send(new GetBucketPolicyCommand({ Bucket }))).Policy), [] as S3PolicyStatement[]),
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
  if (seen.ownershipIgnored) {
    settings.capabilities.push(unsupported('bucketOwnership', serverLabel(s3, seen), 'GET ?ownershipControls answered with a bucket listing: the server ignores the ownership-controls sub-resource'));
  } else settings.ownership = ownership;
  settings.policy = policy;
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

/** A policy document's statements (a lone statement object counts as a list of one). */
export function policyStatements(policy: string | undefined): S3PolicyStatement[] {
  if (!policy) return [];
  const doc = JSON.parse(policy) as { Statement?: S3PolicyStatement | S3PolicyStatement[] };
  return Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
}

/** The live shape as plain data, for `verify` and `s3 status --json`. */
export function toShape(settings: BucketSettings): S3Shape {
  return {
    bucket: settings.bucket,
    exists: settings.exists,
    markers: settings.markers,
    versioning: settings.versioning,
    encryption: settings.encryption === undefined ? undefined : (settings.encryption?.algorithm ?? null),
    encryptionRule: settings.encryption,
    publicAccessBlock: settings.publicAccessBlock,
    ownership: settings.ownership,
    policy: settings.policy,
    lifecycleRuleIds: settings.lifecycleRules?.map((r) => r.ID ?? '').filter(Boolean),
    corsOrigins: settings.corsRules ? [...new Set(settings.corsRules.flatMap((r) => r.AllowedOrigins ?? []))] : undefined,
    tags: settings.tags,
    capabilities: settings.capabilities,
  };
}

/**
 * The bucket owner's account: the caller's account (STS GetCallerIdentity on the same endpoint and
 * credentials), confirmed by a HEAD with ExpectedBucketOwner, which AWS refuses (403) when the
 * bucket belongs to someone else. Any failure leaves the owner unknown, saying why; never throws.
 * Emulators answer STS with their fixed account and ignore ExpectedBucketOwner (one account holds
 * every bucket there, so the caller is the owner).
 */
export async function bucketOwner(client: S3Client, s3: S3Config, timeoutMs: number): Promise<BucketOwner> {
  let account: string | undefined;
  try {
    const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const { NodeHttpHandler } = await import('@smithy/node-http-handler');
    const sts = new STSClient({
      region: s3.region,
      endpoint: s3.endpoint,
      credentials: s3.accessKeyId && s3.secretAccessKey ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, sessionToken: s3.sessionToken } : undefined,
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ connectionTimeout: timeoutMs, requestTimeout: timeoutMs }),
    });
    try {
      account = (await sts.send(new GetCallerIdentityCommand({}))).Account;
    } finally {
      sts.destroy();
    }
  } catch (err) {
    return { how: `STS GetCallerIdentity failed at ${s3.endpoint ?? 'AWS'}: ${errorName(err) ?? 'error'}` };
  }
  if (!account) return { how: 'STS GetCallerIdentity named no account' };
  try {
    await client.send(new HeadBucketCommand({ Bucket: s3.bucket, ExpectedBucketOwner: account }));
    return { account, how: "the caller's account (STS), confirmed by ExpectedBucketOwner" };
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 403) return { how: `the bucket does not belong to the caller's account ${account}` };
    return { how: `HEAD with ExpectedBucketOwner failed: ${errorName(err) ?? 'error'}` };
  }
}

export async function introspectS3(client: S3Client, config: Config): Promise<S3Shape> {
  return toShape(await readBucket(client, requireStore(config, 's3'), config.timeoutMs));
}

// ------------------------------------------------------------------------------------- canonical entries

/** What the canonical S3 entries are made of: a live bucket (BucketSettings) and the layout's wish (DesiredBucket) both fit. */
export type BucketView = Pick<BucketSettings, 'bucket' | 'markers' | 'versioning' | 'encryption' | 'publicAccessBlock' | 'ownership' | 'policy' | 'lifecycleRules' | 'corsRules' | 'tags'>;

const sorted = (xs: readonly string[] | undefined) => (xs === undefined ? undefined : [...xs].sort());
const asList = (x: string | string[] | undefined) => (x === undefined ? undefined : Array.isArray(x) ? [...x].sort() : [x]);

/** A lifecycle rule in a form servers agree on: the empty filter spelled one way, the legacy top-level Prefix moved into it. */
export function canonicalLifecycleRule(r: LifecycleRule): JsonValue {
  const legacy = (r as { Prefix?: string }).Prefix;
  const f = r.Filter ?? {};
  const filter = Object.keys(f).length === 0 || (Object.keys(f).length === 1 && f.Prefix !== undefined) ? { Prefix: f.Prefix ?? legacy ?? '' } : f;
  return canonicalJson({
    Status: r.Status,
    Filter: filter,
    Expiration: r.Expiration,
    Transitions: r.Transitions,
    NoncurrentVersionExpiration: r.NoncurrentVersionExpiration,
    NoncurrentVersionTransitions: r.NoncurrentVersionTransitions,
    AbortIncompleteMultipartUpload: r.AbortIncompleteMultipartUpload,
  });
}

/** A CORS rule with its lists sorted (their order means nothing to a browser). */
export function canonicalCorsRule(r: CORSRule): JsonValue {
  return canonicalJson({
    AllowedOrigins: sorted(r.AllowedOrigins),
    AllowedMethods: sorted(r.AllowedMethods),
    AllowedHeaders: sorted(r.AllowedHeaders),
    ExposeHeaders: sorted(r.ExposeHeaders),
    MaxAgeSeconds: r.MaxAgeSeconds,
  });
}

/** A policy statement with single strings and lists alike as sorted lists. */
export function canonicalStatement(st: S3PolicyStatement): JsonValue {
  const { Sid: _sid, ...rest } = st;
  return canonicalJson({ ...rest, Action: asList(st.Action), NotAction: asList(st.NotAction), Resource: asList(st.Resource), NotResource: asList(st.NotResource) });
}

/** Rules and statements are named by their ID/Sid; one without gets its position. */
export const ruleName = (id: string | undefined, i: number) => (id ? id : `#${i + 1}`);

/**
 * The canonical entries of a bucket: one `bucket` object with a part per setting (each lifecycle
 * rule, CORS rule, policy statement and tag its own part), and one `marker` object per prefix.
 * A setting the server could not report (undefined) has no entry.
 */
export function s3Entries(b: BucketView): ShapeEntry[] {
  const out: ShapeEntry[] = [{ kind: 'bucket', name: b.bucket, value: '' }];
  const part = (kind: string, name: string, value: JsonValue) => out.push({ kind: 'bucket', name: b.bucket, part: { kind, name }, value });
  if (b.versioning !== undefined) part('versioning', '', b.versioning);
  if (b.encryption !== undefined) {
    const e = b.encryption;
    part('encryption', '', e === null ? 'none' : canonicalJson(/^aws:kms/i.test(e.algorithm) ? { SSEAlgorithm: e.algorithm, KMSMasterKeyID: e.kmsKeyId, BucketKeyEnabled: e.bucketKeyEnabled } : { SSEAlgorithm: e.algorithm }));
  }
  if (b.publicAccessBlock !== undefined) part('public-access-block', '', b.publicAccessBlock === null ? 'none' : canonicalJson(b.publicAccessBlock));
  if (b.ownership !== undefined) part('ownership', '', b.ownership ?? 'none');
  (b.policy ?? []).forEach((st, i) => part('policy', ruleName(st.Sid, i), canonicalStatement(st)));
  (b.lifecycleRules ?? []).forEach((r, i) => part('lifecycle', ruleName(r.ID, i), canonicalLifecycleRule(r)));
  (b.corsRules ?? []).forEach((r, i) => part('cors', ruleName(r.ID, i), canonicalCorsRule(r)));
  for (const k of Object.keys(b.tags ?? {}).sort()) part('tag', k, b.tags![k]);
  for (const m of [...b.markers].sort()) out.push({ kind: 'marker', name: m, value: '' });
  return out;
}
