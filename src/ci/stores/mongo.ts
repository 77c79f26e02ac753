import type { Db, Document, MongoClient } from 'mongodb';
import { assertOwnedName } from '../names';

/**
 * MongoDB has no template databases: a stack's database is a copy of the template's, collection by
 * collection, made of what the server itself lists — the create options (validator, validation level
 * and action, collation... whatever the server holds), every index as listed, and the documents.
 * FerretDB has neither $out nor $merge nor cross-database rename, so documents go through the client:
 * find in batches, insertMany unordered, every collection at once (measured faster than one after
another, bench/ci). Indexes are built before the
 * documents arrive by default: measured faster on FerretDB (bench/ci); `indexes: 'after'` (one sorted
 * build per index) is what a large copy on a real MongoDB wants. Validation is bypassed: these documents
 * already passed the template's validators, and a copy must not depend on a validator's clock.
 */
export interface CopyOptions {
  indexes?: 'before' | 'after';
  batch?: number;
  /** Copy the collections at once (default) or one after another. */
  parallel?: boolean;
}

export interface CopyResult {
  collections: number;
  documents: number;
}

/** Index fields the server reports but does not take back in createIndexes. */
function indexSpec(index: Document): Document {
  const { v: _v, ns: _ns, ...spec } = index;
  return spec;
}

async function copyCollection(from: Db, to: Db, info: Document, opts: Required<CopyOptions>): Promise<number> {
  const name = String(info.name);
  const options = (info.options ?? {}) as Document;
  await to.command({ create: name, ...options });
  if (info.type === 'view') return 0;
  const indexes = (await from.collection(name).listIndexes().toArray()).filter((i) => i.name !== '_id_').map(indexSpec);
  const build = async () => {
    if (indexes.length) await to.command({ createIndexes: name, indexes });
  };
  if (opts.indexes === 'before') await build();
  const target = to.collection(name);
  let batch: Document[] = [];
  let copied = 0;
  const flush = async () => {
    if (!batch.length) return;
    await target.insertMany(batch, { ordered: false, bypassDocumentValidation: true });
    copied += batch.length;
    batch = [];
  };
  for await (const doc of from.collection(name).find({}).batchSize(opts.batch)) {
    batch.push(doc);
    if (batch.length >= opts.batch) await flush();
  }
  await flush();
  if (opts.indexes === 'after') await build();
  return copied;
}

export async function copyDatabase(client: MongoClient, from: string, to: string, opts: CopyOptions = {}): Promise<CopyResult> {
  assertOwnedName(to);
  const src = client.db(from);
  const dst = client.db(to);
  const listed = (await src.listCollections({}, { nameOnly: false }).toArray()).filter((c) => !c.name.startsWith('system.'));
  // Views last: they name collections that must exist first.
  const collections = listed.filter((c) => (c as Document).type !== 'view');
  const views = listed.filter((c) => (c as Document).type === 'view');
  const full: Required<CopyOptions> = { indexes: opts.indexes ?? 'before', batch: opts.batch ?? 1000, parallel: opts.parallel ?? true };
  const counts: number[] = [];
  if (full.parallel) counts.push(...(await Promise.all(collections.map((c) => copyCollection(src, dst, c, full)))));
  else for (const c of collections) counts.push(await copyCollection(src, dst, c, full));
  for (const v of views) await copyCollection(src, dst, v, full);
  return { collections: listed.length, documents: counts.reduce((a, b) => a + b, 0) };
}

export async function dropDatabase(client: MongoClient, name: string): Promise<void> {
  assertOwnedName(name);
  await client.db(name).dropDatabase();
}

export async function databasesNamed(client: MongoClient, prefix: string): Promise<string[]> {
  const r = await client.db('admin').command({ listDatabases: 1, nameOnly: true });
  return ((r.databases ?? []) as Array<{ name: string }>).map((d) => d.name).filter((n) => n.startsWith(prefix)).sort();
}
