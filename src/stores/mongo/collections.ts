/**
 * The MongoDB collections as data: validator, validation level/action, indexes and TTLs, one entry
 * per collection. The migration scripts, introspection, the fixture tests and the seeder all import
 * this module, so the shape is written down once.
 *
 * Conventions:
 * - Ids of PostgreSQL rows are stored as canonical lower-case UUID strings (the Postgres tables use
 *   uuid primary keys), checked with UUID_PATTERN; MongoDB's own `_id` stays an ObjectId.
 * - Numbers use bsonType "number" (int, long, double or decimal) unless the value is a count: the
 *   driver sends a whole JS number as int32, so a field typed "double" would reject `2`.
 * - Top-level `additionalProperties: false` keeps typos out; free-form data lives in named
 *   sub-documents (metadata, payload, filters, extensions) that accept anything.
 */
import { MANIFEST, enumLabels } from '../../summary/manifest';

export type JsonSchema = Record<string, unknown>;

export interface IndexDef {
  name: string;
  key: Record<string, 1 | -1>;
  unique?: boolean;
  /** A TTL index: documents expire this many seconds after the date in the (single) key field. */
  expireAfterSeconds?: number;
}

export interface CollectionDef {
  name: string;
  purpose: string;
  validator: { $jsonSchema: JsonSchema };
  validationLevel: 'strict' | 'moderate' | 'off';
  validationAction: 'error' | 'warn';
  /** Why this level/action was chosen for this collection. */
  validationWhy: string;
  indexes: IndexDef[];
}

export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
/** S3 key of an uploaded resume (the bucket layout's users/resumes/ prefix). */
export const RESUME_KEY_PATTERN = '^users/resumes/[^/]+(/[^/]+)*\\.(pdf|docx?|txt|rtf)$';
/** An absolute IRI as xAPI requires for verb ids and activity ids (scheme ":" rest). */
export const IRI_PATTERN = '^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$';

export const DAY = 86_400;

// The PostgreSQL enums' labels, so a Mongo document and a row never disagree on what a value means.
export const USER_TYPES = enumLabels(MANIFEST, 'user_type');
export const CONTENT_TYPES = enumLabels(MANIFEST, 'content_type');
export const NOTIFICATION_TYPES = enumLabels(MANIFEST, 'notification_type');

const uuid = { bsonType: 'string', pattern: UUID_PATTERN } as const;
const uuidOrNull = { bsonType: ['string', 'null'], pattern: UUID_PATTERN } as const;
const date = { bsonType: 'date' } as const;
const dateOrNull = { bsonType: ['date', 'null'] } as const;
const text = (maxLength = 1000) => ({ bsonType: 'string', minLength: 1, maxLength });
const count = { bsonType: ['int', 'long'], minimum: 0 } as const;
const number = (minimum?: number, maximum?: number) => ({ bsonType: 'number', ...(minimum === undefined ? {} : { minimum }), ...(maximum === undefined ? {} : { maximum }) });
const freeObject = { bsonType: 'object' } as const;
const oid = { bsonType: 'objectId' } as const;

function object(required: string[], properties: Record<string, unknown>, additionalProperties: boolean | JsonSchema = false): JsonSchema {
  return { bsonType: 'object', required, properties, additionalProperties };
}

/** A top-level document schema; `_id` must be listed because additionalProperties is false. */
function document(required: string[], properties: Record<string, unknown>): { $jsonSchema: JsonSchema } {
  return { $jsonSchema: object(['_id', ...required], { _id: oid, ...properties }) };
}

const device = object([], {
  type: { enum: ['desktop', 'mobile', 'tablet', 'other'] },
  os: text(100),
  browser: text(100),
});

// xAPI 1.0.3 pieces (https://github.com/adlnet/xAPI-Spec/blob/master/xAPI-Data.md#statements).
const languageMap = { bsonType: 'object', minProperties: 1, additionalProperties: { bsonType: 'string' } };
const xapiAccount = object(['homePage', 'name'], { homePage: { bsonType: 'string', pattern: IRI_PATTERN }, name: text(255) });
const xapiAgent = object(['objectType'], {
  objectType: { enum: ['Agent', 'Group'] },
  name: text(255),
  mbox: { bsonType: 'string', pattern: '^mailto:[^@\\s]+@[^@\\s]+$' },
  mbox_sha1sum: { bsonType: 'string', pattern: '^[0-9a-f]{40}$' },
  openid: { bsonType: 'string', pattern: IRI_PATTERN },
  account: xapiAccount,
  member: { bsonType: 'array' },
});
const xapiActivity = object(['objectType', 'id'], {
  objectType: { enum: ['Activity'] },
  id: { bsonType: 'string', pattern: IRI_PATTERN },
  definition: object([], {
    name: languageMap,
    description: languageMap,
    type: { bsonType: 'string', pattern: IRI_PATTERN },
    moreInfo: { bsonType: 'string', pattern: IRI_PATTERN },
    interactionType: { enum: ['true-false', 'choice', 'fill-in', 'long-fill-in', 'matching', 'performance', 'sequencing', 'likert', 'numeric', 'other'] },
    correctResponsesPattern: { bsonType: 'array', items: { bsonType: 'string' } },
    extensions: freeObject,
  }),
});
const activityList = { bsonType: 'array', items: xapiActivity };

export const COLLECTIONS: readonly CollectionDef[] = [
  {
    name: 'learning_progress',
    purpose: 'Granular activity tracking',
    validationLevel: 'strict',
    validationAction: 'error',
    validationWhy: 'progress drives certificates and completion; a malformed event must fail at the writer',
    validator: document(['userId', 'courseId', 'lessonId', 'activityType', 'occurredAt'], {
      userId: uuid,
      courseId: uuid,
      lessonId: uuid,
      enrollmentId: uuid,
      sessionId: text(128),
      activityType: {
        enum: ['lesson_start', 'lesson_complete', 'video_play', 'video_pause', 'video_seek', 'video_complete', 'page_view', 'scroll', 'quiz_start', 'quiz_submit', 'flashcard_review', 'download'],
      },
      contentType: { enum: [...CONTENT_TYPES] },
      positionSeconds: number(0),
      durationSeconds: number(0),
      progressPercent: number(0, 100),
      occurredAt: date,
      device,
      metadata: freeObject,
    }),
    indexes: [
      { name: 'user_time', key: { userId: 1, occurredAt: -1 } },
      { name: 'course_lesson_time', key: { courseId: 1, lessonId: 1, occurredAt: -1 } },
      { name: 'user_course_lesson', key: { userId: 1, courseId: 1, lessonId: 1 } },
      { name: 'time', key: { occurredAt: -1 } },
    ],
  },
  {
    name: 'xapi_statements',
    purpose: 'xAPI/LRS statements',
    validationLevel: 'strict',
    validationAction: 'error',
    validationWhy: 'an LRS must reject statements that break xAPI 1.0.3 rather than store them',
    // The statement's properties sit at the top level; timestamp and stored are BSON dates so they
    // can be indexed and range-queried (the LRS renders them as ISO 8601 strings).
    validator: document(['id', 'actor', 'verb', 'object', 'timestamp', 'stored', 'userId'], {
      id: uuid,
      actor: xapiAgent,
      verb: object(['id', 'display'], { id: { bsonType: 'string', pattern: IRI_PATTERN }, display: languageMap }),
      object: xapiActivity,
      result: object([], {
        score: object([], { scaled: number(-1, 1), raw: number(), min: number(), max: number() }),
        success: { bsonType: 'bool' },
        completion: { bsonType: 'bool' },
        response: { bsonType: 'string' },
        duration: { bsonType: 'string', pattern: '^P(?!$)(\\d+(?:\\.\\d+)?Y)?(\\d+(?:\\.\\d+)?M)?(\\d+(?:\\.\\d+)?W)?(\\d+(?:\\.\\d+)?D)?(T(?=\\d)(\\d+(?:\\.\\d+)?H)?(\\d+(?:\\.\\d+)?M)?(\\d+(?:\\.\\d+)?S)?)?$' },
        extensions: freeObject,
      }),
      context: object([], {
        registration: uuid,
        instructor: xapiAgent,
        team: xapiAgent,
        contextActivities: object([], { parent: activityList, grouping: activityList, category: activityList, other: activityList }),
        revision: { bsonType: 'string' },
        platform: { bsonType: 'string' },
        language: { bsonType: 'string', pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$' },
        statement: object(['objectType', 'id'], { objectType: { enum: ['StatementRef'] }, id: uuid }),
        extensions: freeObject,
      }),
      timestamp: date,
      stored: date,
      authority: xapiAgent,
      version: { bsonType: 'string', pattern: '^1\\.0(\\.\\d+)?$' },
      voided: { bsonType: 'bool' },
      // Denormalised links to PostgreSQL rows, so reports need not parse IRIs.
      userId: uuid,
      courseId: uuid,
      lessonId: uuid,
    }),
    indexes: [
      { name: 'statement_id', key: { id: 1 }, unique: true },
      { name: 'user_time', key: { userId: 1, timestamp: -1 } },
      { name: 'course_lesson_time', key: { courseId: 1, lessonId: 1, timestamp: -1 } },
      { name: 'verb_time', key: { 'verb.id': 1, timestamp: -1 } },
      { name: 'activity', key: { 'object.id': 1 } },
      { name: 'stored', key: { stored: -1 } },
    ],
  },
  {
    name: 'flashcard_progress',
    purpose: 'Spaced repetition data',
    validationLevel: 'strict',
    validationAction: 'error',
    validationWhy: 'scheduling state that fails validation would corrupt a learner\'s review queue',
    validator: {
      $jsonSchema: {
        ...document(['userId', 'flashcardId', 'deckId', 'algorithm', 'state', 'dueAt', 'reps', 'lapses', 'createdAt', 'updatedAt'], {
          userId: uuid,
          flashcardId: uuid,
          deckId: uuid,
          courseId: uuid,
          algorithm: { enum: ['sm2', 'fsrs'] },
          state: { enum: ['new', 'learning', 'review', 'relearning', 'suspended'] },
          // SM-2 (SuperMemo 2): ease factor >= 1.3, interval in days, successful repetitions in a row.
          sm2: object(['easeFactor', 'intervalDays', 'repetitions'], { easeFactor: number(1.3, 5), intervalDays: number(0), repetitions: count }),
          // FSRS: memory stability (days), difficulty 1..10, days elapsed/scheduled at the last review.
          fsrs: object(['stability', 'difficulty', 'scheduledDays'], { stability: number(0), difficulty: number(1, 10), elapsedDays: number(0), scheduledDays: number(0) }),
          dueAt: date,
          lastReviewedAt: dateOrNull,
          lastRating: { bsonType: 'int', minimum: 0, maximum: 5 },
          reps: count,
          lapses: count,
          reviewHistory: {
            bsonType: 'array',
            maxItems: 500,
            items: object(['reviewedAt', 'rating'], { reviewedAt: date, rating: { bsonType: 'int', minimum: 0, maximum: 5 }, intervalDays: number(0), elapsedDays: number(0), durationMs: count }),
          },
          createdAt: date,
          updatedAt: date,
        }).$jsonSchema,
        // The state of the algorithm in use must be present.
        oneOf: [
          { properties: { algorithm: { enum: ['sm2'] } }, required: ['sm2'] },
          { properties: { algorithm: { enum: ['fsrs'] } }, required: ['fsrs'] },
        ],
      },
    },
    indexes: [
      { name: 'user_card', key: { userId: 1, flashcardId: 1 }, unique: true },
      { name: 'user_due', key: { userId: 1, dueAt: 1 } },
      { name: 'deck_user', key: { deckId: 1, userId: 1 } },
    ],
  },
  {
    name: 'analytics_aggregates',
    purpose: 'Pre-computed analytics',
    validationLevel: 'strict',
    validationAction: 'error',
    validationWhy: 'dashboards read these without checks; the aggregation job must fail loudly instead',
    validator: document(['metric', 'period', 'periodStart', 'periodEnd', 'dimensions', 'dimensionsKey', 'value', 'computedAt'], {
      metric: {
        enum: [
          'active_users',
          'new_users',
          'course_enrollments',
          'course_completions',
          'lesson_views',
          'quiz_attempts',
          'quiz_pass_rate',
          'job_applications',
          'job_views',
          'revenue',
          'search_queries',
        ],
      },
      period: { enum: ['hour', 'day', 'week', 'month', 'quarter', 'year'] },
      periodStart: date,
      periodEnd: date,
      dimensions: object([], {
        courseId: uuid,
        lessonId: uuid,
        jobId: uuid,
        companyId: uuid,
        instructorId: uuid,
        categoryId: uuid,
        userType: { enum: [...USER_TYPES] },
        country: { bsonType: 'string', pattern: '^[A-Z]{2}$' },
      }),
      // Canonical form of `dimensions` (see dimensionsKey()): the unique index cannot rely on
      // sub-document field order.
      dimensionsKey: { bsonType: 'string', maxLength: 1000 },
      value: number(),
      count: count,
      unit: { enum: ['count', 'ratio', 'percent', 'seconds', 'usd_cents'] },
      computedAt: date,
    }),
    indexes: [
      { name: 'metric_period_dimensions', key: { metric: 1, period: 1, periodStart: 1, dimensionsKey: 1 }, unique: true },
      { name: 'course_metric_time', key: { 'dimensions.courseId': 1, metric: 1, periodStart: -1 } },
      { name: 'time', key: { periodStart: -1 } },
    ],
  },
  {
    name: 'user_sessions',
    purpose: 'Session tracking',
    validationLevel: 'strict',
    validationAction: 'error',
    validationWhy: 'sessions gate authentication; a session without a user or dates must not exist',
    validator: document(['sessionId', 'userId', 'userType', 'status', 'startedAt', 'lastActivityAt'], {
      sessionId: text(128),
      userId: uuid,
      userType: { enum: [...USER_TYPES] },
      status: { enum: ['active', 'ended', 'expired', 'revoked'] },
      startedAt: date,
      lastActivityAt: date,
      endedAt: dateOrNull,
      ipAddress: { bsonType: 'string', maxLength: 45 },
      userAgent: { bsonType: 'string', maxLength: 1000 },
      device,
      pageViews: count,
    }),
    indexes: [
      { name: 'session_id', key: { sessionId: 1 }, unique: true },
      { name: 'user_time', key: { userId: 1, startedAt: -1 } },
      // 90 days after the last activity, not after the start: an active session must not vanish.
      { name: 'ttl_last_activity', key: { lastActivityAt: 1 }, expireAfterSeconds: 90 * DAY },
    ],
  },
  {
    name: 'resume_analysis',
    purpose: 'Parsed resume data',
    validationLevel: 'strict',
    validationAction: 'error',
    validationWhy: 'recruiters act on parsed resumes; an analysis detached from its S3 object is useless',
    validator: document(['studentId', 'userId', 'resumeS3Key', 'parserVersion', 'status', 'createdAt'], {
      studentId: uuid,
      userId: uuid,
      resumeS3Key: { bsonType: 'string', pattern: RESUME_KEY_PATTERN, maxLength: 1024 },
      fileName: text(255),
      mimeType: { enum: ['application/pdf', 'application/msword', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'text/plain', 'application/rtf'] },
      parserVersion: text(50),
      status: { enum: ['pending', 'processing', 'completed', 'failed'] },
      parsed: object([], {
        fullName: text(255),
        email: { bsonType: 'string', pattern: '^[^@\\s]+@[^@\\s]+$' },
        phone: { bsonType: 'string', maxLength: 50 },
        summary: { bsonType: 'string', maxLength: 5000 },
        totalExperienceYears: number(0, 80),
        skills: {
          bsonType: 'array',
          items: object(['name'], { name: text(100), skillId: uuid, confidence: number(0, 1), yearsExperience: number(0, 80) }),
        },
        experience: {
          bsonType: 'array',
          items: object(['company', 'title'], { company: text(255), title: text(255), startDate: dateOrNull, endDate: dateOrNull, description: { bsonType: 'string' } }),
        },
        education: {
          bsonType: 'array',
          items: object(['institution'], { institution: text(255), degree: { bsonType: 'string' }, field: { bsonType: 'string' }, graduationYear: { bsonType: 'int', minimum: 1950, maximum: 2100 } }),
        },
        languages: { bsonType: 'array', items: { bsonType: 'string' } },
      }),
      atsScore: number(0, 100),
      error: { bsonType: 'string' },
      createdAt: date,
      analyzedAt: dateOrNull,
    }),
    indexes: [
      // One analysis per resume file and parser version; re-parsing with a new parser adds one.
      { name: 'resume_parser', key: { resumeS3Key: 1, parserVersion: 1 }, unique: true },
      { name: 'student_time', key: { studentId: 1, createdAt: -1 } },
      { name: 'user_time', key: { userId: 1, createdAt: -1 } },
      { name: 'status_time', key: { status: 1, createdAt: 1 } },
      { name: 'skill_name', key: { 'parsed.skills.name': 1 } },
    ],
  },
  {
    name: 'search_logs',
    purpose: 'Search queries',
    validationLevel: 'strict',
    validationAction: 'warn',
    validationWhy: 'best-effort telemetry: an odd log line is logged by the server, not lost by the search request',
    validator: document(['query', 'searchType', 'searchedAt', 'resultCount'], {
      userId: uuidOrNull,
      sessionId: { bsonType: 'string', maxLength: 128 },
      query: { bsonType: 'string', maxLength: 1000 },
      searchType: { enum: ['job', 'course', 'mentor', 'webinar', 'material', 'student', 'global'] },
      filters: freeObject,
      resultCount: count,
      clickedResults: {
        bsonType: 'array',
        items: object(['resultId', 'position'], { resultId: uuid, resultType: { bsonType: 'string' }, position: { bsonType: 'int', minimum: 0 }, clickedAt: date }),
      },
      responseTimeMs: count,
      searchedAt: date,
    }),
    indexes: [
      { name: 'user_time', key: { userId: 1, searchedAt: -1 } },
      { name: 'type_time', key: { searchType: 1, searchedAt: -1 } },
      { name: 'ttl_searched_at', key: { searchedAt: 1 }, expireAfterSeconds: 180 * DAY },
    ],
  },
  {
    name: 'notification_queue',
    purpose: 'Real-time notifications',
    validationLevel: 'strict',
    validationAction: 'error',
    validationWhy: 'delivery workers trust queue entries; a bad entry must fail at the producer',
    validator: document(['notificationId', 'userId', 'type', 'channel', 'status', 'payload', 'attempts', 'createdAt'], {
      notificationId: uuid,
      userId: uuid,
      type: { enum: [...NOTIFICATION_TYPES] },
      channel: { enum: ['in_app', 'email', 'push', 'sms'] },
      status: { enum: ['queued', 'sending', 'delivered', 'failed', 'read', 'cancelled'] },
      priority: { enum: ['low', 'normal', 'high'] },
      payload: object(['title', 'body'], { title: text(200), body: text(5000), link: { bsonType: 'string', maxLength: 2000 }, data: freeObject }),
      attempts: { bsonType: 'int', minimum: 0, maximum: 20 },
      lastError: { bsonType: 'string' },
      scheduledFor: date,
      createdAt: date,
      deliveredAt: dateOrNull,
      readAt: dateOrNull,
    }),
    indexes: [
      { name: 'notification_channel', key: { notificationId: 1, channel: 1 }, unique: true },
      { name: 'user_status_time', key: { userId: 1, status: 1, createdAt: -1 } },
      { name: 'status_schedule', key: { status: 1, scheduledFor: 1 } },
      // Queue entries are transient: 7 days after they were queued (the notification itself lives in PostgreSQL).
      { name: 'ttl_created_at', key: { createdAt: 1 }, expireAfterSeconds: 7 * DAY },
    ],
  },
  {
    name: 'event_log',
    purpose: 'Event-driven events',
    validationLevel: 'strict',
    validationAction: 'warn',
    validationWhy: 'events from many producers; dropping an event is worse than storing one with an odd shape',
    validator: document(['eventId', 'eventType', 'source', 'occurredAt', 'payload'], {
      eventId: uuid,
      eventType: { bsonType: 'string', pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$' },
      version: { bsonType: 'int', minimum: 1 },
      source: text(100),
      aggregateType: { bsonType: 'string', maxLength: 100 },
      aggregateId: uuid,
      userId: uuidOrNull,
      correlationId: uuid,
      causationId: uuid,
      payload: freeObject,
      status: { enum: ['pending', 'processed', 'failed'] },
      occurredAt: date,
      processedAt: dateOrNull,
    }),
    indexes: [
      { name: 'event_id', key: { eventId: 1 }, unique: true },
      { name: 'type_time', key: { eventType: 1, occurredAt: -1 } },
      { name: 'aggregate_time', key: { aggregateType: 1, aggregateId: 1, occurredAt: 1 } },
      { name: 'user_time', key: { userId: 1, occurredAt: -1 } },
      { name: 'ttl_occurred_at', key: { occurredAt: 1 }, expireAfterSeconds: 30 * DAY },
    ],
  },
  {
    name: 'course_engagement',
    purpose: 'Content engagement heatmaps',
    validationLevel: 'strict',
    validationAction: 'error',
    validationWhy: 'heatmap buckets are written by one aggregation job that should fail loudly',
    // One document per lesson per day; `segments` are the heatmap cells along the lesson's timeline,
    // `hourly` the 24 cells of the time-of-day heatmap.
    validator: document(['courseId', 'lessonId', 'bucketDate', 'bucketSeconds', 'segments', 'totals', 'updatedAt'], {
      courseId: uuid,
      lessonId: uuid,
      moduleId: uuid,
      contentType: { enum: [...CONTENT_TYPES] },
      bucketDate: date,
      bucketSeconds: { bsonType: 'int', minimum: 1, maximum: 3600 },
      segments: {
        bsonType: 'array',
        maxItems: 2000,
        items: object(['startSecond', 'views'], {
          startSecond: { bsonType: 'int', minimum: 0 },
          views: count,
          uniqueViewers: count,
          replays: count,
          dropOffs: count,
          avgWatchSeconds: number(0),
        }),
      },
      hourly: { bsonType: 'array', minItems: 24, maxItems: 24, items: count },
      totals: object(['views', 'uniqueViewers'], {
        views: count,
        uniqueViewers: count,
        completions: count,
        avgTimeSpentSeconds: number(0),
        completionRate: number(0, 1),
      }),
      updatedAt: date,
    }),
    indexes: [
      { name: 'course_lesson_day', key: { courseId: 1, lessonId: 1, bucketDate: 1 }, unique: true },
      { name: 'course_time', key: { courseId: 1, bucketDate: -1 } },
      { name: 'time', key: { bucketDate: -1 } },
    ],
  },
];

export const COLLECTION_NAMES = COLLECTIONS.map((c) => c.name);

export function collectionDef(name: string): CollectionDef {
  const def = COLLECTIONS.find((c) => c.name === name);
  if (!def) throw new Error(`recruit-db: no MongoDB collection definition named "${name}"`);
  return def;
}

/** The TTL index of a collection, if it has one. */
export function ttlIndexOf(def: CollectionDef): (IndexDef & { field: string; expireAfterSeconds: number }) | undefined {
  const idx = def.indexes.find((i) => i.expireAfterSeconds !== undefined);
  return idx ? { ...idx, field: Object.keys(idx.key)[0], expireAfterSeconds: idx.expireAfterSeconds! } : undefined;
}

/** Canonical string of an analytics dimensions object: keys sorted, undefined dropped. */
export function dimensionsKey(dimensions: Record<string, unknown>): string {
  return Object.keys(dimensions)
    .filter((k) => dimensions[k] !== undefined)
    .sort()
    .map((k) => `${k}=${String(dimensions[k])}`)
    .join(';');
}

/** Collections the toolkit itself keeps in the same database (not part of the documented ten). */
export const INTERNAL = {
  changelog: 'changelog',
  lock: 'recruit_db_lock',
  capabilities: 'recruit_db_capabilities',
  /** The store stamp (src/stores/mongo/meta.ts). */
  meta: 'recruit_db_meta',
} as const;
