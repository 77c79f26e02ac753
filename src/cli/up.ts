import type { Command } from 'commander';
import { usageError, type StoreName } from '../errors';
import type { ResetResult, UpOptions, UpResult } from '../up';
import { action, type CommandContext, type Reply } from './context';
import { reportOutcomes, withProgress } from './migrate';
import { onlyOption, selectedStores } from './options';
import { table } from './output';
import { readBackText, renderSeedPlan } from './seed';

interface UpFlags {
  only?: StoreName[];
  /** `--seed N` gives a value; `--no-seed` gives false. */
  seed?: string | false;
  seedValue?: string;
  profile?: string;
  asOf?: string;
  strict?: boolean;
  allowProduction?: boolean;
  dryRun?: boolean;
  verifyHash?: boolean;
}

/** Flags `up` and `reset` share; reset is `up` after dropping what recruit-db owns. */
export function upFlags(cmd: Command): Command {
  return cmd
    .addOption(onlyOption())
    .option('--seed <n>', 'seed for the generators (same seed, same data; default 1)')
    .option('--no-seed', 'migrate and verify only')
    .option('--seed-value <n>', 'the same as --seed <n> (kept for scripts written before --seed N)')
    .option('--profile <name>', 'seed profile: small, medium, large', 'small')
    .option('--as-of <date>', 'seed data as of this day (YYYY-MM-DD, UTC; default today)')
    .option('--strict', 'verify: warnings (unsupported features) count as failures')
    .option('--dry-run', 'print the plan for every store (migrations, bucket changes, what would be seeded), change nothing')
    .option('--allow-production', 'allow a production target (RECRUIT_DB_ENV=production, or a store bootstrapped for production)')
    .option('--verify-hash', 'read back what this run seeds and compare it with what was written (exit 1 if they differ)');
}

export function upOptions(ctx: CommandContext<UpFlags>, onProgress: UpOptions['onProgress'], onSeedProgress: UpOptions['onSeedProgress']): UpOptions {
  const o = ctx.opts;
  if (typeof o.seed === 'string' && o.seedValue !== undefined && o.seedValue !== o.seed) {
    throw usageError(`--seed ${o.seed} and --seed-value ${o.seedValue} disagree`, 'pass one of them');
  }
  return {
    only: selectedStores(o.only),
    seed: o.seed !== false,
    seedValue: typeof o.seed === 'string' ? o.seed : (o.seedValue ?? '1'),
    profile: o.profile,
    asOf: o.asOf,
    strict: o.strict,
    allowProduction: o.allowProduction,
    dryRun: o.dryRun,
    verifyHash: o.verifyHash,
    onProgress,
    onSeedProgress,
  };
}

export function renderUp(ctx: CommandContext<unknown>, result: UpResult): void {
  const c = ctx.out.c;
  if (result.dryRun) {
    for (const s of result.stores) {
      ctx.out.line(c.bold(`${s.store}: dry run, nothing changed; would apply ${s.plan?.length ? '' : 'nothing'}`));
      for (const stmt of s.plan ?? []) ctx.out.line(`  ${stmt}`);
      for (const note of s.notes) ctx.out.line(`  note: ${note}`);
      if (s.seedNote) ctx.out.line(`  seed: ${s.seedNote}`);
    }
    if (result.seedPlan) renderSeedPlan(ctx, result.seedPlan);
    return;
  }
  const rows = [['store', 'applied', 'seeded', 'notes']];
  for (const s of result.stores) {
    rows.push([s.store, s.error ? c.red('failed') : s.applied.length ? `${s.applied.length} new` : 'nothing new', s.seeded === undefined ? (s.seedNote ? 'skipped' : '-') : String(s.seeded), [...s.notes, s.seedNote].filter(Boolean).join('; ')]);
  }
  ctx.out.line(table(rows));
  if (!result.verify) return;
  const verdict = result.verify.exitCode === 0 ? c.green(result.verify.clean ? 'clean' : 'clean, with warnings (run `recruit-db verify` for them)') : c.red('drift found (run `recruit-db verify` for details)');
  ctx.out.line(`verify: ${verdict}`);
  if (result.readBack) ctx.out.line(readBackText(result.readBack, c));
}

/** The JSON part of an up/reset result (the verify reports stay with `recruit-db verify --json`). */
export function upData(result: UpResult | ResetResult): Record<string, unknown> {
  return {
    runId: result.runId ?? null,
    dryRun: result.dryRun,
    stores: result.stores,
    ...('dropped' in result ? { dropped: result.dropped } : {}),
    ...(result.seedPlan ? { seedPlan: result.seedPlan } : {}),
    verify: result.verify ? { clean: result.verify.clean, exitCode: result.verify.exitCode } : null,
    ...(result.readBack ? { readBack: result.readBack } : {}),
  };
}

export function upReply(ctx: CommandContext<unknown>, result: UpResult, text: () => void): Reply {
  const error = reportOutcomes(ctx, result.stores.map((s) => ({ store: s.store, error: s.error })));
  return { exitCode: result.exitCode, data: upData(result), error, text };
}

export function register(program: Command): void {
  upFlags(
    program
      .command('up')
      .description('migrate all three stores, bootstrap S3, seed empty stores (or redo an unfinished seed), verify, and summarise; safe to re-run')
      .addHelpText(
        'after',
        `
Every store is planned and checked before the first write. Stores that already hold a finished
seed's data are not seeded again; a store whose last seed never finished (killed halfway) is
emptied of what that seed wrote and seeded again with that seed's settings.
Exit codes: 0 ok and verify found no drift; 1 drift, a failed migration, or --verify-hash found a difference; 2 usage or connection error.

Examples:
  $ recruit-db up --profile small --seed 42
  $ recruit-db up --dry-run`,
      ),
  ).action(
    action<UpFlags>(async (ctx) => {
      const { runUp } = await import('../up');
      const result = await withProgress(ctx, (progress) => runUp(ctx.config(), upOptions(ctx, progress.handle, progress.seed)));
      return upReply(ctx, result, () => renderUp(ctx, result));
    }),
  );
}
