import { ObjectId, UUID, type Db, type Document } from 'mongodb';
import { changeIndexes, ensureCollection, replaceEach, type CommandTarget } from '../src/stores/mongo/apply';
import { RELEASE_1 } from '../src/stores/mongo/release1';
import { EXPIRY_SECONDS, release2 } from '../src/stores/mongo/release2';
import { UUID_PATTERN } from '../src/stores/mongo/schema';

/**
 * event_log (issue 14): `_id` is the event id as a BSON UUID (the eventId field and its unique
 * index go), expiry follows meaning (processed events: expireAt = processedAt + 30 d; pending and
 * failed events never expire), and the validator errors instead of warning.
 * Conversion rules for first-release documents (written under a warning-only validator):
 * - a processed event without processedAt gets processedAt = occurredAt;
 * - a document whose eventId is not a UUID cannot get a UUID _id: it is left as it is (it keeps its
 *   ObjectId and no expiry) for someone to look at; there is none in seeded data.
 * Rollback: eventId back from _id, expireAt removed, an ObjectId derived from occurredAt and the id.
 */
const FROM = RELEASE_1.find((c) => c.name === 'event_log')!;
const TO = release2('event_log');
const KEEP_MS = EXPIRY_SECONDS('event_log') * 1000;

export function toSecondShape(d: Document): Document {
  const { _id: _old, eventId, ...rest } = d;
  const out: Document = { _id: new UUID(String(eventId)), ...rest };
  if (out.status === 'processed') {
    if (!(out.processedAt instanceof Date)) out.processedAt = out.occurredAt;
    out.expireAt = new Date((out.processedAt as Date).getTime() + KEEP_MS);
  }
  return out;
}

export function toFirstShape(d: Document): Document {
  const { _id, expireAt: _e, ...rest } = d;
  const id = new UUID((_id as { buffer: Uint8Array }).buffer).toHexString();
  const seconds = Math.floor((rest.occurredAt as Date).getTime() / 1000).toString(16).padStart(8, '0');
  return { _id: new ObjectId(seconds + id.replace(/-/g, '').slice(0, 16)), eventId: id, ...rest };
}

export async function up(db: Db | CommandTarget): Promise<void> {
  const target = db as CommandTarget;
  await changeIndexes(target, FROM, TO);
  await ensureCollection(target, TO);
  await replaceEach(target, TO.name, { _id: { $type: 'objectId' }, eventId: { $regex: UUID_PATTERN } }, toSecondShape);
}

export async function down(db: Db | CommandTarget): Promise<void> {
  const target = db as CommandTarget;
  await ensureCollection(target, FROM);
  await replaceEach(target, TO.name, { _id: { $type: 'binData' } }, toFirstShape);
  await changeIndexes(target, TO, FROM);
}
