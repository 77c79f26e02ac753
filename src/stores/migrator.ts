import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from '../config';
import { EXIT, RecruitDbError, type StoreName } from '../errors';
import type { Capability } from './shapes';

/**
 * The one interface `migrate`, `rollback` and `status` drive, whatever the store. Each store's
 * migrate.ts implements it; the CLI loops over the selected stores and renders the results.
 * Methods return results; they throw only RecruitDbError (bad input, unreachable, failed step).
 */
export interface MigrationEntry {
  name: string;
  /** applied; pending; changed (applied, but its file was edited since); missing (applied, file gone). */
  state: 'applied' | 'pending' | 'changed' | 'missing';
  appliedAt?: string;
  batch?: number;
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
}

export interface UpOptions {
  to?: string;
  dryRun?: boolean;
  /** Accept edited, already-applied migrations: record their new checksums instead of refusing. */
  acceptChanged?: boolean;
}

export interface DownOptions {
  steps?: number;
  to?: string;
  all?: boolean;
  dryRun?: boolean;
  /** Rolling back production is refused unless this is set (see assertNotProduction). */
  allowProduction?: boolean;
}

export interface StoreMigrator {
  readonly store: StoreName;
  status(): Promise<MigrationStatus>;
  up(opts: UpOptions): Promise<MigrateResult>;
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
      return (await import('./s3/migrate')).openS3Migrator(config);
  }
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
