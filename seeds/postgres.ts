import { NOTIFICATION_TYPES } from '../src/stores/mongo/collections';
import { Json, JsonText } from '../src/stores/postgres/seed';
import { fileFor } from './files';
import { DAY, DIGITS2, DIGITS3, HOUR, MIN, Rng, hash32, scoped, tuneJitForGeneration } from './core';
import { candidateStage, devPasswordHash, rating, type ApplicationStatus } from './domain';
import { assetFor, assetMeta, hasAvatar, hasCertificate, hasPortfolioImage, hasResume, lessonAsset } from './assets';
import { awards, badge, portfolioCreated } from './badges';
import { application, bill, job, jobSkills, packageDays, packagePriceCents, placement, recommendation } from './careers';
import { companyIndustry, companyName, courseLevel, courseSkillNames, courseTitle, jobTitleOf, jobYears, lessonTitle, materialTitle, resumeUploadedAt, studentProfile, topicOf } from './catalog';
import { embeddingOf, cosine, formatEmbedding, type EmbeddingStorage } from './embeddings';
import { answersJson, average2, course, courseMinutes, coursePrice, courseTallies, lessonMinutes, question, quiz, reviewAt, reviewRating, schedule, walk } from './learning';
import { billPayment, downloadPayment, enrollmentPayment, paymentFacts, placementPayment, registrationPayment, sessionPayment } from './payments';
import { download, downloadCounts, material, mentorRateCents, mentorReviewRating, mentorTallies, notification, preferenceRow, preferenceType, registrations, sessionRows, webinar } from './services';
import * as text from './text';
import { SYNONYM_SUFFIXES, T, TRACKS, type PgTable, type Topology } from './topology';
import { skillName, World } from './world';

/**
 * Row generators for the 50 PostgreSQL tables. Each table is a column list and a generator of value
 * arrays in that order, rendered from the world's facts (world.ts and the fact modules), so the
 * tables stream in any size and every time, counter and link is the one the facts imply. Times are
 * relative to the as-of instant, never the clock: the same seed and as-of give byte-identical tables.
 */

export type Value = string | number | boolean | null | Json | JsonText | Record<string, unknown> | unknown[];
export type Row = Value[];

export interface GenContext {
  w: World;
  t: Topology;
  seed: number;
  /** The as-of instant (00:00 UTC of the as-of day): past facts happen before it, scheduled ones after. */
  asOf: number;
  password: string;
  embedding: EmbeddingStorage;
}

export function genContext(t: Topology, embedding: EmbeddingStorage, asOf: number): GenContext {
  tuneJitForGeneration();
  return { w: new World(t, asOf), t, seed: t.seed, asOf, password: devPasswordHash(t.seed), embedding };
}

export { DAY, HOUR, MIN };

// Date#toISOString was the largest single cost of generation (~1µs, several per row): the day part
// is cached (a few thousand distinct days per run) and the time of day is built from lookup tables.
// Nearly every instant is a whole minute (facts are placed with `within`), so the time of day is one
// cached piece ('HH:MM:00.000Z'): a timestamp is then two cached pieces, not a rope of eight.
const dayPrefix = new Map<number, string>();
let lastDay = NaN;
let lastDayText = '';

function dayOf(day: number): string {
  // Consecutive timestamps of a row (created_at, updated_at, the fact's own time) share their day.
  if (day === lastDay) return lastDayText;
  let d = dayPrefix.get(day);
  if (d === undefined) {
    d = new Date(day * DAY).toISOString().slice(0, 11);
    if (dayPrefix.size < 1 << 16) dayPrefix.set(day, d);
  }
  lastDay = day;
  return (lastDayText = d);
}

const MINUTES_OF_DAY = 24 * 60;
let wholeMinutes: string[] = [];
let minutePrefixes: string[] = [];
function buildMinuteTables(): void {
  wholeMinutes = new Array<string>(MINUTES_OF_DAY);
  minutePrefixes = new Array<string>(MINUTES_OF_DAY);
  for (let m = 0; m < MINUTES_OF_DAY; m++) {
    minutePrefixes[m] = `${DIGITS2[Math.floor(m / 60)]}:${DIGITS2[m % 60]}:`;
    wholeMinutes[m] = `${minutePrefixes[m]}00.000Z`;
  }
}

/** `new Date(ms).toISOString()`, byte for byte, for integer ms. */
export function iso(ms: number): string {
  if (!Number.isInteger(ms)) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY);
  const rem = ms - day * DAY;
  const m = Math.floor(rem / MIN);
  if (wholeMinutes.length === 0) buildMinuteTables();
  const milli = rem - m * MIN;
  if (milli === 0) return dayOf(day) + wholeMinutes[m];
  const sec = Math.floor(milli / 1000);
  return dayOf(day) + (minutePrefixes[m] + DIGITS2[sec] + '.' + DIGITS3[milli - sec * 1000] + 'Z');
}
const isoOrNull = (ms: number | null | undefined) => (ms === null || ms === undefined || Number.isNaN(ms) ? null : iso(ms));
const dateOnly = (ms: number) => (Number.isInteger(ms) ? dayOf(Math.floor(ms / DAY)).slice(0, 10) : iso(ms).slice(0, 10));
const money = (cents: number) => (cents / 100).toFixed(2);
const rng = (c: GenContext, table: string, i: number) => Rng.at(c.seed, table, i);

function slugify(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}
const cap = text.cap;
const stamps = (created: number, updated = created): [string, string] => [iso(created), iso(Math.max(created, updated))];
/** Reference data (categories, skills, packages, badges) is in place before launch. */
const referenceTime = (c: GenContext) => c.w.start - 30 * DAY;

// ---------------------------------------------------------------------------------------------
// Table specs
// ---------------------------------------------------------------------------------------------

export interface TableSpec {
  table: PgTable;
  /** Column names in value order (id first, created_at/updated_at last, then optional columns). */
  columns: string[];
  /**
   * Columns a newer schema adds (written only where the live table has them, in this order,
   * after created_at/updated_at in each row).
   */
  optional?: string[];
  /** Exact row count, or undefined when only the generator knows (derived tables). */
  count(c: GenContext): number | undefined;
  rows(c: GenContext): Iterable<Row>;
}

function spec(table: PgTable, columns: string, count: (c: GenContext) => number | undefined, rows: (c: GenContext) => Iterable<Row>, optional?: string[]): TableSpec {
  return { table, columns: ['id', ...columns.split(',').map((s) => s.trim()), 'created_at', 'updated_at'], count, rows, optional };
}

function* range<T>(n: number, f: (i: number) => T | null): Generator<T> {
  for (let i = 0; i < n; i++) {
    const v = f(i);
    if (v !== null) yield v;
  }
}

const id = (c: GenContext, table: string, i: number) => c.w.id(table, i);

// ---------------------------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------------------------

function userRow(c: GenContext, u: number): Row {
  const w = c.w;
  const p = w.person(u);
  const kind = w.kind(u);
  const status = w.status(u);
  const born = w.born(u);
  const verified = w.verified(u);
  const stopped = w.stoppedAt(u);
  return [
    id(c, 'users', u),
    w.email(u),
    c.password,
    kind,
    status,
    p.first,
    p.last,
    w.phone(u),
    hasAvatar(w, u) ? assetFor(c.t, 'profilePicture', u).key : null,
    p.city.timeZone,
    isoOrNull(verified),
    isoOrNull(w.lastLogin(u)),
    ...stamps(born, Number.isNaN(stopped) ? (Number.isNaN(verified) ? born : verified) : stopped),
  ];
}

function studentRow(c: GenContext, s: number): Row {
  const w = c.w;
  const r = rng(c, 'students', s);
  const u = c.t.userOfStudent(s);
  const p = w.person(u);
  const prof = studentProfile(w, s);
  const handle = `${slugify(asciiName(p.first))}-${slugify(asciiName(p.last))}-${s}`;
  const resume = hasResume(w, s);
  const uploaded = resume ? resumeUploadedAt(w, s) : null;
  const skills = Array.from({ length: c.t.shape.skillsPerStudent }, (_, k) => skillName(c.t.studentSkill(s, k)));
  return [
    id(c, 'students', s),
    id(c, 'users', u),
    prof.headline,
    text.studentBio(r, { track: prof.track, skills, city: p.city.name, years: prof.years }),
    dateOnly(prof.birth),
    w.place(u),
    prof.education,
    prof.graduationYear,
    prof.years,
    resume ? assetFor(c.t, 'resume', s).key : null,
    isoOrNull(uploaded),
    `https://www.linkedin.com/in/${handle}`,
    r.bool(0.6) ? `https://github.com/${handle}` : null,
    w.status(u) === 'active' && r.bool(0.8),
    ...stamps(w.born(u), uploaded ?? w.born(u)),
  ];
}

const asciiName = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');

const COMPANY_SIZES = ['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5000+'];

function companyRow(c: GenContext, co: number): Row {
  const w = c.w;
  const r = rng(c, 'companies', co);
  const u = c.t.userOfCompany(co);
  const name = companyName(w, co);
  const domain = `${slugify(asciiName(name))}-${co}.example.com`;
  const size = r.pick(COMPANY_SIZES);
  const industry = companyIndustry(w, co);
  const born = w.born(u);
  const verified = w.status(u) === 'pending_verification' || !r.bool(0.85) ? null : Math.min(born + (1 + r.int(0, 19)) * DAY, w.asOf - HOUR);
  return [id(c, 'companies', co), id(c, 'users', u), name, `https://${domain}`, industry, size, text.companyDescription(r, { name, industry, city: w.person(u).city.name, size }), assetFor(c.t, 'companyLogo', co).key, w.place(u), `billing@${domain}`, isoOrNull(verified), ...stamps(born, verified ?? born)];
}

const ADMIN_ROLES = ['super_admin', 'content_manager', 'recruitment_manager', 'finance_manager', 'support_admin'];

function instructorRow(c: GenContext, i: number): Row {
  const w = c.w;
  const r = rng(c, 'instructors', i);
  const u = c.t.userOfInstructor(i);
  const tal = courseTallies(w);
  const skill = skillName(c.t.skillOfTrack(i % T, 'instructors', i, 0));
  return [id(c, 'instructors', i), id(c, 'users', u), `${cap(text.TRACK_LABEL[TRACKS[i % T]])} instructor, ${skill}`, text.instructorBio(r, { track: TRACKS[i % T], skill, years: 4 + r.int(0, 16) }), skill, r.bool(0.5) ? `https://${slugify(asciiName(w.fullName(u)))}.example.com` : null, average2(tal.instructorSum[i], tal.instructorCount[i]), tal.instructorCount[i], ...stamps(w.born(u))];
}

function mentorRow(c: GenContext, m: number): Row {
  const w = c.w;
  const r = rng(c, 'mentors', m);
  const u = c.t.userOfMentor(m);
  const tal = mentorTallies(w);
  const skill = skillName(c.t.skillOfTrack(m % T, 'mentors', m, 0));
  const years = 3 + r.int(0, 22);
  const employer = w.person(u).locale.companies[w.h('mentor_employer', m) % w.person(u).locale.companies.length];
  return [id(c, 'mentors', m), id(c, 'users', u), `Senior ${text.TRACK_LABEL[TRACKS[m % T]]} engineer and mentor`, text.mentorBio(r, { track: TRACKS[m % T], skill, years, company: employer }), skill, years, money(mentorRateCents(w, m)), 'USD', m < c.t.availableMentors, average2(tal.sum[m], tal.count[m]), tal.count[m], ...stamps(w.born(u))];
}

function notificationRow(c: GenContext, n: number): Row {
  const w = c.w;
  const f = notification(w, n);
  const [title, body] = w.status(f.user) === 'pending_verification' ? ['Please verify your e-mail address', 'Confirm your address to start learning and applying for jobs.'] : text.notificationText(f.type);
  return [id(c, 'notifications', n), id(c, 'users', f.user), f.type, title, body, { source: 'platform', n }, isoOrNull(f.readAt), isoOrNull(f.sentAt), ...stamps(f.at, f.readAt ?? f.sentAt ?? f.at)];
}

// ---------------------------------------------------------------------------------------------
// Learning
// ---------------------------------------------------------------------------------------------

function courseRow(c: GenContext, k: number): Row {
  const w = c.w;
  const r = rng(c, 'courses', k);
  const cf = course(w, k);
  const title = courseTitle(w, k);
  const price = coursePrice(w, k);
  const tal = courseTallies(w);
  const skill = skillName(c.t.courseSkill(k, 0));
  const level = courseLevel(w, k);
  return [
    id(c, 'courses', k),
    id(c, 'instructors', cf.instructor),
    id(c, 'categories', c.t.categoryOfTrack(k % T, k)),
    title,
    `${slugify(title)}-${k}`,
    text.courseSubtitle(r, skill),
    text.courseDescription(r, { skill, skills: courseSkillNames(w, k), level, modules: c.t.shape.modulesPerCourse }),
    level,
    price.model,
    money(price.cents),
    'USD',
    'en',
    courseMinutes(w, k),
    assetFor(c.t, 'courseThumbnail', k).key,
    cf.published !== null,
    isoOrNull(cf.published),
    average2(tal.ratingSum[k], tal.ratingCount[k]),
    tal.ratingCount[k],
    tal.enrollments[k],
    ...stamps(cf.created, cf.published ?? cf.created),
  ];
}

/** Content is written while the course is a draft: before it is published. */
const contentAt = (c: GenContext, k: number, minutes: number) => course(c.w, k).created + minutes * MIN;

function questionRow(c: GenContext, i: number): Row {
  const w = c.w;
  const r = rng(c, 'quiz_questions', i);
  const per = c.t.shape.questionsPerQuiz;
  const q = Math.floor(i / per);
  const k = c.t.courseOfModule(q);
  const qf = question(w, i);
  const t = text.questionText(r, skillName(c.t.courseSkill(k, i % c.t.shape.skillsPerCourse)), topicOf(w, q));
  let options: Array<{ key: string; text: string }> = [];
  let prompt = t.prompt;
  if (qf.type === 'true_false') {
    const shown = qf.correct === 'true' ? t.right : t.wrong[0];
    prompt = `True or false: ${shown.charAt(0).toLowerCase()}${shown.slice(1, -1)} (${t.prompt.replace(/^.*what is /i, '').replace(/\?$/, '')}).`;
    options = [{ key: 'true', text: 'True' }, { key: 'false', text: 'False' }];
  } else if (qf.type !== 'short_answer') {
    const correct = new Set(Array.isArray(qf.correct) ? qf.correct : [qf.correct]);
    let wrong = 0;
    options = qf.keys.map((key) => ({ key, text: correct.has(key) ? t.right : t.wrong[wrong++ % t.wrong.length] }));
    if (qf.type === 'multiple_select') prompt = `${t.prompt.replace(/\?$/, '')}? Select all that apply.`;
  } else prompt = `In one or two words: ${t.prompt}`;
  return [id(c, 'quiz_questions', i), id(c, 'quizzes', q), qf.type, prompt, options, new Json(qf.correct), r.bool(0.5) ? text.explanation(r, skillName(c.t.courseSkill(k, 0))) : null, qf.points, (i % per) + 1, ...stamps(contentAt(c, k, 40 + (i % per)))];
}

function enrollmentRow(c: GenContext, e: number): Row | null {
  const w = c.w;
  const s = schedule(w, e);
  if (!s) return null;
  const pay = enrollmentPayment(w, s);
  const cert = hasCertificate(w, e);
  const issued = cert ? s.completedAt! + (2 + (w.h('certificate_issued', e) % 30)) * MIN : null;
  const updated = Math.max(s.lastActivity, s.droppedAt ?? 0, issued ?? 0);
  return [id(c, 'enrollments', e), id(c, 'students', s.student), id(c, 'courses', s.course), s.status, Math.round((100 * s.done) / c.t.lessonsPerCourse), iso(s.enrolledAt), isoOrNull(s.completedAt), iso(s.expiresAt), iso(s.lastActivity), pay ? pay.id : null, cert ? assetFor(c.t, 'certificate', e).key : null, isoOrNull(issued), ...stamps(s.enrolledAt, updated)];
}

function* lessonProgressRows(c: GenContext): Generator<Row> {
  const L = c.t.lessonsPerCourse;
  for (let e = 0; e < c.t.shape.enrollments; e++) {
    const wk = walk(c.w, e);
    if (!wk) continue;
    for (const st of wk.steps) {
      yield [id(c, 'lesson_progress', e * L + st.k), id(c, 'enrollments', e), id(c, 'lessons', st.lesson), st.percent, st.spentSeconds, st.positionSeconds, iso(st.start), st.done ? iso(st.end) : null, ...stamps(st.start, st.end)];
    }
  }
}

function* quizAttemptRows(c: GenContext): Generator<Row> {
  for (let e = 0; e < c.t.shape.enrollments; e++) {
    const wk = walk(c.w, e);
    if (!wk) continue;
    for (const a of wk.attempts) {
      yield [id(c, 'quiz_attempts', e * 64 + a.slot), id(c, 'quizzes', a.quiz), id(c, 'students', wk.s.student), id(c, 'enrollments', e), a.number, iso(a.start), iso(a.submitted), a.score, a.passed, new JsonText(answersJson(c.w, e, a)), ...stamps(a.start, a.submitted)];
    }
  }
}

function* reviewRows(c: GenContext): Generator<Row> {
  const w = c.w;
  for (let e = 0; e < c.t.shape.enrollments; e++) {
    const stars = reviewRating(w, e);
    if (stars === null) continue;
    const sc = schedule(w, e)!;
    const r = rng(c, 'course_reviews', e);
    const at = reviewAt(w, sc);
    const skill = skillName(c.t.courseSkill(sc.course, 0));
    yield [id(c, 'course_reviews', e), id(c, 'students', sc.student), id(c, 'courses', sc.course), stars, r.bool(0.8) ? text.reviewTitle(r, stars) : null, r.bool(0.85) ? text.reviewBody(r, stars, skill) : null, ...stamps(at)];
  }
}

function materialRow(c: GenContext, m: number): Row {
  const w = c.w;
  const r = rng(c, 'materials', m);
  const mf = material(w, m);
  const asset = assetFor(c.t, 'material', m);
  const title = materialTitle(w, m, mf.course);
  const ext = asset.key.slice(asset.key.lastIndexOf('.'));
  const size = fileFor(asset.contentType, c.seed, asset.key, assetMeta(w, asset)).length;
  const cf = course(w, mf.course);
  return [id(c, 'materials', m), id(c, 'courses', mf.course), r.bool(0.5) ? id(c, 'lessons', c.t.lessonOfCourse(mf.course, r.int(0, c.t.lessonsPerCourse - 1))) : null, id(c, 'users', cf.iu), title, text.materialDescription(r, skillName(c.t.courseSkill(mf.course, 0))), asset.key, `${slugify(title)}${ext}`, asset.contentType, size, mf.price.model, money(mf.price.cents), 'USD', downloadCounts(w)[m], mf.published, ...stamps(mf.created)];
}

function ipOf(r: Rng): string {
  return `${r.int(11, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
}

// ---------------------------------------------------------------------------------------------
// Careers
// ---------------------------------------------------------------------------------------------

function jobRow(c: GenContext, j: number): Row {
  const w = c.w;
  const r = rng(c, 'jobs', j);
  const jf = job(w, j);
  const co = jf.company;
  const title = jobTitleOf(w, j);
  const remote = r.pick(['remote', 'on_site', 'hybrid']);
  const city = w.person(jf.cu).city.name;
  const location = remote === 'remote' ? `Remote (${w.country(jf.cu)})` : w.place(jf.cu);
  const years = jobYears(w, j);
  const min = (35 + years * 10 + r.int(0, 30)) * 1000;
  const skills = jobSkills(w, j).map(skillName);
  return [
    id(c, 'jobs', j),
    id(c, 'companies', co),
    id(c, 'categories', c.t.categoryOfTrack(j % T, j)),
    id(c, 'users', jf.cu),
    title,
    text.jobDescription(r, { company: companyName(w, co), industry: companyIndustry(w, co), title, skills, location: city, remote, years }),
    r.pick(['full_time', 'full_time', 'full_time', 'part_time', 'contract', 'internship', 'freelance']),
    remote,
    jf.status,
    location,
    min.toFixed(2),
    (min + (10 + r.int(0, 40)) * 1000).toFixed(2),
    'USD',
    years,
    years + r.int(1, 5),
    jf.openings,
    isoOrNull(jf.published),
    isoOrNull(jf.closes),
    isoOrNull(jf.filledAt),
    ...stamps(jf.created, jf.changed),
  ];
}

function applicationRow(c: GenContext, a: number): Row | null {
  const w = c.w;
  const app = application(w, a);
  if (!app) return null;
  const r = rng(c, 'applications', a);
  const jf = job(w, app.job);
  const admin = app.path.length > 1 && (app.path[1] === 'admin_shortlisted' || app.path[1] === 'rejected_by_admin');
  const fwd = app.path.indexOf('forwarded_to_company');
  const resume = hasResume(w, app.student) && resumeUploadedAt(w, app.student) <= app.times[0] ? assetFor(c.t, 'resume', app.student).key : null;
  const skill = skillName(c.t.jobSkill(app.job, 0));
  const last = app.times[app.times.length - 1];
  return [
    id(c, 'applications', a),
    id(c, 'students', app.student),
    id(c, 'jobs', app.job),
    app.status,
    candidateStage(app.status),
    r.bool(0.6) ? text.coverLetter(r, { company: companyName(w, jf.company), title: jobTitleOf(w, app.job), skills: jobSkills(w, app.job).map(skillName), first: w.person(app.student).first }) : null,
    resume,
    iso(app.times[0]),
    admin ? id(c, 'admins', app.job % c.t.shape.admins) : null,
    admin ? iso(app.times[1]) : null,
    admin && r.bool(0.4) ? text.adminNote(r, skill, app.path[1] === 'admin_shortlisted') : null,
    fwd >= 0 ? iso(app.times[fwd]) : null,
    fwd >= 0 && r.bool(0.3) ? text.companyNote(r) : null,
    app.status === 'withdrawn' ? iso(last) : null,
    ...stamps(app.times[0], last),
  ];
}

function* historyRows(c: GenContext): Generator<Row> {
  for (let a = 0; a < c.t.shape.applications; a++) {
    const app = application(c.w, a);
    if (!app) continue;
    for (let k = 0; k < app.path.length; k++) {
      yield [id(c, 'application_status_history', a * 16 + k), id(c, 'applications', a), k === 0 ? null : app.path[k - 1], app.path[k], id(c, 'users', app.actors[k]), k === 0 ? 'Application submitted' : null, iso(app.times[k]), ...stamps(app.times[k])];
    }
  }
}

function* interviewRows(c: GenContext): Generator<Row> {
  const w = c.w;
  for (let a = 0; a < c.t.shape.applications; a++) {
    const app = application(w, a);
    if (!app || !app.interview) continue;
    const r = rng(c, 'interview_slots', a);
    const iv = app.interview;
    const next = app.path[iv.step + 1] as ApplicationStatus | undefined;
    const status = next === 'interview_completed' ? 'completed' : next === undefined ? 'scheduled' : 'cancelled';
    const cu = c.t.userOfCompany(c.t.companyOfJob(app.job));
    const stars = status === 'completed' ? rating(r) : null;
    const changed = next === undefined ? app.times[iv.step] : app.times[iv.step + 1];
    yield [id(c, 'interview_slots', a), id(c, 'applications', a), id(c, 'users', cu), iso(iv.start), iso(iv.end), w.timeZone(app.student), status, null, `https://meet.example.com/interview-${a}`, w.fullName(cu), stars === null ? null : text.interviewFeedback(r, skillName(c.t.jobSkill(app.job, 0)), stars), stars, ...stamps(app.times[iv.step], changed)];
  }
}

const PACKAGE_NAMES = ['Starter Placement', 'Career Accelerator', 'Premium Placement', 'Executive Search', 'Internship Launch'];
const packageName = (p: number) => (p < PACKAGE_NAMES.length ? PACKAGE_NAMES[p] : `${PACKAGE_NAMES[p % PACKAGE_NAMES.length]} ${Math.floor(p / PACKAGE_NAMES.length) + 1}`);

function referralRow(c: GenContext, i: number): Row | null {
  const w = c.w;
  const r = rng(c, 'referral_contacts', i);
  const SP = c.t.shape.student_placements;
  if (SP === 0) return null;
  const sp = placement(w, i % SP);
  if (!sp) return null;
  const co = hash32(c.seed, 'referral_company', i) % c.t.actingCompanies;
  const end = Math.min(sp.cancelledAt ?? sp.ends, w.asOf - HOUR);
  if (end - sp.start < 2 * HOUR) return null;
  const created = sp.start + HOUR;
  // A job of that company that was published by then (jobs of company co are co, co + C, ...).
  let jobIndex: number | null = null;
  for (let j = co, n = 0; j < c.t.shape.jobs && n < 8; j += c.t.actingCompanies, n++) {
    const jf = job(w, j);
    if (jf.published !== null && jf.published <= created) {
      jobIndex = j;
      break;
    }
  }
  const status = r.weighted([['pending', 25], ['contacted', 30], ['interested', 20], ['not_interested', 15], ['converted', 10]] as const);
  const contacted = status === 'pending' ? null : w.when(created + MIN, end, 'referral_contacted', i);
  let converted = status === 'converted' ? contacted! + (5 + r.int(0, 25)) * DAY : null;
  let final: string = status;
  if (converted !== null && converted >= w.asOf - HOUR) (converted = null), (final = 'interested');
  const contactUser = c.t.userOfCompany(co);
  const locale = w.person(contactUser).locale;
  const first = locale.firstNames[r.int(0, 1)][r.int(0, locale.firstNames[0].length - 1)];
  const last = locale.lastNames[r.int(0, 1)][r.int(0, locale.lastNames[0].length - 1)];
  return [id(c, 'referral_contacts', i), id(c, 'students', sp.student), id(c, 'student_placements', sp.i), id(c, 'companies', co), jobIndex === null ? null : id(c, 'jobs', jobIndex), id(c, 'admins', i % c.t.shape.admins), companyName(w, co), `${first} ${last}`, `${slugify(asciiName(first)) || 'contact'}.${slugify(asciiName(last)) || 'person'}.${i}@contacts.example.com`, r.pick(text.CONTACT_TITLES), `https://www.linkedin.com/in/${slugify(asciiName(`${first}-${last}`))}-${i}`, final, isoOrNull(contacted), isoOrNull(converted), null, ...stamps(created, converted ?? contacted ?? created)];
}

function studentBadgeRows(c: GenContext): Generator<Row> {
  const w = c.w;
  return (function* () {
    for (let s = 0; s < c.t.actingStudents; s++) {
      for (const aw of awards(w, s)) yield [id(c, 'student_badges', s * 64 + aw.b), id(c, 'students', s), id(c, 'badges', aw.b), aw.course === null ? null : id(c, 'courses', aw.course), iso(aw.at), ...stamps(aw.at)];
    }
  })();
}

export const EMBEDDING_MODEL = 'recruit-skill-hash-384';

export function studentProficiency(c: GenContext | World, s: number, k: number): number {
  return 1 + (hash32(c.seed, 'proficiency', s * 64 + k) % 5);
}

export function studentEmbedding(c: GenContext, s: number): Float64Array {
  const skills: Array<[number, number]> = [];
  for (let k = 0; k < c.t.shape.skillsPerStudent; k++) skills.push([c.t.studentSkill(s, k), studentProficiency(c, s, k)]);
  return embeddingOf(c.seed, skills, c.w.h('student_context', s));
}

/** Required skills weigh more than nice-to-haves; the job's title and text add their own direction. */
export function jobEmbedding(c: GenContext, j: number): Float64Array {
  if (lastJobEmbedding && lastJobEmbedding.c === c && lastJobEmbedding.j === j) return lastJobEmbedding.v;
  const v = computeJobEmbedding(c, j);
  lastJobEmbedding = { c, j, v };
  return v;
}
let lastJobEmbedding: { c: GenContext; j: number; v: Float64Array } | undefined;

function computeJobEmbedding(c: GenContext, j: number): Float64Array {
  const skills: Array<[number, number]> = [];
  for (let k = 0; k < c.t.shape.skillsPerJob; k++) skills.push([c.t.jobSkill(j, k), jobSkillRequired(c, j, k) ? 3 : 1.5]);
  return embeddingOf(c.seed, skills, c.w.h('job_context', j));
}
const jobSkillRequired = (c: GenContext, j: number, k: number) => k === 0 || hash32(c.seed, 'job_skill_required', j * 64 + k) % 10 < 7;

const SETTINGS: ReadonlyArray<readonly [string, Value, string]> = [
  ['platform.name', 'Recruit LMS', 'Name shown in e-mails and page titles'],
  ['platform.default_currency', 'USD', 'Currency of prices and invoices'],
  ['billing.candidate_fee_usd', 99, 'Fee a company pays per forwarded candidate'],
  ['applications.auto_forward', false, 'Forward shortlisted applications without an admin'],
  ['security.session_ttl_days', 90, 'Days a session lives after its last activity'],
  ['search.max_results', { jobs: 50, courses: 100 }, 'Result limits per search type'],
  ['notifications.digest_hour_utc', 8, 'Hour of the daily notification digest (UTC)'],
  ['features.ai_matching', true, 'Show AI match recommendations to admins'],
  ['features.webinars', true, 'Enable webinars'],
  ['uploads.max_resume_mb', 10, 'Largest resume upload accepted'],
];

/** audit_logs columns of the second schema release, written when the live table has them. */
export const AUDIT_ACTOR_COLUMNS = ['actor_id', 'actor_email'];

function auditRow(c: GenContext, i: number): Row | null {
  const w = c.w;
  const t = c.t;
  const r = rng(c, 'audit_logs', i);
  const kind = i < 4 ? i : r.int(0, 3);
  let actor: number;
  let at: number;
  let action: string;
  let entity: string;
  let target: number;
  let before: Value = null;
  let after: Value = null;
  if (kind === 0) {
    actor = t.actingUser(hash32(c.seed, 'audit_user', i) % t.actingUsers);
    at = w.when(w.actLo(actor), w.actHi(actor), 'audit_login', i);
    (action = 'user.login'), (entity = 'users'), (target = actor);
  } else if (kind === 1) {
    const k = r.int(0, t.enrollable - 1);
    const cf = course(w, k);
    (actor = cf.iu), (at = cf.published!), (action = 'course.publish'), (entity = 'courses'), (target = k);
    (before = { is_published: false }), (after = { is_published: true });
  } else if (kind === 2) {
    let found: ReturnType<typeof job> | null = null;
    for (let n = 0; n < 8 && !found; n++) {
      const jf = job(w, hash32(c.seed, 'audit_job', i * 8 + n) % t.shape.jobs);
      if (jf.published !== null) found = jf;
    }
    if (!found) return null;
    (actor = found.cu), (at = found.published!), (action = 'job.publish'), (entity = 'jobs'), (target = found.j);
    (before = { status: 'draft' }), (after = { status: 'active' });
  } else {
    let app: ReturnType<typeof application> = null;
    for (let n = 0; n < 8 && (!app || app.path.length < 2); n++) app = application(w, hash32(c.seed, 'audit_app', i * 8 + n) % t.shape.applications);
    if (!app || app.path.length < 2) return null;
    const k = 1 + r.int(0, app.path.length - 2);
    (actor = app.actors[k]), (at = app.times[k]), (action = 'application.status_change'), (entity = 'applications'), (target = app.a);
    (before = { status: app.path[k - 1] }), (after = { status: app.path[k] });
  }
  at += (w.h('audit_sec', i) % 60) * 1000;
  return [id(c, 'audit_logs', i), id(c, 'users', actor), action, entity, id(c, entity, target), before, after, ipOf(r), r.pick(c.w.uaPool()), ...stamps(at), id(c, 'users', actor), w.email(actor)];
}

// ---------------------------------------------------------------------------------------------
// The 50 tables
// ---------------------------------------------------------------------------------------------

export function pgTables(): TableSpec[] {
  return [
    spec('users', 'email, password_hash, user_type, status, first_name, last_name, phone, avatar_s3_key, timezone, email_verified_at, last_login_at', (c) => c.t.users, (c) => range(c.t.users, (u) => userRow(c, u))),
    spec('students', 'user_id, headline, bio, date_of_birth, location, education_level, graduation_year, years_of_experience, resume_s3_key, resume_uploaded_at, linkedin_url, github_url, open_to_work', (c) => c.t.shape.students, (c) => range(c.t.shape.students, (s) => studentRow(c, s))),
    spec('companies', 'user_id, name, website, industry, company_size, description, logo_s3_key, headquarters, billing_email, verified_at', (c) => c.t.shape.companies, (c) => range(c.t.shape.companies, (co) => companyRow(c, co))),
    spec('admins', 'user_id, role, department', (c) => c.t.shape.admins, (c) =>
      range(c.t.shape.admins, (a) => {
        const u = c.t.userOfAdmin(a);
        const role = a === 0 ? 'super_admin' : ADMIN_ROLES[a % ADMIN_ROLES.length];
        return [id(c, 'admins', a), id(c, 'users', u), role, text.ADMIN_DEPARTMENTS[role], ...stamps(c.w.born(u))];
      }),
    ),
    spec('instructors', 'user_id, headline, bio, expertise, website, rating_avg, rating_count', (c) => c.t.shape.instructors, (c) => range(c.t.shape.instructors, (i) => instructorRow(c, i))),
    spec('mentors', 'user_id, headline, bio, expertise, years_of_experience, hourly_rate, currency, is_available, rating_avg, rating_count', (c) => c.t.shape.mentors, (c) => range(c.t.shape.mentors, (m) => mentorRow(c, m))),
    spec('notifications', 'user_id, notification_type, title, body, payload, read_at, sent_at', (c) => c.t.notifications, (c) => range(c.t.notifications, (n) => notificationRow(c, n))),
    spec('notification_preferences', 'user_id, notification_type, email_enabled, in_app_enabled, push_enabled', (c) => c.t.users * c.t.shape.preferencesPerUser, (c) =>
      range(c.t.users * c.t.shape.preferencesPerUser, (p) => {
        const u = Math.floor(p / c.t.shape.preferencesPerUser);
        const pref = preferenceRow(c.w, p);
        return [id(c, 'notification_preferences', p), id(c, 'users', u), preferenceType(c.w, p), pref.email, pref.inApp, pref.push, ...stamps(c.w.born(u))];
      }),
    ),
    spec('categories', 'parent_id, name, slug, description, position', (c) => c.t.shape.categories, (c) =>
      range(c.t.shape.categories, (k) => {
        const root = k < T;
        const track = TRACKS[k % T];
        const children = text.CATEGORY_CHILDREN[track];
        const j = Math.floor(k / T) - 1;
        const name = root ? `${cap(text.TRACK_LABEL[track])} development` : `${cap(text.TRACK_LABEL[track])}: ${children[j % children.length]}${j >= children.length ? ` ${Math.floor(j / children.length) + 1}` : ''}`;
        return [id(c, 'categories', k), root ? null : id(c, 'categories', k % T), name, `${slugify(name)}-${k}`, root ? `Courses, jobs and mentors in ${text.TRACK_LABEL[track]}.` : `${name.split(': ')[1]} within ${text.TRACK_LABEL[track]}.`, Math.floor(k / T), ...stamps(referenceTime(c))];
      }),
    ),
    spec('skills', 'name, category_id, description', (c) => c.t.shape.skills, (c) =>
      range(c.t.shape.skills, (s) => [id(c, 'skills', s), skillName(s), id(c, 'categories', c.t.categoryOfTrack(s % T, s)), `${skillName(s)} (${text.TRACK_LABEL[TRACKS[s % T]]})`, ...stamps(referenceTime(c))]),
    ),
    spec('skill_synonyms', 'skill_id, synonym', (c) => c.t.shape.skill_synonyms, (c) =>
      range(c.t.shape.skill_synonyms, (i) => {
        const s = i % c.t.shape.skills;
        return [id(c, 'skill_synonyms', i), id(c, 'skills', s), `${skillName(s)} ${SYNONYM_SUFFIXES[Math.floor(i / c.t.shape.skills)]}`, ...stamps(referenceTime(c))];
      }),
    ),
    spec('student_skills', 'student_id, skill_id, proficiency, years_of_experience, is_verified', (c) => c.t.shape.students * c.t.shape.skillsPerStudent, (c) =>
      range(c.t.shape.students * c.t.shape.skillsPerStudent, (i) => {
        const r = rng(c, 'student_skills', i);
        const s = Math.floor(i / c.t.shape.skillsPerStudent);
        const k = i % c.t.shape.skillsPerStudent;
        const prof = studentProfile(c.w, s);
        return [id(c, 'student_skills', i), id(c, 'students', s), id(c, 'skills', c.t.studentSkill(s, k)), studentProficiency(c, s, k), Math.round(r.next() * prof.years * 10) / 10, r.bool(0.3), ...stamps(c.w.born(s) + (1 + k) * MIN)];
      }),
    ),
    spec('payments', 'user_id, payment_type, amount, currency, status, gateway, gateway_payment_id, description, failure_reason, paid_at, refunded_at', () => undefined, (c) => paymentRows(c)),
    spec('courses', 'instructor_id, category_id, title, slug, subtitle, description, difficulty_level, pricing_model, price, currency, language, duration_minutes, thumbnail_s3_key, is_published, published_at, rating_avg, rating_count, enrollment_count', (c) => c.t.shape.courses, (c) => range(c.t.shape.courses, (k) => courseRow(c, k))),
    spec('course_skills', 'course_id, skill_id', (c) => c.t.shape.courses * c.t.shape.skillsPerCourse, (c) =>
      range(c.t.shape.courses * c.t.shape.skillsPerCourse, (i) => {
        const k = Math.floor(i / c.t.shape.skillsPerCourse);
        return [id(c, 'course_skills', i), id(c, 'courses', k), id(c, 'skills', c.t.courseSkill(k, i % c.t.shape.skillsPerCourse)), ...stamps(contentAt(c, k, 1))];
      }),
    ),
    spec('course_prerequisites', 'course_id, prerequisite_course_id, is_mandatory', (c) => c.t.shape.course_prerequisites, (c) =>
      range(c.t.shape.course_prerequisites, (i) => {
        const p = c.t.prerequisite(i);
        const at = Math.max(course(c.w, p.course).created, course(c.w, p.requires).created) + 2 * MIN;
        return [id(c, 'course_prerequisites', i), id(c, 'courses', p.course), id(c, 'courses', p.requires), p.mandatory, ...stamps(at)];
      }),
    ),
    spec('modules', 'course_id, title, description, position', (c) => c.t.modules, (c) =>
      range(c.t.modules, (m) => {
        const k = c.t.courseOfModule(m);
        const pos = (m % c.t.shape.modulesPerCourse) + 1;
        const topic = topicOf(c.w, m);
        return [id(c, 'modules', m), id(c, 'courses', k), `Module ${pos}: ${topic}`, text.moduleDescription(rng(c, 'modules', m), skillName(c.t.courseSkill(k, 0)), topic), pos, ...stamps(contentAt(c, k, 10 + pos))];
      }),
    ),
    spec('lessons', 'module_id, title, content_type, position, content_s3_key, content_text, external_url, duration_minutes, is_preview', (c) => c.t.lessons, (c) =>
      range(c.t.lessons, (l) => {
        const type = c.t.lessonType(l);
        const pos = (l % c.t.shape.lessonsPerModule) + 1;
        const m = c.t.moduleOfLesson(l);
        const k = c.t.courseOfLesson(l);
        const asset = lessonAsset(c.t, l);
        const skill = skillName(c.t.courseSkill(k, 0));
        return [id(c, 'lessons', l), id(c, 'modules', m), lessonTitle(c.w, l), type, pos, asset ? asset.key : null, type === 'text' ? text.lessonText(Rng.at(c.seed, 'lesson_text', l), skill, topicOf(c.w, m)) : null, type === 'external_link' ? `https://developer.mozilla.org/en-US/search?q=${encodeURIComponent(skill)}&lesson=${l}` : null, lessonMinutes(c.w, l), pos === 1 && m % c.t.shape.modulesPerCourse === 0, ...stamps(contentAt(c, k, 20 + (l % c.t.lessonsPerCourse)))];
      }),
    ),
    spec('quizzes', 'lesson_id, title, description, passing_score, time_limit_minutes, max_attempts, shuffle_questions', (c) => c.t.quizzes, (c) =>
      range(c.t.quizzes, (q) => {
        const qf = quiz(c.w, q);
        const k = c.t.courseOfModule(q);
        return [id(c, 'quizzes', q), id(c, 'lessons', c.t.lessonOfQuiz(q)), `Quiz: ${topicOf(c.w, q)}`, `${c.t.shape.questionsPerQuiz} questions; ${qf.passing}% to pass${qf.timeLimit ? `, ${qf.timeLimit} minutes` : ''}.`, qf.passing, qf.timeLimit, qf.maxAttempts, c.w.h('shuffle', q) % 10 < 4, ...stamps(contentAt(c, k, 30 + (q % c.t.shape.modulesPerCourse)))];
      }),
    ),
    spec('quiz_questions', 'quiz_id, question_type, prompt, options, correct_answer, explanation, points, position', (c) => c.t.questions, (c) => range(c.t.questions, (i) => questionRow(c, i))),
    spec('flashcard_decks', 'course_id, lesson_id, title, description', (c) => c.t.shape.courses, (c) =>
      range(c.t.shape.courses, (k) => [id(c, 'flashcard_decks', k), id(c, 'courses', k), k % 2 === 0 ? id(c, 'lessons', c.t.lessonOfCourse(k, 0)) : null, `${courseTitle(c.w, k)}: key terms`, `${c.t.shape.flashcardsPerDeck} cards to review the course vocabulary.`, ...stamps(contentAt(c, k, 50))]),
    ),
    spec('flashcards', 'deck_id, front, back, hint, position', (c) => c.t.flashcards, (c) =>
      range(c.t.flashcards, (f) => {
        const d = c.t.deckOfFlashcard(f);
        const [term, meaning] = text.GLOSSARY[(f + c.w.h('deck', d)) % text.GLOSSARY.length];
        return [id(c, 'flashcards', f), id(c, 'flashcard_decks', d), `What is ${term}?`, meaning, c.w.h('hint', f) % 10 < 3 ? `Think about ${skillName(c.t.courseSkill(d, 0))}.` : null, (f % c.t.shape.flashcardsPerDeck) + 1, ...stamps(contentAt(c, d, 51))];
      }),
    ),
    spec('course_reviews', 'student_id, course_id, rating, title, body', () => undefined, (c) => reviewRows(c)),
    spec('enrollments', 'student_id, course_id, status, progress_percent, enrolled_at, completed_at, expires_at, last_accessed_at, payment_id, certificate_s3_key, certificate_issued_at', () => undefined, (c) => range(c.t.shape.enrollments, (e) => enrollmentRow(c, e))),
    spec('lesson_progress', 'enrollment_id, lesson_id, progress_percent, time_spent_seconds, last_position_seconds, started_at, completed_at', () => undefined, (c) => lessonProgressRows(c)),
    spec('quiz_attempts', 'quiz_id, student_id, enrollment_id, attempt_number, started_at, submitted_at, score_percent, passed, answers', () => undefined, (c) => quizAttemptRows(c)),
    spec('materials', 'course_id, lesson_id, uploaded_by, title, description, s3_key, file_name, mime_type, file_size_bytes, pricing_model, price, currency, download_count, is_published', (c) => c.t.shape.materials, (c) => range(c.t.shape.materials, (m) => materialRow(c, m))),
    spec('material_downloads', 'material_id, user_id, payment_id, downloaded_at, ip_address, user_agent', () => undefined, (c) =>
      range(c.t.shape.material_downloads, (i) => {
        const d = download(c.w, i);
        if (!d) return null;
        const r = rng(c, 'material_downloads', i);
        const pay = downloadPayment(c.w, d);
        return [id(c, 'material_downloads', i), id(c, 'materials', d.material), id(c, 'users', d.user), pay ? pay.id : null, iso(d.at), ipOf(r), r.pick(c.w.uaPool()), ...stamps(d.at)];
      }),
    ),
    spec('webinars', 'host_user_id, category_id, title, description, status, starts_at, ends_at, timezone, capacity, pricing_model, price, currency, meeting_url, recording_url', (c) => c.t.shape.webinars, (c) =>
      range(c.t.shape.webinars, (x) => {
        const r = rng(c, 'webinars', x);
        const wf = webinar(c.w, x);
        const k = x % c.t.enrollable;
        return [id(c, 'webinars', x), id(c, 'users', wf.host), id(c, 'categories', c.t.categoryOfTrack(k % T, x)), `Live: ${courseTitle(c.w, k)}`, text.webinarDescription(r, skillName(c.t.courseSkill(k, 0)), c.w.fullName(wf.host)), wf.status, iso(wf.start), iso(wf.end), c.w.timeZone(wf.host), wf.capacity, wf.price.model, money(wf.price.cents), 'USD', `https://meet.example.com/webinar-${x}`, wf.status === 'completed' ? `https://video.example.com/recordings/${x}` : null, ...stamps(wf.created, wf.cancelledAt ?? (wf.status === 'completed' ? wf.end + HOUR : wf.created))];
      }),
    ),
    spec('webinar_registrations', 'webinar_id, user_id, status, registered_at, attended_at, cancelled_at, payment_id', () => undefined, function* (c) {
      for (let x = 0; x < c.t.shape.webinars; x++) {
        for (const reg of registrations(c.w, x)) {
          const pay = registrationPayment(c.w, x, reg);
          yield [id(c, 'webinar_registrations', reg.i), id(c, 'webinars', x), id(c, 'users', reg.user), reg.status, iso(reg.registered), isoOrNull(reg.attended), isoOrNull(reg.cancelled), pay ? pay.id : null, ...stamps(reg.registered, reg.cancelled ?? reg.attended ?? reg.registered)];
        }
      }
    }),
    spec('mentor_sessions', 'mentor_id, student_id, starts_at, ends_at, status, topic, agenda, meeting_url, mentor_notes, price, currency, payment_id, rescheduled_from_id, cancelled_at, cancellation_reason', () => undefined, function* (c) {
      for (const s of sessionRows(c.w)) {
        const r = rng(c, 'mentor_sessions', s.row);
        const pay = sessionPayment(c.w, s);
        const skill = skillName(c.t.skillOfTrack(s.mentor % T, 'mentors', s.mentor, 0));
        const changed = s.cancelledAt ?? (s.status === 'rescheduled' ? s.replacement!.booked : s.status === 'scheduled' ? s.booked : s.start + HOUR);
        yield [id(c, 'mentor_sessions', s.row), id(c, 'mentors', s.mentor), id(c, 'students', s.student), iso(s.start), iso(s.start + HOUR), s.status, text.sessionTopic(r, skill), r.bool(0.5) ? text.sessionAgenda(r) : null, `https://meet.example.com/mentor-${s.row}`, s.status === 'completed' ? text.mentorNotes(r) : null, money(s.priceCents), 'USD', pay ? pay.id : null, s.replaces === null ? null : id(c, 'mentor_sessions', s.replaces), isoOrNull(s.cancelledAt), s.cancelReason, ...stamps(s.booked, Math.min(changed, c.asOf - MIN))];
      }
    }),
    spec('mentor_reviews', 'session_id, rating, comment', () => undefined, function* (c) {
      for (const s of sessionRows(c.w)) {
        const stars = mentorReviewRating(c.w, s);
        if (stars === null) continue;
        const r = rng(c, 'mentor_review_text', s.row);
        const at = c.w.when(s.start + 2 * HOUR, Math.max(s.start + 3 * HOUR, Math.min(c.w.actHi(s.student), s.start + 3 * DAY)), 'mentor_review_at', s.row);
        yield [id(c, 'mentor_reviews', s.row), id(c, 'mentor_sessions', s.row), stars, r.bool(0.7) ? text.mentorReviewComment(r, stars) : null, ...stamps(Math.min(at, c.asOf - MIN))];
      }
    }),
    spec('jobs', 'company_id, category_id, posted_by_user_id, title, description, employment_type, remote_type, status, location, salary_min, salary_max, currency, experience_min_years, experience_max_years, openings, published_at, closes_at, filled_at', (c) => c.t.shape.jobs, (c) => range(c.t.shape.jobs, (j) => jobRow(c, j))),
    spec('job_skills', 'job_id, skill_id, is_required, min_years', (c) => c.t.shape.jobs * c.t.shape.skillsPerJob, (c) =>
      range(c.t.shape.jobs * c.t.shape.skillsPerJob, (i) => {
        const r = rng(c, 'job_skills', i);
        const j = Math.floor(i / c.t.shape.skillsPerJob);
        const k = i % c.t.shape.skillsPerJob;
        return [id(c, 'job_skills', i), id(c, 'jobs', j), id(c, 'skills', c.t.jobSkill(j, k)), jobSkillRequired(c, j, k), r.bool(0.5) ? jobYears(c.w, j) : null, ...stamps(job(c.w, j).created + MIN)];
      }),
    ),
    spec('applications', 'student_id, job_id, status, stage, cover_letter, resume_s3_key, applied_at, reviewed_by_admin_id, admin_reviewed_at, admin_notes, forwarded_at, company_notes, withdrawn_at', () => undefined, (c) => range(c.t.shape.applications, (a) => applicationRow(c, a))),
    spec('application_status_history', 'application_id, from_status, to_status, changed_by, note, changed_at', () => undefined, (c) => historyRows(c)),
    spec('interview_slots', 'application_id, scheduled_by_user_id, starts_at, ends_at, timezone, status, location, meeting_url, interviewer_name, feedback, rating', () => undefined, (c) => interviewRows(c)),
    spec('placement_packages', 'name, description, price, currency, duration_days, referral_count, mentor_session_count, is_active', (c) => c.t.shape.placement_packages, (c) =>
      range(c.t.shape.placement_packages, (p) => {
        const referrals = 2 + (p % 5) * 2;
        const sessions = 1 + (p % 4);
        return [id(c, 'placement_packages', p), packageName(p), text.packageDescription(packageName(p), packageDays(p), referrals, sessions), money(packagePriceCents(p)), 'USD', packageDays(p), referrals, sessions, p % 7 !== 6, ...stamps(referenceTime(c))];
      }),
    ),
    spec('student_placements', 'student_id, package_id, status, starts_at, ends_at, payment_id, placed_job_id, placed_at, notes', () => undefined, (c) =>
      range(c.t.shape.student_placements, (i) => {
        const p = placement(c.w, i);
        if (!p) return null;
        const changed = p.cancelledAt ?? p.placedAt ?? (p.status === 'expired' ? p.ends : p.start);
        return [id(c, 'student_placements', i), id(c, 'students', p.student), id(c, 'placement_packages', p.pkg), p.status, iso(p.start), iso(p.ends), placementPayment(c.w, p).id, p.placedJob === null ? null : id(c, 'jobs', p.placedJob), isoOrNull(p.placedAt), p.status === 'cancelled' ? 'Cancelled by the student within the refund period.' : null, ...stamps(p.start, Math.min(changed, c.asOf - MIN))];
      }),
    ),
    spec('referral_contacts', 'student_id, student_placement_id, company_id, job_id, managed_by_admin_id, company_name, contact_name, contact_email, contact_title, linkedin_url, status, contacted_at, converted_at, notes', () => undefined, (c) => range(c.t.shape.referral_contacts, (i) => referralRow(c, i))),
    spec('badges', 'name, description, criteria, icon_url, points', (c) => c.t.shape.badges, (c) =>
      range(c.t.shape.badges, (b) => {
        const bf = badge(b);
        return [id(c, 'badges', b), bf.name, bf.description, bf.criteria, `https://cdn.example.com/badges/${slugify(bf.name)}.svg`, bf.points, ...stamps(referenceTime(c))];
      }),
    ),
    spec('student_badges', 'student_id, badge_id, course_id, awarded_at', () => undefined, (c) => studentBadgeRows(c)),
    spec('student_portfolios', 'student_id, title, description, project_url, repository_url, image_s3_key, started_on, completed_on, is_public, position', (c) => c.t.shape.student_portfolios, (c) =>
      range(c.t.shape.student_portfolios, (p) => {
        const r = rng(c, 'student_portfolios', p);
        const s = c.t.studentOfPortfolio(p);
        const created = portfolioCreated(c.w, p);
        const skill = skillName(c.t.portfolioSkill(p, 0));
        const done = r.bool(0.8);
        const completed = done ? created - r.int(0, 60) * DAY : null;
        const started = (completed ?? created) - (10 + r.int(0, 200)) * DAY;
        const handle = `${slugify(asciiName(c.w.person(s).first))}-${slugify(asciiName(c.w.person(s).last))}-${s}`;
        const title = text.portfolioTitle(r, skill);
        return [id(c, 'student_portfolios', p), id(c, 'students', s), title, text.portfolioDescription(r, skill), `https://${handle}.github.io/${slugify(title)}`, r.bool(0.6) ? `https://github.com/${handle}/${slugify(title)}` : null, hasPortfolioImage(c.t, p) ? assetFor(c.t, 'portfolioImage', p).key : null, dateOnly(started), completed === null ? null : dateOnly(completed), r.bool(0.85), Math.floor(p / c.t.actingStudents), ...stamps(created)];
      }),
    ),
    spec('portfolio_skills', 'portfolio_id, skill_id', (c) => c.t.shape.student_portfolios * c.t.shape.skillsPerPortfolio, (c) =>
      range(c.t.shape.student_portfolios * c.t.shape.skillsPerPortfolio, (i) => {
        const p = Math.floor(i / c.t.shape.skillsPerPortfolio);
        return [id(c, 'portfolio_skills', i), id(c, 'student_portfolios', p), id(c, 'skills', c.t.portfolioSkill(p, i % c.t.shape.skillsPerPortfolio)), ...stamps(portfolioCreated(c.w, p) + MIN)];
      }),
    ),
    spec('company_candidate_billing', 'company_id, application_id, amount, currency, status, payment_id, invoice_number, billed_at, due_at, paid_at', () => undefined, function* (c) {
      for (let a = 0; a < c.t.shape.applications; a++) {
        const app = application(c.w, a);
        const b = app && bill(c.w, app);
        if (!app || !b) continue;
        const pay = billPayment(c.w, app, b);
        yield [id(c, 'company_candidate_billing', a), id(c, 'companies', c.t.companyOfJob(app.job)), id(c, 'applications', a), money(pay.cents), 'USD', b.status, pay.id, `INV-${c.seed}-${String(a).padStart(8, '0')}`, iso(b.billed), iso(b.billed + 30 * DAY), isoOrNull(b.paidAt), ...stamps(b.billed, b.settledAt)];
      }
    }),
    spec('student_embeddings', 'student_id, embedding, model, source_hash, embedded_at', (c) => c.t.shape.students, (c) =>
      range(c.t.shape.students, (s) => {
        const at = embeddedAt(c, s);
        return [id(c, 'student_embeddings', s), id(c, 'students', s), formatEmbedding(studentEmbedding(c, s), c.embedding), EMBEDDING_MODEL, `skills:${hash32(c.seed, 'student_src', s).toString(16)}`, iso(at), ...stamps(at)];
      }),
    ),
    spec('job_embeddings', 'job_id, embedding, model, source_hash, embedded_at', (c) => c.t.shape.jobs, (c) =>
      range(c.t.shape.jobs, (j) => {
        const at = Math.min(job(c.w, j).created + HOUR, c.asOf - MIN);
        return [id(c, 'job_embeddings', j), id(c, 'jobs', j), formatEmbedding(jobEmbedding(c, j), c.embedding), EMBEDDING_MODEL, `skills:${hash32(c.seed, 'job_src', j).toString(16)}`, iso(at), ...stamps(at)];
      }),
    ),
    spec('admin_match_recommendations', 'student_id, job_id, score, model, reason, admin_id, reviewed_at, is_approved', () => undefined, (c) =>
      range(c.t.shape.admin_match_recommendations, (i) => {
        const rec = recommendation(c.w, i);
        if (!rec) return null;
        const jf = job(c.w, rec.job);
        const lo = Math.max(jf.published!, embeddedAt(c, rec.student)) + HOUR;
        if (lo >= c.asOf - 2 * HOUR) return null;
        const at = c.w.when(lo, Math.min(lo + 2 * DAY, c.asOf - HOUR), 'recommended_at', i);
        const r = rng(c, 'admin_match_recommendations', i);
        const score = Math.max(0, Math.min(1, cosine(studentEmbedding(c, rec.student), jobEmbedding(c, rec.job))));
        const reviewed = r.bool(0.5) ? c.w.when(at + MIN, c.asOf - MIN, 'recommendation_reviewed', i) : null;
        return [id(c, 'admin_match_recommendations', i), id(c, 'students', rec.student), id(c, 'jobs', rec.job), score.toFixed(4), EMBEDDING_MODEL, `Shares ${rec.shared.map(skillName).join(', ')}`, reviewed === null ? null : id(c, 'admins', i % c.t.shape.admins), isoOrNull(reviewed), reviewed === null ? null : score >= 0.5, ...stamps(at, reviewed ?? at)];
      }),
    ),
    spec('system_settings', 'key, value, description, is_public, updated_by', (c) => c.t.shape.system_settings, (c) =>
      range(c.t.shape.system_settings, (i) => {
        const [key, value, what] = i < SETTINGS.length ? SETTINGS[i] : [`feature.flag_${i}`, i % 2 === 0, `Feature flag ${i}`];
        const admin = c.t.userOfAdmin(0);
        return [id(c, 'system_settings', i), key, new Json(value), what, key.startsWith('platform.'), id(c, 'users', admin), ...stamps(c.w.verified(admin) + (1 + i) * HOUR)];
      }),
    ),
    spec('audit_logs', 'user_id, action, entity_type, entity_id, before, after, ip_address, user_agent', () => undefined, (c) => range(c.t.shape.audit_logs, (i) => auditRow(c, i)), AUDIT_ACTOR_COLUMNS),
  ];
}

/**
 * Every table as the live database has it: the generator's columns plus those optional (newer
 * schema) columns that exist there (`present`: "table.column"), rows cut to match. The seeder and
 * the benchmark load exactly this.
 */
export function liveTables(c: GenContext, present: ReadonlySet<string>): Array<{ table: PgTable; columns: string[]; rows: Iterable<Row> }> {
  return pgTables().map((spec) => {
    const rows = spec.rows(c);
    const base = spec.columns.length;
    const keep = (spec.optional ?? []).map((col, i) => [col, base + i] as const).filter(([col]) => present.has(`${spec.table}.${col}`));
    if (!spec.optional?.length) return { table: spec.table, columns: spec.columns, rows };
    const idx = [...Array(base).keys(), ...keep.map(([, i]) => i)];
    return {
      table: spec.table,
      columns: [...spec.columns, ...keep.map(([col]) => col)],
      rows: (function* () {
        for (const row of rows) yield idx.map((i) => row[i]);
      })(),
    };
  });
}

/** Embeddings are computed by the platform shortly after the profile's skills are entered. */
function embeddedAt(c: GenContext, s: number): number {
  return Math.min(c.w.born(s) + (10 + (c.w.h('embedded', s) % 120)) * MIN, c.asOf - MIN);
}

function* paymentRows(c: GenContext): Generator<Row> {
  for (const p of paymentFacts(c.w)) {
    yield [p.id, id(c, 'users', p.user), p.type, money(p.cents), 'USD', p.status, 'stripe', `pi_${p.id.replace(/-/g, '').slice(0, 24)}`, p.description, p.failure, isoOrNull(p.paidAt), isoOrNull(p.refundedAt), ...stamps(p.created, p.refundedAt ?? p.paidAt ?? p.created)];
  }
}

export { NOTIFICATION_TYPES, scoped, skillName };
