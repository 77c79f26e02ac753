import { describe, expect, it } from 'vitest';
import { pgReferences, referencedTable, validatorFields } from '../../src/docs/mongo-fields';
import { collectionDef, COLLECTIONS } from '../../src/stores/mongo/collections';
import { allTables, MANIFEST } from '../../src/summary/manifest';

const TABLES = new Set(allTables(MANIFEST));

describe('a $jsonSchema validator as a field table', () => {
  it('walks sub-documents, arrays and free-keyed maps, with required, enum, pattern and limits', () => {
    const { fields, closed, alternatives } = validatorFields(collectionDef('flashcard_progress').validator);
    const f = (path: string) => fields.find((x) => x.path === path);
    expect(closed).toBe(true);
    expect(f('_id')).toMatchObject({ types: ['objectId'], required: true });
    expect(f('userId')).toMatchObject({ types: ['string'], required: true, pattern: expect.stringMatching(/^\^\[0-9a-f\]\{8\}/) });
    expect(f('courseId')?.required).toBe(false);
    expect(f('algorithm')).toMatchObject({ types: [], enum: ['sm2', 'fsrs'], required: true });
    // Required within its (optional) parent.
    expect(f('sm2.easeFactor')).toMatchObject({ types: ['number'], required: true, limits: '1.3..5' });
    expect(f('reviewHistory')).toMatchObject({ types: ['array'], limits: 'items <= 500' });
    expect(f('reviewHistory[]')).toMatchObject({ types: ['object'] });
    expect(f('reviewHistory[].rating')).toMatchObject({ types: ['int'], required: true, limits: '0..5' });
    expect(f('lastReviewedAt')).toMatchObject({ types: ['date', 'null'] });
    // Fields keep the validator's own order.
    expect(fields.findIndex((x) => x.path === 'userId')).toBeLessThan(fields.findIndex((x) => x.path === 'dueAt'));
    expect(alternatives).toEqual(['the document must match exactly one of: algorithm is sm2 and sm2 is present; algorithm is fsrs and fsrs is present']);
  });

  // Second release: the statement is stored whole under `statement`, LRS-shaped (xapi.ts).
  it('names the values of a language map and the items of a plain array', () => {
    const { fields } = validatorFields(collectionDef('xapi_statements').validator);
    expect(fields.find((x) => x.path === 'statement.verb.display.*')).toMatchObject({ types: ['string'], required: false });
    expect(fields.find((x) => x.path === 'statement.object.definition.correctResponsesPattern[]')).toMatchObject({ types: ['string'] });
    expect(fields.find((x) => x.path === 'statement.context.contextActivities.parent[].id')).toMatchObject({ required: true });
  });

  it('a field that is one of several typed schemas: one row with every type, the fields of each, named in words', () => {
    const { fields, alternatives } = validatorFields(collectionDef('xapi_statements').validator);
    const f = (path: string) => fields.find((x) => x.path === path);
    // An Agent or a Group; the object also an Activity, a StatementRef or a SubStatement.
    expect(f('statement.actor')).toMatchObject({ types: ['object'], required: true });
    expect(f('statement.actor.objectType')).toMatchObject({ enum: ['Agent', 'Group'], required: false });
    expect(f('statement.object.objectType')?.enum).toEqual(['Activity', 'Agent', 'Group', 'StatementRef', 'SubStatement']);
    // Required in an Activity and a StatementRef, absent from an Agent: not required of every object.
    expect(f('statement.object.id')).toMatchObject({ required: false, pattern: expect.stringContaining(' | ') });
    // A single activity or a list of them; the activity's own id is required in both forms.
    expect(f('statement.context.contextActivities.parent')).toMatchObject({ types: ['object', 'array'] });
    expect(f('statement.context.contextActivities.parent.id')).toMatchObject({ required: true });
    expect(alternatives).toContain('statement.context.contextActivities.parent must match at least one of: Activity (id is present); array of Activity');
    expect(alternatives).toContain('statement.actor.member[] must match exactly one of: mbox is present; mbox_sha1sum is present; openid is present; account is present');
    expect(alternatives.find((a) => a.startsWith('statement.actor must'))).toMatch(/^statement\.actor must match at least one of: Agent \(exactly one of mbox, mbox_sha1sum, openid, account is present\); Group \(objectType is present and /);
    expect(alternatives).toContain('statement must match at least one of: verb.id is not http://adlnet.gov/expapi/verbs/voided; object.objectType is present and is StatementRef');
  });

  it('a sub-document met again at another path is listed once, at its shallowest path', () => {
    const { fields } = validatorFields(collectionDef('xapi_statements').validator);
    const f = (path: string) => fields.find((x) => x.path === path);
    expect(f('statement.authority')).toMatchObject({ types: ['object'], required: true, sameAs: 'statement.actor' });
    expect(f('statement.authority.mbox')).toBeUndefined();
    // A SubStatement's context is the statement's, though the object comes first in the validator.
    expect(f('statement.object.context')).toMatchObject({ sameAs: 'statement.context' });
    expect(f('statement.context.registration')).toBeDefined();
    expect(f('statement.context.contextActivities.grouping')).toMatchObject({ types: ['object', 'array'], sameAs: 'statement.context.contextActivities.parent' });
    expect(fields.length).toBeLessThan(200);
  });

  it('every collection\'s rules in words, none as raw JSON', () => {
    for (const c of COLLECTIONS) {
      const { alternatives } = validatorFields(c.validator);
      for (const a of alternatives) expect(a, c.name).not.toMatch(/[{\[]"/);
    }
    expect(validatorFields(collectionDef('event_log').validator).alternatives).toEqual([
      'the document must match at least one of: status is present and is processed and processedAt, expireAt are present; status is pending or failed and expireAt is absent; none of status, expireAt is present',
    ]);
  });

  it('gives nothing for a collection without a validator', () => {
    expect(validatorFields(undefined)).toEqual({ fields: [], closed: false, alternatives: [] });
  });
});

describe('fields that hold ids of PostgreSQL rows', () => {
  it('maps id fields to the tables they name, and leaves ids of no table alone', () => {
    expect(referencedTable('userId', TABLES)).toBe('users');
    expect(referencedTable('dimensions.courseId', TABLES)).toBe('courses');
    expect(referencedTable('parsed.skills[].skillId', TABLES)).toBe('skills');
    expect(referencedTable('dimensions.categoryId', TABLES)).toBe('categories');
    expect(referencedTable('dimensions.companyId', TABLES)).toBe('companies');
    expect(referencedTable('deckId', TABLES)).toBe('flashcard_decks');
    expect(referencedTable('eventId', TABLES)).toBeUndefined();
    expect(referencedTable('aggregateId', TABLES)).toBeUndefined();
    expect(referencedTable('sessionId', TABLES)).toBeUndefined();
    expect(referencedTable('userType', TABLES)).toBeUndefined();
  });

  it('only uuid-typed fields count: the references of the real collections', () => {
    const refs = (name: string) => pgReferences(validatorFields(collectionDef(name).validator).fields, TABLES);
    expect(refs('flashcard_progress')).toEqual([
      { path: 'userId', table: 'users' },
      { path: 'flashcardId', table: 'flashcards' },
      { path: 'deckId', table: 'flashcard_decks' },
      { path: 'courseId', table: 'courses' },
    ]);
    // sessionId is free text (no uuid pattern), so it names no row even though "sessions" could be a table.
    expect(refs('user_sessions')).toEqual([{ path: 'userId', table: 'users' }]);
    expect(refs('event_log').map((r) => r.path)).toEqual(['userId']);
  });
});
