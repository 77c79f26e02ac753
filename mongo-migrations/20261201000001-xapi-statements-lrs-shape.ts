import { ObjectId, type Db, type Document } from 'mongodb';
import { changeIndexes, ensureCollection, pages, replaceEach, type CommandTarget } from '../src/stores/mongo/apply';
import { formatViolations, validateDocument } from '../src/stores/mongo/jsonschema';
import { RELEASE_1 } from '../src/stores/mongo/release1';
import { release2 } from '../src/stores/mongo/release2';
import { xapiDocument, xapiStatement } from '../src/stores/mongo/xapi';

/**
 * xapi_statements as an LRS stores them (issue 14): { _id: UUID(statement.id), statement, userId,
 * courseId?, lessonId?, timestamp, stored, voided }. The first release kept the statement's fields
 * at the top level with BSON dates; each document is rewritten:
 * - statement.timestamp / statement.stored become the ISO 8601 strings an LRS serves (the BSON dates
 *   stay beside the statement for the indexes);
 * - a statement stored without `version` gets "1.0.0" and one without `authority` gets the
 *   platform's LRS agent, as an LRS assigns both on storage (xAPI 1.0.3, Statement properties);
 * - `voided` defaults to false; keys with "." "$" "&" are escaped (see xapi.ts).
 * Rollback rewrites them back (an ObjectId derived from stored time and statement id, so a repeated
 * rollback gives the same ids), and refuses, before writing anything, when a statement uses xAPI the
 * first release's validator rejects (a StatementRef object, attachments, ...).
 */
const FROM = RELEASE_1.find((c) => c.name === 'xapi_statements')!;
const TO = release2('xapi_statements');

export const PLATFORM_AUTHORITY = { objectType: 'Agent', name: 'Recruit LMS', account: { homePage: 'https://lms.example.com', name: 'lrs' } } as const;

/** A first-release document in the second release's shape. */
export function toLrsShape(d: Document): Document {
  const { _id: _old, id, timestamp, stored, authority, version, voided, userId, courseId, lessonId, ...rest } = d;
  const statement: Document = {
    id,
    ...rest,
    timestamp: (timestamp as Date).toISOString(),
    stored: (stored as Date).toISOString(),
    authority: authority ?? PLATFORM_AUTHORITY,
    version: version ?? '1.0.0',
  };
  return xapiDocument(statement, { userId, courseId, lessonId, voided: voided ?? false });
}

/**
 * A second-release document in the first release's shape. The defaults `up` supplied (the platform
 * authority, voided: false) are left out again, so a first-release document survives the round trip.
 */
export function toFirstShape(d: Document): Document {
  const { id, timestamp: _t, stored: _s, authority, ...rest } = xapiStatement(d);
  const seconds = Math.floor((d.stored as Date).getTime() / 1000).toString(16).padStart(8, '0');
  const out: Document = { _id: new ObjectId(seconds + String(id).replace(/-/g, '').slice(0, 16)), id, ...rest, timestamp: d.timestamp, stored: d.stored, userId: d.userId };
  if (JSON.stringify(authority) !== JSON.stringify(PLATFORM_AUTHORITY)) out.authority = authority;
  if (d.voided) out.voided = true;
  if (d.courseId !== undefined) out.courseId = d.courseId;
  if (d.lessonId !== undefined) out.lessonId = d.lessonId;
  return out;
}

const FIRST = { _id: { $type: 'objectId' } };
const SECOND = { _id: { $type: 'binData' } };

export async function up(db: Db | CommandTarget): Promise<void> {
  const target = db as CommandTarget;
  await changeIndexes(target, FROM, TO);
  await ensureCollection(target, TO);
  await replaceEach(target, TO.name, FIRST, toLrsShape);
}

export async function down(db: Db | CommandTarget): Promise<void> {
  const target = db as CommandTarget;
  // Read-only pass first: nothing is written when one statement cannot go back.
  let refused: { id: unknown; why: string } | undefined;
  let count = 0;
  for await (const docs of pages(target, TO.name, SECOND)) {
    for (const doc of docs) {
      const violations = validateDocument(FROM.validator, toFirstShape(doc));
      if (!violations.length) continue;
      count++;
      refused ??= { id: xapiStatement(doc).id, why: formatViolations(violations) };
    }
  }
  if (refused) {
    throw new Error(
      `${count} xAPI statement(s) use what the first release cannot store (e.g. ${String(refused.id)}: ${refused.why}); export and delete them, or keep this migration applied`,
    );
  }
  await ensureCollection(target, FROM);
  await replaceEach(target, TO.name, SECOND, toFirstShape);
  await changeIndexes(target, TO, FROM);
}
