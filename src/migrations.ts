import type { Config } from './config';
import { EXIT, RecruitDbError, usageError, type ExitCode, type StoreName } from './errors';
import type { OnProgress } from './progress';
import { refuseProduction, type StoreMeta } from './stores/meta';
import type { StoreDrift } from './verify/run';
import { newRunId, openMigrator, type DownOptions, type MigrateResult, type MigrationStatus, type StoreMigrator, type StorePlan, type UpOptions } from './stores/migrator';

/**
 * `migrate`, `rollback` and `status` across the stores: plan every selected store, then execute.
 *
 * Planning opens each store, reads its state and checks everything that can refuse (bad flags,
 * settings, migration files that do not load, edited or missing migrations, production targets, a
 * store that cannot be rolled back) before the first write to ANY store. Execution then applies
 * each plan under that store's own lock and records one outcome per store; the stores are
 * independent, so one failing does not stop the others. Execution of the stores may run
 * concurrently (each plan is self-contained); the guarantees above do not depend on the order.
 */
export interface StoreOutcome<T> {
  store: StoreName;
  result?: T;
  error?: { code: string; message: string; hint?: string; exitCode: ExitCode };
}

export interface MigrationRun {
  /** One id for the whole invocation, recorded by every store it applied something in. */
  runId?: string;
  outcomes: StoreOutcome<MigrateResult>[];
  exitCode: ExitCode;
}

export interface MigrateRequest extends UpOptions {
  stores: StoreName[];
  onProgress?: OnProgress;
}

export interface RollbackRequest extends Omit<DownOptions, 'runId'> {
  /** The stores --only named; undefined: the stores whose migrations can be reverted. */
  stores?: StoreName[];
  onProgress?: OnProgress;
}

/** Stores whose migrations are versioned, so a rollback can revert them (the S3 layout is not). */
export const REVERSIBLE: StoreName[] = ['postgres', 'mongo'];

export function outcomeError(err: unknown): NonNullable<StoreOutcome<unknown>['error']> {
  if (err instanceof RecruitDbError) return { code: err.code, message: err.message, hint: err.hint, exitCode: err.exitCode };
  return { code: 'unexpected', message: String((err as Error)?.message ?? err).split('\n')[0], hint: 'rerun with --debug for details', exitCode: EXIT.USAGE };
}

function worst(outcomes: StoreOutcome<unknown>[]): ExitCode {
  return outcomes.reduce<ExitCode>((code, o) => (o.error ? (Math.max(code, o.error.exitCode) as ExitCode) : code), EXIT.OK);
}

/** Open migrators for every store, or none: a store that cannot be reached refuses the whole command. */
export async function openAll(config: Config, stores: StoreName[]): Promise<Map<StoreName, StoreMigrator>> {
  const opened = await Promise.allSettled(stores.map((s) => openMigrator(s, config)));
  const map = new Map<StoreName, StoreMigrator>();
  opened.forEach((o, i) => o.status === 'fulfilled' && map.set(stores[i], o.value));
  const failed = opened.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) {
    await closeAll(map);
    throw failed.reason;
  }
  return map;
}

export async function closeAll(migrators: Map<StoreName, StoreMigrator>): Promise<void> {
  await Promise.all([...migrators.values()].map((m) => m.close().catch(() => undefined)));
}

/** Runs `fn` for every store; the first refusal, in store order, is thrown once all have answered. */
export async function everyStore<T>(stores: StoreName[], fn: (store: StoreName) => Promise<T>): Promise<Map<StoreName, T>> {
  const settled = await Promise.allSettled(stores.map(fn));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return new Map(stores.map((s, i) => [s, (settled[i] as PromiseFulfilledResult<T>).value]));
}

/**
 * The execute phase: every plan applied at once, each under its own store's lock, in the same run.
 * The stores share nothing but the run id, so one failing (a migration error, a lost connection, a
 * timeout naming its store) never stops the others: each finishes its own work and the outcomes
 * come back in plan order (store order), whatever order the stores finished in.
 */
export async function execute(migrators: Map<StoreName, StoreMigrator>, plans: StorePlan[], runId: string, onProgress?: OnProgress): Promise<StoreOutcome<MigrateResult>[]> {
  return Promise.all(
    plans.map(async (plan): Promise<StoreOutcome<MigrateResult>> => {
      try {
        return { store: plan.store, result: await migrators.get(plan.store)!.apply(plan, { runId, onProgress }) };
      } catch (err) {
        return { store: plan.store, error: outcomeError(err) };
      }
    }),
  );
}

function oneStoreFor(flag: string, stores: StoreName[]): void {
  if (stores.length !== 1) throw usageError(`${flag} names a migration of one store, but ${stores.join(', ')} are selected`, 'add --only postgres (or the store the migration belongs to)');
}

export function validateSteps(steps: number | undefined): void {
  if (steps !== undefined && (!Number.isInteger(steps) || steps < 1)) throw usageError(`--steps must be a positive integer, got "${steps}"`, 'e.g. --steps 1');
}

/** Plans `migrate` for every store (reads only), refusing before any write. */
export async function planMigrate(migrators: Map<StoreName, StoreMigrator>, req: MigrateRequest): Promise<StorePlan[]> {
  const plans = await everyStore(req.stores, (s) => migrators.get(s)!.planUp(req));
  return req.stores.map((s) => plans.get(s)!);
}

export async function runMigrate(config: Config, req: MigrateRequest): Promise<MigrationRun> {
  if (req.to !== undefined) oneStoreFor('--to', req.stores);
  if (req.to !== undefined && req.steps !== undefined) throw usageError('pass only one of --to and --steps', 'e.g. recruit-db migrate --steps 1');
  validateSteps(req.steps);
  const migrators = await openAll(config, req.stores);
  try {
    const plans = await planMigrate(migrators, req);
    const runId = newRunId();
    const outcomes = await execute(migrators, plans, runId, req.onProgress);
    return { runId: req.dryRun ? undefined : runId, outcomes, exitCode: worst(outcomes) };
  } finally {
    await closeAll(migrators);
  }
}

/** The stamps of the stores a destructive command targets; read before it writes anything. */
export async function readMetas(migrators: Map<StoreName, StoreMigrator>): Promise<StoreMeta[]> {
  const metas = await everyStore([...migrators.keys()], (s) => migrators.get(s)!.meta());
  return [...metas.values()];
}

export function notReversible(): RecruitDbError {
  return new RecruitDbError({
    code: 'not-reversible',
    store: 's3',
    message: 'refusing to roll back s3: the bucket layout has no versions, buckets hold user data, and the bootstrap is never rolled back; nothing was changed',
    hint: 'leave s3 out of --only (e.g. --only postgres,mongo); `recruit-db reset` empties a non-production bucket of seeded objects',
    exitCode: EXIT.USAGE,
  });
}

/**
 * `rollback`. With no --steps/--to/--all it reverts exactly the last `migrate` run, in the stores
 * that run touched (and only there): the run whose start is latest among the stores' records.
 */
export async function runRollback(config: Config, req: RollbackRequest): Promise<MigrationRun> {
  const picked = [req.steps !== undefined, req.to !== undefined, Boolean(req.all)].filter(Boolean).length;
  if (picked > 1) throw usageError('pass only one of --steps, --to and --all', 'e.g. recruit-db rollback --steps 1');
  validateSteps(req.steps);
  if (req.stores?.includes('s3')) throw notReversible();
  const stores = req.stores ?? REVERSIBLE;
  if (req.to !== undefined) oneStoreFor('--to', stores);
  const migrators = await openAll(config, stores);
  try {
    if (!req.dryRun) refuseProduction(config, await readMetas(migrators), req.allowProduction, 'roll back migrations');
    let targets = stores;
    let runId: string | undefined;
    if (!picked) {
      const last = await everyStore(stores, (s) => migrators.get(s)!.lastRun());
      const latest = [...last.values()].filter((r) => r !== undefined).sort((a, b) => a!.at.localeCompare(b!.at)).pop();
      runId = latest?.runId;
      targets = stores.filter((s) => last.get(s)?.runId === runId && runId !== undefined);
      if (!runId) {
        return { outcomes: stores.map((s) => ({ store: s, result: { store: s, direction: 'down', done: [], capabilities: [], notes: ['nothing to roll back'] } })), exitCode: EXIT.OK };
      }
    }
    const down: DownOptions = { steps: req.steps, to: req.to, all: req.all, dryRun: req.dryRun, allowProduction: req.allowProduction, ...(runId ? { runId } : {}) };
    const plans = await everyStore(targets, (s) => migrators.get(s)!.planDown(down));
    const outcomes = await execute(migrators, targets.map((s) => plans.get(s)!), newRunId(), req.onProgress);
    // Stores the last run did not touch are reported as such, so the user sees what was left alone.
    for (const s of stores.filter((x) => !targets.includes(x))) {
      outcomes.push({ store: s, result: { store: s, direction: 'down', done: [], capabilities: [], notes: [`not touched by the last migrate run (${runId}): nothing rolled back here`] } });
    }
    outcomes.sort((a, b) => stores.indexOf(a.store) - stores.indexOf(b.store));
    return { runId, outcomes, exitCode: worst(outcomes) };
  } finally {
    await closeAll(migrators);
  }
}

export interface StoreStatus extends MigrationStatus {
  meta: StoreMeta;
}

export interface StatusRun {
  outcomes: StoreOutcome<StoreStatus>[];
  /** With `drift`: what verify finds wrong with each store that answered (see driftForStatus). */
  drift: StoreDrift[];
  exitCode: ExitCode;
}

/**
 * `status`: read-only, so one unreachable store does not hide the others. The stores are read
 * concurrently, and each store's drift check (a verify of that store alone) starts as soon as its
 * own status is in, without waiting for the slower stores.
 */
export async function runStatus(config: Config, stores: StoreName[], opts: { drift?: boolean } = {}): Promise<StatusRun> {
  const read = await Promise.all(
    stores.map(async (store): Promise<{ outcome: StoreOutcome<StoreStatus>; drift?: StoreDrift }> => {
      let m: StoreMigrator | undefined;
      let result: StoreStatus;
      try {
        m = await openMigrator(store, config);
        const [status, meta] = await Promise.all([m.status(), m.meta()]);
        result = { ...status, meta };
      } catch (err) {
        return { outcome: { store, error: outcomeError(err) } };
      } finally {
        await m?.close().catch(() => undefined);
      }
      if (!opts.drift) return { outcome: { store, result } };
      try {
        const { driftForStatus } = await import('./verify/run');
        return { outcome: { store, result }, drift: (await driftForStatus(config, [store]))[0] };
      } catch (err) {
        return { outcome: { store, error: outcomeError(err) } };
      }
    }),
  );
  const outcomes = read.map((r) => r.outcome);
  return { outcomes, drift: read.flatMap((r) => (r.drift ? [r.drift] : [])), exitCode: worst(outcomes) };
}
