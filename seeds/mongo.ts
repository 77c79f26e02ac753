import { ObjectId, type Document } from 'mongodb';
import { dimensionsKey } from '../src/stores/mongo/collections';
import { Rng, hash32, scoped, uuidFor } from './core';
import { assetFor, enrollmentStatus, hasResume, lessonContentType } from './assets';
import { DAY, HOUR, MIN, application, bornAt, emailOf, enrolledAt, notificationAt, notificationType, personName, skillName, studentProficiency, type GenContext } from './postgres';
import { TRACKS } from './topology';

/**
 * Documents for the 10 MongoDB collections. Every id that names a PostgreSQL row is computed with
 * the same Topology and uuidFor as the PostgreSQL generators, so it exists there; `_id` is derived
 * too (an ObjectId from the seed), so the same seed gives the same documents.
 */

export interface CollectionSpec {
  name: string;
  count(c: GenContext): number;
  docs(c: GenContext): Iterable<Document>;
}

const pgId = (c: GenContext, table: string, i: number) => uuidFor(c.seed, table, i);
const oid = (c: GenContext, coll: string, i: number) => new ObjectId(uuidFor(c.seed, scoped('mongo', coll), i).replace(/-/g, '').slice(0, 24));
const rng = (c: GenContext, coll: string, i: number) => Rng.at(c.seed, scoped('mongo', coll), i);
const at = (ms: number) => new Date(ms);

function* range(n: number, f: (i: number) => Document): Generator<Document> {
  for (let i = 0; i < n; i++) yield f(i);
}

const DEVICES = ['desktop', 'mobile', 'tablet'] as const;
function device(r: Rng): Document {
  const type = r.pick(DEVICES);
  return { type, os: type === 'desktop' ? r.pick(['Windows', 'macOS', 'Linux']) : r.pick(['iOS', 'Android']), browser: r.pick(['Chrome', 'Firefox', 'Safari', 'Edge']) };
}

const ACTIVITIES = ['lesson_start', 'lesson_complete', 'page_view', 'scroll', 'quiz_start', 'quiz_submit', 'flashcard_review', 'download'] as const;
const USER_TYPE = { student: 'student', company: 'company', admin: 'admin', instructor: 'instructor', mentor: 'mentor' } as const;

/** The i-th document's enrollment (cycling through them) and a lesson of its course. */
function enrolledLesson(c: GenContext, r: Rng, i: number): { e: number; student: number; course: number; lesson: number } {
  const e = i % c.t.shape.enrollments;
  const { student, course } = c.t.enrollment(e);
  return { e, student, course, lesson: c.t.lessonOfCourse(course, r.int(0, c.t.lessonsPerCourse - 1)) };
}

export function mongoCollections(): CollectionSpec[] {
  return [
    {
      name: 'learning_progress',
      count: (c) => c.t.shape.learning_progress,
      docs: (c) =>
        range(c.t.shape.learning_progress, (i) => {
          const r = rng(c, 'learning_progress', i);
          const { e, student, course, lesson } = enrolledLesson(c, r, i);
          return {
            _id: oid(c, 'learning_progress', i),
            userId: pgId(c, 'users', c.t.userOfStudent(student)),
            courseId: pgId(c, 'courses', course),
            lessonId: pgId(c, 'lessons', lesson),
            enrollmentId: pgId(c, 'enrollments', e),
            sessionId: uuidFor(c.seed, 'session', hash32(c.seed, 'lp_session', i) % Math.max(1, c.t.shape.user_sessions)),
            activityType: r.pick(ACTIVITIES),
            contentType: lessonContentType(c.t, lesson),
            positionSeconds: r.int(0, 1800),
            durationSeconds: r.int(5, 900),
            progressPercent: r.int(0, 100),
            occurredAt: at(enrolledAt(c, e) + r.int(1, 90 * 24) * HOUR),
            device: device(r),
            metadata: { source: 'web' },
          };
        }),
    },
    {
      name: 'xapi_statements',
      count: (c) => c.t.shape.xapi_statements,
      docs: (c) =>
        range(c.t.shape.xapi_statements, (i) => {
          const r = rng(c, 'xapi_statements', i);
          const { e, student, course, lesson } = enrolledLesson(c, r, i);
          const u = c.t.userOfStudent(student);
          const name = personName(c, u);
          const verb = r.pick(['completed', 'attempted', 'experienced', 'passed', 'failed'] as const);
          const when = enrolledAt(c, e) + r.int(1, 90 * 24) * HOUR;
          const scored = verb === 'passed' || verb === 'failed';
          const raw = verb === 'passed' ? r.int(70, 100) : r.int(10, 69);
          return {
            _id: oid(c, 'xapi_statements', i),
            id: uuidFor(c.seed, 'xapi_statement', i),
            actor: { objectType: 'Agent', name: `${name.first} ${name.last}`, mbox: `mailto:${emailOf(c, u)}` },
            verb: { id: `http://adlnet.gov/expapi/verbs/${verb}`, display: { 'en-US': verb } },
            object: {
              objectType: 'Activity',
              id: `https://lms.example.com/lessons/${pgId(c, 'lessons', lesson)}`,
              definition: { name: { 'en-US': `Lesson ${lesson + 1}` }, type: 'http://adlnet.gov/expapi/activities/lesson' },
            },
            ...(scored ? { result: { score: { scaled: raw / 100, raw, min: 0, max: 100 }, success: verb === 'passed', completion: true, duration: `PT${r.int(1, 59)}M` } } : {}),
            context: { registration: pgId(c, 'enrollments', e), platform: 'recruit-lms', language: 'en-US' },
            timestamp: at(when),
            stored: at(when + r.int(1, 5000)),
            version: '1.0.3',
            userId: pgId(c, 'users', u),
            courseId: pgId(c, 'courses', course),
            lessonId: pgId(c, 'lessons', lesson),
          };
        }),
    },
    {
      name: 'flashcard_progress',
      count: (c) => c.t.shape.flashcard_progress,
      docs: (c) =>
        range(c.t.shape.flashcard_progress, (i) => {
          const r = rng(c, 'flashcard_progress', i);
          const { enrollment, flashcard } = c.t.flashcardProgress(i);
          const { student, course } = c.t.enrollment(enrollment);
          const created = enrolledAt(c, enrollment) + r.int(1, 30) * DAY;
          const reps = r.int(0, 8);
          const lapses = reps ? r.int(0, Math.min(3, reps)) : 0;
          const last = reps ? created + r.int(1, 60) * DAY : null;
          const algorithm = r.bool(0.7) ? 'sm2' : 'fsrs';
          const history = Array.from({ length: Math.min(reps, 5) }, (_, k) => ({ reviewedAt: at(created + (k + 1) * DAY), rating: r.int(2, 5) }));
          return {
            _id: oid(c, 'flashcard_progress', i),
            userId: pgId(c, 'users', c.t.userOfStudent(student)),
            flashcardId: pgId(c, 'flashcards', flashcard),
            deckId: pgId(c, 'flashcard_decks', course),
            courseId: pgId(c, 'courses', course),
            algorithm,
            state: reps === 0 ? 'new' : lapses > 1 ? 'relearning' : reps < 3 ? 'learning' : 'review',
            ...(algorithm === 'sm2'
              ? { sm2: { easeFactor: Math.round(r.normal(2.5, 0.3, 1.3, 3.5) * 100) / 100, intervalDays: reps * r.int(1, 6), repetitions: reps - lapses } }
              : { fsrs: { stability: Math.round(r.next() * 3000) / 100, difficulty: r.int(1, 10), elapsedDays: r.int(0, 20), scheduledDays: r.int(1, 30) } }),
            dueAt: at((last ?? created) + r.int(1, 20) * DAY),
            lastReviewedAt: last === null ? null : at(last),
            ...(reps ? { lastRating: r.int(1, 5) } : {}),
            reps,
            lapses,
            reviewHistory: history,
            createdAt: at(created),
            updatedAt: at(last ?? created),
          };
        }),
    },
    {
      name: 'analytics_aggregates',
      count: (c) => c.t.shape.analytics_aggregates,
      docs: (c) =>
        range(c.t.shape.analytics_aggregates, (i) => {
          const r = rng(c, 'analytics_aggregates', i);
          const metric = METRICS[i % METRICS.length];
          const day = Math.floor(i / METRICS.length);
          const start = c.asOf - (day + 1) * DAY;
          const dimensions: Record<string, string> = metric.startsWith('course_') ? { courseId: pgId(c, 'courses', day % c.t.shape.courses) } : {};
          const ratio = metric === 'quiz_pass_rate';
          return {
            _id: oid(c, 'analytics_aggregates', i),
            metric,
            period: 'day',
            periodStart: at(start),
            periodEnd: at(start + DAY),
            dimensions,
            dimensionsKey: dimensionsKey(dimensions),
            value: ratio ? Math.round(r.next() * 1000) / 1000 : metric === 'revenue' ? r.int(0, 500000) : r.int(0, 5000),
            count: r.int(0, 5000),
            unit: ratio ? 'ratio' : metric === 'revenue' ? 'usd_cents' : 'count',
            computedAt: at(start + DAY + HOUR),
          };
        }),
    },
    {
      name: 'user_sessions',
      count: (c) => c.t.shape.user_sessions,
      docs: (c) =>
        range(c.t.shape.user_sessions, (i) => {
          const r = rng(c, 'user_sessions', i);
          const u = hash32(c.seed, 'session_user', i) % c.t.users;
          const start = c.asOf - r.int(1, 80 * 24 * 60) * MIN;
          const last = start + r.int(1, 180) * MIN;
          const status = last > c.asOf - 30 * MIN ? 'active' : r.pick(['ended', 'ended', 'expired', 'revoked'] as const);
          return {
            _id: oid(c, 'user_sessions', i),
            sessionId: uuidFor(c.seed, 'session', i),
            userId: pgId(c, 'users', u),
            userType: USER_TYPE[c.t.userKind(u).type],
            status,
            startedAt: at(start),
            lastActivityAt: at(last),
            endedAt: status === 'active' ? null : at(last + MIN),
            ipAddress: `${r.int(11, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`,
            userAgent: r.pick(c.v.userAgents),
            device: device(r),
            pageViews: r.int(1, 120),
          };
        }),
    },
    {
      name: 'resume_analysis',
      // One analysis per uploaded resume (students.resume_s3_key).
      count: (c) => {
        let n = 0;
        for (let s = 0; s < c.t.shape.students; s++) if (hasResume(c.t, s)) n++;
        return n;
      },
      docs: function* (c) {
        for (let s = 0; s < c.t.shape.students; s++) {
          if (!hasResume(c.t, s)) continue;
          const r = rng(c, 'resume_analysis', s);
          const u = c.t.userOfStudent(s);
          const name = personName(c, u);
          const created = bornAt(c, 'users', u) + 2 * DAY;
          const failed = s > 0 && r.bool(0.05);
          const skills = Array.from({ length: c.t.shape.skillsPerStudent }, (_, k) => {
            const skill = c.t.studentSkill(s, k);
            return { name: skillName(skill), skillId: pgId(c, 'skills', skill), confidence: Math.round((0.5 + studentProficiency(c, s, k) / 10) * 100) / 100 };
          });
          yield {
            _id: oid(c, 'resume_analysis', s),
            studentId: pgId(c, 'students', s),
            userId: pgId(c, 'users', u),
            resumeS3Key: assetFor(c.t, 'resume', s).key,
            fileName: `${name.first}-${name.last}-resume.pdf`.toLowerCase().replace(/[^a-z0-9.-]+/g, '-'),
            mimeType: 'application/pdf',
            parserVersion: '1.4.0',
            status: failed ? 'failed' : 'completed',
            ...(failed
              ? { error: 'could not extract text from the PDF' }
              : {
                  parsed: {
                    fullName: `${name.first} ${name.last}`,
                    email: emailOf(c, u),
                    summary: r.pick(c.v.paragraphs),
                    totalExperienceYears: r.int(0, 15),
                    skills,
                    experience: [{ company: r.pick(c.v.companies), title: `${TRACKS[c.t.track(s)]} developer` }],
                    education: [{ institution: `${r.pick(c.v.lastNames)} University`, degree: 'BSc', graduationYear: r.int(2005, 2026) }],
                    languages: ['English'],
                  },
                  atsScore: r.int(35, 98),
                }),
            createdAt: at(created),
            analyzedAt: failed ? null : at(created + 5 * MIN),
          };
        }
      },
    },
    {
      name: 'search_logs',
      count: (c) => c.t.shape.search_logs,
      docs: (c) =>
        range(c.t.shape.search_logs, (i) => {
          const r = rng(c, 'search_logs', i);
          const anonymous = r.bool(0.2);
          const type = r.pick(['job', 'course', 'mentor', 'webinar', 'material', 'global'] as const);
          const results = r.int(0, 80);
          const when = c.asOf - r.int(1, 170 * 24 * 60) * MIN;
          const clicked = results && type === 'job' ? [{ resultId: pgId(c, 'jobs', r.int(0, c.t.shape.jobs - 1)), resultType: 'job', position: r.int(0, Math.min(results, 20) - 1), clickedAt: at(when + r.int(2, 60) * 1000) }] : [];
          return {
            _id: oid(c, 'search_logs', i),
            userId: anonymous ? null : pgId(c, 'users', hash32(c.seed, 'search_user', i) % c.t.users),
            sessionId: uuidFor(c.seed, 'session', hash32(c.seed, 'search_session', i) % Math.max(1, c.t.shape.user_sessions)),
            query: type === 'job' || type === 'course' ? skillName(r.int(0, c.t.shape.skills - 1)) : r.pick(c.v.words),
            searchType: type,
            filters: type === 'job' ? { remote: r.pick(['remote', 'hybrid', 'on_site']) } : {},
            resultCount: results,
            clickedResults: clicked,
            responseTimeMs: r.int(5, 400),
            searchedAt: at(when),
          };
        }),
    },
    {
      name: 'notification_queue',
      count: (c) => c.t.shape.notification_queue,
      docs: (c) =>
        range(c.t.shape.notification_queue, (i) => {
          const r = rng(c, 'notification_queue', i);
          const N = c.t.notifications;
          const n = i % N;
          const channel = CHANNELS[Math.floor(i / N)];
          const created = notificationAt(c, n);
          const status = r.pick(['queued', 'delivered', 'delivered', 'read', 'failed'] as const);
          const type = notificationType(c, n);
          return {
            _id: oid(c, 'notification_queue', i),
            notificationId: pgId(c, 'notifications', n),
            userId: pgId(c, 'users', Math.floor(n / c.t.shape.notificationsPerUser)),
            type,
            channel,
            status,
            priority: r.pick(['low', 'normal', 'normal', 'high'] as const),
            payload: { title: type.replace(/_/g, ' '), body: r.pick(c.v.sentences), link: 'https://lms.example.com/notifications' },
            attempts: status === 'queued' ? 0 : status === 'failed' ? r.int(3, 5) : 1,
            ...(status === 'failed' ? { lastError: 'provider timeout' } : {}),
            scheduledFor: at(created),
            createdAt: at(created),
            deliveredAt: status === 'delivered' || status === 'read' ? at(created + r.int(1, 60) * 1000) : null,
            readAt: status === 'read' ? at(created + r.int(1, 48) * HOUR) : null,
          };
        }),
    },
    {
      name: 'event_log',
      count: (c) => c.t.shape.event_log,
      docs: (c) =>
        range(c.t.shape.event_log, (i) => {
          const r = rng(c, 'event_log', i);
          const kind = i % 3;
          const common = { _id: oid(c, 'event_log', i), eventId: uuidFor(c.seed, 'event', i), version: 1, source: 'recruit-api', correlationId: uuidFor(c.seed, 'correlation', i), status: r.pick(['processed', 'processed', 'pending', 'failed'] as const) };
          if (kind === 0 && c.t.shape.applications > 0) {
            const a = hash32(c.seed, 'event_app', i) % c.t.shape.applications;
            const app = application(c, a);
            const when = app.times[app.times.length - 1];
            return { ...common, eventType: 'application.status_changed', aggregateType: 'application', aggregateId: pgId(c, 'applications', a), userId: pgId(c, 'users', c.t.userOfStudent(app.student)), payload: { status: app.status }, occurredAt: at(when), processedAt: common.status === 'pending' ? null : at(when + 1000) };
          }
          if (kind === 1) {
            const e = hash32(c.seed, 'event_enrollment', i) % c.t.shape.enrollments;
            const { student } = c.t.enrollment(e);
            const when = enrolledAt(c, e);
            return { ...common, eventType: 'enrollment.created', aggregateType: 'enrollment', aggregateId: pgId(c, 'enrollments', e), userId: pgId(c, 'users', c.t.userOfStudent(student)), payload: { status: enrollmentStatus(c.t, e) }, occurredAt: at(when), processedAt: common.status === 'pending' ? null : at(when + 1000) };
          }
          const u = hash32(c.seed, 'event_user', i) % c.t.users;
          const when = bornAt(c, 'users', u);
          return { ...common, eventType: 'user.registered', aggregateType: 'user', aggregateId: pgId(c, 'users', u), userId: pgId(c, 'users', u), payload: { userType: c.t.userKind(u).type }, occurredAt: at(when), processedAt: common.status === 'pending' ? null : at(when + 1000) };
        }),
    },
    {
      name: 'course_engagement',
      count: (c) => c.t.shape.course_engagement,
      docs: (c) =>
        range(c.t.shape.course_engagement, (i) => {
          const r = rng(c, 'course_engagement', i);
          const l = i % c.t.lessons;
          const day = Math.floor(i / c.t.lessons);
          const bucket = 60;
          const segments = Array.from({ length: r.int(3, 12) }, (_, k) => {
            const views = Math.max(0, Math.round(r.normal(40 - k * 3, 8, 0, 200)));
            return { startSecond: k * bucket, views, uniqueViewers: Math.round(views * 0.8), replays: r.int(0, 5), dropOffs: r.int(0, 4), avgWatchSeconds: r.int(10, bucket) };
          });
          const views = segments.reduce((s, x) => s + x.views, 0);
          const hourly = Array.from({ length: 24 }, (_, h) => Math.max(0, Math.round(r.normal(h >= 8 && h <= 22 ? 12 : 2, 3, 0, 100))));
          return {
            _id: oid(c, 'course_engagement', i),
            courseId: pgId(c, 'courses', c.t.courseOfLesson(l)),
            lessonId: pgId(c, 'lessons', l),
            moduleId: pgId(c, 'modules', c.t.moduleOfLesson(l)),
            contentType: lessonContentType(c.t, l),
            bucketDate: at(c.asOf - (day + 1) * DAY),
            bucketSeconds: bucket,
            segments,
            hourly,
            totals: { views, uniqueViewers: Math.round(views * 0.8), completions: r.int(0, 30), avgTimeSpentSeconds: r.int(60, 900), completionRate: Math.round(r.next() * 100) / 100 },
            updatedAt: at(c.asOf - day * DAY),
          };
        }),
    },
  ];
}

const METRICS = ['active_users', 'new_users', 'course_enrollments', 'course_completions', 'lesson_views', 'quiz_attempts', 'quiz_pass_rate', 'job_applications', 'job_views', 'revenue', 'search_queries'] as const;
const CHANNELS = ['in_app', 'email', 'push', 'sms'] as const;
