/**
 * What `verify` costs next to what it checks: whole `recruit-db migrate` processes (all three stores,
 * fresh targets each time) against whole `recruit-db verify` processes on the targets just migrated,
 * in the same run on the same machine, so the baseline shares every condition with the measurement.
 *
 *   npm run build && npm run bench:verify            # BENCH_REPS=7 for more repetitions
 *
 * Writes the "verify" section of BENCHMARKS.md (other sections are left as they are).
 */
import { existsSync } from 'node:fs';
import { cpus, totalmem, type as osType, release } from 'node:os';
import { join } from 'node:path';
import { BIN, REPO } from '../../tests/helpers/cli';
import { freshStores } from '../../tests/helpers/stores';
import { median, timeNode, writeBenchmarkSection } from '../common';

const REPS = Number(process.env.BENCH_REPS ?? 5);

async function oneRound(i: number): Promise<{ migrate: number; verify: number }> {
  const { env, cleanup } = await freshStores('rdbbench');
  try {
    const m = await timeNode([BIN, 'migrate'], env, REPO);
    if (m.code !== 0) throw new Error(`migrate exited ${m.code}: ${m.stderr.trim().split('\n')[0]}`);
    const v = await timeNode([BIN, 'verify'], env, REPO);
    // A verify that found drift or failed measured something else: refuse the figure.
    if (v.code !== 0) throw new Error(`verify exited ${v.code}: ${(v.stderr || v.stdout).trim().split('\n').slice(-1)[0]}`);
    process.stderr.write(`round ${i + 1}/${REPS}: migrate ${m.ms.toFixed(0)} ms, verify ${v.ms.toFixed(0)} ms\n`);
    return { migrate: m.ms, verify: v.ms };
  } finally {
    await cleanup().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  if (!existsSync(join(REPO, 'dist/src/cli/main.js'))) throw new Error('not built: run `npm run build` first');
  const rounds: Array<{ migrate: number; verify: number }> = [];
  for (let i = 0; i < REPS; i++) rounds.push(await oneRound(i));
  const migrate = median(rounds.map((r) => r.migrate));
  const verify = median(rounds.map((r) => r.verify));
  const ratio = verify / migrate;
  const cpu = cpus();
  const machine = `${cpu[0]?.model.trim() ?? 'unknown CPU'} x${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${osType()} ${release()}, Node ${process.versions.node}`;
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const body = `
Whole processes (\`bin/recruit-db\`, start-up included), ${REPS} repetitions, medians. Each repetition
migrates a fresh PostgreSQL database, MongoDB database and S3 bucket (all three stores), then verifies
those same targets. Baseline: \`recruit-db migrate\` of the same run.

| command | median ms | per repetition (ms) |
| --- | ---: | --- |
| \`recruit-db migrate\` (baseline, all three stores, fresh targets) | ${migrate.toFixed(0)} | ${rounds.map((r) => r.migrate.toFixed(0)).join(', ')} |
| \`recruit-db verify\` (all three stores, the migrated targets) | ${verify.toFixed(0)} | ${rounds.map((r) => r.verify.toFixed(0)).join(', ')} |

verify / migrate: **${(ratio * 100).toFixed(1)} %** of the baseline.

- machine: ${machine}
- stores: local PostgreSQL 15 (no pgvector), FerretDB 1.24 (SQLite backend), moto server — all on loopback
- date: ${date}
- reproduce: \`npm run build && npm run bench:verify\` (\`BENCH_REPS=n\` for more repetitions)
`;
  const file = writeBenchmarkSection('verify', body);
  process.stdout.write(`migrate median ${migrate.toFixed(0)} ms, verify median ${verify.toFixed(0)} ms, ratio ${(ratio * 100).toFixed(1)} % -> ${file}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench:verify failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
