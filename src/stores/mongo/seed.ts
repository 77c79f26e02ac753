import { createHash } from 'node:crypto';
import { BSON, type Db, type Document } from 'mongodb';
import { RecruitDbError } from '../../errors';

/**
 * Bulk writes for the seeder: unordered insertMany in batches (the driver splits further to the
 * server's own batch limit), plus the emptiness check, deleteMany and the content hash (documents
 * sorted by _id, canonical Extended JSON).
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

/** Inserts `docs` in unordered batches; the next batch is built only when the previous one is written. */
export async function insertAll(db: Db, name: string, docs: Iterable<Document>, onDocs: (n: number) => void = () => undefined): Promise<number> {
  const coll = db.collection(name);
  let batch: Document[] = [];
  let total = 0;
  const flush = async () => {
    if (!batch.length) return;
    const r = await coll.insertMany(batch, { ordered: false });
    total += r.insertedCount;
    onDocs(batch.length);
    batch = [];
  };
  for (const d of docs) {
    batch.push(d);
    if (batch.length >= INSERT_BATCH) await flush();
  }
  await flush();
  return total;
}

/** sha256 over every document of each collection in _id order (canonical EJSON, so types count). */
export async function hashCollections(db: Db, names: readonly string[], onCollection: (name: string, done: number, total: number) => void = () => undefined): Promise<{ hash: string; docs: Record<string, number> }> {
  const total = createHash('sha256');
  const docs: Record<string, number> = {};
  for (const n of names) {
    const h = createHash('sha256');
    let count = 0;
    for await (const d of db.collection(n).find({}).sort({ _id: 1 }).batchSize(1000)) {
      h.update(BSON.EJSON.stringify(d, { relaxed: false }));
      h.update('\n');
      count++;
    }
    docs[n] = count;
    total.update(`${n}\u0000${h.digest('hex')}\n`);
    onCollection(n, Object.keys(docs).length, names.length);
  }
  return { hash: total.digest('hex'), docs };
}
