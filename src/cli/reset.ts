import type { Command } from 'commander';
import type { ResetResult, ResetTargets } from '../up';
import { action, type CommandContext } from './context';
import { reportOutcomes, withProgress } from './migrate';
import type { Output } from './output';
import { renderUp, upFlags, upOptions, upReply } from './up';

/** On a TTY, reset asks first (after every refusal check, before any write); --yes skips it. */
async function ask(out: Output, targets: ResetTargets): Promise<boolean> {
  out.error('recruit-db reset will drop everything recruit-db owns in:');
  for (const t of targets.stores) out.error(`  ${t.store}: ${t.target}: ${t.what}`);
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question('then migrate and seed again. Go on? [y/N] ');
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

function renderDropped(ctx: CommandContext<unknown>, result: ResetResult): void {
  for (const d of result.dropped) {
    if (d.error) continue;
    if (d.reverted) ctx.out.line(`${d.store}: dropped: reverted ${d.reverted.length} migration${d.reverted.length === 1 ? '' : 's'}${d.reverted.length ? ` (${d.reverted[d.reverted.length - 1]} ... ${d.reverted[0]})` : ''}`);
    if (d.deleted !== undefined) ctx.out.line(`${d.store}: dropped: deleted ${d.deleted} seeded object${d.deleted === 1 ? '' : 's'}${d.kept ? `; kept ${d.kept} object${d.kept === 1 ? '' : 's'} no seed wrote` : ''}`);
  }
}

export function register(program: Command): void {
  upFlags(
    program
      .command('reset')
      .description('drop everything recruit-db owns in the stores (migrations reverted, seeded objects removed), then run `up`; refuses production')
      .option('--yes', 'do not ask for confirmation on a terminal')
      .addHelpText(
        'after',
        `
Refused, before anything is changed, when the configuration says production or any targeted store
was bootstrapped for production, unless --allow-production. On a terminal it lists what it will
drop and asks first (--yes to skip). In S3 it deletes only objects a seed wrote; other uploads stay.
Exit codes: 0 ok and verify found no drift; 1 drift or a failure; 2 usage or connection error, refused or cancelled.

Example:
  $ recruit-db reset --profile small --yes`,
      ),
  ).action(
    action<{ yes?: boolean }>(async (ctx) => {
      const { runReset } = await import('../up');
      const typed = ctx as unknown as Parameters<typeof upOptions>[0];
      const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY) && !ctx.opts.yes && !ctx.out.json;
      const result = await withProgress(ctx, (progress) =>
        runReset(ctx.config(), upOptions(typed, progress.handle, progress.seed), interactive ? (t) => (progress.stop(), ask(ctx.out, t)) : undefined),
      );
      const reply = upReply(ctx, result, () => {
        renderDropped(ctx, result);
        renderUp(ctx, result);
      });
      const dropError = reportOutcomes(ctx, result.dropped);
      reply.error ??= dropError;
      return reply;
    }),
  );
}
