/**
 * xAPI 1.0.3 statements against the stored-statement validator (xapi.ts), using the example
 * statements published with the specification (xAPI-Data.md: "simplest possible statement",
 * "typical simple completion", the long Context/Result example, the voiding example, SubStatement,
 * attachments) and invalid variants of them. Learning Locker's xapi-validation package is the
 * independent check: it must agree on every case.
 */
import xapiValidation from '@learninglocker/xapi-validation';
import type { Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { collectionDef } from '../../src/stores/mongo/collections';
import { formatViolations, validate, validateDocument } from '../../src/stores/mongo/jsonschema';
import { escapeKeys, unescapeKeys, XAPI_STATEMENT_SCHEMA, xapiDocument, xapiStatement } from '../../src/stores/mongo/xapi';

/** What an LRS adds on storage when the statement did not carry it (xAPI 1.0.3 sections 2.4.1, 2.4.7-2.4.10). */
function asServed(s: Document, n: number): Document {
  return {
    id: `0b2f3c4d-5e6f-4a7b-8c9d-${String(n).padStart(12, '0')}`,
    timestamp: '2026-02-09T10:00:00.000Z',
    ...s,
    stored: '2026-02-09T10:00:01.000Z',
    authority: s.authority ?? { objectType: 'Agent', name: 'LRS', account: { homePage: 'https://lrs.example.com', name: 'lrs' } },
    version: s.version ?? '1.0.0',
  };
}

const created = { id: 'http://adlnet.gov/expapi/verbs/created', display: { 'en-US': 'created' } };
const activity = { id: 'http://example.adlnet.gov/xapi/example/activity' };

const VALID: Record<string, Document> = {
  'simplest possible statement (no objectType anywhere)': { actor: { mbox: 'mailto:xapi@adlnet.gov' }, verb: created, object: activity },
  'typical simple completion': {
    actor: { name: 'Sally Glider', mbox: 'mailto:sally@example.com' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'en-US': 'completed' } },
    object: { id: 'http://example.com/activities/hang-gliding-test', definition: { type: 'http://adlnet.gov/expapi/activities/assessment', name: { 'en-US': 'Hang Gliding Test' } } },
    result: { completion: true, success: true, score: { scaled: 0.95 }, duration: 'PT4H35M59.14S' },
  },
  'long example: a Group actor with members, context, result and extensions': {
    id: '6690e6c9-3ef0-4ed3-8b37-7f3964730bee',
    actor: {
      name: 'Team PB',
      mbox: 'mailto:teampb@example.com',
      member: [
        { name: 'Andrew Downes', account: { homePage: 'http://www.example.com', name: '13936749' }, objectType: 'Agent' },
        { name: 'Toby Nichols', openid: 'http://toby.openid.example.org/', objectType: 'Agent' },
        { name: 'Ena Hills', mbox_sha1sum: 'ebd31e95054c018b10727ccffd2ef2ec3a016ee9', objectType: 'Agent' },
      ],
      objectType: 'Group',
    },
    verb: { id: 'http://adlnet.gov/expapi/verbs/attended', display: { 'en-GB': 'attended', 'en-US': 'attended' } },
    result: {
      extensions: { 'http://example.com/profiles/meetings/resultextensions/minuteslocation': 'X:\\meetings\\minutes\\examplemeeting.one' },
      success: true,
      completion: true,
      response: 'We agreed on some example actions.',
      duration: 'PT1H0M0S',
    },
    context: {
      registration: 'ec531277-b57b-4c15-8d91-d292c5b2b8f7',
      contextActivities: {
        parent: [{ id: 'http://www.example.com/meetings/series/267', objectType: 'Activity' }],
        category: [{ id: 'http://www.example.com/meetings/categories/teammeeting', objectType: 'Activity', definition: { name: { en: 'team meeting' }, type: 'http://example.com/expapi/activities/meetingcategory' } }],
        other: [{ id: 'http://www.example.com/meetings/occurances/34257', objectType: 'Activity' }],
      },
      instructor: { name: 'Andrew Downes', account: { homePage: 'http://www.example.com', name: '13936749' }, objectType: 'Agent' },
      team: { name: 'Team PB', mbox: 'mailto:teampb@example.com', objectType: 'Group' },
      platform: 'Example virtual meeting software',
      language: 'tlh',
      statement: { objectType: 'StatementRef', id: '6690e6c9-3ef0-4ed3-8b37-7f3964730bee' },
    },
    timestamp: '2013-05-18T05:32:34.804+00:00',
    authority: { account: { homePage: 'http://cloud.scorm.com/', name: 'anonymous' }, objectType: 'Agent' },
    version: '1.0.0',
    object: {
      id: 'http://www.example.com/meetings/occurances/34534',
      definition: {
        extensions: { 'http://example.com/profiles/meetings/activitydefinitionextensions/room': { name: 'Kilby', id: 'http://example.com/rooms/342' } },
        name: { 'en-GB': 'example meeting', 'en-US': 'example meeting' },
        description: { 'en-GB': 'An example meeting that happened on a specific occasion with certain people present.' },
        type: 'http://adlnet.gov/expapi/activities/meeting',
        moreInfo: 'http://virtualmeeting.example.com/345256',
      },
      objectType: 'Activity',
    },
  },
  'voiding statement (object is a StatementRef)': {
    actor: { objectType: 'Agent', name: 'Example Admin', mbox: 'mailto:admin@example.adlnet.gov' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/voided', display: { 'en-US': 'voided' } },
    object: { objectType: 'StatementRef', id: 'e05aa883-acaf-40ad-bf54-02c8ce485fb0' },
  },
  'SubStatement object': {
    actor: { objectType: 'Agent', mbox: 'mailto:test@example.com' },
    verb: { id: 'http://example.com/planned', display: { 'en-US': 'planned' } },
    object: {
      objectType: 'SubStatement',
      actor: { objectType: 'Agent', mbox: 'mailto:test@example.com' },
      verb: { id: 'http://example.com/visited', display: { 'en-US': 'will visit' } },
      object: { objectType: 'Activity', id: 'http://example.com/website', definition: { name: { 'en-US': 'Some Awesome Website' } } },
    },
  },
  'an Agent as the object': { actor: { mbox: 'mailto:mentor@example.com' }, verb: { id: 'http://id.tincanapi.com/verb/mentored' }, object: { objectType: 'Agent', account: { homePage: 'https://lms.example.com', name: 'u-42' } } },
  'anonymous Group actor': { actor: { objectType: 'Group', member: [{ mbox: 'mailto:a@example.com' }, { mbox: 'mailto:b@example.com' }] }, verb: created, object: activity },
  'attachments (signature)': {
    actor: { mbox: 'mailto:sally@example.com' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/answered', display: { 'en-US': 'answered' } },
    object: { id: 'http://www.example.com/tincan/activities/multipart', objectType: 'Activity', definition: { name: { 'en-US': 'Multi Part Activity' } } },
    attachments: [
      {
        usageType: 'http://adlnet.gov/expapi/attachments/signature',
        display: { 'en-US': 'Signature' },
        description: { 'en-US': 'A test signature' },
        contentType: 'application/octet-stream',
        length: 4235,
        sha2: '672fa5fa658017f1b72d65036f13379c6ab05d4ab3b6664908d8acf0b6a0c634',
      },
    ],
  },
  'interaction activity with choices': {
    actor: { mbox: 'mailto:learner@example.com' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
    object: {
      id: 'http://www.example.com/quiz/q1',
      definition: {
        type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
        interactionType: 'choice',
        correctResponsesPattern: ['golf[,]tetris'],
        choices: [{ id: 'golf', description: { 'en-US': 'Golf Example' } }, { id: 'tetris', description: { 'en-US': 'Tetris Example' } }],
      },
    },
    result: { response: 'golf[,]tetris', success: true },
  },
};

const simplest = VALID['simplest possible statement (no objectType anywhere)'];
const INVALID: Record<string, Document> = {
  'actor with three inverse functional identifiers': { ...simplest, actor: { mbox: 'mailto:xapi@adlnet.gov', openid: 'http://openid.example.org/xapi', account: { homePage: 'http://www.example.com', name: 'xapi' } } },
  'actor with two inverse functional identifiers': { ...simplest, actor: { mbox: 'mailto:xapi@adlnet.gov', mbox_sha1sum: 'ebd31e95054c018b10727ccffd2ef2ec3a016ee9' } },
  'actor without any identifier': { ...simplest, actor: { name: 'Nobody' } },
  'mbox without mailto:': { ...simplest, actor: { mbox: 'xapi@adlnet.gov' } },
  'verb id that is not an IRI': { ...simplest, verb: { id: 'created' } },
  'voided verb with an Activity object': { ...VALID['voiding statement (object is a StatementRef)'], object: activity },
  'SubStatement inside a SubStatement': {
    ...VALID['SubStatement object'],
    object: { ...VALID['SubStatement object'].object, object: { objectType: 'SubStatement', actor: { mbox: 'mailto:a@example.com' }, verb: created, object: activity } },
  },
  'SubStatement with an id': { ...VALID['SubStatement object'], object: { ...VALID['SubStatement object'].object, id: 'e05aa883-acaf-40ad-bf54-02c8ce485fb0' } },
  'scaled score above 1': { ...simplest, result: { score: { scaled: 1.5 } } },
  'Agent object without objectType is an Activity without an IRI id': { ...simplest, object: { mbox: 'mailto:x@example.com' } },
};

const llErrors = (s: Document) => (xapiValidation as unknown as (s: Document) => unknown[])(s);

describe('xAPI 1.0.3 published examples', () => {
  Object.entries(VALID).forEach(([name, s], n) => {
    it(`accepts: ${name}`, () => {
      expect(llErrors(s), 'Learning Locker accepts it too').toEqual([]);
      expect(formatViolations(validate(XAPI_STATEMENT_SCHEMA, asServed(s, n)))).toBe('');
    });
  });
  Object.entries(INVALID).forEach(([name, s], n) => {
    it(`rejects: ${name}`, () => {
      expect(llErrors(s).length, 'Learning Locker rejects it too').toBeGreaterThan(0);
      expect(validate(XAPI_STATEMENT_SCHEMA, asServed(s, n)).length).toBeGreaterThan(0);
    });
  });

  it('a served statement needs what the LRS sets: id, timestamp, stored, authority, version', () => {
    for (const field of ['id', 'timestamp', 'stored', 'authority', 'version']) {
      const s = asServed(simplest, 0);
      delete s[field];
      expect(validate(XAPI_STATEMENT_SCHEMA, s).map((v) => v.path), field).toContain(field);
    }
  });
});

describe('the stored document', () => {
  const long = asServed(VALID['long example: a Group actor with members, context, result and extensions'], 0);

  it('is { _id: UUID(statement.id), statement, lookups, BSON dates, voided } and passes the collection validator', () => {
    const doc = xapiDocument(long, { userId: '3f1c2a9e-8b7d-4c6e-9a1b-2d3e4f5a6b7c' });
    expect(doc._id.toHexString()).toBe(long.id);
    expect(doc.timestamp.toISOString()).toBe('2013-05-18T05:32:34.804Z');
    expect(doc.voided).toBe(false);
    expect(formatViolations(validateDocument(collectionDef('xapi_statements').validator, doc))).toBe('');
  });

  it('escapes "." "$" "&" in keys (extension IRIs) and serves the statement back exactly', () => {
    const doc = xapiDocument(long, { userId: '3f1c2a9e-8b7d-4c6e-9a1b-2d3e4f5a6b7c' });
    const keys = (v: unknown): string[] => (v && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => [k, ...keys(x)]) : []);
    expect(keys(doc.statement).filter((k) => k.includes('.') || k.startsWith('$'))).toEqual([]);
    expect(xapiStatement(doc)).toEqual(long);
    const odd = { 'a.b': 1, $c: { 'x&46;y': 2 } };
    expect(unescapeKeys(escapeKeys(odd))).toEqual(odd);
  });
});
