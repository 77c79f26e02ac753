import type { Command } from 'commander';
import type { StoreName } from '../errors';
import type { UpResult } from '../up';
import { action, type CommandContext } from './context';
import { onlyOption, selectedStores } from './options';
import { table } from './output';
import { readBackText } from './seed';

interface UpFlags {
  only?: StoreName[];
  seed: boolean;
  profile?: string;
  seedValue?: string;
  strict?: boolean;
  allowProduction?: boolean;
  verifyHash?: boolean;
}

/** Flags `up` and `reset` share; reset is `up` after dropping what recruit-db owns. */
export function upFlags(cmd: Command): Command {
  return cmd
    .addOption(onlyOption())
    .option('--no-seed', 'migrate and verify only')
    .option('--profile <name>', 'seed profile: small, medium, large', 'small')
    .option('--seed-value <n>', 'seed for the generators (same seed, same data)', '1')
    .option('--strict', 'verify: warnings (unsupported features) count as failures')
    .option('--allow-production', 'allow a production target (RECRUIT_DB_ENV=production)')
    .option('--verify-hash', 'read back what this run seeds and compare it with what was written (exit 1 if they differ)');
}

export function renderUp(ctx: CommandContext<UpFlags>, result: UpResult): void {
  if (ctx.out.json) {
    ctx.out.data({ version: 1, exitCode: upExitCode(result), stores: result.stores, verify: { clean: result.verify.clean, exitCode: result.verify.exitCode }, readBack: result.readBack });
    return;
  }
  const c = ctx.out.c;
  const rows = [['store', 'applied', 'seeded', 'notes']];
  for (const s of result.stores) {
    rows.push([s.store, s.applied.length ? `${s.applied.length} new` : 'nothing new', s.seeded === undefined ? (s.seedNote ? 'skipped' : '-') : String(s.seeded), [...s.notes, s.seedNote].filter(Boolean).join('; ')]);
  }
  ctx.out.line(table(rows));
  const verdict = result.verify.exitCode === 0 ? c.green(result.verify.clean ? 'clean' : 'clean, with warnings (run `recruit-db verify` for them)') : c.red('drift found (run `recruit-db verify` for details)');
  ctx.out.line(`verify: ${verdict}`);
  if (result.readBack) ctx.out.line(readBackText(result.readBack, c));
}

/** verify's verdict, or 1 when the read-back of what was seeded found a difference. */
export function upExitCode(result: UpResult): 0 | 1 {
  return result.readBack && !result.readBack.ok ? 1 : result.verify.exitCode;
}

function options(ctx: CommandContext<UpFlags>) {
  return {
    only: selectedStores(ctx.opts.only),
    seed: ctx.opts.seed,
    profile: ctx.opts.profile,
    seedValue: ctx.opts.seedValue,
    strict: ctx.opts.strict,
    allowProduction: ctx.opts.allowProduction,
    verifyHash: ctx.opts.verifyHash,
  };
}

export function register(program: Command): void {
  upFlags(
    program
      .command('up')
      .description('migrate all three stores, bootstrap S3, seed empty stores, verify, and summarise; safe to re-run')
      .addHelpText('after', '\nExample:\n  $ recruit-db up --profile small --seed-value 42'),
  ).action(
    action<UpFlags>(async (ctx) => {
      const { runUp } = await import('../up');
      const result = await ctx.out.spin('up', () => runUp(ctx.config(), options(ctx)));
      renderUp(ctx, result);
      return upExitCode(result);
    }),
  );
}

export { options as upOptions };
