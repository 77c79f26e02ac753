import type { Db } from 'mongodb';
import type { SeedRecord, StoreMeta } from '../meta';
import { INTERNAL } from './collections';

/**
 * The MongoDB store stamp: the collection recruit_db_meta (infrastructure, like the changelog), one
 * document per fact: `_id: 'environment'` ({env, at}) and `_id: 'seed'` (SeedRecord).
 */
export const META_COLLECTION = INTERNAL.meta;

interface MetaDoc {
  _id: string;
  [key: string]: unknown;
}

export async function readMongoMeta(db: Db): Promise<StoreMeta> {
  const docs = await db.collection<MetaDoc>(META_COLLECTION).find({ _id: { $in: ['environment', 'seed'] } }).toArray();
  const by = new Map(docs.map((d) => [d._id, d]));
  const env = by.get('environment')?.env;
  const seed = by.get('seed');
  let record: SeedRecord | undefined;
  if (seed) {
    const { _id, ...rest } = seed;
    record = rest as unknown as SeedRecord;
  }
  return { store: 'mongo', env: typeof env === 'string' ? env : undefined, seed: record };
}

/** Records the environment the first time; an existing stamp is never changed. */
export async function stampMongoEnv(db: Db, env: string): Promise<void> {
  await db.collection<MetaDoc>(META_COLLECTION).updateOne({ _id: 'environment' }, { $setOnInsert: { env, at: new Date().toISOString() } }, { upsert: true });
}

export async function writeMongoSeedRecord(db: Db, record: SeedRecord): Promise<void> {
  await db.collection<MetaDoc>(META_COLLECTION).replaceOne({ _id: 'seed' }, { ...record } as unknown as MetaDoc, { upsert: true });
}
