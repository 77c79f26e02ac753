/**
 * bench:seed-s3cpu — issue 18.5's lever: every CPU-second the CLI spends on an S3 seed is taken from
 * the S3 server on a small machine. `seed --only s3 --profile <p>` of a baseline build (another
 * checkout, built: `BASE=/work/main`) against this build, in the same run: a fresh migrated bucket
 * every run, the two runs of a round in rotated order, whole processes; the CLI's own CPU time
 * (user + system, bench/cpu-usage.cjs) beside the wall time, medians. Same objects either way: the
 * S3 hash of every run must be equal. Writes the "seed: the CLI's CPU for S3" section of BENCHMARKS.md.
 *
 *   npm run build && BASE=/work/main npm run bench:seed-s3cpu [-- profile [rounds]]
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freshStores, migrateStores } from '../../tests/helpers/stores';
import { REPO, list, load1, machineLine, median, rotated, timeOk, writeSection } from '../lib';

const profile = process.argv[2] ?? 'medium';
const rounds = Number(process.argv[3] ?? 3);
const BASE = process.env.BASE;
const BUILDS = { base: BASE ?? '', this: REPO } as const;
type Build = keyof typeof BUILDS;

interface Run {
  ms: number;
  cpuMs: number;
  hash: string;
}

async function seed(build: Build): Promise<Run> {
  const { config, env, cleanup } = await freshStores('rdbbenchs3cpu');
  try {
    await migrateStores(config, ['s3']);
    const t = await timeOk(process.execPath, [join(BUILDS[build], 'bin/recruit-db'), 'seed', '--only', 's3', '--profile', profile, '--seed', '1', '--json'], { env, cpu: true, cwd: BUILDS[build] });
    return { ms: t.ms, cpuMs: t.cpuMs ?? NaN, hash: (JSON.parse(t.stdout) as { s3: { hash: string } }).s3.hash };
  } finally {
    await cleanup().catch(() => undefined);
  }
}

const s = (ms: number) => (ms / 1000).toFixed(1);

(async () => {
  if (!BASE || !existsSync(join(BASE, 'dist/src/cli/main.js'))) throw new Error('set BASE to a built checkout to compare with (e.g. BASE=/work/main)');
  if (!existsSync(join(REPO, 'dist/src/cli/main.js'))) throw new Error('run `npm run build` first');
  const loadStart = load1();
  const runs: Record<Build, Run[]> = { base: [], this: [] };
  for (let r = 0; r < rounds; r++) {
    for (const b of rotated(['base', 'this'] as const, r)) {
      const x = await seed(b);
      runs[b].push(x);
      process.stderr.write(`round ${r + 1}/${rounds} ${b}: ${s(x.ms)} s wall, ${s(x.cpuMs)} s CPU\n`);
    }
  }
  const all = [...runs.base, ...runs.this];
  const same = all.every((x) => x.hash === all[0].hash);
  const med = (b: Build, f: (x: Run) => number) => median(runs[b].map(f));
  const cpuRatio = med('this', (x) => x.cpuMs) / med('base', (x) => x.cpuMs);
  const body = `
\`recruit-db seed --only s3 --profile ${profile}\` of the baseline build (${BASE}) and of this build, in the
same run: a fresh migrated bucket every run, ${rounds} rounds, the two runs of a round in rotated order,
whole processes, medians. CPU is the CLI process's own (user + system). The machine (2 cores) was
shared with other engineers' work: load average ${loadStart} at the start, ${load1()} at the end.

| build | CPU (s) | median CPU | wall (s) | median wall |
| --- | --- | ---: | --- | ---: |
${(['base', 'this'] as const).map((b) => `| ${b === 'base' ? 'baseline' : 'this build'} | ${list(runs[b].map((x) => x.cpuMs / 1000), 1)} | ${s(med(b, (x) => x.cpuMs))} s | ${list(runs[b].map((x) => x.ms / 1000), 1)} | ${s(med(b, (x) => x.ms))} s |`).join('\n')}

- The CLI's CPU: **${cpuRatio.toFixed(2)}x** the baseline's (medians).
- Same objects either way: the S3 hash of every run ${same ? 'is equal (checked on every run)' : '**differed**'}.

Machine: ${machineLine('moto on loopback')}.
Date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}. Reproduce: \`npm run build && BASE=<built checkout> npm run bench:seed-s3cpu -- ${profile} ${rounds}\`.
`;
  process.stdout.write(body);
  if (process.env.BENCH_WRITE !== '0') writeSection("seed: the CLI's CPU for S3", body);
  if (!same) process.exit(1);
})().catch((e) => {
  process.stderr.write(`bench:seed-s3cpu: ${(e as Error).message}\n`);
  process.exit(1);
});
