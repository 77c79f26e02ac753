import { DAY, MIN } from './core';
import { applicationsOfStudent } from './careers';
import { lessonTimes, reviewAt, reviewRating, schedule } from './learning';
import { roman, type World } from './world';

/**
 * Badges and who earns them. Each badge has a criterion, stored as JSON in badges.criteria
 * (`{"metric": "...", "atLeast": n}`), and is awarded when a student's own facts first meet it,
 * at that moment; nobody who meets it goes without it. The metrics are counted per student from
 * the facts (their enrollments, lessons, quiz attempts, reviews, applications and portfolios).
 */

export const METRICS = [
  { metric: 'enrollments', name: 'First Steps', what: 'Enrol in', unit: 'course', base: 1, courseBased: true },
  { metric: 'courses_completed', name: 'Course Finisher', what: 'Complete', unit: 'course', base: 1, courseBased: true },
  { metric: 'quizzes_passed', name: 'Quiz Master', what: 'Pass', unit: 'quiz', base: 3, courseBased: false },
  { metric: 'lessons_completed', name: 'Steady Learner', what: 'Complete', unit: 'lesson', base: 10, courseBased: false },
  { metric: 'reviews_written', name: 'Top Reviewer', what: 'Review', unit: 'course', base: 1, courseBased: true },
  { metric: 'applications_submitted', name: 'Job Hunter', what: 'Apply to', unit: 'job', base: 2, courseBased: false },
  { metric: 'portfolio_projects', name: 'Portfolio Pro', what: 'Publish', unit: 'portfolio project', base: 2, courseBased: false },
  { metric: 'interviews_completed', name: 'Interview Ace', what: 'Complete', unit: 'interview', base: 1, courseBased: false },
  { metric: 'fast_completions', name: 'Fast Learner', what: 'Complete', unit: 'course', base: 1, courseBased: true, suffix: ' within 21 days of enrolling' },
  { metric: 'hires', name: 'Hired', what: 'Get hired for', unit: 'job', base: 1, courseBased: false },
] as const;
export type Metric = (typeof METRICS)[number]['metric'];
export const FAST_DAYS = 21;

export interface BadgeFact {
  b: number;
  name: string;
  metric: Metric;
  atLeast: number;
  description: string;
  criteria: string;
  points: number;
  courseBased: boolean;
}

export function badge(b: number): BadgeFact {
  const m = METRICS[b % METRICS.length];
  const level = Math.floor(b / METRICS.length) + 1;
  const atLeast = m.base * level;
  const name = level === 1 ? m.name : `${m.name} ${roman(level)}`;
  const suffix = 'suffix' in m ? m.suffix : '';
  const description = `${m.what} ${atLeast} ${m.unit}${atLeast === 1 ? '' : 's'}${suffix}.`;
  return { b, name, metric: m.metric, atLeast, description, criteria: JSON.stringify({ metric: m.metric, atLeast }), points: 10 * level * (1 + (b % 5)), courseBased: m.courseBased };
}

export interface BadgeAward {
  b: number;
  at: number;
  course: number | null;
}

type Event = { at: number; course: number | null };

/** Each metric's events for one student, in time order. */
export function studentEvents(w: World, s: number): Record<Metric, Event[]> {
  const ev: Record<Metric, Event[]> = {
    enrollments: [],
    courses_completed: [],
    quizzes_passed: [],
    lessons_completed: [],
    reviews_written: [],
    applications_submitted: [],
    portfolio_projects: [],
    interviews_completed: [],
    fast_completions: [],
    hires: [],
  };
  const t = w.t;
  for (const e of t.enrollmentsOfStudent(s)) {
    const sc = schedule(w, e);
    if (!sc) continue;
    ev.enrollments.push({ at: sc.enrolledAt, course: sc.course });
    if (sc.completedAt !== null) {
      ev.courses_completed.push({ at: sc.completedAt, course: sc.course });
      if (sc.completedAt - sc.enrolledAt <= FAST_DAYS * DAY) ev.fast_completions.push({ at: sc.completedAt, course: sc.course });
    }
    if (!sc.done) continue;
    // A lesson is done at its end; a quiz lesson is done when its (last) attempt passes, at that end.
    const times = lessonTimes(w, sc);
    for (let k = 0; k < sc.done; k++) {
      const at = times[2 * k + 1];
      ev.lessons_completed.push({ at, course: sc.course });
      if (t.isQuizLesson(t.lessonOfCourse(sc.course, k))) ev.quizzes_passed.push({ at, course: sc.course });
    }
    if (reviewRating(w, e) !== null) ev.reviews_written.push({ at: reviewAt(w, sc, times), course: sc.course });
  }
  for (const app of applicationsOfStudent(w, s)) {
    ev.applications_submitted.push({ at: app.times[0], course: null });
    const iv = app.path.indexOf('interview_completed');
    if (iv >= 0) ev.interviews_completed.push({ at: app.times[iv], course: null });
    if (app.status === 'hired') ev.hires.push({ at: app.times[app.times.length - 1], course: null });
  }
  for (let p = s; p < t.shape.student_portfolios; p += t.actingStudents) ev.portfolio_projects.push({ at: portfolioCreated(w, p), course: null });
  for (const list of Object.values(ev)) list.sort((a, b) => a.at - b.at);
  return ev;
}

/** Every badge the student has earned, at the moment they earned it (a few minutes after the event). */
export function awards(w: World, s: number): BadgeAward[] {
  const ev = studentEvents(w, s);
  const out: BadgeAward[] = [];
  for (let b = 0; b < w.t.shape.badges; b++) {
    const bf = badge(b);
    const list = ev[bf.metric];
    if (list.length < bf.atLeast) continue;
    const e = list[bf.atLeast - 1];
    const at = Math.min(e.at + (1 + (w.h('badge_delay', s * 64 + b) % 20)) * MIN, w.asOf - MIN);
    out.push({ b, at: Math.max(at, e.at), course: bf.courseBased ? e.course : null });
  }
  return out;
}

/** When portfolio p was added: while its student was around. */
export function portfolioCreated(w: World, p: number): number {
  const s = w.t.studentOfPortfolio(p);
  const lo = w.actLo(s) + DAY;
  const hi = w.actHi(s) - MIN;
  return hi > lo ? w.when(lo, hi, 'portfolio_created', p) : w.actLo(s) + Math.floor((w.actHi(s) - w.actLo(s)) / 2 / MIN) * MIN;
}
