import { COLLECTION_NAMES } from '../src/stores/mongo/collections';
import { usageError } from '../src/errors';
import { hash32, type ProfileName } from './core';

/**
 * How many rows each table gets, and which row points at which: every cross-reference is a pure
 * function of indexes, so no generator holds a table in memory, and the PostgreSQL, MongoDB and S3
 * generators agree on ids without talking to each other. Unique pairs (student, course), (student,
 * job)... are unique by construction (see pairAt).
 */

/** The 50 tables in load (foreign-key dependency) order. */
export const PG_TABLES = [
  'users', 'students', 'companies', 'admins', 'instructors', 'mentors', 'notifications', 'notification_preferences',
  'categories', 'skills', 'skill_synonyms', 'student_skills',
  'payments',
  'courses', 'course_skills', 'course_prerequisites', 'modules', 'lessons', 'quizzes', 'quiz_questions',
  'flashcard_decks', 'flashcards', 'course_reviews', 'enrollments', 'lesson_progress',
  'quiz_attempts', 'materials', 'material_downloads', 'webinars', 'webinar_registrations',
  'mentor_sessions', 'mentor_reviews',
  'jobs', 'job_skills', 'applications', 'application_status_history', 'interview_slots',
  'placement_packages', 'student_placements', 'referral_contacts',
  'badges', 'student_badges', 'student_portfolios', 'portfolio_skills',
  'company_candidate_billing',
  'student_embeddings', 'job_embeddings', 'admin_match_recommendations',
  'system_settings', 'audit_logs',
] as const;
export type PgTable = (typeof PG_TABLES)[number];

export const MONGO_COLLECTIONS = COLLECTION_NAMES;

/** Skill tracks: students, jobs and courses of one track share skills, so embeddings cluster. */
export const TRACKS = ['frontend', 'backend', 'data', 'devops', 'mobile', 'design'] as const;
export const T = TRACKS.length;

/** The knobs a profile sets. Per-parent fan-outs keep parent/child structure computable. */
export interface Shape {
  students: number;
  companies: number;
  admins: number;
  instructors: number;
  mentors: number;
  categories: number;
  skills: number;
  skill_synonyms: number;
  skillsPerStudent: number;
  notificationsPerUser: number;
  preferencesPerUser: number;
  courses: number;
  skillsPerCourse: number;
  course_prerequisites: number;
  modulesPerCourse: number;
  lessonsPerModule: number;
  questionsPerQuiz: number;
  flashcardsPerDeck: number;
  /** Target share: about this many of the enrollments that got past their first lesson leave a review. */
  course_reviews: number;
  /** Enrollment slots: a slot whose student left before the course could be taken stays empty. */
  enrollments: number;
  materials: number;
  material_downloads: number;
  webinars: number;
  webinar_registrations: number;
  mentor_sessions: number;
  jobs: number;
  skillsPerJob: number;
  applications: number;
  placement_packages: number;
  student_placements: number;
  referral_contacts: number;
  badges: number;
  student_portfolios: number;
  skillsPerPortfolio: number;
  admin_match_recommendations: number;
  system_settings: number;
  audit_logs: number;
  // MongoDB
  learning_progress: number;
  xapi_statements: number;
  flashcard_progress: number;
  /** Days of daily analytics (one document per metric and day), as a document budget. */
  analytics_aggregates: number;
  user_sessions: number;
  search_logs: number;
  course_engagement: number;
}

const SMALL: Shape = {
  students: 30, companies: 6, admins: 4, instructors: 5, mentors: 5,
  categories: 10, skills: 48, skill_synonyms: 24, skillsPerStudent: 4, notificationsPerUser: 2, preferencesPerUser: 2,
  courses: 14, skillsPerCourse: 3, course_prerequisites: 6, modulesPerCourse: 3, lessonsPerModule: 3, questionsPerQuiz: 3,
  flashcardsPerDeck: 5, course_reviews: 25, enrollments: 50, materials: 12, material_downloads: 30,
  webinars: 4, webinar_registrations: 20, mentor_sessions: 16, jobs: 12, skillsPerJob: 3, applications: 45,
  placement_packages: 3, student_placements: 6, referral_contacts: 8, badges: 8,
  student_portfolios: 15, skillsPerPortfolio: 2, admin_match_recommendations: 24, system_settings: 6, audit_logs: 30,
  learning_progress: 200, xapi_statements: 100, flashcard_progress: 50, analytics_aggregates: 110, user_sessions: 60,
  search_logs: 60, course_engagement: 60,
};

const MEDIUM: Shape = {
  students: 4000, companies: 250, admins: 20, instructors: 120, mentors: 120,
  categories: 40, skills: 300, skill_synonyms: 300, skillsPerStudent: 6, notificationsPerUser: 3, preferencesPerUser: 4,
  courses: 200, skillsPerCourse: 4, course_prerequisites: 150, modulesPerCourse: 4, lessonsPerModule: 4, questionsPerQuiz: 4,
  flashcardsPerDeck: 8, course_reviews: 3000, enrollments: 10000, materials: 400, material_downloads: 4000,
  webinars: 60, webinar_registrations: 2500, mentor_sessions: 2500, jobs: 1000, skillsPerJob: 4, applications: 10000,
  placement_packages: 5, student_placements: 400, referral_contacts: 800, badges: 30,
  student_portfolios: 2500, skillsPerPortfolio: 3, admin_match_recommendations: 5000, system_settings: 10, audit_logs: 5000,
  learning_progress: 20000, xapi_statements: 10000, flashcard_progress: 5000, analytics_aggregates: 2200, user_sessions: 8000,
  search_logs: 8000, course_engagement: 5000,
};

const LARGE: Shape = {
  students: 300000, companies: 15000, admins: 100, instructors: 4000, mentors: 4000,
  categories: 200, skills: 2000, skill_synonyms: 2000, skillsPerStudent: 6, notificationsPerUser: 3, preferencesPerUser: 4,
  courses: 6000, skillsPerCourse: 4, course_prerequisites: 5000, modulesPerCourse: 5, lessonsPerModule: 4, questionsPerQuiz: 5,
  flashcardsPerDeck: 10, course_reviews: 150000, enrollments: 500000, materials: 20000,
  material_downloads: 200000, webinars: 2000, webinar_registrations: 100000, mentor_sessions: 100000, jobs: 40000,
  skillsPerJob: 5, applications: 600000, placement_packages: 5, student_placements: 20000, referral_contacts: 40000,
  badges: 50, student_portfolios: 150000, skillsPerPortfolio: 3, admin_match_recommendations: 100000,
  system_settings: 10, audit_logs: 300000,
  learning_progress: 1000000, xapi_statements: 500000, flashcard_progress: 200000, analytics_aggregates: 11000,
  user_sessions: 400000, search_logs: 300000, course_engagement: 200000,
};

export const SHAPES: Readonly<Record<ProfileName, Shape>> = { small: SMALL, medium: MEDIUM, large: LARGE };

/** Tables whose row count follows from other tables: an override names the table that drives it. */
export const DERIVED: Readonly<Record<string, string>> = {
  payments: 'enrollments, webinar_registrations, material_downloads, mentor_sessions, student_placements or applications',
  lesson_progress: 'enrollments',
  mentor_reviews: 'mentor_sessions',
  application_status_history: 'applications',
  interview_slots: 'applications',
  company_candidate_billing: 'applications',
  student_embeddings: 'students',
  job_embeddings: 'jobs',
  flashcard_decks: 'courses',
  quizzes: 'modules',
  resume_analysis: 'students',
  quiz_attempts: 'enrollments (a student takes each quiz they reach until they pass it)',
  student_badges: 'enrollments, applications, reviews and portfolios (each badge is awarded when its criteria are met)',
  notification_queue: 'notifications (entries of the last 7 days)',
  event_log: 'enrollments, applications, payments and users (events of the last 30 days)',
};

/** Child tables set by a per-parent fan-out: an override N spreads N rows over the parents. */
const FANOUT: Readonly<Record<string, { knob: keyof Shape; parents: (s: Shape) => number }>> = {
  student_skills: { knob: 'skillsPerStudent', parents: (s) => s.students },
  notifications: { knob: 'notificationsPerUser', parents: (s) => userCount(s) },
  notification_preferences: { knob: 'preferencesPerUser', parents: (s) => userCount(s) },
  course_skills: { knob: 'skillsPerCourse', parents: (s) => s.courses },
  modules: { knob: 'modulesPerCourse', parents: (s) => s.courses },
  lessons: { knob: 'lessonsPerModule', parents: (s) => s.courses * s.modulesPerCourse },
  quiz_questions: { knob: 'questionsPerQuiz', parents: (s) => s.courses * s.modulesPerCourse },
  flashcards: { knob: 'flashcardsPerDeck', parents: (s) => s.courses },
  job_skills: { knob: 'skillsPerJob', parents: (s) => s.jobs },
  portfolio_skills: { knob: 'skillsPerPortfolio', parents: (s) => s.student_portfolios },
};

const USER_KINDS = ['students', 'companies', 'admins', 'instructors', 'mentors'] as const;

function userCount(s: Shape): number {
  return s.students + s.companies + s.admins + s.instructors + s.mentors;
}

/** Every name `--set` accepts: the 50 tables and the 10 collections. */
export const OVERRIDABLE: readonly string[] = [...PG_TABLES, ...MONGO_COLLECTIONS];

/** The profile's shape with `--set` overrides applied; refuses counts the structure cannot hold. */
export function shapeFor(profile: ProfileName, overrides: Record<string, number> = {}): Shape {
  const s: Shape = { ...SHAPES[profile] };
  const entries = Object.entries(overrides);
  for (const [name, n] of entries) {
    if (DERIVED[name]) throw usageError(`cannot set ${name}: its row count follows from ${DERIVED[name]}`, `set ${DERIVED[name].split(/,| or /)[0].trim()} instead`);
    if (name === 'users') {
      const total = userCount(s);
      for (const k of USER_KINDS) s[k] = Math.max(k === 'students' ? T : 1, Math.round((s[k] * n) / total));
    } else if (name in s && !FANOUT[name]) {
      (s as unknown as Record<string, number>)[name] = n;
    }
  }
  // Fan-outs last: they divide by parent counts that the loop above may have changed.
  for (const [name, n] of entries) {
    const f = FANOUT[name];
    if (f) s[f.knob] = Math.max(1, Math.ceil(n / Math.max(1, f.parents(s))));
  }
  if (entries.length) fitToParents(s, new Set(entries.map(([name]) => name)));
  checkShape(s);
  return s;
}

/**
 * Users still in pending_verification are the last few of each kind (a block, so that "the users who
 * act" is a prefix of each range and index relations can skip the others without searching). They
 * registered in the last two weeks and have done nothing yet.
 */
const PENDING_SHARE = { students: 0.06, companies: 0.04, instructors: 0.03, mentors: 0.03 } as const;
export function pendingOf(kind: keyof typeof PENDING_SHARE, n: number): number {
  return Math.floor(n * PENDING_SHARE[kind]);
}
/** Mentors who take no new bookings (is_available false): the last tenth of the acting mentors. */
const unavailableOf = (acting: number) => Math.floor(acting / 10);

/**
 * Courses a student can enrol in: the first ones, a multiple of T (one cycle per track), so each
 * track's enrollable courses are t, t+T, t+2T... The rest are drafts that are not published yet.
 */
export function enrollableOf(courses: number): number {
  return T * Math.floor((courses - Math.ceil(courses * 0.08)) / T);
}

const actingStudentsOf = (s: Shape) => s.students - pendingOf('students', s.students);

type CountName = { [K in keyof Shape]: Shape[K] extends number ? K : never }[keyof Shape];

/** Counts bounded by their parents' counts, in dependency order (enrollments before what needs them). */
const LIMITS: ReadonlyArray<{ count: CountName; max: (s: Shape) => number; why?: string; fix: string }> = [
  { count: 'skill_synonyms', max: (s) => s.skills * SYNONYM_SUFFIXES.length, fix: 'raise skills' },
  { count: 'enrollments', max: (s) => actingStudentsOf(s) * Math.max(0, enrollableOf(s.courses) / T), why: 'a student takes each published course of their track at most once', fix: 'raise students or courses' },
  { count: 'course_reviews', max: (s) => s.enrollments, why: 'only enrolled students review', fix: 'raise enrollments' },
  { count: 'course_prerequisites', max: (s) => Math.max(0, s.courses - T), why: `course c requires course c-${T} of its track`, fix: 'raise courses' },
  { count: 'webinar_registrations', max: (s) => s.webinars * userCount(s), why: 'one per user and webinar', fix: 'raise webinars' },
  { count: 'applications', max: (s) => actingStudentsOf(s) * Math.floor(s.jobs / 2), why: 'a student applies to at most half the jobs', fix: 'raise students or jobs' },
  { count: 'admin_match_recommendations', max: (s) => s.jobs * Math.floor(actingStudentsOf(s) / T), fix: 'raise students or jobs' },
  { count: 'flashcard_progress', max: (s) => s.enrollments * s.flashcardsPerDeck, fix: 'raise enrollments' },
];

/**
 * A profile's own counts shrink with the parents an override shrank (`--set users=10` gives a
 * small seed, not a complaint about a table the user never named); counts the user set are kept
 * and checked as given.
 */
function fitToParents(s: Shape, explicit: ReadonlySet<string>): void {
  for (const l of LIMITS) if (!explicit.has(l.count)) s[l.count] = Math.max(0, Math.min(s[l.count], l.max(s)));
}

function checkShape(s: Shape): void {
  const need = (ok: boolean, what: string, fix: string) => {
    if (!ok) throw usageError(`these counts cannot be seeded: ${what}`, fix);
  };
  for (const k of ['students', 'companies', 'admins', 'instructors', 'mentors', 'courses', 'jobs', 'categories', 'badges', 'placement_packages', 'webinars'] as const) {
    need(s[k] >= 1, `${k} must be at least 1 (other tables point at it)`, `raise ${k}`);
  }
  need(actingStudentsOf(s) >= T, `students must be at least ${T + 1} (one per skill track, besides those still unverified)`, `set students=${T + 1} or more`);
  need(s.skills >= T, `skills must be at least ${T} (one per skill track)`, `set skills=${T} or more`);
  need(s.categories >= T, `categories must be at least ${T} (one root per skill track)`, `set categories=${T} or more`);
  const perTrack = Math.floor(s.skills / T);
  need(s.skillsPerStudent <= perTrack && s.skillsPerCourse <= perTrack && s.skillsPerJob <= perTrack && s.skillsPerPortfolio <= perTrack, `at most ${perTrack} skills per student/course/job/portfolio with ${s.skills} skills`, 'raise skills');
  need(s.preferencesPerUser <= 8, 'at most 8 notification_preferences per user (one per notification type)', 'lower notification_preferences');
  const enrollable = enrollableOf(s.courses);
  need(enrollable >= T, `courses must be at least ${Math.ceil((T + 1) / 0.92)} (published courses come in one cycle per skill track)`, 'raise courses');
  need(s.enrollments >= 1, 'enrollments must be at least 1', 'raise enrollments');
  for (const l of LIMITS) need(s[l.count] <= l.max(s), `at most ${l.max(s)} ${l.count}${l.why ? ` (${l.why})` : ''}`, l.fix);
  need(s.learning_progress === 0 || s.enrollments >= 1, 'learning_progress needs enrollments', 'raise enrollments');
}

export const SYNONYM_SUFFIXES = ['basics', 'fundamentals', 'advanced', 'in practice'] as const;

/**
 * `i` -> (a, b), one-to-one for i < A*B: a cycles fastest, b is offset per a by a hash, so pairs are
 * unique by construction and spread over b.
 */
export function pairAt(seed: number, scope: string, i: number, A: number, B: number): [number, number] {
  const a = i % A;
  const k = Math.floor(i / A);
  return [a, (k + hash32(seed, scope, a)) % B];
}

export type UserKind = 'student' | 'company' | 'admin' | 'instructor' | 'mentor';
export type UserStatus = 'active' | 'inactive' | 'suspended' | 'pending_verification';

/** Index plan for one seed and shape: the relation functions every generator uses. */
export class Topology {
  readonly users: number;
  readonly lessonsPerCourse: number;
  readonly modules: number;
  readonly lessons: number;
  readonly quizzes: number;
  readonly questions: number;
  readonly flashcards: number;
  readonly notifications: number;
  /** Students, companies, instructors and mentors who act (verified): a prefix of each range. */
  readonly actingStudents: number;
  readonly actingCompanies: number;
  readonly actingInstructors: number;
  readonly actingMentors: number;
  /** Acting mentors that take new bookings: a prefix of the acting ones. */
  readonly availableMentors: number;
  /** Published courses: [0, enrollable). */
  readonly enrollable: number;
  /** Per track, the published courses without a mandatory prerequisite (where a student starts). */
  private readonly entries: number[][];
  private readonly perTrack: number;
  /** Steps coprime with perTrack: k*step mod perTrack is distinct for distinct k. */
  private readonly skillSteps: number[];

  constructor(
    readonly seed: number,
    readonly shape: Shape,
  ) {
    this.users = userCount(shape);
    this.lessonsPerCourse = shape.modulesPerCourse * shape.lessonsPerModule;
    this.modules = shape.courses * shape.modulesPerCourse;
    this.lessons = this.modules * shape.lessonsPerModule;
    this.quizzes = this.modules;
    this.questions = this.quizzes * shape.questionsPerQuiz;
    this.flashcards = shape.courses * shape.flashcardsPerDeck;
    this.notifications = this.users * shape.notificationsPerUser;
    this.actingStudents = shape.students - pendingOf('students', shape.students);
    this.actingCompanies = Math.max(1, shape.companies - pendingOf('companies', shape.companies));
    this.actingInstructors = Math.max(1, shape.instructors - pendingOf('instructors', shape.instructors));
    this.actingMentors = Math.max(1, shape.mentors - pendingOf('mentors', shape.mentors));
    this.availableMentors = Math.max(1, this.actingMentors - unavailableOf(this.actingMentors));
    this.enrollable = enrollableOf(shape.courses);
    this.perTrack = Math.floor(shape.skills / T);
    this.skillSteps = coprimesOf(this.perTrack);
    this.entries = Array.from({ length: T }, () => []);
    for (let c = 0; c < this.enrollable; c++) if (this.mandatoryPrerequisite(c) === null) this.entries[c % T].push(c);
  }

  // users: [students | companies | admins | instructors | mentors]
  userOfStudent(s: number): number {
    return s;
  }
  userOfCompany(c: number): number {
    return this.shape.students + c;
  }
  userOfAdmin(a: number): number {
    return this.shape.students + this.shape.companies + a;
  }
  userOfInstructor(i: number): number {
    return this.shape.students + this.shape.companies + this.shape.admins + i;
  }
  userOfMentor(m: number): number {
    return this.shape.students + this.shape.companies + this.shape.admins + this.shape.instructors + m;
  }
  /** Which profile a user index has, and its index in that profile table. */
  userKind(u: number): { type: UserKind; index: number } {
    const s = this.shape;
    if (u < s.students) return { type: 'student', index: u };
    u -= s.students;
    if (u < s.companies) return { type: 'company', index: u };
    u -= s.companies;
    if (u < s.admins) return { type: 'admin', index: u };
    u -= s.admins;
    if (u < s.instructors) return { type: 'instructor', index: u };
    return { type: 'mentor', index: u - s.instructors };
  }

  /**
   * Account status: the pending block at the end of each kind; among acting students a few are
   * suspended or inactive (students 1 and 2 are, so the small profile has each status).
   */
  userStatus(u: number): UserStatus {
    const { type, index } = this.userKind(u);
    const acting = type === 'student' ? this.actingStudents : type === 'company' ? this.actingCompanies : type === 'instructor' ? this.actingInstructors : type === 'mentor' ? this.actingMentors : Infinity;
    if (index >= acting) return 'pending_verification';
    if (type !== 'student') return 'active';
    if (index === 1) return 'suspended';
    if (index === 2) return 'inactive';
    const p = hash32(this.seed, 'user_status', u) % 100;
    return p < 2 ? 'suspended' : p < 7 ? 'inactive' : 'active';
  }

  /** The j-th acting user (j < actingUsers): the pending blocks are skipped. */
  get actingUsers(): number {
    return this.actingStudents + this.actingCompanies + this.shape.admins + this.actingInstructors + this.actingMentors;
  }
  actingUser(j: number): number {
    const s = this.shape;
    if (j < this.actingStudents) return j;
    j -= this.actingStudents;
    if (j < this.actingCompanies) return this.userOfCompany(j);
    j -= this.actingCompanies;
    if (j < s.admins) return this.userOfAdmin(j);
    j -= s.admins;
    if (j < this.actingInstructors) return this.userOfInstructor(j);
    return this.userOfMentor(j - this.actingInstructors);
  }

  track(index: number): number {
    return index % T;
  }

  /**
   * The k-th skill of an owner in track t (k < skills per track): distinct k give distinct skills.
   * The step between an owner's skills is odd-spaced per owner, so owners share some skills but
   * rarely all of them (jobs with identical skill sets had identical embeddings).
   */
  skillOfTrack(t: number, scope: string, owner: number, k: number): number {
    const perTrack = this.perTrack;
    const h = hash32(this.seed, scope, owner);
    const step = this.skillSteps[(h >>> 16) % this.skillSteps.length];
    return t + T * (((h % perTrack) + k * step) % perTrack);
  }
  studentSkill(s: number, k: number): number {
    return this.skillOfTrack(this.track(s), 'student_skills', s, k);
  }
  jobSkill(j: number, k: number): number {
    return this.skillOfTrack(this.track(j), 'job_skills', j, k);
  }
  courseSkill(c: number, k: number): number {
    return this.skillOfTrack(this.track(c), 'course_skills', c, k);
  }
  portfolioSkill(p: number, k: number): number {
    return this.skillOfTrack(this.track(this.studentOfPortfolio(p)), 'portfolio_skills', p, k);
  }

  /** Categories 0..T-1 are the track roots; the rest are their children. */
  categoryOfTrack(t: number, salt: number): number {
    const children = Math.floor((this.shape.categories - 1 - t) / T);
    if (children <= 0) return t;
    return t + T * (1 + (salt % children));
  }

  instructorOfCourse(c: number): number {
    return c % this.actingInstructors;
  }
  courseOfModule(m: number): number {
    return Math.floor(m / this.shape.modulesPerCourse);
  }
  moduleOfLesson(l: number): number {
    return Math.floor(l / this.shape.lessonsPerModule);
  }
  courseOfLesson(l: number): number {
    return Math.floor(l / this.lessonsPerCourse);
  }
  lessonOfCourse(c: number, k: number): number {
    return c * this.lessonsPerCourse + k;
  }
  /** Each module ends with its quiz lesson; quiz q belongs to module q. */
  isQuizLesson(l: number): boolean {
    return l % this.shape.lessonsPerModule === this.shape.lessonsPerModule - 1;
  }
  lessonOfQuiz(q: number): number {
    return q * this.shape.lessonsPerModule + this.shape.lessonsPerModule - 1;
  }
  quizOfLesson(l: number): number {
    return this.moduleOfLesson(l);
  }
  /**
   * A lesson's content type. The first lessons of course 0 cover every file type, so the small
   * profile fills every S3 prefix. No video lessons: the S3 layout has no video asset type.
   */
  lessonType(l: number): string {
    if (this.isQuizLesson(l)) return 'quiz';
    const k = l % this.lessonsPerCourse;
    if (l < this.lessonsPerCourse) {
      const pos = k - Math.floor(k / this.shape.lessonsPerModule);
      if (pos < COVERING_LESSON_TYPES.length) return COVERING_LESSON_TYPES[pos];
    }
    let r = hash32(this.seed, 'lesson_type', l) % 100;
    for (const [type, weight] of LESSON_TYPES) if ((r -= weight) < 0) return type;
    return 'text';
  }
  deckOfFlashcard(f: number): number {
    return Math.floor(f / this.shape.flashcardsPerDeck);
  }

  /**
   * Prerequisite row i: course T+i requires course i (the previous course of its track); two in
   * three are mandatory. Returns the required course of `c`, or null.
   */
  prerequisite(i: number): { course: number; requires: number; mandatory: boolean } {
    return { course: T + i, requires: i, mandatory: i === 0 || hash32(this.seed, 'prereq_m', i) % 3 !== 0 };
  }
  mandatoryPrerequisite(c: number): number | null {
    if (c < T || c - T >= this.shape.course_prerequisites) return null;
    return this.prerequisite(c - T).mandatory ? c - T : null;
  }

  /**
   * Enrollment slot e: acting student e % S, their k-th course. A student starts at a course of their
   * track without a mandatory prerequisite and goes on along the track (c, c+T, c+2T... wrapping
   * within the published courses), so the prerequisite of each later course is the one they took
   * before it. Pairs are unique: k < enrollable/T distinct courses per student.
   */
  enrollment(e: number): { student: number; k: number; course: number } {
    const S = this.actingStudents;
    const student = e % S;
    const k = Math.floor(e / S);
    const entries = this.entries[this.track(student)];
    const first = entries[hash32(this.seed, 'first_course', student) % entries.length];
    return { student, k, course: (first + k * T) % this.enrollable };
  }
  /** Enrollment slots of one student, in order (k = 0, 1, ...). */
  enrollmentsOfStudent(s: number): number[] {
    const out: number[] = [];
    for (let e = s; e < this.shape.enrollments; e += this.actingStudents) out.push(e);
    return out;
  }
  companyOfJob(j: number): number {
    return j % this.actingCompanies;
  }
  studentOfPortfolio(p: number): number {
    return p % this.actingStudents;
  }
  flashcardProgress(i: number): { enrollment: number; flashcard: number } {
    const E = this.shape.enrollments;
    const e = i % E;
    const k = Math.floor(i / E);
    return { enrollment: e, flashcard: this.enrollment(e).course * this.shape.flashcardsPerDeck + k };
  }
  /** A deterministic pick in [0, n) for (scope, i). */
  pick(scope: string, i: number, n: number): number {
    return hash32(this.seed, scope, i) % n;
  }
}

const COVERING_LESSON_TYPES = ['pdf', 'audio', 'image', 'scorm_package'] as const;
const LESSON_TYPES = [
  ['text', 25],
  ['pdf', 20],
  ['audio', 14],
  ['image', 14],
  ['external_link', 10],
  ['flashcard', 10],
  ['scorm_package', 7],
] as const;

const coprimeLists = new Map<number, number[]>();

/** The steps in [1, n) coprime with n (so x*step mod n visits every residue); [1] for n <= 2. */
export function coprimesOf(n: number): number[] {
  let list = coprimeLists.get(n);
  if (!list) {
    const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
    list = [];
    for (let step = 1; step < n; step++) if (gcd(step, n) === 1) list.push(step);
    if (!list.length) list.push(1);
    coprimeLists.set(n, list);
  }
  return list;
}
