import type { Command } from 'commander';
import { assertNotProduction } from '../config';
import { EXIT, usageError, type StoreName } from '../errors';
import type { DownOptions } from '../stores/migrator';
import { action, type CommandContext } from './context';
import { applyMigrationsDir, eachStore, migrationsDirOption, oneStoreFor, renderResults } from './migrate';
import { onlyOption, selectedStores } from './options';

interface RollbackOpts {
  only?: StoreName[];
  steps?: string;
  to?: string;
  all?: boolean;
  dryRun?: boolean;
  allowProduction?: boolean;
  migrationsDir?: string;
}

/** Parsed before anything connects: a bad value must not touch a store. */
export function parseSteps(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw usageError(`--steps must be a positive integer, got "${value}"`, 'e.g. --steps 1');
  return Number(value);
}

export function register(program: Command): void {
  program
    .command('rollback')
    .description('revert applied migrations: by default the last batch (what the last `migrate` applied)')
    .addOption(onlyOption())
    .option('--steps <n>', 'revert the last N migrations')
    .option('--to <name>', 'revert every migration applied after NAME (NAME stays applied; needs --only with one store)')
    .option('--all', 'revert every applied migration')
    .option('--dry-run', 'print the statements that would run, change nothing')
    .option('--allow-production', 'allow rolling back when RECRUIT_DB_ENV=production')
    .addOption(migrationsDirOption())
    .addHelpText(
      'after',
      `
Pass at most one of --steps, --to, --all; with none, the last batch is reverted (like knex migrate:rollback).
Refused on production unless --allow-production.
Exit codes: 0 ok; 1 a migration failed; 2 usage or connection error.

Examples:
  $ recruit-db rollback --only postgres --steps 1
  $ recruit-db rollback --only postgres --to 0003_skills_categories
  $ recruit-db rollback --all`,
    )
    .action(
      action<RollbackOpts>(async (ctx) => {
        const o = ctx.opts;
        const stores = selectedStores(o.only);
        const picked = [o.steps !== undefined, o.to !== undefined, Boolean(o.all)].filter(Boolean).length;
        if (picked > 1) throw usageError('pass only one of --steps, --to and --all', 'e.g. recruit-db rollback --steps 1');
        const steps = parseSteps(o.steps);
        if (o.to !== undefined) oneStoreFor('--to', stores);
        if (!o.dryRun) assertNotProduction(ctx.config(), o.allowProduction, 'roll back migrations');
        applyMigrationsDir(o.migrationsDir);
        const opts: DownOptions = { steps, to: o.to, all: o.all, dryRun: o.dryRun, allowProduction: o.allowProduction };
        const { outcomes, code } = await eachStore(ctx as CommandContext<unknown>, stores, (m) => m.down(opts));
        if (ctx.out.json) ctx.out.data({ version: 1, command: 'rollback', ok: code === EXIT.OK, stores: outcomes });
        else renderResults(ctx as CommandContext<unknown>, outcomes);
        return code;
      }),
    );
}
