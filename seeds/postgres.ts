import { NOTIFICATION_TYPES } from '../src/stores/mongo/collections';
import { Json } from '../src/stores/postgres/seed';
import { fileFor } from './files';
import { DIGITS2, DIGITS3, Rng, hash32, scoped, uuidFor } from './core';
import { applicationPath, candidateStage, covering, devPasswordHash, rating, type ApplicationStatus } from './domain';
import { assetFor, enrollmentStatus, hasAvatar, hasCertificate, hasPortfolioImage, hasResume, lessonAsset, lessonContentType } from './assets';
import { embeddingOf, cosine, formatEmbedding, type EmbeddingStorage } from './embeddings';
import { SYNONYM_SUFFIXES, T, TRACKS, type PgTable, type Topology } from './topology';
import { TRACK_SKILLS, vocab, type Vocab } from './vocab';

/**
 * Row generators for the 50 PostgreSQL tables. Each table is a column list and a generator of value
 * arrays in that order; every value is a pure function of (seed, table, index) through Topology,
 * so the tables stream in any size. Timestamps are fixed relative to the as-of instant (never the
 * clock), so the same seed gives byte-identical tables.
 */


export type Value = string | number | boolean | null | Json | Record<string, unknown> | unknown[];
export type Row = Value[];

export interface GenContext {
  t: Topology;
  seed: number;
  /** The as-of instant (00:00 UTC of the as-of day): past facts happen before it, scheduled ones after. */
  asOf: number;
  v: Vocab;
  password: string;
  embedding: EmbeddingStorage;
}

export function genContext(t: Topology, embedding: EmbeddingStorage, asOf: number): GenContext {
  return { t, seed: t.seed, asOf, v: vocab(t.seed), password: devPasswordHash(t.seed), embedding };
}
export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

// Date#toISOString was the largest single cost of generation (~1µs, several per row): the day part
// is cached (a few thousand distinct days per run) and the time of day is built from lookup tables.
const dayPrefix = new Map<number, string>();

function dayOf(day: number): string {
  let d = dayPrefix.get(day);
  if (d === undefined) {
    d = new Date(day * DAY).toISOString().slice(0, 11);
    if (dayPrefix.size < 1 << 16) dayPrefix.set(day, d);
  }
  return d;
}

/** `new Date(ms).toISOString()`, byte for byte, for integer ms. */
export function iso(ms: number): string {
  if (!Number.isInteger(ms)) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY);
  let rem = ms - day * DAY;
  const h = Math.floor(rem / HOUR);
  rem -= h * HOUR;
  const m = Math.floor(rem / MIN);
  rem -= m * MIN;
  const sec = Math.floor(rem / 1000);
  return `${dayOf(day)}${DIGITS2[h]}:${DIGITS2[m]}:${DIGITS2[sec]}.${DIGITS3[rem - sec * 1000]}Z`;
}
const dateOnly = (ms: number) => (Number.isInteger(ms) ? dayOf(Math.floor(ms / DAY)).slice(0, 10) : iso(ms).slice(0, 10));
const money = (cents: number) => (cents / 100).toFixed(2);
const id = (c: GenContext, table: string, i: number) => uuidFor(c.seed, table, i);
const rng = (c: GenContext, table: string, i: number) => Rng.at(c.seed, table, i);

function slugify(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** When an entity was created: between 30 and 730 days before c.asOf. */
export function bornAt(c: GenContext, table: string, i: number): number {
  const h = hash32(c.seed, scoped('born', table), i);
  return c.asOf - 30 * DAY - (h % (700 * 24 * 60)) * MIN;
}
const stamps = (ms: number): [string, string] => {
  const s = iso(ms);
  return [s, s];
};

// ---------------------------------------------------------------------------------------------
// Facts several tables share (names, prices, payments)
// ---------------------------------------------------------------------------------------------

export function personName(c: GenContext, u: number): { first: string; last: string } {
  const r = rng(c, 'person', u);
  return { first: r.pick(c.v.firstNames), last: r.pick(c.v.lastNames) };
}

/** Unique by construction: the user index is part of the local part. */
export function emailOf(c: GenContext, u: number): string {
  const { first, last } = personName(c, u);
  return `${slugify(first).replace(/-/g, '')}.${slugify(last).replace(/-/g, '')}.${u}@example.com`;
}

export function companyName(c: GenContext, co: number): string {
  return `${c.v.companies[hash32(c.seed, 'company_name', co) % c.v.companies.length]}`;
}

export function skillName(s: number): string {
  const list = TRACK_SKILLS[TRACKS[s % T]];
  const j = Math.floor(s / T);
  return j < list.length ? list[j] : `${list[j % list.length]} ${Math.floor(j / list.length) + 1}`;
}

const PRICING = [
  ['free', 30],
  ['one_time', 60],
  ['subscription', 10],
] as const;

function pricing(c: GenContext, scope: string, i: number, lo: number, hi: number, freeFirst = false): { model: string; cents: number } {
  const r = rng(c, scoped('price', scope), i);
  const model = freeFirst && i === 0 ? 'one_time' : covering(r, i, PRICING);
  return { model, cents: model === 'free' ? 0 : r.int(lo, hi) * 100 - 1 };
}
export const coursePrice = (c: GenContext, course: number) => pricing(c, 'courses', course, 20, 200, true);
export const materialPrice = (c: GenContext, m: number) => pricing(c, 'materials', m, 5, 40, true);
export const webinarPrice = (c: GenContext, w: number) => pricing(c, 'webinars', w, 10, 60, true);
export const mentorRateCents = (c: GenContext, m: number) => (40 + (hash32(c.seed, 'mentor_rate', m) % 160)) * 100;
export const packagePriceCents = (c: GenContext, p: number) => (300 + 200 * (p % 5)) * 100;

export interface PaymentFact {
  id: string;
  user: number;
  type: string;
  cents: number;
  status: 'pending' | 'completed' | 'failed' | 'refunded' | 'cancelled';
  at: number;
  description: string;
}

export function enrollmentPayment(c: GenContext, e: number): PaymentFact | null {
  const { student, course } = c.t.enrollment(e);
  const price = coursePrice(c, course);
  if (price.cents === 0) return null;
  const status = enrollmentStatus(c.t, e) === 'dropped' && hash32(c.seed, 'refund', e) % 2 === 0 ? 'refunded' : 'completed';
  return { id: id(c, 'payments:enrollments', e), user: c.t.userOfStudent(student), type: 'course_purchase', cents: price.cents, status, at: enrolledAt(c, e), description: `Course purchase #${course + 1}` };
}

export function enrolledAt(c: GenContext, e: number): number {
  const { student } = c.t.enrollment(e);
  return bornAt(c, 'users', c.t.userOfStudent(student)) + (1 + (hash32(c.seed, 'enrolled_at', e) % 20)) * DAY;
}

// ---------------------------------------------------------------------------------------------
// Table specs
// ---------------------------------------------------------------------------------------------

export interface TableSpec {
  table: PgTable;
  /** Column names in value order (id first, created_at/updated_at last). */
  columns: string[];
  /** Exact row count, or undefined when only the generator knows (derived tables). */
  count(c: GenContext): number | undefined;
  rows(c: GenContext): Iterable<Row>;
}

function spec(table: PgTable, columns: string, count: (c: GenContext) => number | undefined, rows: (c: GenContext) => Iterable<Row>): TableSpec {
  return { table, columns: ['id', ...columns.split(',').map((s) => s.trim()), 'created_at', 'updated_at'], count, rows };
}

function* range<T>(n: number, f: (i: number) => T): Generator<T> {
  for (let i = 0; i < n; i++) yield f(i);
}

const USER_STATUSES = [
  ['active', 85],
  ['pending_verification', 8],
  ['inactive', 5],
  ['suspended', 2],
] as const;

function userRow(c: GenContext, u: number): Row {
  const r = rng(c, 'users', u);
  const { first, last } = personName(c, u);
  const kind = c.t.userKind(u);
  const status = covering(r, u, USER_STATUSES);
  const born = bornAt(c, 'users', u);
  return [
    id(c, 'users', u),
    emailOf(c, u),
    c.password,
    kind.type,
    status,
    first,
    last,
    r.bool(0.7) ? r.pick(c.v.phones) : null,
    hasAvatar(c.t, u) ? assetFor(c.t, 'profilePicture', u).key : null,
    r.pick(['UTC', 'America/New_York', 'Europe/London', 'Europe/Berlin', 'Asia/Kolkata', 'America/Los_Angeles', 'Asia/Singapore']),
    status === 'pending_verification' ? null : iso(born + r.int(1, 120) * MIN),
    status === 'pending_verification' ? null : iso(c.asOf - r.int(1, 60 * 24 * 30) * MIN),
    ...stamps(born),
  ];
}

const EDUCATION = ["Bachelor's degree", "Master's degree", 'Bootcamp', 'High school', 'PhD', 'Associate degree'];

function studentRow(c: GenContext, s: number): Row {
  const r = rng(c, 'students', s);
  const u = c.t.userOfStudent(s);
  const { first, last } = personName(c, u);
  const born = bornAt(c, 'users', u);
  const track = TRACKS[c.t.track(s)];
  const handle = `${slugify(first)}-${slugify(last)}-${s}`;
  const resume = hasResume(c.t, s);
  return [
    id(c, 'students', s),
    id(c, 'users', u),
    `${cap(track)} developer | ${skillName(c.t.studentSkill(s, 0))}`,
    r.pick(c.v.paragraphs),
    dateOnly(Date.UTC(1975 + r.int(0, 30), r.int(0, 11), r.int(1, 28))),
    r.pick(c.v.cities),
    r.pick(EDUCATION),
    r.int(2005, 2027),
    r.int(0, 150) / 10,
    resume ? assetFor(c.t, 'resume', s).key : null,
    resume ? iso(born + r.int(1, 30) * DAY) : null,
    `https://www.linkedin.com/in/${handle}`,
    r.bool(0.6) ? `https://github.com/${handle}` : null,
    r.bool(0.75),
    ...stamps(born),
  ];
}

const COMPANY_SIZES = ['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5000+'];
const INDUSTRIES = ['Software', 'Fintech', 'Healthcare', 'E-commerce', 'Education', 'Logistics', 'Media', 'Consulting', 'Gaming', 'Energy'];

function companyRow(c: GenContext, co: number): Row {
  const r = rng(c, 'companies', co);
  const u = c.t.userOfCompany(co);
  const name = companyName(c, co);
  const domain = `${slugify(name)}-${co}.example.com`;
  const born = bornAt(c, 'users', u);
  return [
    id(c, 'companies', co),
    id(c, 'users', u),
    name,
    `https://${domain}`,
    r.pick(INDUSTRIES),
    r.pick(COMPANY_SIZES),
    r.pick(c.v.phrases),
    assetFor(c.t, 'companyLogo', co).key,
    r.pick(c.v.cities),
    `billing@${domain}`,
    r.bool(0.8) ? iso(born + r.int(1, 20) * DAY) : null,
    ...stamps(born),
  ];
}

const ADMIN_ROLES = ['super_admin', 'content_manager', 'recruitment_manager', 'finance_manager', 'support_admin'];

function ratingStats(c: GenContext, scope: string, i: number): [string, number] {
  const r = rng(c, scoped('rating', scope), i);
  const n = r.int(0, 200);
  return [n === 0 ? '0.00' : r.normal(4.3, 0.35, 1, 5).toFixed(2), n];
}

export function pgTables(): TableSpec[] {
  return [
    spec('users', 'email, password_hash, user_type, status, first_name, last_name, phone, avatar_s3_key, timezone, email_verified_at, last_login_at', (c) => c.t.users, (c) => range(c.t.users, (u) => userRow(c, u))),
    spec('students', 'user_id, headline, bio, date_of_birth, location, education_level, graduation_year, years_of_experience, resume_s3_key, resume_uploaded_at, linkedin_url, github_url, open_to_work', (c) => c.t.shape.students, (c) => range(c.t.shape.students, (s) => studentRow(c, s))),
    spec('companies', 'user_id, name, website, industry, company_size, description, logo_s3_key, headquarters, billing_email, verified_at', (c) => c.t.shape.companies, (c) => range(c.t.shape.companies, (co) => companyRow(c, co))),
    spec('admins', 'user_id, role, department', (c) => c.t.shape.admins, (c) =>
      range(c.t.shape.admins, (a) => {
        const u = c.t.userOfAdmin(a);
        return [id(c, 'admins', a), id(c, 'users', u), a === 0 ? 'super_admin' : ADMIN_ROLES[a % ADMIN_ROLES.length], rng(c, 'admins', a).pick(c.v.departments), ...stamps(bornAt(c, 'users', u))];
      }),
    ),
    spec('instructors', 'user_id, headline, bio, expertise, website, rating_avg, rating_count', (c) => c.t.shape.instructors, (c) =>
      range(c.t.shape.instructors, (i) => {
        const r = rng(c, 'instructors', i);
        const u = c.t.userOfInstructor(i);
        return [id(c, 'instructors', i), id(c, 'users', u), `${cap(TRACKS[i % T])} instructor`, r.pick(c.v.paragraphs), skillName(c.t.skillOfTrack(i % T, 'instructors', i, 0)), r.bool(0.5) ? `https://instructor-${i}.example.com` : null, ...ratingStats(c, 'instructors', i), ...stamps(bornAt(c, 'users', u))];
      }),
    ),
    spec('mentors', 'user_id, headline, bio, expertise, years_of_experience, hourly_rate, currency, is_available, rating_avg, rating_count', (c) => c.t.shape.mentors, (c) =>
      range(c.t.shape.mentors, (m) => {
        const r = rng(c, 'mentors', m);
        const u = c.t.userOfMentor(m);
        return [id(c, 'mentors', m), id(c, 'users', u), `Senior ${TRACKS[m % T]} engineer and mentor`, r.pick(c.v.paragraphs), skillName(c.t.skillOfTrack(m % T, 'mentors', m, 0)), r.int(3, 25), money(mentorRateCents(c, m)), 'USD', r.bool(0.85), ...ratingStats(c, 'mentors', m), ...stamps(bornAt(c, 'users', u))];
      }),
    ),
    spec('notifications', 'user_id, notification_type, title, body, payload, read_at, sent_at', (c) => c.t.notifications, (c) =>
      range(c.t.notifications, (n) => {
        const r = rng(c, 'notifications', n);
        const u = Math.floor(n / c.t.shape.notificationsPerUser);
        const type = notificationType(c, n);
        const at = notificationAt(c, n);
        return [id(c, 'notifications', n), id(c, 'users', u), type, cap(type.replace(/_/g, ' ')), r.pick(c.v.sentences), { source: 'seed', n }, r.bool(0.6) ? iso(at + r.int(1, 3000) * MIN) : null, iso(at), ...stamps(at)];
      }),
    ),
    spec('notification_preferences', 'user_id, notification_type, email_enabled, in_app_enabled, push_enabled', (c) => c.t.users * c.t.shape.preferencesPerUser, (c) =>
      range(c.t.users * c.t.shape.preferencesPerUser, (p) => {
        const r = rng(c, 'notification_preferences', p);
        const u = Math.floor(p / c.t.shape.preferencesPerUser);
        const k = p % c.t.shape.preferencesPerUser;
        const type = NOTIFICATION_TYPES[(k + hash32(c.seed, 'pref', u)) % NOTIFICATION_TYPES.length];
        return [id(c, 'notification_preferences', p), id(c, 'users', u), type, r.bool(0.8), r.bool(0.95), r.bool(0.3), ...stamps(bornAt(c, 'users', u))];
      }),
    ),
    spec('categories', 'parent_id, name, slug, description, position', (c) => c.t.shape.categories, (c) =>
      range(c.t.shape.categories, (k) => {
        const root = k < T;
        const track = TRACKS[k % T];
        const name = root ? `${cap(track)} development` : `${cap(track)}: ${cap(c.v.words[hash32(c.seed, 'category', k) % c.v.words.length])}`;
        return [id(c, 'categories', k), root ? null : id(c, 'categories', k % T), name, `${slugify(name)}-${k}`, rng(c, 'categories', k).pick(c.v.sentences), Math.floor(k / T), ...stamps(c.asOf - 800 * DAY)];
      }),
    ),
    spec('skills', 'name, category_id, description', (c) => c.t.shape.skills, (c) =>
      range(c.t.shape.skills, (s) => [id(c, 'skills', s), skillName(s), id(c, 'categories', c.t.categoryOfTrack(s % T, s)), `${skillName(s)} (${TRACKS[s % T]})`, ...stamps(c.asOf - 800 * DAY)]),
    ),
    spec('skill_synonyms', 'skill_id, synonym', (c) => c.t.shape.skill_synonyms, (c) =>
      range(c.t.shape.skill_synonyms, (i) => {
        const s = i % c.t.shape.skills;
        return [id(c, 'skill_synonyms', i), id(c, 'skills', s), `${skillName(s)} ${SYNONYM_SUFFIXES[Math.floor(i / c.t.shape.skills)]}`, ...stamps(c.asOf - 800 * DAY)];
      }),
    ),
    spec('student_skills', 'student_id, skill_id, proficiency, years_of_experience, is_verified', (c) => c.t.shape.students * c.t.shape.skillsPerStudent, (c) =>
      range(c.t.shape.students * c.t.shape.skillsPerStudent, (i) => {
        const r = rng(c, 'student_skills', i);
        const s = Math.floor(i / c.t.shape.skillsPerStudent);
        const k = i % c.t.shape.skillsPerStudent;
        return [id(c, 'student_skills', i), id(c, 'students', s), id(c, 'skills', c.t.studentSkill(s, k)), studentProficiency(c, s, k), r.int(0, 80) / 10, r.bool(0.3), ...stamps(bornAt(c, 'users', s) + DAY)];
      }),
    ),
    spec('payments', 'user_id, payment_type, amount, currency, status, gateway, gateway_payment_id, description, failure_reason, paid_at, refunded_at', () => undefined, (c) => paymentRows(c)),
    spec('courses', 'instructor_id, category_id, title, slug, subtitle, description, difficulty_level, pricing_model, price, currency, language, duration_minutes, thumbnail_s3_key, is_published, published_at, rating_avg, rating_count, enrollment_count', (c) => c.t.shape.courses, (c) =>
      range(c.t.shape.courses, (k) => {
        const r = rng(c, 'courses', k);
        const title = courseTitle(c, k);
        const price = coursePrice(c, k);
        const born = bornAt(c, 'courses', k) - 200 * DAY;
        const published = k === 0 || r.bool(0.85);
        return [id(c, 'courses', k), id(c, 'instructors', c.t.instructorOfCourse(k)), id(c, 'categories', c.t.categoryOfTrack(k % T, k)), title, `${slugify(title)}-${k}`, r.pick(c.v.phrases), r.pick(c.v.paragraphs), r.pick(['beginner', 'intermediate', 'advanced']), price.model, money(price.cents), 'USD', 'en', c.t.lessonsPerCourse * r.int(8, 25), assetFor(c.t, 'courseThumbnail', k).key, published, published ? iso(born + 7 * DAY) : null, ...ratingStats(c, 'courses', k), r.int(0, 5000), ...stamps(born)];
      }),
    ),
    spec('course_skills', 'course_id, skill_id', (c) => c.t.shape.courses * c.t.shape.skillsPerCourse, (c) =>
      range(c.t.shape.courses * c.t.shape.skillsPerCourse, (i) => {
        const k = Math.floor(i / c.t.shape.skillsPerCourse);
        return [id(c, 'course_skills', i), id(c, 'courses', k), id(c, 'skills', c.t.courseSkill(k, i % c.t.shape.skillsPerCourse)), ...stamps(bornAt(c, 'courses', k) - 200 * DAY)];
      }),
    ),
    spec('course_prerequisites', 'course_id, prerequisite_course_id, is_mandatory', (c) => c.t.shape.course_prerequisites, (c) =>
      range(c.t.shape.course_prerequisites, (i) => [id(c, 'course_prerequisites', i), id(c, 'courses', i + 1), id(c, 'courses', hash32(c.seed, 'prereq', i) % (i + 1)), hash32(c.seed, 'prereq_m', i) % 3 !== 0, ...stamps(bornAt(c, 'courses', i + 1) - 199 * DAY)]),
    ),
    spec('modules', 'course_id, title, description, position', (c) => c.t.modules, (c) =>
      range(c.t.modules, (m) => {
        const k = c.t.courseOfModule(m);
        const pos = (m % c.t.shape.modulesPerCourse) + 1;
        return [id(c, 'modules', m), id(c, 'courses', k), `Module ${pos}: ${cap(c.v.words[hash32(c.seed, 'module', m) % c.v.words.length])}`, rng(c, 'modules', m).pick(c.v.sentences), pos, ...stamps(bornAt(c, 'courses', k) - 199 * DAY)];
      }),
    ),
    spec('lessons', 'module_id, title, content_type, position, content_s3_key, content_text, external_url, duration_minutes, is_preview', (c) => c.t.lessons, (c) =>
      range(c.t.lessons, (l) => {
        const r = rng(c, 'lessons', l);
        const type = lessonContentType(c.t, l);
        const pos = (l % c.t.shape.lessonsPerModule) + 1;
        const m = c.t.moduleOfLesson(l);
        const asset = lessonAsset(c.t, l);
        return [id(c, 'lessons', l), id(c, 'modules', m), lessonTitle(c, l, type), type, pos, asset ? asset.key : null, type === 'text' ? r.pick(c.v.paragraphs) : null, type === 'external_link' ? `https://docs.example.org/${slugify(c.v.words[r.int(0, c.v.words.length - 1)])}/${l}` : null, r.int(3, 45), pos === 1 && m % c.t.shape.modulesPerCourse === 0, ...stamps(bornAt(c, 'courses', c.t.courseOfLesson(l)) - 198 * DAY)];
      }),
    ),
    spec('quizzes', 'lesson_id, title, description, passing_score, time_limit_minutes, max_attempts, shuffle_questions', (c) => c.t.quizzes, (c) =>
      range(c.t.quizzes, (q) => {
        const r = rng(c, 'quizzes', q);
        return [id(c, 'quizzes', q), id(c, 'lessons', c.t.lessonOfQuiz(q)), `Quiz: module ${(q % c.t.shape.modulesPerCourse) + 1}`, r.pick(c.v.sentences), r.pick([60, 70, 75, 80]), r.bool(0.6) ? r.pick([10, 15, 20, 30]) : null, r.bool(0.5) ? r.int(1, 5) : null, r.bool(0.4), ...stamps(bornAt(c, 'courses', c.t.courseOfModule(q)) - 198 * DAY)];
      }),
    ),
    spec('quiz_questions', 'quiz_id, question_type, prompt, options, correct_answer, explanation, points, position', (c) => c.t.questions, (c) => range(c.t.questions, (i) => questionRow(c, i))),
    spec('flashcard_decks', 'course_id, lesson_id, title, description', (c) => c.t.shape.courses, (c) =>
      range(c.t.shape.courses, (k) => [id(c, 'flashcard_decks', k), id(c, 'courses', k), k % 2 === 0 ? id(c, 'lessons', c.t.lessonOfCourse(k, 0)) : null, `${courseTitle(c, k)}: key terms`, null, ...stamps(bornAt(c, 'courses', k) - 190 * DAY)]),
    ),
    spec('flashcards', 'deck_id, front, back, hint, position', (c) => c.t.flashcards, (c) =>
      range(c.t.flashcards, (f) => {
        const r = rng(c, 'flashcards', f);
        const d = c.t.deckOfFlashcard(f);
        return [id(c, 'flashcards', f), id(c, 'flashcard_decks', d), `What is ${r.pick(c.v.words)}?`, r.pick(c.v.sentences), r.bool(0.3) ? r.pick(c.v.words) : null, (f % c.t.shape.flashcardsPerDeck) + 1, ...stamps(bornAt(c, 'courses', d) - 190 * DAY)];
      }),
    ),
    spec('course_reviews', 'student_id, course_id, rating, title, body', (c) => c.t.shape.course_reviews, (c) =>
      range(c.t.shape.course_reviews, (i) => {
        const r = rng(c, 'course_reviews', i);
        const e = c.t.enrollmentOfReview(i);
        const { student, course } = c.t.enrollment(e);
        return [id(c, 'course_reviews', i), id(c, 'students', student), id(c, 'courses', course), rating(r), r.bool(0.7) ? cap(r.pick(c.v.words)) : null, r.bool(0.8) ? r.pick(c.v.sentences) : null, ...stamps(enrolledAt(c, e) + r.int(1, 60) * DAY)];
      }),
    ),
    spec('enrollments', 'student_id, course_id, status, progress_percent, enrolled_at, completed_at, expires_at, last_accessed_at, payment_id, certificate_s3_key, certificate_issued_at', (c) => c.t.shape.enrollments, (c) => range(c.t.shape.enrollments, (e) => enrollmentRow(c, e))),
    spec('lesson_progress', 'enrollment_id, lesson_id, progress_percent, time_spent_seconds, last_position_seconds, started_at, completed_at', () => undefined, (c) => lessonProgressRows(c)),
    spec('quiz_attempts', 'quiz_id, student_id, enrollment_id, attempt_number, started_at, submitted_at, score_percent, passed, answers', (c) => c.t.shape.quiz_attempts, (c) =>
      range(c.t.shape.quiz_attempts, (i) => {
        const r = rng(c, 'quiz_attempts', i);
        const E = c.t.shape.enrollments;
        const e = i % E;
        const k = Math.floor(i / E);
        const { student, course } = c.t.enrollment(e);
        const q = c.t.quizOfCourse(course, k);
        const start = enrolledAt(c, e) + r.int(1, 40) * DAY;
        const submitted = r.bool(0.92);
        const score = submitted ? Math.round(r.normal(74, 15, 0, 100)) : null;
        return [id(c, 'quiz_attempts', i), id(c, 'quizzes', q), id(c, 'students', student), id(c, 'enrollments', e), Math.floor(k / c.t.shape.modulesPerCourse) + 1, iso(start), submitted ? iso(start + r.int(2, 30) * MIN) : null, score, submitted ? score! >= 70 : null, submitted ? { q1: r.pick(['a', 'b', 'c', 'd']) } : {}, ...stamps(start)];
      }),
    ),
    spec('materials', 'course_id, lesson_id, uploaded_by, title, description, s3_key, file_name, mime_type, file_size_bytes, pricing_model, price, currency, download_count, is_published', (c) => c.t.shape.materials, (c) => range(c.t.shape.materials, (m) => materialRow(c, m))),
    spec('material_downloads', 'material_id, user_id, payment_id, downloaded_at, ip_address, user_agent', (c) => c.t.shape.material_downloads, (c) =>
      range(c.t.shape.material_downloads, (i) => {
        const r = rng(c, 'material_downloads', i);
        const d = materialDownload(c, i);
        const pay = materialDownloadPayment(c, i);
        return [id(c, 'material_downloads', i), id(c, 'materials', d.material), id(c, 'users', d.user), pay ? pay.id : null, iso(d.at), ipOf(r), r.pick(c.v.userAgents), ...stamps(d.at)];
      }),
    ),
    spec('webinars', 'host_user_id, category_id, title, description, status, starts_at, ends_at, timezone, capacity, pricing_model, price, currency, meeting_url, recording_url', (c) => c.t.shape.webinars, (c) =>
      range(c.t.shape.webinars, (w) => {
        const r = rng(c, 'webinars', w);
        const status = webinarStatus(c, w);
        const start = webinarStart(c, w);
        const price = webinarPrice(c, w);
        return [id(c, 'webinars', w), id(c, 'users', w % 2 === 0 ? c.t.userOfInstructor(w % c.t.shape.instructors) : c.t.userOfMentor(w % c.t.shape.mentors)), id(c, 'categories', c.t.categoryOfTrack(w % T, w)), `Live: ${courseTitle(c, w % c.t.shape.courses)}`, r.pick(c.v.paragraphs), status, iso(start), iso(start + r.pick([45, 60, 90]) * MIN), 'UTC', r.bool(0.7) ? r.pick([50, 100, 250, 500]) : null, price.model, money(price.cents), 'USD', `https://meet.example.com/webinar-${w}`, status === 'completed' ? `https://video.example.com/recordings/${w}` : null, ...stamps(start - 30 * DAY)];
      }),
    ),
    spec('webinar_registrations', 'webinar_id, user_id, status, registered_at, attended_at, cancelled_at, payment_id', (c) => c.t.shape.webinar_registrations, (c) =>
      range(c.t.shape.webinar_registrations, (i) => {
        const reg = webinarRegistration(c, i);
        const pay = webinarPayment(c, i);
        return [id(c, 'webinar_registrations', i), id(c, 'webinars', reg.webinar), id(c, 'users', reg.user), reg.status, iso(reg.at), reg.status === 'attended' ? iso(webinarStart(c, reg.webinar) + 2 * MIN) : null, reg.status === 'cancelled' ? iso(reg.at + DAY) : null, pay ? pay.id : null, ...stamps(reg.at)];
      }),
    ),
    spec('mentor_sessions', 'mentor_id, student_id, starts_at, ends_at, status, topic, agenda, meeting_url, mentor_notes, price, currency, payment_id, rescheduled_from_id, cancelled_at, cancellation_reason', (c) => c.t.shape.mentor_sessions, (c) =>
      range(c.t.shape.mentor_sessions, (i) => {
        const r = rng(c, 'mentor_sessions', i);
        const s = mentorSession(c, i);
        const pay = mentorSessionPayment(c, i);
        const prev = i - c.t.shape.mentors;
        const rescheduledFrom = prev >= 0 && mentorSession(c, prev).status === 'rescheduled' ? id(c, 'mentor_sessions', prev) : null;
        return [id(c, 'mentor_sessions', i), id(c, 'mentors', s.mentor), id(c, 'students', s.student), iso(s.start), iso(s.start + HOUR), s.status, `${skillName(c.t.skillOfTrack(s.mentor % T, 'mentors', s.mentor, 0))} career advice`, r.bool(0.5) ? r.pick(c.v.sentences) : null, `https://meet.example.com/mentor-${i}`, s.status === 'completed' ? r.pick(c.v.sentences) : null, money(mentorRateCents(c, s.mentor)), 'USD', pay.id, rescheduledFrom, s.status === 'cancelled' ? iso(s.start - DAY) : null, s.status === 'cancelled' ? 'Schedule conflict' : null, ...stamps(s.start - 7 * DAY)];
      }),
    ),
    spec('mentor_reviews', 'session_id, rating, comment', () => undefined, function* (c) {
      for (let i = 0; i < c.t.shape.mentor_sessions; i++) {
        const s = mentorSession(c, i);
        if (s.status !== 'completed' || hash32(c.seed, 'mentor_review', i) % 5 === 0) continue;
        const r = rng(c, 'mentor_reviews', i);
        yield [id(c, 'mentor_reviews', i), id(c, 'mentor_sessions', i), rating(r), r.bool(0.7) ? r.pick(c.v.sentences) : null, ...stamps(s.start + 2 * HOUR)];
      }
    }),
    spec('jobs', 'company_id, category_id, posted_by_user_id, title, description, employment_type, remote_type, status, location, salary_min, salary_max, currency, experience_min_years, experience_max_years, openings, published_at, closes_at, filled_at', (c) => c.t.shape.jobs, (c) => range(c.t.shape.jobs, (j) => jobRow(c, j))),
    spec('job_skills', 'job_id, skill_id, is_required, min_years', (c) => c.t.shape.jobs * c.t.shape.skillsPerJob, (c) =>
      range(c.t.shape.jobs * c.t.shape.skillsPerJob, (i) => {
        const r = rng(c, 'job_skills', i);
        const j = Math.floor(i / c.t.shape.skillsPerJob);
        return [id(c, 'job_skills', i), id(c, 'jobs', j), id(c, 'skills', c.t.jobSkill(j, i % c.t.shape.skillsPerJob)), r.bool(0.7), r.bool(0.5) ? r.int(0, 8) : null, ...stamps(jobBorn(c, j))];
      }),
    ),
    spec('applications', 'student_id, job_id, status, stage, cover_letter, resume_s3_key, applied_at, reviewed_by_admin_id, admin_reviewed_at, admin_notes, forwarded_at, company_notes, withdrawn_at', (c) => c.t.shape.applications, (c) => range(c.t.shape.applications, (a) => applicationRow(c, a))),
    spec('application_status_history', 'application_id, from_status, to_status, changed_by, note, changed_at', () => undefined, function* (c) {
      for (let a = 0; a < c.t.shape.applications; a++) {
        const app = application(c, a);
        for (let k = 0; k < app.path.length; k++) {
          const to = app.path[k];
          yield [id(c, 'application_status_history', a * 16 + k), id(c, 'applications', a), k === 0 ? null : app.path[k - 1], to, id(c, 'users', changedBy(c, app, to)), k === 0 ? 'Application submitted' : null, iso(app.times[k]), ...stamps(app.times[k])];
        }
      }
    }),
    spec('interview_slots', 'application_id, scheduled_by_user_id, starts_at, ends_at, timezone, status, location, meeting_url, interviewer_name, feedback, rating', () => undefined, function* (c) {
      for (let a = 0; a < c.t.shape.applications; a++) {
        const app = application(c, a);
        const k = app.path.indexOf('interview_scheduled');
        if (k < 0) continue;
        const r = rng(c, 'interview_slots', a);
        const done = app.path.includes('interview_completed');
        const cancelled = !done && app.status !== 'interview_scheduled';
        const start = app.times[k] + r.int(2, 10) * DAY;
        const n = personName(c, c.t.userOfCompany(c.t.companyOfJob(app.job)));
        yield [id(c, 'interview_slots', a), id(c, 'applications', a), id(c, 'users', c.t.userOfCompany(c.t.companyOfJob(app.job))), iso(start), iso(start + 45 * MIN), 'UTC', done ? 'completed' : cancelled ? 'cancelled' : 'scheduled', null, `https://meet.example.com/interview-${a}`, `${n.first} ${n.last}`, done ? r.pick(c.v.sentences) : null, done ? rating(r) : null, ...stamps(app.times[k])];
      }
    }),
    spec('placement_packages', 'name, description, price, currency, duration_days, referral_count, mentor_session_count, is_active', (c) => c.t.shape.placement_packages, (c) =>
      range(c.t.shape.placement_packages, (p) => [id(c, 'placement_packages', p), packageName(p), rng(c, 'placement_packages', p).pick(c.v.sentences), money(packagePriceCents(c, p)), 'USD', 30 + 30 * (p % 6), 2 + (p % 5) * 2, 1 + (p % 4), p % 7 !== 6, ...stamps(c.asOf - 760 * DAY)]),
    ),
    spec('student_placements', 'student_id, package_id, status, starts_at, ends_at, payment_id, placed_job_id, placed_at, notes', (c) => c.t.shape.student_placements, (c) =>
      range(c.t.shape.student_placements, (i) => {
        const p = placement(c, i);
        return [id(c, 'student_placements', i), id(c, 'students', p.student), id(c, 'placement_packages', p.pkg), p.status, iso(p.start), iso(p.start + (30 + 30 * (p.pkg % 6)) * DAY), placementPayment(c, i).id, p.status === 'completed' ? id(c, 'jobs', p.student % c.t.shape.jobs) : null, p.status === 'completed' ? iso(p.start + 20 * DAY) : null, null, ...stamps(p.start)];
      }),
    ),
    spec('referral_contacts', 'student_id, student_placement_id, company_id, job_id, managed_by_admin_id, company_name, contact_name, contact_email, contact_title, linkedin_url, status, contacted_at, converted_at, notes', (c) => c.t.shape.referral_contacts, (c) =>
      range(c.t.shape.referral_contacts, (i) => {
        const r = rng(c, 'referral_contacts', i);
        const sp = c.t.shape.student_placements > 0 ? i % c.t.shape.student_placements : -1;
        const student = sp >= 0 ? placement(c, sp).student : i % c.t.shape.students;
        const co = hash32(c.seed, 'referral_company', i) % c.t.shape.companies;
        const job = co < c.t.shape.jobs ? co : null;
        const status = covering(r, i, [['pending', 25], ['contacted', 30], ['interested', 20], ['not_interested', 15], ['converted', 10]] as const);
        const at = bornAt(c, 'users', student) + r.int(5, 60) * DAY;
        const n = { first: r.pick(c.v.firstNames), last: r.pick(c.v.lastNames) };
        return [id(c, 'referral_contacts', i), id(c, 'students', student), sp >= 0 ? id(c, 'student_placements', sp) : null, id(c, 'companies', co), job === null ? null : id(c, 'jobs', job), id(c, 'admins', i % c.t.shape.admins), companyName(c, co), `${n.first} ${n.last}`, `${slugify(n.first)}.${slugify(n.last)}.${i}@contacts.example.com`, r.pick(c.v.jobTitles), null, status, status === 'pending' ? null : iso(at + DAY), status === 'converted' ? iso(at + 20 * DAY) : null, null, ...stamps(at)];
      }),
    ),
    spec('badges', 'name, description, criteria, icon_url, points', (c) => c.t.shape.badges, (c) =>
      range(c.t.shape.badges, (b) => [id(c, 'badges', b), badgeName(b), rng(c, 'badges', b).pick(c.v.sentences), 'Awarded automatically', `https://cdn.example.com/badges/${b}.svg`, 10 * (1 + (b % 10)), ...stamps(c.asOf - 760 * DAY)]),
    ),
    spec('student_badges', 'student_id, badge_id, course_id, awarded_at', (c) => c.t.shape.student_badges, (c) =>
      range(c.t.shape.student_badges, (i) => {
        const { student, badge } = c.t.studentBadge(i);
        const at = bornAt(c, 'users', student) + (1 + (hash32(c.seed, 'badge_at', i) % 200)) * DAY;
        return [id(c, 'student_badges', i), id(c, 'students', student), id(c, 'badges', badge), badge % 2 === 0 ? id(c, 'courses', i % c.t.shape.courses) : null, iso(at), ...stamps(at)];
      }),
    ),
    spec('student_portfolios', 'student_id, title, description, project_url, repository_url, image_s3_key, started_on, completed_on, is_public, position', (c) => c.t.shape.student_portfolios, (c) =>
      range(c.t.shape.student_portfolios, (p) => {
        const r = rng(c, 'student_portfolios', p);
        const s = c.t.studentOfPortfolio(p);
        const start = bornAt(c, 'users', s) - r.int(30, 700) * DAY;
        return [id(c, 'student_portfolios', p), id(c, 'students', s), `${cap(r.pick(c.v.words))} ${r.pick(['app', 'dashboard', 'API', 'toolkit', 'site', 'model'])}`, r.pick(c.v.sentences), `https://projects.example.com/${p}`, r.bool(0.6) ? `https://github.com/student-${s}/project-${p}` : null, hasPortfolioImage(c.t, p) ? assetFor(c.t, 'portfolioImage', p).key : null, dateOnly(start), r.bool(0.8) ? dateOnly(start + r.int(10, 200) * DAY) : null, r.bool(0.85), Math.floor(p / c.t.shape.students), ...stamps(bornAt(c, 'users', s) + DAY)];
      }),
    ),
    spec('portfolio_skills', 'portfolio_id, skill_id', (c) => c.t.shape.student_portfolios * c.t.shape.skillsPerPortfolio, (c) =>
      range(c.t.shape.student_portfolios * c.t.shape.skillsPerPortfolio, (i) => {
        const p = Math.floor(i / c.t.shape.skillsPerPortfolio);
        return [id(c, 'portfolio_skills', i), id(c, 'student_portfolios', p), id(c, 'skills', c.t.portfolioSkill(p, i % c.t.shape.skillsPerPortfolio)), ...stamps(bornAt(c, 'users', c.t.studentOfPortfolio(p)) + DAY)];
      }),
    ),
    spec('company_candidate_billing', 'company_id, application_id, amount, currency, status, payment_id, invoice_number, billed_at, due_at, paid_at', () => undefined, function* (c) {
      for (let a = 0; a < c.t.shape.applications; a++) {
        const bill = candidateBill(c, a);
        if (!bill) continue;
        yield [id(c, 'company_candidate_billing', a), id(c, 'companies', bill.company), id(c, 'applications', a), money(bill.pay.cents), 'USD', bill.pay.status, bill.pay.id, `INV-${c.seed}-${String(a).padStart(8, '0')}`, iso(bill.pay.at), iso(bill.pay.at + 30 * DAY), bill.pay.status === 'completed' ? iso(bill.pay.at + 10 * DAY) : null, ...stamps(bill.pay.at)];
      }
    }),
    spec('student_embeddings', 'student_id, embedding, model, source_hash, embedded_at', (c) => c.t.shape.students, (c) =>
      range(c.t.shape.students, (s) => {
        const at = bornAt(c, 'users', s) + 2 * DAY;
        return [id(c, 'student_embeddings', s), id(c, 'students', s), formatEmbedding(studentEmbedding(c, s), c.embedding), EMBEDDING_MODEL, `skills:${hash32(c.seed, 'student_src', s).toString(16)}`, iso(at), ...stamps(at)];
      }),
    ),
    spec('job_embeddings', 'job_id, embedding, model, source_hash, embedded_at', (c) => c.t.shape.jobs, (c) =>
      range(c.t.shape.jobs, (j) => {
        const at = jobBorn(c, j) + DAY;
        return [id(c, 'job_embeddings', j), id(c, 'jobs', j), formatEmbedding(jobEmbedding(c, j), c.embedding), EMBEDDING_MODEL, `skills:${hash32(c.seed, 'job_src', j).toString(16)}`, iso(at), ...stamps(at)];
      }),
    ),
    spec('admin_match_recommendations', 'student_id, job_id, score, model, reason, admin_id, reviewed_at, is_approved', (c) => c.t.shape.admin_match_recommendations, (c) =>
      range(c.t.shape.admin_match_recommendations, (i) => {
        const r = rng(c, 'admin_match_recommendations', i);
        const { student, job } = c.t.recommendation(i);
        const score = Math.max(0, Math.min(1, cosine(studentEmbedding(c, student), jobEmbedding(c, job))));
        const reviewed = r.bool(0.5);
        const at = jobBorn(c, job) + 3 * DAY;
        return [id(c, 'admin_match_recommendations', i), id(c, 'students', student), id(c, 'jobs', job), score.toFixed(4), EMBEDDING_MODEL, `Shares ${TRACKS[c.t.track(job)]} skills`, reviewed ? id(c, 'admins', i % c.t.shape.admins) : null, reviewed ? iso(at + DAY) : null, reviewed ? score >= 0.5 : null, ...stamps(at)];
      }),
    ),
    spec('system_settings', 'key, value, description, is_public, updated_by', (c) => c.t.shape.system_settings, (c) =>
      range(c.t.shape.system_settings, (i) => {
        const [key, value] = i < SETTINGS.length ? SETTINGS[i] : [`feature.flag_${i}`, i % 2 === 0];
        return [id(c, 'system_settings', i), key, new Json(value), `Setting ${key}`, key.startsWith('platform.'), id(c, 'users', c.t.userOfAdmin(0)), ...stamps(c.asOf - 700 * DAY)];
      }),
    ),
    spec('audit_logs', 'user_id, action, entity_type, entity_id, before, after, ip_address, user_agent', (c) => c.t.shape.audit_logs, (c) =>
      range(c.t.shape.audit_logs, (i) => {
        const r = rng(c, 'audit_logs', i);
        const u = hash32(c.seed, 'audit_user', i) % c.t.users;
        const [action, entity, n] = r.pick([
          ['user.login', 'users', c.t.users],
          ['course.update', 'courses', c.t.shape.courses],
          ['job.publish', 'jobs', c.t.shape.jobs],
          ['application.status_change', 'applications', c.t.shape.applications],
        ] as const);
        const target = r.int(0, Math.max(0, n - 1));
        const at = c.asOf - r.int(1, 300 * 24) * HOUR;
        return [id(c, 'audit_logs', i), id(c, 'users', u), action, entity, id(c, entity, target), action === 'user.login' ? null : { status: 'draft' }, action === 'user.login' ? null : { status: 'active' }, ipOf(r), r.pick(c.v.userAgents), ...stamps(at)];
      }),
    ),
  ];
}

export function notificationType(c: GenContext, n: number): (typeof NOTIFICATION_TYPES)[number] {
  return NOTIFICATION_TYPES[hash32(c.seed, 'notification_type', n) % NOTIFICATION_TYPES.length];
}

export function notificationAt(c: GenContext, n: number): number {
  return bornAt(c, 'users', Math.floor(n / c.t.shape.notificationsPerUser)) + (1 + (hash32(c.seed, 'notification_at', n) % 25)) * DAY;
}

export const EMBEDDING_MODEL = 'recruit-skill-hash-384';

const SETTINGS: ReadonlyArray<readonly [string, Value]> = [
  ['platform.name', 'Recruit LMS'],
  ['platform.default_currency', 'USD'],
  ['billing.candidate_fee_usd', 99],
  ['applications.auto_forward', false],
  ['security.session_ttl_days', 90],
  ['search.max_results', { jobs: 50, courses: 100 }],
  ['notifications.digest_hour_utc', 8],
  ['features.ai_matching', true],
  ['features.webinars', true],
  ['uploads.max_resume_mb', 10],
];

function ipOf(r: Rng): string {
  return `${r.int(11, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
}

export function studentProficiency(c: GenContext, s: number, k: number): number {
  return 1 + (hash32(c.seed, 'proficiency', s * 64 + k) % 5);
}

function studentEmbedding(c: GenContext, s: number): Float64Array {
  const skills: Array<[number, number]> = [];
  for (let k = 0; k < c.t.shape.skillsPerStudent; k++) skills.push([c.t.studentSkill(s, k), studentProficiency(c, s, k)]);
  return embeddingOf(c.seed, skills);
}

function jobEmbedding(c: GenContext, j: number): Float64Array {
  const skills: Array<[number, number]> = [];
  for (let k = 0; k < c.t.shape.skillsPerJob; k++) skills.push([c.t.jobSkill(j, k), 3]);
  return embeddingOf(c.seed, skills);
}

function courseTitle(c: GenContext, k: number): string {
  const suffix = ['Fundamentals', 'Masterclass', 'Bootcamp', 'in Practice', 'for Beginners', 'Deep Dive'][hash32(c.seed, 'course_title', k) % 6];
  return `${skillName(c.t.courseSkill(k, 0))} ${suffix}`;
}

function lessonTitle(c: GenContext, l: number, type: string): string {
  const word = cap(c.v.words[hash32(c.seed, 'lesson_title', l) % c.v.words.length]);
  return type === 'quiz' ? 'Module quiz' : `${word} (${type.replace(/_/g, ' ')})`;
}

const QUESTION_TYPES = [
  ['multiple_choice', 50],
  ['true_false', 20],
  ['multiple_select', 15],
  ['short_answer', 15],
] as const;

function questionRow(c: GenContext, i: number): Row {
  const r = rng(c, 'quiz_questions', i);
  const q = Math.floor(i / c.t.shape.questionsPerQuiz);
  const type = covering(r, i, QUESTION_TYPES);
  const opts = ['a', 'b', 'c', 'd'].map((key) => ({ key, text: cap(r.pick(c.v.words)) }));
  const options = type === 'short_answer' ? [] : type === 'true_false' ? [{ key: 'true', text: 'True' }, { key: 'false', text: 'False' }] : opts;
  const answer: Value = type === 'multiple_choice' ? r.pick(['a', 'b', 'c', 'd']) : type === 'true_false' ? r.bool() : type === 'multiple_select' ? ['a', 'c'] : [r.pick(c.v.words)];
  return [id(c, 'quiz_questions', i), id(c, 'quizzes', q), type, `${r.pick(c.v.sentences).replace(/\.$/, '')}?`, options, new Json(answer), r.bool(0.5) ? r.pick(c.v.sentences) : null, r.pick([1, 1, 2, 5]), (i % c.t.shape.questionsPerQuiz) + 1, ...stamps(bornAt(c, 'courses', c.t.courseOfModule(q)) - 198 * DAY)];
}

function enrollmentProgress(c: GenContext, e: number): number {
  const status = enrollmentStatus(c.t, e);
  if (status === 'completed') return 100;
  const h = hash32(c.seed, 'enrollment_progress', e) % 1000;
  return status === 'in_progress' ? Math.round(h * 0.095) : Math.round(h * 0.04);
}

function enrollmentRow(c: GenContext, e: number): Row {
  const r = rng(c, 'enrollments', e);
  const { student, course } = c.t.enrollment(e);
  const status = enrollmentStatus(c.t, e);
  const at = enrolledAt(c, e);
  const completed = status === 'completed' ? at + r.int(10, 90) * DAY : null;
  const pay = enrollmentPayment(c, e);
  const cert = hasCertificate(c.t, e);
  return [id(c, 'enrollments', e), id(c, 'students', student), id(c, 'courses', course), status, enrollmentProgress(c, e), iso(at), completed === null ? null : iso(completed), status === 'expired' ? iso(at + 365 * DAY) : null, iso(completed ?? at + r.int(1, 60) * DAY), pay ? pay.id : null, cert ? assetFor(c.t, 'certificate', e).key : null, cert ? iso(completed! + HOUR) : null, ...stamps(at)];
}

function* lessonProgressRows(c: GenContext): Generator<Row> {
  const L = c.t.lessonsPerCourse;
  for (let e = 0; e < c.t.shape.enrollments; e++) {
    const { course } = c.t.enrollment(e);
    const progress = enrollmentProgress(c, e);
    const done = progress === 100 ? L : Math.floor((progress / 100) * L);
    const rows = progress === 100 ? L : Math.min(L, done + (progress > 0 ? 1 : 0));
    let at = enrolledAt(c, e);
    for (let k = 0; k < rows; k++) {
      const r = rng(c, 'lesson_progress', e * L + k);
      const complete = k < done;
      const spent = r.int(120, 3600);
      const start = at + r.int(1, 72) * HOUR;
      at = start + spent * 1000;
      yield [id(c, 'lesson_progress', e * L + k), id(c, 'enrollments', e), id(c, 'lessons', c.t.lessonOfCourse(course, k)), complete ? 100 : r.int(5, 95), spent, complete ? 0 : r.int(0, spent), iso(start), complete ? iso(at) : null, ...stamps(start)];
    }
  }
}

function materialRow(c: GenContext, m: number): Row {
  const r = rng(c, 'materials', m);
  const course = m % c.t.shape.courses;
  const asset = assetFor(c.t, 'material', m);
  const price = materialPrice(c, m);
  const title = `${courseTitle(c, course)} handout ${Math.floor(m / c.t.shape.courses) + 1}`;
  const ext = asset.key.slice(asset.key.lastIndexOf('.'));
  const size = fileFor(asset.contentType, c.seed, asset.key).length;
  return [id(c, 'materials', m), id(c, 'courses', course), r.bool(0.5) ? id(c, 'lessons', c.t.lessonOfCourse(course, r.int(0, c.t.lessonsPerCourse - 1))) : null, id(c, 'users', c.t.userOfInstructor(c.t.instructorOfCourse(course))), title, r.pick(c.v.sentences), asset.key, `${slugify(title)}${ext}`, asset.contentType, size, price.model, money(price.cents), 'USD', r.int(0, 500), r.bool(0.9) || m === 0, ...stamps(bornAt(c, 'courses', course) - 150 * DAY)];
}

function materialDownload(c: GenContext, i: number): { material: number; user: number; at: number } {
  const material = i % c.t.shape.materials;
  const user = hash32(c.seed, 'download_user', i) % c.t.users;
  return { material, user, at: bornAt(c, 'users', user) + (1 + (hash32(c.seed, 'download_at', i) % 300)) * HOUR };
}

export function materialDownloadPayment(c: GenContext, i: number): PaymentFact | null {
  const d = materialDownload(c, i);
  const price = materialPrice(c, d.material);
  if (price.cents === 0) return null;
  return { id: id(c, 'payments:material_downloads', i), user: d.user, type: 'material_purchase', cents: price.cents, status: 'completed', at: d.at - MIN, description: `Material #${d.material + 1}` };
}

function webinarStatus(c: GenContext, w: number): string {
  const r = hash32(c.seed, 'webinar_status', w) % 100;
  return w === 0 ? 'completed' : r < 55 ? 'completed' : r < 85 ? 'scheduled' : r < 92 ? 'live' : 'cancelled';
}

function webinarStart(c: GenContext, w: number): number {
  const status = webinarStatus(c, w);
  const d = 1 + (hash32(c.seed, 'webinar_day', w) % 120);
  return status === 'scheduled' ? c.asOf + d * DAY : status === 'live' ? c.asOf - 20 * MIN : c.asOf - d * DAY;
}

function webinarRegistration(c: GenContext, i: number): { webinar: number; user: number; status: string; at: number } {
  const { webinar, user } = c.t.webinarRegistration(i);
  const ws = webinarStatus(c, webinar);
  const h = hash32(c.seed, 'registration_status', i) % 100;
  const status = ws === 'cancelled' ? 'cancelled' : ws === 'completed' || ws === 'live' ? (h < 70 ? 'attended' : h < 90 ? 'no_show' : 'cancelled') : h < 90 ? 'registered' : 'cancelled';
  return { webinar, user, status, at: webinarStart(c, webinar) - (2 + (h % 20)) * DAY };
}

export function webinarPayment(c: GenContext, i: number): PaymentFact | null {
  const reg = webinarRegistration(c, i);
  const price = webinarPrice(c, reg.webinar);
  if (price.cents === 0) return null;
  return { id: id(c, 'payments:webinar_registrations', i), user: reg.user, type: 'webinar_purchase', cents: price.cents, status: reg.status === 'cancelled' ? 'refunded' : 'completed', at: reg.at, description: `Webinar #${reg.webinar + 1}` };
}

const SESSION_STATUSES = [
  ['completed', 70],
  ['cancelled', 10],
  ['no_show', 8],
  ['rescheduled', 12],
] as const;

function mentorSession(c: GenContext, i: number): { mentor: number; student: number; start: number; status: string } {
  const { mentor, slot } = c.t.mentorSession(i);
  const start = c.asOf - 180 * DAY + slot * 2 * DAY + (9 + (hash32(c.seed, 'session_hour', mentor) % 8)) * HOUR;
  const student = hash32(c.seed, 'session_student', i) % c.t.shape.students;
  const status = start > c.asOf ? 'scheduled' : covering(rng(c, 'session_status', i), i, SESSION_STATUSES);
  return { mentor, student, start, status };
}

export function mentorSessionPayment(c: GenContext, i: number): PaymentFact {
  const s = mentorSession(c, i);
  const status = s.status === 'cancelled' ? 'refunded' : s.status === 'scheduled' ? 'pending' : 'completed';
  return { id: id(c, 'payments:mentor_sessions', i), user: c.t.userOfStudent(s.student), type: 'mentor_session', cents: mentorRateCents(c, s.mentor), status, at: s.start - 7 * DAY, description: `Mentor session #${i + 1}` };
}

function jobBorn(c: GenContext, j: number): number {
  return bornAt(c, 'jobs', j) - 60 * DAY;
}

const JOB_STATUSES = [
  ['active', 55],
  ['closed', 20],
  ['filled', 10],
  ['draft', 8],
  ['paused', 7],
] as const;

function jobRow(c: GenContext, j: number): Row {
  const r = rng(c, 'jobs', j);
  const co = c.t.companyOfJob(j);
  const status = covering(r, j, JOB_STATUSES);
  const born = jobBorn(c, j);
  const min = r.int(40, 120) * 1000;
  const expMin = r.int(0, 5);
  const published = status === 'draft' ? null : born + DAY;
  return [id(c, 'jobs', j), id(c, 'companies', co), id(c, 'categories', c.t.categoryOfTrack(j % T, j)), id(c, 'users', c.t.userOfCompany(co)), `${r.pick(['Junior', 'Mid-level', 'Senior', 'Lead'])} ${skillName(c.t.jobSkill(j, 0))} ${r.pick(['Engineer', 'Developer', 'Specialist', 'Consultant'])}`, r.pick(c.v.paragraphs), r.pick(['full_time', 'full_time', 'part_time', 'contract', 'internship', 'freelance']), r.pick(['remote', 'on_site', 'hybrid']), status, r.pick(c.v.cities), min.toFixed(2), (min + r.int(5, 60) * 1000).toFixed(2), 'USD', expMin, expMin + r.int(0, 6), r.int(1, 5), published === null ? null : iso(published), published === null ? null : iso(published + r.int(20, 90) * DAY), status === 'filled' ? iso(born + 40 * DAY) : null, ...stamps(born)];
}

interface App {
  student: number;
  job: number;
  path: ApplicationStatus[];
  status: ApplicationStatus;
  times: number[];
}

/** An application and its status history; the path is a walk through the state machine (domain.ts). */
export function application(c: GenContext, a: number): App {
  const { student, job } = c.t.application(a);
  const r = rng(c, 'application_path', a);
  const path = applicationPath(r, a);
  const applied = Math.max(jobBorn(c, job) + 2 * DAY, bornAt(c, 'users', student) + DAY) + r.int(0, 20) * DAY;
  const times = [applied];
  for (let k = 1; k < path.length; k++) times.push(times[k - 1] + r.int(1, 7) * DAY + r.int(0, 600) * MIN);
  return { student, job, path, status: path[path.length - 1], times };
}

function changedBy(c: GenContext, app: App, to: ApplicationStatus): number {
  if (to === 'pending_admin_review' || to === 'withdrawn' || to === 'offer_accepted' || to === 'offer_rejected') return c.t.userOfStudent(app.student);
  if (to === 'admin_shortlisted' || to === 'rejected_by_admin' || to === 'forwarded_to_company') return c.t.userOfAdmin(app.job % c.t.shape.admins);
  return c.t.userOfCompany(c.t.companyOfJob(app.job));
}

function applicationRow(c: GenContext, a: number): Row {
  const r = rng(c, 'applications', a);
  const app = application(c, a);
  const reviewed = app.path.length > 1 && app.path[1] !== 'withdrawn';
  const fwd = app.path.indexOf('forwarded_to_company');
  return [id(c, 'applications', a), id(c, 'students', app.student), id(c, 'jobs', app.job), app.status, candidateStage(app.status), r.bool(0.6) ? r.pick(c.v.paragraphs) : null, hasResume(c.t, app.student) ? assetFor(c.t, 'resume', app.student).key : null, iso(app.times[0]), reviewed ? id(c, 'admins', app.job % c.t.shape.admins) : null, reviewed ? iso(app.times[1]) : null, reviewed && r.bool(0.4) ? r.pick(c.v.sentences) : null, fwd >= 0 ? iso(app.times[fwd]) : null, fwd >= 0 && r.bool(0.3) ? r.pick(c.v.sentences) : null, app.status === 'withdrawn' ? iso(app.times[app.times.length - 1]) : null, ...stamps(app.times[0])];
}

const BILL_STATUSES = [
  ['completed', 70],
  ['pending', 20],
  ['failed', 7],
  ['cancelled', 3],
] as const;

/** Companies pay per forwarded candidate: one bill (and its payment) per forwarded application. */
export function candidateBill(c: GenContext, a: number): { company: number; pay: PaymentFact } | null {
  const app = application(c, a);
  const fwd = app.path.indexOf('forwarded_to_company');
  if (fwd < 0) return null;
  const company = c.t.companyOfJob(app.job);
  const status = covering(rng(c, 'bill_status', a), a, BILL_STATUSES);
  return { company, pay: { id: id(c, 'payments:company_candidate_billing', a), user: c.t.userOfCompany(company), type: 'company_candidate_fee', cents: 9900, status, at: app.times[fwd], description: `Candidate fee, application #${a + 1}` } };
}

const PACKAGE_NAMES = ['Starter Placement', 'Career Accelerator', 'Premium Placement', 'Executive Search', 'Internship Launch'];
const packageName = (p: number) => (p < PACKAGE_NAMES.length ? PACKAGE_NAMES[p] : `${PACKAGE_NAMES[p % PACKAGE_NAMES.length]} ${Math.floor(p / PACKAGE_NAMES.length) + 1}`);
const BADGE_NAMES = ['First Steps', 'Quiz Master', 'Course Finisher', 'Streak Keeper', 'Top Reviewer', 'Mentor Favourite', 'Job Ready', 'Portfolio Pro', 'Fast Learner', 'Community Helper'];
const badgeName = (b: number) => (b < BADGE_NAMES.length ? BADGE_NAMES[b] : `${BADGE_NAMES[b % BADGE_NAMES.length]} ${Math.floor(b / BADGE_NAMES.length) + 1}`);

const PLACEMENT_STATUSES = [
  ['active', 45],
  ['completed', 30],
  ['expired', 15],
  ['cancelled', 10],
] as const;

function placement(c: GenContext, i: number): { student: number; pkg: number; status: string; start: number } {
  const student = hash32(c.seed, 'placement_student', i) % c.t.shape.students;
  return { student, pkg: i % c.t.shape.placement_packages, status: covering(rng(c, 'placement_status', i), i, PLACEMENT_STATUSES), start: bornAt(c, 'users', student) + 10 * DAY };
}

export function placementPayment(c: GenContext, i: number): PaymentFact {
  const p = placement(c, i);
  return { id: id(c, 'payments:student_placements', i), user: c.t.userOfStudent(p.student), type: 'placement_package', cents: packagePriceCents(c, p.pkg), status: p.status === 'cancelled' ? 'refunded' : 'completed', at: p.start - HOUR, description: `${packageName(p.pkg)} package` };
}

/** Every payment, from the rows that reference one (so amounts and statuses match by construction). */
export function* paymentFacts(c: GenContext): Generator<PaymentFact> {
  const s = c.t.shape;
  for (let e = 0; e < s.enrollments; e++) {
    const p = enrollmentPayment(c, e);
    if (p) yield p;
  }
  for (let i = 0; i < s.webinar_registrations; i++) {
    const p = webinarPayment(c, i);
    if (p) yield p;
  }
  for (let i = 0; i < s.material_downloads; i++) {
    const p = materialDownloadPayment(c, i);
    if (p) yield p;
  }
  for (let i = 0; i < s.mentor_sessions; i++) yield mentorSessionPayment(c, i);
  for (let i = 0; i < s.student_placements; i++) yield placementPayment(c, i);
  for (let a = 0; a < s.applications; a++) {
    const b = candidateBill(c, a);
    if (b) yield b.pay;
  }
}

function* paymentRows(c: GenContext): Generator<Row> {
  for (const p of paymentFacts(c)) {
    const settled = p.status === 'completed' || p.status === 'refunded';
    yield [p.id, id(c, 'users', p.user), p.type, money(p.cents), 'USD', p.status, 'stripe', `pi_${p.id.replace(/-/g, '').slice(0, 24)}`, p.description, p.status === 'failed' ? 'card_declined' : null, settled ? iso(p.at) : null, p.status === 'refunded' ? iso(p.at + 5 * DAY) : null, ...stamps(p.at)];
  }
}
