import type { Command } from 'commander';
import { RecruitDbError, type StoreName } from '../errors';
import { redact } from '../secrets';
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
With --json: the report on stdout (docs/verify-json.md); on exit 2, {"version":1,"error":{...}} instead.

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
        let run;
        try {
          const config = ctx.config();
          run = await out.spin('verifying stores', () => runVerify(config, { only: opts.only, strict: opts.strict, summaryPath: opts.summary }));
        } catch (err) {
          // A machine reading --json gets the error as data too; the wrapper still prints the one line and exits 2.
          if (out.json) out.data(errorJson(err));
          throw err;
        }
        if (out.json) {
          out.data(toJson(run.reports, run.verdict));
        } else {
          out.line(renderText(run.reports, { color: out.color, problemsOnly: opts.problemsOnly, strict: run.verdict.strict }).trimEnd());
          const word = run.verdict.exitCode === 0 ? (run.verdict.clean ? 'clean' : 'no drift (warnings only)') : 'drift found';
          out.line(`verify against ${run.contract}: ${word}`);
        }
        return run.verdict.exitCode;
      }),
    );
}

function errorJson(err: unknown) {
  if (err instanceof RecruitDbError) {
    return { version: 1, error: { store: err.store ?? null, code: err.code, message: err.message, hint: err.hint ?? null } };
  }
  const message = redact(err instanceof Error ? err.message : String(err)).split('\n')[0];
  return { version: 1, error: { store: null, code: 'unexpected', message, hint: 'rerun with --debug for details' } };
}
