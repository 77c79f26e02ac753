import type { Config } from '../src/config';

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
  encryption: 'AES256' as const,
  versioning: true,
  /** All four public-access-block flags on: public assets reach users through the CDN only. */
  blockPublicAccess: Object.freeze({ blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true }),
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

/**
 * Whether a bucket's default encryption meets the layout's: the same algorithm, or a KMS one where
 * SSE-S3 is asked for (stronger, and an operator's deliberate choice that neither the bootstrap nor
 * verify should fight).
 */
export function encryptionSatisfies(actual: string | null | undefined, required: string): boolean {
  if (typeof actual !== 'string') return false;
  const a = actual.toLowerCase();
  return a === required.toLowerCase() || (required === 'AES256' && a.startsWith('aws:kms'));
}

export function lifecycleRuleIds(): string[] {
  return [HARDENING.lifecycle.abortIncompleteMultipartUpload.id, HARDENING.lifecycle.noncurrentVersionExpiration.id];
}

/** Tags the bootstrap sets; tags with other keys on the bucket are left alone. */
export function bucketTags(config: Pick<Config, 'env'>): Record<string, string> {
  return { app: 'recruit-db', env: config.env };
}

export interface ExpectedHardening {
  versioning: true;
  encryption: 'AES256';
  blockPublicAccess: true;
  lifecycleRuleIds: string[];
  corsOrigins: string[];
}

/** What `verify` expects of the live bucket (compared against introspectS3's S3Shape). */
export function expectedHardening(config: Pick<Config, 's3'>): ExpectedHardening {
  return {
    versioning: true,
    encryption: HARDENING.encryption,
    blockPublicAccess: true,
    lifecycleRuleIds: lifecycleRuleIds(),
    corsOrigins: [...(config.s3?.webOrigins ?? [])],
  };
}
