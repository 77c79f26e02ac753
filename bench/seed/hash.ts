/**
 * bench:hash — what the seed's content hash costs, for a three-store seed of one profile (medium by
 * default), in the same run as its baselines:
 *
 *   seed        `recruit-db seed --json` (this build): the hash is computed while writing; each store
 *               reports the time it spent hashing (timings.<store>.hashMs). Target: at most 5% of the seed.
 *   before      the same command from BENCH_BEFORE=<another built checkout> (e.g. main), whose seed
 *               read every store back after writing: that phase is its total minus its write phases
 *               minus the set-up both builds share (this build's total minus its write phases).
 *   verify      `recruit-db seed --json --verify-hash` (this build): the opt-in read-back, all stores
 *               at once (readBack.ms, per store).
 *
 * Every run on fresh, migrated stores; the runs of a round in rotated order; medians. Writes the
 * "seed: content hash" section of BENCHMARKS.md.
 *
 *   npm run build && npm run bench:hash [-- profile [rounds]]   # BENCH_BEFORE=/path
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { StoreName } from '../../src/errors';
import { freshStores, migrateStores } from '../../tests/helpers/stores';
import { REPO, list, load1, machineLine, median, rotated, timeOk, writeSection } from '../lib';

const profile = process.argv[2] ?? 'medium';
const rounds = Number(process.argv[3] ?? 3);
const BEFORE = process.env.BENCH_BEFORE;
const STORES: StoreName[] = ['postgres', 'mongo', 's3'];

interface Seeded {
  elapsedMs: number;
  timings: Partial<Record<StoreName, { units: number; ms: number; hashMs?: number }>>;
  readBack?: { ok: boolean; ms: number; stores: Array<{ store: StoreName; ms: number; ok: boolean }> };
}

async function seed(root: string, extra: string[] = []): Promise<Seeded> {
  const { config, env, cleanup } = await freshStores('rdbbenchhash');
  try {
    await migrateStores(config);
    const t = await timeOk(process.execPath, [join(root, 'bin/recruit-db'), 'seed', '--profile', profile, '--seed', '1', '--json', ...extra], { env });
    return JSON.parse(t.stdout) as Seeded;
  } finally {
    await cleanup().catch(() => undefined);
  }
}

const writing = (s: Seeded) => STORES.reduce((n, st) => n + (s.timings[st]?.ms ?? 0), 0);
const hashing = (s: Seeded) => STORES.reduce((n, st) => n + (s.timings[st]?.hashMs ?? 0), 0);

(async () => {
  if (!existsSync(join(REPO, 'dist/src/cli/main.js'))) throw new Error('run `npm run build` first');
  const loadStart = load1();
  const methods: Array<[string, () => Promise<Seeded>]> = [
    ['seed', () => seed(REPO)],
    ['verify', () => seed(REPO, ['--verify-hash'])],
    ...(BEFORE ? [['before', () => seed(BEFORE)] as [string, () => Promise<Seeded>]] : []),
  ];
  const runs: Record<string, Seeded[]> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of rotated(methods, r)) {
      const s = await fn();
      (runs[name] ??= []).push(s);
      process.stderr.write(`round ${r + 1}/${rounds} ${name}: ${(s.elapsedMs / 1000).toFixed(1)} s, writing ${(writing(s) / 1000).toFixed(1)} s, hashing ${hashing(s)} ms${s.readBack ? `, read-back ${(s.readBack.ms / 1000).toFixed(1)} s (${s.readBack.ok ? 'ok' : 'DIFFERS'})` : ''}\n`);
    }
  }
  const med = (name: string, f: (s: Seeded) => number) => median(runs[name].map(f));
  const share = med('seed', (s) => hashing(s) / s.elapsedMs);
  const setup = med('seed', (s) => s.elapsedMs - writing(s));
  const perStore = STORES.map((st) => `| ${st} | ${(med('seed', (s) => s.timings[st]?.ms ?? 0) / 1000).toFixed(1)} s | ${med('seed', (s) => s.timings[st]?.hashMs ?? 0).toFixed(0)} ms | ${(100 * med('seed', (s) => (s.timings[st]?.hashMs ?? 0) / (s.timings[st]?.ms || 1))).toFixed(1)} % | ${(med('verify', (s) => s.readBack?.stores.find((x) => x.store === st)?.ms ?? 0) / 1000).toFixed(1)} s |`);
  const beforeHash = BEFORE ? med('before', (s) => s.elapsedMs - writing(s)) - setup : NaN;
  const body = `
Three-store \`recruit-db seed --profile ${profile}\` (all of PostgreSQL, MongoDB and S3, fresh migrated
stores each run), ${rounds} rounds, runs of a round in rotated order, medians. The machine was shared
with other engineers' work (load average ${loadStart} at the start, ${load1()} at the end).

| run | seed total (s) | median |
| --- | --- | ---: |
| this build: hash computed while writing | ${list(runs.seed.map((s) => s.elapsedMs / 1000), 1)} | ${(med('seed', (s) => s.elapsedMs) / 1000).toFixed(1)} s |
| this build with \`--verify-hash\` (opt-in read-back, all stores at once) | ${list(runs.verify.map((s) => s.elapsedMs / 1000), 1)} | ${(med('verify', (s) => s.elapsedMs) / 1000).toFixed(1)} s |
${BEFORE ? `| before (main): every store read back after writing | ${list(runs.before.map((s) => s.elapsedMs / 1000), 1)} | ${(med('before', (s) => s.elapsedMs) / 1000).toFixed(1)} s |\n` : ''}
| store | writing | of it hashing | share | read-back with --verify-hash |
| --- | ---: | ---: | ---: | ---: |
${perStore.join('\n')}

- The content hash costs **${(100 * share).toFixed(1)} %** of the seed (time spent hashing, summed over the stores, over the
  seed's total) — target at most 5 %: ${share <= 0.05 ? 'met' : '**not met**'}.${BEFORE ? `
- Before, the read-back after writing took **${(beforeHash / 1000).toFixed(1)} s** of the seed's ${(med('before', (s) => s.elapsedMs) / 1000).toFixed(1)} s (its total minus its
  write phases minus the set-up both builds share, ${(setup / 1000).toFixed(1)} s).` : ''}
- \`--verify-hash\` reads the three stores at once: ${(med('verify', (s) => s.readBack?.ms ?? 0) / 1000).toFixed(1)} s, about the slowest store's read-back, not their sum.
  It is never run unless asked (\`seed\`, \`up\`, \`reset\` take the flag).

Machine: ${machineLine('PostgreSQL 15, FerretDB 1.24 (SQLite), moto, all on loopback')}.
Date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}. Reproduce: \`npm run build && npm run bench:hash -- ${profile} ${rounds}\`${BEFORE ? ' (BENCH_BEFORE=dir)' : ''}.
`;
  process.stdout.write(body);
  if (process.env.BENCH_WRITE !== '0') writeSection('seed: content hash', body);
})().catch((e) => {
  process.stderr.write(`bench:hash: ${(e as Error).message}\n`);
  process.exit(1);
});
