import type { Document, MongoClient } from 'mongodb';
import { canonicalJson } from '../shape-file';
import type { MongoCollectionShape, MongoIndex, MongoShape, ShapeEntry } from '../shapes';
import { readCapabilities, type CommandTarget } from './apply';
import { INTERNAL } from './collections';
import { probeMongoServerWith } from './connect';

const INTERNAL_NAMES = new Set<string>([...Object.values(INTERNAL), 'changelog_lock']);

/** The toolkit's bookkeeping and the server's own collections: infrastructure, not schema. */
export function isBookkeepingCollection(name: string): boolean {
  return INTERNAL_NAMES.has(name) || name.startsWith('recruit_db_') || name.startsWith('changelog') || name.startsWith('system.');
}

/** Index fields that are not options: the name and key are the index, `v` and `ns` are the server's bookkeeping. */
const NOT_OPTIONS = new Set(['name', 'key', 'v', 'ns', 'unique', 'expireAfterSeconds', 'partialFilterExpression']);
/** Collection options verify reads on their own. */
const VALIDATION = new Set(['validator', 'validationLevel', 'validationAction']);

/** One listIndexes document as a MongoIndex: every option kept, the server's version field dropped. */
export function toMongoIndex(i: Document): MongoIndex {
  const idx: MongoIndex = { name: String(i.name), key: i.key as Record<string, unknown> };
  if (i.unique) idx.unique = true;
  if (typeof i.expireAfterSeconds === 'number') idx.expireAfterSeconds = i.expireAfterSeconds;
  if (i.partialFilterExpression) idx.partialFilterExpression = i.partialFilterExpression as Record<string, unknown>;
  const options = Object.fromEntries(Object.entries(i).filter(([k]) => !NOT_OPTIONS.has(k)));
  if (Object.keys(options).length) idx.options = options;
  return idx;
}

/** A listCollections document as a MongoCollectionShape (indexes added by the caller). */
export function toCollectionShape(options: Record<string, unknown>, indexes: MongoIndex[]): MongoCollectionShape {
  const shape: MongoCollectionShape = { indexes };
  if (options.validator && Object.keys(options.validator as object).length) shape.validator = options.validator as Record<string, unknown>;
  if (typeof options.validationLevel === 'string') shape.validationLevel = options.validationLevel;
  if (typeof options.validationAction === 'string') shape.validationAction = options.validationAction;
  const rest = Object.fromEntries(Object.entries(options).filter(([k]) => !VALIDATION.has(k)));
  if (Object.keys(rest).length) shape.options = rest;
  return shape;
}

/**
 * The live shape as the server reports it: collection options (validator, validation level and
 * action, and every other option) and indexes with every option, so a validator or TTL the server
 * never accepted is absent here. Bookkeeping collections are left out; the capability record and
 * the changelog's applied migrations are attached. Reads through a CommandTarget, so the in-memory
 * server the expected shape is simulated on (verify/mongo-sim.ts) is read the same way.
 */
export async function introspectMongo(client: MongoClient, dbName: string): Promise<MongoShape> {
  const db = client.db(dbName);
  return introspectMongoTarget(db, () => db.collection(INTERNAL.changelog).find({}, { projection: { fileName: 1 } }).toArray());
}

export async function introspectMongoTarget(db: CommandTarget, changelog?: () => Promise<Document[]>): Promise<MongoShape> {
  const admin = db.admin();
  const [server, listed, capabilities, log] = await Promise.all([
    probeMongoServerWith((cmd) => admin.command(cmd)),
    db.command({ listCollections: 1, nameOnly: false, cursor: { batchSize: 10_000 } }).then((r) => (r.cursor?.firstBatch ?? []) as Document[]),
    readCapabilities(db),
    changelog ? changelog() : Promise.resolve([] as Document[]),
  ]);
  const wanted = listed
    .filter((c) => !isBookkeepingCollection(String(c.name)) && c.type !== 'view')
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));
  // One listIndexes per collection (MongoDB has no set-based index catalog); sent together.
  const indexLists = await Promise.all(
    wanted.map((c) => db.command({ listIndexes: String(c.name), cursor: { batchSize: 10_000 } }).then((r) => (r.cursor?.firstBatch ?? []) as Document[])),
  );
  const collections: Record<string, MongoCollectionShape> = {};
  wanted.forEach((c, i) => {
    collections[String(c.name)] = toCollectionShape((c.options ?? {}) as Record<string, unknown>, indexLists[i].map(toMongoIndex));
  });
  const migrations = log.map((l) => String(l.fileName).replace(/\.(js|ts|cjs)$/, '')).sort();
  return { server, collections, capabilities, migrations };
}

/**
 * The canonical entries of a MongoDB shape. Object keys are sorted everywhere except in an index's
 * key pattern, whose order is the index; validation level and action are their own parts, so a
 * relaxed `warn` is named as such rather than as a changed validator.
 */
export function mongoEntries(shape: MongoShape): ShapeEntry[] {
  const out: ShapeEntry[] = [];
  const keyOrder = new Set(['key']);
  for (const name of Object.keys(shape.collections).sort()) {
    const c = shape.collections[name];
    out.push({ kind: 'collection', name, value: c.options ? canonicalJson(c.options) : '' });
    if (c.validator) out.push({ kind: 'collection', name, part: { kind: 'validator', name: '' }, value: canonicalJson(c.validator) });
    if (c.validationLevel) out.push({ kind: 'collection', name, part: { kind: 'validationLevel', name: '' }, value: c.validationLevel });
    if (c.validationAction) out.push({ kind: 'collection', name, part: { kind: 'validationAction', name: '' }, value: c.validationAction });
    for (const i of [...c.indexes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const spec: Record<string, unknown> = { key: i.key, ...(i.options ?? {}) };
      if (i.unique) spec.unique = true;
      if (i.expireAfterSeconds !== undefined) spec.expireAfterSeconds = i.expireAfterSeconds;
      if (i.partialFilterExpression) spec.partialFilterExpression = i.partialFilterExpression;
      out.push({ kind: 'collection', name, part: { kind: 'index', name: i.name }, value: canonicalJson(spec, keyOrder) });
    }
  }
  return out;
}
