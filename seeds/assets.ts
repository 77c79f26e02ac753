import { buildKey, type AssetTypeId } from '../s3-layout';
import { hash32, scoped, uuidFor } from './core';
import type { Topology } from './topology';

/**
 * Which rows carry a file, and the S3 key of each: one function, assetFor, that the PostgreSQL row
 * generators (for *_s3_key columns) and the S3 uploader both call, so every referenced key exists.
 */

export interface AssetRef {
  assetType: AssetTypeId;
  /** Index of the row the key is stored on (user, student, lesson, enrollment...). */
  index: number;
  key: string;
  contentType: string;
}

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const PPTX = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const percent = (t: Topology, scope: string, i: number) => hash32(t.seed, scope, i) % 100;

export const ENROLLMENT_STATUSES = [
  ['in_progress', 45],
  ['completed', 35],
  ['dropped', 12],
  ['expired', 8],
] as const;

export function enrollmentStatus(t: Topology, e: number): string {
  if (e < ENROLLMENT_STATUSES.length) return ENROLLMENT_STATUSES[e][0];
  let r = percent(t, 'enrollment_status', e);
  for (const [s, w] of ENROLLMENT_STATUSES) if ((r -= w) < 0) return s;
  return 'in_progress';
}

// Lessons of type video need a video asset type, which the S3 layout does not have: none are made.
const LESSON_TYPES = [
  ['text', 25],
  ['pdf', 20],
  ['audio', 14],
  ['image', 14],
  ['external_link', 10],
  ['flashcard', 10],
  ['scorm_package', 7],
] as const;

export function lessonContentType(t: Topology, l: number): string {
  if (t.isQuizLesson(l)) return 'quiz';
  // The first lessons of course 0 cover every file type, so the small profile fills every prefix.
  const k = l % t.lessonsPerCourse;
  if (l < t.lessonsPerCourse && !t.isQuizLesson(l)) {
    const covering = ['pdf', 'audio', 'image', 'scorm_package'];
    const pos = k - Math.floor(k / t.shape.lessonsPerModule);
    if (pos < covering.length) return covering[pos];
  }
  let r = percent(t, 'lesson_type', l);
  for (const [s, w] of LESSON_TYPES) if ((r -= w) < 0) return s;
  return 'text';
}

export const hasAvatar = (t: Topology, u: number) => u === 0 || percent(t, 'avatar', u) < 70;
export const hasResume = (t: Topology, s: number) => s === 0 || percent(t, 'resume', s) < 80;
export const hasPortfolioImage = (t: Topology, p: number) => p === 0 || percent(t, 'portfolio_image', p) < 70;
export const hasCertificate = (t: Topology, e: number) => enrollmentStatus(t, e) === 'completed';

const LESSON_ASSET: Record<string, AssetTypeId> = { pdf: 'lessonPdf', audio: 'lessonAudio', image: 'lessonImage', scorm_package: 'scormPackage' };

function ownerOf(t: Topology, type: AssetTypeId, i: number): string {
  switch (type) {
    case 'profilePicture':
      return uuidFor(t.seed, 'users', i);
    case 'resume':
      return uuidFor(t.seed, 'students', i);
    case 'companyLogo':
      return uuidFor(t.seed, 'companies', i);
    case 'courseThumbnail':
      return uuidFor(t.seed, 'courses', i);
    case 'lessonPdf':
    case 'lessonAudio':
    case 'lessonImage':
      return uuidFor(t.seed, 'lessons', i);
    case 'scormPackage':
      return uuidFor(t.seed, 'courses', t.courseOfLesson(i));
    case 'material':
      return uuidFor(t.seed, 'materials', i);
    case 'portfolioImage':
      return uuidFor(t.seed, 'students', t.studentOfPortfolio(i));
    case 'certificate':
      return uuidFor(t.seed, 'users', t.userOfStudent(t.enrollment(i).student));
  }
}

function contentTypeOf(t: Topology, type: AssetTypeId, i: number): string {
  const r = percent(t, scoped('content_type', type), i);
  switch (type) {
    case 'profilePicture':
    case 'companyLogo':
    case 'courseThumbnail':
    case 'lessonImage':
    case 'portfolioImage':
      return r < 50 ? 'image/png' : 'image/jpeg';
    case 'lessonAudio':
      return r < 60 ? 'audio/mpeg' : 'audio/wav';
    case 'scormPackage':
      return 'application/zip';
    case 'material':
      if (i === 0 || r < 60) return 'application/pdf';
      return r < 70 ? 'application/zip' : r < 80 ? DOCX : r < 90 ? PPTX : XLSX;
    default:
      return 'application/pdf';
  }
}

/**
 * The key for (seed, asset type, owner row index), built by the layout's key builder. The object id
 * is derived, not random, so the same seed names the same keys. Key building does not depend on
 * the size, so a nominal size is passed; the uploader checks the real body with checkAsset.
 */
export function assetFor(t: Topology, type: AssetTypeId, index: number): AssetRef {
  const contentType = contentTypeOf(t, type, index);
  const built = buildKey(type, { ownerId: ownerOf(t, type, index), contentType, size: 1, id: uuidFor(t.seed, scoped('asset', type), index) });
  return { assetType: type, index, key: built.key, contentType: built.contentType };
}

export function lessonAsset(t: Topology, l: number): AssetRef | null {
  const type = LESSON_ASSET[lessonContentType(t, l)];
  return type ? assetFor(t, type, l) : null;
}

/** Every asset the seeded rows reference, in a fixed order (streamed: nothing is collected). */
export function* allAssets(t: Topology): Generator<AssetRef> {
  const s = t.shape;
  for (let u = 0; u < t.users; u++) if (hasAvatar(t, u)) yield assetFor(t, 'profilePicture', u);
  for (let i = 0; i < s.students; i++) if (hasResume(t, i)) yield assetFor(t, 'resume', i);
  for (let c = 0; c < s.companies; c++) yield assetFor(t, 'companyLogo', c);
  for (let c = 0; c < s.courses; c++) yield assetFor(t, 'courseThumbnail', c);
  for (let l = 0; l < t.lessons; l++) {
    const a = lessonAsset(t, l);
    if (a) yield a;
  }
  for (let m = 0; m < s.materials; m++) yield assetFor(t, 'material', m);
  for (let p = 0; p < s.student_portfolios; p++) if (hasPortfolioImage(t, p)) yield assetFor(t, 'portfolioImage', p);
  for (let e = 0; e < s.enrollments; e++) if (hasCertificate(t, e)) yield assetFor(t, 'certificate', e);
}

/** How many assets allAssets yields (for progress), without building keys. */
export function countAssets(t: Topology): number {
  let n = 0;
  for (const _ of allAssetsCheap(t)) n++;
  return n;
}
function* allAssetsCheap(t: Topology): Generator<1> {
  const s = t.shape;
  for (let u = 0; u < t.users; u++) if (hasAvatar(t, u)) yield 1;
  for (let i = 0; i < s.students; i++) if (hasResume(t, i)) yield 1;
  for (let c = 0; c < s.companies + s.courses + s.materials; c++) yield 1;
  for (let l = 0; l < t.lessons; l++) if (LESSON_ASSET[lessonContentType(t, l)]) yield 1;
  for (let p = 0; p < s.student_portfolios; p++) if (hasPortfolioImage(t, p)) yield 1;
  for (let e = 0; e < s.enrollments; e++) if (hasCertificate(t, e)) yield 1;
}
