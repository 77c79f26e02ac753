import { describe, expect, it } from 'vitest';
import { pgReferences, referencedTable, validatorFields } from '../../src/docs/mongo-fields';
import { collectionDef } from '../../src/stores/mongo/collections';
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

  it('names the values of a language map and the items of a plain array', () => {
    const { fields } = validatorFields(collectionDef('xapi_statements').validator);
    expect(fields.find((x) => x.path === 'verb.display.*')).toMatchObject({ types: ['string'], required: false });
    expect(fields.find((x) => x.path === 'object.definition.correctResponsesPattern[]')).toMatchObject({ types: ['string'] });
    expect(fields.find((x) => x.path === 'context.contextActivities.parent[].id')).toMatchObject({ required: true });
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
