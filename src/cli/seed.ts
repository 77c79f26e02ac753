import type { Command } from 'commander';
import type { ReadBack } from '../../seeds/index';
import { EXIT, type StoreName } from '../errors';
import { action } from './context';
import { onlyOption, selectedStores } from './options';
import { progressText, table } from './output';

interface SeedFlags {
  profile?: string;
  seed?: string;
  only?: StoreName[];
  set?: string[];
  truncate?: boolean;
  allowProduction?: boolean;
  verifyHash?: boolean;
}

/** The read-back's verdict in a line, then one line per difference. */
export function readBackText(r: ReadBack, c: { green(s: string): string; red(s: string): string }): string {
  const head = `read back all stores in ${(r.ms / 1000).toFixed(1)}s: ${r.ok ? c.green('they hold what was written') : c.red('they differ from what was written')}`;
  return [head, ...r.stores.flatMap((s) => s.problems.map((p) => `  ${s.store}: ${p}`))].join('\n');
}

export function register(program: Command): void {
  program
    .command('seed')
    .description('fill migrated, empty stores with deterministic generated data (same --seed, same data)')
    .option('--profile <name>', 'small (CI, seconds), medium (staging) or large (millions of rows)', 'small')
    .option('--seed <n>', 'integer seed; the same seed gives identical data', '1')
    .addOption(onlyOption())
    .option('--set <table=count>', 'override a row count, e.g. --set users=500,jobs=20 (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--truncate', 'empty the target first (TRUNCATE tables, delete documents and seeded objects)')
    .option('--allow-production', 'allow seeding a production target')
    .option('--verify-hash', 'afterwards, read the stores back (all at once) and compare them with what was written; exit 1 if they differ')
    .addHelpText('after', '\nEvery seeded user logs in with the development password "recruit-dev-password".\n\nExample:\n  $ recruit-db seed --profile small --seed 42 --only postgres,mongo')
    .action(
      action<SeedFlags>(async (ctx) => {
        const { runSeed } = await import('../../seeds/index');
        const config = ctx.config();
        const o = ctx.opts;
        let spinner: { text: string; stop(): void } | undefined;
        const started = Date.now();
        if (ctx.out.interactive) {
          const ora = (await import('ora')).default;
          spinner = ora({ text: 'seeding', stream: process.stderr }).start();
        }
        let last = 0;
        let storeStart = Date.now();
        let current = '';
        try {
          const result = await runSeed(config, {
            profile: o.profile,
            seed: o.seed,
            only: selectedStores(o.only),
            overrides: o.set,
            truncate: o.truncate,
            allowProduction: o.allowProduction,
            verifyHash: o.verifyHash,
            onProgress: spinner
              ? (p) => {
                  if (p.store !== current) (current = p.store), (storeStart = Date.now());
                  const now = Date.now();
                  if (now - last < 100) return;
                  last = now;
                  spinner!.text = progressText(p, now - storeStart);
                }
              : undefined,
          });
          spinner?.stop();
          if (ctx.out.json) {
            ctx.out.data({ version: 1, ...result });
          } else {
            const rows = [['store', 'written', 'seconds', 'content hash']];
            for (const s of result.stores) {
              const h = result[s]!;
              const n = Object.values(h.counts).reduce((a, b) => a + b, 0);
              rows.push([s, String(n), ((result.timings[s]?.ms ?? 0) / 1000).toFixed(1), h.hash.slice(0, 16)]);
            }
            ctx.out.line(table(rows));
            ctx.out.line(`seeded profile ${result.profile} with seed ${result.seed} in ${((Date.now() - started) / 1000).toFixed(1)}s; content hash ${result.hash.slice(0, 16)}`);
            if (result.readBack) ctx.out.line(readBackText(result.readBack, ctx.out.c));
          }
          return result.readBack && !result.readBack.ok ? EXIT.DRIFT : EXIT.OK;
        } finally {
          spinner?.stop();
        }
      }),
    );
}
