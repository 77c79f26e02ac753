import type { Command } from 'commander';
import { EXIT } from '../errors';
import type { Capability } from '../stores/shapes';
import { action } from './context';
import type { Output } from './output';
import { table } from './output';

interface BootstrapOpts {
  dryRun?: boolean;
  strict?: boolean;
}

interface StatusOpts {
  strict?: boolean;
}

/** One stderr line per unsupported setting, naming the setting and the server. */
function warnUnsupported(out: Output, capabilities: Capability[], strict: boolean, otherwise: string): void {
  for (const cap of capabilities.filter((c) => !c.supported)) {
    const line = `s3: ${cap.feature} not supported by ${cap.server}${cap.reason ? ` (${cap.reason})` : ''}`;
    out.error(strict ? `recruit-db: error: ${line}; --strict refuses a bucket without it` : `recruit-db: warning: ${line}; ${otherwise}`);
  }
}

export function register(program: Command): void {
  const s3 = program.command('s3').description('the S3 bucket: create it, harden it and lay out its prefixes (s3-layout/)');

  s3.command('bootstrap')
    .description('create the bucket if missing, apply encryption, public access block, versioning, lifecycle, CORS and tags, and write one marker per prefix; idempotent')
    .option('--dry-run', 'print create / update / unchanged per item and change nothing')
    .option('--strict', 'fail (exit 1) when the server does not support a setting, instead of warning')
    .addHelpText('after', '\nExit codes: 0 applied (or nothing to do); 1 a setting unsupported under --strict; 2 usage or connection error.\n\nExample:\n  $ recruit-db s3 bootstrap --dry-run\n  $ S3_BUCKET=recruit-assets-staging recruit-db s3 bootstrap --strict')
    .action(
      action<BootstrapOpts>(async (ctx) => {
        const { bootstrapS3 } = await import('../stores/s3/migrate');
        const config = ctx.config();
        const r = await ctx.out.spin('bootstrapping the bucket', () => bootstrapS3(config, { dryRun: ctx.opts.dryRun }));
        const failed = Boolean(ctx.opts.strict) && r.capabilities.some((c) => !c.supported);
        warnUnsupported(ctx.out, r.capabilities, Boolean(ctx.opts.strict), r.dryRun ? 'the rest would be applied' : 'the rest was applied');
        const text = () => {
          const c = ctx.out.c;
          const colour = { create: c.green, update: c.yellow, unchanged: c.dim, unsupported: c.red } as const;
          ctx.out.line(`s3 bootstrap: bucket ${r.bucket} at ${r.target}${r.dryRun ? ' (dry run: nothing changed)' : ''}`);
          ctx.out.line(table([['item', r.dryRun ? 'would' : 'action', 'details'], ...r.items.map((i) => [i.name, colour[i.action](i.action), i.detail ?? ''])]));
          const count = (a: string) => r.items.filter((i) => i.action === a).length;
          ctx.out.line(
            r.changed
              ? `${r.dryRun ? 'would ' : ''}create ${count('create')}, update ${count('update')}; ${count('unchanged')} unchanged`
              : 'no changes: the bucket already matches the layout',
          );
        };
        return { exitCode: failed ? EXIT.DRIFT : EXIT.OK, data: { ...r }, text };
      }),
    );

  s3.command('status')
    .description('compare the live bucket with the layout: missing markers, drifted settings (exit 1 on drift)')
    .option('--strict', 'also exit 1 when the server does not support a setting')
    .addHelpText('after', '\nExit codes: 0 matches the layout; 1 drift (or, with --strict, an unsupported setting); 2 usage or connection error.\n\nExample:\n  $ recruit-db s3 status --json')
    .action(
      action<StatusOpts>(async (ctx) => {
        const { s3Status } = await import('../stores/s3/migrate');
        const config = ctx.config();
        const r = await ctx.out.spin('reading the bucket', () => s3Status(config));
        const failed = r.drift || (Boolean(ctx.opts.strict) && r.capabilities.some((c) => !c.supported));
        warnUnsupported(ctx.out, r.capabilities, Boolean(ctx.opts.strict), 'not counted as drift');
        // The live tags: `env` is the bucket's stamp, what destructive commands go by.
        const tags = r.shape.tags ?? {};
        const text = () => {
          const c = ctx.out.c;
          const colour = { ok: c.green, missing: c.red, drift: c.red, unsupported: c.yellow } as const;
          ctx.out.line(`s3 status: bucket ${r.bucket} at ${r.target}`);
          ctx.out.line(`live tags: ${Object.entries(tags).map(([k, v]) => `${k}=${v}`).join(' ') || '(none)'}${tags.env ? ` (bootstrapped for ${tags.env})` : ''}`);
          ctx.out.line(table([['item', 'state', 'details'], ...r.items.map((i) => [i.name, colour[i.state](i.state), i.detail ?? ''])]));
          const bad = r.items.filter((i) => i.state === 'missing' || i.state === 'drift');
          ctx.out.line(bad.length ? `drift: ${bad.map((i) => `${i.name} ${i.state}`).join('; ')} (hint: run \`recruit-db s3 bootstrap\`)` : 'the bucket matches the layout');
        };
        return { exitCode: failed ? EXIT.DRIFT : EXIT.OK, data: { ...r, tags }, text };
      }),
    );
}
