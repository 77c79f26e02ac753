import { BSON, type Db, type Document } from 'mongodb';
import { RecruitDbError } from '../../errors';
import { combineHashes, MultisetHash } from '../multiset';

/**
 * Bulk writes for the seeder: unordered insertMany in batches (the driver splits further to the
 * server's own batch limit), plus the emptiness check, deleteMany and the content hash: a multiset
 * hash of every document's BSON, computed from the documents as they are sent and, for a read-back,
 * from the raw BSON the server returns (MongoDB and FerretDB return a document's bytes as stored).
 */

export const INSERT_BATCH = 1000;

export async function missingCollections(db: Db, names: readonly string[]): Promise<string[]> {
  const present = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  return names.filter((n) => !present.has(n));
}

export function migrateFirst(missing: string[]): RecruitDbError {
  return new RecruitDbError({
    code: 'not-migrated',
    store: 'mongo',
    message: `${missing.length} collection(s) missing (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', ...' : ''})`,
    hint: 'run recruit-db migrate first',
  });
}

/** Per collection, the fields its indexes cover (the seeder reads the target's document shapes from them). */
export async function indexedFields(db: Db, names: readonly string[]): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const name of names) out.set(name, new Set((await db.collection(name).listIndexes().toArray()).flatMap((i) => Object.keys(i.key as Document))));
  return out;
}

export async function nonEmptyCollections(db: Db, names: readonly string[]): Promise<string[]> {
  const missing = await missingCollections(db, names);
  if (missing.length) throw migrateFirst(missing);
  const out: string[] = [];
  for (const n of names) if (await db.collection(n).findOne({}, { projection: { _id: 1 } })) out.push(n);
  return out;
}

export async function clearCollections(db: Db, names: readonly string[]): Promise<void> {
  const missing = await missingCollections(db, names);
  if (missing.length) throw migrateFirst(missing);
  for (const n of names) await db.collection(n).deleteMany({});
}

/** Serialisation space for hashing, reused: a document is serialised and hashed before the next one. */
let scratch: Buffer | undefined;

/** The bytes a document is stored as: its BSON, `_id` first (where MongoDB puts it). Valid until the next call. */
function storedBytes(d: Document): Uint8Array {
  let first: string | undefined;
  for (const k in d) {
    first = k;
    break;
  }
  const doc = d._id === undefined || first === '_id' ? d : { _id: d._id, ...d };
  scratch ??= Buffer.alloc(16 * 1024 * 1024 + 1024); // MongoDB's largest document, and a margin
  return scratch.subarray(0, BSON.serializeWithBufferAndIndex(doc, scratch) + 1);
}

export interface Inserted {
  docs: number;
  /** Multiset hash of the documents' BSON (see MultisetHash): equal to what a read-back of them gives. */
  hash: string;
  /** Time spent hashing. */
  hashMs: number;
}

/**
 * Inserts `docs` in unordered batches, one batch in flight: the next batch is generated, and the one
 * in flight hashed, while the server writes. Documents carry their own `_id` (the generators derive
 * it), so what is hashed is what is stored.
 */
export async function insertAll(db: Db, name: string, docs: Iterable<Document>, onDocs: (n: number) => void = () => undefined): Promise<Inserted> {
  const coll = db.collection(name);
  const hash = new MultisetHash();
  let inflight: Promise<void> | undefined;
  let total = 0;
  let hashMs = 0;
  const send = (batch: Document[]) => {
    const writing = coll.insertMany(batch, { ordered: false }).then((r) => {
      total += r.insertedCount;
      onDocs(batch.length);
    });
    writing.catch(() => undefined); // awaited below, in order
    const t0 = performance.now();
    for (const d of batch) hash.add(storedBytes(d));
    hashMs += performance.now() - t0;
    return writing;
  };
  let batch: Document[] = [];
  for (const d of docs) {
    batch.push(d);
    if (batch.length >= INSERT_BATCH) {
      const next = send(batch);
      await inflight;
      inflight = next;
      batch = [];
    }
  }
  if (batch.length) {
    const next = send(batch);
    await inflight;
    inflight = next;
  }
  await inflight;
  return { docs: total, hash: hash.digest(), hashMs };
}

export interface StoredHashes {
  /** combineHashes over the collections, in the order given. */
  hash: string;
  docs: Record<string, number>;
  collections: Record<string, string>;
}

/** Read-back: the multiset hash of each collection's raw BSON, in natural order (no sort), the collections read at once. */
export async function hashCollections(db: Db, names: readonly string[]): Promise<StoredHashes> {
  const docs: Record<string, number> = {};
  const collections: Record<string, string> = {};
  await Promise.all(
    names.map(async (n) => {
      const h = new MultisetHash();
      for await (const raw of db.collection(n).find({}, { raw: true, batchSize: 1000 })) h.add(raw as unknown as Uint8Array);
      docs[n] = h.count;
      collections[n] = h.digest();
    }),
  );
  return { hash: combineHashes(names.map((n) => [n, collections[n]] as const)), docs, collections };
}
