import type { Command } from 'commander';
import type { StoreName } from '../errors';
import { EXIT } from '../errors';
import { action } from './context';
import { onlyOption, selectedStores } from './options';
import { table } from './output';

export function register(program: Command): void {
  program
    .command('doctor')
    .description('connect to each configured store and report reachability, authentication, server flavour and version')
    .addOption(onlyOption())
    .addHelpText('after', '\nExample:\n  $ recruit-db doctor --json --timeout 3')
    .action(
      action<{ only?: StoreName[] }>(async (ctx) => {
        const { runDoctor } = await import('../doctor');
        const config = ctx.config();
        const checks = await ctx.out.spin('checking stores', () => runDoctor(config, selectedStores(ctx.opts.only)));
        const usable = checks.every((c) => c.usable);
        const c = ctx.out.c;
        for (const k of checks) if (k.error) ctx.out.error(`recruit-db: ${k.store}: ${k.error.message}${k.error.hint ? ` (hint: ${k.error.hint})` : ''}`);
        const failed = checks.find((k) => k.error);
        const text = () => {
          const rows = [['store', 'status', 'server', 'target', 'details']];
          for (const k of checks) {
            const status = k.usable ? c.green('ok') : c.red(k.error?.code ?? 'failed');
            const server = [k.flavour, k.version].filter(Boolean).join(' ') || '-';
            const details = Object.entries(k.details).map(([key, v]) => `${key}=${v}`).join(' ');
            rows.push([k.store, status, server, k.target ?? '-', details]);
          }
          ctx.out.line(table(rows));
          for (const k of checks) {
            for (const cap of k.capabilities.filter((x) => !x.supported)) ctx.out.line(c.yellow(`${k.store}: ${cap.feature} not supported by ${cap.server}${cap.reason ? `: ${cap.reason}` : ''}`));
          }
        };
        return {
          exitCode: usable ? EXIT.OK : EXIT.USAGE,
          data: { usable, env: config.env, stores: checks },
          error: failed ? { store: failed.store, code: failed.error!.code, message: failed.error!.message, hint: failed.error!.hint ?? null } : undefined,
          text,
        };
      }),
    );
}
