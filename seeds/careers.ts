import { DAY, HOUR, MIN, Rng, hash32 } from './core';
import { APPLICATION_TRANSITIONS, applicationPath, covering, type ApplicationStatus } from './domain';
import { T, coprimesOf } from './topology';
import { lastOne, type World } from './world';

/**
 * Career facts: jobs, applications and their status history, interviews, candidate billing,
 * placements, referrals and match recommendations. An application is a walk through the state
 * machine of domain.ts whose every step happens after the previous one, by an actor who exists and
 * is around at the time, before as-of; a job is filled when its hires reach its openings, and from
 * then on takes no applications and closes the ones still open.
 */

const rngOf = (w: World, scope: string, i: number) => Rng.at(w.seed, scope, i);

// ---------------------------------------------------------------------------------------------
// Jobs
// ---------------------------------------------------------------------------------------------

export type JobStatus = 'draft' | 'active' | 'paused' | 'closed' | 'filled';

export interface JobFact {
  j: number;
  company: number;
  cu: number;
  created: number;
  published: number | null;
  closes: number | null;
  pausedAt: number | null;
  openings: number;
  /** Time the job took its last hire (the openings-th), or null. */
  filledAt: number | null;
  status: JobStatus;
  /** Last status change (jobs.updated_at). */
  changed: number;
}

const OPENINGS = [
  [1, 70],
  [2, 15],
  [3, 8],
  [4, 4],
  [5, 3],
] as const;

type JobPlan = Omit<JobFact, 'filledAt' | 'status' | 'changed'>;

/** Every job's plan, computed once (a few numbers per job): applications look jobs up constantly. */
const allJobPlans = (w: World): JobPlan[] => Array.from({ length: w.t.shape.jobs }, (_, j) => planJob(w, j));
function jobPlans(w: World): JobPlan[] {
  return w.once(allJobPlans);
}
function jobPlan(w: World, j: number): JobPlan {
  return jobPlans(w)[j];
}

/** A job before hires are counted (the application pre-pass needs it). */
function planJob(w: World, j: number): JobPlan {
  const t = w.t;
  const company = t.companyOfJob(j);
  const cu = t.userOfCompany(company);
  const r = rngOf(w, 'job_plan', j);
  const created = w.when(w.born(cu) + DAY, w.asOf - 3 * DAY, 'job_created', j);
  const draft = j > 0 && r.bool(0.08);
  const openings = j === 0 ? 1 : r.weighted(OPENINGS);
  if (draft) return { j, company, cu, created, published: null, closes: null, pausedAt: null, openings };
  const published = Math.min(created + (1 + r.int(0, 5 * 24)) * HOUR, w.asOf - HOUR);
  const closes = published + (21 + r.int(0, 69)) * DAY;
  const pausedAt = closes > w.asOf && r.bool(0.08) ? w.when(published + DAY, w.asOf - HOUR, 'job_paused', j) : null;
  return { j, company, cu, created, published, closes, pausedAt, openings };
}

const allJobs = (w: World): JobFact[] => Array.from({ length: w.t.shape.jobs }, (_, i) => settleJob(w, i));
export function job(w: World, j: number): JobFact {
  return w.once(allJobs)[j];
}

function settleJob(w: World, j: number): JobFact {
  const p = jobPlan(w, j);
  const filledAt = jobFills(w).get(j) ?? null;
  let status: JobStatus;
  let changed: number;
  if (p.published === null) (status = 'draft'), (changed = p.created);
  else if (filledAt !== null) (status = 'filled'), (changed = filledAt);
  else if (p.closes! <= w.asOf) (status = 'closed'), (changed = p.closes!);
  else if (p.pausedAt !== null) (status = 'paused'), (changed = p.pausedAt);
  else (status = 'active'), (changed = p.published);
  return { ...p, filledAt, status, changed };
}

/** The window in which the job takes applications (before hires are counted), or null. */
function applyWindow(p: JobPlan, asOf: number): [number, number] | null {
  if (p.published === null) return null;
  return [p.published + HOUR, Math.min(p.closes!, p.pausedAt ?? Infinity, asOf - 2 * HOUR)];
}

// ---------------------------------------------------------------------------------------------
// Applications
// ---------------------------------------------------------------------------------------------

export interface AppFact {
  a: number;
  student: number;
  job: number;
  path: ApplicationStatus[];
  times: number[];
  actors: number[];
  status: ApplicationStatus;
  /** The interview of the path, if it reached interview_scheduled. */
  interview: { start: number; end: number; step: number } | null;
}

/**
 * The jobs a student applied to, in order (slot a = s + k*S holds the k-th): candidates are walked
 * in a per-student order (mostly the student's own track) and taken when they were open while the
 * student was around. Distinct by construction.
 */
function jobsOfStudent(w: World, s: number): Array<{ job: number; applied: number }> {
  const t = w.t;
  const S = t.actingStudents;
  const J = t.shape.jobs;
  const n = Math.floor((t.shape.applications - 1 - s) / S) + 1;
  const out: Array<{ job: number; applied: number }> = [];
  if (n <= 0) return out;
  const lo = w.actLo(s);
  const hi = w.actHi(s) - 2 * HOUR;
  const h = w.h('job_candidates', s);
  const step = coprime(J, h >>> 12);
  for (let x = 0; x < J && x < 12 * n + 24 && out.length < n; x++) {
    const j = (h + x * step) % J;
    if (j % T !== s % T && hash32(w.seed, 'cross_track', s * 131 + x) % 10 >= 3) continue;
    const win = applyWindow(jobPlan(w, j), w.asOf);
    if (!win) continue;
    const from = Math.max(win[0], lo);
    const to = Math.min(win[1], hi);
    if (to - from < HOUR) continue;
    out.push({ job: j, applied: from + Math.floor(((to - from) * (w.h('applied_at', s * 64 + out.length) / 4294967296) ** 1.5) / MIN) * MIN });
  }
  return out;
}

/** Per application slot: its job (-1 for an empty slot) and when it was made; one pass over students. */
function applicationSlots(w: World): { job: Int32Array; applied: Float64Array } {
  return w.once(buildApplicationSlots);
}
function buildApplicationSlots(w: World): { job: Int32Array; applied: Float64Array } {
  {
    const t = w.t;
    const job = new Int32Array(t.shape.applications).fill(-1);
    const applied = new Float64Array(t.shape.applications);
    for (let s = 0; s < Math.min(t.actingStudents, t.shape.applications); s++) {
      jobsOfStudent(w, s).forEach((x, k) => {
        const a = s + k * t.actingStudents;
        job[a] = x.job;
        applied[a] = x.applied;
      });
    }
    return { job, applied };
  }
}

/** Who moves an application into `to`: the student, an admin, or the company. */
export function actorOf(w: World, student: number, jobIndex: number, to: ApplicationStatus): number {
  const t = w.t;
  if (to === 'pending_admin_review' || to === 'withdrawn' || to === 'offer_accepted' || to === 'offer_rejected') return t.userOfStudent(student);
  if (to === 'admin_shortlisted' || to === 'rejected_by_admin' || to === 'forwarded_to_company') return t.userOfAdmin(jobIndex % t.shape.admins);
  return t.userOfCompany(t.companyOfJob(jobIndex));
}

function stepGap(r: Rng, to: ApplicationStatus): number {
  switch (to) {
    case 'admin_shortlisted':
    case 'rejected_by_admin':
    case 'forwarded_to_company':
      return (2 + r.int(0, 70)) * HOUR;
    case 'hired':
      return (3 + r.int(0, 17)) * DAY;
    default:
      return (1 + r.int(0, 6)) * DAY + r.int(0, 600) * MIN;
  }
}

/** The natural walk of an application (before its job's fill is known), or null for an empty slot. */
function appPlan(w: World, a: number): AppFact | null {
  const t = w.t;
  const S = t.actingStudents;
  const student = a % S;
  const slots = applicationSlots(w);
  if (slots.job[a] < 0) return null;
  const pick = { job: slots.job[a], applied: slots.applied[a] };
  const r = rngOf(w, 'application_path', a);
  const full = applicationPath(r, a);
  const path: ApplicationStatus[] = [full[0]];
  const times = [pick.applied];
  const actors = [t.userOfStudent(student)];
  let interview: AppFact['interview'] = null;
  for (let i = 1; i < full.length; i++) {
    const to = full[i];
    let at = times[i - 1] + stepGap(r, to);
    if (path[i - 1] === 'interview_scheduled') {
      const iv = interview!;
      // After an interview is booked, either it took place (completed after its end) or the
      // application left before it started (the slot is cancelled).
      at = to === 'interview_completed' ? iv.end + HOUR + r.int(0, 48) * HOUR : times[i - 1] + MIN + Math.floor(((iv.start - HOUR - times[i - 1]) * r.next()) / MIN) * MIN;
    }
    const actor = actorOf(w, student, pick.job, to);
    // Nothing happens after as-of, nor after the actor was last seen: the walk stops there.
    if (at >= w.asOf - HOUR || at > w.actHi(actor)) break;
    path.push(to);
    times.push(at);
    actors.push(actor);
    if (to === 'interview_scheduled') {
      const start = Math.floor(at / DAY) * DAY + (2 + r.int(0, 8)) * DAY + (8 + r.int(0, 9)) * HOUR;
      interview = { start, end: start + 45 * MIN, step: i };
    }
  }
  // A booked interview whose time has come but whose outcome is not recorded yet is moved to after as-of.
  if (path[path.length - 1] === 'interview_scheduled' && interview!.start <= w.asOf) {
    const start = w.asOf + (1 + r.int(0, 6)) * DAY + (8 + r.int(0, 9)) * HOUR;
    interview = { ...interview!, start, end: start + 45 * MIN };
  }
  return { a, student, job: pick.job, path, times, actors, status: path[path.length - 1], interview };
}

/**
 * Per job, the time of its openings-th hire (the job is filled then): one pass over the natural
 * walks. Later hires of the same job cannot happen; appFact cuts them.
 */
function jobFills(w: World): Map<number, number> {
  return w.once(buildJobFills);
}
function buildJobFills(w: World): Map<number, number> {
  {
    const hires = new Map<number, number[]>();
    for (let a = 0; a < w.t.shape.applications; a++) {
      const p = appPlan(w, a);
      if (!p || p.status !== 'hired') continue;
      const list = hires.get(p.job) ?? [];
      list.push(p.times[p.times.length - 1]);
      hires.set(p.job, list);
    }
    const fills = new Map<number, number>();
    for (const [j, times] of hires) {
      const openings = jobPlan(w, j).openings;
      if (times.length < openings) continue;
      times.sort((x, y) => x - y);
      fills.set(j, times[openings - 1]);
    }
    return fills;
  }
}

/**
 * The application as it stands: its natural walk, cut at the job's fill. An application made after
 * the fill never existed; one still open then is closed by the company (or the admin) shortly after.
 */
export const application = lastOne(settleApplication);

function settleApplication(w: World, a: number): AppFact | null {
  const p = appPlan(w, a);
  if (!p) return null;
  const filled = jobFills(w).get(p.job);
  if (filled === undefined) return p;
  if (p.times[0] > filled) return null;
  let n = p.times.length;
  while (n > 1 && p.times[n - 1] > filled) n--;
  const path = p.path.slice(0, n);
  const times = p.times.slice(0, n);
  const actors = p.actors.slice(0, n);
  const cur = path[n - 1];
  const exits = APPLICATION_TRANSITIONS[cur];
  const close: ApplicationStatus | undefined = exits.includes('rejected_by_company') ? 'rejected_by_company' : exits.includes('rejected_by_admin') ? 'rejected_by_admin' : undefined;
  let interview = p.interview && p.interview.step < n ? p.interview : null;
  if (close) {
    const actor = actorOf(w, p.student, p.job, close);
    const at = Math.max(filled, times[n - 1]) + (1 + (w.h('closed_after_fill', a) % 47)) * HOUR;
    if (at < w.asOf - HOUR && at <= w.actHi(actor)) {
      // Closing an application with a booked interview cancels the interview: close before it.
      const when = interview && cur === 'interview_scheduled' ? Math.min(at, interview.start - HOUR) : at;
      if (when > times[n - 1]) {
        path.push(close);
        times.push(when);
        actors.push(actor);
      }
    }
  }
  if (interview && path[path.length - 1] === 'interview_scheduled' && interview.start <= w.asOf) {
    const start = w.asOf + DAY + 10 * HOUR;
    interview = { ...interview, start, end: start + 45 * MIN };
  }
  return { ...p, path, times, actors, status: path[path.length - 1], interview };
}

/** The applications of one student (existing ones), in slot order. */
export function applicationsOfStudent(w: World, s: number): AppFact[] {
  const out: AppFact[] = [];
  for (let a = s; a < w.t.shape.applications; a += w.t.actingStudents) {
    const app = application(w, a);
    if (app) out.push(app);
  }
  return out;
}

export interface BillFact {
  status: 'pending' | 'completed' | 'failed' | 'cancelled';
  billed: number;
  paidAt: number | null;
  settledAt: number;
}

const BILL_OUTCOMES = [
  ['completed', 70],
  ['pending', 20],
  ['failed', 7],
  ['cancelled', 3],
] as const;

/** Companies pay per forwarded candidate: one bill per forwarded application, billed when forwarded. */
export function bill(w: World, app: AppFact): BillFact | null {
  const k = app.path.indexOf('forwarded_to_company');
  if (k < 0) return null;
  const r = rngOf(w, 'bill', app.a);
  const billed = app.times[k];
  const outcome = covering(r, app.a, BILL_OUTCOMES);
  const settle = billed + (1 + r.int(0, 24)) * DAY;
  if (settle >= w.asOf - HOUR || outcome === 'pending') return { status: 'pending', billed, paidAt: null, settledAt: billed };
  if (outcome === 'completed') return { status: 'completed', billed, paidAt: settle, settledAt: settle };
  return { status: outcome, billed, paidAt: null, settledAt: settle };
}

// ---------------------------------------------------------------------------------------------
// Placements and referrals
// ---------------------------------------------------------------------------------------------

export interface PlacementFact {
  i: number;
  student: number;
  pkg: number;
  start: number;
  ends: number;
  status: 'active' | 'completed' | 'expired' | 'cancelled';
  cancelledAt: number | null;
  placedJob: number | null;
  placedAt: number | null;
}

export const packageDays = (p: number) => 30 + 30 * (p % 6);
export const packagePriceCents = (p: number) => (300 + 200 * (p % 5)) * 100;

/**
 * A placement bought by an acting student; it completes when the student is hired (through one of
 * their own applications) while it runs, expires when it runs out, or was cancelled (and refunded).
 */
export function placement(w: World, i: number): PlacementFact | null {
  const t = w.t;
  const pkg = i % t.shape.placement_packages;
  for (let attempt = 0; attempt < 8; attempt++) {
    const student = hash32(w.seed, 'placement_student', i * 8 + attempt) % t.actingStudents;
    const lo = w.actLo(student) + DAY;
    const hi = w.actHi(student) - DAY;
    if (hi - lo < DAY) continue;
    const r = rngOf(w, 'placement', i);
    const start = w.when(lo, hi, 'placement_start', i);
    const ends = start + packageDays(pkg) * DAY;
    if (i > 0 && r.bool(0.1)) {
      const cancelledAt = w.when(start + HOUR, Math.min(start + 14 * DAY, w.asOf - HOUR), 'placement_cancelled', i);
      return { i, student, pkg, start, ends, status: 'cancelled', cancelledAt, placedJob: null, placedAt: null };
    }
    for (const app of applicationsOfStudent(w, student)) {
      if (app.status !== 'hired') continue;
      const at = app.times[app.times.length - 1];
      if (at >= start && at <= ends) return { i, student, pkg, start, ends, status: 'completed', cancelledAt: null, placedJob: app.job, placedAt: at };
    }
    return { i, student, pkg, start, ends, status: ends <= w.asOf ? 'expired' : 'active', cancelledAt: null, placedJob: null, placedAt: null };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Match recommendations
// ---------------------------------------------------------------------------------------------

/** Published jobs in index order (recommendations are made for them): a bounded list. */
export function publishedJobs(w: World): Int32Array {
  return w.once(buildPublishedJobs);
}
function buildPublishedJobs(w: World): Int32Array {
  const out: number[] = [];
  for (let j = 0; j < w.t.shape.jobs; j++) if (jobPlan(w, j).published !== null) out.push(j);
  return Int32Array.from(out);
}

export function jobSkills(w: World, j: number): number[] {
  return Array.from({ length: w.t.shape.skillsPerJob }, (_, k) => w.t.jobSkill(j, k));
}
export function studentSkills(w: World, s: number): number[] {
  return Array.from({ length: w.t.shape.skillsPerStudent }, (_, k) => w.t.studentSkill(s, k));
}

/**
 * Recommendation i: for the job i / K (K recommendations per published job), the (i % K)-th acting
 * student of the job's track who shares at least one skill with it, walked in a per-job order (so
 * they are distinct), with the shared skills. Consecutive recommendations share their job.
 */
export function recommendation(w: World, i: number): { job: number; student: number; shared: number[] } | null {
  const jobs = publishedJobs(w);
  if (!jobs.length) return null;
  const K = Math.ceil(w.t.shape.admin_match_recommendations / jobs.length);
  const n = Math.floor(i / K);
  if (n >= jobs.length) return null;
  const job = jobs[n];
  const k = i % K;
  if (!lastMatches || lastMatches.w !== w || lastMatches.job !== job) lastMatches = { w, job, found: [], next: 0 };
  const m = lastMatches;
  const t = w.t;
  const track = job % T;
  const inTrack = Math.floor((t.actingStudents - 1 - track) / T) + 1;
  const js = new Set(jobSkills(w, job));
  const h = w.h('recommend', job);
  const step = coprime(inTrack, h >>> 10);
  while (m.found.length <= k && m.next < inTrack && m.next < 40 * K) {
    const student = track + T * ((h + m.next++ * step) % inTrack);
    const shared = studentSkills(w, student).filter((s) => js.has(s));
    if (shared.length) m.found.push({ student, shared });
  }
  const hit = m.found[k];
  return hit ? { job, ...hit } : null;
}
let lastMatches: { w: World; job: number; found: Array<{ student: number; shared: number[] }>; next: number } | undefined;

/** A step in [1, n) coprime with n (so x*step mod n visits every residue), chosen by h. */
export function coprime(n: number, h: number): number {
  const list = coprimesOf(n);
  return list[h % list.length];
}
