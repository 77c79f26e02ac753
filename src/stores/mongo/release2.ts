/**
 * The second release's MongoDB collection definitions (issue 14), applied by the scripts
 * mongo-migrations/20261201000001..7 over the first release's (release1.ts). Once released, this
 * module is frozen like release1.ts: tests/unit/mongo-snapshots.test.ts pins what its scripts send.
 *
 * What changed, and the document shapes the seeder writes:
 * - Expiry by meaning: a per-document `expireAt` date with a TTL index `expireAfterSeconds: 0`.
 *   user_sessions.expireAt = lastActivityAt + 90 d; search_logs.expireAt = searchedAt + 180 d;
 *   notification_queue: entries in a terminal status (delivered, read, failed, cancelled) carry
 *   expireAt = the time they reached it + 7 d, entries still queued/sending carry none (they never
 *   expire unsent); event_log: processed events carry expireAt = processedAt + 30 d, pending and
 *   failed ones none. The validators say so, at validationAction "error" everywhere (search_logs
 *   and event_log only warned).
 * - Ids as BSON UUIDs: xapi_statements._id = UUID(statement.id), event_log._id = UUID(event id)
 *   (the separate unique index on the id goes: one index fewer; event_log drops its eventId field).
 * - xapi_statements stored LRS-shaped: { _id, statement: {xAPI 1.0.3 as served}, userId, courseId?,
 *   lessonId?, timestamp: Date, stored: Date, voided } (see xapi.ts).
 * - A shard key per large collection (`shardKey`, applied on a mongos only), with every unique
 *   index led by it; small collections declare null and why.
 * - No `required: []` in any validator: MongoDB refuses an empty `required` (FailedToParse), which
 *   the first release's sub-objects had (FerretDB enforces no validator, so it went unnoticed).
 */
import { RELEASE_1 } from './release1';
import { DAY, deepFreeze, UUID_PATTERN, withoutEmptyRequired, type CollectionDef, type JsonSchema } from './schema';
import { XAPI_STATEMENT_SCHEMA } from './xapi';

const uuid = { bsonType: 'string', pattern: UUID_PATTERN } as const;
const date = { bsonType: 'date' } as const;

function first(name: string): CollectionDef {
  const def = RELEASE_1.find((c) => c.name === name);
  if (!def) throw new Error(`no first-release definition of ${name}`);
  return withoutEmptyRequired(def);
}

type Schema = { required: string[]; properties: Record<string, unknown> } & JsonSchema;

/** A first-release collection with its $jsonSchema edited; indexes and options given in full. */
function revise(name: string, edit: (schema: Schema) => JsonSchema, rest: Omit<CollectionDef, 'name' | 'purpose' | 'validator'>): CollectionDef {
  const base = first(name);
  const schema = structuredClone(base.validator.$jsonSchema) as Schema;
  return { name, purpose: base.purpose, validator: { $jsonSchema: edit(schema) }, ...rest };
}

const ttlExpireAt = { name: 'ttl_expire_at', key: { expireAt: 1 }, expireAfterSeconds: 0 } as const;

/** Days each collection keeps a document once it may expire (the summary's TTLs). */
export const EXPIRY_DAYS = { user_sessions: 90, search_logs: 180, notification_queue: 7, event_log: 30 } as const;

export const NOTIFICATION_TERMINAL = ['delivered', 'read', 'failed', 'cancelled'] as const;
export const NOTIFICATION_PENDING = ['queued', 'sending'] as const;

const hashedId = { _id: 'hashed' } as const;

export const RELEASE_2: readonly CollectionDef[] = deepFreeze<CollectionDef[]>([
  {
    ...first('learning_progress'),
    shardKey: { userId: 'hashed' },
    shardWhy: 'the largest collection, written per learner action and read per learner: hashing userId spreads writes and keeps one learner on one shard',
  },
  {
    name: 'xapi_statements',
    purpose: 'xAPI/LRS statements',
    validationLevel: 'strict',
    validationAction: 'error',
    validationWhy: 'an LRS must reject statements that break xAPI 1.0.3 rather than store them',
    validator: {
      $jsonSchema: {
        bsonType: 'object',
        required: ['_id', 'statement', 'userId', 'timestamp', 'stored', 'voided'],
        properties: {
          // UUID(statement.id): the statement id is the key, so no second unique index is needed.
          _id: { bsonType: 'binData' },
          statement: XAPI_STATEMENT_SCHEMA,
          // Lookup fields beside the statement (PostgreSQL ids), never mixed into it.
          userId: uuid,
          courseId: uuid,
          lessonId: uuid,
          // BSON copies of statement.timestamp / statement.stored, for indexes and range queries.
          timestamp: date,
          stored: date,
          // Set when a voiding statement names this one; voided statements stay stored.
          voided: { bsonType: 'bool' },
        },
        additionalProperties: false,
      },
    },
    indexes: [
      { name: 'user_time', key: { userId: 1, timestamp: -1 } },
      { name: 'course_lesson_time', key: { courseId: 1, lessonId: 1, timestamp: -1 } },
      { name: 'verb_time', key: { 'statement.verb.id': 1, timestamp: -1 } },
      { name: 'activity', key: { 'statement.object.id': 1 } },
      { name: 'stored', key: { stored: -1 } },
    ],
    shardKey: hashedId,
    shardWhy: 'statement ids are random UUIDs and must be unique across the cluster: only a shard key on _id makes the _id index globally unique',
  },
  {
    ...first('flashcard_progress'),
    shardKey: { userId: 1 },
    shardWhy: 'grows with learners x cards and is read per learner; the unique (userId, flashcardId) index is led by it',
  },
  {
    ...first('analytics_aggregates'),
    shardKey: null,
    shardWhy: 'pre-computed: a few documents per metric per day, small enough for one replica set',
  },
  revise(
    'user_sessions',
    (s) => ({ ...s, required: [...s.required, 'expireAt'], properties: { ...s.properties, expireAt: date } }),
    {
      validationLevel: 'strict',
      validationAction: 'error',
      validationWhy: 'sessions gate authentication; a session without a user or dates must not exist',
      indexes: [
        { name: 'session_id', key: { sessionId: 1 }, unique: true },
        { name: 'user_time', key: { userId: 1, startedAt: -1 } },
        // expireAt = lastActivityAt + 90 d: an active session moves its own expiry forward.
        ttlExpireAt,
      ],
      shardKey: { sessionId: 1 },
      shardWhy: 'looked up by session id on every request; the unique session_id index is the shard key index (random ids spread the ranges)',
    },
  ),
  {
    ...first('resume_analysis'),
    shardKey: null,
    shardWhy: 'one document per uploaded resume and parser version: small enough for one replica set',
  },
  revise(
    'search_logs',
    (s) => ({ ...s, required: [...s.required, 'expireAt'], properties: { ...s.properties, expireAt: date } }),
    {
      validationLevel: 'strict',
      validationAction: 'error',
      validationWhy: 'the expiry date must be a BSON date, or the entry would never expire: the writer must fail instead',
      indexes: [
        { name: 'user_time', key: { userId: 1, searchedAt: -1 } },
        { name: 'type_time', key: { searchType: 1, searchedAt: -1 } },
        // expireAt = searchedAt + 180 d.
        ttlExpireAt,
      ],
      shardKey: hashedId,
      shardWhy: 'append-only telemetry, often anonymous (userId null): hashing _id spreads writes evenly',
    },
  ),
  revise(
    'notification_queue',
    (s) => ({
      ...s,
      properties: { ...s.properties, expireAt: date },
      // Terminal entries expire 7 days after they reached their state; pending ones never expire.
      anyOf: [
        { properties: { status: { enum: [...NOTIFICATION_PENDING] } }, not: { required: ['expireAt'] } },
        { properties: { status: { enum: [...NOTIFICATION_TERMINAL] } }, required: ['expireAt'] },
      ],
    }),
    {
      validationLevel: 'strict',
      validationAction: 'error',
      validationWhy: 'delivery workers trust queue entries; a bad entry must fail at the producer',
      indexes: [
        { name: 'notification_channel', key: { notificationId: 1, channel: 1 }, unique: true },
        { name: 'user_status_time', key: { userId: 1, status: 1, createdAt: -1 } },
        { name: 'status_schedule', key: { status: 1, scheduledFor: 1 } },
        ttlExpireAt,
      ],
      shardKey: { notificationId: 1 },
      shardWhy: 'one entry per notification and channel; the unique (notificationId, channel) index is led by it',
    },
  ),
  revise(
    'event_log',
    (s) => {
      const { eventId: _eventId, ...properties } = s.properties;
      return {
        ...s,
        required: [...s.required.filter((f) => f !== 'eventId')],
        properties: { ...properties, _id: { bsonType: 'binData' }, expireAt: date },
        // Processed events expire 30 days after processing; pending and failed ones are kept.
        anyOf: [
          { properties: { status: { enum: ['processed'] } }, required: ['status', 'processedAt', 'expireAt'] },
          { properties: { status: { enum: ['pending', 'failed'] } }, not: { required: ['expireAt'] } },
          { not: { anyOf: [{ required: ['status'] }, { required: ['expireAt'] }] } },
        ],
      };
    },
    {
      validationLevel: 'strict',
      validationAction: 'error',
      validationWhy: 'the expiry decides which events survive; an event whose expiry is not a date must fail at the producer',
      indexes: [
        { name: 'type_time', key: { eventType: 1, occurredAt: -1 } },
        { name: 'aggregate_time', key: { aggregateType: 1, aggregateId: 1, occurredAt: 1 } },
        { name: 'user_time', key: { userId: 1, occurredAt: -1 } },
        ttlExpireAt,
      ],
      shardKey: hashedId,
      shardWhy: 'event ids are random UUIDs that must stay unique across the cluster (idempotent consumers): only a shard key on _id gives that',
    },
  ),
  {
    ...first('course_engagement'),
    shardKey: null,
    shardWhy: 'one document per lesson per day, rewritten by one aggregation job: small enough for one replica set',
  },
]);

/** The second-release definition of a collection. */
export function release2(name: string): CollectionDef {
  const def = RELEASE_2.find((c) => c.name === name);
  if (!def) throw new Error(`no second-release definition of ${name}`);
  return def;
}

export const EXPIRY_SECONDS = (name: keyof typeof EXPIRY_DAYS) => EXPIRY_DAYS[name] * DAY;
