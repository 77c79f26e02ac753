/**
 * The CURRENT MongoDB collection definitions: what the seeder writes, the fixtures test, the docs
 * describe and introspection expects after a plain `migrate`. They are the latest release's
 * (release2.ts); each migration script applies the definitions of its own release, so editing a
 * release module never changes what an applied script meant (release1.ts is frozen).
 *
 * Conventions:
 * - Ids of PostgreSQL rows are stored as canonical lower-case UUID strings (the Postgres tables use
 *   uuid primary keys), checked with UUID_PATTERN. `_id` is an ObjectId, except where the document
 *   has an id of its own (xAPI statements, events): there `_id` is that id as a BSON UUID.
 * - Numbers use bsonType "number" (int, long, double or decimal) unless the value is a count: the
 *   driver sends a whole JS number as int32, so a field typed "double" would reject `2`.
 * - Top-level `additionalProperties: false` keeps typos out; free-form data lives in named
 *   sub-documents (metadata, payload, filters, extensions) that accept anything.
 * - Expiry is a per-document `expireAt` date with a TTL index of 0 seconds (see release2.ts).
 */
import { MANIFEST, enumLabels } from '../../summary/manifest';
import { RELEASE_2 } from './release2';
import type { CollectionDef, IndexDef } from './schema';

export { DAY, IRI_PATTERN, RESUME_KEY_PATTERN, UUID_PATTERN, type CollectionDef, type IndexDef, type JsonSchema, type ShardKey } from './schema';

// The PostgreSQL enums' labels, so a Mongo document and a row never disagree on what a value means.
export const USER_TYPES = enumLabels(MANIFEST, 'user_type');
export const CONTENT_TYPES = enumLabels(MANIFEST, 'content_type');
export const NOTIFICATION_TYPES = enumLabels(MANIFEST, 'notification_type');

export const COLLECTIONS: readonly CollectionDef[] = RELEASE_2;

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
