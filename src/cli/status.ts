import type { Command } from 'commander';
import { EXIT, type ExitCode, type StoreName } from '../errors';
import { unfinishedSeedText, UNFINISHED_SEED_HINT } from '../stores/meta';
import { action } from './context';
import { applyMigrationsDir, migrationsDirOption, reportOutcomes } from './migrate';
import { onlyOption, selectedStores } from './options';
import { table } from './output';

interface StatusOpts {
  only?: StoreName[];
  migrationsDir?: string;
}

const BAD_STATES = new Set(['changed', 'missing', 'interrupted']);

export function register(program: Command): void {
  program
    .command('status')
    .description("list each store's migrations (applied with time and run, pending, changed, missing, interrupted), its recorded environment and seed")
    .addOption(onlyOption())
    .addOption(migrationsDirOption())
    .addHelpText(
      'after',
      `
States: applied; pending; changed (applied, but its file was edited since); missing (applied, file
gone); interrupted (a rollback of it was killed halfway; the next migrate or rollback finishes it).
Each store also shows the environment it was bootstrapped for and its last seed; a seed that
started and never finished is reported (run \`recruit-db up\` to redo it).
Exit codes: 0 ok (pending migrations are fine); 1 a changed, missing or interrupted migration, an
unfinished seed, or drift verify finds; 2 usage or connection error.

Example:
  $ recruit-db status --only postgres --json`,
    )
    .action(
      action<StatusOpts>(async (ctx) => {
        applyMigrationsDir(ctx.opts.migrationsDir);
        const { runStatus } = await import('../migrations');
        // What verify would fail on (schema drift, not pending migrations) fails status too.
        const { outcomes, drift: shapeDrift, exitCode: failures } = await runStatus(ctx.config(), selectedStores(ctx.opts.only), { drift: true });
        const error = reportOutcomes(ctx, outcomes);
        const unfinished = outcomes.filter((o) => o.result?.meta.seed?.state === 'started');
        for (const o of unfinished) ctx.out.error(`recruit-db: ${unfinishedSeedText(o.store, o.result!.meta.seed!)} (hint: ${UNFINISHED_SEED_HINT})`);
        for (const d of shapeDrift) {
          const o = outcomes.find((x) => x.store === d.store);
          if (o?.result && d.items.length) o.result.notes.push(`${d.items.length} difference(s) from the expected shape or the summary, e.g. ${d.items[0].kind} ${d.items[0].name}: run \`recruit-db verify --only ${d.store}\``);
        }
        const drift = unfinished.length > 0 || shapeDrift.some((d) => d.items.length) || outcomes.some((o) => o.result?.entries.some((e) => BAD_STATES.has(e.state)));
        const exitCode = Math.max(failures, drift ? EXIT.DRIFT : EXIT.OK) as ExitCode;
        const text = () => {
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
              const rows = [['  migration', 'state', 'applied at', 'batch', 'run']];
              for (const e of s.entries) rows.push([`  ${e.name}`, paint(e.state), e.appliedAt ?? '-', e.batch === undefined ? '-' : String(e.batch), e.runId ?? '-']);
              ctx.out.line(table(rows));
            }
            const counts = ['applied', 'pending', 'changed', 'missing', 'interrupted'].map((st) => [st, s.entries.filter((e) => e.state === st).length] as const).filter(([, n]) => n);
            ctx.out.line(`  ${counts.map(([st, n]) => `${n} ${st}`).join(', ') || 'nothing to do'}`);
            ctx.out.line(`  environment: ${s.meta.env ?? 'not recorded yet (recorded by the first migrate)'}`);
            const seed = s.meta.seed;
            if (seed) ctx.out.line(`  seed: ${seed.state === 'finished' ? c.green('finished') : c.red('started, never finished')} (seed ${seed.seed}, profile ${seed.profile}${seed.asOf ? `, as of ${seed.asOf}` : ''}; started ${seed.startedAt}${seed.finishedAt ? `, finished ${seed.finishedAt}` : ''})`);
            for (const cap of s.capabilities) ctx.out.line(`  capability ${cap.feature}: ${cap.supported ? c.green('yes') : c.yellow('no')}${cap.reason ? ` (${cap.reason})` : ''}`);
            for (const note of s.notes) ctx.out.line(`  note: ${note}`);
            ctx.out.line();
          }
        };
        return { exitCode, data: { stores: outcomes }, error, text };
      }),
    );
}
