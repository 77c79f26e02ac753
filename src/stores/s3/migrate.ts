import {
  CreateBucketCommand,
  PutBucketCorsCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  type BucketLocationConstraint,
  type CORSRule,
  type LifecycleRule,
  type S3Client,
} from '@aws-sdk/client-s3';
import { HARDENING, bucketEncryption, bucketTags, corsMatches, describeEncryption, encryptionMatches, findOurCors, tlsOnlyStatement, uniquePrefixes, usesTls } from '../../../s3-layout';
import { DEFAULT_WEB_ORIGIN, requireStore, type Config, type S3Config } from '../../config';
import { RecruitDbError } from '../../errors';
import type { Capability, S3Encryption, S3PolicyStatement, S3Shape } from '../shapes';
import { assertValidBucketName, createS3Client, errorName, isNotImplemented, observeServer, s3Error, s3Target, serverLabel } from './connect';
import { canonicalStatement, readBucket, toShape, unsupported, type BucketSettings, type PublicAccessBlock, type S3Feature } from './introspect';

/*
 * The bucket is not versioned like a schema: the layout says what it must look like, and each run
 * compares that desired state with the live bucket item by item, writing only what differs.
 * That is what makes the bootstrap idempotent and lets `status` report drift with the same code.
 */

export type ItemKind = 'bucket' | 'marker' | 'encryption' | 'publicAccessBlock' | 'ownership' | 'policy' | 'versioning' | 'lifecycle' | 'cors' | 'tags';
export type ItemAction = 'create' | 'update' | 'unchanged' | 'unsupported';

export interface BootstrapItem {
  /** e.g. "bucket", "marker users/profiles/", "versioning". */
  name: string;
  kind: ItemKind;
  action: ItemAction;
  /** What is desired, and what is live when it differs. */
  detail?: string;
}

export interface DesiredBucket {
  bucket: string;
  region: string;
  markers: string[];
  encryption: S3Encryption;
  publicAccessBlock: PublicAccessBlock;
  ownership: typeof HARDENING.objectOwnership;
  /** Our statements in the bucket policy (the TLS-only deny); none on a plain-http endpoint, see `capabilities`. */
  policyStatements: S3PolicyStatement[];
  versioning: 'Enabled';
  lifecycleRules: LifecycleRule[];
  /** Null when no web origins are configured: then no CORS rule of ours should exist. */
  corsRule: CORSRule | null;
  tags: Record<string, string>;
  /** What the layout does not ask of this endpoint, and why (the TLS-only deny over plain http). */
  capabilities: Capability[];
}

const FEATURE_OF: Partial<Record<ItemKind, S3Feature>> = {
  encryption: 'bucketEncryption',
  publicAccessBlock: 'publicAccessBlock',
  ownership: 'bucketOwnership',
  policy: 'bucketPolicy',
  versioning: 'bucketVersioning',
  lifecycle: 'bucketLifecycle',
  cors: 'bucketCors',
  tags: 'bucketTagging',
};

// S3 accepts an origin with at most one "*" wildcard, or "*" alone; a path would never match a browser's Origin.
const ORIGIN = /^(\*|https?:\/\/[^/\s?#]+)$/;

function validateOrigins(origins: string[]): void {
  for (const origin of origins) {
    if (!ORIGIN.test(origin) || (origin.match(/\*/g) ?? []).length > 1) {
      throw new RecruitDbError({
        code: 'bad-origin',
        store: 's3',
        message: `web origin "${origin}" is not an origin (scheme://host[:port], no path)`,
        hint: 'set RECRUIT_DB_WEB_ORIGINS to comma-separated origins, e.g. https://app.example.com,http://localhost:3000',
      });
    }
  }
}

/**
 * Production serves real browsers: its CORS must name the application's https origins, never the
 * development default or a plain-http or wildcard origin.
 */
function validateProductionOrigins(s3: S3Config): void {
  const bad = s3.webOrigins.filter((o) => !/^https:\/\/[^*]+$/.test(o));
  const problem = !s3.webOriginsConfigured
    ? `RECRUIT_DB_WEB_ORIGINS is not set, so the bucket's CORS would allow the development default ${DEFAULT_WEB_ORIGIN}`
    : s3.webOrigins.length === 0
      ? 'RECRUIT_DB_WEB_ORIGINS names no origin'
      : bad.length
        ? `RECRUIT_DB_WEB_ORIGINS allows ${bad.map((o) => `"${o}"`).join(', ')}, which is not an https origin`
        : undefined;
  if (problem) {
    throw new RecruitDbError({
      code: 'bad-origin',
      store: 's3',
      message: `refusing a production bucket without explicit https web origins: ${problem}`,
      hint: 'set RECRUIT_DB_WEB_ORIGINS to the application\'s https origins, e.g. RECRUIT_DB_WEB_ORIGINS=https://app.example.com',
    });
  }
}

/** The bucket the layout asks for. Validates every input, so a bad one fails before the first call. */
export function desiredBucket(config: Config): DesiredBucket {
  const s3 = requireStore(config, 's3');
  assertValidBucketName(s3);
  validateOrigins(s3.webOrigins);
  if (config.env === 'production') validateProductionOrigins(s3);
  const tls = usesTls(s3);
  const { abortIncompleteMultipartUpload: abort, noncurrentVersionExpiration: noncurrent } = HARDENING.lifecycle;
  const cors = HARDENING.cors;
  return {
    bucket: s3.bucket,
    region: s3.region,
    markers: uniquePrefixes(),
    encryption: bucketEncryption(s3),
    publicAccessBlock: { ...HARDENING.blockPublicAccess },
    ownership: HARDENING.objectOwnership,
    policyStatements: tls ? [tlsOnlyStatement(s3.bucket)] : [],
    versioning: 'Enabled',
    lifecycleRules: [
      { ID: abort.id, Status: 'Enabled', Filter: { Prefix: '' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: abort.days } },
      { ID: noncurrent.id, Status: 'Enabled', Filter: { Prefix: '' }, NoncurrentVersionExpiration: { NoncurrentDays: noncurrent.days } },
    ],
    corsRule: s3.webOrigins.length
      ? {
          ID: cors.id,
          AllowedOrigins: [...s3.webOrigins],
          AllowedMethods: [...cors.methods],
          AllowedHeaders: [...cors.allowedHeaders],
          ExposeHeaders: [...cors.exposeHeaders],
          MaxAgeSeconds: cors.maxAgeSeconds,
        }
      : null,
    tags: bucketTags(config),
    capabilities: tls
      ? []
      : [
          {
            store: 's3',
            feature: 'tlsOnlyPolicy',
            supported: false,
            server: s3Target(s3),
            reason: 'plain-http endpoint: a deny of requests without TLS (aws:SecureTransport = false) would refuse every request, so the bucket policy does not get it; on AWS or an https endpoint it does',
          },
        ],
  };
}

// ---- comparison (pure) ----

/** The parts of a lifecycle rule that decide what it does, in a form servers agree on. */
function lifecycleEssence(r: LifecycleRule): string {
  const f = r.Filter;
  return JSON.stringify({
    status: r.Status,
    prefix: f?.Prefix ?? f?.And?.Prefix ?? r.Prefix ?? '',
    filtered: Boolean(f?.Tag || f?.And?.Tags?.length || f?.ObjectSizeGreaterThan || f?.ObjectSizeLessThan),
    abortDays: r.AbortIncompleteMultipartUpload?.DaysAfterInitiation ?? null,
    noncurrentDays: r.NoncurrentVersionExpiration?.NoncurrentDays ?? null,
    // A rule of ours that also expires current objects or moves them would delete or hide user data.
    expires: Boolean(r.Expiration?.Days || r.Expiration?.Date || r.Expiration?.ExpiredObjectDeleteMarker),
    transitions: (r.Transitions?.length ?? 0) + (r.NoncurrentVersionTransitions?.length ?? 0),
  });
}

/** The bucket policy to write: other statements kept, ours replaced by Sid. */
export function mergedPolicy(desired: DesiredBucket, actual: S3PolicyStatement[] = []): S3PolicyStatement[] {
  const ours = new Set(desired.policyStatements.map((st) => st.Sid));
  return [...actual.filter((st) => !ours.has(st.Sid)), ...desired.policyStatements];
}

/** The lifecycle configuration to write: other rules kept, ours replaced. */
export function mergedLifecycle(desired: DesiredBucket, actual: LifecycleRule[] = []): LifecycleRule[] {
  const ours = new Set(desired.lifecycleRules.map((r) => r.ID));
  return [...actual.filter((r) => !ours.has(r.ID)), ...desired.lifecycleRules];
}

export function mergedCors(desired: DesiredBucket, actual: CORSRule[] = []): CORSRule[] {
  const ourRule = findOurCors(actual, desired.corsRule);
  return [...actual.filter((r) => r !== ourRule), ...(desired.corsRule ? [desired.corsRule] : [])];
}

/**
 * The tags to hold: ours over the others, except a live `env` tag, which is the bucket's store
 * stamp and is never re-tagged (a bucket bootstrapped for production stays production).
 */
export function keptTags(desired: DesiredBucket, actual: Record<string, string> = {}): Record<string, string> {
  return actual.env ? { ...desired.tags, env: actual.env } : desired.tags;
}

export function mergedTags(desired: DesiredBucket, actual: Record<string, string> = {}): Record<string, string> {
  return { ...actual, ...keptTags(desired, actual) };
}

const describePab = (p: PublicAccessBlock) =>
  Object.entries(p)
    .filter(([, v]) => !v)
    .map(([k]) => k)
    .join(', ');

/** Compares the desired bucket with the live one, item by item. Pure: no call, no write. */
export function planBootstrap(desired: DesiredBucket, actual: BucketSettings): BootstrapItem[] {
  const items: BootstrapItem[] = [];
  const exists = actual.exists;
  const unsupportedFeatures = new Set(actual.capabilities.filter((c) => !c.supported).map((c) => c.feature));
  const add = (name: string, kind: ItemKind, action: ItemAction, detail?: string) => {
    const feature = FEATURE_OF[kind];
    if (feature && unsupportedFeatures.has(feature)) action = 'unsupported';
    items.push({ name, kind, action, detail });
  };

  add('bucket', 'bucket', exists ? 'unchanged' : 'create', desired.region === 'us-east-1' ? undefined : `region ${desired.region}`);

  // Exactly the configured encryption: another KMS key is not "stronger", it is someone else's key.
  const enc = actual.encryption;
  const encOk = encryptionMatches(enc, desired.encryption);
  add('encryption', 'encryption', !exists || !enc ? 'create' : encOk ? 'unchanged' : 'update', `${describeEncryption(desired.encryption)}${exists && enc && !encOk ? ` (now ${describeEncryption(enc)})` : ''}`);

  const pab = actual.publicAccessBlock;
  const pabOff = pab ? describePab(pab) : '';
  add('public access block', 'publicAccessBlock', !exists || !pab ? 'create' : pabOff ? 'update' : 'unchanged', pabOff ? `all four flags (off now: ${pabOff})` : 'all four flags');

  const own = actual.ownership;
  add('ownership', 'ownership', !exists || !own ? 'create' : own === desired.ownership ? 'unchanged' : 'update', `${desired.ownership}: ACLs disabled${own && own !== desired.ownership ? ` (now ${own})` : ''}`);

  const v = actual.versioning;
  add('versioning', 'versioning', !exists || v === 'Disabled' || v === undefined ? 'create' : v === 'Enabled' ? 'unchanged' : 'update', v === 'Suspended' ? 'Enabled (now Suspended)' : 'Enabled');

  const lcDetail = `${desired.lifecycleRules.map((r) => r.ID).join(', ')}`;
  const liveLc = actual.lifecycleRules ?? [];
  const lcLive = desired.lifecycleRules.map((want) => liveLc.find((r) => r.ID === want.ID));
  const lcAction: ItemAction = !exists || lcLive.every((r) => !r) ? 'create' : lcLive.every((r, i) => r && lifecycleEssence(r) === lifecycleEssence(desired.lifecycleRules[i])) ? 'unchanged' : 'update';
  add('lifecycle', 'lifecycle', lcAction, lcDetail);

  const ourCors = exists ? findOurCors(actual.corsRules ?? [], desired.corsRule) : undefined;
  const corsAction: ItemAction = desired.corsRule
    ? !ourCors
      ? 'create'
      : corsMatches(desired.corsRule, ourCors)
        ? 'unchanged'
        : 'update'
    : ourCors
      ? 'update'
      : 'unchanged';
  const corsDetail = desired.corsRule ? `origins ${desired.corsRule.AllowedOrigins!.join(', ')}${ourCors && corsAction === 'update' ? ` (now ${(ourCors.AllowedOrigins ?? []).join(', ')})` : ''}` : 'no web origins configured';
  add('cors', 'cors', corsAction, corsDetail);

  const tags = actual.tags ?? {};
  const wanted = keptTags(desired, tags);
  const wrongTags = Object.entries(wanted).filter(([k, val]) => tags[k] !== val);
  const tagsAction: ItemAction = !exists || wrongTags.length === Object.keys(wanted).length ? 'create' : wrongTags.length ? 'update' : 'unchanged';
  const kept = wanted.env !== desired.tags.env ? ` (env kept: the bucket was bootstrapped for ${wanted.env}, the configuration says ${desired.tags.env})` : '';
  add('tags', 'tags', tagsAction, Object.entries(wanted).map(([k, val]) => `${k}=${val}`).join(' ') + kept);

  // Last of the settings: a deny is the one write that could shut out the writes after it.
  if (desired.policyStatements.length) {
    const live = actual.policy ?? [];
    const missing = desired.policyStatements.filter((want) => !live.some((st) => st.Sid === want.Sid && JSON.stringify(canonicalStatement(st)) === JSON.stringify(canonicalStatement(want))));
    const present = desired.policyStatements.some((want) => live.some((st) => st.Sid === want.Sid));
    add('policy', 'policy', missing.length === 0 ? 'unchanged' : present ? 'update' : 'create', `statement ${desired.policyStatements.map((st) => st.Sid).join(', ')} (deny requests without TLS)`);
  } else {
    const tls = desired.capabilities.find((c) => c.feature === 'tlsOnlyPolicy');
    if (tls) items.push({ name: 'policy', kind: 'policy', action: 'unsupported', detail: 'TLS-only deny not applied: plain-http endpoint' });
  }

  const markers = new Set(actual.markers);
  for (const prefix of desired.markers) add(`marker ${prefix}`, 'marker', exists && markers.has(prefix) ? 'unchanged' : 'create');
  return items;
}

// ---- bootstrap ----

export interface BootstrapResult {
  bucket: string;
  target: string;
  /** Who answered, e.g. "moto at http://127.0.0.1:5055". */
  server: string;
  dryRun: boolean;
  /** In a dry run, what would happen; otherwise what happened. */
  items: BootstrapItem[];
  /** Settings the server does not support: not applied, and reported as warnings. */
  capabilities: Capability[];
  changed: boolean;
}

type Writer = (client: S3Client, desired: DesiredBucket, actual: BucketSettings) => Promise<unknown>;

const WRITERS: Record<Exclude<ItemKind, 'bucket' | 'marker'>, Writer> = {
  encryption: (c, d) =>
    c.send(
      new PutBucketEncryptionCommand({
        Bucket: d.bucket,
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: { SSEAlgorithm: d.encryption.algorithm as 'AES256' | 'aws:kms', ...(d.encryption.kmsKeyId ? { KMSMasterKeyID: d.encryption.kmsKeyId } : {}) },
              ...(/^aws:kms/i.test(d.encryption.algorithm) ? { BucketKeyEnabled: d.encryption.bucketKeyEnabled } : {}),
            },
          ],
        },
      }),
    ),
  ownership: (c, d) => c.send(new PutBucketOwnershipControlsCommand({ Bucket: d.bucket, OwnershipControls: { Rules: [{ ObjectOwnership: d.ownership }] } })),
  policy: (c, d, a) => c.send(new PutBucketPolicyCommand({ Bucket: d.bucket, Policy: JSON.stringify({ Version: '2012-10-17', Statement: mergedPolicy(d, a.policy) }) })),
  publicAccessBlock: (c, d) =>
    c.send(
      new PutPublicAccessBlockCommand({
        Bucket: d.bucket,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: d.publicAccessBlock.blockPublicAcls,
          IgnorePublicAcls: d.publicAccessBlock.ignorePublicAcls,
          BlockPublicPolicy: d.publicAccessBlock.blockPublicPolicy,
          RestrictPublicBuckets: d.publicAccessBlock.restrictPublicBuckets,
        },
      }),
    ),
  versioning: (c, d) => c.send(new PutBucketVersioningCommand({ Bucket: d.bucket, VersioningConfiguration: { Status: d.versioning } })),
  lifecycle: (c, d, a) => c.send(new PutBucketLifecycleConfigurationCommand({ Bucket: d.bucket, LifecycleConfiguration: { Rules: mergedLifecycle(d, a.lifecycleRules) } })),
  cors: (c, d, a) => c.send(new PutBucketCorsCommand({ Bucket: d.bucket, CORSConfiguration: { CORSRules: mergedCors(d, a.corsRules) } })),
  tags: (c, d, a) => c.send(new PutBucketTaggingCommand({ Bucket: d.bucket, Tagging: { TagSet: Object.entries(mergedTags(d, a.tags)).map(([Key, Value]) => ({ Key, Value })) } })),
};

/** A refusal that means "this server lacks the feature", not "this request was wrong". */
function refusedAsUnsupported(kind: ItemKind, err: unknown): string | undefined {
  if (isNotImplemented(err)) return `answered ${errorName(err) ?? 'NotImplemented'}`;
  // s3rver routes PUT ?versioning (and ?ownershipControls) to bucket creation; the bucket exists, so it answers BucketAlreadyExists.
  const sub = kind === 'versioning' ? 'versioning' : kind === 'ownership' ? 'ownershipControls' : undefined;
  if (sub && errorName(err) === 'BucketAlreadyExists') return `PUT ?${sub} answered BucketAlreadyExists: the server ignores the ${sub} sub-resource`;
  return undefined;
}

async function createBucket(client: S3Client, s3: S3Config, timeoutMs: number): Promise<void> {
  try {
    await client.send(
      new CreateBucketCommand({
        Bucket: s3.bucket,
        // us-east-1 is the one region that refuses an explicit LocationConstraint.
        CreateBucketConfiguration: s3.region === 'us-east-1' ? undefined : { LocationConstraint: s3.region as BucketLocationConstraint },
      }),
    );
  } catch (err) {
    const name = errorName(err);
    if (name === 'BucketAlreadyOwnedByYou') return;
    if (name === 'BucketAlreadyExists') {
      throw new RecruitDbError({ code: 'forbidden', store: 's3', message: `bucket name "${s3.bucket}" is taken by another account`, hint: 'bucket names are global: choose another S3_BUCKET', cause: err });
    }
    throw s3Error(err, s3, timeoutMs, 'creating the bucket');
  }
}

/**
 * Brings the bucket to the layout: creates it if missing, applies the hardening, then writes one
 * folder marker per prefix. Reads everything first and compares, so a second run writes nothing.
 */
export async function bootstrapS3(config: Config, opts: { dryRun?: boolean; client?: S3Client } = {}): Promise<BootstrapResult> {
  const s3 = requireStore(config, 's3');
  const desired = desiredBucket(config);
  const client = opts.client ?? createS3Client(s3, config.timeoutMs);
  const seen = observeServer(client);
  try {
    const actual = await readBucket(client, s3, config.timeoutMs, seen);
    const planned = planBootstrap(desired, actual);
    const capabilities = [...desired.capabilities, ...actual.capabilities];
    const result = (items: BootstrapItem[]): BootstrapResult => ({
      bucket: s3.bucket,
      target: s3Target(s3),
      server: serverLabel(s3, seen),
      dryRun: Boolean(opts.dryRun),
      items,
      capabilities,
      changed: items.some((i) => i.action === 'create' || i.action === 'update'),
    });
    if (opts.dryRun) return result(planned);

    const done: BootstrapItem[] = [];
    for (const item of planned) {
      if (item.action === 'unchanged' || item.action === 'unsupported') {
        done.push(item);
        continue;
      }
      if (item.kind === 'bucket') {
        await createBucket(client, s3, config.timeoutMs);
      } else if (item.kind === 'marker') {
        const Key = item.name.slice('marker '.length);
        try {
          await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key, Body: '', ContentLength: 0 }));
        } catch (err) {
          throw s3Error(err, s3, config.timeoutMs, `writing marker ${Key}`);
        }
      } else {
        try {
          await WRITERS[item.kind](client, desired, actual);
        } catch (err) {
          const reason = refusedAsUnsupported(item.kind, err);
          if (!reason) throw s3Error(err, s3, config.timeoutMs, `setting ${item.name}`);
          capabilities.push(unsupported(FEATURE_OF[item.kind]!, serverLabel(s3, seen), reason));
          done.push({ ...item, action: 'unsupported' });
          continue;
        }
      }
      done.push(item);
    }
    return result(done);
  } finally {
    if (!opts.client) client.destroy();
  }
}

// ---- deleting a bucket this toolkit created ----

/**
 * Empties and deletes a bucket the caller created itself (schema dump's scratch bucket, the tests'
 * own): never a target's bucket, which `down` refuses to touch. A missing bucket is fine. Versioned
 * buckets keep every version and delete marker, and all of them must go first: one request per
 * version, because moto answers DeleteObjects with an error page (it wants Content-MD5, the SDK
 * sends CRC32), a few at a time (moto serves a handful of connections, a page can hold 1,000), and
 * with versioning back on, because moto 5.2 answers 500 to deletes of keys with a delete marker while
 * versioning is Suspended. The policy goes first: a deny of plain-http requests would refuse the rest.
 */
export async function deleteBucket(client: S3Client, bucket: string): Promise<void> {
  const s3 = await import('@aws-sdk/client-s3');
  try {
    await client.send(new s3.HeadBucketCommand({ Bucket: bucket }));
  } catch {
    return;
  }
  await client.send(new s3.DeleteBucketPolicyCommand({ Bucket: bucket })).catch(() => undefined);
  await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } })).catch(() => undefined);
  for (;;) {
    const page = await client.send(new s3.ListObjectVersionsCommand({ Bucket: bucket }));
    const all = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])];
    if (!all.length) break;
    for (let i = 0; i < all.length; i += 8) {
      await Promise.all(all.slice(i, i + 8).map((v) => client.send(new s3.DeleteObjectCommand({ Bucket: bucket, Key: v.Key!, VersionId: v.VersionId }))));
    }
  }
  await client.send(new s3.DeleteBucketCommand({ Bucket: bucket }));
}

// ---- status ----

export type ItemState = 'ok' | 'missing' | 'drift' | 'unsupported';

export interface S3StatusItem {
  name: string;
  kind: ItemKind;
  state: ItemState;
  detail?: string;
}

export interface S3StatusResult {
  bucket: string;
  target: string;
  server: string;
  /** True when anything the layout asks for is missing or differs. */
  drift: boolean;
  items: S3StatusItem[];
  capabilities: Capability[];
  shape: S3Shape;
}

const STATE_OF: Record<ItemAction, ItemState> = { unchanged: 'ok', create: 'missing', update: 'drift', unsupported: 'unsupported' };

/** The live bucket against the layout. Reads only. */
export async function s3Status(config: Config, opts: { client?: S3Client } = {}): Promise<S3StatusResult> {
  const s3 = requireStore(config, 's3');
  const desired = desiredBucket(config);
  const client = opts.client ?? createS3Client(s3, config.timeoutMs);
  try {
    const actual = await readBucket(client, s3, config.timeoutMs);
    const items = planBootstrap(desired, actual).map((i) => ({ name: i.name, kind: i.kind, state: STATE_OF[i.action], detail: i.detail }));
    return {
      bucket: s3.bucket,
      target: s3Target(s3),
      server: actual.server,
      drift: items.some((i) => i.state === 'missing' || i.state === 'drift'),
      items,
      capabilities: [...desired.capabilities, ...actual.capabilities],
      shape: toShape(actual),
    };
  } finally {
    if (!opts.client) client.destroy();
  }
}
