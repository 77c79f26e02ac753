import type { Command } from 'commander';
import type { StoreName } from '../errors';
import { action } from './context';
import { onlyOption } from './options';

interface VerifyFlags {
  summary?: string;
  only?: StoreName[];
  strict?: boolean;
  problemsOnly?: boolean;
}

export function register(program: Command): void {
  program
    .command('verify')
    .description('compare the live PostgreSQL, MongoDB and S3 stores with their expected shapes (every column, constraint, index, trigger, validator, bucket setting) and the documented summary; report each difference')
    .option('--summary <file>', 'check against this schema summary markdown instead of the shipped manifest')
    .addOption(onlyOption())
    .option('--strict', 'count warnings about the stores (unsupported server features, embedding fallback) as failures; documentation warnings never fail')
    .option('--problems-only', 'list only items that are not ok (totals still count everything)')
    .addHelpText(
      'after',
      `
The expected shapes are committed beside the migrations (migrations/expected-shape.txt,
mongo-migrations/expected-shape.txt) and written by \`recruit-db schema dump\`; a target with pending
migrations is reported as "N migrations pending" rather than compared.

Exit codes: 0 no drift (warnings allowed unless --strict); 1 drift found; 2 usage or connection error.
With --json: the report inside the common envelope (docs/json.md, docs/verify-json.md), on every exit path.

Examples:
  $ recruit-db verify
  $ recruit-db verify --only postgres --problems-only
  $ recruit-db verify --summary ../shared/spec/SCHEMA_SUMMARY.md --strict --json`,
    )
    .action(
      action<VerifyFlags>(async (ctx) => {
        const { runVerify } = await import('../verify/run');
        const { renderText, toJson } = await import('../verify/render');
        const { opts, out } = ctx;
        const config = ctx.config();
        const run = await out.spin('verifying stores', () => runVerify(config, { only: opts.only, strict: opts.strict, summaryPath: opts.summary }));
        // The report's own fields inside the one envelope every command shares (docs/json.md).
        const { version: _version, ...report } = toJson(run.reports, run.verdict);
        const text = () => {
          out.line(renderText(run.reports, { color: out.color, problemsOnly: opts.problemsOnly, strict: run.verdict.strict }).trimEnd());
          out.line(`verify against ${run.contract}: ${verdictWord(run)}`);
        };
        return { exitCode: run.verdict.exitCode, data: report, text };
      }),
    );
}

/** The last line's verdict; under --strict, warnings that fail the run are called warnings, not drift. */
function verdictWord(run: { verdict: { exitCode: number; clean: boolean; strict: boolean }; reports: Array<{ store: string; totals: { warning: number; missing: number; different: number; unexpected: number } }> }): string {
  if (run.verdict.exitCode === 0) return run.verdict.clean ? 'clean' : 'no drift (warnings only)';
  const stores = run.reports.filter((r) => r.store !== 'summary');
  const drift = stores.reduce((n, r) => n + r.totals.missing + r.totals.different + r.totals.unexpected, 0);
  const warnings = stores.reduce((n, r) => n + r.totals.warning, 0);
  if (!drift && run.verdict.strict) return `strict: ${warnings} warning${warnings === 1 ? '' : 's'} count as failures (no drift)`;
  return 'drift found';
}
