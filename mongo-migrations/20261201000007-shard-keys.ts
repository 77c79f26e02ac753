import type { Db } from 'mongodb';
import { ensureShardKey, forgetShardKey, type CommandTarget } from '../src/stores/mongo/apply';
import { RELEASE_2 } from '../src/stores/mongo/release2';

/**
 * Shards the large collections on the keys their second-release definitions declare, when the
 * target is a mongos; on a standalone server, a replica set or FerretDB the capability record says
 * "not sharded" and why. Rollback cannot unshard a sharded collection (it stops, saying so).
 */
export async function up(db: Db | CommandTarget): Promise<void> {
  for (const def of RELEASE_2) await ensureShardKey(db as CommandTarget, def);
}

export async function down(db: Db | CommandTarget): Promise<void> {
  for (const def of [...RELEASE_2].reverse()) await forgetShardKey(db as CommandTarget, def);
}
