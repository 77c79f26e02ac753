import { randomBytes } from 'node:crypto';
import { usageError, type StoreName } from '../errors';

/**
 * Every object the CI pool creates carries the prefix `rdbci` and its pool's name, and has a record in
 * the control database before it exists. gc and release touch a name only if it passes `isOwnedName`
 * AND a record names it: a database or bucket recruit-db did not create is never dropped.
 */
export const PREFIX = 'rdbci';
/** The PostgreSQL database holding the pool's records (on the server of DATABASE_URL). */
export const CONTROL_DB = `${PREFIX}_control`;
export const DEFAULT_POOL = 'main';

const POOL_NAME = /^[a-z][a-z0-9]{0,15}$/;
const ID = /^[a-z0-9]{10}$/;
const OWNED = /^rdbci([_-])[a-z][a-z0-9]{0,15}\1[st]\1[a-z0-9]{10}$/;

export function checkPoolName(name: string): string {
  if (!POOL_NAME.test(name)) {
    throw usageError(`CI pool name "${name}" is not valid`, 'use 1-16 lowercase letters and digits, starting with a letter (e.g. --pool main)');
  }
  return name;
}

export function checkStackId(id: string): string {
  if (!ID.test(id)) throw usageError(`"${id}" is not a CI lease id`, 'pass the id `recruit-db ci acquire` printed (RECRUIT_DB_CI_LEASE), 10 lowercase letters and digits');
  return id;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A stack id (also its lease id): 10 characters, ~52 bits, so two machines never pick the same one. */
export function newStackId(): string {
  const bytes = randomBytes(10);
  let id = '';
  for (const b of bytes) id += ALPHABET[b % ALPHABET.length];
  return id;
}

export interface StoreNames {
  postgres?: string;
  mongo?: string;
  s3?: string;
}

/** PostgreSQL and MongoDB take underscores; bucket names only hyphens. `part` is "t_<key>" or "s_<id>". */
function namesFor(pool: string, kind: 't' | 's', tail: string, stores: readonly StoreName[]): StoreNames {
  const out: StoreNames = {};
  if (stores.includes('postgres')) out.postgres = `${PREFIX}_${pool}_${kind}_${tail}`;
  if (stores.includes('mongo')) out.mongo = `${PREFIX}_${pool}_${kind}_${tail}`;
  if (stores.includes('s3')) out.s3 = `${PREFIX}-${pool}-${kind}-${tail}`;
  return out;
}

/** The template's objects: one per store, named by the first 10 hex digits of its key. */
export function templateNames(pool: string, keyShort: string, stores: readonly StoreName[]): StoreNames {
  return namesFor(pool, 't', keyShort, stores);
}

export function stackNames(pool: string, id: string, stores: readonly StoreName[]): StoreNames {
  return namesFor(pool, 's', id, stores);
}

export function isOwnedName(name: string): boolean {
  return OWNED.test(name);
}

/** The guard every drop passes first. */
export function assertOwnedName(name: string): void {
  if (!isOwnedName(name)) throw new Error(`recruit-db ci: refusing to drop "${name}": not a name the CI pool creates`);
}

/** The same PostgreSQL URL with another database in its path (credentials and parameters kept). */
export function pgUrlWithDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + encodeURIComponent(database);
  return u.toString();
}

/**
 * The same MongoDB URI with another database in its path. The driver authenticates against the path's
 * database when no authSource is given, so the original one is pinned as authSource: the stack's
 * database has no users of its own. Handled as text: a URI may list several hosts, which URL rejects.
 */
export function mongoUriWithDatabase(uri: string, database: string): string {
  const m = /^(mongodb(?:\+srv)?:\/\/[^/?]*)(?:\/([^?]*))?(?:\?(.*))?$/.exec(uri);
  if (!m) throw usageError('MONGODB_URI is not a mongodb:// URI', 'use the form mongodb://user:password@host:27017/recruit_db');
  const [, head, path = '', query = ''] = m;
  const params = query ? query.split('&') : [];
  if (path && !params.some((p) => /^authSource=/i.test(p))) params.push(`authSource=${path}`);
  return `${head}/${database}${params.length ? `?${params.join('&')}` : ''}`;
}
