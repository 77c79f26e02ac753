import { hostname } from 'node:os';
import type { Config } from '../config';
import { usageError, type StoreName } from '../errors';

/**
 * The store stamp: facts each store records about itself in a bookkeeping object the tool owns
 * (PostgreSQL table recruit_db_meta, MongoDB collection recruit_db_meta, S3 bucket tags plus
 * objects under `.recruit-db/`). Read by every destructive command before its first write, and by
 * up, status and verify to notice a seed that never finished.
 */

export interface SeedRecord {
  /** started: the seed began writing this store; finished: everything it wrote is in. */
  state: 'started' | 'finished';
  seed: number;
  profile: string;
  /** The seed's reference date (ISO), when the seeder has one. */
  asOf?: string;
  overrides?: Record<string, number>;
  /** Every store this seed run covered (a redo seeds them together again). */
  stores: StoreName[];
  startedAt: string;
  finishedAt?: string;
  /** Once finished: the hash of what this seed wrote to the store (seeds/index.ts SeedResult; for PostgreSQL that of the COPY text sent, not contentHash's live fingerprint) and units per table/collection/prefix. */
  hash?: string;
  counts?: Record<string, number>;
  host: string;
  pid: number;
}

export interface StoreMeta {
  store: StoreName;
  /** The environment the store was bootstrapped for (first migrate), if recorded. */
  env?: string;
  seed?: SeedRecord;
}

export const PRODUCTION = 'production';

/** Stores among `metas` that say production, and whether the configuration itself says so. */
export function productionTargets(config: Pick<Config, 'env'>, metas: StoreMeta[]): { stores: StoreName[]; configured: boolean } {
  return { stores: metas.filter((m) => m.env === PRODUCTION).map((m) => m.store), configured: config.env === PRODUCTION };
}

/**
 * Destructive commands call this before their first write: a target is production when the
 * configuration says so OR any targeted store recorded production when it was bootstrapped,
 * whatever RECRUIT_DB_ENV says now.
 */
export function refuseProduction(config: Pick<Config, 'env'>, metas: StoreMeta[], allowProduction: boolean | undefined, action: string, hint = 'pass --allow-production if you really mean it'): void {
  if (allowProduction) return;
  const { stores, configured } = productionTargets(config, metas);
  if (!stores.length && !configured) return;
  const why = stores.length
    ? `${joinStores(stores)} ${stores.length === 1 ? 'was' : 'were'} bootstrapped for production (recorded in ${stores.length === 1 ? 'its' : 'their'} store stamp)${configured ? '' : `, whatever RECRUIT_DB_ENV=${config.env} says`}`
    : 'the target is production (RECRUIT_DB_ENV=production)';
  throw usageError(`refusing to ${action}: ${why}`, hint);
}

export function joinStores(stores: readonly string[]): string {
  return stores.length <= 1 ? (stores[0] ?? '') : `${stores.slice(0, -1).join(', ')} and ${stores[stores.length - 1]}`;
}

export function startedRecord(base: Omit<SeedRecord, 'state' | 'startedAt' | 'host' | 'pid'>): SeedRecord {
  return { ...base, state: 'started', startedAt: new Date().toISOString(), host: hostname(), pid: process.pid };
}

/** One line about a seed that began and never finished, for up, status and verify. */
export function unfinishedSeedText(store: StoreName, r: SeedRecord): string {
  return `${store}: a seed started at ${r.startedAt} (seed ${r.seed}, profile ${r.profile}${r.asOf ? `, as of ${r.asOf}` : ''}) never finished: its data is incomplete`;
}

export const UNFINISHED_SEED_HINT = 'run `recruit-db up` to redo it (it empties what that seed wrote and seeds again), or `recruit-db seed --truncate`';
