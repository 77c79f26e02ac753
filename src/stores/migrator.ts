import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from '../config';
import { EXIT, RecruitDbError, type StoreName } from '../errors';
import type { OnProgress } from '../progress';
import type { StoreMeta } from './meta';
import type { Capability } from './shapes';

/**
 * The one interface `migrate`, `rollback`, `status`, `up` and `reset` drive, whatever the store.
 * Each store's migrate.ts implements it. A run is planned for every selected store first (reads
 * only: every refusal happens there), then each plan is applied; `src/migrations.ts` orchestrates.
 * Methods return results; they throw only RecruitDbError (bad input, unreachable, failed step).
 */
export interface MigrationEntry {
  name: string;
  /**
   * applied; pending; changed (applied, but its file was edited since); missing (applied, file
   * gone); interrupted (a rollback of it was killed halfway: the next migrate or rollback finishes it).
   */
  state: 'applied' | 'pending' | 'changed' | 'missing' | 'interrupted';
  appliedAt?: string;
  batch?: number;
  /** The `migrate` run that applied it (absent when another tool applied it). */
  runId?: string;
}

/** Recorded as applied, whether or not its file was edited since. */
export function isApplied(e: MigrationEntry): boolean {
  return e.state === 'applied' || e.state === 'changed';
}

export interface MigrationStatus {
  store: StoreName;
  /** Where the migrations were applied, secrets masked (e.g. the database URL). */
  target: string;
  entries: MigrationEntry[];
  /** What this server could not apply (FerretDB: validators, TTL; Postgres without pgvector...). */
  capabilities: Capability[];
  notes: string[];
}

export interface MigrateResult {
  store: StoreName;
  direction: 'up' | 'down';
  /** Names applied (up) or reverted (down), in the order they ran. */
  done: string[];
  /** With dryRun: the statements that would run, nothing changed. */
  plan?: string[];
  capabilities: Capability[];
  notes: string[];
  /** The run this result belongs to (absent for a dry run). */
  runId?: string;
}

export interface UpOptions {
  to?: string;
  /** Apply at most this many pending migrations. */
  steps?: number;
  dryRun?: boolean;
  /** Accept edited, already-applied migrations: record their new checksums instead of refusing. */
  acceptChanged?: boolean;
  /** Run every migration itself, one after another, even where a snapshot could stand for them (PostgreSQL's schema snapshot, MongoDB's released state). */
  oneByOne?: boolean;
}

export interface DownOptions {
  steps?: number;
  to?: string;
  all?: boolean;
  /** Revert exactly what this `migrate` run applied (a plain `rollback`: the last run). */
  runId?: string;
  dryRun?: boolean;
  /** Rolling back production is refused unless this is set. */
  allowProduction?: boolean;
}

/** What a store will do, computed from reads only. `apply` re-checks it under the store's lock. */
export interface StorePlan {
  store: StoreName;
  direction: 'up' | 'down';
  /** Migrations to apply or revert, in order (S3: the layout items that differ). */
  names: string[];
  dryRun: boolean;
  notes: string[];
  /** The request it was planned from; apply re-derives the work from it under the lock. */
  request: UpOptions | DownOptions;
}

/** One `migrate` invocation as a store recorded it. */
export interface RunInfo {
  runId: string;
  /** When it started (ISO); runs of other tools: when their batch was applied. */
  at: string;
  names: string[];
}

export interface RunContext {
  runId: string;
  onProgress?: OnProgress;
}

export interface StoreMigrator {
  readonly store: StoreName;
  status(): Promise<MigrationStatus>;
  /** The store's stamp: the environment it was bootstrapped for, its seed record. */
  meta(): Promise<StoreMeta>;
  planUp(opts: UpOptions): Promise<StorePlan>;
  planDown(opts: DownOptions): Promise<StorePlan>;
  apply(plan: StorePlan, run: RunContext): Promise<MigrateResult>;
  /** The latest run that applied something still applied here. */
  lastRun(): Promise<RunInfo | undefined>;
  /** planUp + apply in a run of its own (library use, tests). */
  up(opts: UpOptions): Promise<MigrateResult>;
  /** planDown + apply (library use, tests). */
  down(opts: DownOptions): Promise<MigrateResult>;
  close(): Promise<void>;
}

/** Opens the migrator of a store; imports lazily so a command loads only the drivers it uses. */
export async function openMigrator(store: StoreName, config: Config): Promise<StoreMigrator> {
  switch (store) {
    case 'postgres':
      return (await import('./postgres/migrate')).openPostgresMigrator(config);
    case 'mongo':
      return (await import('./mongo/migrate')).openMongoMigrator(config);
    case 's3':
      return (await import('./s3/migrator')).openS3Migrator(config);
  }
}

/**
 * A run id sorts by its start time and is unique across concurrent runs:
 * `20260301T101500123Z-3f9a1c`.
 */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;
}

/** The start time a run id encodes (ISO), or undefined for an id of another shape. */
export function runStartedAt(runId: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z-/.exec(runId);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z` : undefined;
}

/** `up` and `down` of a migrator: plan, then apply in a run of its own. */
export async function planAndApply(m: StoreMigrator, direction: 'up' | 'down', opts: UpOptions | DownOptions): Promise<MigrateResult> {
  const plan = direction === 'up' ? await m.planUp(opts as UpOptions) : await m.planDown(opts as DownOptions);
  return m.apply(plan, { runId: newRunId() });
}

/** What an applied migration's checksum covers: the bytes of its source file. */
export function fileChecksum(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** `migrate` refuses to go on over an applied migration whose file was edited since it ran. */
export function changedMigrationError(store: StoreName, paths: string[]): RecruitDbError {
  return new RecruitDbError({
    code: 'changed-migration',
    store,
    message: `applied migration ${paths[0]} was edited after it ran${paths.length > 1 ? ` (and ${paths.length - 1} more)` : ''}: its checksum differs from the one recorded`,
    hint: 'revert the edit and put the change in a new migration (recruit-db make NAME), or rerun with --accept-changed to record the new checksum',
    exitCode: EXIT.DRIFT,
  });
}

/** The selection of a down request: which of the applied names (oldest first) it reverts, newest first. */
export function selectForDown(
  applied: { name: string; runId?: string }[],
  opts: DownOptions,
  resolveTo: (to: string) => string,
): string[] {
  let picked: string[];
  if (opts.all) picked = applied.map((a) => a.name);
  else if (opts.steps !== undefined) picked = applied.slice(-opts.steps).map((a) => a.name);
  else if (opts.to !== undefined) {
    const to = resolveTo(opts.to);
    const idx = applied.findIndex((a) => a.name === to);
    if (idx < 0) throw new RecruitDbError({ code: 'usage', message: `migration ${to} is not applied, so there is nothing after it to roll back`, hint: 'pass an applied migration (see recruit-db status)' });
    picked = applied.slice(idx + 1).map((a) => a.name);
  } else if (opts.runId !== undefined) picked = applied.filter((a) => a.runId === opts.runId).map((a) => a.name);
  else picked = [];
  return picked.reverse();
}
