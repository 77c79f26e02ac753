import { ObjectId, UUID, type Document } from 'mongodb';
import { dimensionsKey } from '../src/stores/mongo/collections';
import { DAY, HOUR, MIN, Rng, hash32, scoped, uuidFor } from './core';
import { assetFor, hasResume } from './assets';
import { application, job as jobFact } from './careers';
import { courseTitle, lessonTitle, resumeUploadedAt, studentProfile } from './catalog';
import { course as courseFact, lessonMinutes, schedule, walk, type Walk } from './learning';
import { paymentFacts } from './payments';
import { notification, preference } from './services';
import { studentProficiency, iso, type GenContext } from './postgres';
import * as text from './text';
import { TRACKS } from './topology';
import { TTL_MARGIN, skillName, type World } from './world';

/**
 * Documents for the 10 MongoDB collections, rendered from the same facts as the PostgreSQL rows, so
 * every id names a row that exists and every number agrees with the rows it is computed from.
 * The TTL collections hold what a live system would still hold at as-of: each document is inside
 * its window (with a margin of TTL_MARGIN, so a store seeded with today's as-of keeps them).
 *
 * Two document shapes exist: the first schema release's, and the second's (a per-document
 * `expireAt` in the TTL collections, LRS-shaped xAPI statements with `_id` = the statement id as a
 * BSON UUID, event_log `_id` = the event id as a BSON UUID). Generated without a store (tests, dry
 * runs, benches) the documents take the current definitions' shapes (RELEASE2_SHAPES); a seed takes
 * the target's (`liveShapes`), so a database the first release migrated is seeded as that release
 * seeded it, and a plain migrate upgrades it (tests/integration/mongo-release2.test.ts).
 */

export interface CollectionSpec {
  name: string;
  /** Documents the generator yields, when known without generating them (progress display). */
  count(c: GenContext): number;
  docs(c: GenContext): Iterable<Document>;
}

export interface MongoShapes {
  /** `{ _id: UUID, statement: {...}, userId, ... }` instead of the statement's fields at the top level. */
  xapiLrs: boolean;
  /** event_log `_id` is the event id as a BSON UUID (and there is no eventId field). */
  eventUuid: boolean;
  /** Collections whose documents carry a per-document `expireAt`. */
  expireAt: ReadonlySet<string>;
}

const TTL_COLLECTIONS = ['user_sessions', 'search_logs', 'notification_queue', 'event_log'] as const;

/** The second release's shapes everywhere: what the current collection definitions describe. */
export const RELEASE2_SHAPES: MongoShapes = { xapiLrs: true, eventUuid: true, expireAt: new Set(TTL_COLLECTIONS) };

/**
 * The shapes a live database's collections take, told by the fields their indexes cover (FerretDB
 * keeps indexes, not validators): the second release indexes `statement.*` of xAPI statements and
 * the TTL field `expireAt`, and drops event_log's index on `eventId` (its _id is the id).
 */
export function liveShapes(indexedFields: (collection: string) => ReadonlySet<string>): MongoShapes {
  return {
    xapiLrs: [...indexedFields('xapi_statements')].some((f) => f.startsWith('statement.')),
    eventUuid: !indexedFields('event_log').has('eventId'),
    expireAt: new Set(TTL_COLLECTIONS.filter((n) => indexedFields(n).has('expireAt'))),
  };
}

const oid = (w: World, coll: string, i: number) => new ObjectId(uuidFor(w.seed, scoped('mongo', coll), i).replace(/-/g, '').slice(0, 24));
const rngOf = (w: World, coll: string, i: number) => Rng.at(w.seed, scoped('mongo', coll), i);
const at = (ms: number) => new Date(ms);
const pg = (w: World, table: string, i: number) => w.id(table, i);

/** TTL windows (seconds are the validators'; the generator keeps a margin inside them). */
export const TTL = { user_sessions: 90 * DAY, search_logs: 180 * DAY, notification_queue: 7 * DAY, event_log: 30 * DAY } as const;
const windowStart = (w: World, coll: keyof typeof TTL) => w.asOf - TTL[coll] + TTL_MARGIN;

const DEVICES = ['desktop', 'mobile', 'tablet'] as const;
/** A person's device: the same one across their sessions and activity. */
function deviceOf(w: World, u: number): Document {
  const h = w.h('device', u);
  const type = DEVICES[h % 3];
  return { type, os: type === 'desktop' ? ['Windows', 'macOS', 'Linux'][(h >>> 2) % 3] : ['iOS', 'Android'][(h >>> 2) % 2], browser: ['Chrome', 'Firefox', 'Safari', 'Edge'][(h >>> 4) % 4] };
}

// ---------------------------------------------------------------------------------------------
// Learning activity (learning_progress, xapi_statements): one document per event of a walk
// ---------------------------------------------------------------------------------------------

interface LearningEvent {
  type: 'lesson_start' | 'lesson_complete' | 'page_view' | 'scroll' | 'quiz_start' | 'quiz_submit' | 'flashcard_review' | 'download';
  step: number;
  at: number;
  attempt?: number;
}

/** The events of a walk, in time order: starts and completions of lessons, views, quiz attempts. */
function eventsOf(w: World, wk: Walk): LearningEvent[] {
  const out: LearningEvent[] = [];
  wk.steps.forEach((st, k) => {
    const type = w.t.lessonType(st.lesson);
    if (type === 'quiz') {
      wk.attempts.forEach((a, n) => {
        if (a.lessonStep !== k) return;
        out.push({ type: 'quiz_start', step: k, at: a.start, attempt: n }, { type: 'quiz_submit', step: k, at: a.submitted, attempt: n });
      });
      return;
    }
    out.push({ type: 'lesson_start', step: k, at: st.start });
    const mid = st.start + Math.floor((st.end - st.start) / 2000) * 1000;
    out.push({ type: type === 'flashcard' ? 'flashcard_review' : type === 'pdf' ? 'download' : type === 'text' ? 'scroll' : 'page_view', step: k, at: mid });
    if (st.done) out.push({ type: 'lesson_complete', step: k, at: st.end });
  });
  return out;
}

let lastEvents: { wk: Walk; events: LearningEvent[] } | undefined;
/** Event j of enrollment e's walk in a per-enrollment order (distinct j, distinct events), or null. */
function eventAt(c: GenContext, e: number, j: number): { wk: Walk; ev: LearningEvent; n: number } | null {
  const wk = walk(c.w, e);
  if (!wk) return null;
  if (!lastEvents || lastEvents.wk !== wk) lastEvents = { wk, events: eventsOf(c.w, wk) };
  const list = lastEvents.events;
  if (j >= list.length) return null;
  const n = (c.w.h('event_order', e) + j) % list.length;
  return { wk, ev: list[n], n };
}

function learningDoc(c: GenContext, i: number): Document | null {
  const w = c.w;
  const E = c.t.shape.enrollments;
  const hit = eventAt(c, i % E, Math.floor(i / E));
  if (!hit) return null;
  const { wk, ev } = hit;
  const st = wk.steps[ev.step];
  const u = c.t.userOfStudent(wk.s.student);
  const r = rngOf(w, 'learning_progress', i);
  const seconds = lessonMinutes(w, st.lesson) * 60;
  const progress = ev.type === 'lesson_complete' ? 100 : ev.type === 'lesson_start' || ev.type === 'quiz_start' ? 0 : ev.type === 'quiz_submit' ? (wk.attempts[ev.attempt!].passed ? 100 : 50) : Math.min(99, st.percent === 100 ? 50 : st.percent);
  return {
    _id: oid(w, 'learning_progress', i),
    userId: pg(w, 'users', u),
    courseId: pg(w, 'courses', wk.s.course),
    lessonId: pg(w, 'lessons', st.lesson),
    enrollmentId: pg(w, 'enrollments', wk.s.e),
    sessionId: w.sessionId(u, w.day(ev.at)),
    activityType: ev.type,
    contentType: c.t.lessonType(st.lesson),
    positionSeconds: ev.type === 'lesson_complete' ? seconds : ev.type === 'lesson_start' ? 0 : Math.min(seconds, st.positionSeconds),
    durationSeconds: ev.type === 'quiz_submit' ? Math.round((wk.attempts[ev.attempt!].submitted - wk.attempts[ev.attempt!].start) / 1000) : r.int(5, Math.max(5, Math.min(900, st.spentSeconds))),
    progressPercent: progress,
    occurredAt: at(ev.at),
    device: deviceOf(w, u),
    metadata: { source: 'web' },
  };
}

const VERB = { experienced: 'experienced', attempted: 'attempted', completed: 'completed', passed: 'passed', failed: 'failed' } as const;
const LMS = 'https://lms.example.com';
/** The LRS's own identity: every statement it stores carries it as authority. */
const AUTHORITY = { objectType: 'Agent', name: 'Recruit LMS', account: { homePage: LMS, name: 'recruit-lms' } };

/** One xAPI statement per learning event that xAPI records (lesson experienced/completed, quiz attempted/passed/failed). */
function xapiDoc(c: GenContext, i: number, shapes: MongoShapes): Document | null {
  const w = c.w;
  const E = c.t.shape.enrollments;
  const e = i % E;
  const hit = eventAt(c, e, Math.floor(i / E));
  if (!hit || hit.ev.type === 'page_view' || hit.ev.type === 'scroll' || hit.ev.type === 'download' || hit.ev.type === 'flashcard_review') return null;
  const { wk, ev, n } = hit;
  const st = wk.steps[ev.step];
  const u = c.t.userOfStudent(wk.s.student);
  const attempt = ev.attempt === undefined ? undefined : wk.attempts[ev.attempt];
  const verb = ev.type === 'lesson_complete' ? VERB.completed : ev.type === 'lesson_start' ? VERB.experienced : ev.type === 'quiz_start' ? VERB.attempted : attempt!.passed ? VERB.passed : VERB.failed;
  const id = uuidFor(w.seed, 'xapi_statement', e * 256 + n);
  const stored = Math.min(ev.at + (1 + (w.h('xapi_stored', e * 256 + n) % 5)) * 1000, w.asOf - 1000);
  const seconds = attempt ? Math.round((attempt.submitted - attempt.start) / 1000) : 0;
  const statement: Document = {
    id,
    actor: { objectType: 'Agent', name: w.fullName(u), mbox: `mailto:${w.email(u)}` },
    verb: { id: `http://adlnet.gov/expapi/verbs/${verb}`, display: { 'en-US': verb } },
    object: {
      objectType: 'Activity',
      id: `${LMS}/lessons/${pg(w, 'lessons', st.lesson)}`,
      definition: { name: { 'en-US': lessonTitle(w, st.lesson) }, type: attempt ? 'http://adlnet.gov/expapi/activities/assessment' : 'http://adlnet.gov/expapi/activities/lesson' },
    },
    ...(verb === 'passed' || verb === 'failed' || verb === 'completed'
      ? { result: attempt && ev.type === 'quiz_submit' ? { score: { scaled: attempt.score / 100, raw: attempt.score, min: 0, max: 100 }, success: attempt.passed, completion: true, duration: `PT${Math.floor(seconds / 60)}M${seconds % 60}S` } : { completion: true } }
      : {}),
    context: {
      registration: pg(w, 'enrollments', e),
      contextActivities: { parent: [{ objectType: 'Activity', id: `${LMS}/courses/${pg(w, 'courses', wk.s.course)}`, definition: { name: { 'en-US': courseTitle(w, wk.s.course) }, type: 'http://adlnet.gov/expapi/activities/course' } }] },
      platform: 'recruit-lms',
      language: 'en-US',
    },
  };
  const links = { userId: pg(w, 'users', u), courseId: pg(w, 'courses', wk.s.course), lessonId: pg(w, 'lessons', st.lesson) };
  if (shapes.xapiLrs) {
    return { _id: new UUID(id), statement: { ...statement, timestamp: iso(ev.at), stored: iso(stored), authority: AUTHORITY, version: '1.0.3' }, ...links, timestamp: at(ev.at), stored: at(stored), voided: false };
  }
  // The first release's shape has no voided flag (its upgrade adds voided: false).
  return { _id: oid(w, 'xapi_statements', i), ...statement, timestamp: at(ev.at), stored: at(stored), authority: AUTHORITY, version: '1.0.3', ...links };
}

function flashcardDoc(c: GenContext, i: number): Document | null {
  const w = c.w;
  const { enrollment: e, flashcard } = c.t.flashcardProgress(i);
  const sc = schedule(w, e);
  if (!sc || sc.rows === 0) return null;
  const u = c.t.userOfStudent(sc.student);
  const r = rngOf(w, 'flashcard_progress', i);
  const hi = Math.min(w.actHi(u), sc.status === 'dropped' ? sc.droppedAt! : sc.completedAt ?? w.asOf - MIN, sc.expiresAt);
  const created = w.when(sc.enrolledAt + MIN, Math.max(sc.enrolledAt + 2 * MIN, sc.lastActivity), 'flashcard_created', i);
  const reps = hi - created > DAY ? r.int(0, 8) : 0;
  const history: Document[] = [];
  let last = created;
  for (let k = 0; k < Math.min(reps, 5); k++) {
    last = Math.min(hi, last + (1 + r.int(0, 5)) * DAY);
    history.push({ reviewedAt: at(last), rating: r.int(2, 5) });
  }
  const lapses = reps ? r.int(0, Math.min(3, reps)) : 0;
  const algorithm = r.bool(0.7) ? 'sm2' : 'fsrs';
  const interval = reps ? (reps - lapses + 1) * r.int(1, 4) : 0;
  return {
    _id: oid(w, 'flashcard_progress', i),
    userId: pg(w, 'users', u),
    flashcardId: pg(w, 'flashcards', flashcard),
    deckId: pg(w, 'flashcard_decks', sc.course),
    courseId: pg(w, 'courses', sc.course),
    algorithm,
    state: reps === 0 ? 'new' : lapses > 1 ? 'relearning' : reps < 3 ? 'learning' : 'review',
    ...(algorithm === 'sm2'
      ? { sm2: { easeFactor: Math.round(r.normal(2.5, 0.3, 1.3, 3.5) * 100) / 100, intervalDays: interval, repetitions: reps - lapses } }
      : { fsrs: { stability: Math.round(r.next() * 3000) / 100, difficulty: r.int(1, 10), elapsedDays: r.int(0, 20), scheduledDays: Math.max(1, interval) } }),
    dueAt: at((reps ? last : created) + Math.max(1, interval) * DAY),
    lastReviewedAt: reps ? at(last) : null,
    ...(reps ? { lastRating: history[history.length - 1].rating } : {}),
    reps,
    lapses,
    reviewHistory: history,
    createdAt: at(created),
    updatedAt: at(last),
  };
}

// ---------------------------------------------------------------------------------------------
// Sessions and searches
// ---------------------------------------------------------------------------------------------

/** Acting users whose last activity is inside the session window: a bounded list built once. */
function recentUsers(w: World): Int32Array {
  return w.once(buildRecentUsers);
}
function buildRecentUsers(w: World): Int32Array {
  const lo = windowStart(w, 'user_sessions');
  const out: number[] = [];
  for (let j = 0; j < w.t.actingUsers; j++) {
    const u = w.t.actingUser(j);
    if (w.lastSeen(u) > lo) out.push(u);
  }
  return Int32Array.from(out);
}

export interface SessionDoc {
  u: number;
  day: number;
  started: number;
  last: number;
  status: 'active' | 'ended' | 'expired' | 'revoked';
  ended: number | null;
}

/**
 * Session i: user recent[i % R], their k-th most recent session (k = i / R). The latest one is the
 * user's last login (users.last_login_at) up to their last activity; earlier ones fall on earlier
 * days; a suspended user's last session was revoked when they were suspended.
 */
export function sessionDoc(w: World, i: number): SessionDoc | null {
  const users = recentUsers(w);
  if (!users.length) return null;
  const u = users[i % users.length];
  const k = Math.floor(i / users.length);
  const lo = Math.max(windowStart(w, 'user_sessions'), w.actLo(u));
  if (k === 0) {
    const last = w.lastSeen(u);
    const started = w.lastLogin(u);
    if (w.status(u) === 'suspended') return { u, day: w.day(started), started, last, status: 'revoked', ended: last };
    if (last > w.asOf - 30 * MIN && w.status(u) === 'active') return { u, day: w.day(started), started, last, status: 'active', ended: null };
    const expired = w.h('session_expired', u) % 10 < 3 && last + 30 * MIN < w.asOf;
    return { u, day: w.day(started), started, last, status: expired ? 'expired' : 'ended', ended: expired ? last + 30 * MIN : Math.min(last + MIN, w.asOf - 1000) };
  }
  const gap = 1 + (w.h('session_gap', u) % 6);
  const day = w.day(w.lastLogin(u)) - k * gap;
  const dayStart = w.start + day * DAY;
  const started = dayStart + (7 + (w.h('session_hour', i) % 14)) * HOUR + (w.h('session_min', i) % 60) * MIN;
  const last = started + (5 + (w.h('session_len', i) % 115)) * MIN;
  if (started < lo || last >= w.lastLogin(u)) return null;
  const expired = w.h('session_expired', i) % 10 < 3;
  return { u, day, started, last, status: expired ? 'expired' : 'ended', ended: expired ? last + 30 * MIN : last + MIN };
}

function sessionDocument(c: GenContext, i: number, shapes: MongoShapes): Document | null {
  const w = c.w;
  const s = sessionDoc(w, i);
  if (!s) return null;
  const r = rngOf(w, 'user_sessions', i);
  return {
    _id: oid(w, 'user_sessions', i),
    sessionId: w.sessionId(s.u, s.day),
    userId: pg(w, 'users', s.u),
    userType: w.kind(s.u),
    status: s.status,
    startedAt: at(s.started),
    lastActivityAt: at(s.last),
    endedAt: s.ended === null ? null : at(s.ended),
    ipAddress: `${r.int(11, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`,
    userAgent: w.uaPool()[w.h('user_agent', s.u) % w.uaPool().length],
    device: deviceOf(w, s.u),
    pageViews: r.int(1, 120),
    ...(shapes.expireAt.has('user_sessions') ? { expireAt: at(s.last + TTL.user_sessions) } : {}),
  };
}

export interface SearchFact {
  u: number | null;
  at: number;
  type: 'job' | 'course' | 'mentor' | 'webinar' | 'material' | 'global';
  clicked: { job: number; at: number; position: number } | null;
  results: number;
}

const SEARCH_TYPES = ['job', 'course', 'mentor', 'webinar', 'material', 'global'] as const;

/** Search i: by an acting user while they were around (or anonymous), inside the log's window. */
export function searchFact(w: World, i: number): SearchFact | null {
  const r = rngOf(w, 'search_logs', i);
  const lo0 = windowStart(w, 'search_logs');
  const type = SEARCH_TYPES[r.int(0, SEARCH_TYPES.length - 1)];
  const results = r.int(0, 80);
  let u: number | null = null;
  let when: number | null = null;
  if (!r.bool(0.2)) {
    for (let attempt = 0; attempt < 8 && when === null; attempt++) {
      const cand = w.t.actingUser(hash32(w.seed, 'search_user', i * 8 + attempt) % w.t.actingUsers);
      const lo = Math.max(lo0, w.actLo(cand));
      const hi = w.actHi(cand) - 2 * MIN;
      if (hi - lo >= HOUR) (u = cand), (when = w.when(lo, hi, 'searched_at', i));
    }
    if (when === null) return null;
  } else when = w.when(lo0, w.asOf - 2 * MIN, 'searched_at', i);
  let clicked: SearchFact['clicked'] = null;
  if (type === 'job' && results > 0) {
    for (let attempt = 0; attempt < 4 && !clicked; attempt++) {
      const j = hash32(w.seed, 'search_click', i * 4 + attempt) % w.t.shape.jobs;
      const published = jobPublished(w, j);
      if (published !== null && published < when) clicked = { job: j, at: when + (2 + r.int(0, 58)) * 1000, position: r.int(0, Math.min(results, 20) - 1) };
    }
  }
  return { u, at: when + (w.h('search_sec', i) % 60) * 1000, type, clicked: clicked && { ...clicked, at: clicked.at + (w.h('search_sec', i) % 60) * 1000 }, results };
}

const jobPublished = (w: World, j: number) => jobFact(w, j).published;

function searchDocument(c: GenContext, i: number, shapes: MongoShapes): Document | null {
  const w = c.w;
  const f = searchFact(w, i);
  if (!f) return null;
  const r = rngOf(w, 'search_text', i);
  const skill = skillName(r.int(0, c.t.shape.skills - 1));
  const query = f.type === 'job' || f.type === 'course' || f.type === 'global' ? skill : f.type === 'mentor' ? `${skill} mentor` : f.type === 'webinar' ? `${skill} webinar` : `${skill} cheat sheet`;
  return {
    _id: oid(w, 'search_logs', i),
    userId: f.u === null ? null : pg(w, 'users', f.u),
    sessionId: f.u === null ? uuidFor(w.seed, 'anonymous_session', i) : w.sessionId(f.u, w.day(f.at)),
    query,
    searchType: f.type,
    filters: f.type === 'job' ? { remote: r.pick(['remote', 'hybrid', 'on_site']) } : {},
    resultCount: f.results,
    clickedResults: f.clicked ? [{ resultId: pg(w, 'jobs', f.clicked.job), resultType: 'job', position: f.clicked.position, clickedAt: at(f.clicked.at) }] : [],
    responseTimeMs: r.int(5, 400),
    searchedAt: at(f.at),
    ...(shapes.expireAt.has('search_logs') ? { expireAt: at(f.at + TTL.search_logs) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Notification queue and events: what a live system still holds
// ---------------------------------------------------------------------------------------------

function* queueDocs(c: GenContext, shapes: MongoShapes): Generator<Document> {
  const w = c.w;
  const lo = windowStart(w, 'notification_queue');
  const withExpire = shapes.expireAt.has('notification_queue');
  for (let n = 0; n < c.t.notifications; n++) {
    const f = notification(w, n);
    if (f.at < lo) continue;
    const pending = w.status(f.user) === 'pending_verification';
    const pref = preference(w, f.user, f.type);
    const channels = pending ? ['email'] : (['in_app', 'email', 'push'] as const).filter((ch) => (ch === 'in_app' ? pref.inApp : ch === 'email' ? pref.email : pref.push));
    const [title, body] = pending ? ['Please verify your e-mail address', 'Confirm your address to start learning and applying for jobs.'] : textOf(f.type);
    for (const channel of channels) {
      const k = ['in_app', 'email', 'push', 'sms'].indexOf(channel);
      const h = w.h('queue_outcome', n * 4 + k);
      let status: string;
      let attempts = 1;
      let delivered: number | null = null;
      let read: number | null = null;
      let terminal: number | null = null;
      let error: string | undefined;
      if (f.sentAt === null) (status = f.scheduledFor <= w.asOf && h % 2 ? 'sending' : 'queued'), (attempts = status === 'sending' ? 1 : 0);
      else if (channel !== 'in_app' && h % 100 < (channel === 'email' ? 5 : 8) && f.sentAt + 10 * MIN < w.asOf) {
        (status = 'failed'), (attempts = 3), (terminal = f.sentAt + 10 * MIN), (error = channel === 'email' ? 'mailbox unavailable' : 'device token expired');
      } else {
        delivered = Math.min(f.sentAt + (1 + (h % 30)) * 1000, w.asOf - 1000);
        if (channel === 'in_app' && f.readAt !== null) (status = 'read'), (read = f.readAt), (terminal = f.readAt);
        else (status = 'delivered'), (terminal = delivered);
      }
      yield {
        _id: oid(w, 'notification_queue', n * 4 + k),
        notificationId: pg(w, 'notifications', n),
        userId: pg(w, 'users', f.user),
        type: f.type,
        channel,
        status,
        priority: f.type === 'payment_confirmation' || f.type === 'system_announcement' ? 'high' : 'normal',
        payload: { title, body, link: `${LMS}/notifications/${pg(w, 'notifications', n)}` },
        attempts,
        ...(error ? { lastError: error } : {}),
        scheduledFor: at(f.scheduledFor),
        createdAt: at(f.at),
        deliveredAt: delivered === null ? null : at(delivered),
        readAt: read === null ? null : at(read),
        ...(withExpire && terminal !== null ? { expireAt: at(terminal + TTL.notification_queue) } : {}),
      };
    }
  }
}

const textOf = (type: string) => text.notificationText(type);

interface EventFact {
  eventId: string;
  eventType: string;
  aggregateType: string;
  aggregateId: string;
  userId: string;
  correlationId: string;
  causationId?: string;
  payload: Document;
  occurredAt: number;
}

/** Events of the last 30 days, one per fact (never twice): registrations, enrollments, status changes, payments. */
function* eventFacts(c: GenContext): Generator<EventFact> {
  const w = c.w;
  const t = c.t;
  const lo = windowStart(w, 'event_log');
  for (let u = 0; u < t.users; u++) {
    const born = w.born(u);
    if (born < lo) continue;
    yield { eventId: uuidFor(w.seed, 'event:user', u), eventType: 'user.registered', aggregateType: 'user', aggregateId: pg(w, 'users', u), userId: pg(w, 'users', u), correlationId: uuidFor(w.seed, 'correlation:user', u), payload: { userType: w.kind(u) }, occurredAt: born };
  }
  for (let e = 0; e < t.shape.enrollments; e++) {
    const s = schedule(w, e);
    if (!s || s.enrolledAt < lo) continue;
    yield { eventId: uuidFor(w.seed, 'event:enrollment', e), eventType: 'enrollment.created', aggregateType: 'enrollment', aggregateId: pg(w, 'enrollments', e), userId: pg(w, 'users', s.student), correlationId: uuidFor(w.seed, 'correlation:enrollment', e), payload: { courseId: pg(w, 'courses', s.course) }, occurredAt: s.enrolledAt };
  }
  for (let a = 0; a < t.shape.applications; a++) {
    const app = application(w, a);
    if (!app || app.times[app.times.length - 1] < lo) continue;
    for (let k = 1; k < app.path.length; k++) {
      if (app.times[k] < lo) continue;
      yield {
        eventId: uuidFor(w.seed, 'event:application', a * 16 + k),
        eventType: 'application.status_changed',
        aggregateType: 'application',
        aggregateId: pg(w, 'applications', a),
        userId: pg(w, 'users', app.actors[k]),
        correlationId: uuidFor(w.seed, 'correlation:application', a),
        ...(k > 1 && app.times[k - 1] >= lo ? { causationId: uuidFor(w.seed, 'event:application', a * 16 + k - 1) } : {}),
        payload: { from: app.path[k - 1], to: app.path[k] },
        occurredAt: app.times[k],
      };
    }
  }
  let p = 0;
  for (const pay of paymentFacts(w)) {
    p++;
    if (pay.paidAt === null || pay.paidAt < lo) continue;
    yield { eventId: uuidFor(w.seed, 'event:payment', p), eventType: 'payment.completed', aggregateType: 'payment', aggregateId: pay.id, userId: pg(w, 'users', pay.user), correlationId: uuidFor(w.seed, 'correlation:payment', p), payload: { type: pay.type, amountCents: pay.cents }, occurredAt: pay.paidAt };
  }
}

function* eventDocs(c: GenContext, shapes: MongoShapes): Generator<Document> {
  const w = c.w;
  let i = 0;
  for (const f of eventFacts(c)) {
    const h = w.h('event_outcome', i);
    const status = f.occurredAt > w.asOf - 2 * MIN ? 'pending' : h % 100 === 0 ? 'failed' : 'processed';
    const processed = status === 'processed' ? Math.min(f.occurredAt + (1 + (h % 30)) * 1000, w.asOf - 1000) : null;
    const { eventId, occurredAt, ...rest } = f;
    yield {
      ...(shapes.eventUuid ? { _id: new UUID(eventId) } : { _id: oid(w, 'event_log', i), eventId }),
      ...rest,
      version: 1,
      source: 'recruit-api',
      status,
      occurredAt: at(occurredAt),
      processedAt: processed === null ? null : at(processed),
      ...(shapes.expireAt.has('event_log') && processed !== null ? { expireAt: at(processed + TTL.event_log) } : {}),
    };
    i++;
  }
}

// ---------------------------------------------------------------------------------------------
// Analytics: daily metrics computed from the facts
// ---------------------------------------------------------------------------------------------

export const METRICS = ['active_users', 'new_users', 'course_enrollments', 'course_completions', 'lesson_views', 'quiz_attempts', 'quiz_pass_rate', 'job_applications', 'job_views', 'revenue', 'search_queries'] as const;
/** Analytics go back at most this far: job views and searches are only logged for 180 days. */
export const ANALYTICS_MAX_DAYS = 170;

export function analyticsDays(c: { t: GenContext['t'] }): number {
  return Math.min(ANALYTICS_MAX_DAYS, Math.floor(c.t.shape.analytics_aggregates / METRICS.length));
}

/**
 * Per metric and day d (1 = the day before as-of), the value and count, summed from the facts in
 * one pass (days x metrics numbers). What each metric counts is documented in seeds/README.md and
 * checked against the stores by the audit.
 */
function dailyMetrics(c: GenContext): { value: Float64Array[]; count: Float64Array[]; passed: Float64Array } {
  return c.w.once(buildDailyMetrics);
}
function buildDailyMetrics(w: World): { value: Float64Array[]; count: Float64Array[]; passed: Float64Array } {
  {
    const t = w.t;
    const D = analyticsDays(w);
    const value = METRICS.map(() => new Float64Array(D + 1));
    const count = METRICS.map(() => new Float64Array(D + 1));
    const passed = new Float64Array(D + 1);
    // Day d is [asOf - d days, asOf - (d-1) days).
    const dayOf = (ms: number) => Math.ceil((w.asOf - ms) / DAY);
    const add = (metric: (typeof METRICS)[number], ms: number, v = 1) => {
      const d = dayOf(ms);
      if (d < 1 || d > D) return;
      const m = METRICS.indexOf(metric);
      value[m][d] += v;
      count[m][d]++;
    };
    for (let u = 0; u < t.users; u++) add('new_users', w.born(u));
    for (let e = 0; e < t.shape.enrollments; e++) {
      const wk = walk(w, e);
      if (!wk) continue;
      add('course_enrollments', wk.s.enrolledAt);
      if (wk.s.completedAt !== null) add('course_completions', wk.s.completedAt);
      for (const st of wk.steps) add('lesson_views', st.start);
      for (const a of wk.attempts) {
        add('quiz_attempts', a.start);
        const d = dayOf(a.submitted);
        if (d >= 1 && d <= D) {
          count[METRICS.indexOf('quiz_pass_rate')][d]++;
          if (a.passed) passed[d]++;
        }
      }
    }
    // Active users: distinct students who started a lesson that day.
    const activeByDay = new Map<number, Set<number>>();
    for (let e = 0; e < t.shape.enrollments; e++) {
      const wk = walk(w, e);
      if (!wk) continue;
      for (const st of wk.steps) {
        const d = dayOf(st.start);
        if (d < 1 || d > D) continue;
        let set = activeByDay.get(d);
        if (!set) activeByDay.set(d, (set = new Set()));
        set.add(wk.s.student);
      }
    }
    for (const [d, set] of activeByDay) {
      value[METRICS.indexOf('active_users')][d] = set.size;
      count[METRICS.indexOf('active_users')][d] = set.size;
    }
    for (let a = 0; a < t.shape.applications; a++) {
      const app = application(w, a);
      if (app) add('job_applications', app.times[0]);
    }
    for (const p of paymentFacts(w)) if (p.status === 'completed' && p.paidAt !== null) add('revenue', p.paidAt, p.cents);
    for (let i = 0; i < t.shape.search_logs; i++) {
      const f = searchFact(w, i);
      if (!f) continue;
      add('search_queries', f.at);
      if (f.clicked) add('job_views', f.clicked.at);
    }
    const rate = METRICS.indexOf('quiz_pass_rate');
    for (let d = 1; d <= D; d++) value[rate][d] = count[rate][d] ? Math.round((1000 * passed[d]) / count[rate][d]) / 1000 : 0;
    return { value, count, passed };
  }
}

function analyticsDoc(c: GenContext, i: number): Document {
  const w = c.w;
  const m = i % METRICS.length;
  const d = Math.floor(i / METRICS.length) + 1;
  const metric = METRICS[m];
  const start = w.asOf - d * DAY;
  const { value, count } = dailyMetrics(c);
  const dimensions = {};
  return {
    _id: oid(w, 'analytics_aggregates', i),
    metric,
    period: 'day',
    periodStart: at(start),
    periodEnd: at(start + DAY),
    dimensions,
    dimensionsKey: dimensionsKey(dimensions),
    value: value[m][d],
    count: count[m][d],
    unit: metric === 'quiz_pass_rate' ? 'ratio' : metric === 'revenue' ? 'usd_cents' : 'count',
    computedAt: at(Math.min(start + DAY + 5 * MIN, w.asOf)),
  };
}

// ---------------------------------------------------------------------------------------------
// Engagement heatmaps, resume analyses
// ---------------------------------------------------------------------------------------------

/**
 * One document per lesson and day (lessons of published courses, days since the course went live):
 * the totals are the sums of the cells (views over the timeline segments and over the 24 hours).
 */
function engagementDoc(c: GenContext, i: number): Document | null {
  const w = c.w;
  const t = c.t;
  const lessons = t.enrollable * t.lessonsPerCourse;
  const l = i % lessons;
  const d = Math.floor(i / lessons) + 1;
  const k = t.courseOfLesson(l);
  const bucket = w.asOf - d * DAY;
  const published = courseOf(w, k);
  if (published === null || bucket < published) return null;
  const r = rngOf(w, 'course_engagement', i);
  // Ten cells along the lesson's timeline, each a tenth of it (whole seconds).
  const cells = 10;
  const cellSeconds = Math.max(1, Math.round((lessonMinutes(w, l) * 60) / cells));
  const segments: Document[] = [];
  let views = 0;
  let unique = 0;
  for (let s = 0; s < cells; s++) {
    const v = Math.max(0, Math.round(r.normal(40 - s * 3, 8, 0, 200)));
    const u = Math.round(v * (0.7 + r.next() * 0.25));
    views += v;
    unique += u;
    segments.push({ startSecond: s * cellSeconds, views: v, uniqueViewers: u, replays: r.int(0, Math.min(5, v)), dropOffs: r.int(0, Math.min(4, v)), avgWatchSeconds: r.int(1, cellSeconds) });
  }
  // The same views, spread over the hours of the day (daytime-heavy): cells sum to the total.
  const hourly = new Array<number>(24).fill(0);
  let rest = views;
  const weights = Array.from({ length: 24 }, (_, h) => (h >= 8 && h <= 22 ? 3 : 1) * (0.5 + r.next()));
  const total = weights.reduce((a, b) => a + b, 0);
  for (let h = 0; h < 24; h++) {
    const v = h === 23 ? rest : Math.min(rest, Math.floor((views * weights[h]) / total));
    hourly[h] = v;
    rest -= v;
  }
  const viewers = Math.round(unique / cells);
  const completions = Math.round(viewers * (0.2 + r.next() * 0.6));
  return {
    _id: oid(w, 'course_engagement', i),
    courseId: pg(w, 'courses', k),
    lessonId: pg(w, 'lessons', l),
    moduleId: pg(w, 'modules', t.moduleOfLesson(l)),
    contentType: t.lessonType(l),
    bucketDate: at(bucket),
    bucketSeconds: cellSeconds,
    segments,
    hourly,
    totals: { views, uniqueViewers: viewers, completions, avgTimeSpentSeconds: r.int(60, 900), completionRate: viewers ? Math.round((100 * completions) / viewers) / 100 : 0 },
    updatedAt: at(Math.min(bucket + DAY + 15 * MIN, w.asOf)),
  };
}

const courseOf = (w: World, k: number) => courseFact(w, k).published;

function resumeDoc(c: GenContext, s: number): Document {
  const w = c.w;
  const t = c.t;
  const r = rngOf(w, 'resume_analysis', s);
  const u = t.userOfStudent(s);
  const p = w.person(u);
  const prof = studentProfile(w, s);
  const created = Math.min(resumeUploadedAt(w, s) + (1 + r.int(0, 4)) * MIN, w.asOf - 2 * MIN);
  const analyzed = created + (1 + r.int(0, 9)) * MIN;
  const processing = analyzed >= w.asOf;
  const failed = !processing && s > 0 && r.bool(0.05);
  const skills = Array.from({ length: t.shape.skillsPerStudent }, (_, k) => {
    const skill = t.studentSkill(s, k);
    return { name: skillName(skill), skillId: pg(w, 'skills', skill), confidence: Math.round((0.5 + studentProficiency(w, s, k) / 10) * 100) / 100 };
  });
  const phone = w.phone(u);
  const employer = p.locale.companies[w.h('resume_employer', s) % p.locale.companies.length];
  return {
    _id: oid(w, 'resume_analysis', s),
    studentId: pg(w, 'students', s),
    userId: pg(w, 'users', u),
    resumeS3Key: assetFor(t, 'resume', s).key,
    fileName: `${p.first}-${p.last}-resume.pdf`.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9.-]+/g, '-'),
    mimeType: 'application/pdf',
    parserVersion: '1.4.0',
    status: processing ? 'processing' : failed ? 'failed' : 'completed',
    ...(failed
      ? { error: 'could not extract text from the PDF' }
      : processing
        ? {}
        : {
            parsed: {
              fullName: `${p.first} ${p.last}`,
              email: w.email(u),
              ...(phone ? { phone } : {}),
              summary: prof.headline,
              totalExperienceYears: prof.years,
              skills,
              experience: prof.years >= 1 ? [{ company: employer, title: text.roleOf(r, TRACKS[t.track(s)]) }] : [],
              education: [{ institution: prof.education === 'High school' ? `${p.city.name} High School` : prof.education === 'Bootcamp' ? `${p.city.name} Coding Bootcamp` : `University of ${p.city.name}`, degree: prof.education, graduationYear: prof.graduationYear }],
              languages: p.locale.spec.language === 'English' ? ['English'] : ['English', p.locale.spec.language],
            },
            atsScore: r.int(35, 98),
          }),
    createdAt: at(created),
    analyzedAt: processing || failed ? null : at(analyzed),
  };
}

// ---------------------------------------------------------------------------------------------
// The 10 collections
// ---------------------------------------------------------------------------------------------

function* range(n: number, f: (i: number) => Document | null): Generator<Document> {
  for (let i = 0; i < n; i++) {
    const d = f(i);
    if (d) yield d;
  }
}

export function mongoCollections(shapes: MongoShapes = RELEASE2_SHAPES): CollectionSpec[] {
  return [
    { name: 'learning_progress', count: (c) => c.t.shape.learning_progress, docs: (c) => range(c.t.shape.learning_progress, (i) => learningDoc(c, i)) },
    { name: 'xapi_statements', count: (c) => c.t.shape.xapi_statements, docs: (c) => range(c.t.shape.xapi_statements, (i) => xapiDoc(c, i, shapes)) },
    { name: 'flashcard_progress', count: (c) => c.t.shape.flashcard_progress, docs: (c) => range(c.t.shape.flashcard_progress, (i) => flashcardDoc(c, i)) },
    { name: 'analytics_aggregates', count: (c) => analyticsDays(c) * METRICS.length, docs: (c) => range(analyticsDays(c) * METRICS.length, (i) => analyticsDoc(c, i)) },
    { name: 'user_sessions', count: (c) => c.t.shape.user_sessions, docs: (c) => range(c.t.shape.user_sessions, (i) => sessionDocument(c, i, shapes)) },
    {
      name: 'resume_analysis',
      count: (c) => {
        let n = 0;
        for (let s = 0; s < c.t.shape.students; s++) if (hasResume(c.w, s)) n++;
        return n;
      },
      docs: (c) => range(c.t.shape.students, (s) => (hasResume(c.w, s) ? resumeDoc(c, s) : null)),
    },
    { name: 'search_logs', count: (c) => c.t.shape.search_logs, docs: (c) => range(c.t.shape.search_logs, (i) => searchDocument(c, i, shapes)) },
    { name: 'notification_queue', count: (c) => Math.round(c.t.notifications * 0.02), docs: (c) => queueDocs(c, shapes) },
    { name: 'event_log', count: (c) => Math.round(c.t.shape.applications * 0.1), docs: (c) => eventDocs(c, shapes) },
    { name: 'course_engagement', count: (c) => c.t.shape.course_engagement, docs: (c) => range(c.t.shape.course_engagement, (i) => engagementDoc(c, i)) },
  ];
}
