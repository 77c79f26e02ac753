import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { EXIT, RecruitDbError, usageError, type ExitCode, type StoreName } from '../errors';
import type { MigrateResult, StoreMigrator } from '../stores/migrator';
import { action, reportError, type CommandContext } from './context';
import { onlyOption, selectedStores } from './options';

export interface StoreOutcome<T> {
  store: StoreName;
  result?: T;
  error?: { code: string; message: string; hint?: string };
}

/** `--migrations-dir`: for tests and advanced use, the PostgreSQL migrations of another folder. */
export function migrationsDirOption(): Option {
  return new Option('--migrations-dir <dir>', 'PostgreSQL migrations folder (RECRUIT_DB_MIGRATIONS_DIR; default: migrations/) — for tests and advanced use');
}

export function applyMigrationsDir(dir: string | undefined): void {
  // The postgres migrator reads the environment variable, so the flag and the variable mean one thing.
  if (dir) process.env.RECRUIT_DB_MIGRATIONS_DIR = resolve(dir);
}

/**
 * Runs `work` on each selected store's migrator in turn. A store that fails is reported on one line
 * and the others still run (the stores are independent); the exit code is the worst one seen.
 */
export async function eachStore<T>(
  ctx: CommandContext<unknown>,
  stores: StoreName[],
  work: (m: StoreMigrator) => Promise<T>,
): Promise<{ outcomes: StoreOutcome<T>[]; code: ExitCode }> {
  const { openMigrator } = await import('../stores/migrator');
  const config = ctx.config();
  const outcomes: StoreOutcome<T>[] = [];
  let code: ExitCode = EXIT.OK;
  for (const store of stores) {
    let migrator: StoreMigrator | undefined;
    try {
      migrator = await openMigrator(store, config);
      const m = migrator;
      outcomes.push({ store, result: await ctx.out.spin(`${store}`, () => work(m)) });
    } catch (err) {
      const c = reportError(err, ctx.out, Boolean(ctx.globals.debug));
      code = Math.max(code, c) as ExitCode;
      const e = err instanceof RecruitDbError ? err : undefined;
      outcomes.push({ store, error: { code: e?.code ?? 'unexpected', message: e?.message ?? String((err as Error)?.message ?? err).split('\n')[0], hint: e?.hint } });
    } finally {
      await migrator?.close().catch(() => undefined);
    }
  }
  return { outcomes, code };
}

/** A migration name belongs to one store, so --to needs exactly one. */
export function oneStoreFor(flag: string, stores: StoreName[]): void {
  if (stores.length !== 1) throw usageError(`${flag} names a migration of one store, but ${stores.join(', ')} are selected`, `add --only postgres (or the store the migration belongs to)`);
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

interface MigrateOpts {
  only?: StoreName[];
  to?: string;
  dryRun?: boolean;
  acceptChanged?: boolean;
  migrationsDir?: string;
}

export function register(program: Command): void {
  program
    .command('migrate')
    .description('apply pending migrations to each store (PostgreSQL: knex migrations; MongoDB: migrate-mongo; S3: bucket layout)')
    .addOption(onlyOption())
    .option('--to <name>', 'stop after this migration (with or without extension; needs --only with one store)')
    .option('--dry-run', 'print the statements that would run, change nothing')
    .option('--accept-changed', 'record new checksums for applied migrations edited since they ran, instead of refusing')
    .addOption(migrationsDirOption())
    .addHelpText(
      'after',
      `
Every migration runs in its own transaction, under a lock that frees itself if the process dies;
any number of concurrent runs apply each migration exactly once.
Exit codes: 0 ok; 1 a migration failed or an applied one was edited/removed; 2 usage or connection error.

Examples:
  $ recruit-db migrate
  $ recruit-db migrate --only postgres --to 0005_courses --dry-run`,
    )
    .action(
      action<MigrateOpts>(async (ctx) => {
        const stores = selectedStores(ctx.opts.only);
        if (ctx.opts.to !== undefined) oneStoreFor('--to', stores);
        applyMigrationsDir(ctx.opts.migrationsDir);
        const { outcomes, code } = await eachStore(ctx as CommandContext<unknown>, stores, (m) =>
          m.up({ to: ctx.opts.to, dryRun: ctx.opts.dryRun, acceptChanged: ctx.opts.acceptChanged }),
        );
        if (ctx.out.json) ctx.out.data({ version: 1, command: 'migrate', ok: code === EXIT.OK, stores: outcomes });
        else renderResults(ctx as CommandContext<unknown>, outcomes);
        return code;
      }),
    );
}
