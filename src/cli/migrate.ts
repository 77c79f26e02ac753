import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { usageError, type StoreName } from '../errors';
import type { MigrationRun, StoreOutcome } from '../migrations';
import type { MigrateResult } from '../stores/migrator';
import { action, type CommandContext, type ErrorJson, type GlobalOptions } from './context';
import { onlyOption, selectedStores } from './options';
import { ProgressView } from './output';

/** `--migrations-dir`: for tests and advanced use, the PostgreSQL migrations of another folder. */
export function migrationsDirOption(): Option {
  return new Option('--migrations-dir <dir>', 'PostgreSQL migrations folder (RECRUIT_DB_MIGRATIONS_DIR; default: migrations/) — for tests and advanced use');
}

export function applyMigrationsDir(dir: string | undefined): void {
  // The postgres migrator reads the environment variable, so the flag and the variable mean one thing.
  if (dir) process.env.RECRUIT_DB_MIGRATIONS_DIR = resolve(dir);
}

/** Parsed before anything connects: a bad value must not touch a store. */
export function parseSteps(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw usageError(`--steps must be a positive integer, got "${value}"`, 'e.g. --steps 1');
  return Number(value);
}

/** Runs `work` with the live progress line (TTY) or one line per finished phase (elsewhere), on stderr. */
export async function withProgress<T>(ctx: CommandContext<unknown>, work: (progress: ProgressView) => Promise<T>): Promise<T> {
  const progress = await new ProgressView(ctx.out, Boolean((ctx.globals as GlobalOptions & { quiet?: boolean }).quiet)).ready();
  try {
    return await work(progress);
  } finally {
    // Before anything else is printed: the reply's text, or the error line.
    progress.stop();
  }
}

/** Each store that failed gets its one line on stderr; the first is the envelope's error. */
export function reportOutcomes(ctx: CommandContext<unknown>, outcomes: StoreOutcome<unknown>[]): ErrorJson | undefined {
  let first: ErrorJson | undefined;
  for (const o of outcomes) {
    if (!o.error) continue;
    ctx.out.error(`recruit-db: ${o.store}: ${o.error.message}${o.error.hint ? ` (hint: ${o.error.hint})` : ''}`);
    first ??= { store: o.store, code: o.error.code, message: o.error.message, hint: o.error.hint ?? null };
  }
  return first;
}

export function renderResults(ctx: CommandContext<unknown>, outcomes: StoreOutcome<MigrateResult>[]): void {
  const c = ctx.out.c;
  for (const o of outcomes) {
    const r = o.result;
    if (!r) continue;
    const verb = r.direction === 'up' ? 'applied' : 'rolled back';
    if (r.plan) {
      ctx.out.line(c.bold(`${o.store}: dry run, nothing changed; would run:`));
      for (const stmt of r.plan) ctx.out.line(stmt);
    } else if (r.done.length) {
      ctx.out.line(c.green(`${o.store}: ${verb} ${r.done.length} migration${r.done.length === 1 ? '' : 's'}`));
      for (const name of r.done) ctx.out.line(`  ${name}`);
    }
    for (const note of r.notes) ctx.out.line(`${o.store}: ${note}`);
    for (const cap of r.capabilities.filter((x) => !x.supported)) ctx.out.line(c.yellow(`${o.store}: ${cap.feature} not supported by ${cap.server}${cap.reason ? `: ${cap.reason}` : ''}`));
  }
}

export function runReply(ctx: CommandContext<unknown>, run: MigrationRun) {
  const error = reportOutcomes(ctx, run.outcomes);
  return { exitCode: run.exitCode, data: { runId: run.runId ?? null, stores: run.outcomes }, error, text: () => renderResults(ctx, run.outcomes) };
}

interface MigrateOpts {
  only?: StoreName[];
  to?: string;
  steps?: string;
  dryRun?: boolean;
  acceptChanged?: boolean;
  oneByOne?: boolean;
  migrationsDir?: string;
}

export function register(program: Command): void {
  program
    .command('migrate')
    .description('apply pending migrations to each store (PostgreSQL: knex migrations; MongoDB: migrate-mongo scripts; S3: bucket layout)')
    .addOption(onlyOption())
    .option('--to <name>', 'stop after this migration (with or without extension; needs --only with one store)')
    .option('--steps <n>', 'apply at most N pending migrations in each selected store')
    .option('--dry-run', 'print the statements that would run, change nothing')
    .option('--accept-changed', 'record new checksums for applied migrations edited since they ran, instead of refusing')
    .option('--one-by-one', 'run every migration itself, one after another, even on an empty database where migrations/snapshot.sql (PostgreSQL) or mongo-migrations/fast-forward.json (MongoDB) could stand for them')
    .addOption(migrationsDirOption())
    .addHelpText(
      'after',
      `
Every store is checked first (settings, migration files, edited migrations); nothing is written
anywhere unless all of them pass. Then the stores are migrated concurrently, each under its own lock
that frees itself if the process dies (a store failing does not stop the others; output stays in
store order). Each migration runs in its own transaction, with lock_timeout and statement_timeout
set (see README). On an empty PostgreSQL database, the committed schema snapshot of every migration
(migrations/snapshot.sql) is loaded in one transaction instead, when it was made from these very
files on a server of the same major version and extensions (\`recruit-db schema snapshot\`).
One run has one id, recorded in every store it touched: a plain \`recruit-db rollback\` reverts it.
Exit codes: 0 ok; 1 a migration failed or an applied one was edited/removed; 2 usage or connection error.

Examples:
  $ recruit-db migrate
  $ recruit-db migrate --only postgres --steps 1
  $ recruit-db migrate --only postgres --to 0005_courses --dry-run`,
    )
    .action(
      action<MigrateOpts>(async (ctx) => {
        const o = ctx.opts;
        const steps = parseSteps(o.steps);
        applyMigrationsDir(o.migrationsDir);
        const { runMigrate } = await import('../migrations');
        const run = await withProgress(ctx, (progress) =>
          runMigrate(ctx.config(), { stores: selectedStores(o.only), to: o.to, steps, dryRun: o.dryRun, acceptChanged: o.acceptChanged, oneByOne: o.oneByOne, onProgress: progress.handle }),
        );
        return runReply(ctx, run);
      }),
    );
}
