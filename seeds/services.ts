import { NOTIFICATION_TYPES } from '../src/stores/mongo/collections';
import { DAY, HOUR, MIN, Rng, hash32 } from './core';
import { covering } from './domain';
import { coprime } from './careers';
import { course, materialPrice, webinarPrice, type Price } from './learning';
import type { World } from './world';

/**
 * Service facts: webinars and registrations, mentor sessions, materials and downloads,
 * notifications (and what the delivery queue did with them).
 */

const rngOf = (w: World, scope: string, i: number) => Rng.at(w.seed, scope, i);

// ---------------------------------------------------------------------------------------------
// Webinars
// ---------------------------------------------------------------------------------------------

export type WebinarStatus = 'scheduled' | 'live' | 'completed' | 'cancelled';

export interface WebinarFact {
  x: number;
  host: number;
  status: WebinarStatus;
  created: number;
  start: number;
  end: number;
  cancelledAt: number | null;
  capacity: number | null;
  price: Price;
}

const WEBINAR_KINDS = [
  ['completed', 55],
  ['scheduled', 30],
  ['live', 7],
  ['cancelled', 8],
] as const;

export function webinarHost(w: World, x: number): number {
  const t = w.t;
  return x % 2 === 0 ? t.userOfInstructor((x >> 1) % t.actingInstructors) : t.userOfMentor(x % t.actingMentors);
}

const allWebinars = (w: World): WebinarFact[] => Array.from({ length: w.t.shape.webinars }, (_, i) => planWebinar(w, i));
export function webinar(w: World, x: number): WebinarFact {
  return w.once(allWebinars)[x];
}

function planWebinar(w: World, x: number): WebinarFact {
  const r = rngOf(w, 'webinar', x);
  const host = webinarHost(w, x);
  const status: WebinarStatus = covering(r, x, WEBINAR_KINDS);
  const early = w.born(host) + 30 * DAY;
  const A = w.asOf;
  let start: number;
  if (status === 'live') start = A - 20 * MIN;
  else if (status === 'scheduled' || (status === 'cancelled' && r.bool(0.5))) start = Math.floor(A / DAY) * DAY + (1 + r.int(0, 119)) * DAY + (14 + r.int(0, 5)) * HOUR;
  else start = Math.floor(w.when(early, A - 2 * DAY, 'webinar_day', x) / DAY) * DAY + (14 + r.int(0, 5)) * HOUR;
  const end = start + r.pick([45, 60, 90]) * MIN;
  // Announced two to eight weeks ahead, after the host joined and before as-of.
  const created = Math.max(w.born(host) + DAY, Math.min(start - (14 + r.int(0, 46)) * DAY, A - DAY - r.int(0, 6 * 24) * HOUR));
  const cancelledAt = status === 'cancelled' ? w.when(created + DAY, Math.min(start - HOUR, A - HOUR), 'webinar_cancelled', x) : null;
  return { x, host, status, created, start, end, cancelledAt, capacity: r.bool(0.7) ? r.pick([50, 100, 250, 500]) : null, price: webinarPrice(w, x) };
}

export interface RegistrationFact {
  /** Index for ids: webinar * REG_STRIDE + k. */
  i: number;
  user: number;
  status: 'registered' | 'attended' | 'cancelled' | 'no_show';
  registered: number;
  attended: number | null;
  cancelled: number | null;
}

export const REG_STRIDE = 1 << 20;

/**
 * A webinar's registrants: acting users in a per-webinar order, taken when they were around before
 * registration closed (30 minutes before the start, or the cancellation), up to the webinar's share
 * of shape.webinar_registrations and its capacity. Distinct users by construction.
 */
export function registrations(w: World, x: number): RegistrationFact[] {
  const t = w.t;
  const wf = webinar(w, x);
  const W = t.shape.webinars;
  const share = Math.floor(t.shape.webinar_registrations / W) + (x < t.shape.webinar_registrations % W ? 1 : 0);
  const want = Math.min(share, wf.capacity ?? Infinity);
  const U = t.actingUsers;
  const h = w.h('registrants', x);
  const step = coprime(U, h >>> 8);
  const closes = Math.min(wf.start - 30 * MIN, wf.cancelledAt ?? Infinity, w.asOf - HOUR);
  const out: RegistrationFact[] = [];
  for (let n = 0; n < U && n < 4 * want + 16 && out.length < want; n++) {
    const user = t.actingUser((h + n * step) % U);
    if (user === wf.host) continue;
    const lo = Math.max(w.actLo(user), wf.created + HOUR);
    const hi = Math.min(w.actHi(user), closes);
    if (hi - lo < HOUR) continue;
    const k = out.length;
    const i = x * REG_STRIDE + k;
    const r = rngOf(w, 'registration', i);
    const registered = w.when(lo, hi, 'registered_at', i);
    let status: RegistrationFact['status'];
    let attended: number | null = null;
    let cancelled: number | null = null;
    if (wf.status === 'cancelled') (status = 'cancelled'), (cancelled = wf.cancelledAt);
    else if (r.bool(0.1)) (status = 'cancelled'), (cancelled = w.when(registered + MIN, Math.min(wf.start - HOUR, w.asOf - HOUR), 'registration_cancelled', i));
    else if (wf.status === 'scheduled') status = 'registered';
    else {
      // Someone who was not around any more when it started could not attend.
      const joined = wf.start + r.int(0, 10) * MIN;
      const present = w.actHi(user) >= joined && joined <= w.asOf - MIN && r.bool(0.78);
      if (present) (status = 'attended'), (attended = joined);
      else status = wf.status === 'live' ? 'registered' : 'no_show';
    }
    if (cancelled !== null && cancelled <= registered) cancelled = registered + MIN;
    out.push({ i, user, status, registered, attended, cancelled });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Mentor sessions
// ---------------------------------------------------------------------------------------------

/**
 * Sessions sit on a grid of one-hour slots (8 a day, 09:00-17:00 UTC) from 120 days before as-of to
 * 30 days after; each slot holds K sessions with K distinct mentors and K distinct students, so
 * nobody is ever in two sessions at once. A rescheduled session is replaced by one for the same
 * mentor and student 7 days and 9 hours later (18:00-02:00, outside the grid, one per original slot),
 * so replacements cannot collide either. Future slots use only mentors who take bookings.
 */
const GRID_DAYS = 150;
const GRID_SLOTS = GRID_DAYS * 8;
export const REPLACEMENT = 2 ** 32;

export type SessionStatus = 'scheduled' | 'completed' | 'cancelled' | 'no_show' | 'rescheduled';

export interface SessionFact {
  /** Row index for ids: i, or REPLACEMENT + i for the replacement of session i. */
  row: number;
  i: number;
  mentor: number;
  student: number;
  start: number;
  booked: number;
  status: SessionStatus;
  cancelledAt: number | null;
  cancelReason: string | null;
  /** The price charged: the mentor's rate, or half of it for a no-show. */
  priceCents: number;
  replacement: SessionFact | null;
  replaces: number | null;
}

export const mentorRateCents = (w: World, m: number) => (40 + (w.h('mentor_rate', m) % 160)) * 100;

function gridSize(w: World): { K: number; slots: number } {
  const n = w.t.shape.mentor_sessions;
  const K = Math.max(1, Math.ceil(n / GRID_SLOTS));
  return { K, slots: Math.ceil(n / K) };
}

const PAST = [
  ['completed', 74],
  ['cancelled', 9],
  ['no_show', 7],
  ['rescheduled', 10],
] as const;

export function mentorSession(w: World, i: number): SessionFact | null {
  const t = w.t;
  const { K, slots } = gridSize(w);
  const slot = Math.floor(i / K);
  const j = i % K;
  const g = Math.floor((slot * GRID_SLOTS) / slots);
  const start = w.asOf - 120 * DAY + Math.floor(g / 8) * DAY + (9 + (g % 8)) * HOUR;
  const future = start > w.asOf;
  const pool = future ? t.availableMentors : t.actingMentors;
  const mentor = (slot * K + j) % pool;
  const mu = t.userOfMentor(mentor);
  const base = w.h('session_students', slot);
  for (let attempt = 0; attempt < 8; attempt++) {
    // Students of one slot differ: j + K*attempt never repeats within the slot (K*8 < students).
    const student = (base + j + K * attempt) % t.actingStudents;
    const lo = Math.max(w.actLo(student), w.born(mu) + DAY);
    const hi = Math.min(w.actHi(student), w.asOf - HOUR, start - HOUR);
    if (hi - lo < HOUR) continue;
    const booked = Math.max(lo, Math.min(hi - MIN, start - (1 + (w.h('booked_before', i) % 14)) * DAY));
    return sessionAt(w, i, i, mentor, student, start, booked, future, true);
  }
  return null;
}

function sessionAt(w: World, row: number, i: number, mentor: number, student: number, start: number, booked: number, future: boolean, original: boolean): SessionFact {
  const r = rngOf(w, 'session_status', row);
  const rate = mentorRateCents(w, mentor);
  const base = { row, i, mentor, student, start, booked, cancelledAt: null, cancelReason: null, priceCents: rate, replacement: null, replaces: original ? null : i };
  const stopped = w.stoppedAt(student);
  if (future) {
    // An account suspended or closed before its session cancels it.
    if (!Number.isNaN(stopped)) return { ...base, status: 'cancelled', cancelledAt: Math.max(stopped, booked), cancelReason: w.status(student) === 'suspended' ? 'Account suspended' : 'Account closed' };
    return { ...base, status: 'scheduled' };
  }
  if (w.actHi(student) < start + HOUR) return { ...base, status: 'no_show', priceCents: rate / 2 };
  let status: SessionStatus = covering(r, row, PAST);
  if (status === 'rescheduled' && !original) status = 'completed';
  if (status === 'cancelled') {
    const at = w.when(booked + MIN, start - HOUR, 'session_cancelled', row);
    return { ...base, status, cancelledAt: at, cancelReason: r.pick(['Schedule conflict', 'Feeling unwell', 'Found the answer already']) };
  }
  if (status === 'no_show') return { ...base, status, priceCents: rate / 2 };
  if (status === 'rescheduled') {
    const movedAt = w.when(booked + MIN, start - HOUR, 'session_moved', row);
    const next = start + 7 * DAY + 9 * HOUR;
    const nextFuture = next > w.asOf;
    // A mentor who takes no new bookings cannot be moved into the future: the session is cancelled.
    if (nextFuture && mentor >= w.t.availableMentors) return { ...base, status: 'cancelled', cancelledAt: movedAt, cancelReason: 'Mentor unavailable' };
    const replacement = sessionAt(w, REPLACEMENT + i, i, mentor, student, next, movedAt, nextFuture, false);
    return { ...base, status, replacement };
  }
  return { ...base, status };
}

export interface MentorTallies {
  sum: Int32Array;
  count: Int32Array;
}

export function mentorReviewRating(w: World, s: SessionFact): number | null {
  if (s.status !== 'completed' || w.h('mentor_review', s.row) % 5 === 0) return null;
  const r = rngOf(w, 'mentor_review', s.row);
  return r.weighted([[1, 3], [2, 5], [3, 12], [4, 35], [5, 45]]);
}

/** Every session row (originals, then each one's replacement right after it). */
export function* sessionRows(w: World): Generator<SessionFact> {
  for (let i = 0; i < w.t.shape.mentor_sessions; i++) {
    const s = mentorSession(w, i);
    if (!s) continue;
    yield s;
    if (s.replacement) yield s.replacement;
  }
}

export function mentorTallies(w: World): MentorTallies {
  return w.once(buildMentorTallies);
}
function buildMentorTallies(w: World): MentorTallies {
  const out = { sum: new Int32Array(w.t.shape.mentors), count: new Int32Array(w.t.shape.mentors) };
  for (const s of sessionRows(w)) {
    const rating = mentorReviewRating(w, s);
    if (rating === null) continue;
    out.sum[s.mentor] += rating;
    out.count[s.mentor]++;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Materials and downloads
// ---------------------------------------------------------------------------------------------

export interface MaterialFact {
  m: number;
  course: number;
  created: number;
  published: boolean;
  price: Price;
}

/** Materials belong to published courses and appear after them; one in ten is still a draft. */
const allMaterials = (w: World): MaterialFact[] => Array.from({ length: w.t.shape.materials }, (_, i) => planMaterial(w, i));
export function material(w: World, m: number): MaterialFact {
  return w.once(allMaterials)[m];
}

function planMaterial(w: World, m: number): MaterialFact {
  const c = m % w.t.enrollable;
  const cf = course(w, c);
  const created = w.when(cf.published!, Math.min(cf.published! + 60 * DAY, w.asOf - 2 * DAY), 'material_created', m);
  return { m, course: c, created, published: m === 0 || w.h('material_published', m) % 10 !== 0, price: materialPrice(w, m) };
}

function downloadable(w: World): Int32Array {
  return w.once(buildDownloadable);
}
function buildDownloadable(w: World): Int32Array {
  const out: number[] = [];
  for (let m = 0; m < w.t.shape.materials; m++) if (material(w, m).published) out.push(m);
  return Int32Array.from(out);
}

export interface DownloadFact {
  i: number;
  material: number;
  user: number;
  at: number;
}

/** Download i: a published material, by an acting user who was around after it appeared. */
export function download(w: World, i: number): DownloadFact | null {
  const list = downloadable(w);
  if (!list.length) return null;
  const m = list[i % list.length];
  const mf = material(w, m);
  for (let attempt = 0; attempt < 8; attempt++) {
    const user = w.t.actingUser(hash32(w.seed, 'download_user', i * 8 + attempt) % w.t.actingUsers);
    const lo = Math.max(w.actLo(user), mf.created + HOUR);
    const hi = w.actHi(user) - MIN;
    if (hi - lo < HOUR) continue;
    return { i, material: m, user, at: w.when(lo, hi, 'download_at', i) };
  }
  return null;
}

export function downloadCounts(w: World): Int32Array {
  return w.once(buildDownloadCounts);
}
function buildDownloadCounts(w: World): Int32Array {
  const out = new Int32Array(w.t.shape.materials);
  for (let i = 0; i < w.t.shape.material_downloads; i++) {
    const d = download(w, i);
    if (d) out[d.material]++;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Notifications
// ---------------------------------------------------------------------------------------------

type NotificationType = (typeof NOTIFICATION_TYPES)[number];

const TYPES_BY_KIND: Readonly<Record<string, readonly NotificationType[]>> = {
  student: ['course_update', 'job_match', 'application_update', 'webinar_reminder', 'payment_confirmation', 'mentor_session', 'referral_update', 'system_announcement'],
  company: ['application_update', 'payment_confirmation', 'system_announcement'],
  admin: ['application_update', 'system_announcement'],
  instructor: ['course_update', 'payment_confirmation', 'webinar_reminder', 'system_announcement'],
  mentor: ['mentor_session', 'payment_confirmation', 'webinar_reminder', 'system_announcement'],
};

export interface Preference {
  email: boolean;
  inApp: boolean;
  push: boolean;
}

/** The user's preference row for a type (k-th of their rows), or null (defaults apply). */
export function preferenceSlot(w: World, u: number, type: string): number | null {
  const per = w.t.shape.preferencesPerUser;
  const k = (NOTIFICATION_TYPES.indexOf(type as NotificationType) - (w.h('pref', u) % NOTIFICATION_TYPES.length) + NOTIFICATION_TYPES.length) % NOTIFICATION_TYPES.length;
  return k < per ? u * per + k : null;
}
export function preferenceType(w: World, p: number): NotificationType {
  const per = w.t.shape.preferencesPerUser;
  const u = Math.floor(p / per);
  return NOTIFICATION_TYPES[((p % per) + w.h('pref', u)) % NOTIFICATION_TYPES.length];
}
export function preferenceRow(w: World, p: number): Preference {
  const r = rngOf(w, 'notification_preferences', p);
  return { email: r.bool(0.8), inApp: r.bool(0.95), push: r.bool(0.3) };
}
export const DEFAULT_PREFERENCE: Preference = { email: true, inApp: true, push: false };

export function preference(w: World, u: number, type: string): Preference {
  const p = preferenceSlot(w, u, type);
  return p === null ? DEFAULT_PREFERENCE : preferenceRow(w, p);
}

export interface NotificationFact {
  n: number;
  user: number;
  type: NotificationType;
  at: number;
  /** When it is to go out: `at`, or for a reminder scheduled later, a time after as-of. */
  scheduledFor: number;
  /** null while still in the queue (the last minutes before as-of, or scheduled for later). */
  sentAt: number | null;
  readAt: number | null;
}

/**
 * Notification n of user n / perUser. A user's latest notification is often recent (the queue holds
 * the last days); a pending user only gets e-mail verification reminders. Read in the app, while the
 * user was around, if in-app delivery is on.
 */
export function notification(w: World, n: number): NotificationFact {
  const per = w.t.shape.notificationsPerUser;
  const user = Math.floor(n / per);
  const k = n % per;
  const A = w.asOf;
  if (w.status(user) === 'pending_verification') {
    const at = Math.min(w.born(user) + MIN + k * 3 * DAY, A - 2 * MIN);
    return { n, user, type: 'system_announcement', at, scheduledFor: at, sentAt: at + 5000, readAt: null };
  }
  const types = TYPES_BY_KIND[w.kind(user)];
  const type = types[w.h('notification_type', n) % types.length];
  const lo = w.born(user) + HOUR;
  const recent = k === per - 1 && w.h('notification_recent', user) % 10 < 6;
  const at = w.when(recent ? Math.max(lo, A - 5 * DAY) : lo, A - MIN, 'notification_at', n) + (w.h('notification_sec', n) % 60) * 1000;
  // Some users' latest notification is a reminder the platform sends later: still queued at as-of.
  const scheduledFor = recent && w.h('notification_scheduled', user) % 8 === 0 ? A + (1 + (w.h('notification_scheduled_for', n) % 47)) * HOUR : at;
  const sentAt = scheduledFor > A || at > A - 3 * MIN ? null : at + (1 + (w.h('notification_sent', n) % 20)) * 1000;
  let readAt: number | null = null;
  if (sentAt !== null && preference(w, user, type).inApp && w.h('notification_read', n) % 10 < 7) {
    const hi = w.actHi(user);
    if (hi - sentAt > 2 * MIN) readAt = w.when(sentAt + MIN, hi, 'notification_read_at', n);
  }
  return { n, user, type, at, scheduledFor, sentAt, readAt };
}
