import { ObjectId, UUID, type Document } from 'mongodb';
import { dimensionsKey } from './collections';
import { xapiDocument } from './xapi';

/**
 * Example documents for every collection in its CURRENT shape (collections.ts): `valid` pass the
 * collection's $jsonSchema, each `broken` entry breaks it in one named way. Tests check both with
 * the client-side checker; the seeder can start from the valid ones. Functions, so every caller
 * gets fresh objects to mutate.
 */

const U = {
  user: '3f1c2a9e-8b7d-4c6e-9a1b-2d3e4f5a6b7c',
  student: '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d',
  course: '0b1c2d3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e',
  lesson: '7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b',
  module: '9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d',
  flashcard: '2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a',
  deck: '4f5a6b7c-8d9e-4f0a-8b1c-2d3e4f5a6b7c',
  job: '6b7c8d9e-0f1a-4b2c-9d3e-4f5a6b7c8d9e',
  notification: '8d9e0f1a-2b3c-4d4e-8f5a-6b7c8d9e0f1a',
  event: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
  statement: 'c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f',
  registration: 'e5f6a7b8-c9d0-4e1f-9a2b-3c4d5e6f7a8b',
};

const T0 = new Date('2026-02-09T10:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

export const FIXTURE_IDS = U;

export interface BrokenFixture {
  why: string;
  doc: Document;
}

const DAY_MS = 86_400_000;

/** An xAPI 1.0.3 statement as the LRS serves it (id, timestamp, stored, authority, version set). */
export function xapiStatementFixture(): Document {
  return {
    id: U.statement,
    actor: { objectType: 'Agent', name: 'Ada Student', account: { homePage: 'https://recruit.example.com', name: U.user } },
    verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'en-US': 'completed' } },
    object: {
      objectType: 'Activity',
      id: `https://recruit.example.com/courses/${U.course}/lessons/${U.lesson}`,
      definition: { name: { 'en-US': 'Intro to SQL joins' }, type: 'http://adlnet.gov/expapi/activities/lesson' },
    },
    result: { score: { scaled: 0.85, raw: 17, min: 0, max: 20 }, success: true, completion: true, duration: 'PT12M30S' },
    context: {
      registration: U.registration,
      contextActivities: { parent: [{ objectType: 'Activity', id: `https://recruit.example.com/courses/${U.course}` }] },
      platform: 'recruit-web',
      language: 'en-US',
      extensions: { 'https://recruit.example.com/xapi/extensions/attempt': 2 },
    },
    timestamp: at(0).toISOString(),
    stored: at(1).toISOString(),
    authority: { objectType: 'Agent', name: 'recruit LRS', mbox: 'mailto:lrs@recruit.example.com' },
    version: '1.0.3',
  };
}

function xapi(): Document {
  return xapiDocument(xapiStatementFixture(), { userId: U.user, courseId: U.course, lessonId: U.lesson });
}

export function validFixtures(): Record<string, Document[]> {
  const dims = { courseId: U.course, userType: 'student' };
  return {
    learning_progress: [
      {
        _id: new ObjectId(),
        userId: U.user,
        courseId: U.course,
        lessonId: U.lesson,
        enrollmentId: U.registration,
        sessionId: 'sess-01HZX',
        activityType: 'video_pause',
        contentType: 'video',
        positionSeconds: 312.5,
        durationSeconds: 600,
        progressPercent: 52,
        occurredAt: at(0),
        device: { type: 'desktop', os: 'macOS', browser: 'Firefox' },
        metadata: { playbackRate: 1.25 },
      },
      { _id: new ObjectId(), userId: U.user, courseId: U.course, lessonId: U.lesson, activityType: 'lesson_complete', occurredAt: at(5) },
    ],
    xapi_statements: [xapi()],
    flashcard_progress: [
      {
        _id: new ObjectId(),
        userId: U.user,
        flashcardId: U.flashcard,
        deckId: U.deck,
        courseId: U.course,
        algorithm: 'sm2',
        state: 'review',
        sm2: { easeFactor: 2.36, intervalDays: 6, repetitions: 2 },
        dueAt: at(6 * 24 * 60),
        lastReviewedAt: at(0),
        lastRating: 4,
        reps: 2,
        lapses: 0,
        reviewHistory: [
          { reviewedAt: at(-24 * 60), rating: 4, intervalDays: 1, elapsedDays: 0, durationMs: 5400 },
          { reviewedAt: at(0), rating: 4, intervalDays: 6, elapsedDays: 1, durationMs: 3100 },
        ],
        createdAt: at(-24 * 60),
        updatedAt: at(0),
      },
      {
        _id: new ObjectId(),
        userId: U.student,
        flashcardId: U.flashcard,
        deckId: U.deck,
        algorithm: 'fsrs',
        state: 'learning',
        fsrs: { stability: 3.17, difficulty: 5.28, elapsedDays: 0, scheduledDays: 3 },
        dueAt: at(3 * 24 * 60),
        lastReviewedAt: at(0),
        lastRating: 3,
        reps: 1,
        lapses: 0,
        createdAt: at(0),
        updatedAt: at(0),
      },
    ],
    analytics_aggregates: [
      {
        _id: new ObjectId(),
        metric: 'course_enrollments',
        period: 'day',
        periodStart: new Date('2026-02-09T00:00:00Z'),
        periodEnd: new Date('2026-02-10T00:00:00Z'),
        dimensions: dims,
        dimensionsKey: dimensionsKey(dims),
        value: 42,
        count: 42,
        unit: 'count',
        computedAt: at(60),
      },
    ],
    user_sessions: [
      {
        _id: new ObjectId(),
        sessionId: 'sess-01HZX',
        userId: U.user,
        userType: 'student',
        status: 'active',
        startedAt: at(0),
        lastActivityAt: at(25),
        expireAt: new Date(at(25).getTime() + 90 * DAY_MS),
        endedAt: null,
        ipAddress: '203.0.113.7',
        userAgent: 'Mozilla/5.0 (Macintosh) Firefox/128.0',
        device: { type: 'desktop', os: 'macOS', browser: 'Firefox' },
        pageViews: 14,
      },
    ],
    resume_analysis: [
      {
        _id: new ObjectId(),
        studentId: U.student,
        userId: U.user,
        resumeS3Key: `users/resumes/${U.user}/2026-02-09-ada-lovelace.pdf`,
        fileName: 'ada-lovelace.pdf',
        mimeType: 'application/pdf',
        parserVersion: 'resume-parser/2.3.0',
        status: 'completed',
        parsed: {
          fullName: 'Ada Lovelace',
          email: 'ada@example.com',
          phone: '+44 20 7946 0000',
          summary: 'Analyst with a taste for engines.',
          totalExperienceYears: 4.5,
          skills: [
            { name: 'SQL', skillId: U.job, confidence: 0.93, yearsExperience: 4 },
            { name: 'Python', confidence: 0.81 },
          ],
          experience: [{ company: 'Analytical Engines Ltd', title: 'Data Analyst', startDate: new Date('2021-09-01'), endDate: null }],
          education: [{ institution: 'University of London', degree: 'BSc', field: 'Mathematics', graduationYear: 2021 }],
          languages: ['en', 'fr'],
        },
        atsScore: 78,
        createdAt: at(0),
        analyzedAt: at(2),
      },
    ],
    search_logs: [
      {
        _id: new ObjectId(),
        userId: U.user,
        sessionId: 'sess-01HZX',
        query: 'remote data analyst',
        searchType: 'job',
        filters: { remoteType: 'remote', employmentType: ['full_time'] },
        resultCount: 37,
        clickedResults: [{ resultId: U.job, resultType: 'job', position: 2, clickedAt: at(1) }],
        responseTimeMs: 48,
        searchedAt: at(0),
        expireAt: new Date(at(0).getTime() + 180 * DAY_MS),
      },
      { _id: new ObjectId(), userId: null, query: 'sql', searchType: 'course', resultCount: 0, searchedAt: at(3), expireAt: new Date(at(3).getTime() + 180 * DAY_MS) },
    ],
    notification_queue: [
      {
        _id: new ObjectId(),
        notificationId: U.notification,
        userId: U.user,
        type: 'application_update',
        channel: 'email',
        status: 'queued',
        priority: 'normal',
        payload: { title: 'Your application moved forward', body: 'Analytical Engines Ltd is reviewing your application.', link: '/applications', data: { jobId: U.job } },
        attempts: 0,
        scheduledFor: at(14 * 24 * 60),
        createdAt: at(0),
        deliveredAt: null,
      },
      {
        _id: new ObjectId(),
        notificationId: U.notification,
        userId: U.user,
        type: 'application_update',
        channel: 'in_app',
        status: 'read',
        payload: { title: 'Your application moved forward', body: 'Analytical Engines Ltd is reviewing your application.' },
        attempts: 1,
        scheduledFor: at(0),
        createdAt: at(0),
        deliveredAt: at(1),
        readAt: at(90),
        expireAt: new Date(at(90).getTime() + 7 * DAY_MS),
      },
    ],
    event_log: [
      {
        _id: new UUID(U.event),
        eventType: 'enrollment.created',
        version: 1,
        source: 'lms-api',
        aggregateType: 'enrollment',
        aggregateId: U.registration,
        userId: U.user,
        correlationId: U.statement,
        payload: { courseId: U.course, pricePaidCents: 4900 },
        status: 'processed',
        occurredAt: at(0),
        processedAt: at(1),
        expireAt: new Date(at(1).getTime() + 30 * DAY_MS),
      },
      {
        _id: new UUID('b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e'),
        eventType: 'application.status_changed',
        source: 'recruit-api',
        payload: { status: 'hired' },
        status: 'pending',
        occurredAt: at(2),
        processedAt: null,
      },
    ],
    course_engagement: [
      {
        _id: new ObjectId(),
        courseId: U.course,
        lessonId: U.lesson,
        moduleId: U.module,
        contentType: 'video',
        bucketDate: new Date('2026-02-09T00:00:00Z'),
        bucketSeconds: 30,
        segments: [
          { startSecond: 0, views: 120, uniqueViewers: 98, replays: 4, dropOffs: 3, avgWatchSeconds: 29.1 },
          { startSecond: 30, views: 114, uniqueViewers: 95, replays: 11, dropOffs: 9, avgWatchSeconds: 27.4 },
        ],
        hourly: [0, 0, 0, 0, 0, 0, 1, 3, 9, 14, 12, 10, 8, 11, 13, 9, 7, 6, 5, 4, 3, 2, 1, 0],
        totals: { views: 120, uniqueViewers: 98, completions: 61, avgTimeSpentSeconds: 412.7, completionRate: 0.62 },
        updatedAt: at(60),
      },
    ],
  };
}

// structuredClone would turn an ObjectId into a plain object; dates and ObjectIds are kept as they are.
function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clone(v)]));
  }
  return value;
}

/** Each valid fixture's first document, broken in one named way per entry. */
export function brokenFixtures(): Record<string, BrokenFixture[]> {
  const v = validFixtures();
  const first = (name: string, change: (d: Document) => void): Document => {
    const d = clone(v[name][0]) as Document;
    change(d);
    return d;
  };
  return {
    learning_progress: [
      { why: 'user id is not a UUID string', doc: first('learning_progress', (d) => (d.userId = 12345)) },
      { why: 'unknown activity type', doc: first('learning_progress', (d) => (d.activityType = 'teleport')) },
      { why: 'progress above 100%', doc: first('learning_progress', (d) => (d.progressPercent = 140)) },
    ],
    xapi_statements: [
      { why: 'verb id is not an IRI', doc: first('xapi_statements', (d) => (d.statement.verb.id = 'completed')) },
      { why: 'statement without actor', doc: first('xapi_statements', (d) => delete d.statement.actor) },
      { why: 'actor with two inverse functional identifiers', doc: first('xapi_statements', (d) => (d.statement.actor.mbox = 'mailto:ada@example.com')) },
      { why: 'timestamp copy as a string', doc: first('xapi_statements', (d) => (d.timestamp = '2026-02-09T10:00:00Z')) },
      { why: 'statement timestamp as a BSON date', doc: first('xapi_statements', (d) => (d.statement.timestamp = new Date())) },
      { why: 'scaled score above 1', doc: first('xapi_statements', (d) => (d.statement.result.score.scaled = 1.5)) },
      { why: 'a lookup field mixed into the statement', doc: first('xapi_statements', (d) => (d.statement.userId = U.user)) },
      { why: 'no voided flag', doc: first('xapi_statements', (d) => delete d.voided) },
    ],
    flashcard_progress: [
      { why: 'SM-2 algorithm without SM-2 state', doc: first('flashcard_progress', (d) => delete d.sm2) },
      { why: 'ease factor below 1.3', doc: first('flashcard_progress', (d) => (d.sm2.easeFactor = 1.1)) },
      { why: 'no due date', doc: first('flashcard_progress', (d) => delete d.dueAt) },
      { why: 'unknown algorithm', doc: first('flashcard_progress', (d) => (d.algorithm = 'leitner')) },
    ],
    analytics_aggregates: [
      { why: 'unknown period', doc: first('analytics_aggregates', (d) => (d.period = 'fortnight')) },
      { why: 'value as a string', doc: first('analytics_aggregates', (d) => (d.value = '42')) },
      { why: 'no dimensions key', doc: first('analytics_aggregates', (d) => delete d.dimensionsKey) },
    ],
    user_sessions: [
      { why: 'unknown status', doc: first('user_sessions', (d) => (d.status = 'zombie')) },
      { why: 'no lastActivityAt', doc: first('user_sessions', (d) => delete d.lastActivityAt) },
      { why: 'no expireAt (the TTL field)', doc: first('user_sessions', (d) => delete d.expireAt) },
      { why: 'expireAt as a string (it would never expire)', doc: first('user_sessions', (d) => (d.expireAt = '2026-05-10T10:25:00Z')) },
      { why: 'upper-case UUID', doc: first('user_sessions', (d) => (d.userId = String(d.userId).toUpperCase())) },
    ],
    resume_analysis: [
      { why: 'S3 key outside users/resumes/', doc: first('resume_analysis', (d) => (d.resumeS3Key = 'users/profiles/ada.pdf')) },
      { why: 'unknown status', doc: first('resume_analysis', (d) => (d.status = 'done')) },
      { why: 'a typo field at the top level', doc: first('resume_analysis', (d) => (d.atsScroe = 80)) },
    ],
    search_logs: [
      { why: 'negative result count', doc: first('search_logs', (d) => (d.resultCount = -1)) },
      { why: 'no searchedAt', doc: first('search_logs', (d) => delete d.searchedAt) },
      { why: 'expireAt as a number (it would never expire)', doc: first('search_logs', (d) => (d.expireAt = Date.now())) },
    ],
    notification_queue: [
      { why: 'type outside notification_type', doc: first('notification_queue', (d) => (d.type = 'birthday')) },
      { why: 'payload without a title', doc: first('notification_queue', (d) => delete d.payload.title) },
      { why: 'createdAt as a number', doc: first('notification_queue', (d) => (d.createdAt = Date.now())) },
      { why: 'a queued entry that would expire before it is sent', doc: first('notification_queue', (d) => (d.expireAt = new Date())) },
      { why: 'a delivered entry that never expires', doc: first('notification_queue', (d) => ((d.status = 'delivered'), (d.deliveredAt = new Date()))) },
    ],
    event_log: [
      { why: 'event type without a dot', doc: first('event_log', (d) => (d.eventType = 'EnrollmentCreated')) },
      { why: 'no occurredAt', doc: first('event_log', (d) => delete d.occurredAt) },
      { why: 'a processed event that never expires', doc: first('event_log', (d) => delete d.expireAt) },
      { why: 'a pending event that would expire', doc: first('event_log', (d) => ((d.status = 'pending'), (d.processedAt = null))) },
      { why: 'an ObjectId _id (the event id is the _id)', doc: first('event_log', (d) => (d._id = new ObjectId())) },
      { why: 'the event id as a separate field', doc: first('event_log', (d) => (d.eventId = U.event)) },
    ],
    course_engagement: [
      { why: 'hourly histogram with 23 cells', doc: first('course_engagement', (d) => d.hourly.pop()) },
      { why: 'segment views as a fraction', doc: first('course_engagement', (d) => (d.segments[0].views = 1.5)) },
      { why: 'lesson id missing', doc: first('course_engagement', (d) => delete d.lessonId) },
    ],
  };
}
