import type { Db } from 'mongodb';
import { applyCollection, dropCollection } from '../src/stores/mongo/apply';

// The collection's validator, indexes and TTL are defined in src/stores/mongo/collections.ts.
const NAME = 'analytics_aggregates';

export async function up(db: Db): Promise<void> {
  await applyCollection(db, NAME);
}

export async function down(db: Db): Promise<void> {
  await dropCollection(db, NAME);
}
