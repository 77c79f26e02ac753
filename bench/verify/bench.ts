/**
 * What `verify` costs next to what it checks: whole `recruit-db migrate` processes (all three stores,
 * fresh targets each time) against whole `recruit-db verify` processes on the targets just migrated,
 * in the same run on the same machine, so the baseline shares every condition with the measurement.
 *
 *   npm run build && npm run bench:verify            # BENCH_REPS=7 for more repetitions
 *
 * Writes the "verify" section of BENCHMARKS.md (other sections are left as they are); the run it
 * replaces moves to the section's "Earlier runs" table, so reruns keep the history.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, type as osType, release } from 'node:os';
import { join } from 'node:path';
import { BIN, REPO } from '../../tests/helpers/cli';
import { median, timeNode } from '../common';
import { freshStores } from '../../tests/helpers/stores';

const REPS = Number(process.env.BENCH_REPS ?? 5);

const timeProcess = (args: string[], env: NodeJS.ProcessEnv) => timeNode([BIN, ...args], env, REPO);

async function oneRound(i: number): Promise<{ migrate: number; verify: number }> {
  const { env, cleanup } = await freshStores('rdbbench');
  try {
    const m = await timeProcess(['migrate'], env);
    if (m.code !== 0) throw new Error(`migrate exited ${m.code}: ${m.stderr.trim().split('\n')[0]}`);
    const v = await timeProcess(['verify'], env);
    // A verify that found drift or failed measured something else: refuse the figure.
    if (v.code !== 0) throw new Error(`verify exited ${v.code}: ${(v.stderr || v.stdout).trim().split('\n').slice(-1)[0]}`);
    process.stderr.write(`round ${i + 1}/${REPS}: migrate ${m.ms.toFixed(0)} ms, verify ${v.ms.toFixed(0)} ms\n`);
    return { migrate: m.ms, verify: v.ms };
  } finally {
    await cleanup().catch(() => undefined);
  }
}

/** What verify compared in this version: said in each run's row, since the figure means little without it. */
const WHAT = 'full depth: live vs the committed expected shapes, and the summary';

const HISTORY_HEAD = '| date | reps | migrate median ms | verify median ms | verify / migrate | what verify compared |\n| --- | ---: | ---: | ---: | ---: | --- |';

/** The previous run of the section as a history row, plus the history rows it already had. */
function history(section: string): string[] {
  const rows = section.split('\n').filter((l) => /^\| \d{4}-\d\d-\d\d/.test(l));
  const migrate = /^\| `recruit-db migrate`[^|]*\| (\d+) \|/m.exec(section)?.[1];
  const verify = /^\| `recruit-db verify`[^|]*\| (\d+) \|/m.exec(section)?.[1];
  const date = /^- date: (\S+)/m.exec(section)?.[1];
  const reps = /, (\d+) repetitions, medians/.exec(section)?.[1];
  // Runs before this line existed compared the documented names only.
  const what = /^- verify compared: (.+)$/m.exec(section)?.[1] ?? 'names from the summary only (before issue 13)';
  if (migrate && verify && date) {
    const ratio = ((Number(verify) / Number(migrate)) * 100).toFixed(1);
    rows.unshift(`| ${date.slice(0, 10)} | ${reps ?? '?'} | ${migrate} | ${verify} | ${ratio} % | ${what} |`);
  }
  return rows;
}

function writeSection(body: string): string {
  const file = join(REPO, 'BENCHMARKS.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  // Replace only our own section (up to the next "## " heading); other engineers own the rest.
  const re = /^## verify\n[\s\S]*?(?=^## |(?![\s\S]))/m;
  const previous = re.exec(current)?.[0] ?? '';
  const rows = history(previous);
  const earlier = rows.length ? `\n\nEarlier runs (same benchmark; newest first):\n\n${HISTORY_HEAD}\n${rows.join('\n')}` : '';
  const section = `## verify\n\n${body.trim()}${earlier}\n`;
  const next = previous ? current.replace(re, section + '\n') : `${current.replace(/\s*$/, '')}\n\n${section}`;
  writeFileSync(file, next.replace(/\n{3,}/g, '\n\n').replace(/\s*$/, '\n'));
  return file;
}

async function main(): Promise<void> {
  if (!existsSync(join(REPO, 'dist/src/cli/main.js'))) throw new Error('not built: run `npm run build` first');
  // The machine is shared: the load says how far the absolute figures are from a quiet one (the ratio is the measurement).
  const loadBefore = loadavg()[0];
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
- load average (1 min) at start / end: ${loadBefore.toFixed(1)} / ${loadavg()[0].toFixed(1)} on ${cpu.length} cores
- stores: local PostgreSQL 15 (no pgvector), FerretDB 1.24 (SQLite backend), moto server — all on loopback
- date: ${date}
- verify compared: ${WHAT}
- target: verify at most 50 % of migrate (issue 13): ${ratio <= 0.5 ? 'met' : 'NOT met'}
- reproduce: \`npm run build && npm run bench:verify\` (\`BENCH_REPS=n\` for more repetitions)
`;
  const file = writeSection(body);
  process.stdout.write(`migrate median ${migrate.toFixed(0)} ms, verify median ${verify.toFixed(0)} ms, ratio ${(ratio * 100).toFixed(1)} % -> ${file}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench:verify failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
