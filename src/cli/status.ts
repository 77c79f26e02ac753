import type { Command } from 'commander';
import { EXIT, type ExitCode, type StoreName } from '../errors';
import { action, type CommandContext } from './context';
import { applyMigrationsDir, eachStore, migrationsDirOption } from './migrate';
import { onlyOption, selectedStores } from './options';
import { table } from './output';

interface StatusOpts {
  only?: StoreName[];
  migrationsDir?: string;
}

export function register(program: Command): void {
  program
    .command('status')
    .description('list each store\'s migrations: applied (with time), pending, changed since applied, or missing')
    .addOption(onlyOption())
    .addOption(migrationsDirOption())
    .addHelpText(
      'after',
      `
States: applied; pending; changed (applied, but its file was edited since); missing (applied, file gone).
Exit codes: 0 ok (pending migrations are fine); 1 a changed or missing migration, or drift verify finds; 2 usage or connection error.

Example:
  $ recruit-db status --only postgres --json`,
    )
    .action(
      action<StatusOpts>(async (ctx) => {
        const stores = selectedStores(ctx.opts.only);
        applyMigrationsDir(ctx.opts.migrationsDir);
        const { outcomes, code: failures } = await eachStore(ctx as CommandContext<unknown>, stores, (m) => m.status());
        const drift = outcomes.some((o) => o.result?.entries.some((e) => e.state === 'changed' || e.state === 'missing'));
        // What verify would fail on (schema drift, not pending migrations) fails status too.
        const { driftForStatus } = await import('../verify/run');
        const reachable = outcomes.filter((o) => o.result).map((o) => o.store);
        const shapeDrift = reachable.length ? await driftForStatus(ctx.config(), reachable) : [];
        for (const d of shapeDrift) {
          const o = outcomes.find((x) => x.store === d.store);
          if (o?.result && d.items.length) o.result.notes.push(`${d.items.length} difference(s) from the expected shape or the summary, e.g. ${d.items[0].kind} ${d.items[0].name}: run \`recruit-db verify --only ${d.store}\``);
        }
        const code = Math.max(failures, drift || shapeDrift.some((d) => d.items.length) ? EXIT.DRIFT : EXIT.OK) as ExitCode;
        if (ctx.out.json) {
          ctx.out.data({ version: 1, command: 'status', ok: code === EXIT.OK, stores: outcomes });
          return code;
        }
        const c = ctx.out.c;
        const paint = (s: string) => (s === 'applied' ? c.green(s) : s === 'pending' ? c.yellow(s) : c.red(s));
        for (const o of outcomes) {
          const s = o.result;
          if (!s) {
            ctx.out.line(c.bold(`${o.store}`) + `  ${c.red('error')}: ${o.error?.message ?? ''}`);
            ctx.out.line();
            continue;
          }
          ctx.out.line(c.bold(`${o.store}`) + `  ${s.target}`);
          if (!s.entries.length) ctx.out.line('  (no migrations)');
          else {
            const rows = [['  migration', 'state', 'applied at', 'batch']];
            for (const e of s.entries) rows.push([`  ${e.name}`, paint(e.state), e.appliedAt ?? '-', e.batch === undefined ? '-' : String(e.batch)]);
            ctx.out.line(table(rows));
          }
          const counts = ['applied', 'pending', 'changed', 'missing'].map((st) => [st, s.entries.filter((e) => e.state === st).length] as const).filter(([, n]) => n);
          ctx.out.line(`  ${counts.map(([st, n]) => `${n} ${st}`).join(', ') || 'nothing to do'}`);
          for (const cap of s.capabilities) ctx.out.line(`  capability ${cap.feature}: ${cap.supported ? c.green('yes') : c.yellow('no')}${cap.reason ? ` (${cap.reason})` : ''}`);
          for (const note of s.notes) ctx.out.line(`  note: ${note}`);
          ctx.out.line();
        }
        return code;
      }),
    );
}
