import type { Document } from 'mongodb';
import { IRI_PATTERN, type JsonSchema } from './schema';

/**
 * xAPI 1.0.3 statements as an LRS stores and serves them (https://github.com/adlnet/xAPI-Spec,
 * xAPI-Data.md), written as a MongoDB $jsonSchema, plus the stored document around a statement:
 *
 *   { _id: UUID(statement.id), statement: { ...as served }, userId, courseId?, lessonId?,
 *     timestamp: Date, stored: Date, voided: bool }
 *
 * (Learning Locker's layout: the statement untouched, the platform's lookup fields beside it, and
 * BSON dates copied out of its ISO 8601 strings so they can be indexed.)
 *
 * MongoDB's $jsonSchema has no $ref, so the recursive parts are written out to the depth the spec
 * allows: a SubStatement's object cannot be another SubStatement.
 *
 * Keys: xAPI extension keys are IRIs ("http://example.com/ext"), and MongoDB field names may not
 * contain "." (FerretDB refuses them outright; MongoDB before 5.0 too) or start with "$". Stored
 * statements therefore escape those characters in keys, as Learning Locker does: "&" as "&38;",
 * "." as "&46;", "$" as "&36;" (escapeKeys / unescapeKeys, applied by xapiDocument/xapiStatement).
 */

const string = { bsonType: 'string' } as const;
const iri = { bsonType: 'string', pattern: IRI_PATTERN } as const;
const uuidString = { bsonType: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' } as const;
/** ISO 8601 date and time, as xAPI requires for timestamp and stored (offset optional, "SHOULD"). */
const isoDateTime = { bsonType: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}(:?\\d{2})?)?$' } as const;
const duration = {
  bsonType: 'string',
  pattern: '^P(?!$)(\\d+(?:\\.\\d+)?Y)?(\\d+(?:\\.\\d+)?M)?(\\d+(?:\\.\\d+)?W)?(\\d+(?:\\.\\d+)?D)?(T(?=\\d)(\\d+(?:\\.\\d+)?H)?(\\d+(?:\\.\\d+)?M)?(\\d+(?:\\.\\d+)?S)?)?$',
} as const;
const number = (minimum?: number, maximum?: number) => ({ bsonType: 'number', ...(minimum === undefined ? {} : { minimum }), ...(maximum === undefined ? {} : { maximum }) });
const languageMap = { bsonType: 'object', additionalProperties: { bsonType: 'string' } } as const;
const extensions = { bsonType: 'object' } as const;

function object(required: string[], properties: Record<string, unknown>, extra: JsonSchema = {}): JsonSchema {
  return { bsonType: 'object', ...(required.length ? { required } : {}), properties, additionalProperties: false, ...extra };
}

export const VOIDED_VERB = 'http://adlnet.gov/expapi/verbs/voided';

/** Inverse functional identifiers: an Agent has exactly one, an identified Group too. */
const IFIS = ['mbox', 'mbox_sha1sum', 'openid', 'account'] as const;
const exactlyOneIfi = IFIS.map((f) => ({ required: [f] }));
const ifiProperties = {
  mbox: { bsonType: 'string', pattern: '^mailto:[^@\\s]+@[^@\\s]+$' },
  mbox_sha1sum: { bsonType: 'string', pattern: '^[0-9a-fA-F]{40}$' },
  openid: iri,
  account: object(['homePage', 'name'], { homePage: iri, name: string }),
};

/** `objectType` optional (it defaults to Agent) except where `needsType`: an Agent as a statement's object. */
function agent(needsType: boolean): JsonSchema {
  return object(needsType ? ['objectType'] : [], { objectType: { enum: ['Agent'] }, name: string, ...ifiProperties }, { oneOf: exactlyOneIfi });
}

/** Identified (exactly one IFI, members optional) or anonymous (no IFI, members required). */
const group = object(['objectType'], { objectType: { enum: ['Group'] }, name: string, member: { bsonType: 'array', items: agent(false) }, ...ifiProperties }, {
  anyOf: [{ oneOf: exactlyOneIfi }, { required: ['member'], not: { anyOf: exactlyOneIfi } }],
});
const actor = { anyOf: [agent(false), group] };

const verb = object(['id'], { id: iri, display: languageMap });

const interactionComponents = { bsonType: 'array', items: object(['id'], { id: string, description: languageMap }) };
const activity = object(['id'], {
  objectType: { enum: ['Activity'] },
  id: iri,
  definition: object([], {
    name: languageMap,
    description: languageMap,
    type: iri,
    moreInfo: iri,
    interactionType: { enum: ['true-false', 'choice', 'fill-in', 'long-fill-in', 'matching', 'performance', 'sequencing', 'likert', 'numeric', 'other'] },
    correctResponsesPattern: { bsonType: 'array', items: string },
    choices: interactionComponents,
    scale: interactionComponents,
    source: interactionComponents,
    target: interactionComponents,
    steps: interactionComponents,
    extensions,
  }),
});
const statementRef = object(['objectType', 'id'], { objectType: { enum: ['StatementRef'] }, id: uuidString });

const result = object([], {
  score: object([], { scaled: number(-1, 1), raw: number(), min: number(), max: number() }),
  success: { bsonType: 'bool' },
  completion: { bsonType: 'bool' },
  response: string,
  duration,
  extensions,
});

const activityOrList = { anyOf: [activity, { bsonType: 'array', items: activity }] };
const context = object([], {
  registration: uuidString,
  instructor: actor,
  team: group,
  contextActivities: object([], { parent: activityOrList, grouping: activityOrList, category: activityOrList, other: activityOrList }),
  revision: string,
  platform: string,
  language: { bsonType: 'string', pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$' },
  statement: statementRef,
  extensions,
});

const attachments = {
  bsonType: 'array',
  items: object(['usageType', 'display', 'contentType', 'length', 'sha2'], {
    usageType: iri,
    display: languageMap,
    description: languageMap,
    contentType: string,
    length: { bsonType: ['int', 'long'], minimum: 0 },
    sha2: { bsonType: 'string', pattern: '^[0-9a-fA-F]{56,128}$' },
    fileUrl: iri,
  }),
};

/** A voiding statement's object must be a StatementRef (the statement it voids). */
const voidingTargetsStatementRef = {
  anyOf: [
    { properties: { verb: { properties: { id: { not: { enum: [VOIDED_VERB] } } } } } },
    { properties: { object: { required: ['objectType'], properties: { objectType: { enum: ['StatementRef'] } } } } },
  ],
};

// A SubStatement has no id, stored, version or authority, and its object is not a SubStatement.
const subStatement = object(
  ['objectType', 'actor', 'verb', 'object'],
  {
    objectType: { enum: ['SubStatement'] },
    actor,
    verb,
    object: { anyOf: [activity, agent(true), group, statementRef] },
    result,
    context,
    timestamp: isoDateTime,
    attachments,
  },
  voidingTargetsStatementRef,
);

/** A statement as an LRS serves it: id, timestamp, stored, authority and version are always there. */
export const XAPI_STATEMENT_SCHEMA: JsonSchema = object(
  ['id', 'actor', 'verb', 'object', 'timestamp', 'stored', 'authority', 'version'],
  {
    id: uuidString,
    actor,
    verb,
    object: { anyOf: [activity, agent(true), group, statementRef, subStatement] },
    result,
    context,
    timestamp: isoDateTime,
    stored: isoDateTime,
    authority: actor,
    version: { bsonType: 'string', pattern: '^1\\.0(\\.\\d+)?$' },
    attachments,
  },
  voidingTargetsStatementRef,
);

// ---------------------------------------------------------------------------------------------
// Stored documents
// ---------------------------------------------------------------------------------------------

const ESCAPE: Record<string, string> = { '&': '&38;', '.': '&46;', $: '&36;' };
const UNESCAPE: Record<string, string> = { '&38;': '&', '&46;': '.', '&36;': '$' };

function mapKeys(value: unknown, f: (k: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => mapKeys(v, f));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [f(k), mapKeys(v, f)]));
  }
  return value;
}

/** Keys as MongoDB can store them ("." "$" "&" escaped); values untouched. */
export function escapeKeys<T>(value: T): T {
  return mapKeys(value, (k) => k.replace(/[&.$]/g, (c) => ESCAPE[c])) as T;
}

/** The inverse of escapeKeys. */
export function unescapeKeys<T>(value: T): T {
  return mapKeys(value, (k) => k.replace(/&(?:38|46|36);/g, (c) => UNESCAPE[c])) as T;
}

export interface XapiLookups {
  userId: string;
  courseId?: string;
  lessonId?: string;
  voided?: boolean;
}

/** The stored document for a statement as served (id, timestamp and stored already set). */
export function xapiDocument(statement: Document, lookups: XapiLookups): Document {
  // Required here, not at the top: the schema above is loaded (through the collection list) by
  // commands that never touch MongoDB, and they should not load its driver.
  const { UUID } = require('mongodb') as typeof import('mongodb');
  const doc: Document = {
    _id: new UUID(String(statement.id)),
    statement: escapeKeys(statement),
    userId: lookups.userId,
    timestamp: new Date(String(statement.timestamp)),
    stored: new Date(String(statement.stored)),
    voided: lookups.voided ?? false,
  };
  if (lookups.courseId !== undefined) doc.courseId = lookups.courseId;
  if (lookups.lessonId !== undefined) doc.lessonId = lookups.lessonId;
  return doc;
}

/** The statement of a stored document, as an LRS serves it. */
export function xapiStatement(doc: Document): Document {
  return unescapeKeys(doc.statement as Document);
}
