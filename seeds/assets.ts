import { buildKey, type AssetTypeId } from '../s3-layout';
import { hash32, isoDay, scoped, uuidFor } from './core';
import { courseSkillNames, courseTitle, lessonTitle, materialTitle, resumeUploadedAt, studentProfile, topicOf } from './catalog';
import { schedule } from './learning';
import { material } from './services';
import { skillName, type World } from './world';
import { lessonText, TRACK_LABEL } from './text';
import { Rng } from './core';
import type { Topology } from './topology';

/**
 * Which rows carry a file, the S3 key of each, and what the file shows: one function, assetFor,
 * that the PostgreSQL row generators (for *_s3_key columns) and the S3 uploader both call, so every
 * referenced key exists; and assetMeta, so a certificate names its student and course, a resume its
 * owner, and an image has the dimensions its kind usually has.
 */

export interface AssetRef {
  assetType: AssetTypeId;
  /** Index of the row the key is stored on (user, student, lesson, enrollment...). */
  index: number;
  key: string;
  contentType: string;
}

export interface AssetMeta {
  title?: string;
  lines?: string[];
  width?: number;
  height?: number;
}

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const PPTX = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const percent = (t: Topology, scope: string, i: number) => hash32(t.seed, scope, i) % 100;

/** Only people who act upload anything: pending accounts have no avatar or resume yet. */
export const hasAvatar = (w: World, u: number) => w.status(u) !== 'pending_verification' && (u === 0 || percent(w.t, 'avatar', u) < 70);
export const hasResume = (w: World, s: number) => s < w.t.actingStudents && (s === 0 || percent(w.t, 'resume', s) < 80);
export const hasPortfolioImage = (t: Topology, p: number) => p === 0 || percent(t, 'portfolio_image', p) < 70;
export const hasCertificate = (w: World, e: number) => schedule(w, e)?.status === 'completed';

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
  const type = LESSON_ASSET[t.lessonType(l)];
  return type ? assetFor(t, type, l) : null;
}

/** Image dimensions by asset type (multiples of 8, as the JPEG encoder's blocks want). */
const SIZES: Partial<Record<AssetTypeId, ReadonlyArray<readonly [number, number]>>> = {
  profilePicture: [[256, 256], [400, 400], [512, 512]],
  companyLogo: [[200, 200], [256, 256], [320, 320]],
  courseThumbnail: [[640, 360], [1280, 720]],
  lessonImage: [[800, 600], [1024, 768], [1200, 800]],
  portfolioImage: [[1200, 800], [1280, 720], [1024, 768]],
};

/** What the file of an asset shows: names and dates from the rows it belongs to. */
export function assetMeta(w: World, a: AssetRef): AssetMeta {
  const t = w.t;
  const sizes = SIZES[a.assetType];
  if (sizes) {
    const [width, height] = sizes[hash32(w.seed, scoped('image_size', a.assetType), a.index) % sizes.length];
    return { width, height };
  }
  switch (a.assetType) {
    case 'resume': {
      const s = a.index;
      const prof = studentProfile(w, s);
      const skills = Array.from({ length: t.shape.skillsPerStudent }, (_, k) => skillName(t.studentSkill(s, k)));
      return {
        title: w.fullName(s),
        lines: [prof.headline, `${w.email(s)}${w.phone(s) ? ` | ${w.phone(s)}` : ''}`, w.place(s), '', `Skills: ${skills.join(', ')}`, `Education: ${prof.education}, ${prof.graduationYear}`, `Experience: ${prof.years} years in ${TRACK_LABEL[prof.track]}`, `Uploaded ${isoDay(resumeUploadedAt(w, s))}`],
      };
    }
    case 'certificate': {
      const sc = schedule(w, a.index)!;
      return {
        title: 'Certificate of Completion',
        lines: ['This certifies that', w.fullName(t.userOfStudent(sc.student)), 'has completed the course', courseTitle(w, sc.course), `covering ${courseSkillNames(w, sc.course).join(', ')}`, `on ${isoDay(sc.completedAt!)}`, `Instructor: ${w.fullName(t.userOfInstructor(t.instructorOfCourse(sc.course)))}`, `Certificate ${uuidFor(w.seed, 'enrollments', a.index)}`],
      };
    }
    case 'lessonPdf':
    case 'lessonAudio':
    case 'scormPackage': {
      const l = a.index;
      const k = t.courseOfLesson(l);
      return { title: lessonTitle(w, l), lines: [courseTitle(w, k), lessonText(Rng.at(w.seed, 'lesson_text', l), skillName(t.courseSkill(k, 0)), topicOf(w, t.moduleOfLesson(l)))] };
    }
    case 'material': {
      const mf = material(w, a.index);
      return { title: materialTitle(w, a.index, mf.course), lines: [courseTitle(w, mf.course), `Prepared by ${w.fullName(t.userOfInstructor(t.instructorOfCourse(mf.course)))}`] };
    }
    default:
      return {};
  }
}

/** Every asset the seeded rows reference, in a fixed order (streamed: nothing is collected). */
export function* allAssets(w: World): Generator<AssetRef> {
  const t = w.t;
  const s = t.shape;
  for (let u = 0; u < t.users; u++) if (hasAvatar(w, u)) yield assetFor(t, 'profilePicture', u);
  for (let i = 0; i < s.students; i++) if (hasResume(w, i)) yield assetFor(t, 'resume', i);
  for (let c = 0; c < s.companies; c++) yield assetFor(t, 'companyLogo', c);
  for (let c = 0; c < s.courses; c++) yield assetFor(t, 'courseThumbnail', c);
  for (let l = 0; l < t.lessons; l++) {
    const a = lessonAsset(t, l);
    if (a) yield a;
  }
  for (let m = 0; m < s.materials; m++) yield assetFor(t, 'material', m);
  for (let p = 0; p < s.student_portfolios; p++) if (hasPortfolioImage(t, p)) yield assetFor(t, 'portfolioImage', p);
  for (let e = 0; e < s.enrollments; e++) if (hasCertificate(w, e)) yield assetFor(t, 'certificate', e);
}

/** How many assets allAssets yields (for progress), without building keys. */
export function countAssets(w: World): number {
  const t = w.t;
  const s = t.shape;
  let n = s.companies + s.courses + s.materials;
  for (let u = 0; u < t.users; u++) if (hasAvatar(w, u)) n++;
  for (let i = 0; i < s.students; i++) if (hasResume(w, i)) n++;
  for (let l = 0; l < t.lessons; l++) if (LESSON_ASSET[t.lessonType(l)]) n++;
  for (let p = 0; p < s.student_portfolios; p++) if (hasPortfolioImage(t, p)) n++;
  for (let e = 0; e < s.enrollments; e++) if (hasCertificate(w, e)) n++;
  return n;
}
