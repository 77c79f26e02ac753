/**
 * The vocabulary of a MongoDB collection definition: types and the string patterns every release
 * uses. Each release's definitions live in a module of their own (release1.ts, release2.ts) so an
 * applied migration script keeps meaning what it meant; collections.ts names the current one.
 */

export type JsonSchema = Record<string, unknown>;

export interface IndexDef {
  name: string;
  key: Record<string, 1 | -1>;
  unique?: boolean;
  /** A TTL index: documents expire this many seconds after the date in the (single) key field. */
  expireAfterSeconds?: number;
}

/** A shard key as shardCollection takes it: ranged (1) or hashed fields. */
export type ShardKey = Record<string, 1 | 'hashed'>;

export interface CollectionDef {
  name: string;
  purpose: string;
  validator: { $jsonSchema: JsonSchema };
  validationLevel: 'strict' | 'moderate' | 'off';
  validationAction: 'error' | 'warn';
  /** Why this level/action was chosen for this collection. */
  validationWhy: string;
  indexes: IndexDef[];
  /**
   * The shard key a sharded cluster (mongos) gets, or null for a collection that stays small
   * enough for one replica set. Absent in the first release, which declared none.
   */
  shardKey?: ShardKey | null;
  /** Why this key (or why none). */
  shardWhy?: string;
}

export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
/** S3 key of an uploaded resume (the bucket layout's users/resumes/ prefix). */
export const RESUME_KEY_PATTERN = '^users/resumes/[^/]+(/[^/]+)*\\.(pdf|docx?|txt|rtf)$';
/** An absolute IRI as xAPI requires for verb ids and activity ids (scheme ":" rest). */
export const IRI_PATTERN = '^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$';

export const DAY = 86_400;

/**
 * The same schema without empty `required` lists. MongoDB's $jsonSchema (draft 4) refuses
 * `required: []` (FailedToParse), and an empty list requires nothing, so dropping it changes no
 * rule: apply.ts sends every validator through this, whichever release defined it.
 */
export function withoutEmptyRequired<T>(value: T): T {
  // The frozen definitions go through here on every create and collMod (and again when a migrate
  // plans its lanes): their result is computed once and frozen like them.
  const frozen = value !== null && typeof value === 'object' && Object.isFrozen(value);
  if (frozen) {
    const hit = cleaned.get(value as object);
    if (hit) return hit as T;
  }
  let out: T = value;
  if (Array.isArray(value)) out = value.map(withoutEmptyRequired) as T;
  else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    out = Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k, v]) => !(k === 'required' && Array.isArray(v) && v.length === 0))
        .map(([k, v]) => [k, withoutEmptyRequired(v)]),
    ) as T;
  }
  if (frozen) cleaned.set(value as object, deepFreeze(out) as object);
  return out;
}

const cleaned = new WeakMap<object, object>();

/** Freezes a definition tree, so no caller can change what a migration sends. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}
