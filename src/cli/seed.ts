import type { Command } from 'commander';
import { EXIT, type StoreName } from '../errors';
import type { AuditResult } from '../../seeds/audit';
import { action, type CommandContext } from './context';
import { onlyOption, selectedStores } from './options';
import { progressText, table } from './output';

interface SeedFlags {
  profile?: string;
  seed?: string;
  asOf?: string;
  only?: StoreName[];
  set?: string[];
  truncate?: boolean;
  allowProduction?: boolean;
  hash: boolean;
  check?: boolean;
  checkOnly?: boolean;
}

/** The audit as a table of the rules that found something, then one summary line. */
function renderAudit(ctx: CommandContext<SeedFlags>, audit: AuditResult): void {
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

export function register(program: Command): void {
  program
    .command('seed')
    .description('fill migrated, empty stores with deterministic generated data (same --seed and --as-of, same data)')
    .option('--profile <name>', 'small (CI, seconds), medium (staging) or large (millions of rows)', 'small')
    .option('--seed <n>', 'integer seed; the same seed gives identical data', '1')
    .option('--as-of <date>', 'the day the data is "as of" (YYYY-MM-DD, UTC; default today): history before it, scheduled things after')
    .addOption(onlyOption())
    .option('--set <table=count>', 'override a row count, e.g. --set users=500,jobs=20 (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--truncate', 'empty the target first (TRUNCATE tables, delete documents and seeded objects)')
    .option('--allow-production', 'allow seeding a production target')
    .option('--no-hash', 'skip reading the stores back for a content hash (faster)')
    .option('--check', 'after loading, audit the stores against the consistency rules (exit 1 on a violation)')
    .option('--check-only', 'write nothing: audit the stores as they are, for data as of --as-of')
    .addHelpText(
      'after',
      '\nEvery seeded user logs in with the development password "recruit-dev-password".\n\nExamples:\n  $ recruit-db seed --profile small --seed 42 --as-of 2026-01-31 --only postgres,mongo\n  $ recruit-db seed --check-only --as-of 2026-01-31',
    )
    .action(
      action<SeedFlags>(async (ctx) => {
        const seeds = await import('../../seeds/index');
        const config = ctx.config();
        const o = ctx.opts;
        let spinner: { text: string; stop(): void } | undefined;
        const started = Date.now();
        if (ctx.out.interactive) {
          const ora = (await import('ora')).default;
          spinner = ora({ text: o.checkOnly ? 'checking' : 'seeding', stream: process.stderr }).start();
        }
        let last = 0;
        let phaseStart = Date.now();
        let current = '';
        const onProgress = spinner
          ? (p: { store: StoreName; phase?: string; name: string; done: number; total: number }) => {
              const phase = `${p.phase ?? 'write'}:${p.store}`;
              if (phase !== current) (current = phase), (phaseStart = Date.now());
              const now = Date.now();
              if (now - last < 100) return;
              last = now;
              spinner!.text = p.phase === 'check' ? `checking: ${p.name} (${p.done + 1}/${p.total})` : progressText(p, now - phaseStart);
            }
          : undefined;
        try {
          if (o.checkOnly) {
            const audit = await seeds.checkSeed(config, { asOf: o.asOf, only: selectedStores(o.only), onProgress });
            spinner?.stop();
            if (ctx.out.json) ctx.out.data({ version: 1, command: 'seed', ok: audit.violations === 0, check: audit });
            else renderAudit(ctx, audit);
            return audit.violations ? EXIT.DRIFT : EXIT.OK;
          }
          const result = await seeds.runSeed(config, {
            profile: o.profile,
            seed: o.seed,
            asOf: o.asOf,
            only: selectedStores(o.only),
            overrides: o.set,
            truncate: o.truncate,
            allowProduction: o.allowProduction,
            hash: o.hash,
            check: o.check,
            onProgress,
          });
          spinner?.stop();
          const clean = !result.check || result.check.violations === 0;
          if (ctx.out.json) {
            ctx.out.data({ version: 1, ...result });
          } else {
            const rows = [['store', 'written', 'seconds', 'content hash']];
            for (const s of result.stores) {
              const h = result[s]!;
              const n = Object.values(h.counts).reduce((a, b) => a + b, 0);
              rows.push([s, String(n), ((result.timings[s]?.ms ?? 0) / 1000).toFixed(1), h.hash ? h.hash.slice(0, 16) : '-']);
            }
            ctx.out.line(table(rows));
            ctx.out.line(`seeded profile ${result.profile} with seed ${result.seed} as of ${result.asOf} in ${((Date.now() - started) / 1000).toFixed(1)}s${result.hash ? `; content hash ${result.hash.slice(0, 16)}` : ''}`);
            if (result.check) renderAudit(ctx, result.check);
          }
          return clean ? EXIT.OK : EXIT.DRIFT;
        } finally {
          spinner?.stop();
        }
      }),
    );
}
