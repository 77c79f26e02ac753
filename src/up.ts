import type { ReadBack, SeedProgress, SeedResult } from '../seeds/index';
import type { Config } from './config';
import { EXIT, usageError, type ExitCode, type StoreName } from './errors';
import { closeAll, everyStore, execute, openAll, planMigrate, readMetas, REVERSIBLE, type StoreOutcome } from './migrations';
import type { OnProgress } from './progress';
import { joinStores, refuseProduction, type SeedRecord, type StoreMeta } from './stores/meta';
import { newRunId, type MigrateResult } from './stores/migrator';
import { recordedSeed, seedCounts, selected, withHandles, withSeedLocks, type SeedPlan, type StoreHandles } from './seedrun';

/**
 * `up`: the whole job in one call — migrate every store (S3's migration is its bootstrap), seed
 * stores that are still empty or whose last seed never finished, verify against the contract.
 * Re-running applies nothing and seeds nothing, because migrations are recorded and seeding skips
 * stores that already hold a finished seed's data.
 */
export interface UpOptions {
  only: StoreName[];
  seed: boolean;
  profile?: string;
  seedValue?: string | number;
  /** The seed's as-of day (`YYYY-MM-DD`); default the current UTC day. */
  asOf?: string;
  strict?: boolean;
  allowProduction?: boolean;
  /** The plan for all three stores (migrations, bootstrap, what would be seeded); nothing written. */
  dryRun?: boolean;
  /** Read back what this run seeds and compare it with what was written (see SeedOptions.verifyHash). */
  verifyHash?: boolean;
  onProgress?: OnProgress;
  onSeedProgress?: (p: SeedProgress) => void;
}

export interface UpStoreSummary {
  store: StoreName;
  applied: string[];
  /** Rows, documents or objects written by this run's seed; undefined when not seeded. */
  seeded?: number;
  seedNote?: string;
  notes: string[];
  /** Dry run: the statements or items it would apply. */
  plan?: string[];
  error?: StoreOutcome<unknown>['error'];
}

export interface UpResult {
  runId?: string;
  dryRun: boolean;
  stores: UpStoreSummary[];
  /** Dry run: what seeding would write. */
  seedPlan?: SeedPlan;
  verify?: { exitCode: 0 | 1; clean: boolean; reports: unknown[] };
  /** With verifyHash, when this run seeded: the read-back of what it wrote. */
  readBack?: ReadBack;
  exitCode: ExitCode;
}

const PRODUCTION_HINT = 'pass --no-seed to only migrate and verify, or --allow-production if you really mean it';

function summaries(outcomes: StoreOutcome<MigrateResult>[]): UpStoreSummary[] {
  return outcomes.map((o) => ({ store: o.store, applied: o.result?.done ?? [], notes: o.result?.notes ?? [], ...(o.result?.plan ? { plan: o.result.plan } : {}), ...(o.error ? { error: o.error } : {}) }));
}

export async function runUp(config: Config, opts: UpOptions): Promise<UpResult> {
  if (opts.seed) {
    // Bad input is refused before the first write, not after the migrations ran.
    const { parseAsOf, parseProfile, parseSeed } = await import('../seeds/core');
    parseProfile(opts.profile);
    parseSeed(opts.seedValue);
    parseAsOf(opts.asOf);
  }
  const migrators = await openAll(config, opts.only);
  let outcomes: StoreOutcome<MigrateResult>[];
  let runId: string | undefined;
  let metas: StoreMeta[];
  try {
    metas = await readMetas(migrators);
    if (opts.seed && !opts.dryRun) refuseProduction(config, metas, opts.allowProduction, 'seed during up', PRODUCTION_HINT);
    const plans = await planMigrate(migrators, { stores: opts.only, dryRun: opts.dryRun });
    runId = opts.dryRun ? undefined : newRunId();
    outcomes = await execute(migrators, plans, runId ?? newRunId(), opts.onProgress);
  } finally {
    await closeAll(migrators);
  }
  const stores = summaries(outcomes);
  const failed = outcomes.reduce<ExitCode>((c, o) => (o.error ? (Math.max(c, o.error.exitCode) as ExitCode) : c), EXIT.OK);
  if (failed) return { runId, dryRun: Boolean(opts.dryRun), stores, exitCode: failed };

  if (opts.dryRun) {
    const seedPlan = opts.seed ? await planUpSeed(config, opts, metas, stores) : undefined;
    return { dryRun: true, stores, seedPlan, exitCode: EXIT.OK };
  }
  const readBack = opts.seed ? await seedForUp(config, opts, stores) : undefined;

  opts.onProgress?.({ phase: 'verify', state: 'start' });
  const { runVerify } = await import('./verify/run');
  const verified = await runVerify(config, { only: opts.only, strict: Boolean(opts.strict) });
  opts.onProgress?.({ phase: 'verify', state: 'end', detail: verified.verdict.exitCode === 0 ? 'no drift' : 'drift found' });
  return {
    runId,
    dryRun: false,
    stores,
    verify: { exitCode: verified.verdict.exitCode, clean: verified.verdict.clean, reports: verified.reports },
    ...(readBack ? { readBack } : {}),
    // A read-back that found a difference is a failure found, as drift is.
    exitCode: readBack && !readBack.ok ? EXIT.DRIFT : verified.verdict.exitCode,
  };
}

const sameSeed = (a: SeedRecord) => JSON.stringify([a.seed, a.profile, a.asOf ?? null, a.overrides ?? {}]);

/**
 * Under the seed locks: a store whose last seed never finished is emptied of what that seed wrote
 * and seeded again with that seed's settings (together with the other stores it covered); a store
 * still empty is seeded with this run's settings; a store holding a finished seed's data is left.
 */
async function seedForUp(config: Config, opts: UpOptions, stores: UpStoreSummary[]): Promise<ReadBack | undefined> {
  const only = stores.map((s) => s.store);
  const readBacks: ReadBack[] = [];
  await withHandles(config, (h) =>
    withSeedLocks(h, only, opts.onProgress, async () => {
      const { isStoreEmpty, seededCount } = await import('../seeds/index');
      const metas = await h.metas(only);
      const unfinished = metas.filter((m) => m.seed?.state === 'started');
      const empty: StoreName[] = [];
      for (const m of metas) {
        if (unfinished.includes(m)) continue;
        if (await isStoreEmpty(config, m.store)) empty.push(m.store);
        else stores.find((s) => s.store === m.store)!.seedNote = 'already holds data; not seeded again (use `recruit-db reset` or `seed --truncate`)';
      }
      const groups = new Map<string, StoreMeta[]>();
      for (const m of unfinished) groups.set(sameSeed(m.seed!), [...(groups.get(sameSeed(m.seed!)) ?? []), m]);
      for (const group of groups.values()) {
        const r = group[0].seed!;
        const redo = group.map((m) => m.store);
        const result = await seed(h, opts, { only: redo, seed: r.seed, profile: r.profile, overrides: r.overrides, ...(r.asOf ? { asOf: r.asOf } : {}), truncate: true });
        if (result.readBack) readBacks.push(result.readBack);
        for (const store of redo) {
          const s = stores.find((x) => x.store === store)!;
          s.seeded = seededCount(result, store);
          s.seedNote = `redid the seed started at ${r.startedAt} that never finished (seed ${r.seed}, profile ${r.profile}${r.asOf ? `, as of ${r.asOf}` : ''}): emptied what it wrote and seeded again`;
        }
      }
      if (!empty.length) return;
      const result = await seed(h, opts, { only: empty, seed: opts.seedValue, profile: opts.profile, asOf: opts.asOf, truncate: false });
      if (result.readBack) readBacks.push(result.readBack);
      const kept = only.filter((s) => !empty.includes(s));
      for (const store of empty) {
        const s = stores.find((x) => x.store === store)!;
        s.seeded = seededCount(result, store);
        // Cross-store references (ids, S3 keys) line up only with data from the same seed, profile and as-of.
        if (kept.length) s.seedNote = `seeded alone (seed ${result.seed}, profile ${result.profile}, as of ${result.asOf}): it matches ${joinStores(kept)} only if they were seeded the same way; \`recruit-db reset\` seeds all together`;
      }
    }),
  );
  if (!readBacks.length) return undefined;
  return { ok: readBacks.every((b) => b.ok), stores: readBacks.flatMap((b) => b.stores), ms: readBacks.reduce((a, b) => a + b.ms, 0) };
}

function seed(h: StoreHandles, opts: UpOptions, what: { only: StoreName[]; seed?: string | number; profile?: string; asOf?: string; overrides?: Record<string, number>; truncate: boolean }): Promise<SeedResult> {
  return recordedSeed(h, { ...what, allowProduction: opts.allowProduction, verifyHash: opts.verifyHash, onProgress: opts.onSeedProgress, onPhase: opts.onProgress });
}

/** Dry run: which stores would be seeded (empty, not yet migrated, or an unfinished seed), and with what. */
async function planUpSeed(config: Config, opts: UpOptions, metas: StoreMeta[], stores: UpStoreSummary[]): Promise<SeedPlan | undefined> {
  const { isStoreEmpty } = await import('../seeds/index');
  const would: StoreName[] = [];
  for (const m of metas) {
    const s = stores.find((x) => x.store === m.store)!;
    if (m.seed?.state === 'started') {
      would.push(m.store);
      s.seedNote = `would redo the seed started at ${m.seed.startedAt} that never finished (seed ${m.seed.seed}, profile ${m.seed.profile}${m.seed.asOf ? `, as of ${m.seed.asOf}` : ''})`;
      continue;
    }
    // A store not migrated yet would be migrated first, and then be empty.
    const empty = await isStoreEmpty(config, m.store).catch(() => true);
    if (empty) {
      would.push(m.store);
      s.seedNote = 'would be seeded';
    } else s.seedNote = 'already holds data; would not be seeded again';
  }
  if (!would.length) return undefined;
  // Generation only: the embedding column type is the one the migrations create on this server.
  let embedding: 'pgvector' | 'array' = 'array';
  if (would.includes('postgres')) {
    embedding = await withHandles(config, async (h) => (await import('./stores/postgres/seed')).embeddingStorageOf(await h.pg()).catch(() => 'array' as const));
  }
  return seedCounts({ profile: opts.profile, seed: opts.seedValue, asOf: opts.asOf }, selected(would), embedding);
}

// ---------------------------------------------------------------------------------------------
// reset
// ---------------------------------------------------------------------------------------------

export interface DroppedSummary {
  store: StoreName;
  /** Migrations reverted (PostgreSQL, MongoDB). */
  reverted?: string[];
  /** Seeded objects deleted, and objects kept because no seed wrote them (S3). */
  deleted?: number;
  kept?: number;
  error?: StoreOutcome<unknown>['error'];
}

export interface ResetTargets {
  /** Where each store is, secrets masked, for the confirmation question. */
  stores: { store: StoreName; target: string; what: string }[];
}

export interface ResetResult extends UpResult {
  dropped: DroppedSummary[];
}

/**
 * `reset`: refuses production (configuration or any store's stamp), asks `confirm` (the CLI's TTY
 * question), then reverts every migration, deletes what the seeds wrote to S3, and runs `up`.
 */
export async function runReset(config: Config, opts: UpOptions, confirm?: (targets: ResetTargets) => Promise<boolean>): Promise<ResetResult> {
  const reversible = opts.only.filter((s) => REVERSIBLE.includes(s));
  const migrators = await openAll(config, reversible);
  let outcomes: StoreOutcome<MigrateResult>[];
  const dropped: DroppedSummary[] = [];
  try {
    const metas = [...(await readMetas(migrators)), ...(opts.only.includes('s3') ? await withHandles(config, (h) => h.metas(['s3'])) : [])];
    refuseProduction(config, metas, opts.allowProduction, 'reset');
    const planned = await everyStore(reversible, (s) => migrators.get(s)!.planDown({ all: true, allowProduction: opts.allowProduction }));
    const plans = reversible.map((s) => planned.get(s)!);
    if (confirm && !(await confirm(await resetTargets(config, opts.only)))) throw usageError('reset cancelled: nothing was changed', 'run it again and answer yes, or pass --yes');
    outcomes = await execute(migrators, plans, newRunId(), opts.onProgress);
  } finally {
    await closeAll(migrators);
  }
  for (const o of outcomes) dropped.push({ store: o.store, reverted: o.result?.done ?? [], ...(o.error ? { error: o.error } : {}) });
  if (opts.only.includes('s3')) dropped.push(await dropSeededObjects(config, opts.onProgress));
  const failed = dropped.reduce<ExitCode>((c, d) => (d.error ? (Math.max(c, d.error.exitCode) as ExitCode) : c), EXIT.OK);
  if (failed) return { dryRun: false, stores: [], dropped, exitCode: failed };
  const up = await runUp(config, opts);
  return { ...up, dropped };
}

async function resetTargets(config: Config, stores: StoreName[]): Promise<ResetTargets> {
  const { maskUrl } = await import('./secrets');
  const out: ResetTargets['stores'] = [];
  for (const s of selected(stores)) {
    if (s === 'postgres') out.push({ store: s, target: maskUrl(config.postgres!.url), what: 'every migration reverted: all tables and types they created are dropped, with their data' });
    if (s === 'mongo') out.push({ store: s, target: `${maskUrl(config.mongo!.uri)} (database ${config.mongo!.db})`, what: 'every migration reverted: the collections they created are dropped, with their documents' });
    if (s === 's3') out.push({ store: s, target: `bucket ${config.s3!.bucket}`, what: 'every object a seed wrote is deleted (other objects stay)' });
  }
  return { stores: out };
}

async function dropSeededObjects(config: Config, onProgress?: OnProgress): Promise<DroppedSummary> {
  const { uniquePrefixes } = await import('../s3-layout');
  const { countObjects, deleteSeeded } = await import('./stores/s3/seed');
  try {
    return await withHandles(config, async (h) => {
      const client = await h.s3();
      const { headBucket } = await import('./stores/s3/connect');
      if ((await headBucket(client, config.s3!, config.timeoutMs)) === 'missing') return { store: 's3' as const, deleted: 0, kept: 0 };
      onProgress?.({ store: 's3', phase: 'delete seeded objects', state: 'start' });
      const deleted = await deleteSeeded(client, config.s3!, config.timeoutMs, uniquePrefixes());
      const kept = await countObjects(client, config.s3!, config.timeoutMs, uniquePrefixes());
      onProgress?.({ store: 's3', phase: 'delete seeded objects', state: 'end', done: deleted, unit: 'objects', detail: kept ? `${kept} other objects kept` : undefined });
      return { store: 's3' as const, deleted, kept };
    });
  } catch (err) {
    const { outcomeError } = await import('./migrations');
    return { store: 's3', error: outcomeError(err) };
  }
}
