import { ObjectId, Long, Decimal128 } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { COLLECTIONS, collectionDef, ttlIndexOf, dimensionsKey } from '../../src/stores/mongo/collections';
import { RELEASE_1 } from '../../src/stores/mongo/release1';
import { EXPIRY_DAYS } from '../../src/stores/mongo/release2';
import { brokenFixtures, validFixtures } from '../../src/stores/mongo/fixtures';
import { bsonTypeOf, formatViolations, validate, validateDocument } from '../../src/stores/mongo/jsonschema';
import { MANIFEST } from '../../src/summary/manifest';

describe('collection definitions', () => {
  it('are exactly the ten documented collections; expiry is an expireAt date with a 0 s TTL, kept for the documented days', () => {
    expect(COLLECTIONS.map((c) => c.name)).toEqual(MANIFEST.mongoCollections.map((c) => c.name));
    for (const doc of MANIFEST.mongoCollections) {
      const ttl = ttlIndexOf(collectionDef(doc.name));
      if (doc.ttlDays === undefined) {
        expect(ttl, doc.name).toBeUndefined();
        continue;
      }
      expect(ttl, doc.name).toMatchObject({ field: 'expireAt', expireAfterSeconds: 0 });
      expect(EXPIRY_DAYS[doc.name as keyof typeof EXPIRY_DAYS], doc.name).toBe(doc.ttlDays);
    }
  });

  it('every expiry field is a BSON date, and every validator errors (none only warns)', () => {
    for (const def of COLLECTIONS) {
      expect(def.validationAction, def.name).toBe('error');
      const ttl = ttlIndexOf(def);
      if (!ttl) continue;
      const s = def.validator.$jsonSchema as { properties: Record<string, { bsonType: unknown }> };
      expect(s.properties[ttl.field].bsonType, def.name).toBe('date');
    }
  });

  it('no validator has an empty required list (MongoDB refuses them)', () => {
    const empty = (v: unknown): boolean =>
      Array.isArray(v) ? v.some(empty) : !!v && typeof v === 'object' && Object.entries(v).some(([k, x]) => (k === 'required' && Array.isArray(x) && x.length === 0) || empty(x));
    for (const def of COLLECTIONS) expect(empty(def.validator), def.name).toBe(false);
    // The first release had them: that is why release 2 replaces every validator.
    expect(RELEASE_1.some((d) => empty(d.validator))).toBe(true);
  });

  it('declares a shard key or null (with a reason) for every collection; unique indexes are led by the key', () => {
    for (const def of COLLECTIONS) {
      expect(def.shardKey, def.name).not.toBeUndefined();
      expect(def.shardWhy, def.name).toBeTruthy();
      if (!def.shardKey) continue;
      const fields = Object.keys(def.shardKey);
      const hashed = Object.values(def.shardKey).includes('hashed');
      for (const idx of def.indexes.filter((i) => i.unique)) {
        // A hashed key cannot back a unique index; a ranged one must lead it.
        expect(hashed, `${def.name}.${idx.name} under a hashed shard key`).toBe(false);
        expect(Object.keys(idx.key).slice(0, fields.length), `${def.name}.${idx.name}`).toEqual(fields);
      }
    }
    for (const name of ['learning_progress', 'xapi_statements', 'event_log', 'user_sessions', 'search_logs', 'notification_queue']) {
      expect(collectionDef(name).shardKey, name).toBeTruthy();
    }
    // Statement and event ids are the _id and the shard key: unique across a cluster, no second index.
    for (const name of ['xapi_statements', 'event_log']) {
      expect(collectionDef(name).shardKey).toEqual({ _id: 'hashed' });
      expect(collectionDef(name).indexes.filter((i) => i.unique)).toEqual([]);
    }
  });

  it('dimensionsKey does not depend on field order', () => {
    expect(dimensionsKey({ b: 2, a: 1, c: undefined })).toBe(dimensionsKey({ a: 1, b: 2 }));
    expect(dimensionsKey({ a: 1 })).not.toBe(dimensionsKey({ a: 2 }));
  });
});

describe('fixtures against each collection $jsonSchema (client-side)', () => {
  const valid = validFixtures();
  const broken = brokenFixtures();
  for (const def of COLLECTIONS) {
    it(`${def.name}: valid fixtures pass, broken ones are rejected`, () => {
      expect(valid[def.name]?.length, 'has valid fixtures').toBeGreaterThan(0);
      for (const doc of valid[def.name]) expect(formatViolations(validateDocument(def.validator, doc))).toBe('');
      expect(broken[def.name]?.length, 'has broken fixtures').toBeGreaterThan(0);
      for (const b of broken[def.name]) expect(validateDocument(def.validator, b.doc).length, b.why).toBeGreaterThan(0);
    });
  }

  it('names the path and keyword of a violation', () => {
    const def = collectionDef('xapi_statements');
    const doc = validFixtures().xapi_statements[0];
    doc.statement.verb.id = 'completed';
    expect(validateDocument(def.validator, doc)).toEqual([{ path: 'statement.verb.id', keyword: 'pattern', message: expect.stringContaining('does not match') }]);
    const fc = validFixtures().flashcard_progress[1];
    fc.algorithm = 'sm2';
    expect(validateDocument(collectionDef('flashcard_progress').validator, fc).map((v) => v.keyword)).toEqual(['oneOf']);
  });
});

describe('$jsonSchema checker', () => {
  it('types values as the driver serialises them', () => {
    expect(bsonTypeOf(2)).toBe('int');
    expect(bsonTypeOf(2.5)).toBe('double');
    expect(bsonTypeOf(2 ** 40)).toBe('double');
    expect(bsonTypeOf(5n)).toBe('long');
    expect(bsonTypeOf(Long.fromNumber(5))).toBe('long');
    expect(bsonTypeOf(Decimal128.fromString('1.5'))).toBe('decimal');
    expect(bsonTypeOf(new ObjectId())).toBe('objectId');
    expect(bsonTypeOf(new Date())).toBe('date');
    expect(bsonTypeOf(null)).toBe('null');
    expect(bsonTypeOf(true)).toBe('bool');
  });

  it('applies each keyword', () => {
    const v = (schema: Record<string, unknown>, value: unknown) => validate(schema, value).map((x) => `${x.path}:${x.keyword}`);
    expect(v({ bsonType: 'double' }, 2)).toEqual([':bsonType']);
    expect(v({ bsonType: 'number' }, 2)).toEqual([]);
    expect(v({ bsonType: ['string', 'null'] }, null)).toEqual([]);
    expect(v({ bsonType: 'object', required: ['a'], properties: { a: { enum: [1, 'x'] } } }, {})).toEqual(['a:required']);
    expect(v({ properties: { a: { enum: [1, 'x'] } } }, { a: 'y' })).toEqual(['a:enum']);
    expect(v({ additionalProperties: false, properties: { a: {} } }, { a: 1, b: 2 })).toEqual(['b:additionalProperties']);
    expect(v({ additionalProperties: { bsonType: 'string' } }, { a: 'x', b: 2 })).toEqual(['b:bsonType']);
    expect(v({ pattern: '^a+$', minLength: 2, maxLength: 3 }, 'aaaa')).toEqual([':maxLength']);
    expect(v({ pattern: '^a+$' }, 'ab')).toEqual([':pattern']);
    expect(v({ minimum: 0, maximum: 10 }, -1)).toEqual([':minimum']);
    expect(v({ maximum: 10, exclusiveMaximum: true }, 10)).toEqual([':maximum']);
    expect(v({ minItems: 1, maxItems: 2, items: { bsonType: 'int' } }, [1, 'x', 3])).toEqual([':maxItems', '1:bsonType']);
    expect(v({ uniqueItems: true }, [1, 1])).toEqual([':uniqueItems']);
    expect(v({ anyOf: [{ bsonType: 'int' }, { bsonType: 'string' }] }, true)).toEqual([':anyOf']);
    expect(v({ oneOf: [{ bsonType: 'number' }, { bsonType: 'int' }] }, 1)).toEqual([':oneOf']);
    expect(v({ not: { bsonType: 'int' } }, 1)).toEqual([':not']);
    expect(v({ required: ['a'] }, { a: undefined })).toEqual(['a:required']);
  });
});
