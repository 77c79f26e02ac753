import type { Command } from 'commander';
import { EXIT } from '../errors';
import { action } from './context';

interface DocsFlags {
  out?: string;
  check?: boolean;
  live?: boolean;
}

export function register(program: Command): void {
  program
    .command('docs')
    .description('generate the schema documentation (ER diagrams as Mermaid and SVG, a page per table and collection, the S3 layout, one HTML page) from the committed expected shape, or check that the committed docs are current')
    .option('--out <dir>', 'output folder (default: docs/schema of this project)')
    .option('--check', 'write nothing; exit 1 when the folder differs from what would be generated')
    .option('--live', 'document the live stores (introspected as verify reads them) instead of the committed expected shape')
    .addHelpText(
      'after',
      `
Without --live no store is contacted: the committed expected shapes are what the migrations produce.
Exit codes: 0 written, or (--check) current; 1 (--check) the docs differ; 2 usage or connection error.

Examples:
  $ recruit-db docs
  $ recruit-db docs --check
  $ recruit-db docs --live --out /tmp/staging-schema`,
    )
    .action(
      action<DocsFlags>(async (ctx) => {
        const { runDocs } = await import('../docs/run');
        const { opts, out } = ctx;
        const result = await out.spin(opts.check ? 'checking docs' : 'generating docs', () =>
          runDocs({ out: opts.out, check: Boolean(opts.check), live: Boolean(opts.live), config: () => ctx.config() }),
        );
        const exitCode = opts.check && !result.clean ? EXIT.DRIFT : EXIT.OK;
        const text = () => {
          const { missing, changed, extra } = result.diff;
          if (opts.check) {
            for (const f of changed) out.line(`changed  ${f}`);
            for (const f of missing) out.line(`missing  ${f}`);
            for (const f of extra) out.line(`stale    ${f}`);
            out.line(
              result.clean
                ? `docs: ${result.out} is current (${result.files} files, from the ${result.source})`
                : `docs: ${result.out} is out of date: ${changed.length} changed, ${missing.length} missing, ${extra.length} stale (run \`recruit-db docs\` and commit the result)`,
            );
          } else {
            const touched = missing.length + changed.length + extra.length;
            out.line(`docs: ${result.files} files in ${result.out} from the ${result.source} (${touched ? `${missing.length} new, ${changed.length} updated, ${extra.length} removed` : 'unchanged'})`);
          }
        };
        return { exitCode, data: { ...result }, text };
      }),
    );
}
