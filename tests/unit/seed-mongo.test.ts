/**
 * The MongoDB documents of the second schema release, generated without a store: LRS-shaped xAPI
 * statements pass Learning Locker's conformance-tested validator as stored, TTL documents carry an
 * expireAt that follows their meaning and is after as-of, event ids are the documents' BSON UUID
 * _ids. A seed takes the shapes of the release its target is migrated to (told by the indexes), and
 * the documents of either release pass that release's validators.
 */
import { Binary, type Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import validateStatement from '@learninglocker/xapi-validation';
import type { CollectionDef } from '../../src/stores/mongo/collections';
import { RELEASE_1 } from '../../src/stores/mongo/release1';
import { RELEASE_2 } from '../../src/stores/mongo/release2';
import { formatViolations, validateDocument } from '../../src/stores/mongo/jsonschema';
import { genContext } from '../../seeds/postgres';
import { RELEASE2_SHAPES, liveShapes, mongoCollections } from '../../seeds/mongo';
import { Topology, shapeFor } from '../../seeds/topology';

const AS_OF = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

function documents(shapes = RELEASE2_SHAPES): Record<string, Document[]> {
  const ctx = genContext(new Topology(3, shapeFor('small')), 'array', AS_OF);
  return Object.fromEntries(mongoCollections(shapes).map((spec) => [spec.name, [...spec.docs(ctx)]]));
}

const uuidText = (b: Binary) => {
  const h = Buffer.from(b.buffer).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

describe('MongoDB documents, second schema release', () => {
  const docs = documents();

  it('xAPI statements, as stored, pass xapi-validation (Learning Locker), with authority and one actor identifier', () => {
    expect(docs.xapi_statements.length).toBeGreaterThan(20);
    const verbs = new Set<string>();
    for (const d of docs.xapi_statements) {
      const warnings = validateStatement(d.statement);
      expect(warnings, JSON.stringify(d.statement)).toEqual([]);
      expect(d.statement.authority).toBeDefined();
      expect(d.statement.version).toBe('1.0.3');
      expect(['mbox', 'mbox_sha1sum', 'openid', 'account'].filter((k) => k in d.statement.actor)).toEqual(['mbox']);
      verbs.add(d.statement.verb.display['en-US']);
    }
    // Lessons experienced and completed, quizzes attempted, passed and failed all occur.
    expect([...verbs].sort()).toEqual(['attempted', 'completed', 'experienced', 'failed', 'passed']);
  });

  it('xAPI documents keep the lookup fields beside the statement: _id is the statement id as a BSON UUID, times agree', () => {
    for (const d of docs.xapi_statements) {
      expect(d._id).toBeInstanceOf(Binary);
      expect((d._id as Binary).sub_type).toBe(Binary.SUBTYPE_UUID);
      expect(uuidText(d._id)).toBe(d.statement.id);
      expect(new Date(d.statement.timestamp).getTime()).toBe(d.timestamp.getTime());
      expect(new Date(d.statement.stored).getTime()).toBe(d.stored.getTime());
      expect(d.stored.getTime()).toBeGreaterThanOrEqual(d.timestamp.getTime());
      for (const k of ['userId', 'courseId', 'lessonId']) {
        expect(d[k]).toMatch(/^[0-9a-f-]{36}$/);
        expect(d.statement[k]).toBeUndefined();
      }
      expect(d.voided).toBe(false);
    }
  });

  it('the validator is not a rubber stamp: a statement with two actor identifiers or a bad verb id fails', () => {
    const s = docs.xapi_statements[0].statement;
    expect(validateStatement({ ...s, actor: { ...s.actor, account: { homePage: 'https://lms.example.com', name: 'x' } } }).length).toBeGreaterThan(0);
    expect(validateStatement({ ...s, verb: { id: 'completed' } }).length).toBeGreaterThan(0);
  });

  it('expireAt follows what each TTL document means, and none has expired at as-of', () => {
    for (const d of docs.user_sessions) expect(d.expireAt.getTime()).toBe(d.lastActivityAt.getTime() + 90 * DAY);
    for (const d of docs.search_logs) expect(d.expireAt.getTime()).toBe(d.searchedAt.getTime() + 180 * DAY);
    const statuses = new Set<string>();
    for (const d of docs.notification_queue) {
      statuses.add(d.status);
      if (d.status === 'queued' || d.status === 'sending') expect(d.expireAt).toBeUndefined();
      else if (d.status === 'read') expect(d.expireAt.getTime()).toBe(d.readAt.getTime() + 7 * DAY);
      else if (d.status === 'delivered') expect(d.expireAt.getTime()).toBe(d.deliveredAt.getTime() + 7 * DAY);
      else expect(d.expireAt.getTime()).toBeGreaterThanOrEqual(d.createdAt.getTime() + 7 * DAY);
    }
    expect(statuses.has('delivered') && statuses.has('read')).toBe(true);
    for (const d of docs.event_log) {
      if (d.status === 'processed') expect(d.expireAt.getTime()).toBe(d.processedAt.getTime() + 30 * DAY);
      else expect(d.expireAt).toBeUndefined();
    }
    for (const name of ['user_sessions', 'search_logs', 'notification_queue', 'event_log']) {
      expect(docs[name].length, name).toBeGreaterThan(0);
      for (const d of docs[name]) if (d.expireAt) expect(d.expireAt.getTime(), name).toBeGreaterThan(AS_OF);
    }
  });

  it('event_log _id is the event id as a BSON UUID, without a separate eventId; each event once', () => {
    const ids = new Set<string>();
    for (const d of docs.event_log) {
      expect((d._id as Binary).sub_type).toBe(Binary.SUBTYPE_UUID);
      expect(d.eventId).toBeUndefined();
      ids.add(uuidText(d._id));
    }
    expect(ids.size).toBe(docs.event_log.length);
  });
});

describe('MongoDB documents in the shapes of the release a target is migrated to', () => {
  const indexed = (defs: readonly CollectionDef[]) => (name: string) => new Set((defs.find((d) => d.name === name)?.indexes ?? []).flatMap((i) => Object.keys(i.key)));

  it('the shapes follow the fields the indexes of each release cover', () => {
    expect(liveShapes(indexed(RELEASE_2))).toEqual(RELEASE2_SHAPES);
    expect(liveShapes(indexed(RELEASE_1))).toEqual({ xapiLrs: false, eventUuid: false, expireAt: new Set() });
  });

  for (const [release, defs] of [['first', RELEASE_1], ['second', RELEASE_2]] as const) {
    it(`pass the ${release} release's validators, and keep their TTL documents inside the windows`, () => {
      const docs = documents(liveShapes(indexed(defs)));
      const windows: Record<string, [string, number]> = { user_sessions: ['lastActivityAt', 90], search_logs: ['searchedAt', 180], notification_queue: ['createdAt', 7], event_log: ['occurredAt', 30] };
      for (const [name, list] of Object.entries(docs)) {
        const def = defs.find((d) => d.name === name)!;
        for (const d of list) expect(validateDocument(def.validator, d), `${name}: ${formatViolations(validateDocument(def.validator, d))}`).toEqual([]);
        const w = windows[name];
        if (w) for (const d of list) expect(d[w[0]].getTime() + w[1] * DAY, name).toBeGreaterThan(AS_OF);
      }
    });
  }
});
