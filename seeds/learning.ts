import { DAY, HOUR, MIN, Rng, flat, scoped } from './core';
import { covering, RATING_WEIGHTS } from './domain';
import { lastOne, type World } from './world';

/**
 * Learning facts: courses and their content, enrollments, lesson progress, quiz attempts, reviews,
 * and the counters derived from them. An enrollment is planned top-down: first its schedule (when,
 * how far, how it ended: a small record per slot, kept in typed arrays because the next enrollment
 * of the same student depends on it), then its walk (each lesson and quiz attempt, fitted inside
 * the schedule, recomputed when needed).
 */

const rngOf = (w: World, scope: string, i: number) => Rng.at(w.seed, scope, i);

// ---------------------------------------------------------------------------------------------
// Courses, content, prices
// ---------------------------------------------------------------------------------------------

const PRICING = [
  ['free', 30],
  ['one_time', 60],
  ['subscription', 10],
] as const;

export interface Price {
  model: string;
  cents: number;
}

function pricing(w: World, scope: string, i: number, lo: number, hi: number): Price {
  const r = rngOf(w, scoped('price', scope), i);
  const model = i === 0 ? 'one_time' : covering(r, i, PRICING);
  return { model, cents: model === 'free' ? 0 : r.int(lo, hi) * 100 - 1 };
}
const allCoursePrices = (w: World): Price[] => Array.from({ length: w.t.shape.courses }, (_, k) => pricing(w, 'courses', k, 20, 200));
export const coursePrice = (w: World, k: number) => w.once(allCoursePrices)[k];
export const materialPrice = (w: World, m: number) => pricing(w, 'materials', m, 5, 40);
export const webinarPrice = (w: World, x: number) => pricing(w, 'webinars', x, 10, 60);

export interface CourseFact {
  k: number;
  instructor: number;
  /** The instructor's user. */
  iu: number;
  created: number;
  /** null: a draft (the courses after the enrollable ones). */
  published: number | null;
}

const allCourses = (w: World): CourseFact[] => Array.from({ length: w.t.shape.courses }, (_, i) => planCourse(w, i));
export function course(w: World, k: number): CourseFact {
  return w.once(allCourses)[k];
}

function planCourse(w: World, k: number): CourseFact {
  const t = w.t;
  const instructor = t.instructorOfCourse(k);
  const iu = t.userOfInstructor(instructor);
  const ib = w.born(iu) + DAY;
  if (k >= t.enrollable) return { k, instructor, iu, created: w.when(ib, w.asOf - DAY, 'course_created', k), published: null };
  // Courses appear in index order over the first 900 days (the first of each track earliest), so
  // every student finds a course to start with.
  const planned = w.start + 10 * DAY + Math.floor((k / t.enrollable) * 900) * DAY + (w.h('course_created', k) % (60 * 24 * 60)) * MIN;
  const created = Math.max(ib, planned);
  return { k, instructor, iu, created, published: created + (3 + (w.h('course_published', k) % 27)) * DAY };
}

/** lessons.duration_minutes (also summed into courses.duration_minutes). */
export function lessonMinutes(w: World, l: number): number {
  return w.t.isQuizLesson(l) ? 10 + (w.h('lesson_minutes', l) % 21) : 5 + (w.h('lesson_minutes', l) % 41);
}
export function courseMinutes(w: World, k: number): number {
  let n = 0;
  for (let i = 0; i < w.t.lessonsPerCourse; i++) n += lessonMinutes(w, w.t.lessonOfCourse(k, i));
  return n;
}

export interface QuizFact {
  passing: number;
  /** Minutes, or null (no limit). */
  timeLimit: number | null;
  maxAttempts: number | null;
}

const allQuizzes = (w: World): QuizFact[] => Array.from({ length: w.t.quizzes }, (_, i) => planQuiz(w, i));
export function quiz(w: World, q: number): QuizFact {
  return w.once(allQuizzes)[q];
}

function planQuiz(w: World, q: number): QuizFact {
  const h = w.h('quiz', q);
  return { passing: [60, 70, 75, 80][h % 4], timeLimit: (h >>> 2) % 10 < 6 ? [10, 15, 20, 30][(h >>> 6) % 4] : null, maxAttempts: (h >>> 8) % 2 === 0 ? 1 + ((h >>> 9) % 5) : null };
}

const QUESTION_TYPES = [
  ['multiple_choice', 50],
  ['true_false', 20],
  ['multiple_select', 15],
  ['short_answer', 15],
] as const;
const CHOICE_KEYS = ['a', 'b', 'c', 'd'] as const;

export type Answer = string | string[];

export interface QuestionFact {
  type: string;
  /** Option keys (empty for short answers). */
  keys: readonly string[];
  /** Typed like the answers: an option key, the sorted keys of a multiple select, or accepted texts. */
  correct: Answer;
  points: number;
}

/** Question facts (and ids, the keys of attempt answers), computed once per question. */
function questionTable(w: World): { facts: QuestionFact[]; ids: string[] } {
  return w.once(buildQuestions);
}
function buildQuestions(w: World): { facts: QuestionFact[]; ids: string[] } {
  const facts: QuestionFact[] = [];
  const ids: string[] = [];
  for (let i = 0; i < w.t.questions; i++) {
    facts.push(planQuestion(w, i));
    ids.push(flat(w.id('quiz_questions', i)));
  }
  return { facts, ids };
}

export function question(w: World, i: number): QuestionFact {
  return questionTable(w).facts[i];
}

function planQuestion(w: World, i: number): QuestionFact {
  const r = rngOf(w, 'quiz_question_key', i);
  const type = covering(r, i, QUESTION_TYPES);
  const points = [1, 1, 2, 5][r.int(0, 3)];
  if (type === 'true_false') return { type, keys: ['true', 'false'], correct: r.bool() ? 'true' : 'false', points };
  if (type === 'short_answer') return { type, keys: [], correct: ['short answer'], points };
  const right = r.int(0, 3);
  if (type === 'multiple_choice') return { type, keys: CHOICE_KEYS, correct: CHOICE_KEYS[right], points };
  const other = (right + 1 + r.int(0, 2)) % 4;
  return { type, keys: CHOICE_KEYS, correct: [CHOICE_KEYS[Math.min(right, other)], CHOICE_KEYS[Math.max(right, other)]], points };
}

function wrongAnswer(q: QuestionFact, r: Rng): Answer {
  if (q.type === 'short_answer') return 'not sure';
  if (q.type === 'multiple_select') {
    const c = q.correct as string[];
    return c[0] === 'a' ? ['a'] : ['a', c[1]];
  }
  const others = q.keys.filter((k) => k !== q.correct);
  return others[r.int(0, others.length - 1)];
}

function rightAnswer(q: QuestionFact): Answer {
  return q.type === 'short_answer' ? (q.correct as string[])[0] : q.correct;
}

// ---------------------------------------------------------------------------------------------
// Enrollment schedules
// ---------------------------------------------------------------------------------------------

export type EnrollmentStatus = 'in_progress' | 'completed' | 'dropped' | 'expired';
const STATUS_CODES: readonly EnrollmentStatus[] = ['in_progress', 'completed', 'dropped', 'expired'];
/** Access to a course lasts a year from enrolment. */
export const ACCESS = 365 * DAY;
/** A refund is granted when a student drops within two weeks, having done less than 30%. */
export const REFUND_WINDOW = 14 * DAY;

export interface Schedule {
  e: number;
  student: number;
  k: number;
  course: number;
  enrolledAt: number;
  status: EnrollmentStatus;
  /** Lessons completed, and lesson_progress rows (one more when a lesson is under way). */
  done: number;
  rows: number;
  /** Completion time, or the last activity of an unfinished enrollment. */
  lastActivity: number;
  completedAt: number | null;
  droppedAt: number | null;
  expiresAt: number;
  refunded: boolean;
  price: Price;
}

interface ScheduleTable {
  enrolledAt: Float64Array;
  lastActivity: Float64Array;
  droppedAt: Float64Array;
  /** 0 = no enrollment in this slot; else 1 + status code. */
  status: Uint8Array;
  done: Uint8Array;
  rows: Uint8Array;
  refunded: Uint8Array;
}

const TARGETS = [
  ['completed', 35],
  ['in_progress', 45],
  ['dropped', 20],
] as const;

/**
 * Every slot's schedule, in slot order (a student's k-th enrollment needs their (k-1)-th): when it
 * starts (after the account, the course's publication and the previous enrollment; after the
 * prerequisite was completed when it is mandatory), how far the student got, and how it ended.
 */
function scheduleTable(w: World): ScheduleTable {
  return w.once(buildSchedules);
}
function buildSchedules(w: World): ScheduleTable {
  {
    const t = w.t;
    const E = t.shape.enrollments;
    const S = t.actingStudents;
    const L = t.lessonsPerCourse;
    const tab: ScheduleTable = {
      enrolledAt: new Float64Array(E),
      lastActivity: new Float64Array(E),
      droppedAt: new Float64Array(E),
      status: new Uint8Array(E),
      done: new Uint8Array(E),
      rows: new Uint8Array(E),
      refunded: new Uint8Array(E),
    };
    for (let e = 0; e < E; e++) {
      const { student, k, course: c } = t.enrollment(e);
      const cf = course(w, c);
      const hi = Math.min(w.actHi(student), w.asOf - 2 * HOUR);
      let lo = Math.max(w.actLo(student), cf.published! + HOUR);
      if (k > 0) {
        const prev = e - S;
        if (tab.status[prev] === 0) continue;
        lo = Math.max(lo, tab.enrolledAt[prev] + DAY);
        if (t.mandatoryPrerequisite(c) !== null) {
          if (tab.status[prev] !== 2) continue;
          lo = Math.max(lo, tab.lastActivity[prev] + HOUR);
        }
      }
      if (hi - lo < DAY) continue;
      // The next slot's course needs this one completed: plan for it, and leave room after it.
      const needed = e + S < E && t.mandatoryPrerequisite(t.enrollment(e + S).course) !== null;
      const r = rngOf(w, 'enrollment_schedule', e);
      const enrolledAt = lo + Math.floor(((hi - lo) * (needed ? 0.4 : 0.7) * r.next() ** 1.3) / MIN) * MIN;
      const expiresAt = enrolledAt + ACCESS;
      const end = Math.min(hi, expiresAt);
      const perLesson = (0.3 + r.next() * 2.7) * DAY;
      let target: string = needed ? 'completed' : covering(r, e, TARGETS);
      let status = 0;
      let done = 0;
      let rows = 0;
      let last = enrolledAt;
      let dropped = NaN;
      let refunded = 0;
      if (target === 'completed') {
        const limit = (needed ? end - DAY - HOUR : end) - enrolledAt;
        const span = Math.min(L * perLesson, limit * (0.5 + 0.45 * r.next()));
        if (span >= L * 10 * MIN) {
          status = 2;
          done = rows = L;
          last = enrolledAt + Math.floor(span / MIN) * MIN;
        } else target = 'in_progress';
      }
      if (target !== 'completed') {
        done = target === 'dropped' ? r.int(0, Math.floor(L / 2)) : r.int(0, L - 1);
        rows = done === 0 && r.bool(0.2) ? 0 : done + 1;
        const span = Math.min((done + 1) * perLesson, (end - enrolledAt) * r.next());
        last = rows === 0 ? enrolledAt : enrolledAt + Math.floor(span / MIN) * MIN;
        if (target === 'dropped') {
          status = 3;
          dropped = Math.min(last + (1 + r.int(0, 9)) * DAY, hi);
          if (coursePrice(w, c).cents > 0 && dropped - enrolledAt <= REFUND_WINDOW && done / L < 0.3) refunded = 1;
        } else status = expiresAt <= w.asOf ? 4 : 1;
      }
      tab.enrolledAt[e] = enrolledAt;
      tab.lastActivity[e] = last;
      tab.droppedAt[e] = dropped;
      tab.status[e] = status;
      tab.done[e] = done;
      tab.rows[e] = rows;
      tab.refunded[e] = refunded;
    }
    return tab;
  }
}

/** The schedule of enrollment slot e, or null when the slot stays empty. */
export const schedule = lastOne(readSchedule);

function readSchedule(w: World, e: number): Schedule | null {
  if (e < 0 || e >= w.t.shape.enrollments) return null;
  const tab = scheduleTable(w);
  const code = tab.status[e];
  if (code === 0) return null;
  const { student, k, course: c } = w.t.enrollment(e);
  const status = STATUS_CODES[code - 1];
  const enrolledAt = tab.enrolledAt[e];
  return {
    e,
    student,
    k,
    course: c,
    enrolledAt,
    status,
    done: tab.done[e],
    rows: tab.rows[e],
    lastActivity: tab.lastActivity[e],
    completedAt: status === 'completed' ? tab.lastActivity[e] : null,
    droppedAt: status === 'dropped' ? tab.droppedAt[e] : null,
    expiresAt: enrolledAt + ACCESS,
    refunded: tab.refunded[e] === 1,
    price: coursePrice(w, c),
  };
}

export function enrollmentExists(w: World, e: number): boolean {
  return e >= 0 && e < w.t.shape.enrollments && scheduleTable(w).status[e] !== 0;
}

// ---------------------------------------------------------------------------------------------
// Walks: lesson progress and quiz attempts inside a schedule
// ---------------------------------------------------------------------------------------------

export interface LessonStep {
  /** Position of the lesson in the course (0-based) and its global index. */
  k: number;
  lesson: number;
  start: number;
  /** Completion time, or the last activity of the lesson under way. */
  end: number;
  done: boolean;
  spentSeconds: number;
  percent: number;
  positionSeconds: number;
}

export interface AttemptStep {
  /** Slot of the attempt within its enrollment (for ids). */
  slot: number;
  quiz: number;
  lessonStep: number;
  number: number;
  start: number;
  submitted: number;
  score: number;
  passed: boolean;
  /** Bit j set: question j of the quiz answered right (answers() renders them). */
  right: number;
}

export interface Walk {
  s: Schedule;
  steps: LessonStep[];
  attempts: AttemptStep[];
}

export const ATTEMPT_SLOTS = 64;

/** A student's chance of answering a question right: their own, steady across quizzes. */
function ability(w: World, student: number): number {
  return 0.55 + (w.h('ability', student) % 40) / 100;
}


/**
 * The start and end of each lesson of a schedule (row k at [2k, 2k+1]): [enrolledAt, lastActivity]
 * split into a gap before each lesson and the time on it. Its own random stream, so passes that
 * only need times (badges, reviews) skip the rest of the walk.
 */
export function lessonTimes(w: World, s: Schedule): Float64Array {
  const r = rngOf(w, 'enrollment_times', s.e);
  const n = s.rows;
  const out = new Float64Array(2 * n);
  let sum = 0;
  for (let k = 0; k < 2 * n; k++) sum += out[k] = k % 2 === 0 ? 0.2 + r.next() : 0.3 + r.next() * 0.5;
  const span = s.lastActivity - s.enrolledAt;
  let acc = 0;
  for (let k = 0; k < 2 * n; k++) {
    acc += out[k];
    out[k] = s.enrolledAt + Math.floor((span * acc) / sum / 1000) * 1000;
  }
  if (n) out[2 * n - 1] = s.lastActivity;
  return out;
}

/** Lessons and quiz attempts of enrollment slot e, fitted inside its schedule (null for an empty slot). */
export const walk = lastOne(walkOf);

function walkOf(w: World, e: number): Walk | null {
  const s = schedule(w, e);
  if (!s) return null;
  const t = w.t;
  const r = rngOf(w, 'enrollment_walk', e);
  const steps: LessonStep[] = [];
  const attempts: AttemptStep[] = [];
  const times = lessonTimes(w, s);
  const p = ability(w, s.student);
  let slot = 0;
  for (let k = 0; k < s.rows; k++) {
    const lesson = t.lessonOfCourse(s.course, k);
    const start = times[2 * k];
    const end = times[2 * k + 1];
    const done = k < s.done;
    const elapsed = Math.floor((end - start) / 1000);
    const natural = lessonMinutes(w, lesson) * 60 * (0.8 + r.next() * 0.8);
    const spentSeconds = Math.max(0, Math.min(elapsed, Math.round(natural)));
    steps.push({ k, lesson, start, end, done, spentSeconds, percent: done ? 100 : r.int(5, 95), positionSeconds: done ? 0 : r.int(0, spentSeconds) });
    if (!t.isQuizLesson(lesson)) continue;
    // A quiz lesson is done when an attempt passes, the last one, whose submission completes the
    // lesson; the lesson under way has failed attempts only. Never more than max_attempts.
    const q = t.quizOfLesson(lesson);
    const qf = quiz(w, q);
    const cap = qf.maxAttempts ?? 3;
    const planned = done ? Math.min(cap, 1 + (r.bool(1 - p) ? 1 + (r.bool(0.3) ? 1 : 0) : 0)) : Math.min(cap - 1, r.int(0, 2));
    if (planned <= 0) continue;
    const slotLen = Math.floor((end - start) / planned / 1000) * 1000;
    const limit = qf.timeLimit === null ? 40 * MIN : qf.timeLimit * MIN - MIN;
    for (let n = 1; n <= planned; n++) {
      const pass = done && n === planned;
      const a = gradeAttempt(w, r, q, qf, p, pass);
      const duration = Math.min(slotLen, limit, (2 + r.int(0, 23)) * MIN);
      const submitted = pass ? end : start + (n - 1) * slotLen + duration;
      attempts.push({ slot: slot++, quiz: q, lessonStep: k, number: n, start: submitted - duration, submitted, ...a });
    }
  }
  return { s, steps, attempts };
}

/** Which questions of the quiz an attempt answers right, and the score that earns. */
function gradeAttempt(w: World, r: Rng, q: number, qf: QuizFact, p: number, pass: boolean): { score: number; passed: boolean; right: number } {
  const n = w.t.shape.questionsPerQuiz;
  const facts = questionTable(w).facts;
  let total = 0;
  let right = 0;
  for (let j = 0; j < n; j++) {
    total += facts[q * n + j].points;
    if (pass || r.bool(p)) right |= 1 << j;
  }
  const scoreOf = (mask: number) => {
    let got = 0;
    for (let j = 0; j < n; j++) if (mask & (1 << j)) got += facts[q * n + j].points;
    return Math.round((100 * got) / total);
  };
  let score = scoreOf(right);
  // A forced failure gets answers wrong, the most valuable question first, until it fails.
  while (!pass && score >= qf.passing) {
    let best = -1;
    for (let j = 0; j < n; j++) if (right & (1 << j) && (best < 0 || facts[q * n + j].points > facts[q * n + best].points)) best = j;
    right &= ~(1 << best);
    score = scoreOf(right);
  }
  return { score, passed: score >= qf.passing, right };
}

/**
 * The attempt's answers to every question of its quiz, keyed by question id, typed like the
 * options, as JSON text built directly (a row per attempt: JSON.stringify of a fresh object per row
 * cost more than the rest of the row). Keys and values never need escaping: ids and option keys.
 */
export function answersJson(w: World, e: number, a: AttemptStep): string {
  const n = w.t.shape.questionsPerQuiz;
  const { facts, ids } = questionTable(w);
  const r = rngOf(w, 'wrong_answers', e * ATTEMPT_SLOTS + a.slot);
  let out = '{';
  for (let j = 0; j < n; j++) {
    const f = facts[a.quiz * n + j];
    const v = a.right & (1 << j) ? rightAnswer(f) : wrongAnswer(f, r);
    out += `${j ? ',' : ''}"${ids[a.quiz * n + j]}":${typeof v === 'string' ? `"${v}"` : `[${v.map((x) => `"${x}"`).join(',')}]`}`;
  }
  return out + '}';
}

// ---------------------------------------------------------------------------------------------
// Reviews and course tallies
// ---------------------------------------------------------------------------------------------

const RATINGS_BY_OUTCOME: Readonly<Record<string, ReadonlyArray<readonly [number, number]>>> = {
  completed: [[1, 1], [2, 2], [3, 8], [4, 35], [5, 54]],
  in_progress: RATING_WEIGHTS,
  expired: RATING_WEIGHTS,
  dropped: [[1, 15], [2, 20], [3, 30], [4, 25], [5, 10]],
};

/** Only enrollments that got through at least one lesson are reviewed; about shape.course_reviews of them. */
function reviewThreshold(w: World): number {
  return w.once(buildReviewThreshold);
}
function buildReviewThreshold(w: World): number {
  let eligible = 0;
  const tab = scheduleTable(w);
  for (let e = 0; e < tab.status.length; e++) if (tab.status[e] !== 0 && tab.done[e] >= 1) eligible++;
  return eligible === 0 ? 0 : Math.min(1, w.t.shape.course_reviews / eligible);
}

export function reviewRating(w: World, e: number): number | null {
  const tab = scheduleTable(w);
  if (e >= tab.status.length || tab.status[e] === 0 || tab.done[e] < 1) return null;
  if (w.h('reviewed', e) / 4294967296 >= reviewThreshold(w)) return null;
  const status = STATUS_CODES[tab.status[e] - 1];
  return rngOf(w, 'course_review_rating', e).weighted(RATINGS_BY_OUTCOME[status]);
}

/** When the review was written: after the first completed lesson, while the student was around. */
export function reviewAt(w: World, s: Schedule, times: Float64Array = lessonTimes(w, s)): number {
  const first = times[1];
  const hi = Math.min(w.actHi(s.student), s.lastActivity + 14 * DAY);
  return hi - first > 2 * HOUR ? w.when(first + HOUR, hi, 'review_at', s.e) : first + Math.floor((hi - first) / 2 / 1000) * 1000;
}

export interface CourseTallies {
  enrollments: Int32Array;
  ratingSum: Int32Array;
  ratingCount: Int32Array;
  instructorSum: Int32Array;
  instructorCount: Int32Array;
}

/** Counters of courses and instructors, summed from the facts (one pass over the schedules). */
export function courseTallies(w: World): CourseTallies {
  return w.once(buildCourseTallies);
}
function buildCourseTallies(w: World): CourseTallies {
  {
    const t = w.t;
    const out: CourseTallies = {
      enrollments: new Int32Array(t.shape.courses),
      ratingSum: new Int32Array(t.shape.courses),
      ratingCount: new Int32Array(t.shape.courses),
      instructorSum: new Int32Array(t.shape.instructors),
      instructorCount: new Int32Array(t.shape.instructors),
    };
    for (let e = 0; e < t.shape.enrollments; e++) {
      if (!enrollmentExists(w, e)) continue;
      const c = t.enrollment(e).course;
      out.enrollments[c]++;
      const rating = reviewRating(w, e);
      if (rating === null) continue;
      out.ratingSum[c] += rating;
      out.ratingCount[c]++;
      const i = t.instructorOfCourse(c);
      out.instructorSum[i] += rating;
      out.instructorCount[i]++;
    }
    return out;
  }
}

/** round(sum / count, 2) as PostgreSQL's numeric round does it (half away from zero), in text. */
export function average2(sum: number, count: number): string {
  if (count === 0) return '0.00';
  const hundredths = Math.floor((200 * sum + count) / (2 * count));
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
}

