import type { Config } from './config';
import { assertNotProduction } from './config';
import { usageError, type StoreName } from './errors';
import { openMigrator, type MigrateResult } from './stores/migrator';
import type { ReadBack } from '../seeds/index';

/**
 * `up`: the whole job in one call — migrate every store (S3's migration is its bootstrap), seed
 * stores that are still empty, verify against the contract. Re-running applies nothing and seeds
 * nothing, because migrations are recorded and seeding skips stores that already hold data.
 */
export interface UpOptions {
  only: StoreName[];
  seed: boolean;
  profile?: string;
  seedValue?: string | number;
  strict?: boolean;
  allowProduction?: boolean;
  /** Read back what this run seeded and compare it with what was written (see SeedOptions.verifyHash). */
  verifyHash?: boolean;
  onStep?: (step: string) => void;
}

export interface UpStoreSummary {
  store: StoreName;
  applied: string[];
  /** Rows, documents or objects written by this run's seed; undefined when not seeded. */
  seeded?: number;
  seedNote?: string;
  notes: string[];
}

export interface UpResult {
  stores: UpStoreSummary[];
  verify: { exitCode: 0 | 1; clean: boolean; reports: unknown[] };
  /** With verifyHash, when this run seeded: the read-back of what it wrote. */
  readBack?: ReadBack;
}

export async function migrateAll(config: Config, only: StoreName[], onStep?: (s: string) => void): Promise<MigrateResult[]> {
  const results: MigrateResult[] = [];
  for (const store of only) {
    onStep?.(`migrating ${store}`);
    const migrator = await openMigrator(store, config);
    try {
      results.push(await migrator.up({}));
    } finally {
      await migrator.close();
    }
  }
  return results;
}

export async function runUp(config: Config, opts: UpOptions): Promise<UpResult> {
  if (opts.seed) {
    // Bad input is refused before the first write, not after the migrations ran.
    if (config.env === 'production' && !opts.allowProduction) {
      throw usageError('refusing to seed during up: the target is production (RECRUIT_DB_ENV=production)', 'pass --no-seed to only migrate and verify, or --allow-production if you really mean it');
    }
    const { parseProfile, parseSeed } = await import('../seeds/core');
    parseProfile(opts.profile);
    parseSeed(opts.seedValue);
  }
  const migrated = await migrateAll(config, opts.only, opts.onStep);
  const summaries: UpStoreSummary[] = migrated.map((m) => ({ store: m.store, applied: m.done, notes: m.notes }));

  let readBack: ReadBack | undefined;
  if (opts.seed) {
    const seeds = await import('../seeds/index');
    const empty: StoreName[] = [];
    for (const s of summaries) {
      if (await seeds.isStoreEmpty(config, s.store)) empty.push(s.store);
      else s.seedNote = 'already holds data; not seeded again (use `recruit-db reset` or `seed --truncate`)';
    }
    if (empty.length) {
      opts.onStep?.(`seeding ${empty.join(', ')}`);
      const result = await seeds.runSeed(config, {
        profile: opts.profile,
        seed: opts.seedValue,
        only: empty,
        truncate: false,
        allowProduction: opts.allowProduction,
        verifyHash: opts.verifyHash,
      });
      readBack = result.readBack;
      const kept = summaries.filter((s) => !empty.includes(s.store)).map((s) => s.store);
      for (const s of summaries) {
        if (!empty.includes(s.store)) continue;
        s.seeded = seeds.seededCount(result, s.store);
        // Cross-store references (ids, S3 keys) line up only with data from the same seed and profile.
        if (kept.length) s.seedNote = `seeded alone (seed ${result.seed}, profile ${result.profile}): it matches ${kept.join(' and ')} only if they were seeded the same way; \`recruit-db reset\` seeds all together`;
      }
    }
  }

  opts.onStep?.('verifying');
  const { runVerify } = await import('./verify/run');
  const verified = await runVerify(config, { only: opts.only, strict: Boolean(opts.strict) });
  return { stores: summaries, verify: { exitCode: verified.verdict.exitCode, clean: verified.verdict.clean, reports: verified.reports }, readBack };
}

/** `reset`: revert every migration (dropping what they created), remove seeded objects, then `up`. */
export async function runReset(config: Config, opts: UpOptions): Promise<UpResult> {
  assertNotProduction(config, opts.allowProduction, 'reset');
  const seeds = await import('../seeds/index');
  for (const store of opts.only) {
    opts.onStep?.(`dropping ${store}`);
    if (store === 's3') {
      // The bucket and its hardening stay (bootstrap is idempotent); what was seeded goes.
      await seeds.truncateStore(config, 's3');
      continue;
    }
    const migrator = await openMigrator(store, config);
    try {
      await migrator.down({ all: true, allowProduction: opts.allowProduction });
    } finally {
      await migrator.close();
    }
  }
  return runUp(config, opts);
}
