/**
 * What `recruit-db docs` costs next to one `recruit-db verify` of the same three stores, in the same
 * run: whole processes (start-up included). Each repetition migrates fresh stores (not timed), then
 * times `verify` (the baseline), `docs` from the committed expected shape and `docs --live` of those
 * stores, each writing into a fresh folder, so every run renders and writes every file.
 *
 *   npm run build && npm run bench:docs            # BENCH_REPS=7 for more repetitions
 *
 * Writes the "docs" section of BENCHMARKS.md (other sections are left as they are).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';
import { REPO, runCli, type CliResult } from '../../tests/helpers/cli';
import { freshStores } from '../../tests/helpers/stores';

const REPS = Number(process.env.BENCH_REPS ?? 5);

type Row = { verify: number; docs: number; live: number };

function must(what: string, r: CliResult): number {
  // A run that failed or found drift measured something else: refuse the figure.
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}: ${(r.stderr || r.stdout).trim().split('\n').slice(-1)[0]}`);
  return r.ms;
}

async function oneRound(i: number): Promise<Row> {
  const { env, cleanup } = await freshStores('rdbbench');
  const out = mkdtempSync(join(tmpdir(), 'rdb-docs-bench-'));
  try {
    must('migrate', await runCli(['migrate'], { env }));
    const verify = must('verify', await runCli(['verify'], { env }));
    const docs = must('docs', await runCli(['docs', '--out', join(out, 'committed')], { env }));
    const live = must('docs --live', await runCli(['docs', '--live', '--out', join(out, 'live')], { env }));
    process.stderr.write(`round ${i + 1}/${REPS}: verify ${verify} ms, docs ${docs} ms, docs --live ${live} ms\n`);
    return { verify, docs, live };
  } finally {
    rmSync(out, { recursive: true, force: true });
    await cleanup().catch(() => undefined);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Replaces this benchmark's own section of BENCHMARKS.md (up to the next "## " heading), or appends it. */
function writeSection(name: string, body: string): string {
  const file = join(REPO, 'BENCHMARKS.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const section = `## ${name}\n\n${body.trim()}\n`;
  const re = new RegExp(`^## ${name}\\n[\\s\\S]*?(?=^## |(?![\\s\\S]))`, 'm');
  const next = re.test(current) ? current.replace(re, `${section}\n`) : `${current.replace(/\s*$/, '')}\n\n${section}`;
  writeFileSync(file, next.replace(/\n{3,}/g, '\n\n').replace(/\s*$/, '\n'));
  return file;
}

async function main(): Promise<void> {
  if (!existsSync(join(REPO, 'dist/src/cli/main.js'))) throw new Error('not built: run `npm run build` first');
  const rows: Row[] = [];
  for (let i = 0; i < REPS; i++) rows.push(await oneRound(i));
  const m = { verify: median(rows.map((r) => r.verify)), docs: median(rows.map((r) => r.docs)), live: median(rows.map((r) => r.live)) };
  const pct = (x: number) => `${((x / m.verify) * 100).toFixed(0)} %`;
  const cpu = cpus();
  const machine = `${cpu[0]?.model.trim() ?? 'unknown CPU'} x${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${osType()} ${release()}, Node ${process.versions.node}`;
  const body = `
Target: generating the docs of all three stores takes no more than one \`verify\` of them.
Whole processes (\`bin/recruit-db\`, start-up included), ${REPS} repetitions, medians, all in the same
run. Each repetition migrates a fresh PostgreSQL database, MongoDB database and S3 bucket (not timed),
then times \`verify\` of them (the baseline) and \`docs\` into a fresh, empty folder (every file
rendered and written: ER diagrams laid out, Markdown pages, the HTML page).

| command | median ms | of verify | per repetition (ms) |
| --- | ---: | ---: | --- |
| \`recruit-db verify\` (baseline, all three stores) | ${m.verify} | 100 % | ${rows.map((r) => r.verify).join(', ')} |
| \`recruit-db docs\` (from the committed expected shape, no store contacted) | ${m.docs} | ${pct(m.docs)} | ${rows.map((r) => r.docs).join(', ')} |
| \`recruit-db docs --live\` (introspects the three stores as verify does) | ${m.live} | ${pct(m.live)} | ${rows.map((r) => r.live).join(', ')} |

\`recruit-db docs\` (what CI and \`docs --check\` run): ${pct(m.docs)} of one verify, target ${m.docs <= m.verify ? '**met**' : '**not met**'}.
\`docs --live\`: ${pct(m.live)} of one verify, target ${m.live <= m.verify ? '**met**' : '**not met**'}: it reads the stores with the very
introspection verify runs (that part costs what a verify costs), then renders; the PostgreSQL model
and diagram layouts are made while MongoDB and S3 are still answering, the rest (~130 ms CPU) after.

- machine: ${machine}
- load average at the end (1, 5, 15 min): ${loadavg().map((l) => l.toFixed(1)).join(', ')} (the machine is shared: medians, same run)
- stores: local PostgreSQL 15 (no pgvector), FerretDB 1.24 (SQLite backend), moto server — all on loopback
- date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}
- reproduce: \`npm run build && npm run bench:docs\` (\`BENCH_REPS=n\` for more repetitions)
`;
  const file = writeSection('docs', body);
  process.stdout.write(`verify ${m.verify} ms, docs ${m.docs} ms (${pct(m.docs)}), docs --live ${m.live} ms (${pct(m.live)}) -> ${file}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench:docs failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
