import type { Command } from 'commander';
import { action } from './context';
import { renderUp, upExitCode, upFlags, upOptions } from './up';

export function register(program: Command): void {
  upFlags(
    program
      .command('reset')
      .description('drop everything recruit-db owns in the stores (migrations reverted, seeded objects removed), then run `up`; refuses production')
      .addHelpText('after', '\nExample:\n  $ recruit-db reset --profile small'),
  ).action(
    action(async (ctx) => {
      const { runReset } = await import('../up');
      const typed = ctx as Parameters<typeof renderUp>[0];
      const result = await ctx.out.spin('reset', () => runReset(ctx.config(), upOptions(typed)));
      renderUp(typed, result);
      return upExitCode(result);
    }),
  );
}
