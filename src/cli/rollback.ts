import type { Command } from 'commander';
import type { StoreName } from '../errors';
import { action } from './context';
import { applyMigrationsDir, migrationsDirOption, parseSteps, runReply, withProgress } from './migrate';
import { onlyOption } from './options';

interface RollbackOpts {
  only?: StoreName[];
  steps?: string;
  to?: string;
  all?: boolean;
  dryRun?: boolean;
  allowProduction?: boolean;
  migrationsDir?: string;
}

export { parseSteps };

export function register(program: Command): void {
  program
    .command('rollback')
    .description('revert migrations: by default exactly what the last `migrate` run applied, in the stores it touched')
    .addOption(onlyOption(['postgres', 'mongo', 's3']))
    .option('--steps <n>', 'revert the last N migrations of each selected store')
    .option('--to <name>', 'revert every migration applied after NAME (NAME stays applied; needs --only with one store)')
    .option('--all', 'revert every applied migration')
    .option('--dry-run', 'print the statements that would run, change nothing')
    .option('--allow-production', 'allow rolling back a production target')
    .addOption(migrationsDirOption())
    .addHelpText(
      'after',
      `
Pass at most one of --steps, --to, --all. With none, the last \`migrate\` run is reverted: its run id
is recorded in every store it applied something in, and only those stores are touched.
Only PostgreSQL and MongoDB have versioned migrations; the S3 layout is never rolled back
(--only s3 is refused before anything is changed).
Refused, before any store is changed, when the configuration says production or any targeted
store was bootstrapped for production, unless --allow-production.
Exit codes: 0 ok; 1 a migration failed; 2 usage or connection error.

Examples:
  $ recruit-db rollback
  $ recruit-db rollback --only postgres --steps 1
  $ recruit-db rollback --only postgres --to 0003_skills_categories
  $ recruit-db rollback --all`,
    )
    .action(
      action<RollbackOpts>(async (ctx) => {
        const o = ctx.opts;
        const steps = parseSteps(o.steps);
        applyMigrationsDir(o.migrationsDir);
        const { runRollback } = await import('../migrations');
        const run = await withProgress(ctx, (progress) =>
          runRollback(ctx.config(), { stores: o.only?.length ? o.only : undefined, steps, to: o.to, all: o.all, dryRun: o.dryRun, allowProduction: o.allowProduction, onProgress: progress.handle }),
        );
        return runReply(ctx, run);
      }),
    );
}
