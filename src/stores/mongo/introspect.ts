import type { MongoClient } from 'mongodb';
import type { MongoCollectionShape, MongoIndex, MongoShape } from '../shapes';
import { readCapabilities } from './apply';
import { INTERNAL } from './collections';
import { probeMongoServer } from './connect';

const INTERNAL_NAMES = new Set<string>([...Object.values(INTERNAL), 'changelog_lock']);

/**
 * The live shape as the server reports it: collection options (validator, validation level and
 * action) and indexes exactly as listed, so a validator or TTL the server never accepted is absent
 * here. The toolkit's own bookkeeping collections are left out; the capability record is attached.
 */
export async function introspectMongo(client: MongoClient, dbName: string): Promise<MongoShape> {
  const db = client.db(dbName);
  const server = await probeMongoServer(client);
  const listed = await db.listCollections({}, { nameOnly: false }).toArray();
  const collections: Record<string, MongoCollectionShape> = {};
  for (const c of listed.sort((a, b) => a.name.localeCompare(b.name))) {
    if (INTERNAL_NAMES.has(c.name) || c.name.startsWith('system.') || (c as { type?: string }).type === 'view') continue;
    const options = ((c as { options?: Record<string, unknown> }).options ?? {}) as Record<string, unknown>;
    const raw = await db.collection(c.name).listIndexes().toArray();
    const indexes: MongoIndex[] = raw.map((i) => {
      const idx: MongoIndex = { name: String(i.name), key: i.key as Record<string, unknown> };
      if (i.unique) idx.unique = true;
      if (typeof i.expireAfterSeconds === 'number') idx.expireAfterSeconds = i.expireAfterSeconds;
      if (i.partialFilterExpression) idx.partialFilterExpression = i.partialFilterExpression as Record<string, unknown>;
      return idx;
    });
    const shape: MongoCollectionShape = { indexes };
    if (options.validator) shape.validator = options.validator as Record<string, unknown>;
    if (typeof options.validationLevel === 'string') shape.validationLevel = options.validationLevel;
    if (typeof options.validationAction === 'string') shape.validationAction = options.validationAction;
    collections[c.name] = shape;
  }
  return { server, collections, capabilities: await readCapabilities(db) };
}

