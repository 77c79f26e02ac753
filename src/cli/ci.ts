import { Option, type Command } from 'commander';
import { EXIT, type StoreName } from '../errors';
import type { CiPool, PoolOptions } from '../ci/pool';
import { action, type CommandContext } from './context';
import { applyMigrationsDir, migrationsDirOption } from './migrate';
import { onlyOption } from './options';
import { table } from './output';

/**
 * `recruit-db ci`: the warm pool of isolated stacks (src/ci/) for any language's test runner. Thin:
 * parse flags, call the library, render. `ci acquire` is on the hot path of every CI job, so it loads
 * the pool's code only after parsing, and only the PostgreSQL driver unless it must copy a stack.
 */

interface TemplateFlags {
  pool?: string;
  only?: StoreName[];
  profile: string;
  seedValue: string;
  seed: boolean;
  asOf?: string;
  summary?: string;
  migrationsDir?: string;
}

function templateFlags(cmd: Command): Command {
  return cmd
    .addOption(new Option('--pool <name>', 'pool namespace, e.g. one per branch (RECRUIT_DB_CI_POOL; default main)'))
    .addOption(onlyOption())
    .option('--profile <name>', 'seed profile of the template: small, medium, large', 'small')
    .option('--seed-value <n>', 'seed of the template (same seed, same data)', '1')
    .option('--no-seed', 'stacks migrated only, no seed data')
    .option('--as-of <date>', "the seed's as-of date (default: the seeder's)")
    .option('--summary <file>', 'verify the template against this summary file instead of the shipped manifest')
    .addOption(migrationsDirOption());
}

function poolOptions(ctx: CommandContext<TemplateFlags>, extra: PoolOptions = {}): PoolOptions {
  const o = ctx.opts;
  applyMigrationsDir(o.migrationsDir);
  return {
    pool: o.pool,
    stores: o.only,
    seed: o.seed ? { profile: o.profile, seed: o.seedValue, asOf: o.asOf } : false,
    summaryPath: o.summary,
    ...extra,
  };
}

async function withPool<T>(ctx: CommandContext<TemplateFlags>, extra: PoolOptions, work: (pool: CiPool) => Promise<T>): Promise<T> {
  const { CiPool } = await import('../ci/pool');
  const pool = await CiPool.open(ctx.config(), poolOptions(ctx, extra));
  try {
    return await work(pool);
  } finally {
    // A CLI hand-out outlives this process: its lease, not the process, decides when it is reclaimed.
    await pool.close({ release: false });
  }
}

/** The global flags this process was given, for the background refill it starts. */
function globalArgs(ctx: CommandContext<TemplateFlags>): string[] {
  const g = ctx.globals;
  const pairs: Array<[string, unknown]> = [
    ['--env-file', g.envFile],
    ['--env', g.env],
    ['--database-url', g.databaseUrl],
    ['--mongodb-uri', g.mongodbUri],
    ['--mongodb-db', g.mongodbDb],
    ['--s3-endpoint', g.s3Endpoint],
    ['--s3-bucket', g.s3Bucket],
    ['--region', g.region],
    ['--timeout', g.timeout],
  ];
  return pairs.filter(([, v]) => v !== undefined && v !== '').flatMap(([k, v]) => [k, String(v)]);
}

function templateArgs(o: TemplateFlags): string[] {
  const args: string[] = [];
  if (o.pool) args.push('--pool', o.pool);
  if (o.only?.length) args.push('--only', o.only.join(','));
  if (!o.seed) args.push('--no-seed');
  else {
    args.push('--profile', o.profile, '--seed-value', o.seedValue);
    if (o.asOf) args.push('--as-of', o.asOf);
  }
  if (o.summary) args.push('--summary', o.summary);
  if (o.migrationsDir) args.push('--migrations-dir', o.migrationsDir);
  return args;
}

/** A detached `ci warm --refill`: tops the pool up after this process has printed and exited. */
async function startRefill(ctx: CommandContext<TemplateFlags>): Promise<void> {
  const { spawn } = await import('node:child_process');
  const { join } = await import('node:path');
  const { ROOT } = await import('../paths');
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'recruit-db'), ...globalArgs(ctx), 'ci', 'warm', '--refill', ...templateArgs(ctx.opts)], {
    detached: true,
    stdio: 'ignore',
    env: process.env,
  });
  child.on('error', () => undefined);
  child.unref();
}

interface AcquireFlags extends TemplateFlags {
  lease?: string;
  envOut?: string;
  refill: boolean;
}

export function register(program: Command): void {
  const ci = program
    .command('ci')
    .description('isolated, migrated and seeded stacks of the three stores for CI, copied from a template and handed out from a warm pool')
    .addHelpText(
      'after',
      `
Example:
  $ recruit-db ci warm --size 8                 # build the template, copy 8 stacks ahead
  $ eval "$(recruit-db ci acquire)"             # DATABASE_URL, MONGODB_URI, S3_BUCKET of a stack of your own
  $ recruit-db ci release "$RECRUIT_DB_CI_LEASE"
See docs/ci.md.`,
    );

  templateFlags(ci.command('warm'))
    .description('build the template if needed and keep N ready stacks in the pool (the size is kept for every process and refill)')
    .option('--size <n>', 'stacks to keep ready (default: the size already recorded, else 0)')
    .addOption(new Option('--refill', 'top up to the recorded size and exit; nothing if another refill runs').hideHelp())
    .addHelpText('after', '\nExit codes: 0 warm; 1 the template failed to build or verify; 2 usage or connection error.\n\nExample:\n  $ recruit-db ci warm --size 8 --only postgres,mongo')
    .action(
      action<TemplateFlags & { size?: string; refill?: boolean }>(async (ctx) => {
        const o = ctx.opts;
        return withPool(ctx, { refill: false }, async (pool) => {
          if (o.refill) {
            const created = await pool.refill();
            return { exitCode: EXIT.OK, data: { pool: pool.spec.pool, refill: true, created } };
          }
          const size = o.size === undefined ? (await pool.status()).size : Number(o.size);
          const r = await ctx.out.spin(`warming pool ${pool.spec.pool}`, () => pool.warm(size));
          const text = () => ctx.out.line(`ci warm: pool ${pool.spec.pool}, template ${r.template.key.slice(0, 10)} ${r.template.built ? `built in ${r.template.buildMs} ms` : 'ready'}; ${r.created} stack(s) copied, ${r.available} of ${r.size} ready`);
          return { exitCode: EXIT.OK, data: { pool: pool.spec.pool, ...r }, text };
        });
      }),
    );

  templateFlags(ci.command('acquire'))
    .description('take a stack of your own from the pool (copied now if none is ready) and print its settings as export lines')
    .option('--lease <time>', 'how long the stack is yours before gc may take it back: 90s, 30m, 2h', '1h')
    .option('--env-out <file>', 'write the settings (with credentials, mode 0600) to this file (default: a file per lease in RECRUIT_DB_CI_DIR or the temp folder)')
    .option('--no-refill', 'do not start a background refill of the pool')
    .addHelpText(
      'after',
      `
Prints export lines; the URLs with their credentials go to a file of mode 0600 that the lines source
(secrets never reach stdout or a CI log). The file also works as recruit-db --env-file.

Exit codes: 0 a stack is yours; 1 the template failed to build or verify; 2 usage or connection error.

Example:
  $ eval "$(recruit-db ci acquire --only postgres,mongo)"
  $ recruit-db ci acquire --json | jq -r .envFile`,
    )
    .action(
      action<AcquireFlags>(async (ctx) => {
        const { parseDuration } = await import('../ci/lease');
        const leaseMs = parseDuration(ctx.opts.lease ?? '1h', '--lease');
        const { writeEnvFile } = await import('../ci/envfile');
        const { exportLines } = await import('../ci/stack');
        const stack = await withPool(ctx, { leaseMs, keepAlive: false, refill: false }, (pool) => pool.acquire({ refill: false }));
        const envFile = writeEnvFile(stack.id, exportLines(stack.env), ctx.opts.envOut);
        // Detached: it tops the pool up after this process has printed and exited.
        if (ctx.opts.refill && stack.refillNeeded) await startRefill(ctx);
        const data = {
          lease: stack.id,
          leaseUntil: stack.leaseUntil,
          warm: stack.warm,
          handoutMs: stack.handoutMs,
          pool: stack.pool,
          templateKey: stack.templateKey,
          contentHash: stack.contentHash,
          stores: stack.stores,
          names: stack.names,
          envFile,
          env: stack.env,
        };
        const text = () => {
          const shown: Record<string, string> = { RECRUIT_DB_CI_LEASE: stack.id, RECRUIT_DB_CI_ENV_FILE: envFile };
          for (const k of ['MONGODB_DB', 'S3_BUCKET'] as const) if (stack.env[k]) shown[k] = stack.env[k];
          ctx.out.line(exportLines(shown));
          ctx.out.line(`. "$RECRUIT_DB_CI_ENV_FILE"  # DATABASE_URL, MONGODB_URI and the rest, credentials included`);
        };
        return { exitCode: EXIT.OK, data, text };
      }),
    );

  ci.command('release')
    .description('give a stack back: its database, MongoDB database and bucket are dropped')
    .argument('<lease>', 'the lease id ci acquire printed (RECRUIT_DB_CI_LEASE)')
    .addHelpText('after', '\nExit codes: 0 released; 2 unknown lease, usage or connection error.\n\nExample:\n  $ recruit-db ci release "$RECRUIT_DB_CI_LEASE"')
    .action(
      action<Record<string, never>>(async (ctx, id) => {
        const { releaseLease } = await import('../ci/pool');
        const { removeEnvFile } = await import('../ci/envfile');
        await releaseLease(ctx.config(), id);
        removeEnvFile(id);
        return { exitCode: EXIT.OK, data: { lease: id }, text: () => ctx.out.line(`ci release: stack ${id} dropped`) };
      }),
    );

  templateFlags(ci.command('gc'))
    .description("drop what is stale in the pool: stacks whose lease ran out, templates of older keys or unused, half-built ones; never anything without a record")
    .option('--all', "drop every template and ready stack of the pool (leased stacks stay until released or expired)")
    .option('--max-idle <time>', 'drop templates of other settings unused this long', '24h')
    .addHelpText('after', '\nExit codes: 0 done; 1 something could not be dropped (listed); 2 usage or connection error.\n\nExample:\n  $ recruit-db ci gc --pool main')
    .action(
      action<TemplateFlags & { all?: boolean; maxIdle: string }>(async (ctx) => {
        const { parseDuration } = await import('../ci/lease');
        const maxIdleMs = parseDuration(ctx.opts.maxIdle, '--max-idle');
        const { gcPool } = await import('../ci/gc');
        const r = await withPool(ctx, { refill: false }, (pool) => ctx.out.spin('collecting', () => gcPool(pool, { all: ctx.opts.all, maxIdleMs })));
        const failed = r.kept.some((k) => k.error);
        const text = () => {
          ctx.out.line(`ci gc: pool ${r.pool}: dropped ${r.stacks.length} stack(s) and ${r.templates.length} template(s)`);
          for (const s of r.stacks) ctx.out.line(`  stack ${s.id}: ${s.reason}`);
          for (const t of r.templates) ctx.out.line(`  template ${t.key.slice(0, 10)}: ${t.reason}`);
          for (const k of r.kept) ctx.out.line(`  kept ${k.what}: ${k.reason}`);
          for (const u of r.unknown) ctx.out.line(`  left alone (no record, not created through this pool): ${u}`);
        };
        return { exitCode: failed ? EXIT.DRIFT : EXIT.OK, data: { ...r }, text };
      }),
    );

  templateFlags(ci.command('status'))
    .description("the pool's templates and stacks, from the records in the server")
    .addHelpText('after', '\nExample:\n  $ recruit-db ci status --json')
    .action(
      action<TemplateFlags>(async (ctx) => {
        const s = await withPool(ctx, { refill: false }, (pool) => pool.status());
        const text = () => {
          ctx.out.line(`ci status: pool ${s.pool}, size ${s.size}, current template ${s.current.short}`);
          const rows = [['template', 'state', 'stores', 'build', 'ready', 'leased', 'creating', 'dropping', 'content']];
          for (const t of s.templates) {
            rows.push([`${t.short}${t.current ? ' *' : ''}`, t.state, t.stores.join(','), t.buildMs === null ? '-' : `${t.buildMs} ms`, String(t.stacks.ready), String(t.stacks.leased), String(t.stacks.creating), String(t.stacks.dropping), t.contentHash?.slice(0, 12) ?? (t.error ?? '-')]);
          }
          ctx.out.line(table(rows));
          const expired = s.stacks.filter((x) => x.expired && x.state !== 'ready');
          if (expired.length) ctx.out.line(`${expired.length} stack(s) past their lease: \`recruit-db ci gc\` takes them back`);
        };
        return { exitCode: EXIT.OK, data: { ...s }, text };
      }),
    );
}
