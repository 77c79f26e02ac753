import type { Command } from 'commander';
import type { ReadBack, SeedResult } from '../../seeds/index';
import { EXIT, type StoreName } from '../errors';
import type { AuditResult } from '../../seeds/audit';
import type { SeedPlan } from '../seedrun';
import { action, type CommandContext } from './context';
import { withProgress } from './migrate';
import { onlyOption, selectedStores } from './options';
import { table } from './output';

interface SeedFlags {
  profile?: string;
  seed?: string;
  asOf?: string;
  only?: StoreName[];
  set?: string[];
  truncate?: boolean;
  allowProduction?: boolean;
  dryRun?: boolean;
  verifyHash?: boolean;
  check?: boolean;
  checkOnly?: boolean;
}

/** The read-back's verdict in a line, then one line per difference. */
export function readBackText(r: ReadBack, c: { green(s: string): string; red(s: string): string }): string {
  const head = `read back all stores in ${(r.ms / 1000).toFixed(1)}s: ${r.ok ? c.green('they hold what was written') : c.red('they differ from what was written')}`;
  return [head, ...r.stores.flatMap((s) => s.problems.map((p) => `  ${s.store}: ${p}`))].join('\n');
}

/** The audit as a table of the rules that found something, then one summary line. */
function renderAudit(ctx: CommandContext<unknown>, audit: AuditResult): void {
  const failed = audit.findings.filter((f) => f.violations > 0);
  if (failed.length) {
    const rows = [['rule', 'store', 'violations', 'examples']];
    for (const f of failed) rows.push([f.rule, f.store, String(f.violations), f.examples.join('; ')]);
    ctx.out.line(table(rows));
  }
  for (const s of audit.skipped) ctx.out.line(`skipped ${s}`);
  const verdict = failed.length ? ctx.out.c.red(`${audit.violations} violation(s) of ${failed.length} rule(s)`) : ctx.out.c.green('no violations');
  ctx.out.line(`check as of ${audit.asOf}: ${audit.findings.length} rules, ${verdict} (${(audit.ms / 1000).toFixed(1)}s)`);
}

export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) (v /= 1000), i++;
  return `${i ? v.toFixed(1) : v} ${units[i]}`;
}

export function renderSeedPlan(ctx: CommandContext<unknown>, plan: SeedPlan): void {
  ctx.out.line(`dry run: nothing written; seed ${plan.seed}, profile ${plan.profile}, as of ${plan.asOf}${plan.truncate ? ', after emptying what earlier seeds wrote' : ''} would write:`);
  const rows = [['store', 'table / collection / prefix', 'rows / docs / objects', 'bytes']];
  for (const s of plan.stores) {
    const p = plan.plan[s]!;
    for (const i of p.items) rows.push([s, i.name, String(i.units), formatBytes(i.bytes)]);
    rows.push([s, '(total)', String(p.units), formatBytes(p.bytes)]);
  }
  ctx.out.line(table(rows));
}

function renderSeed(ctx: CommandContext<unknown>, result: SeedResult, startedMs: number): void {
  const rows = [['store', 'written', 'seconds', 'content hash']];
  for (const s of result.stores) {
    const h = result[s]!;
    const n = Object.values(h.counts).reduce((a, b) => a + b, 0);
    rows.push([s, String(n), ((result.timings[s]?.ms ?? 0) / 1000).toFixed(1), h.hash.slice(0, 16)]);
  }
  ctx.out.line(table(rows));
  ctx.out.line(`seeded profile ${result.profile} with seed ${result.seed} as of ${result.asOf} in ${((Date.now() - startedMs) / 1000).toFixed(1)}s; content hash ${result.hash.slice(0, 16)}`);
  if (result.readBack) ctx.out.line(readBackText(result.readBack, ctx.out.c));
  if (result.check) renderAudit(ctx, result.check);
}

export function register(program: Command): void {
  program
    .command('seed')
    .description('fill migrated, empty stores with deterministic generated data (same --seed and --as-of, same data)')
    .option('--profile <name>', 'small (CI, seconds), medium (staging) or large (millions of rows)', 'small')
    .option('--seed <n>', 'integer seed; the same seed gives identical data', '1')
    .option('--as-of <date>', 'the day the data is "as of" (YYYY-MM-DD, UTC; default today): history before it, scheduled things after')
    .addOption(onlyOption())
    .option('--set <table=count>', 'override a row count, e.g. --set users=500,jobs=20 (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--truncate', 'empty the target first (TRUNCATE tables, delete documents, delete the objects earlier seeds wrote)')
    .option('--dry-run', 'count what would be written per table, collection and prefix (rows and bytes); write nothing')
    .option('--allow-production', 'allow seeding a production target')
    .option('--verify-hash', 'afterwards, read the stores back (all at once) and compare them with what was written; exit 1 if they differ')
    .option('--check', 'after loading, audit the stores against the consistency rules (exit 1 on a violation)')
    .option('--check-only', 'write nothing: audit the stores as they are, for data as of --as-of')
    .addHelpText(
      'after',
      `
Every check runs before the first write: a production target (the configuration, or a store
bootstrapped for production), stores not migrated, stores that already hold data (unless --truncate).
Seeds of the same stores take turns (a seed lock per store). Each store records that a seed started
and that it finished (with its seed, profile and as-of day); a seed killed halfway is reported by up,
status and verify, and \`up\` redoes it.
--truncate removes only objects a seed wrote to S3 (it journals their keys); other uploads stay.
Every seeded user logs in with the development password "recruit-dev-password".
Exit codes: 0 seeded (and, with --check, no violation); 1 the seed data failed a constraint, or
--check / --check-only found a violation, or --verify-hash found a difference; 2 usage or connection
error, or refused.

Examples:
  $ recruit-db seed --profile small --seed 42 --as-of 2026-01-31 --only postgres,mongo
  $ recruit-db seed --profile medium --dry-run
  $ recruit-db seed --check-only --as-of 2026-01-31`,
    )
    .action(
      action<SeedFlags>(async (ctx) => {
        const o = ctx.opts;
        if (o.checkOnly) {
          const { checkSeed } = await import('../../seeds/index');
          const audit = await withProgress(ctx, (progress) => checkSeed(ctx.config(), { asOf: o.asOf, only: selectedStores(o.only), onProgress: progress.seed }));
          return { exitCode: audit.violations ? EXIT.DRIFT : EXIT.OK, data: { check: audit }, text: () => renderAudit(ctx, audit) };
        }
        const { seedStores } = await import('../seedrun');
        const started = Date.now();
        const result = await withProgress(ctx, (progress) =>
          seedStores(ctx.config(), {
            profile: o.profile,
            seed: o.seed,
            asOf: o.asOf,
            only: selectedStores(o.only),
            overrides: o.set,
            truncate: o.truncate,
            allowProduction: o.allowProduction,
            check: o.check,
            dryRun: o.dryRun,
            verifyHash: o.verifyHash,
            onProgress: progress.seed,
            onPhase: progress.handle,
            onNotice: progress.handle,
          }),
        );
        if ('dryRun' in result) return { exitCode: EXIT.OK, data: { ...result }, text: () => renderSeedPlan(ctx, result) };
        const clean = (!result.check || result.check.violations === 0) && (!result.readBack || result.readBack.ok);
        return { exitCode: clean ? EXIT.OK : EXIT.DRIFT, data: { ...result }, text: () => renderSeed(ctx, result, started) };
      }),
    );
}
