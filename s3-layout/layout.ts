import type { CORSRule } from '@aws-sdk/client-s3';
import type { Config, S3Config } from '../src/config';
import type { S3Encryption } from '../src/stores/shapes';

/**
 * The declarative S3 layout: one bucket, 11 asset types under 9 prefixes (the documented summary's
 * "S3 Asset Types"), and the hardening the bucket must carry. Bootstrap, status, verify and the
 * seeder all read this file; nothing else names a prefix or a content type.
 */

export type AssetTypeId =
  | 'profilePicture'
  | 'resume'
  | 'companyLogo'
  | 'courseThumbnail'
  | 'lessonPdf'
  | 'lessonAudio'
  | 'lessonImage'
  | 'scormPackage'
  | 'material'
  | 'portfolioImage'
  | 'certificate';

/**
 * `private`: reachable only through presigned URLs the application issues.
 * `public-cdn`: meant to be served to anyone through a CDN. The bucket itself still blocks all
 * public access; the CDN reads it with its own identity (e.g. CloudFront origin access control),
 * so "public" never means a public bucket or a public ACL.
 */
export type Visibility = 'private' | 'public-cdn';

/**
 * `owner-lifetime`: kept while its owner (user, company, course...) exists; the application deletes it
 * with the owner. `permanent`: a record that must outlive its owner (issued certificates).
 * Overwritten or deleted objects are kept as noncurrent versions for `noncurrentVersionDays` either way.
 */
export type Retention = 'owner-lifetime' | 'permanent';

export interface AssetType {
  id: AssetTypeId;
  /** The name the documented summary uses. */
  name: string;
  /** Key prefix with its trailing slash, as the summary writes it. */
  prefix: string;
  /** What the {ownerId} path segment identifies. */
  owner: 'user' | 'student' | 'company' | 'course' | 'lesson' | 'material';
  /** Accepted content types and the file extension each is stored with. */
  contentTypes: Readonly<Record<string, string>>;
  maxBytes: number;
  visibility: Visibility;
  cacheControl: string;
  retention: Retention;
}

const MiB = 1024 * 1024;

const IMAGES: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };
const PDF: Record<string, string> = { 'application/pdf': 'pdf' };

// Keys carry a fresh UUID per upload, so a public object never changes under its key: cache forever.
const CDN_IMMUTABLE = 'public, max-age=31536000, immutable';
// Course content is paid-for: browsers may cache it for the life of a presigned URL, shared caches never.
const PRIVATE_SHORT = 'private, max-age=3600';
// Personal documents (resumes, certificates) stay out of every cache.
const PRIVATE_NO_STORE = 'private, no-store';

const LAYOUT: AssetType[] = [
  { id: 'profilePicture', name: 'Profile Pictures', prefix: 'users/profiles/', owner: 'user', contentTypes: IMAGES, maxBytes: 5 * MiB, visibility: 'public-cdn', cacheControl: CDN_IMMUTABLE, retention: 'owner-lifetime' },
  {
    id: 'resume',
    name: 'Student Resumes',
    prefix: 'users/resumes/',
    owner: 'student',
    contentTypes: { ...PDF, 'application/msword': 'doc', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx' },
    maxBytes: 10 * MiB,
    visibility: 'private',
    cacheControl: PRIVATE_NO_STORE,
    retention: 'owner-lifetime',
  },
  // No SVG: a logo served from our CDN domain must not be able to carry script.
  { id: 'companyLogo', name: 'Company Logos', prefix: 'companies/logos/', owner: 'company', contentTypes: IMAGES, maxBytes: 2 * MiB, visibility: 'public-cdn', cacheControl: CDN_IMMUTABLE, retention: 'owner-lifetime' },
  { id: 'courseThumbnail', name: 'Course Thumbnails', prefix: 'courses/thumbnails/', owner: 'course', contentTypes: IMAGES, maxBytes: 5 * MiB, visibility: 'public-cdn', cacheControl: CDN_IMMUTABLE, retention: 'owner-lifetime' },
  { id: 'lessonPdf', name: 'Lesson PDFs', prefix: 'courses/content/', owner: 'lesson', contentTypes: PDF, maxBytes: 50 * MiB, visibility: 'private', cacheControl: PRIVATE_SHORT, retention: 'owner-lifetime' },
  {
    id: 'lessonAudio',
    name: 'Lesson Audio',
    prefix: 'courses/content/',
    owner: 'lesson',
    contentTypes: { 'audio/mpeg': 'mp3', 'audio/mp4': 'm4a', 'audio/ogg': 'ogg', 'audio/wav': 'wav' },
    maxBytes: 200 * MiB,
    visibility: 'private',
    cacheControl: PRIVATE_SHORT,
    retention: 'owner-lifetime',
  },
  { id: 'lessonImage', name: 'Lesson Images', prefix: 'courses/content/', owner: 'lesson', contentTypes: { ...IMAGES, 'image/gif': 'gif' }, maxBytes: 10 * MiB, visibility: 'private', cacheControl: PRIVATE_SHORT, retention: 'owner-lifetime' },
  { id: 'scormPackage', name: 'SCORM Packages', prefix: 'courses/scorm/', owner: 'course', contentTypes: { 'application/zip': 'zip' }, maxBytes: 500 * MiB, visibility: 'private', cacheControl: PRIVATE_SHORT, retention: 'owner-lifetime' },
  {
    id: 'material',
    name: 'Materials',
    prefix: 'materials/',
    owner: 'material',
    contentTypes: {
      ...PDF,
      'application/zip': 'zip',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
    },
    maxBytes: 100 * MiB,
    visibility: 'private',
    cacheControl: PRIVATE_SHORT,
    retention: 'owner-lifetime',
  },
  // Portfolios are what students show recruiters: public by design, like profile pictures.
  { id: 'portfolioImage', name: 'Portfolio Images', prefix: 'portfolios/', owner: 'student', contentTypes: IMAGES, maxBytes: 10 * MiB, visibility: 'public-cdn', cacheControl: CDN_IMMUTABLE, retention: 'owner-lifetime' },
  // Certificates are checked through the application's verification page, never listed publicly.
  { id: 'certificate', name: 'Certificates', prefix: 'certificates/', owner: 'user', contentTypes: PDF, maxBytes: 5 * MiB, visibility: 'private', cacheControl: PRIVATE_NO_STORE, retention: 'permanent' },
];

export const ASSET_TYPES: readonly AssetType[] = Object.freeze(LAYOUT.map((a) => Object.freeze({ ...a, contentTypes: Object.freeze({ ...a.contentTypes }) })));

const BY_ID = new Map(ASSET_TYPES.map((a) => [a.id, a]));

export function assetType(id: AssetTypeId): AssetType {
  const found = BY_ID.get(id);
  // Only reachable from untyped callers (JSON, CLI input): the type system rules it out otherwise.
  if (!found) throw new Error(`unknown asset type "${String(id)}"`);
  return found;
}

export function isAssetTypeId(value: string): value is AssetTypeId {
  return BY_ID.has(value as AssetTypeId);
}

/** The distinct prefixes in layout order: the bucket holds one folder marker for each. */
export function uniquePrefixes(): string[] {
  return [...new Set(ASSET_TYPES.map((a) => a.prefix))];
}

/** Bucket-wide settings every bucket of the platform carries, whatever the environment. */
export const HARDENING = Object.freeze({
  /** SSE-S3 unless a KMS key is configured (RECRUIT_DB_S3_KMS_KEY_ID): then SSE-KMS with that key and an S3 bucket key. */
  encryption: 'AES256' as const,
  versioning: true,
  /** All four public-access-block flags on: public assets reach users through the CDN only. */
  blockPublicAccess: Object.freeze({ blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true }),
  /** ACLs off: every object belongs to the bucket owner, access is decided by policy alone. */
  objectOwnership: 'BucketOwnerEnforced' as const,
  /** Our statement in the bucket policy, found and replaced by this Sid; other statements are kept. */
  tlsOnly: Object.freeze({ sid: 'recruit-db-deny-insecure-transport' }),
  lifecycle: Object.freeze({
    abortIncompleteMultipartUpload: Object.freeze({ id: 'abort-incomplete-multipart-uploads', days: 7 }),
    noncurrentVersionExpiration: Object.freeze({ id: 'expire-noncurrent-versions', days: 30 }),
  }),
  cors: Object.freeze({
    /** Our rule among any others on the bucket: found and replaced by this ID, others are kept. */
    id: 'recruit-db-browser-uploads',
    methods: Object.freeze(['PUT', 'POST', 'GET', 'HEAD']),
    allowedHeaders: Object.freeze(['*']),
    exposeHeaders: Object.freeze(['ETag']),
    maxAgeSeconds: 3000,
  }),
});

/** The default-encryption rule the layout asks for: SSE-S3, or SSE-KMS with the configured key and a bucket key. */
export function bucketEncryption(s3: Pick<S3Config, 'kmsKeyId'>): { algorithm: string; kmsKeyId?: string; bucketKeyEnabled: boolean } {
  return s3.kmsKeyId ? { algorithm: 'aws:kms', kmsKeyId: s3.kmsKeyId, bucketKeyEnabled: true } : { algorithm: HARDENING.encryption, bucketKeyEnabled: false };
}

/**
 * Whether requests reach the endpoint over TLS (AWS itself, or an https endpoint). Only then can the
 * bucket deny plain-http requests: over plain http the deny would refuse every request, ours too.
 */
export function usesTls(s3: Pick<S3Config, 'endpoint'>): boolean {
  return !s3.endpoint || /^https:/i.test(s3.endpoint);
}

/** The deny of any request that did not arrive over TLS, on the bucket and on every object. */
export function tlsOnlyStatement(bucket: string) {
  return {
    Sid: HARDENING.tlsOnly.sid,
    Effect: 'Deny' as const,
    Principal: '*',
    Action: 's3:*',
    Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}

export function lifecycleRuleIds(): string[] {
  return [HARDENING.lifecycle.abortIncompleteMultipartUpload.id, HARDENING.lifecycle.noncurrentVersionExpiration.id];
}

/** Tags the bootstrap sets; tags with other keys on the bucket are left alone. */
export function bucketTags(config: Pick<Config, 'env'>): Record<string, string> {
  return { app: 'recruit-db', env: config.env };
}

// ---- matching the live bucket against the layout (the bootstrap and verify share these) ----

const sameSet = (a: readonly string[] | undefined, b: readonly string[] | undefined) => {
  const x = new Set(a ?? []);
  const y = new Set(b ?? []);
  return x.size === y.size && [...x].every((v) => y.has(v));
};

/** The same KMS key named two ways: a key id, or an ARN (or alias ARN) ending in it. */
export function sameKmsKey(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return a === b;
  const tail = (k: string) => k.replace(/^arn:[^:]+:kms:[^:]*:[^:]*:/, '').replace(/^key\//, '');
  return a === b || tail(a) === tail(b);
}

/** Whether a live default encryption is exactly the layout's (algorithm, KMS key, bucket key). */
export function encryptionMatches(live: S3Encryption | null | undefined, want: S3Encryption): boolean {
  if (!live || live.algorithm.toLowerCase() !== want.algorithm.toLowerCase()) return false;
  if (!/^aws:kms/i.test(want.algorithm)) return true;
  return sameKmsKey(live.kmsKeyId, want.kmsKeyId) && live.bucketKeyEnabled === want.bucketKeyEnabled;
}

export function describeEncryption(e: S3Encryption | null | undefined): string {
  if (!e) return 'no default encryption';
  if (!/^aws:kms/i.test(e.algorithm)) return e.algorithm === 'AES256' ? 'SSE-S3 AES256' : e.algorithm;
  return `SSE-KMS ${e.algorithm} key ${e.kmsKeyId ?? '(the AWS managed key)'}, bucket key ${e.bucketKeyEnabled ? 'on' : 'off'}`;
}

export function corsMatches(want: CORSRule, have: CORSRule): boolean {
  return (
    sameSet(want.AllowedOrigins, have.AllowedOrigins) &&
    sameSet(want.AllowedMethods, have.AllowedMethods) &&
    sameSet(want.AllowedHeaders, have.AllowedHeaders) &&
    sameSet(want.ExposeHeaders, have.ExposeHeaders) &&
    (want.MaxAgeSeconds ?? null) === (have.MaxAgeSeconds ?? null)
  );
}

/** Our CORS rule among the bucket's: by ID, or (servers that drop rule IDs) by content. */
export function findOurCors(rules: CORSRule[], want: CORSRule | null): CORSRule | undefined {
  return rules.find((r) => r.ID === HARDENING.cors.id) ?? (want ? rules.find((r) => !r.ID && corsMatches(want, r)) : undefined);
}

